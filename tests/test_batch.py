from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cleanpipe.io.writers import read_records
from conftest import PAGES, ROOT, jsonl, run_cli, write_warc

HTML_PAGES = sorted(p for p in PAGES.iterdir() if p.suffix == ".html")


def make_corpus(folder: Path, count: int) -> list[Path]:
    """``count`` distinct HTML pages (fixtures with a numbered paragraph added)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        base = HTML_PAGES[i % len(HTML_PAGES)].read_bytes()
        extra = f"<p>Paragraph number {i} of this batch, long enough to be kept.</p>"
        page = base.replace(b"</body>", extra.encode() + b"</body>")
        path = folder / f"sub{i % 3}" / f"page-{i:04d}.html"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(page)
        paths.append(path)
    return paths


def test_jsonl_in_errors_split_stats_and_pass_through(tmp_path: Path) -> None:
    export = tmp_path / "export.jsonl"
    rows = [
        {"doc_id": "x1", "body": (PAGES / "cp1252-geneve.html").read_bytes().decode("cp1252"),
         "link": "https://example.test/x1", "crawl": "2024-01", "title": "given"},
        {"doc_id": "x2", "body": ""},
        {"doc_id": "x3", "body": (PAGES / "seed-mt-news.txt").read_text("utf-8")},
    ]
    export.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    out, errors, stats = tmp_path / "out.jsonl.gz", tmp_path / "err.jsonl", tmp_path / "s.json"
    proc = run_cli("run", "-j", "2", "--html-field", "body", "--url-field", "link",
                   "--id-field", "doc_id", "--out", str(out), "--errors", str(errors),
                   "--stats", str(stats), str(export))
    assert proc.returncode == 1, proc.stderr.decode()
    records = [json.loads(line) for line in gzip.decompress(out.read_bytes()).splitlines()]
    assert [r["source"] for r in records] == [f"{export}#x1", f"{export}#x3"]
    first = records[0]
    assert first["url"] == "https://example.test/x1" and first["crawl"] == "2024-01"
    assert first["doc_id"] == "x1" and first["input_title"] == "given"
    assert first["title"] and first["title"] != "given"
    [err] = list(read_records(errors))
    assert err["source"] == f"{export}#x2" and err["error"]["stage"] == "read"
    summary = json.loads(stats.read_text())
    assert (summary["inputs"], summary["articles"], summary["errors"]) == (3, 2, 1)
    assert summary["errors_by_stage"] == {"read": 1}
    assert summary["stages"]["extract"]["documents"] == 2
    assert summary["stages"]["chrome"]["chars_removed"] > 0
    assert b"stage" in proc.stderr and b"3 inputs: 2 articles, 1 errors" in proc.stderr


def test_order_is_kept_and_serial_matches_parallel(tmp_path: Path) -> None:
    make_corpus(tmp_path / "in", 12)
    parallel = run_cli("run", "-j", "2", str(tmp_path / "in"))
    serial = run_cli("run", "-j", "0", str(tmp_path / "in"))
    assert parallel.returncode == serial.returncode == 0
    assert jsonl(parallel.stdout) == jsonl(serial.stdout)
    rels = [str(Path(r["source"]).relative_to(tmp_path / "in")) for r in jsonl(parallel.stdout)]
    assert rels == sorted(rels) and len(rels) == 12


def test_warc_through_the_cli(tmp_path: Path) -> None:
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, [("https://a.test/", (PAGES / "meta-lies-utf8.html").read_bytes())])
    proc = run_cli("run", "-j", "1", "--stats", str(tmp_path / "s.json"), str(warc))
    [record] = jsonl(proc.stdout)
    assert record["url"] == "https://a.test/" and record["source"].startswith(f"{warc}#urn:")
    assert json.loads((tmp_path / "s.json").read_text())["skipped"] == {"warc_request": 1}


def test_resume_needs_an_output_and_o_excludes_out(tmp_path: Path) -> None:
    assert run_cli("run", "--resume", str(PAGES)).returncode == 2
    assert run_cli("run", "-o", str(tmp_path), "--out", "x.jsonl", str(PAGES)).returncode == 2


# A batch that writes its 10th record and then hangs, so the test kills it at a known
# point: after 10 records and before the rest, however fast the machine is. Only the
# writer (in the batch's main process) is held; the workers and the reader run as usual.
_HANG_AFTER = """
import sys, threading
from cleanpipe.io import writers
from cleanpipe.cli import main

def hang_after(cls, count):
    write, done = cls.write, [0]
    def wrapped(self, *args, **kwargs):
        write(self, *args, **kwargs)
        done[0] += 1
        if done[0] >= count:
            threading.Event().wait()  # until killed
    cls.write = wrapped

hang_after(getattr(writers, sys.argv[1]), int(sys.argv[2]))
sys.exit(main(sys.argv[3:]))
"""


def _kill_when(proc: subprocess.Popen[bytes], ready: object, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end and proc.poll() is None:
        if ready():  # type: ignore[operator]
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the batch ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def _spawn_hanging(writer: str, after: int, *args: str) -> subprocess.Popen[bytes]:
    """``cleanpipe run ARGS`` whose ``writer`` class hangs once it has written ``after``."""
    return subprocess.Popen([sys.executable, "-c", _HANG_AFTER, writer, str(after), "run", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    """60 pages and the records of an uninterrupted run over them."""
    root = tmp_path_factory.mktemp("corpus")
    make_corpus(root / "in", 60)
    proc = run_cli("run", "-j", "2", "--out", str(root / "want.jsonl"), str(root / "in"))
    assert proc.returncode == 0, proc.stderr.decode()
    return root / "in", list(read_records(root / "want.jsonl"))


def test_killed_jsonl_run_resumes_to_the_same_output(
        tmp_path: Path, corpus: tuple[Path, list[dict]]) -> None:
    folder, want = corpus
    got = tmp_path / "got.jsonl"
    part = tmp_path / "got.jsonl.part"
    _kill_when(_spawn_hanging("JsonLinesFileWriter", 10, "-j", "2", "--out", str(got),
                              str(folder)),
               lambda: _lines(part) >= 10)
    assert not got.exists() and _lines(part) == 10

    proc = run_cli("run", "-j", "2", "--resume", "--out", str(got), str(folder))
    assert proc.returncode == 0, proc.stderr.decode()
    assert list(read_records(got)) == want  # same records, same order, none twice
    assert not part.exists()


def test_killed_folder_run_resumes_to_the_same_output(
        tmp_path: Path, corpus: tuple[Path, list[dict]]) -> None:
    folder, want = corpus
    got = tmp_path / "got"

    def done() -> list[Path]:
        return sorted(got.rglob("*.json")) if got.exists() else []

    _kill_when(_spawn_hanging("DirWriter", 10, "-j", "2", "-o", str(got), str(folder)),
               lambda: len(done()) >= 10)
    first = {p: p.stat().st_mtime_ns for p in done()}
    assert len(first) == 10

    stats = tmp_path / "s.json"
    proc = run_cli("run", "-j", "2", "--resume", "--stats", str(stats), "-o", str(got),
                   str(folder))
    assert proc.returncode == 0, proc.stderr.decode()
    summary = json.loads(stats.read_text())
    assert summary["skipped"]["up_to_date"] == len(first)
    assert summary["inputs"] == len(want) - len(first)
    outputs = {str(p.relative_to(got))[: -len(".json")]: json.loads(p.read_text("utf-8"))
               for p in done()}
    assert outputs == {str(Path(r["source"]).relative_to(folder)): r for r in want}
    assert all(p.stat().st_mtime_ns == t for p, t in first.items())  # not redone


def _venv_ready() -> bool:
    stamp = subprocess.run(["make", "-q", "-C", str(ROOT), ".venv/.installed-stamp"],
                           capture_output=True)
    return stamp.returncode == 0


@pytest.mark.skipif(not _venv_ready(), reason="make batch runs the project's .venv, "
                    "which is missing or out of date")
def test_make_batch_processes_only_new_or_changed_files(tmp_path: Path) -> None:
    inputs = make_corpus(tmp_path / "in", 4)

    def make() -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(["make", "-s", "-C", str(ROOT), "batch", f"IN={tmp_path / 'in'}",
                               f"OUT={tmp_path / 'out'}", "JOBS=1",
                               f"STATS={tmp_path / 's.json'}"],
                              capture_output=True, timeout=120)

    assert make().returncode == 0
    assert len(list((tmp_path / "out").rglob("*.json"))) == 4
    time.sleep(0.01)
    inputs[0].write_bytes(inputs[0].read_bytes() + b"<p>more</p>")
    (tmp_path / "in" / "new.html").write_bytes(inputs[1].read_bytes())
    proc = make()
    assert proc.returncode == 0, proc.stderr.decode()
    summary = json.loads((tmp_path / "s.json").read_text())
    assert summary["inputs"] == 2 and summary["skipped"]["up_to_date"] == 3


def test_dask_engine_through_the_cli(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    make_corpus(tmp_path / "in", 6)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None, protocol="tcp", scheduler_port=0,
                                  host="127.0.0.1") as cluster:
        proc = run_cli("run", "--engine", "dask", "--scheduler", cluster.scheduler_address,
                       str(tmp_path / "in"), env={**os.environ})
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    local = run_cli("run", "-j", "1", str(tmp_path / "in"))
    assert jsonl(proc.stdout) == jsonl(local.stdout)


def test_progress_bar_on_request_counts_pages_and_errors(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes((PAGES / "seed-mt-news.txt").read_bytes())
    (tmp_path / "in" / "b.html").write_bytes(b"")
    proc = run_cli("run", "-j", "0", "--progress", str(tmp_path / "in"))
    err = proc.stderr.decode()
    assert "2/2" in err and "page/s" in err and "errors=1" in err
    assert "page/s" not in run_cli("run", "-j", "0", str(tmp_path / "in")).stderr.decode()
