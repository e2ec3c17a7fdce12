"""Language and MT-artifact detection on native text: how often it cries wolf, what it costs.

Usage: bench/mt.py [DATA] [--limit N]      (DATA defaults to ../shared/bench)

Reports, for native (not machine-translated) text:
  * aeb and wcxb-dev ground-truth articles run through the whole pipeline as text dumps,
    and the same texts judged with their page's HTML (declared language, HTML markers);
  * trafilatura-half pages (HTML, many languages) run through the whole pipeline;
the share flagged likely_machine_translated, the seed's score and reasons, and the CPU
time (process_time) each stage takes inside the pipeline on HTML pages.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from cleanpipe import Pipeline
from cleanpipe.bench.data import load_aeb, load_trafilatura_half, load_wcxb
from cleanpipe.document import Document
from cleanpipe.stages.language import identify
from cleanpipe.stages.translation import translation_signals

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "fixtures" / "pages" / "seed-mt-news.txt"


def timed_run(pipe: Pipeline, raw: bytes, source: str,
              cpu: dict[str, float]) -> dict:
    """The pipeline's record for ``raw``, adding each stage's CPU time to ``cpu``."""
    doc = Document(source=source, raw=raw)
    for stage in pipe.stages:
        c0 = time.process_time()
        doc = stage(doc)
        cpu[stage.name] += time.process_time() - c0
        doc.stages.append(stage.name)
    assert doc.record is not None
    return doc.record


class Tally:
    def __init__(self, name: str) -> None:
        self.name, self.n, self.flagged, self.fired = name, 0, [], Counter()
        self.scores: list[float] = []

    def add(self, key: str, score: float, flagged: bool, reasons: list[str]) -> None:
        self.n += 1
        self.scores.append(score)
        self.fired.update(reasons)
        if flagged:
            self.flagged.append((key, score, reasons))

    def line(self) -> str:
        share = len(self.flagged) / max(1, self.n)
        worst = max(self.scores, default=0.0)
        p99 = sorted(self.scores)[int(0.99 * (len(self.scores) - 1))] if self.scores else 0.0
        return (f"| {self.name} | {self.n} | {len(self.flagged)} | {share:.2%} | {p99:.2f} | "
                f"{worst:.2f} |")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", nargs="?", default=str(ROOT.parent / "shared" / "bench"))
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    data = Path(args.data)
    pipe = Pipeline.from_rules()
    settings = {s.name: s for s in pipe.stages}
    lang_settings = settings["language"].settings
    tr = settings["translation"]

    limit = args.limit or None
    aeb = [(p.id, p.raw, p.truth) for p in load_aeb(data, limit)]
    wcxb = [(p.id, p.raw, p.truth) for p in load_wcxb(data, limit) if p.truth.strip()]
    traf = [(p.url, p.raw) for p in load_trafilatura_half(data, limit)]
    tallies = [Tally(n) for n in ("aeb truth, as text dump", "aeb truth + page HTML",
                                  "wcxb-dev truth, as text dump", "wcxb-dev truth + page HTML",
                                  "trafilatura-half pages (HTML)")]
    t0 = time.perf_counter()
    for (pages, dump_tally, html_tally) in ((aeb, tallies[0], tallies[1]),
                                            (wcxb, tallies[2], tallies[3])):
        for pid, raw, body in pages:
            rec = pipe.process(body, source=pid)
            rep = rec["translation"]
            dump_tally.add(pid, rep["score"], rec["likely_machine_translated"],
                           [s["id"] for s in rep["signals"]])
            html = raw.decode("utf-8", "replace")
            result = identify(body, html, lang_settings)
            report = translation_signals(body, result, html, tr.settings, tr.rules)
            html_tally.add(pid, report.score, report.likely_machine_translated, report.reasons)
    langs: Counter[str] = Counter()
    cpu_warm: dict[str, float] = defaultdict(float)
    for url, raw in traf:
        rec = timed_run(pipe, raw, url, cpu_warm)  # also loads the word lists met
        if "error" in rec:
            continue
        langs[rec["language"]] += 1
        rep = rec["translation"]
        tallies[4].add(url, rep["score"], rec["likely_machine_translated"],
                       [s["id"] for s in rep["signals"]])
    print(f"flag pass: {time.perf_counter() - t0:.0f} s wall", file=sys.stderr)

    print("| set | documents | flagged | share | p99 score | max score |")
    print("|---|---|---|---|---|---|")
    for t in tallies:
        print(t.line())
    print(f"\ntrafilatura-half languages detected: {langs.most_common(12)}")
    for t in tallies:
        if t.flagged:
            print(f"\nflagged in {t.name}:")
            for key, score, reasons in t.flagged:
                print(f"  {score:.3f} {key[:80]} {reasons}")
        print(f"signals fired in {t.name}: {dict(t.fired.most_common())}")

    seed = pipe.process(SEED.read_bytes(), source="seed")
    print(f"\nseed: score {seed['translation']['score']}, likely_machine_translated "
          f"{seed['likely_machine_translated']}")
    for s in seed["translation"]["signals"]:
        print(f"  {s['id']} count={s['count']} rate={s['rate']} e.g. {s['examples'][0][:70]!r}")

    # timing: a second pass over the HTML pages (word lists and models already loaded)
    cpu: dict[str, float] = defaultdict(float)
    per_page: list[float] = []
    pages = [(pid, raw) for pid, raw, _ in aeb] + traf
    for key, raw in pages:
        before = sum(cpu[n] for n in ("language", "translation"))
        total_before = sum(cpu.values())
        timed_run(pipe, raw, key, cpu)
        mt = sum(cpu[n] for n in ("language", "translation")) - before
        per_page.append(mt / max(1e-9, sum(cpu.values()) - total_before))
    total = sum(cpu.values())
    n = len(pages)
    print(f"\nCPU time per HTML page (process_time, {n} pages: aeb + trafilatura-half):")
    for name in pipe.names:
        print(f"  {name:12s} {cpu[name] / n * 1000:7.2f} ms  {cpu[name] / total:6.1%}")
    mt_total = cpu["language"] + cpu["translation"]
    print(f"  {'all stages':12s} {total / n * 1000:7.2f} ms")
    print(f"language + translation: {mt_total / n * 1000:.2f} ms/page = {mt_total / total:.1%} "
          f"of cleanpipe's per-page time ({mt_total / (total - mt_total):.1%} added to the "
          f"other stages); per-page share median {statistics.median(per_page):.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
