"""`make bench`, part 3: does learning site profiles raise F1 on the text path?

Usage: bench/learn.py [DATA] [--min-pages N] [--json OUT]

The WCXB pages are grouped by the host of their url. For every site with at least
``--min-pages`` pages (10 by default; a second line sums every site with 5 or more), the
text dumps are cleaned twice by the default pipeline: as they are, and after a first pass
that learned the site's repeated lines (what `cleanpipe run --learn` does). Word F1 is
the WCXB metric; the dumps follow the recipe of the benchmark README.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

from cleanpipe import Pipeline
from cleanpipe.bench.cache import cached_dumps
from cleanpipe.bench.data import Page, load_wcxb
from cleanpipe.bench.metrics import word_f1
from cleanpipe.learn import count_repeats, use_profiles

BENCH_DIR = Path(__file__).resolve().parent


def clean(pages: list[tuple[Page, str]], learn: bool) -> list[str]:
    """The text cleanpipe keeps of each dump, with or without learning first."""
    pipe = Pipeline.from_rules()
    items = [(page.id, dump, {"url": page.url}) for page, dump in pages]
    if learn:
        use_profiles(pipe, count_repeats(pipe, items).learned())
    return [pipe.process(dump, source, metadata=meta).get("text") or ""
            for source, dump, meta in items]


def measure(sites: dict[str, list[tuple[Page, str]]]) -> dict[str, dict[str, float]]:
    out = {}
    for site, pages in sites.items():
        truth = [page.truth for page, _dump in pages]
        row: dict[str, float] = {"pages": len(pages)}
        for name, learn in (("without", False), ("with", True)):
            row[name] = round(word_f1(zip(clean(pages, learn), truth, strict=True)).f1, 4)
        out[site] = row
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/learn.py", description=__doc__.split("\n")[0])
    parser.add_argument("data", nargs="?", default=str(BENCH_DIR.parent.parent / "shared" /
                                                       "bench"), help="benchmark data folder")
    parser.add_argument("--min-pages", type=int, default=10, metavar="N")
    parser.add_argument("--json", metavar="OUT", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    root = Path(args.data)
    pages = load_wcxb(root)
    dumps = cached_dumps(pages, root, "wcxb", BENCH_DIR / "cache")
    by_site: dict[str, list[tuple[Page, str]]] = defaultdict(list)
    for page, dump in zip(pages, dumps, strict=True):
        host = urlsplit(page.url).hostname if page.url else None
        if host:
            by_site[host].append((page, dump))

    results = measure({s: p for s, p in by_site.items() if len(p) >= args.min_pages})
    small = {s: p for s, p in by_site.items() if 5 <= len(p) < args.min_pages}
    pooled = measure(small)
    print(f"{'site (wcxb-dev text dumps)':<36} {'pages':>5} {'F1 without':>10} "
          f"{'F1 learned':>10}")
    for site, row in sorted(results.items()):
        print(f"{site:<36} {row['pages']:>5.0f} {row['without']:>10.4f} {row['with']:>10.4f}")
    if pooled:
        n = sum(row["pages"] for row in pooled.values())
        mean = {k: sum(row[k] * row["pages"] for row in pooled.values()) / n
                for k in ("without", "with")}
        print(f"{f'{len(pooled)} sites of 5-{args.min_pages - 1} pages':<36} {n:>5.0f} "
              f"{mean['without']:>10.4f} {mean['with']:>10.4f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"sites": results, "smaller_sites": pooled},
                                              indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
