"""Write records as JSON Lines, or one JSON file per input under a folder.

Every writer is atomic for its readers: a JSON Lines file is built as ``FILE.part`` and
renamed when the batch ends, a folder's files are each written then renamed. A killed
run leaves no half-written output, and ``--resume`` picks up what it did finish.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tempfile
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Protocol, TextIO

import orjson


def dumps(record: dict[str, Any]) -> str:
    """``record`` as one line of compact JSON (no spaces after ``:`` and ``,``), UTF-8
    text unescaped."""
    try:
        return orjson.dumps(record).decode("utf-8")
    except TypeError:  # what orjson refuses (integers over 64 bits, non-string keys...)
        return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def dumps_indented(record: dict[str, Any]) -> str:
    """``record`` as JSON indented by two spaces, the form of ``-o DIR``'s files."""
    try:
        return orjson.dumps(record, option=orjson.OPT_INDENT_2).decode("utf-8")
    except TypeError:
        return json.dumps(record, ensure_ascii=False, indent=2)


_MODE: int | None = None


def _file_mode() -> int:
    """0o666 less the umask: what ``open()`` would give (``mkstemp`` gives 0o600)."""
    global _MODE
    if _MODE is None:
        umask = os.umask(0o022)
        os.umask(umask)
        _MODE = 0o666 & ~umask
    return _MODE


class Writer(Protocol):
    def write(self, record: dict[str, Any], relpath: str) -> None: ...

    def close(self, complete: bool = True) -> None: ...


class JsonLinesWriter:
    """One JSON object per line on a text stream."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, record: dict[str, Any], relpath: str = "") -> None:
        self.stream.write(dumps(record) + "\n")

    def close(self, complete: bool = True) -> None:
        self.stream.flush()


def read_records(path: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """The complete records of a JSON Lines file (gzip if named ``.gz``).

    A file cut short by a killed run is read up to its last whole line: a torn last
    line or a truncated gzip stream ends the iteration instead of raising.
    """
    path = Path(path)
    gz = path.name.endswith(".gz") or path.name.endswith(".gz.part")
    try:
        with (gzip.open(path, "rb") if gz else open(path, "rb")) as fh:
            for line in fh:
                if not line.endswith(b"\n"):
                    return
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if isinstance(record, dict) and isinstance(record.get("source"), str):
                    yield record
    except (EOFError, OSError, zlib.error):
        return


class JsonLinesFileWriter:
    """JSON Lines into a file (gzip when its name ends in ``.gz``), written atomically.

    Records go to ``FILE.part``, renamed to ``FILE`` by ``close()``. With ``resume``,
    the records already in ``FILE`` or a ``FILE.part`` left by a killed run are carried
    over first; their sources are in :attr:`sources` so the batch can skip them.
    """

    flush_every = 0.5  # seconds between flushes of a gzip file (each flush costs ratio)

    def __init__(self, path: str | os.PathLike[str], resume: bool = False) -> None:
        self.path = Path(path)
        self.part = self.path.with_name(self.path.name + ".part")
        self.gzip = self.path.name.endswith(".gz")
        self.sources: set[str] = set()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-", suffix=".part")
        os.fchmod(fd, _file_mode())
        raw = os.fdopen(fd, "wb")
        self._raw = raw
        binary: IO[bytes] = (gzip.GzipFile(fileobj=raw, mode="wb", mtime=0)  # type: ignore[assignment]
                             if self.gzip else raw)
        self._binary = binary
        self.stream = io.TextIOWrapper(binary, encoding="utf-8", newline="\n")
        self._flushed = time.monotonic()
        if resume:
            for old in (self.path, self.part):
                if old.exists():
                    for record in read_records(old):
                        if record["source"] not in self.sources:
                            self.sources.add(record["source"])
                            self.stream.write(dumps(record) + "\n")
            self._flush()
        os.replace(tmp, self.part)

    def _flush(self) -> None:
        self.stream.flush()
        self._binary.flush()
        self._raw.flush()
        self._flushed = time.monotonic()

    def write(self, record: dict[str, Any], relpath: str = "") -> None:
        self.stream.write(dumps(record) + "\n")
        if not self.gzip or time.monotonic() - self._flushed > self.flush_every:
            self._flush()

    def close(self, complete: bool = True) -> None:
        """Finish the file; ``complete=False`` leaves ``FILE.part`` for a resume."""
        self.stream.close()  # ends the gzip member; GzipFile leaves our file open
        self._raw.close()
        if complete:
            os.replace(self.part, self.path)
NAME_MAX = 255  # bytes in one file name on the usual file systems
PATH_MAX = 4000  # bytes in a whole path, with room to spare under Linux's 4096


def _text(part: str) -> str:
    """A name as printable, valid UTF-8 text: bytes that are not UTF-8 become ``\\xNN``."""
    try:
        raw = part.encode("utf-8", "surrogateescape")  # names from os.* (undecodable bytes)
    except UnicodeEncodeError:
        raw = part.encode("utf-8", "surrogatepass")  # lone surrogates from anywhere else
    text = raw.decode("utf-8", "backslashreplace")
    return "".join("_" if ch in "\n\r\x00" or ord(ch) < 32 or ord(ch) == 127 else ch
                   for ch in text)


def _digest(relpath: str) -> str:
    return hashlib.sha256(relpath.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _fit(name: str, suffix: str, relpath: str) -> str:
    """``name + suffix`` within NAME_MAX bytes; a longer name is cut and tagged with a hash."""
    if len((name + suffix).encode("utf-8")) <= NAME_MAX:
        return name + suffix
    tag = "-" + _digest(relpath) + suffix
    keep = name.encode("utf-8")[: NAME_MAX - len(tag.encode("utf-8")) - 40]
    return keep.decode("utf-8", "ignore") + tag


def flat_target(root: Path, relpath: str, suffix: str = ".json") -> Path:
    """A single file name right under ``root`` for ``relpath``, unique by its hash."""
    parts = [_text(p) for p in relpath.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    name = "_".join(parts)[:100] or "input"
    return root / f"{name}-{_digest(relpath)}{suffix}"


def safe_target(root: Path, relpath: str, suffix: str = ".json") -> Path:
    """``root/relpath + suffix``, made safe: never outside ``root``, whatever ``relpath`` is.

    ``..``, absolute paths, control characters and undecodable bytes are neutralised,
    and a name so changed is tagged with a hash of ``relpath`` so that it cannot meet
    another input's output;
    a name too long for the file system is shortened and tagged with a hash of the
    whole ``relpath`` (so distinct long names stay distinct); a path too long, or one
    that would leave ``root`` through a symlink, becomes one flat name under ``root``.
    """
    parts = [p for p in relpath.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    clean = [_text(p) for p in parts] or ["input"]
    if clean != parts or "/".join(parts) != relpath:
        # Neutralising changed the name, so two inputs could meet here ("a\nb" and
        # "a_b"): tag it with a hash of the name as given, so neither output is lost.
        clean[-1] = f"{clean[-1]}-{_digest(relpath)}"
    names = [_fit(c, "", relpath) for c in clean[:-1]] + [_fit(clean[-1], suffix, relpath)]
    target = root.joinpath(*names)
    if len(str(target).encode("utf-8")) > PATH_MAX:
        return flat_target(root, relpath, suffix)
    if root.resolve() not in target.resolve().parents:
        return flat_target(root, relpath, suffix)
    return target


class DirWriter:
    """``root/<relpath>.json`` for each input, written atomically (temp file, rename)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def write(self, record: dict[str, Any], relpath: str) -> None:
        text = dumps_indented(record) + "\n"
        try:
            self._write(safe_target(self.root, relpath), text)
        except (NotADirectoryError, IsADirectoryError, FileExistsError, FileNotFoundError):
            # A file stands where a folder should (inputs "a.json" and "a.json/b"), or
            # the reverse: write this one under a flat, hashed name instead.
            self._write(flat_target(self.root, relpath), text)

    def _write(self, target: Path, text: str) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".part")
        try:
            os.fchmod(fd, _file_mode())
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, target)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def up_to_date(self, relpath: str, mtime_ns: int) -> bool:
        """The output for ``relpath`` exists and is not older than its input."""
        try:
            return safe_target(self.root, relpath).stat().st_mtime_ns >= mtime_ns
        except OSError:
            return False

    def close(self, complete: bool = True) -> None:
        pass
