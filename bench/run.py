"""`make bench`: score cleanpipe and other extractors on the shared benchmark data.

Usage: bench/run.py DATA [--only aeb,wcxb,dumps,trafilatura-half] [--limit N]
                         [--json OUT] [--compare FILE] [--gate]
The work is done by cleanpipe.bench (also reachable as `cleanpipe bench`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from cleanpipe.bench.command import main

if __name__ == "__main__":
    bench_dir = Path(__file__).resolve().parent
    sys.exit(main(["--bench-dir", str(bench_dir), *sys.argv[1:]]))
