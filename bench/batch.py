"""Batch benchmark: throughput of -j1 vs -j2, memory of a long run, batch overhead.

    python bench/batch.py --data ../shared/bench/wcxb-dev [--work DIR] [--only WHAT]

Targets (issue 6): -j2 >= 1.8x the pages/s of -j1 on the wcxb-dev HTML; peak RSS
(parent + all workers) of a 20,000-document run <= 1.2x that of a 1,000-document run;
batch overhead (reading, workers, writing: engine wall time not spent in the pipeline)
<= 5% of the total. Each figure is a `cleanpipe run` subprocess as a user would start
it; the machine's load average is printed next to it, since other jobs skew timings.

The memory runs replicate the pages (symlinks) and, to keep 20,000 documents within
minutes on a shared 2-core machine, use a pipeline of decode and emit only (each record
still carries the whole page's text): they measure what the batch machinery holds
(read-ahead window, reorder buffer, writers, pickled jobs and records), which is what
must not grow with the batch. --full-memory uses every stage instead.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

LIGHT_RULES = "stages: [decode, emit]\n"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def prepare(data: Path, work: Path) -> Path:
    """The wcxb-dev pages, decompressed once into ``work/html``."""
    html = work / "html"
    if html.is_dir() and any(html.iterdir()):
        return html
    html.mkdir(parents=True, exist_ok=True)
    for src in sorted((data / "html").glob("*.html.gz")):
        (html / src.name[: -len(".gz")]).write_bytes(gzip.decompress(src.read_bytes()))
    return html


def replicate(pages: Path, count: int, dest: Path) -> Path:
    """``count`` inputs as symlinks to the pages, round robin, in folders of 1,000."""
    if dest.is_dir() and sum(1 for _ in dest.rglob("*.html")) == count:
        return dest
    shutil.rmtree(dest, ignore_errors=True)
    files = sorted(pages.iterdir())
    for i in range(count):
        folder = dest / f"r{i // 1000:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{i:06d}-{files[i % len(files)].name}").symlink_to(files[i % len(files)])
    return dest


class PeakRSS(threading.Thread):
    """Polls a process and all its descendants: the largest summed RSS, and the CPU
    seconds each used (last value seen), to tell the parent's share from the workers'
    on a machine where other jobs take CPU too."""

    def __init__(self, pid: int, every: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.proc = psutil.Process(pid)
        self.every = every
        self.peak = 0
        self.cpu: dict[int, float] = {}
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            total = 0
            try:
                for p in [self.proc, *self.proc.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error), p.oneshot():
                        total += p.memory_info().rss
                        times = p.cpu_times()
                        self.cpu[p.pid] = times.user + times.system
            except psutil.Error:
                return
            self.peak = max(self.peak, total)
            time.sleep(self.every)


def cleanpipe(args: list[str], work: Path, name: str) -> dict[str, Any]:
    """Run ``cleanpipe run ARGS --stats`` with stdout to /dev/null; stats + peak RSS."""
    stats = work / f"{name}.stats.json"
    cmd = [sys.executable, "-m", "cleanpipe", "run", "--no-progress", "--stats", str(stats),
           *args]
    print(f"$ {' '.join(cmd)} > /dev/null   (load {load()})", flush=True)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    poller = PeakRSS(proc.pid)
    poller.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    poller.stopped.set()
    poller.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"cleanpipe failed ({proc.returncode}): {err.decode()[-2000:]}")
    out = json.loads(stats.read_text())
    out["process_wall_seconds"] = round(wall, 3)
    out["peak_rss_mib"] = round(poller.peak / 2**20, 1)
    busy = out["pipeline_seconds"] / (out["seconds"] * out["workers"])
    out["overhead_share"] = round(1 - busy, 4)
    parent_cpu = poller.cpu.pop(proc.pid, 0.0)
    out["cpu_seconds_parent"] = round(parent_cpu, 2)
    out["cpu_seconds_children"] = round(sum(poller.cpu.values()), 2)
    out["parent_cpu_share"] = round(parent_cpu / max(1e-9, parent_cpu + sum(
        poller.cpu.values())), 4)
    print(f"  {out['inputs']} pages in {out['seconds']:.1f} s: {out['pages_per_second']:.2f} "
          f"pages/s, peak RSS {out['peak_rss_mib']} MiB, overhead {100 * (1 - busy):.1f}%, "
          f"CPU s parent {parent_cpu:.1f} / workers {out['cpu_seconds_children']:.1f}, "
          f"load after {load()}", flush=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/bench/wcxb-dev"))
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temp dir)")
    parser.add_argument("--only", choices=["speed", "memory"], help="run one part")
    parser.add_argument("--full-memory", action="store_true",
                        help="memory runs with every stage (slow: 21,000 pages)")
    parser.add_argument("--out", type=Path, default=Path("bench/results/batch.json"))
    args = parser.parse_args()
    if not (args.data / "html").is_dir():
        print(f"no {args.data}/html: pass --data", file=sys.stderr)
        return 2
    work = args.work or Path(tempfile.mkdtemp(prefix="cleanpipe-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    pages = prepare(args.data, work)
    print(f"{sum(1 for _ in pages.iterdir())} pages in {pages}; cores {os.cpu_count()}")
    results: dict[str, Any] = {"load_before": load()}

    if args.only in (None, "speed"):
        one = cleanpipe(["-j", "1", str(pages)], work, "j1")
        two = cleanpipe(["-j", "2", str(pages)], work, "j2")
        results["j1"], results["j2"] = one, two
        results["speedup"] = round(two["pages_per_second"] / one["pages_per_second"], 3)
        print(f"speed-up -j2 / -j1: {results['speedup']:.2f}x (target >= 1.8)")
        print(f"overhead: -j1 {100 * one['overhead_share']:.1f}%, "
              f"-j2 {100 * two['overhead_share']:.1f}% (target <= 5%)")

    if args.only in (None, "memory"):
        rules: list[str] = []
        if not args.full_memory:
            light = work / "light-rules"
            light.mkdir(exist_ok=True)
            (light / "pipeline.yaml").write_text(LIGHT_RULES)
            rules = ["--rules", str(light)]
        small = cleanpipe([*rules, "-j", "2", str(replicate(pages, 1000, work / "r1k"))],
                          work, "m1k")
        large = cleanpipe([*rules, "-j", "2", str(replicate(pages, 20000, work / "r20k"))],
                          work, "m20k")
        results["mem_1k"], results["mem_20k"] = small, large
        results["memory_ratio"] = round(large["peak_rss_mib"] / small["peak_rss_mib"], 3)
        print(f"peak RSS 20,000 / 1,000 documents: {results['memory_ratio']:.2f}x "
              f"(target <= 1.2)")

    results["load_after"] = load()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"results: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
