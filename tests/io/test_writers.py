from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from cleanpipe.io.writers import (
    DirWriter,
    JsonLinesFileWriter,
    dumps,
    dumps_indented,
    read_records,
)


def rec(i: int) -> dict:
    return {"source": f"s{i}", "text": f"t{i} é"}


@pytest.mark.parametrize("name", ["out.jsonl", "out.jsonl.gz"])
def test_file_appears_only_when_complete(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    writer = JsonLinesFileWriter(path)
    writer.write(rec(1))
    assert not path.exists() and (tmp_path / f"{name}.part").exists()
    writer.close()
    assert not (tmp_path / f"{name}.part").exists()
    assert list(read_records(path)) == [rec(1)]
    raw = path.read_bytes()
    assert (raw[:2] == b"\x1f\x8b") == name.endswith(".gz")
    assert oct(path.stat().st_mode & 0o777) != oct(0o600)


def test_interrupted_file_is_kept_as_part(tmp_path: Path) -> None:
    writer = JsonLinesFileWriter(tmp_path / "o.jsonl")
    writer.write(rec(1))
    writer.close(complete=False)
    assert not (tmp_path / "o.jsonl").exists()
    assert list(read_records(tmp_path / "o.jsonl.part")) == [rec(1)]


def test_resume_carries_over_whole_lines_only(tmp_path: Path) -> None:
    part = tmp_path / "o.jsonl.part"
    part.write_text(json.dumps(rec(1)) + "\n" + json.dumps(rec(2)) + '\n{"source": "s3", "te')
    writer = JsonLinesFileWriter(tmp_path / "o.jsonl", resume=True)
    assert writer.sources == {"s1", "s2"}
    writer.write(rec(3))
    writer.close()
    assert [r["source"] for r in read_records(tmp_path / "o.jsonl")] == ["s1", "s2", "s3"]


def test_resume_reads_a_truncated_gzip_part(tmp_path: Path) -> None:
    part = tmp_path / "o.jsonl.gz.part"
    data = gzip.compress(("".join(json.dumps(rec(i)) + "\n" for i in range(200))).encode())
    part.write_bytes(data[: len(data) // 2])
    writer = JsonLinesFileWriter(tmp_path / "o.jsonl.gz", resume=True)
    kept = len(writer.sources)
    assert 0 < kept < 200
    writer.close()
    assert [r["source"] for r in read_records(tmp_path / "o.jsonl.gz")] == [
        f"s{i}" for i in range(kept)]


def test_without_resume_the_old_file_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "o.jsonl"
    path.write_text(json.dumps(rec(9)) + "\n")
    writer = JsonLinesFileWriter(path)
    assert writer.sources == set()
    writer.write(rec(1))
    writer.close()
    assert list(read_records(path)) == [rec(1)]


def test_dir_writer_up_to_date_compares_times(tmp_path: Path) -> None:
    writer = DirWriter(tmp_path / "out")
    assert not writer.up_to_date("a/b.html", 0)
    writer.write(rec(1), "a/b.html")
    target = tmp_path / "out" / "a" / "b.html.json"
    mtime = target.stat().st_mtime_ns
    assert writer.up_to_date("a/b.html", mtime)
    assert not writer.up_to_date("a/b.html", mtime + 1)
    assert not [p for p in (tmp_path / "out").rglob("*") if p.name.startswith(".tmp-")]
    os.utime(target, ns=(0, 0))
    assert not writer.up_to_date("a/b.html", mtime)


RECORDS = [
    {"source": "a.txt", "text": "Ünïcode — “quotes”\ttab\u2028sep", "score": 0.8662,
     "removed": [{"stage": "chrome", "line": 3, "text": "Share", "rule": "share"}],
     "title": None, "flags": [True, False], "nested": {"empty": {}, "list": []}},
    {"source": "big.txt", "count": 2**70, "text": ""},   # over 64 bits: orjson refuses it
    {"source": "keys.txt", "by_line": {3: "a", 4: "b"}},  # non-string keys: likewise
]


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r["source"])
def test_records_are_written_as_the_json_they_hold(record: dict, tmp_path: Path) -> None:
    # JSON Lines: one compact line; -o DIR: two-space indents, the standard library's form
    line = dumps(record)
    assert line == json.dumps(json.loads(line), ensure_ascii=False, separators=(",", ":"))
    assert json.loads(line) == json.loads(json.dumps(record))
    assert dumps_indented(record) == json.dumps(record, ensure_ascii=False, indent=2)
    DirWriter(tmp_path).write(record, "page.txt")
    written = (tmp_path / "page.txt.json").read_text("utf-8")
    assert written == json.dumps(record, ensure_ascii=False, indent=2) + "\n"
