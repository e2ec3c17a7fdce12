"""A fast, seeded generator of hostile pages: grammar plus damaged pieces of real pages.

Hypothesis (hostile.py) explores cleverly but spends milliseconds drawing each nested
page; this generator makes a case in tens of microseconds, so every stage can meet tens
of thousands of them in CI time. Each case comes from its own ``random.Random`` seeded
with ``(seed, stage, index)``, so a failure names exactly what reproduces it:
``Mutants(seed).case(kind, stage, index)``.
"""

from __future__ import annotations

import codecs
import gzip
import random
from collections.abc import Callable
from pathlib import Path

from hostile import ENCODINGS, LABELS

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

# Pieces that have broken text tools somewhere: chrome, mojibake, entities, controls,
# odd spaces, bidi marks, surrogate escapes written out, markup fragments.
TOKENS = [
    "Post a Comment", "Previous Post Next Post", "Share", "Advertisement", "Read more",
    "Home", "Menu", "Sign in", "We use cookies", "© 2024 All rights reserved", "3 min read",
    "12 comments", "Posted by Me at 10:04 AM", "By Jane Doe", "Reply", "Contact Form",
    "café", "Ã©", "â€™", "Ã¢â‚¬â„¢", "naïve", "日本語のテキスト", "Ελληνικά", "мир", "עברית",
    "العربية", "हिन्दी", "한국어", "🙂", "👩‍👩‍👧", "e\u0301", "\u0301\u0301\u0301",
    "\u00a0", "\u00a0 ", "\u2009", "\u202f", "\u3000", "\u200b", "\u200d", "\u200e", "\u202e",
    "\u2028", "\u2029", "\u0085", "\ufeff", "\ufffd", "\ufffe", "\uffff", "\U0010ffff",
    "\ue000", "\r\n", "\r", "\n", "\n\n\n", "\t", "  ", "\x00", "\x07", "\x1b[31m", "\x7f",
    "&amp;", "&#x1F600;", "&nbsp;", "&#0;", "&#xD800;", "&#1114112;", "&bogus;", "&", "<",
    ">", "<!--", "-->", "]]>", "<![CDATA[", "\"", "'", "”said", "« »", "„“", "...", "…",
    "http://", "https://example.com/a?b=<c>", "javascript:alert(1)", "a" * 80, "-" * 40,
    "1.", "•", "|", "\\", "%s", "{0}", "$(x)", "(a+)+$",
]
TAGS = ["p", "div", "span", "a", "article", "main", "section", "h1", "h2", "h3", "li", "ul",
        "ol", "table", "tr", "td", "th", "br", "hr", "img", "script", "style", "noscript",
        "iframe", "svg", "math", "template", "title", "meta", "link", "head", "body", "html",
        "header", "footer", "nav", "aside", "form", "input", "button", "select", "textarea",
        "pre", "code", "blockquote", "time", "figure", "figcaption", "object", "x-widget"]
ATTRS = ['', ' class="content"', ' class="comments"', ' id="main"', ' href="javascript:x"',
         ' itemprop="articleBody"', ' lang="fr"', ' lang="zz-ZZ"', ' style="display:none"',
         ' hidden', ' content="2024-01-09"', ' name="author" content="X"',
         ' property="og:title" content="T"', ' datetime="1999-13-45"', " x='\"'", " =",
         ' a="<b>"', ' src="data:image/png;base64,AAAA"', ' type="application/ld+json"',
         ' http-equiv="Content-Type" content="text/html; charset=bogus"', ' dir="rtl"']
SCRIPTS = ["var a=1;", "document.write('<p>x</p>')", "</scr'+'ipt>", "<!--", "]]>",
           '{"@type":"NewsArticle","headline":"H","datePublished":"2024-02-30"}',
           '{"@type": [1, {"x": null}], "author": {"name": ["a", 2]}}', "{bad json"]
MAGIC = [b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"GIF89a", b"\xff\xd8\xff\xe0", b"PK\x03\x04",
         b"\x7fELF", b"BZh9", b"\xfd7zXZ\x00", b"\x28\xb5\x2f\xfd", b"OggS", b"wOF2",
         b"\x1f\x8b\x08\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00",
         b"\x00\x00\xfe\xff", b"+/v8"]
# Code point ranges to draw single characters from: controls, Latin, combining marks,
# RTL scripts, CJK, emoji, private use, specials and non-characters (no surrogates).
RANGES = [(0x00, 0x1F), (0x20, 0x7E), (0x80, 0xFF), (0x100, 0x24F), (0x300, 0x36F),
          (0x370, 0x3FF), (0x400, 0x4FF), (0x590, 0x6FF), (0x900, 0x97F), (0x2000, 0x206F),
          (0x3000, 0x30FF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xE000, 0xE0FF),
          (0xFDD0, 0xFDEF), (0xFE00, 0xFFFF), (0x1F300, 0x1F6FF), (0xE0000, 0xE007F),
          (0x10FFF0, 0x10FFFF)]


def _fixture_pieces() -> tuple[list[str], list[bytes]]:
    """Lines of the fixtures' text, and the raw bytes of every fixture page."""
    lines: list[str] = []
    pages: list[bytes] = []
    for path in sorted(FIXTURES.rglob("*")):
        if not path.is_file() or path.suffix not in {".html", ".txt", ".htm"}:
            continue
        data = path.read_bytes()
        if not data:
            continue
        pages.append(data)
        text = data.decode("utf-8", "replace")
        lines.extend(line for line in text.splitlines() if line.strip())
    return lines, pages


LINES, PAGES = _fixture_pieces()


class Mutants:
    """Hostile inputs of four kinds: ``text``, ``lines`` (a dump), ``html`` and ``bytes``."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def case(self, kind: str, stage: str, index: int) -> str | bytes:
        rng = random.Random(f"{self.seed}:{stage}:{kind}:{index}")
        make: Callable[[random.Random], str | bytes] = getattr(self, f"_{kind}")
        return make(rng)

    # --- text ----------------------------------------------------------------------------

    def _char(self, rng: random.Random) -> str:
        lo, hi = rng.choice(RANGES)
        return chr(rng.randint(lo, hi))

    def _piece(self, rng: random.Random) -> str:
        roll = rng.random()
        if roll < 0.35:
            return rng.choice(TOKENS)
        if roll < 0.65:
            line = rng.choice(LINES)
            if rng.random() < 0.3:  # a window of a real line, cut anywhere
                a = rng.randrange(len(line))
                return line[a:a + rng.randint(1, 200)]
            return line
        if roll < 0.85:
            return "".join(self._char(rng) for _ in range(rng.randint(1, 20)))
        return " ".join(rng.choice(LINES).split()[:rng.randint(1, 8)]) if LINES else ""

    def _text(self, rng: random.Random) -> str:
        parts = [self._piece(rng) for _ in range(rng.randint(0, 30))]
        return rng.choice([" ", "", "\n", " \n"]).join(parts)

    def _lines(self, rng: random.Random) -> str:
        out = []
        for _ in range(rng.randint(0, 60)):
            roll = rng.random()
            if roll < 0.1:
                out.append("")
            elif roll < 0.5:
                out.append(rng.choice(LINES))
            else:
                out.append(" ".join(self._piece(rng) for _ in range(rng.randint(1, 12))))
        if out and rng.random() < 0.2:  # repeated blocks, as chrome is
            at = rng.randrange(len(out))
            out.extend(out[at:at + rng.randint(1, 10)] * rng.randint(2, 20))
        return rng.choice(["\n", "\r\n", "\n\n", "\r"]).join(out)

    # --- html ----------------------------------------------------------------------------

    def _tree(self, rng: random.Random, depth: int) -> str:
        parts = []
        for _ in range(rng.randint(0, 4 if depth < 3 else 1)):
            roll = rng.random()
            if roll < 0.3 or depth >= 6:
                parts.append(self._piece(rng).replace("<", "&lt;")
                             if rng.random() < 0.8 else self._piece(rng))
            elif roll < 0.38:
                tag = rng.choice(["script", "style", "script"])
                parts.append(f"<{tag}{rng.choice(ATTRS)}>{rng.choice(SCRIPTS)}</{tag}>")
            elif roll < 0.45:
                parts.append(rng.choice(["<!-- c -->", "<!--", "-->", "<![CDATA[x]]>",
                                         "<!DOCTYPE html>", "<?xml version='1.0'?>", "</p>",
                                         "</div></div></div>", "<", "&", "<p <p>", "</>"]))
            else:
                tag = rng.choice(TAGS)
                close = rng.choice([f"</{tag}>", f"</{tag}>", f"</{tag}>", "", "</x>"])
                parts.append(f"<{tag}{rng.choice(ATTRS)}>{self._tree(rng, depth + 1)}{close}")
        return "".join(parts)

    def _real_window(self, rng: random.Random) -> str:
        page = rng.choice(PAGES).decode("utf-8", "replace")
        a = rng.randrange(len(page))
        return page[a:a + rng.randint(1, 6000)]

    def _html(self, rng: random.Random) -> str:
        roll = rng.random()
        if roll < 0.25:  # a window of a real page, cut mid-tag
            body = self._real_window(rng)
        elif roll < 0.32:  # deep nesting
            tag = rng.choice(["div", "span", "b", "table", "li", "p"])
            n = rng.randint(50, 2000)
            body = f"<{tag}>" * n + self._piece(rng) + (f"</{tag}>" * n if rng.random() < .5
                                                        else "")
        else:
            body = self._tree(rng, 0)
        charset = rng.choice(LABELS)
        head = rng.choice(["", f'<meta charset="{charset}">', f"<meta charset={charset}>",
                           f'<meta http-equiv="Content-Type" content="text/html; '
                           f'charset={charset}">', f"<title>{self._piece(rng)}</title>",
                           '<html lang="de"><meta property="og:type" content="article">'])
        shape = rng.randint(0, 3)
        if shape == 0:
            return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"
        if shape == 1:
            return f"<html>{head}{body}"
        if shape == 2:
            return f"<?xml version='1.0' encoding='{charset}'?><html><body>{body}</body></html>"
        return body

    # --- bytes ---------------------------------------------------------------------------

    def _encode(self, rng: random.Random, text: str) -> bytes:
        encoding = rng.choice(ENCODINGS)
        data = text.encode(encoding, rng.choice(["ignore", "replace", "xmlcharrefreplace"]))
        if encoding.startswith("utf-16") and rng.random() < 0.5:
            bom = codecs.BOM_UTF16_BE if encoding.endswith("be") else codecs.BOM_UTF16_LE
            data = rng.choice([bom, b"", codecs.BOM_UTF8]) + data
        return data

    def _damage(self, rng: random.Random, data: bytes) -> bytes:
        for _ in range(rng.randint(0, 3)):
            at = rng.randint(0, len(data))
            how = rng.randint(0, 5)
            if how == 0:
                data = data[:at]
            elif how == 1:
                data = data[:at] + b"\x00" * rng.randint(1, 64) + data[at:]
            elif how == 2:
                data = data[:at] + rng.randbytes(rng.randint(1, 32)) + data[at:]
            elif how == 3:
                data = data[:at] + b"\xff\xfe\xc3\x28\xe2\x82\xed\xa0\x80\xf8" + data[at:]
            elif how == 4 and data:  # flip bits
                buf = bytearray(data)
                for _ in range(rng.randint(1, 16)):
                    buf[rng.randrange(len(buf))] ^= 1 << rng.randrange(8)
                data = bytes(buf)
            else:  # repeat a stretch
                data = data[:at] + data[at:at + rng.randint(1, 200)] * rng.randint(2, 50)
        return data

    def _bytes(self, rng: random.Random) -> bytes:
        roll = rng.random()
        if roll < 0.25:
            data = self._encode(rng, self._html(rng))
        elif roll < 0.45:
            data = self._encode(rng, self._lines(rng))
        elif roll < 0.6:
            page = rng.choice(PAGES)
            data = page[:rng.randint(0, len(page))] if rng.random() < 0.5 else page
        elif roll < 0.7:
            data = rng.choice(MAGIC) + rng.randbytes(rng.randint(0, 1024))
        elif roll < 0.8:
            data = gzip.compress(self._encode(rng, self._html(rng)), mtime=0)
        elif roll < 0.9:
            data = rng.randbytes(rng.randint(0, 2048))
        else:
            data = rng.choice([b"", b" ", b"\n\n", b"\x00", b"\x00" * 100, b"\xff" * 50,
                               b"\t\r\n ", codecs.BOM_UTF8, codecs.BOM_UTF16_LE + b"\x00"])
        return self._damage(rng, data) if rng.random() < 0.6 else data
