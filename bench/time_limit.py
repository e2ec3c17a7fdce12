"""How long can one runaway document hold a worker? A C-level hang against limits.time_limit.

Usage: bench/time_limit.py [LIMIT_SECONDS]

A stage stuck in C code (stdlib re backtracking, which no Python signal interrupts) runs
in the process pool; the figure is how long after its start the batch gets its record.
"""

import re
import sys
import time
from dataclasses import dataclass

from cleanpipe import Document, Pipeline
from cleanpipe.engines import Job, ProcessEngine
from cleanpipe.stages.base import Stage


@dataclass(frozen=True)
class NoSettings:
    pass


class Runaway(Stage):
    name = "runaway"
    Settings = NoSettings

    def __call__(self, doc: Document) -> Document:
        if doc.text.startswith("hang"):
            re.match(r"(a+)+$", "a" * 40 + "b")  # C-level backtracking, signals wait for it
        doc.record = {"source": doc.source, "text": doc.text}
        return doc


if __name__ == "__main__":
    limit = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    jobs = [(i, Job(f"d{i}", t)) for i, t in enumerate(["ok", "hang", "ok"])]
    start = time.monotonic()
    done = []
    for _key, res in ProcessEngine(1, time_limit=limit).map(Pipeline([Runaway()]), iter(jobs)):
        done.append((time.monotonic() - start, res.record.get("error", {}).get("type")))
    held = done[1][0] - done[0][0]
    print(f"time_limit {limit:g} s: the runaway document held its worker {held:.2f} s "
          f"({done[1][1]}); the next document followed {done[2][0] - done[1][0]:.2f} s later")
