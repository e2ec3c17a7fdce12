"""The ``cleanpipe`` command: data on stdout, logs on stderr, exit 0 / 1 / 2 / 130."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any

from cleanpipe import __version__
from cleanpipe.engines import ENGINES
from cleanpipe.errors import RulesError
from cleanpipe.io.readers import FORMATS

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

log = logging.getLogger("cleanpipe")

_RUN_EPILOG = """\
examples:
  cleanpipe run < page.html                 one page from stdin, one JSON object out
  cleanpipe run dumps/ > articles.jsonl     a folder (recursive), JSON Lines out
  cleanpipe run -o clean/ crawl/            one .json per input, mirroring crawl/
  cleanpipe run --rules my-rules/ page.txt  the default rules overlaid with yours
  cleanpipe run -j 4 --out clean.jsonl.gz --errors failed.jsonl crawl/
  cleanpipe run --resume -o clean/ crawl/   after an interruption: only what is missing
  cleanpipe run --input-format jsonl --html-field content export.jsonl
  cleanpipe run CC-MAIN-2024.warc.gz        HTML responses of a WARC file
  cleanpipe run --engine dask --scheduler tcp://host:8786 --out clean.jsonl crawl/
  cleanpipe run --learn site-dumps/         learn each site's repeated lines first

exit status: 0 all inputs cleaned, 1 some failed (their error records are in the
output), 2 usage or rules error, 130 interrupted.
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cleanpipe",
        description="Turn raw scraped pages (HTML or text dumps) into clean article JSON.",
        epilog="Run 'cleanpipe COMMAND --help' for each command's options and examples.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"cleanpipe {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="more logging on stderr (repeat for debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser(
        "run", help="clean pages: stdin, files or folders to JSON",
        description="Clean raw pages. With no PATH (or '-') read one page from stdin and "
        "write one JSON object; with paths write JSON Lines, one object per input.",
        epilog=_RUN_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("paths", nargs="*", metavar="PATH", help="files or folders; '-' is stdin")
    run.add_argument("-o", "--output", metavar="DIR",
                     help="write one .json per input under DIR instead of stdout")
    run.add_argument("--rules", metavar="DIR",
                     help="your rules folder, overlaid on the defaults ($CLEANPIPE_RULES)")
    run.add_argument("--url", help="the page's URL (for a single page on stdin)")
    run.add_argument("--out", metavar="FILE",
                     help="write JSON Lines to FILE (.gz compresses) instead of stdout")
    run.add_argument("--errors", metavar="FILE",
                     help="write error records to FILE (JSON Lines) instead of the output")
    run.add_argument("--stats", metavar="FILE", help="write the batch's counters as JSON")
    run.add_argument("--resume", action="store_true",
                     help="skip inputs whose output is up to date (needs -o or --out)")
    batch = run.add_argument_group("inputs")
    batch.add_argument("--include", action="append", default=[], metavar="GLOB",
                       help="in folders, only files matching GLOB (path or name; repeatable)")
    batch.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                       help="in folders, skip files matching GLOB (repeatable)")
    batch.add_argument("--input-format", choices=FORMATS, default="auto",
                       help="auto (by name: .jsonl, .warc, optionally .gz; else one page "
                       "per file), or force one")
    batch.add_argument("--html-field", default="html", metavar="KEY",
                       help="JSON Lines key holding the HTML (default: html)")
    batch.add_argument("--text-field", default="text", metavar="KEY",
                       help="JSON Lines key holding text, used without HTML (default: text)")
    batch.add_argument("--url-field", default="url", metavar="KEY",
                       help="JSON Lines key holding the URL (default: url)")
    batch.add_argument("--id-field", default="id", metavar="KEY",
                       help="JSON Lines key holding the id, used in source (default: id)")
    workers = run.add_argument_group("workers")
    workers.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                         help="worker processes (default: the machine's cores, or none for a "
                         "single page file; 0: none, all in this process)")
    workers.add_argument("--engine", choices=ENGINES, default="local",
                         help="local process pool (default) or a Dask cluster")
    workers.add_argument("--scheduler", metavar="ADDRESS",
                         help="Dask scheduler address (default: a local cluster)")
    workers.add_argument("--unordered", action="store_true",
                         help="write records as they finish, not in input order")
    workers.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                         help="progress bar on stderr (default: when it is a terminal)")
    run.add_argument("--learn", action="store_true",
                     help="read the inputs twice: first learn the lines that repeat across "
                     "pages of one site (same url host, else same folder), then clean")
    _learn_options(run)


    learn = sub.add_parser(
        "learn", help="write a site's repeated lines as chrome rules",
        description="Find the lines that repeat across many pages of one site (same url "
        "host, else same folder) and write them as chrome rules: ordinary YAML to review, "
        "edit and use with --rules.",
        epilog="examples:\n  cleanpipe learn dumps/example.com/ --host example.com "
        "-o rules/sites/example.com.yaml\n  cleanpipe run --rules rules/sites dumps/",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    learn.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    learn.add_argument("-o", "--output", default="-", metavar="FILE",
                       help="the rules file to write ('-', the default: stdout)")
    learn.add_argument("--host", help="the pages' host: one site, and rules scoped to it "
                       "(needed when the pages have no url)")
    learn.add_argument("--rules", metavar="DIR", help="your rules folder")
    _learn_options(learn)

    explain = sub.add_parser(
        "explain", help="show each removed line and the rule that removed it",
        description="Run pages through the pipeline and show their text with every removed "
        "line marked by the rule or evidence that removed it, then the kept article.",
        epilog="examples:\n  cleanpipe explain dump.txt\n"
        "  cleanpipe explain --full --color always --rules my-rules/ page.html | less -R\n\n"
        "red: removed by a rule (rules/chrome.yaml or yours); yellow: by the dump's\n"
        "structure (menu-run, short-/prose-outside-main-block, after-end-marker, record-run,\n"
        "too-little-content); cyan: by a learned site profile.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    explain.add_argument("paths", nargs="*", metavar="FILE", help="files; '-' is stdin")
    explain.add_argument("--rules", metavar="DIR", help="your rules folder")
    explain.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                         help="colour the output (auto: when stdout is a terminal)")
    explain.add_argument("--width", type=int, default=100, help="cut lines at this width")
    explain.add_argument("--full", action="store_true",
                         help="show every removed line (long runs are shortened otherwise)")
    explain.add_argument("--url", help="the page's URL (selects rules scoped to its host)")

    rules = sub.add_parser("rules", help="check or show rules",
                           description="Validate or show the rules cleanpipe would use.")
    rules_sub = rules.add_subparsers(dest="rules_command", metavar="ACTION")
    check = rules_sub.add_parser(
        "check", help="validate the defaults overlaid with DIR; exit 2 on error",
        description="Validate rules. Exit 0 when valid, 2 with every problem listed.")
    check.add_argument("dir", nargs="?", metavar="DIR", help="your rules folder")
    show = rules_sub.add_parser("show", help="print the effective rules as JSON")
    show.add_argument("dir", nargs="?", metavar="DIR", help="your rules folder")

    bench = sub.add_parser("bench", add_help=False,
                           help="score extraction on the shared benchmark (see --help)")
    bench.add_argument("bench_args", nargs=argparse.REMAINDER)
    return parser


def _learn_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--min-pages", type=int, default=3, metavar="N",
                        help="learn from sites with N+ pages; a line must be on N+ (default 3)")
    parser.add_argument("--min-share", type=float, default=0.5, metavar="F",
                        help="... and on this share of the site's pages (default 0.5)")


def _load_pipeline(rules_dir: str | None, preload: bool = True) -> Any:
    from cleanpipe.pipeline import Pipeline

    return Pipeline.from_rules(rules_dir, preload=preload)


def _cmd_run(args: argparse.Namespace) -> int:
    from cleanpipe.batch import BatchOptions, read_error, run_batch, with_extra
    from cleanpipe.engines import get_engine
    from cleanpipe.io import Reader, ReadOptions
    from cleanpipe.io.readers import count_inputs
    from cleanpipe.io.writers import dumps

    if args.output and args.out:
        print("cleanpipe: -o DIR and --out FILE exclude each other", file=sys.stderr)
        return EXIT_USAGE
    if args.resume and not (args.output or (args.out and args.out != "-")):
        print("cleanpipe: --resume needs -o DIR or --out FILE", file=sys.stderr)
        return EXIT_USAGE
    if args.jobs is not None and args.jobs < 0:
        print("cleanpipe: -j must be 0 or more", file=sys.stderr)
        return EXIT_USAGE
    paths = args.paths or ["-"]
    # one page on stdin: one JSON object, no pool to start, and only the modules that
    # page needs (see Pipeline's preload)
    single = (paths == ["-"] and not (args.output or args.out or args.errors or args.stats)
              and args.input_format in ("auto", "raw") and args.engine == "local"
              and not args.learn)
    pipeline = _load_pipeline(args.rules, preload=not single)
    read = ReadOptions.from_limits(
        pipeline.limits, input_format=args.input_format, include=tuple(args.include),
        exclude=tuple(args.exclude), html_field=args.html_field, text_field=args.text_field,
        url_field=args.url_field, id_field=args.id_field)
    meta = {"url": args.url} if args.url else {}
    if args.learn:
        from cleanpipe.learn import count_repeats, use_profiles

        if "-" in paths:
            print("cleanpipe: --learn reads the inputs twice; it needs files or folders, "
                  "not stdin", file=sys.stderr)
            return EXIT_USAGE
        counter = count_repeats(pipeline, (
            (item.source, item.data, {**meta, **(item.metadata or {})})
            for item in Reader(read)(paths) if item.error is None and item.data is not None))
        profiles = counter.learned(args.min_pages, args.min_share)
        log.info("learned %d site profiles (%d lines) from %d pages", len(profiles),
                 sum(len(p) for p in profiles.values()), sum(counter.pages.values()))
        use_profiles(pipeline, profiles)
    if single:
        item = next(Reader(read)(paths))
        if item.error is not None or item.data is None:
            record = read_error(item)
        else:
            record = with_extra(pipeline.process(item.data, item.source, meta or None),
                                item.extra)
        if "error" in record:
            err = record["error"]
            log.warning("%s: %s: %s", item.source, err["stage"], err["message"])
        sys.stdout.write(dumps(record) + "\n")
        return EXIT_FAILED if "error" in record else EXIT_OK
    workers = args.jobs if args.jobs is not None else (os.cpu_count() or 1)
    if (args.jobs is None and args.engine == "local" and len(paths) == 1
            and os.path.isfile(paths[0]) and count_inputs(paths, read) == 1):
        workers = 0  # one page: starting a pool would cost more than cleaning it
    engine = get_engine(args.engine, workers=workers, scheduler=args.scheduler,
                        ordered=not args.unordered)
    options = BatchOptions(
        output_dir=args.output, out_file=args.out, errors_file=args.errors,
        stats_file=args.stats, resume=args.resume, progress=args.progress,
        metadata=meta, read=read)
    stats = run_batch(pipeline, engine, paths, options)
    return EXIT_FAILED if stats.errors else EXIT_OK


def _cmd_explain(args: argparse.Namespace) -> int:
    import os

    from cleanpipe.explain import explain, render
    from cleanpipe.io import iter_inputs

    pipeline = _load_pipeline(args.rules)
    color = args.color == "always" or (
        args.color == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
    failed = 0
    for item in iter_inputs(args.paths or ["-"]):
        if item.error is not None:
            failed += 1
            print(f"== {item.source}\nerror: {item.error}\n")
            continue
        assert item.data is not None
        ex = explain(pipeline, item.data, item.source, {"url": args.url} if args.url else None)
        failed += ex.error is not None
        sys.stdout.write(render(ex, color=color, width=args.width, full=args.full) + "\n")
    return EXIT_FAILED if failed else EXIT_OK


def _cmd_learn(args: argparse.Namespace) -> int:
    from cleanpipe.io import iter_inputs
    from cleanpipe.learn import (
        SiteProfile,
        chrome_input,
        collect_lines,
        count_repeats,
        profiles_yaml,
        site_of,
    )
    from cleanpipe.stages.chrome import phrase_key

    if args.min_pages < 1 or not 0 < args.min_share <= 1:
        print("cleanpipe: --min-pages must be 1 or more, --min-share in (0, 1]",
              file=sys.stderr)
        return EXIT_USAGE
    pipeline = _load_pipeline(args.rules)

    def items() -> Any:
        return ((item.source, item.data, {}) for item in iter_inputs(args.paths)
                if item.data is not None)

    counter = count_repeats(pipeline, items(), args.host)
    learned = counter.learned(args.min_pages, args.min_share)
    chrome = next((s for s in pipeline.stages if s.name == "chrome"), None)

    def texts() -> Any:
        for source, data, meta in items():
            doc = chrome_input(pipeline, data, source, meta)
            if doc is None:
                continue
            site = site_of(source, doc.metadata.get("url"), args.host)
            if site in learned:
                # lines the rules already remove need no site rule
                if chrome is not None:
                    matcher = chrome.matcher(None, doc.kind)
                    known.update(phrase_key(ln) for ln in doc.text.split("\n")
                                 if ln.strip() and matcher.match(ln) is not None)
                yield site, doc.text

    known: set[str] = set()
    found = collect_lines(texts(), learned, known)
    profiles = [SiteProfile(site, counter.pages[site],
                            tuple(ln for ln in lines if phrase_key(ln) not in known))
                for site, lines in sorted(found.items())]
    small = [s for s, n in counter.pages.items() if n < args.min_pages]
    for site in small:
        log.warning("%s: %d pages, fewer than --min-pages %d: nothing learned", site,
                    counter.pages[site], args.min_pages)
    text = profiles_yaml(profiles, args.min_pages, args.min_share, args.host)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        from pathlib import Path

        out = Path(args.output)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    log.info("%d sites, %d lines learned", len(profiles),
             sum(len(p.lines) for p in profiles))
    return EXIT_OK


def _cmd_rules(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from cleanpipe.config import load_rules

    rules = load_rules(args.dir)
    if args.rules_command == "show":
        out = {
            "stages": list(rules.stages),
            "files": list(rules.files),
            "settings": {k: asdict(v) for k, v in rules.settings.items()},
            "rules": {k: [asdict(r) for r in v] for k, v in rules.rules.items() if v},
        }
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        count = sum(len(v) for v in rules.rules.values())
        print(f"ok: {len(rules.files)} files, {count} rules, pipeline: "
              + " -> ".join(rules.stages))
    return EXIT_OK


def _cmd_bench(argv: list[str]) -> int:
    from cleanpipe.bench.command import main as bench_main

    return bench_main(argv, prog="cleanpipe bench")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["bench"]:  # its own options, --help included
        return _cmd_bench(argv[1:])
    parser = _parser()
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="cleanpipe: %(message)s", stream=sys.stderr)
    try:
        if args.command == "run":
            return _cmd_run(args)
        if args.command == "explain":
            return _cmd_explain(args)
        if args.command == "learn":
            return _cmd_learn(args)
        if args.command == "rules" and args.rules_command:
            return _cmd_rules(args)
        if args.command == "bench":
            return _cmd_bench(args.bench_args)
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    except RulesError as exc:
        print(f"cleanpipe: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("cleanpipe: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        sys.stderr.close()
        return EXIT_OK
