"""Bytes to text: BOM, declared charset, UTF-8 check, then statistical detection."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from cleanpipe.document import Document, StageError
from cleanpipe.stages.base import Stage

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Formats that are certainly not a page: name them in the error.
_MAGIC = (
    (b"%PDF-", "PDF document"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"\x1f\x8b", "gzip data"),
    (b"PK\x03\x04", "zip archive"),
    (b"\x7fELF", "ELF executable"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"\x28\xb5\x2f\xfd", "zstd data"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"wOFF", "web font"),
    (b"wOF2", "web font"),
)
# Bytes that do not occur in text: C0 controls other than tab, newlines, form feed, ESC.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27))
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]{1,40})""", re.IGNORECASE
)
_XML_PROLOG = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([a-zA-Z0-9_.\-]{1,40})""")
# Browsers read these labels as windows-1252 (WHATWG Encoding Standard); so do we.
_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252",
            "iso8859-1": "cp1252", "latin1": "cp1252"}


@dataclass(frozen=True)
class DecodeSettings:
    """How bytes become text.

    sniff_bytes: how many leading bytes to search for a declared charset.
    trust_declared: use the charset a page declares when its bytes decode cleanly with it.
    prefer_utf8: bytes that are valid UTF-8 with non-ASCII characters are read as UTF-8,
        whatever the page declares (a page declaring latin-1 but holding UTF-8 is common;
        the reverse decodes with errors and is caught anyway).
    detect: guess the charset with charset-normalizer when nothing else settles it.
    fallback_encoding: last resort; undecodable bytes become U+FFFD, never a crash.
    reject_binary: give an error record for images, PDFs, archives and other binaries.
    max_control_ratio: above this share of control characters the input is binary.
    """

    sniff_bytes: int = field(default=4096, metadata={"min": 64, "max": 1 << 20})
    trust_declared: bool = True
    prefer_utf8: bool = True
    detect: bool = True
    fallback_encoding: str = "cp1252"
    reject_binary: bool = True
    max_control_ratio: float = field(default=0.05, metadata={"min": 0.0, "max": 1.0})

    def check(self) -> list[str]:
        try:
            codec = codecs.lookup(self.fallback_encoding)
        except LookupError:
            return [f"key 'fallback_encoding': unknown encoding '{self.fallback_encoding}'"]
        if not getattr(codec, "_is_text_encoding", True):
            return [f"key 'fallback_encoding': '{self.fallback_encoding}' is not a text "
                    "encoding"]
        return []


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    method: str  # bom, utf-8, declared, detected, fallback, str
    declared: str | None = None


# Python codecs that are not page charsets: transforms, escapes, and UTF-7 (which
# browsers refuse because it smuggles markup past filters).
_NOT_CHARSETS = {"punycode", "idna", "unicode-escape", "raw-unicode-escape", "undefined",
                 "mbcs", "oem", "utf-7", "palmos", "unicode-internal"}


def _canonical(label: str) -> str | None:
    """The Python codec for a charset label, or ``None`` if it names no text charset."""
    label = label.strip().lower()
    label = _ALIASES.get(label, label)
    try:
        codec = codecs.lookup(label)
    except LookupError:
        return None
    name = codec.name
    if not getattr(codec, "_is_text_encoding", True) or name.replace("_", "-") in _NOT_CHARSETS:
        return None
    return _ALIASES.get(name, name)


def declared_charset(head: bytes) -> str | None:
    """The charset named by an XML prolog or an HTML ``<meta>``, canonicalised."""
    m = _XML_PROLOG.match(head) or _META_CHARSET.search(head)
    return _canonical(m.group(1).decode("ascii", "replace")) if m else None


def _utf16_without_bom(sample: bytes) -> str | None:
    """Spot UTF-16 text without a BOM from where its NUL bytes fall."""
    if len(sample) < 8:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def binary_kind(data: bytes, settings: DecodeSettings) -> str | None:
    """Name the binary format of ``data``, or ``None`` if it may be text."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    sample = data[:8192]
    if any(sample.startswith(bom) for bom, _ in _BOMS) or _utf16_without_bom(sample):
        return None
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if sample and controls / len(sample) > settings.max_control_ratio:
        return "binary data"
    return None


def decode_bytes(data: bytes, settings: DecodeSettings | None = None) -> Decoded:
    """Decode page bytes; raise :class:`StageError` for empty or binary input."""
    settings = settings or DecodeSettings()
    if not data.strip():
        raise StageError("empty input" if not data else "input holds only white space")
    if settings.reject_binary:
        kind = binary_kind(data, settings)
        if kind:
            raise StageError(f"binary input ({kind}), not a web page or text")
    for bom, name in _BOMS:
        if data.startswith(bom):
            return Decoded(data[len(bom):].decode(name, errors="replace"), name, "bom")
    utf16 = _utf16_without_bom(data[:4096])
    if utf16:
        return Decoded(data.decode(utf16, errors="replace"), utf16, "utf-16-sniffed")
    head = data[: settings.sniff_bytes]
    declared = declared_charset(head) if settings.trust_declared else None
    if settings.prefer_utf8 or declared in (None, "utf-8"):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            if declared in (None, "utf-8") or not text.isascii():
                return Decoded(text, "utf-8", "utf-8", declared)
    if declared and declared not in ("utf-8", "utf-16-le", "utf-16-be", "utf-16"):
        try:
            return Decoded(data.decode(declared), declared, "declared", declared)
        except (UnicodeError, LookupError):
            pass
    if settings.detect:
        from charset_normalizer import from_bytes

        best = from_bytes(data[: 1 << 20]).best()
        if best is not None and best.encoding:
            name = _canonical(best.encoding) or best.encoding
            return Decoded(data.decode(name, errors="replace"), name, "detected", declared)
    name = settings.fallback_encoding
    return Decoded(data.decode(name, errors="replace"), name, "fallback", declared)


class Decode(Stage):
    """Turn ``doc.raw`` into ``doc.text``; record the encoding and how it was chosen."""

    name = "decode"
    Settings = DecodeSettings
    preload = ("charset_normalizer",)

    def __call__(self, doc: Document) -> Document:
        if doc.raw is None:
            if not doc.text.strip():
                raise StageError("empty input")
            doc.metadata.setdefault("encoding", None)
            return doc
        result = decode_bytes(doc.raw, self.settings)
        doc.text = result.text
        doc.metadata["encoding"] = result.encoding
        doc.metadata["encoding_method"] = result.method
        if result.declared and result.declared != result.encoding:
            doc.metadata["declared_encoding"] = result.declared
            doc.log(self.name, "charset", "decode",
                    f"page declares {result.declared}, bytes read as {result.encoding}")
        return doc
