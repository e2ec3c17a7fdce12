"""Unicode and white-space normalisation that keeps paragraph breaks."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from cleanpipe.document import Document
from cleanpipe.stages.base import Stage

# U+00A0 and its narrow/figure cousins, plus the other space characters of Zs.
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_RUNS = re.compile(r"  +")  # (two literal spaces first: re then searches for the pair)
_BLANKS = re.compile(r"\n(?:[ \t]*\n){2,}")


@functools.lru_cache(maxsize=8)
def _zero_width(chars: str) -> re.Pattern[str]:
    return re.compile("[" + re.escape(chars) + "]")


@dataclass(frozen=True)
class NormalizeSettings:
    """Each switch turns one clean-up on or off.

    unicode_form: ``NFC`` (default), ``NFKC``, ``NFD``, ``NFKD`` or ``none``.
    spaces: NBSP, narrow/figure spaces, tabs and the like become a plain space.
    zero_width: characters deleted outright (default: zero-width space, word joiner,
        BOM, soft hyphen). ZWJ/ZWNJ are kept: they matter in emoji and several scripts.
    collapse_spaces: runs of spaces become one; lines are stripped at both ends.
    collapse_blank_lines: several blank lines become one (a paragraph break).
    line_breaks: CRLF, CR, U+2028/2029 and NEL become ``\\n``.
    """

    unicode_form: str = "NFC"
    spaces: bool = True
    zero_width: str = "\u200b\u2060\ufeff\u00ad"
    collapse_spaces: bool = True
    collapse_blank_lines: bool = True
    line_breaks: bool = True

    def check(self) -> list[str]:
        if self.unicode_form not in ("NFC", "NFKC", "NFD", "NFKD", "none"):
            return [f"key 'unicode_form': '{self.unicode_form}' is not one of NFC, NFKC, NFD,"
                    " NFKD, none"]
        return []


def normalize_text(text: str, settings: NormalizeSettings) -> tuple[str, list[tuple[str, int]]]:
    """Return the normalised text and ``(rule, characters changed)`` for each rule that fired."""
    changes: list[tuple[str, int]] = []

    def apply(rule: str, new: str, count: int) -> None:
        nonlocal text
        if count:
            changes.append((rule, count))
        text = new

    # Each pattern below is only run when the text may hold what it replaces: scanning
    # for a character class costs more than asking whether the characters are there.
    ascii_text = text.isascii()
    if settings.line_breaks and ("\r" in text or not ascii_text and (
            "\u2028" in text or "\u2029" in text or "\x85" in text)):
        new, n = _LINE_BREAKS.subn("\n", text)
        apply("line-breaks", new, n)
    if settings.unicode_form != "none" and not unicodedata.is_normalized(
        settings.unicode_form, text  # type: ignore[arg-type]
    ):
        new = unicodedata.normalize(settings.unicode_form, text)  # type: ignore[arg-type]
        apply(f"unicode-{settings.unicode_form.lower()}", new, abs(len(text) - len(new)) or 1)
    if settings.zero_width and any(ch in text for ch in settings.zero_width):
        new, n = _zero_width(settings.zero_width).subn("", text)
        apply("zero-width", new, n)
    if settings.spaces and (not text.isascii() or "\t" in text or "\f" in text
                            or "\v" in text):
        new, n = _SPACES.subn(" ", text)
        apply("spaces", new, n)
    if settings.collapse_spaces:
        new, n = _RUNS.subn(" ", text) if "  " in text else (text, 0)
        trimmed = "\n".join([ln.strip(" ") for ln in new.split("\n")])
        n += len(new) - len(trimmed)  # the spaces stripped from the ends of lines
        apply("collapse-spaces", trimmed, n)
    if settings.collapse_blank_lines:
        new, n = _BLANKS.subn("\n\n", text)
        stripped = new.strip("\n")
        apply("blank-lines", stripped, n + (len(new) - len(stripped) > 0))
    return text, changes


class Normalize(Stage):
    """Normalise ``doc.text`` and note what changed."""

    name = "normalize"
    Settings = NormalizeSettings

    def __call__(self, doc: Document) -> Document:
        doc.text, changes = normalize_text(doc.text, self.settings)
        for rule, count in changes:
            doc.log(self.name, rule, "rewrite", f"{count} characters")
        title = doc.metadata.get("title")
        if isinstance(title, str):
            doc.metadata["title"], _ = normalize_text(title, self.settings)
        return doc
