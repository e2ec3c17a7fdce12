"""Run every system on the same pages in one process and score them: the results dict.

The dict is what gets printed as a table, written as JSON, compared and gated. Its
layout, with ``SYS`` a system name::

    meta                              data path, versions, options, wall time
    html.aeb.SYS                      f1 p r pages errors seconds pages_per_s
    html.wcxb.SYS                     the same, plus title_accuracy, title_pages and
                                      types.TYPE.{f1,p,r,pages}
    html.trafilatura-half.SYS         f1 tp fp fn pages errors seconds pages_per_s
    html.speed                        SYS -> pages/s over all HTML pages; ratio
    dumps.aeb.SYS / dumps.wcxb.SYS    as html.aeb / html.wcxb (SYS: dump, c4-filter, ...)
    dumps.trafilatura-half.SYS        as html.trafilatura-half, on its pages' dumps: a
                                      held-out check of the dump cleaner
    dumps.text_pages_per_s            cleanpipe's text path as a batch job meets it: a new
                                      pipeline alone over every dump, in a process of its
                                      own (see fresh_process_pass)
    dumps.text_in_bench_process_pages_per_s   the same pass in the benchmark's process,
                                      after the HTML runs (see batch_pass)
    dumps.text_side_by_side_pages_per_s   the same pipeline's pages/s in the side-by-side
                                      run, where every page also goes to the other systems
    dumps.text_first_pass_pages_per_s the same pages, first pass in that process of its own
    language                          only when the pipeline has language stages
"""

from __future__ import annotations

import dataclasses
import logging
import platform
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

from cleanpipe.bench.cache import cached_dumps
from cleanpipe.bench.data import (
    PAGE_TYPES,
    Page,
    SnippetPage,
    load_aeb,
    load_trafilatura_half,
    load_wcxb,
)
from cleanpipe.bench.dumps import c4_line_filter, wrap_in_paragraphs
from cleanpipe.bench.metrics import shingle_f1, snippet_f1, title_accuracy, word_f1
from cleanpipe.bench.systems import (
    ALL_SYSTEMS,
    Cleanpipe,
    Clock,
    Extraction,
    System,
    html_systems,
)
from cleanpipe.config import RuleSet
from cleanpipe.pipeline import Pipeline

log = logging.getLogger("cleanpipe.bench")

#: What ``--only`` may name.
SETS = ("aeb", "wcxb", "dumps", "trafilatura-half")
#: Stages whose cost and verdicts get their own section when the pipeline has them.
LANGUAGE_STAGES = ("language", "translation")


@dataclass(frozen=True)
class Options:
    """What to run: the data folder, which sets, how many pages of each, where dumps go."""

    data: Path
    only: frozenset[str] = frozenset(SETS)
    limit: int | None = None
    cache_dir: Path = Path("bench/cache")
    systems: frozenset[str] = frozenset(ALL_SYSTEMS)


def _version(dist: str) -> str | None:
    try:
        return importlib_metadata.version(dist)
    except importlib_metadata.PackageNotFoundError:
        return None


def _timing(extractions: Sequence[Extraction]) -> dict[str, Any]:
    """Page and error counts; pages per CPU second (and per wall second, for the record)."""
    seconds = sum(e.seconds for e in extractions)
    wall = sum(e.wall_seconds for e in extractions)
    return {
        "pages": len(extractions),
        "errors": sum(e.error is not None for e in extractions),
        "seconds": seconds,
        "pages_per_s": len(extractions) / seconds if seconds else None,
        "wall_seconds": wall,
        "pages_per_wall_s": len(extractions) / wall if wall else None,
    }


def _progress(label: str, done: int, total: int, started: float) -> None:
    if done == total or done % 100 == 0:
        rate = done / (time.perf_counter() - started)
        print(f"  {label}: {done}/{total} pages ({rate:.1f}/s, all systems)",
              file=sys.stderr, flush=True)


def run_systems(
    label: str,
    items: Sequence[Any],
    systems: Mapping[str, Callable[[Any], Extraction]],
) -> dict[str, list[Extraction]]:
    """Every system on every item, page by page so that all systems see the same
    conditions; the results per system, in item order.

    Each system first runs once on the first item, untimed, so that imports and lazy
    set-up are not charged to the first page.
    """
    out: dict[str, list[Extraction]] = {name: [] for name in systems}
    if items:
        for run in systems.values():
            run(items[0])
    started = time.perf_counter()
    for done, item in enumerate(items, 1):
        for name, run in systems.items():
            out[name].append(run(item))
        _progress(label, done, len(items), started)
    for name, extractions in out.items():
        errors = [e.error for e in extractions if e.error]
        if errors:
            log.warning("%s: %s failed on %d pages (first: %s)", label, name, len(errors),
                        errors[0])
    return out


def _on_page(system: System, titles: bool) -> Callable[[Any], Extraction]:
    def run(page: Page | SnippetPage) -> Extraction:
        return system.run(page.raw, page.url, titles)
    return run


def _html_runners(
    systems: Iterable[System], titles: bool = False
) -> dict[str, Callable[[Any], Extraction]]:
    """Each system as a function of a page; ``titles``: look titles up too (untimed)."""
    return {system.name: _on_page(system, titles) for system in systems}


#: How many HTML pages (spread over the loaded sets) every system meets once, untimed,
#: before the HTML clock starts.
WARM_PAGES = 200


def warm_up_html(systems: Sequence[System], pages: Sequence[Page | SnippetPage],
                 at_most: int = WARM_PAGES) -> int:
    """Run a fresh copy of every system over up to ``at_most`` pages spread over
    ``pages``, untimed and in the same order for all; the number of pages.

    What a process loads once (word tables per language, the language model, compiled
    patterns, lazily imported modules) is then not charged to the first pages that need
    it, for any system: the HTML figure is the per-page cost of a long batch. The copies
    are new instances, so the measured systems meet every page for the first time.
    """
    sample = _spread(pages, at_most)
    copies = [system.fresh() for system in systems]
    for page in sample:
        for system in copies:
            system.run(page.raw, page.url, titles=False)
    return len(sample)


def warm_up_languages(pipeline: Pipeline, sets: Sequence[tuple[str, Sequence[Any]]],
                      root: Path, cache_dir: Path) -> int:
    """Run a copy of ``pipeline`` over the text dump of every page, untimed; the number
    of pages.

    The language and translation stages read each language's word tables once per
    process (100-200 ms for a large one), and the spread sample of :func:`warm_up_html`
    meets only some of the languages of the sets: without this, the first timed page in
    each other language pays for its tables, over a second of the run on wcxb. A dump
    holds the page's own text, so the copy meets the same languages at a fraction of the
    cost of extracting every page twice. Only module-wide tables carry over: the copy is
    a separate pipeline, and the stages' module-wide caches keep tables per language and
    compiled rules, not pages.
    """
    count = 0
    for name, pages in sets:
        dumps = cached_dumps(pages, root, name, cache_dir)
        warm_up(pipeline, list(zip(pages, dumps, strict=True)))
        count += len(pages)
    return count


def score_shingles(pages: Sequence[Page], extractions: Sequence[Extraction]) -> dict[str, Any]:
    """AEB figures of one system: shingle F1/P/R and timing."""
    score = shingle_f1((e.text, p.truth) for e, p in zip(extractions, pages, strict=True))
    return {**score.as_dict(), **_timing(extractions)}


def score_words(
    pages: Sequence[Page], extractions: Sequence[Extraction], titles: bool = True
) -> dict[str, Any]:
    """WCXB figures of one system: word F1/P/R overall and per page type, titles, timing."""
    pairs = list(zip(extractions, pages, strict=True))
    result: dict[str, Any] = {**word_f1((e.text, p.truth) for e, p in pairs).as_dict(),
                              **_timing(extractions)}
    by_type: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for e, p in pairs:
        by_type[p.page_type or "unknown"].append((e.text, p.truth))
    order = [t for t in PAGE_TYPES if t in by_type] + sorted(set(by_type) - set(PAGE_TYPES))
    result["types"] = {t: word_f1(by_type[t]).as_dict() for t in order}
    if titles:
        accuracy, counted = title_accuracy((e.title, p.title) for e, p in pairs)
        result["title_accuracy"] = accuracy if counted else None
        result["title_pages"] = counted
    return result


def score_snippets(
    pages: Sequence[SnippetPage], extractions: Sequence[Extraction]
) -> dict[str, Any]:
    """trafilatura-set figures of one system: snippet F1 and counts, timing."""
    score = snippet_f1((e.text, p.with_snippets, p.without_snippets)
                       for e, p in zip(extractions, pages, strict=True))
    return {**score.as_dict(), **_timing(extractions)}


def _speed(timings: Mapping[str, list[Extraction]]) -> dict[str, Any]:
    speed: dict[str, Any] = {name: _timing(ex)["pages_per_s"] for name, ex in timings.items()}
    cp, tf = speed.get("cleanpipe"), speed.get("trafilatura")
    speed["ratio"] = cp / tf if cp and tf else None
    return speed


def _text_runners(pipeline: Pipeline) -> dict[str, Callable[[Any], Extraction]]:
    """The text-path systems; each takes ``(page, dump)``."""
    import trafilatura

    cleanpipe = Cleanpipe(pipeline)

    def plain(transform: Callable[[str], str]) -> Callable[[Any], Extraction]:
        """A baseline too cheap to be worth timing: no speed is reported for it."""
        def run(item: tuple[Page, str]) -> Extraction:
            return Extraction(transform(item[1]), None, 0.0)
        return run

    def wrapped(item: tuple[Page, str]) -> Extraction:
        clock = Clock()
        text = trafilatura.extract(wrap_in_paragraphs(item[1]), url=item[0].url) or ""
        cpu, wall = clock.stop()
        return Extraction(text, None, cpu, wall_seconds=wall)

    return {
        "dump": plain(lambda d: d),
        "c4-filter": plain(c4_line_filter),
        "cleanpipe": lambda item: cleanpipe.run(item[1].encode("utf-8"), item[0].url),
        "trafilatura-p": wrapped,
    }


def warm_up(pipeline: Pipeline, dumps: Sequence[tuple[Page, str]]) -> float:
    """Run a copy of ``pipeline`` over every dump once, untimed for the text-path figure;
    the CPU seconds it took.

    The copy loads what every process loads once (each language's word lists, about
    0.3 s apiece; the language model; compiled patterns), so the figure measured next is
    the per-page cost of a long batch, not of start-up. It is a separate pipeline, so
    the measured one still meets each line for the first time (its chrome stage
    remembers verdicts on short lines, which a second pass over the same pages would
    flatter).
    """
    copy = Cleanpipe(Pipeline.from_ruleset(pipeline.rules) if pipeline.rules is not None
                     else pipeline)
    return sum(copy.run(dump.encode("utf-8"), page.url).seconds for page, dump in dumps)


def batch_pass(pipeline: Pipeline, dumps: Sequence[tuple[Page, str]]) -> list[Extraction]:
    """A new copy of ``pipeline`` alone over every dump in turn, each timed: the text
    path's throughput as ``cleanpipe run`` over a folder of dumps has it.

    The side-by-side run hands each page to every system before the next page, which
    is fair between them, but trafilatura's work between two dumps leaves the
    processor's caches cold for cleanpipe: in one ``make bench`` the same dumps ran at
    141.7 pages/s side by side and 157.5 here. This pass runs after
    :func:`warm_up` in the same process, so what a process loads once is already loaded,
    and the copy meets every line for the first time.
    """
    copy = Cleanpipe(Pipeline.from_ruleset(pipeline.rules) if pipeline.rules is not None
                     else pipeline)
    return [copy.run(dump.encode("utf-8"), page.url) for page, dump in dumps]


def fresh_process_pass(pipeline: Pipeline, dumps: Sequence[tuple[Page, str]],
                       ) -> tuple[float, list[Extraction]] | None:
    """:func:`warm_up` then :func:`batch_pass` over ``dumps`` in a new Python process, as
    ``cleanpipe run`` over a folder of dumps has them: (the first pass's CPU seconds,
    the timed pass). ``None`` for a pipeline not built from rules, which cannot be
    rebuilt there.

    In the benchmark's own process the same pass runs after three HTML extractors have
    filled its heap and left their caches and module state behind: in one ``make
    bench`` it gave 234.7 pages/s, and minutes later, in a run whose process had done no
    HTML (``--only dumps``), 263.1. That slowdown belongs to the benchmark, not to the
    text path. The new process is started, not forked, so it inherits none of it; its
    records come back without their dicts.
    """
    if pipeline.rules is None:
        return None
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    pairs = [(page.url, dump) for page, dump in dumps]
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_text_passes, pipeline.rules, pairs).result()


def _text_passes(rules: RuleSet, pairs: list[tuple[str | None, str]],
                 ) -> tuple[float, list[Extraction]]:
    """The work of :func:`fresh_process_pass`, in the new process."""
    pipeline = Pipeline.from_ruleset(rules)
    items = [(Page(url or "-", b"", url, ""), dump) for url, dump in pairs]
    first = warm_up(pipeline, items)
    return first, [dataclasses.replace(e, record=None) for e in batch_pass(pipeline, items)]


def without_stages(rules: RuleSet, names: Iterable[str]) -> Pipeline:
    """The same pipeline with the named stages left out."""
    drop = set(names)
    kept = tuple(stage for stage in rules.stages if stage not in drop)
    return Pipeline.from_ruleset(dataclasses.replace(rules, stages=kept))


def _machine_translated(extractions: Sequence[Extraction]) -> dict[str, Any]:
    records = [e.record or {} for e in extractions]
    flagged = sum(r.get("likely_machine_translated") is True for r in records)
    return {"share": flagged / len(records) if records else None, "flagged": flagged,
            "pages": len(records)}


#: How many HTML pages (spread evenly over the loaded sets) time the language stages.
COST_PAGES = 500


def _spread(items: Sequence[Any], at_most: int) -> list[Any]:
    """At most ``at_most`` items, taken at even steps so every part of the list is seen."""
    if len(items) <= at_most:
        return list(items)
    step = len(items) / at_most
    return [items[int(i * step)] for i in range(at_most)]


def language_section(
    pipeline: Pipeline,
    truth_sets: Mapping[str, Sequence[Page]],
    half_cleanpipe: Sequence[Extraction] | None,
) -> dict[str, Any] | None:
    """Machine-translation verdicts and the per-page cost of the language stages.

    Verdicts: cleanpipe on each ground-truth text as a text dump, and on the
    trafilatura-set pages (from the HTML run). Cost: the pipeline with and without the
    stages, page by page, on up to :data:`COST_PAGES` HTML pages. ``None`` when the
    pipeline has none of :data:`LANGUAGE_STAGES`.
    """
    present = [name for name in pipeline.names if name in LANGUAGE_STAGES]
    if not present or pipeline.rules is None:
        return None
    section: dict[str, Any] = {"stages": present, "machine_translated": {}}
    cleanpipe = Cleanpipe(pipeline)
    for name, pages in truth_sets.items():
        texts = [p for p in pages if p.truth.strip()]
        runs = run_systems(f"{name} truth as text",
                           texts, {"cleanpipe": lambda p: cleanpipe.run(
                               p.truth.encode("utf-8"), p.url)})
        section["machine_translated"][f"{name}-truth"] = _machine_translated(runs["cleanpipe"])
    if half_cleanpipe is not None:
        section["machine_translated"]["trafilatura-half"] = _machine_translated(half_cleanpipe)
    html_pages = _spread([p for pages in truth_sets.values() for p in pages], COST_PAGES)
    if html_pages:
        bare = Cleanpipe(without_stages(pipeline.rules, present), name="without")
        runs = run_systems("language stage cost", html_pages,
                           _html_runners([cleanpipe, bare]))
        with_s = sum(e.seconds for e in runs["cleanpipe"])
        without_s = sum(e.seconds for e in runs["without"])
        section["ms_per_html_page"] = 1000 * (with_s - without_s) / len(html_pages)
        section["html_pages"] = len(html_pages)
    return section


def run_benchmark(options: Options) -> dict[str, Any]:
    """Load the selected sets once, run every system on them, and score."""
    only, limit, root = options.only, options.limit, options.data
    for noisy in ("trafilatura", "readability", "htmldate", "courlan"):
        logging.getLogger(noisy).setLevel(logging.CRITICAL)  # per-page chatter, not news
    pipeline = Pipeline.from_rules()
    systems, missing = html_systems(pipeline, options.systems)
    if missing:
        log.warning("not installed, left out: %s (pip install -e '.[bench]')",
                    ", ".join(missing))
    aeb = load_aeb(root, limit) if only & {"aeb", "dumps"} else []
    wcxb = load_wcxb(root, limit) if only & {"wcxb", "dumps"} else []
    half = load_trafilatura_half(root, limit) if "trafilatura-half" in only else []
    results: dict[str, Any] = {
        "meta": {
            "data": str(root.resolve()),
            "only": [s for s in SETS if s in only],
            "limit": limit,
            "python": platform.python_version(),
            "versions": {d: _version(d) for d in
                         ("cleanpipe", "trafilatura", "readability-lxml", "resiliparse")},
            "pipeline": pipeline.names,
            "systems": [s.name for s in systems],
            "missing": missing,
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        },
    }
    html: dict[str, Any] = {}
    timings: dict[str, list[Extraction]] = defaultdict(list)
    runners = _html_runners(systems)
    half_cleanpipe = None
    html_pages: list[Page | SnippetPage] = [*(aeb if "aeb" in only else []),
                                            *(wcxb if "wcxb" in only else []), *half]
    if html_pages:
        results["meta"]["warm_pages"] = warm_up_html(systems, html_pages)
        results["meta"]["warm_language_pages"] = warm_up_languages(
            pipeline, [(name, pages) for name, pages in (("aeb", aeb), ("wcxb", wcxb),
                                                         ("trafilatura-half", half))
                       if pages and name in only], root, options.cache_dir)
    if "aeb" in only:
        runs = run_systems("aeb html", aeb, runners)
        html["aeb"] = {name: score_shingles(aeb, ex) for name, ex in runs.items()}
        for name, ex in runs.items():
            timings[name].extend(ex)
    if "wcxb" in only:
        runs = run_systems("wcxb html", wcxb, _html_runners(systems, titles=True))
        html["wcxb"] = {name: score_words(wcxb, ex) for name, ex in runs.items()}
        for name, ex in runs.items():
            timings[name].extend(ex)
    if half:
        runs = run_systems("trafilatura-half html", half, runners)
        html["trafilatura-half"] = {name: score_snippets(half, ex) for name, ex in runs.items()}
        for name, ex in runs.items():
            timings[name].extend(ex)
        half_cleanpipe = runs["cleanpipe"]
    if timings:
        html["speed"] = _speed(timings)
    results["html"] = html
    if "dumps" in only:
        dumps: dict[str, Any] = {}
        text_runners = _text_runners(pipeline)
        side_by_side: list[Extraction] = []
        all_items: list[tuple[Page, str]] = []
        first_pass = 0.0
        for name, pages in (("aeb", aeb), ("wcxb", wcxb)):
            items = list(zip(pages, cached_dumps(pages, root, name, options.cache_dir),
                             strict=True))
            first_pass += warm_up(pipeline, items)
            runs = run_systems(f"{name} dumps", items, text_runners)
            if name == "aeb":
                dumps[name] = {n: score_shingles(pages, ex) for n, ex in runs.items()}
            else:
                dumps[name] = {n: score_words(pages, ex, titles=False) for n, ex in runs.items()}
            side_by_side.extend(runs["cleanpipe"])
            all_items.extend(items)
        if half:
            # held out: no text-path work was tuned on these pages (mostly German, many
            # encodings), so this row tells whether the dump cleaner generalises
            held_out = list(zip(half, cached_dumps(half, root, "trafilatura-half",
                                                   options.cache_dir), strict=True))
            runs = run_systems("trafilatura-half dumps", held_out, text_runners)
            dumps["trafilatura-half"] = {n: score_snippets(half, ex) for n, ex in runs.items()}
        # the whole pipeline (bytes to record), one core, CPU time (process_time), each
        # dump once: alone after warm_up in a process of its own for the figure the floor
        # checks, the same in this process, beside the other systems, and in warm_up
        # itself for what a fresh process pays on these pages
        batch = batch_pass(pipeline, all_items)
        fresh = fresh_process_pass(pipeline, all_items)
        if fresh is not None:
            first_pass, alone = fresh
            differ = sum(a.text != b.text for a, b in zip(alone, batch, strict=True))
            if differ:  # the same rules must give the same text in any process
                log.warning("%d dumps came out different in a process of their own", differ)
        else:
            alone = batch
        dumps["text_pages_per_s"] = _timing(alone)["pages_per_s"]
        dumps["text_in_bench_process_pages_per_s"] = _timing(batch)["pages_per_s"]
        dumps["text_side_by_side_pages_per_s"] = _timing(side_by_side)["pages_per_s"]
        dumps["text_first_pass_pages_per_s"] = (len(batch) / first_pass if first_pass
                                                else None)
        results["dumps"] = dumps
    truth_sets = {name: pages for name, pages in (("aeb", aeb), ("wcxb", wcxb)) if pages}
    language = language_section(pipeline, truth_sets, half_cleanpipe)
    if language is not None:
        results["language"] = language
    return results
