"""``bench/run.py`` and ``cleanpipe bench``: run, print one table, write JSON, gate.

Exit status: 0 done (and every floor met with ``--gate``), 1 a floor missed, 2 usage
error or missing data, 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cleanpipe.bench.data import DataMissing
from cleanpipe.bench.report import check_floors, load_floors, render_table
from cleanpipe.bench.runner import SETS, Options, run_benchmark
from cleanpipe.bench.systems import ALL_SYSTEMS

EXIT_OK, EXIT_GATE, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The benchmark's options, shared by ``bench/run.py`` and ``cleanpipe bench``."""
    parser.add_argument("data", nargs="?", default="../shared/bench", metavar="DATA",
                        help="the shared benchmark folder (default: %(default)s)")
    parser.add_argument("--only", metavar="SETS",
                        help=f"comma-separated subset of {','.join(SETS)} (default: all)")
    parser.add_argument("--systems", metavar="NAMES",
                        help=f"comma-separated subset of {','.join(ALL_SYSTEMS)} for HTML in "
                        "(default: all that are installed)")
    parser.add_argument("--limit", type=int, metavar="N",
                        help="first N pages of each set, for quick iterations")
    parser.add_argument("--json", metavar="OUT", help="also write the results here")
    parser.add_argument("--compare", metavar="FILE",
                        help="an earlier results JSON: show each figure's change")
    parser.add_argument("--gate", action="store_true",
                        help="exit 1 when a figure misses its floor in the baseline")
    parser.add_argument("--baseline", metavar="FILE",
                        help="the floors (default: bench/baseline.json)")
    parser.add_argument("--results", metavar="FILE",
                        help="print, compare or gate a saved results JSON instead of running")
    parser.add_argument("--bench-dir", metavar="DIR", default="bench",
                        help="where cache/, results/ and baseline.json live (default: bench)")


def _parse_names(
    option: str, value: str | None, choices: Sequence[str], parser: argparse.ArgumentParser
) -> frozenset[str]:
    """A comma-separated subset of ``choices``; all of them when not given."""
    if not value:
        return frozenset(choices)
    names = {name.strip() for name in value.split(",") if name.strip()}
    unknown = sorted(names - set(choices))
    if unknown:
        parser.error(f"{option}: unknown name {', '.join(unknown)} "
                     f"(choose from {', '.join(choices)})")
    return frozenset(names)


def _write_json(path: Path, results: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def execute(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run (or load) the benchmark as ``args`` say; the exit status."""
    log = logging.getLogger("cleanpipe.bench")
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("bench: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    bench_dir = Path(args.bench_dir)
    only = _parse_names("--only", args.only, SETS, parser)
    systems = _parse_names("--systems", args.systems, ALL_SYSTEMS, parser)
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    try:
        before = json.loads(Path(args.compare).read_text("utf-8")) if args.compare else None
        if args.results:
            results = json.loads(Path(args.results).read_text("utf-8"))
        else:
            started = time.perf_counter()
            options = Options(Path(args.data), only, args.limit, bench_dir / "cache", systems)
            results = run_benchmark(options)
            results["meta"]["wall_seconds"] = time.perf_counter() - started
            _write_json(bench_dir / "results" / "latest.json", results)
        if args.json:
            _write_json(Path(args.json), results)
        floors = load_floors(Path(args.baseline) if args.baseline
                             else bench_dir / "baseline.json") if args.gate else []
    except DataMissing as exc:
        print(f"bench: {exc} (give the shared bench folder as DATA)", file=sys.stderr)
        return EXIT_USAGE
    except (OSError, ValueError) as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(render_table(results, before))
    if not args.gate:
        return EXIT_OK
    verdicts = check_floors(results, floors)
    complete = set(results.get("meta", {}).get("only", SETS)) >= set(SETS)
    failed = [v for v in verdicts if (v.measured and not v.ok) or (complete and not v.measured)]
    print("\nfloors (bench/baseline.json):")
    for verdict in verdicts:
        print(verdict.line())
    print(f"gate: {'FAILED' if failed else 'passed'}: {len(failed)} of {len(verdicts)} "
          "floors missed" + ("" if complete else " (partial run: unmeasured floors skipped)"))
    return EXIT_GATE if failed else EXIT_OK


def build_parser(prog: str = "bench/run.py") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Score cleanpipe against trafilatura (and readability-lxml, Resiliparse "
        "when installed) on the shared benchmark: HTML in, text dumps in, one table out.",
    )
    add_arguments(parser)
    return parser


def main(argv: Sequence[str] | None = None, prog: str = "bench/run.py") -> int:
    """Parse ``argv`` and run; the exit status."""
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    try:
        return execute(args, parser)
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
