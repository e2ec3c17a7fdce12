"""Walk files, folders and stdin, yielding each input's bytes or the reason it failed.

An input is a page file (optionally gzip-compressed), one record of a JSON Lines file,
or one HTML response of a WARC file. Everything is streamed: one input at a time is
held in memory, and each is bounded by the limits.
"""

from __future__ import annotations

import fnmatch
import json
import os
import stat
import sys
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from cleanpipe.config.limits import Limits

FORMATS = ("auto", "raw", "jsonl", "warc")
_JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
_WARC_SUFFIXES = (".warc", ".warc.gz")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 16

#: ``skip(source, relpath, mtime_ns)`` says an input's output is already up to date.
SkipFn = Callable[[str, str, int], bool]


@dataclass(frozen=True)
class RawInput:
    """One input: its bytes (or text, from JSON Lines), or an error saying why it failed.

    ``source`` is what the record shows (the path as given, ``-``, or ``path#id`` for a
    record inside a JSON Lines or WARC file); ``relpath`` is where its output goes under
    ``-o DIR``; ``metadata`` seeds the document (``url``); ``extra`` are JSON Lines
    fields passed through to the output record.
    """

    source: str
    relpath: str
    data: bytes | str | None = None
    error: str | None = None
    error_type: str | None = None
    metadata: dict[str, Any] | None = None
    extra: dict[str, Any] | None = None


@dataclass(frozen=True)
class ReadOptions:
    """How to find and read inputs.

    input_format: ``auto`` (by name: ``.jsonl``/``.ndjson`` and ``.warc`` with optional
        ``.gz``; anything else is one page, gunzipped when it is gzip), or force one.
    include, exclude: globs matched against a walked file's path relative to the folder
        given, and against its name; exclude wins.
    html_field, text_field, url_field, id_field: the JSON Lines keys holding the page's
        HTML, its text (used when there is no HTML), its URL and its id.
    max_input_bytes, max_decompressed_bytes: from the rules' ``limits``.
    """

    input_format: str = "auto"
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    html_field: str = "html"
    text_field: str = "text"
    url_field: str = "url"
    id_field: str = "id"
    max_input_bytes: int = Limits.max_input_bytes
    max_decompressed_bytes: int = Limits.max_decompressed_bytes

    @classmethod
    def from_limits(cls, limits: Limits, **kwargs: Any) -> ReadOptions:
        return cls(max_input_bytes=limits.max_input_bytes,
                   max_decompressed_bytes=limits.max_decompressed_bytes, **kwargs)


class InputError(Exception):
    """An input cannot be read; ``kind`` becomes the error record's ``type``."""

    def __init__(self, message: str, kind: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind


def _display(path: str) -> str:
    """A path as text, with undecodable bytes escaped rather than crashing json."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def read_bounded(stream: BinaryIO, limit: int, head: bytes = b"") -> bytes:
    """``head`` and the rest of ``stream``, or its first ``limit + 1`` bytes when it is
    longer (which the caller refuses).

    Read in pieces: one ``read(limit + 1)`` allocates the whole limit (64 MiB by
    default) before it shrinks to what was there, which cost a 15 KB file ~80 µs
    instead of ~20.
    """
    parts = [head]
    left = limit + 1 - len(head)
    while left > 0:
        chunk = stream.read(min(left, _CHUNK))
        if not chunk:
            break
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def gunzip_bounded(stream: BinaryIO, limit: int, head: bytes = b"") -> bytes:
    """Decompress a (multi-member) gzip stream, refusing to expand past ``limit`` bytes.

    A bomb raises :class:`InputError` as soon as the output passes the limit, having
    held at most ``limit`` bytes; a truncated or corrupt stream raises it too.
    """
    out = bytearray()
    inflater = zlib.decompressobj(wbits=31)
    fed = False
    pending = head
    while True:
        chunk = pending or stream.read(_CHUNK)
        pending = b""
        if not chunk:
            break
        fed = True
        while chunk:
            try:
                piece = inflater.decompress(chunk, limit - len(out) + 1)
            except zlib.error as exc:
                raise InputError(f"corrupt gzip data: {exc}", "CorruptInput") from exc
            out += piece
            if len(out) > limit:
                raise InputError(f"gzip data expands past limits.max_decompressed_bytes "
                                 f"({limit})", "LimitExceeded")
            if inflater.eof:
                rest = inflater.unused_data
                if not rest.strip(b"\x00"):
                    chunk = b""
                    fed = False  # a complete member; padding after it is fine
                    inflater = zlib.decompressobj(wbits=31)
                    continue
                inflater = zlib.decompressobj(wbits=31)
                chunk = rest
            else:
                chunk = inflater.unconsumed_tail
    if fed and not inflater.eof:
        raise InputError("truncated gzip data (the file ends mid-stream)", "CorruptInput")
    return bytes(out)


def _format_of(path: str, forced: str) -> str:
    if forced != "auto":
        return forced
    name = path.lower()
    if name.endswith(_JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(_WARC_SUFFIXES):
        return "warc"
    return "raw"


def _error(source: str, relpath: str, exc: InputError | OSError) -> RawInput:
    if isinstance(exc, InputError):
        return RawInput(source, relpath, error=str(exc), error_type=exc.kind)
    return RawInput(source, relpath, error=f"cannot read: {exc.strerror or exc}")


class Reader:
    """Turn paths into a stream of :class:`RawInput`, counting what it skipped.

    ``skip`` is asked before an input is read; when it says the output is up to date,
    the input is counted under ``counters['up_to_date']`` and not yielded.
    ``counters`` also holds WARC records that are not HTML responses, by kind.
    """

    def __init__(self, options: ReadOptions | None = None, *, skip: SkipFn | None = None,
                 stdin: BinaryIO | None = None) -> None:
        self.options = options or ReadOptions()
        self.skip = skip
        self.stdin = stdin
        self.counters: Counter[str] = Counter()

    def __call__(self, paths: Iterable[str]) -> Iterator[RawInput]:
        for path in paths:
            if path == "-":
                stream = self.stdin if self.stdin is not None else sys.stdin.buffer
                yield from self._stream("-", "stdin", stream, None,
                                        "jsonl" if self.options.input_format == "jsonl"
                                        else self.options.input_format, stdin=True)
            elif os.path.isdir(path):
                yield from self._walk(path)
            elif os.path.lexists(path):
                yield from self._file(path, os.path.basename(path))
            else:
                yield RawInput(_display(path), Path(path).name or "input",
                               error="no such file or folder")

    # -- finding files -------------------------------------------------------------
    def _selected(self, relpath: str) -> bool:
        name = os.path.basename(relpath)
        opts = self.options

        def hit(patterns: tuple[str, ...]) -> bool:
            return any(fnmatch.fnmatchcase(relpath, p) or fnmatch.fnmatchcase(name, p)
                       for p in patterns)

        if opts.include and not hit(opts.include):
            return False
        return not (opts.exclude and hit(opts.exclude))

    def _walk(self, root: str) -> Iterator[RawInput]:
        errors: list[OSError] = []
        for folder, dirs, files in os.walk(root, onerror=errors.append, followlinks=False):
            while errors:
                exc = errors.pop()
                where = exc.filename if isinstance(exc.filename, str) else folder
                rel = os.path.relpath(where, root)
                yield RawInput(_display(where), rel,
                               error=f"cannot read folder: {exc.strerror}")
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, root)
                if self._selected(rel):
                    yield from self._file(path, rel)
        while errors:
            exc = errors.pop()
            where = exc.filename if isinstance(exc.filename, str) else root
            yield RawInput(_display(where), os.path.basename(where) or "input",
                           error=f"cannot read folder: {exc.strerror}")

    # -- reading one file ----------------------------------------------------------
    def _file(self, path: str, relpath: str) -> Iterator[RawInput]:
        """A regular file's inputs; a FIFO or device is refused (reading one can block)."""
        source = _display(path)
        fmt = _format_of(path, self.options.input_format)
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError as exc:
            yield _error(source, relpath, exc)
            return
        try:
            info = os.fstat(fd)
        except OSError as exc:
            os.close(fd)
            yield _error(source, relpath, exc)
            return
        if not stat.S_ISREG(info.st_mode):
            os.close(fd)
            mode = info.st_mode
            kind = "folder" if stat.S_ISDIR(mode) else "FIFO" if stat.S_ISFIFO(mode) else (
                "socket" if stat.S_ISSOCK(mode) else "device")
            yield RawInput(source, relpath, error=f"not a regular file ({kind})")
            return
        with os.fdopen(fd, "rb") as fh:
            yield from self._stream(source, relpath, fh, info.st_mtime_ns, fmt)

    def _stream(self, source: str, relpath: str, fh: BinaryIO, mtime: int | None,
                fmt: str, stdin: bool = False) -> Iterator[RawInput]:
        if fmt == "jsonl":
            yield from self._jsonl(source, relpath, fh, mtime)
        elif fmt == "warc":
            yield from self._warc(source, relpath, fh, mtime)
        else:
            if not stdin and self._skipped(source, relpath, mtime):
                return
            yield self._raw(source, relpath, fh)

    def _skipped(self, source: str, relpath: str, mtime: int | None) -> bool:
        if self.skip is not None and self.skip(source, relpath, mtime or 0):
            self.counters["up_to_date"] += 1
            return True
        return False

    def _raw(self, source: str, relpath: str, fh: BinaryIO) -> RawInput:
        limit = self.options.max_input_bytes
        try:
            head = fh.read(2)
            if head == _GZIP_MAGIC:
                data = gunzip_bounded(fh, self.options.max_decompressed_bytes, head)
            else:
                data = read_bounded(fh, limit, head)
                if len(data) > limit:
                    raise InputError(f"input is over limits.max_input_bytes ({limit})",
                                     "LimitExceeded")
        except (InputError, OSError) as exc:
            return _error(source, relpath, exc)
        return RawInput(source, relpath, data=data)

    # -- JSON Lines ----------------------------------------------------------------
    def _lines(self, fh: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
        """Numbered lines; ``None`` for a line over the size limit (skipped whole)."""
        limit = self.options.max_input_bytes
        number = 0
        while True:
            line = fh.readline(limit + 1)
            if not line:
                return
            number += 1
            if len(line) > limit and not line.endswith(b"\n"):
                while line and not line.endswith(b"\n"):
                    line = fh.readline(_CHUNK)
                yield number, None
                continue
            yield number, line

    def _jsonl(self, source: str, relpath: str, fh: BinaryIO,
               mtime: int | None) -> Iterator[RawInput]:
        import gzip

        opts = self.options
        stream: BinaryIO = fh
        head = fh.peek(2)[:2] if hasattr(fh, "peek") else b""
        if source.lower().endswith(".gz") or head == _GZIP_MAGIC:
            stream = gzip.GzipFile(fileobj=fh, mode="rb")  # type: ignore[assignment]
        try:
            for number, line in self._lines(stream):
                if line is not None and not line.strip():
                    continue
                where, rel = f"{source}#{number}", f"{relpath}/{number}"
                if line is None:
                    yield RawInput(where, rel, error=f"line over limits.max_input_bytes "
                                   f"({opts.max_input_bytes})", error_type="LimitExceeded")
                    continue
                try:
                    obj = json.loads(line)
                except ValueError as exc:
                    yield RawInput(where, rel, error=f"invalid JSON: {exc}",
                                   error_type="CorruptInput")
                    continue
                if not isinstance(obj, dict):
                    yield RawInput(where, rel, error="a JSON Lines record must be an object",
                                   error_type="CorruptInput")
                    continue
                ident = obj.get(opts.id_field)
                if ident is not None and ident != "":
                    where, rel = f"{source}#{ident}", f"{relpath}/{ident}"
                if self._skipped(where, rel, mtime):
                    continue
                yield self._record(where, rel, obj)
        except (OSError, EOFError, zlib.error) as exc:
            yield RawInput(f"{source}#end", f"{relpath}/end",
                           error=f"cannot read the rest of the file: {exc}",
                           error_type="CorruptInput")

    def _record(self, source: str, relpath: str, obj: dict[str, Any]) -> RawInput:
        opts = self.options
        data = obj.get(opts.html_field)
        if not isinstance(data, str) or not data:
            data = obj.get(opts.text_field)
        if not isinstance(data, str):
            return RawInput(source, relpath, error=f"no '{opts.html_field}' or "
                            f"'{opts.text_field}' string in the record",
                            error_type="CorruptInput")
        url = obj.get(opts.url_field)
        extra = {k: v for k, v in obj.items()
                 if k not in (opts.html_field, opts.text_field, opts.url_field)}
        return RawInput(source, relpath, data=data,
                        metadata={"url": url} if isinstance(url, str) and url else None,
                        extra=extra or None)

    # -- WARC ----------------------------------------------------------------------
    def _warc(self, source: str, relpath: str, fh: BinaryIO,
              mtime: int | None) -> Iterator[RawInput]:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed

        limit = self.options.max_input_bytes
        records = ArchiveIterator(fh)
        offset = 0
        try:
            for rec in records:
                offset = records.offset  # where this record starts (no read)
                if rec.rec_type != "response":
                    self.counters[f"warc_{rec.rec_type}"] += 1
                    continue
                ctype = rec.http_headers.get_header("Content-Type") if rec.http_headers else None
                if not ctype or ctype.split(";")[0].strip().lower() not in _HTML_TYPES:
                    self.counters["warc_response_not_html"] += 1
                    continue
                rid = (rec.rec_headers.get_header("WARC-Record-ID") or "").strip("<>")
                ident = rid or f"@{offset}"
                where, rel = f"{source}#{ident}", f"{relpath}/{ident.replace(':', '_')}"
                if self._skipped(where, rel, mtime):
                    continue
                url = rec.rec_headers.get_header("WARC-Target-URI")
                data = rec.content_stream().read(limit + 1)
                if len(data) > limit:
                    yield RawInput(where, rel, error=f"response over limits.max_input_bytes "
                                   f"({limit})", error_type="LimitExceeded")
                    continue
                yield RawInput(where, rel, data=data, metadata={"url": url} if url else None)
        except (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError,
                AttributeError, TypeError) as exc:  # warcio's own bugs on malformed input
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            yield RawInput(f"{source}#@{offset}", f"{relpath}/@{offset}",
                           error=f"cannot read WARC: {message}", error_type="CorruptInput")


def iter_inputs(paths: Iterable[str], stdin: BinaryIO | None = None,
                options: ReadOptions | None = None) -> Iterator[RawInput]:
    """Every input named by ``paths`` (``-`` is stdin; folders are walked, sorted)."""
    return Reader(options, stdin=stdin)(paths)


def count_inputs(paths: Iterable[str], options: ReadOptions | None = None) -> int | None:
    """How many inputs ``paths`` hold, from names alone; None when it cannot tell
    without reading (stdin, JSON Lines and WARC files hold many)."""
    opts = options or ReadOptions()
    reader = Reader(opts)
    total = 0
    for path in paths:
        if path == "-":
            return None
        if os.path.isdir(path):
            for folder, _dirs, files in os.walk(path):
                for name in files:
                    rel = os.path.relpath(os.path.join(folder, name), path)
                    if reader._selected(rel):
                        if _format_of(name, opts.input_format) != "raw":
                            return None
                        total += 1
        elif _format_of(path, opts.input_format) != "raw":
            return None
        else:
            total += 1
    return total
