"""Hypothesis strategies for the dirtiest pages a scraper brings home."""

from __future__ import annotations

import codecs
import gzip

from hypothesis import strategies as st

ENCODINGS = ["utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252", "latin-1",
             "iso-8859-7", "koi8-r", "cp1251", "shift_jis", "euc-jp", "gb18030", "big5",
             "euc-kr", "mac-roman", "utf-7", "cp437"]
# What pages declare: real names, aliases, lies, nonsense, and codecs that are not text.
LABELS = ENCODINGS + ["", "utf8", "UTF-8", "ISO-8859-1", "us-ascii", "windows-1252",
                      "x-user-defined", "bogus", "base64", "hex", "zlib", "rot13", "uu",
                      "bz2", "unicode", "utf-16le", "idna", "punycode", "mbcs", "undefined"]

# Unicode text with everything a page can hold: controls, NUL, combining marks, RTL,
# private use, non-characters; no lone surrogates (bytes cannot carry them).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=400)
SHORT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
WORDS = st.sampled_from(["Post a Comment", "Share", "Advertisement", "Read more", "Home",
                         "café", "Ã©", "â€™", "naïve", "日本語", "Ελληνικά", "мир", "\u00a0",
                         "\u200b", "\ufeff", "\r\n", "\r", "\n\n\n", "\t", "  ", "\x00",
                         "\x1b[31m", "&amp;", "&#x1F600;", "&nbsp;", "&#0;", "&#xD800;",
                         "&bogus;", "<", ">", "Posted by Me at 10:04 AM", "3 min read",
                         "© 2024 All rights reserved", "a" * 60])
PROSE = st.lists(st.one_of(WORDS, SHORT), max_size=12).map(" ".join)
LINES = st.lists(st.one_of(WORDS, SHORT, PROSE), max_size=30).map("\n".join)

_TAGS = ["p", "div", "span", "a", "article", "main", "section", "h1", "h2", "li", "ul",
         "table", "tr", "td", "br", "img", "script", "style", "noscript", "iframe", "svg",
         "template", "title", "meta", "head", "body", "html", "header", "footer", "nav",
         "aside", "form", "input", "button", "pre", "code", "blockquote", "time", "figure"]
_ATTRS = st.sampled_from(['', ' class="content"', ' id="main"', ' href="javascript:x"',
                          ' itemprop="articleBody"', ' lang="fr"', ' style="display:none"',
                          ' content="2024-01-09"', ' name="author" content="X"',
                          ' property="og:title" content="T"', ' datetime="1999-13-45"',
                          ' src="data:image/png;base64,AAAA"', ' x=\'"\'', " =", ' a="<b>"'])


@st.composite
def html_trees(draw: st.DrawFn, depth: int = 0) -> str:
    """Nested, often unbalanced HTML with scripts, entities, comments and CDATA."""
    parts = []
    for _ in range(draw(st.integers(0, 4 if depth < 3 else 1))):
        kind = draw(st.integers(0, 9))
        if kind < 3 or depth >= 5:
            parts.append(draw(st.one_of(PROSE, WORDS)).replace("<", "&lt;"))
        elif kind == 3:
            parts.append("<script>" + draw(st.sampled_from(
                ["var a=1;", "document.write('<p>x</p>')", "</scr'+'ipt>", "<!--", "]]>"]))
                + "</script>")
        elif kind == 4:
            parts.append(draw(st.sampled_from(["<!-- c -->", "<!--", "-->", "<![CDATA[x]]>",
                                               "<!DOCTYPE html>", "<?xml version='1.0'?>",
                                               "</p>", "</div></div></div>", "<", "&"])))
        else:
            tag = draw(st.sampled_from(_TAGS))
            inner = draw(html_trees(depth=depth + 1))
            close = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", "", "</x>"]))
            parts.append(f"<{tag}{draw(_ATTRS)}>{inner}{close}")
    return "".join(parts)


@st.composite
def html_pages(draw: st.DrawFn) -> str:
    charset = draw(st.sampled_from(LABELS))
    head = draw(st.sampled_from([
        "", f'<meta charset="{charset}">', f"<meta charset={charset}>",
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">',
    ]))
    title = draw(st.one_of(st.just(""), PROSE.map(lambda t: f"<title>{t}</title>")))
    body = draw(html_trees())
    shape = draw(st.integers(0, 3))
    if shape == 0:
        return f"<!DOCTYPE html><html><head>{head}{title}</head><body>{body}</body></html>"
    if shape == 1:
        return f"<html>{head}{body}"  # unclosed
    if shape == 2:
        return f"<?xml version='1.0' encoding='{charset}'?><html><body>{body}</body></html>"
    return body  # a fragment


@st.composite
def encoded(draw: st.DrawFn, text: st.SearchStrategy[str]) -> bytes:
    """``text`` in some encoding, maybe with a BOM, maybe declaring another charset."""
    value = draw(text)
    encoding = draw(st.sampled_from(ENCODINGS))
    errors = draw(st.sampled_from(["ignore", "replace", "xmlcharrefreplace"]))
    data = value.encode(encoding, errors)
    if draw(st.booleans()) and encoding.startswith("utf-16"):
        bom = codecs.BOM_UTF16_BE if encoding.endswith("be") else codecs.BOM_UTF16_LE
        data = draw(st.sampled_from([bom, b""])) + data
    return data


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """Truncate, splice NULs or random bytes into ``data``."""
    how = draw(st.integers(0, 4))
    if how == 0 or not data:
        return data
    at = draw(st.integers(0, len(data)))
    if how == 1:
        return data[:at]
    if how == 2:
        return data[:at] + b"\x00" * draw(st.integers(1, 8)) + data[at:]
    if how == 3:
        return data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]
    return data[:at] + b"\xff\xfe\xc3\x28\xe2\x82" + data[at:]  # invalid UTF-8 sequences


_MAGIC = [b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"GIF89a", b"\xff\xd8\xff\xe0", b"PK\x03\x04",
          b"\x7fELF", b"BZh9", b"\xfd7zXZ\x00", b"\x28\xb5\x2f\xfd", b"OggS", b"ID3", b"wOF2",
          b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"]


def _gzipped(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


PAGE_BYTES = st.one_of(
    st.binary(max_size=2048),
    encoded(html_pages()).flatmap(damaged),
    encoded(LINES).flatmap(damaged),
    encoded(st.one_of(html_pages(), LINES)),
    st.tuples(st.sampled_from(_MAGIC), st.binary(max_size=512)).map(b"".join),
    st.binary(max_size=512).map(_gzipped).flatmap(damaged),
    st.sampled_from([b"", b" ", b"\n\n", b"\x00", b"\x00" * 100, b"\xff" * 50, b"\t\r\n "]),
)
PAGE_TEXT = st.one_of(TEXT, LINES, html_pages())
