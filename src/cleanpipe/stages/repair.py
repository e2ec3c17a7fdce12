"""Mojibake and other encoding damage, repaired by ftfy on the extracted text.

This runs after extraction rather than on the raw page: ftfy over a whole HTML page
costs several times what the extraction does, and only the text we keep matters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cleanpipe.document import Document
from cleanpipe.stages.base import Stage

# What ftfy could change, found in fast scans so clean text skips ftfy entirely: control
# and C1 characters, odd line breaks, surrogates, HTML entities, and the two-character
# shapes that mojibake leaves (a UTF-8 lead byte read as Latin-1/cp1252 or cp1251,
# followed by a continuation byte read the same way). Each scan is a single pattern
# that starts with a character class, which the re engine searches for at C speed.
_SUSPECT_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\r\u2028\u2029"
                            "\ud800-\udfff]")
_ENTITY = re.compile("&(?:#\\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
_MOJIBAKE_PAIR = re.compile(
    "[\u00c2-\u00f4\u0420\u0421][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178"
    "\u017d\u017e\u0192\u02c6\u02dc\u0400-\u040f\u0450-\u045f\u0490\u0491"
    "\u2013-\u2022\u2026\u2030\u2039\u203a\u20ac\u2116\u2122]"
)


# A character a mojibake pair starts with: in a text that needs repair, a line holding one
# goes to ftfy too, which also mends a pair whose second byte was lost ("Ã " for "à").
_MOJIBAKE_LEAD = re.compile("[\u00c2-\u00f4\u0420\u0421]")


# The same questions asked of a text's UTF-8 bytes, which answer them faster than the
# character scans: a byte below 0x80 is the ASCII character itself, a character's
# encoding starts with a byte that no other character's encoding holds inside it, and a
# lone surrogate does not encode at all.
_ASCII_SUSPECTS = bytes(b for b in range(0x80) if _SUSPECT_CHARS.match(chr(b)))
_NOT_ASCII_SUSPECTS = bytes(b for b in range(0x100) if b not in _ASCII_SUSPECTS)
_C1_UTF8 = re.compile(b"\xc2[\x80-\x9f]")  # U+0080..U+009F
_LINE_SEPARATORS_UTF8 = ("\u2028".encode(), "\u2029".encode())
# a mojibake pair starts with U+00C2..U+00F4 (UTF-8 C3 82..C3 B4), or U+0420 or U+0421
_MOJIBAKE_LEADS_UTF8 = (b"\xc3", "\u0420".encode(), "\u0421".encode())


def needs_repair(text: str, entities: bool = True) -> bool:
    """True when ``text`` holds anything ftfy might fix; clean text is skipped.

    ``entities``: ftfy would decode HTML entities (with ``unescape_html: auto`` it does
    not in a text that holds a ``<``); if not, an entity is nothing to fix.
    """
    if entities and "&" in text and _ENTITY.search(text):
        return True
    if text.isascii():
        return _SUSPECT_CHARS.search(text) is not None
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates
        return True
    if (data.translate(None, _NOT_ASCII_SUSPECTS) or _C1_UTF8.search(data)
            or any(sep in data for sep in _LINE_SEPARATORS_UTF8)):
        return True
    return (any(lead in data for lead in _MOJIBAKE_LEADS_UTF8)
            and _MOJIBAKE_PAIR.search(text) is not None)


@dataclass(frozen=True)
class RepairSettings:
    """ftfy's options (see ``ftfy.TextFixerConfig``); the defaults repair, not restyle.

    fix_encoding: undo mojibake (UTF-8 read as windows-1252 and the like).
    restore_byte_a0 / replace_lossy_sequences / decode_inconsistent_utf8: finer
        mojibake repairs, as in ftfy.
    fix_c1_controls: C1 control characters become the windows-1252 characters meant.
    unescape_html: ``auto`` decodes HTML entities left in text, unless it looks like HTML.
    fix_latin_ligatures / fix_character_width / uncurl_quotes: restyling, off by default
        (curly quotes carry evidence for the translation stage).
    fix_line_breaks / remove_terminal_escapes / remove_control_chars: clean-up.
    precheck: skip ftfy on text with none of the characters it could fix (one fast scan;
        switch off only to let ftfy judge every text itself, at several ms a page).
    max_chars: ftfy's ``max_decode_length``: the text is repaired in runs of whole lines
        of at most this many characters, and a longer line is not re-decoded, which
        bounds the time spent on one huge line.
    """

    enabled: bool = True
    precheck: bool = True
    fix_encoding: bool = True
    restore_byte_a0: bool = True
    replace_lossy_sequences: bool = True
    decode_inconsistent_utf8: bool = True
    fix_c1_controls: bool = True
    unescape_html: str = "auto"
    fix_latin_ligatures: bool = False
    fix_character_width: bool = False
    uncurl_quotes: bool = False
    fix_line_breaks: bool = True
    remove_terminal_escapes: bool = True
    remove_control_chars: bool = True
    max_chars: int = field(default=1_000_000, metadata={"min": 1, "max": 10_000_000})

    def check(self) -> list[str]:
        if self.unescape_html not in ("auto", "yes", "no"):
            return [f"key 'unescape_html': '{self.unescape_html}' is not one of auto, yes, no"]
        return []


def segments(text: str, max_chars: int) -> list[str]:
    """Whole lines grouped into runs of at most ``max_chars``; a longer line stands alone."""
    if len(text) <= max_chars:
        return [text] if text else []
    out: list[str] = []
    start = pos = 0
    while pos < len(text):
        end = text.find("\n", pos) + 1 or len(text)
        if end - start > max_chars and pos > start:
            out.append(text[start:pos])
            start = pos
        pos = end
    if start < len(text):
        out.append(text[start:])
    return out


def repair_text(text: str, settings: RepairSettings) -> tuple[str, list[str]]:
    """Return the repaired text and the names of the ftfy fixes that changed it.

    With ``precheck``, only the lines that hold something ftfy could fix (or a character
    a mojibake pair starts with) go to ftfy, joined into one text so that they are still
    one another's context; the other lines cannot change. A dump with one ``&amp;`` or
    one mojibake word costs a few lines of ftfy, not the whole page (~16 ms).

    ftfy's ``fix_and_explain`` takes its text as one segment whatever its length, so
    the text is cut at line breaks into segments of at most ``max_chars``; a single
    line longer than that gets the cheap fixes but is not re-decoded (mojibake
    detection costs seconds per million characters).
    """
    if not settings.enabled or not text:
        return text, []
    unescape: bool | str = "auto"
    if settings.unescape_html != "auto":
        unescape = settings.unescape_html == "yes"
    elif "<" in text:
        unescape = False  # decided once for the whole text, as ftfy would for one segment
    entities = unescape is not False
    if settings.precheck and not needs_repair(text, entities):
        return text, []
    import ftfy

    config = ftfy.TextFixerConfig(
        unescape_html=unescape,
        remove_terminal_escapes=settings.remove_terminal_escapes,
        fix_encoding=settings.fix_encoding,
        restore_byte_a0=settings.restore_byte_a0,
        replace_lossy_sequences=settings.replace_lossy_sequences,
        decode_inconsistent_utf8=settings.decode_inconsistent_utf8,
        fix_c1_controls=settings.fix_c1_controls,
        fix_latin_ligatures=settings.fix_latin_ligatures,
        fix_character_width=settings.fix_character_width,
        uncurl_quotes=settings.uncurl_quotes,
        fix_line_breaks=settings.fix_line_breaks,
        fix_surrogates=True,
        remove_control_chars=settings.remove_control_chars,
        normalization=None,
        max_decode_length=settings.max_chars,
        explain=True,
    )
    no_decode = config._replace(fix_encoding=False)

    def fix(text: str) -> tuple[str, set[str]]:
        parts: list[str] = []
        found: set[str] = set()
        for segment in segments(text, settings.max_chars):
            fixed, steps = ftfy.fix_and_explain(
                segment, config=config if len(segment) <= settings.max_chars else no_decode)
            if fixed != segment:
                found.update(name for _kind, name in (steps or []))
            parts.append(fixed)
        return "".join(parts), found

    fixed_text: str | None = None
    names: set[str] = set()
    if settings.precheck:
        # When the repair changes how many lines they are (a line break fixed), the
        # lines cannot be put back one for one: then the whole text goes to ftfy.
        lines = text.split("\n")
        suspects = [i for i, line in enumerate(lines)
                    if line and (needs_repair(line, entities) or _MOJIBAKE_LEAD.search(line))]
        if len(suspects) < len(lines):
            fixed, names = fix("\n".join([lines[i] for i in suspects]))
            repaired = fixed.split("\n")
            if len(repaired) == len(suspects):
                for i, line in zip(suspects, repaired, strict=True):
                    lines[i] = line
                fixed_text = "\n".join(lines)
    if fixed_text is None:
        fixed_text, names = fix(text)
    return fixed_text, sorted(names) if fixed_text != text else []


class Repair(Stage):
    """Repair ``doc.text`` and the title with ftfy; log which fixes applied."""

    name = "repair"
    Settings = RepairSettings
    preload = ("ftfy",)

    def __call__(self, doc: Document) -> Document:
        fixed, names = repair_text(doc.text, self.settings)
        if names:
            doc.log(self.name, "ftfy", "rewrite", ", ".join(names))
        doc.text = fixed
        title = doc.metadata.get("title")
        if isinstance(title, str):
            doc.metadata["title"], _ = repair_text(title, self.settings)
        return doc
