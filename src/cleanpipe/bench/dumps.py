"""Text dumps made from HTML by the benchmark's recipe, and the C4-style line filter.

The recipe is fixed (``shared/bench/README.md``) so that text-path figures compare
across tools: change it and every dump figure changes with it.
"""

from __future__ import annotations

import re

#: Elements whose text a reader never sees; removed before the text is taken.
INVISIBLE_TAGS = ("script", "style", "noscript", "template", "svg")

_SPACE = re.compile(r"\s+")


def make_dump(html: bytes | str) -> str:
    """All visible text of a page, block by block, as a scraper's text dump would hold it.

    BeautifulSoup with lxml parses the page (bytes are decoded by BeautifulSoup itself),
    invisible elements go, ``get_text("\\n")`` joins the strings, each line has its white
    space collapsed, runs of blank lines become one, and the text ends with one newline.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for element in soup(list(INVISIBLE_TAGS)):
        element.decompose()
    lines: list[str] = []
    for raw_line in soup.get_text("\n").split("\n"):
        line = _SPACE.sub(" ", raw_line).strip()
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip() + "\n"


#: A kept line ends with one of these: C4's terminal marks, with the typographic closing
#: quote counted like the straight one (news text mostly uses the typographic one).
TERMINAL_PUNCTUATION = (".", "!", "?", '"', "\u201d")
#: A line containing any of these (case ignored) is dropped.
C4_BAD_WORDS = ("javascript", "cookie", "policy")
C4_MIN_WORDS = 3


def c4_line_filter(text: str) -> str:
    """Keep the lines that look like prose, in the manner of C4's line filter.

    A line is kept when it ends in terminal punctuation (``. ! ? "`` or ``\u201d``), has at
    least three words and mentions neither javascript, cookies nor a policy. Kept lines
    are joined by newlines.
    """
    kept = []
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line.endswith(TERMINAL_PUNCTUATION):
            continue
        if len(line.split()) < C4_MIN_WORDS:
            continue
        lowered = line.lower()
        if any(word in lowered for word in C4_BAD_WORDS):
            continue
        kept.append(line)
    return "\n".join(kept)


def wrap_in_paragraphs(text: str) -> str:
    """A dump as minimal HTML, one ``<p>`` per non-blank line, for HTML-only extractors."""
    from html import escape

    body = "".join(f"<p>{escape(line)}</p>" for line in text.splitlines() if line.strip())
    return f"<html><body>{body}</body></html>"
