"""The ``cleanpipe`` command: data on stdout, logs on stderr, exit 0 / 1 / 2 / 130."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from typing import Any

from cleanpipe import __version__
from cleanpipe.errors import RulesError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

log = logging.getLogger("cleanpipe")

_RUN_EPILOG = """\
examples:
  cleanpipe run < page.html                 one page from stdin, one JSON object out
  cleanpipe run dumps/ > articles.jsonl     a folder (recursive), JSON Lines out
  cleanpipe run -o clean/ crawl/            one .json per input, mirroring crawl/
  cleanpipe run --rules my-rules/ page.txt  the default rules overlaid with yours

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

    explain = sub.add_parser(
        "explain", help="show each removed line and the rule that removed it",
        description="Run pages through the pipeline and show their text with every removed "
        "line marked by the rule or evidence that removed it, then the kept article.",
        epilog="examples:\n  cleanpipe explain dump.txt\n"
        "  cleanpipe explain --rules my-rules/ page.html | less -R",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    explain.add_argument("paths", nargs="*", metavar="FILE", help="files; '-' is stdin")
    explain.add_argument("--rules", metavar="DIR", help="your rules folder")
    explain.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                         help="colour the output (auto: when stdout is a terminal)")
    explain.add_argument("--width", type=int, default=100, help="cut lines at this width")

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


def _load_pipeline(rules_dir: str | None) -> Any:
    from cleanpipe.pipeline import Pipeline

    return Pipeline.from_rules(rules_dir)


def _cmd_run(args: argparse.Namespace) -> int:
    from cleanpipe.io import DirWriter, JsonLinesWriter, iter_inputs
    from cleanpipe.io.writers import dumps
    from cleanpipe.pipeline import error_record

    pipeline = _load_pipeline(args.rules)
    paths = args.paths or ["-"]
    single = paths == ["-"] and not args.output
    writer = DirWriter(args.output) if args.output else JsonLinesWriter(sys.stdout)
    failed = total = 0
    for item in iter_inputs(paths):
        total += 1
        if item.error is not None:
            record = error_record(item.source, "read", item.error)
        else:
            assert item.data is not None
            meta = {"url": args.url} if args.url else None
            record = pipeline.process(item.data, item.source, meta)
        if "error" in record:
            failed += 1
            err = record["error"]
            log.warning("%s: %s: %s", item.source, err["stage"], err["message"])
        if single:
            sys.stdout.write(dumps(record) + "\n")
        else:
            writer.write(record, item.relpath)
    writer.close()
    log.info("%d inputs, %d failed", total, failed)
    return EXIT_FAILED if failed else EXIT_OK


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
        ex = explain(pipeline, item.data, item.source)
        failed += ex.error is not None
        sys.stdout.write(render(ex, color=color, width=args.width) + "\n")
    return EXIT_FAILED if failed else EXIT_OK


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
