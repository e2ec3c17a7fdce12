"""Walk files, folders and stdin, yielding each input's bytes or the reason it failed."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO


@dataclass(frozen=True)
class RawInput:
    """One input: its bytes, or an error saying why it could not be read.

    ``source`` is what the record shows (the path as given, or ``-``); ``relpath`` is
    where its output goes under ``-o DIR``.
    """

    source: str
    relpath: str
    data: bytes | None = None
    error: str | None = None


def _display(path: str) -> str:
    """A path as text, with undecodable bytes escaped rather than crashing json."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _read(path: str, relpath: str) -> RawInput:
    try:
        with open(path, "rb") as fh:
            return RawInput(_display(path), relpath, data=fh.read())
    except OSError as exc:
        return RawInput(_display(path), relpath, error=f"cannot read: {exc.strerror or exc}")


def _walk(root: str) -> Iterator[RawInput]:
    errors: list[OSError] = []
    for folder, dirs, files in os.walk(root, onerror=errors.append, followlinks=False):
        while errors:
            exc = errors.pop()
            where = exc.filename if isinstance(exc.filename, str) else folder
            rel = os.path.relpath(where, root)
            yield RawInput(_display(where), rel, error=f"cannot read folder: {exc.strerror}")
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            yield _read(path, os.path.relpath(path, root))
    while errors:
        exc = errors.pop()
        where = exc.filename if isinstance(exc.filename, str) else root
        yield RawInput(_display(where), os.path.basename(where) or "input",
                       error=f"cannot read folder: {exc.strerror}")


def iter_inputs(paths: Iterable[str], stdin: BinaryIO | None = None) -> Iterator[RawInput]:
    """Every input named by ``paths`` (``-`` is stdin; folders are walked, sorted)."""
    for path in paths:
        if path == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield RawInput("-", "stdin", data=stream.read())
        elif os.path.isdir(path):
            yield from _walk(path)
        elif os.path.lexists(path):
            yield _read(path, os.path.basename(path))
        else:
            yield RawInput(_display(path), Path(path).name or "input",
                           error="no such file or folder")
