"""Hostile input folders: every entry ends as data or an error, nothing blocks or loops."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from cleanpipe.io.readers import iter_inputs
from conftest import hostile_folder


def test_every_entry_yields_data_or_an_error_without_blocking(tmp_path: Path) -> None:
    d = hostile_folder(tmp_path)
    start = time.monotonic()
    items = list(iter_inputs([str(d)]))
    assert time.monotonic() - start < 5
    by_name = {os.path.basename(i.relpath): i for i in items}
    assert by_name["ok.html"].data and by_name[["sub", "deep.txt"][-1]].data
    assert by_name["empty.html"].data == b""
    assert by_name["new\nline.txt"].data
    for name in ("loop-a", "loop-b", "dangling"):
        assert by_name[name].error and by_name[name].error.startswith("cannot read")
    assert by_name["fifo"].error == "not a regular file (FIFO)"
    assert by_name["sock"].error  # unix socket: refused by open() or by the type check
    bad = [i for i in items if "bad-" in i.source]
    assert bad[0].source.endswith("bad-\\xff\\xfe-name.txt") and bad[0].data
    for item in items:
        item.source.encode("utf-8")  # printable in a record


def test_a_fifo_named_on_the_command_line_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    [item] = iter_inputs([str(tmp_path / "pipe")])
    assert item.error == "not a regular file (FIFO)"


def test_an_unlistable_folder_gives_an_error_record(tmp_path: Path, monkeypatch) -> None:
    """As root a mode-000 folder is still readable, so make scandir fail instead."""
    d = tmp_path / "crawl"
    (d / "locked").mkdir(parents=True)
    (d / "ok.txt").write_bytes(b"ok")
    real = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    items = list(iter_inputs([str(d)]))
    errors = [i for i in items if i.error]
    assert [i.error for i in errors] == ["cannot read folder: Permission denied"]
    assert any(i.data == b"ok" for i in items)


def test_an_unreadable_file_gives_an_error_record(tmp_path: Path, monkeypatch) -> None:
    """As root chmod 000 does not stop a read, so make open() fail for that file."""
    (tmp_path / "secret.html").write_bytes(b"x")
    real = os.open

    def fake_open(path, flags, *args):  # type: ignore[no-untyped-def]
        if str(path).endswith("secret.html"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, flags, *args)

    monkeypatch.setattr(os, "open", fake_open)
    [item] = iter_inputs([str(tmp_path)])
    assert item.error == "cannot read: Permission denied"


@pytest.mark.skipif(os.geteuid() != 0, reason="shows what root can read")
def test_mode_000_is_no_protection_from_root(tmp_path: Path) -> None:
    path = tmp_path / "locked.txt"
    path.write_bytes(b"root reads me")
    path.chmod(0)
    [item] = iter_inputs([str(path)])
    assert item.data == b"root reads me"
