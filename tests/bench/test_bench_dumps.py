"""The text-dump recipe and the C4-style line filter."""

from __future__ import annotations

from cleanpipe.bench.dumps import c4_line_filter, make_dump, wrap_in_paragraphs

PAGE = (
    b"<html><head><title>T</title><style>p{}</style><script>var x=1;</script></head>"
    b"<body><h1>Head  line</h1>\n\n\n<p>One   two\tthree.</p><noscript>no</noscript>"
    b"<template>tpl</template><svg><text>svg</text></svg><div>A<b>bold</b></div></body></html>"
)


def test_dump_keeps_visible_text_line_by_line() -> None:
    # invisible elements gone, each string on its own line, spaces collapsed,
    # the run of blank lines after the heading kept as one, one final newline
    assert make_dump(PAGE) == "T\nHead line\n\nOne two three.\nA\nbold\n"


def test_dump_of_text_and_bytes_agree() -> None:
    assert make_dump(PAGE.decode("ascii")) == make_dump(PAGE)
    assert make_dump("<p>  </p>") == "\n"


def test_c4_filter_keeps_prose_lines() -> None:
    dump = (
        "Menu\n"
        "This is a sentence.\n"
        "We use cookies to help.\n"
        "Two words.\n"
        "Enable JavaScript now please!\n"
        'She said "hello there you"\n'
        "He wrote \u201cthree words here\u201d\n"
        "Privacy Policy applies here.\n"
        "No punctuation at the end here\n"
    )
    assert c4_line_filter(dump) == (
        'This is a sentence.\nShe said "hello there you"\nHe wrote \u201cthree words here\u201d')


def test_wrap_in_paragraphs_escapes_text() -> None:
    assert wrap_in_paragraphs("a < b\n\nc\n") == "<html><body><p>a &lt; b</p><p>c</p></body></html>"
