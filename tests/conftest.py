from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from cleanpipe import Pipeline

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
PAGES = FIXTURES / "pages"
SEED = PAGES / "seed-mt-news.txt"


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    return Pipeline.from_rules()


def run_cli(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m cleanpipe ARGS`` as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "cleanpipe", *args],
        input=stdin, capture_output=True, env=env, cwd=cwd, timeout=120,
    )


def jsonl(output: bytes) -> list[dict]:
    return [json.loads(line) for line in output.decode("utf-8").splitlines() if line.strip()]


def write_warc(path: Path, pages: list[tuple[str, bytes]], gz: bool = True) -> None:
    """A WARC holding an HTML response and its request for each ``(url, body)``."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for url, body in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=headers))
            req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "a.test")], is_http_request=True)
            writer.write_record(writer.create_warc_record(
                url, "request", payload=io.BytesIO(b""), http_headers=req))


def hostile_folder(root: Path) -> Path:
    """A crawl folder with every kind of entry that has broken a reader somewhere."""
    import os
    import socket

    d = root / "crawl"
    d.mkdir()
    (d / "ok.html").write_bytes(b"<html><body><p>Fine.</p></body></html>")
    (d / "empty.html").write_bytes(b"")
    (d / "new\nline.txt").write_bytes(b"A name with a newline.\n")
    os.symlink("loop-b", d / "loop-a")  # a symlink loop
    os.symlink("loop-a", d / "loop-b")
    os.symlink(".", d / "self")  # a folder link to itself (not followed)
    os.symlink("missing", d / "dangling")
    os.mkfifo(d / "fifo")  # opening a FIFO for reading blocks until a writer comes
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(d / "sock"))
    sock.close()
    os.mkdir(d / "sub")
    (d / "sub" / "deep.txt").write_bytes(b"Deep text.\n")
    (d / "sub" / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    bad = os.fsencode(str(d)) + b"/bad-\xff\xfe-name.txt"
    with open(bad, "wb") as fh:
        fh.write(b"Text under a name that is not UTF-8.\n")
    long_name = os.fsencode(str(d)) + b"/" + "é".encode() * 120 + b".html"  # 245 bytes
    with open(long_name, "wb") as fh:
        fh.write(b"<p>A long name.</p>" * 3)
    return d


# --- fuzzing: profiles, a seed, and a count of generated cases per stage ---------------
#
# CLEANPIPE_FUZZ picks the profile: "ci" (the default, what `make test` runs), "fuzz"
# (`make fuzz`) or "quick" (while editing). Hypothesis runs FUZZ_PROFILES[profile]
# examples per test; the mutation generator MUTANT_CASES[profile] cases per stage, from
# CLEANPIPE_FUZZ_SEED (0 unless set). Each fuzz test calls ``fuzz_case(stage, engine)``
# once per case; the counts are printed at the end of the run.

FUZZ_PROFILES = {"quick": 100, "ci": 1_000, "fuzz": 10_000}
MUTANT_PROFILES = {"quick": 500, "ci": 10_000, "fuzz": 100_000}
FUZZ_PROFILE = os.environ.get("CLEANPIPE_FUZZ", "ci")
if FUZZ_PROFILE not in FUZZ_PROFILES:
    raise SystemExit(f"CLEANPIPE_FUZZ={FUZZ_PROFILE!r}: expected one of {sorted(FUZZ_PROFILES)}")
MUTANT_CASES = MUTANT_PROFILES[FUZZ_PROFILE]
try:
    FUZZ_SEED = int(os.environ.get("CLEANPIPE_FUZZ_SEED") or 0)
except ValueError:
    raise SystemExit("CLEANPIPE_FUZZ_SEED: expected an integer") from None
for _name, _count in FUZZ_PROFILES.items():
    settings.register_profile(
        _name, max_examples=_count, deadline=None, print_blob=True,
        database=None if os.environ.get("CI") else settings.default.database,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.filter_too_much, HealthCheck.large_base_example],
    )
settings.load_profile(FUZZ_PROFILE)

FUZZ_COUNTS: collections.Counter[str] = collections.Counter()


def fuzz_case(stage: str, engine: str = "hypothesis") -> None:
    """Count one generated case for ``stage`` (printed in the terminal summary)."""
    FUZZ_COUNTS[f"{stage}\t{engine}"] += 1


def pytest_sessionfinish(session) -> None:  # noqa: ANN001
    """In an xdist worker: hand the counts to the controller."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["fuzz_counts"] = json.dumps(dict(FUZZ_COUNTS))


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:  # noqa: ANN001
    """In the xdist controller: add up the workers' counts."""
    counts = getattr(node, "workeroutput", {}).get("fuzz_counts")
    if counts:
        FUZZ_COUNTS.update(json.loads(counts))


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ANN001
    if not FUZZ_COUNTS:
        return
    table: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for key, count in FUZZ_COUNTS.items():
        stage, engine = key.split("\t")
        table[stage][engine] += count
    tr = terminalreporter
    tr.section(f"fuzz: generated cases per stage (profile {FUZZ_PROFILE!r}, "
               f"seed {FUZZ_SEED})")
    tr.write_line(f"  {'stage':<18} {'hypothesis':>10} {'mutation':>9} {'total':>8}")
    for stage, counts in sorted(table.items()):
        tr.write_line(f"  {stage:<18} {counts['hypothesis']:>10} {counts['mutation']:>9} "
                      f"{sum(counts.values()):>8}")
    totals = collections.Counter[str]()
    for counts in table.values():
        totals.update(counts)
    tr.write_line(f"  {'total':<18} {totals['hypothesis']:>10} {totals['mutation']:>9} "
                  f"{sum(totals.values()):>8}")
