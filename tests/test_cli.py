from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cleanpipe import __version__
from conftest import FIXTURES, PAGES, jsonl, run_cli


def test_version_and_help() -> None:
    assert run_cli("--version").stdout.decode().strip() == f"cleanpipe {__version__}"
    help_text = run_cli("run", "--help").stdout.decode()
    assert "examples:" in help_text and "cleanpipe run < page.html" in help_text
    assert run_cli().returncode == 2


def test_folder_gives_one_json_line_per_file() -> None:
    proc = run_cli("run", str(PAGES))
    assert proc.returncode == 0, proc.stderr.decode()
    records = jsonl(proc.stdout)
    assert sorted(Path(r["source"]).name for r in records) == sorted(
        p.name for p in PAGES.iterdir())
    assert all(r["text"] for r in records)


def test_failures_become_error_records_and_the_rest_still_comes_out(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "a-good.txt").write_bytes((PAGES / "seed-mt-news.txt").read_bytes())
    (batch / "b-empty.html").write_bytes(b"")
    (batch / "c-binary.png").write_bytes((FIXTURES / "bad" / "image.png").read_bytes())
    (batch / "d-gone.html").symlink_to(tmp_path / "missing-target.html")
    unreadable = batch / "e-locked.html"
    unreadable.write_bytes(b"<p>secret</p>")
    unreadable.chmod(0)
    (batch / "f-good.html").write_bytes((PAGES / "cp1252-geneve.html").read_bytes())

    proc = run_cli("run", str(batch))
    assert proc.returncode == 1
    records = {Path(r["source"]).name: r for r in jsonl(proc.stdout)}
    assert len(records) == 6
    assert records["a-good.txt"]["text"] and records["f-good.html"]["text"]
    assert records["b-empty.html"]["error"] == {
        "stage": "decode", "type": "StageError", "message": "empty input"}
    assert records["c-binary.png"]["error"]["stage"] == "decode"
    assert "PNG" in records["c-binary.png"]["error"]["message"]
    assert records["d-gone.html"]["error"]["stage"] == "read"
    if os.geteuid() != 0:  # root reads mode-000 files anyway
        assert records["e-locked.html"]["error"]["stage"] == "read"
    assert b"b-empty.html: decode: empty input" in proc.stderr


def test_output_folder_mirrors_relative_paths(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "story.txt").write_bytes((PAGES / "seed-mt-news.txt").read_bytes())
    (src / "top.html").write_bytes((PAGES / "meta-lies-latin1.html").read_bytes())
    out = tmp_path / "out"
    proc = run_cli("run", "-o", str(out), str(src))
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout == b""
    story = json.loads((out / "sub" / "story.txt.json").read_text("utf-8"))
    assert story["title"].startswith("Washington ready")
    assert json.loads((out / "top.html.json").read_text("utf-8"))["title"] == "Straße nach Köln"
    assert not list(out.rglob(".tmp-*"))


@pytest.mark.parametrize("arg", [[], ["-"]])
def test_stdin_gives_one_object(arg: list[str]) -> None:
    proc = run_cli("run", *arg, stdin=(PAGES / "meta-lies-utf8.html").read_bytes())
    assert proc.returncode == 0
    lines = proc.stdout.decode().splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["title"] == "Hôtel de la Paix à Genève"


_IMPORTS_AFTER_RUN = (
    "import sys; from cleanpipe.cli import main; code = main(sys.argv[1:]); "
    "sys.stderr.write('imported: ' + ' '.join(sorted(m for m in ('trafilatura', 'htmldate') "
    "if m in sys.modules)) + '\\n'); sys.exit(code)")


@pytest.mark.parametrize(("page", "imported"), [
    (FIXTURES / "dumps" / "blog-post-with-comments.txt", ""),
    (PAGES / "meta-lies-utf8.html", "htmldate trafilatura"),
])
def test_one_page_on_stdin_imports_only_what_it_needs(page: Path, imported: str,
                                                       tmp_path: Path) -> None:
    # a batch imports every stage's modules before its first document; one page on
    # stdin skips the HTML extractors when it is a text dump, and gets the same record
    proc = subprocess.run([sys.executable, "-c", _IMPORTS_AFTER_RUN, "run"],
                          input=page.read_bytes(), capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    assert f"imported: {imported}\n" in proc.stderr.decode()
    (one,) = jsonl(proc.stdout)
    (batch,) = jsonl(run_cli("run", "--out", "-", "-", stdin=page.read_bytes()).stdout)
    assert one == batch and one["text"]


def test_empty_stdin_is_an_error_record() -> None:
    proc = run_cli("run", stdin=b"")
    assert proc.returncode == 1
    assert jsonl(proc.stdout) == [{"source": "-", "error": {
        "stage": "decode", "type": "StageError", "message": "empty input"}}]


def test_one_file_is_cleaned_without_a_pool_unless_workers_are_asked_for(
        tmp_path: Path) -> None:
    dump = FIXTURES / "dumps" / "blog-post-with-comments.txt"

    def engine(*args: str) -> tuple[str, list[dict]]:
        stats = tmp_path / "stats.json"
        proc = run_cli("run", "--stats", str(stats), *args)
        assert proc.returncode == 0, proc.stderr
        return json.loads(stats.read_text())["engine"], jsonl(proc.stdout)

    alone, records = engine(str(dump))
    assert alone == "SerialEngine"
    pooled, same = engine("-j", "1", str(dump))
    assert pooled == "ProcessEngine" and same == records
    assert records[0]["kind"] == "text" and "Skip to content" not in records[0]["text"]
    assert "Skip to content" in dump.read_text("utf-8")
    folder = tmp_path / "two"
    folder.mkdir()
    for name in ("a.txt", "b.txt"):
        (folder / name).write_bytes(dump.read_bytes())
    assert engine(str(folder))[0] == "ProcessEngine"
