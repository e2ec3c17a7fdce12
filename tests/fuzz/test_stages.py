"""Property-based fuzzing of each stage's pure function and of Pipeline.process.

Every generated case must give a result or the stage's own "rejected" error
(StageError) and never another exception; the properties are in properties.py.
Hypothesis runs 1,000 examples per test in `make test`, 10,000 in `make fuzz`; the
counts are printed at the end of the run.
"""

from __future__ import annotations

import codecs

import properties as prop
from hostile import LINES, PAGE_BYTES, PAGE_TEXT, PROSE, TEXT, html_pages
from hypothesis import given
from hypothesis import strategies as st

from cleanpipe import Document, StageError
from cleanpipe.stages import decode_bytes
from cleanpipe.stages.emit import EmitSettings
from conftest import fuzz_case


@given(data=PAGE_BYTES)
def test_decode_bytes(data: bytes) -> None:
    fuzz_case("decode_bytes")
    prop.check_decode(data)


@given(text=st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=300),
       bom=st.booleans(), big_endian=st.booleans())
def test_decode_bytes_reads_utf16_with_and_without_bom(text: str, bom: bool,
                                                       big_endian: bool) -> None:
    fuzz_case("decode_bytes")
    codec = "utf-16-be" if big_endian else "utf-16-le"
    mark = codecs.BOM_UTF16_BE if big_endian else codecs.BOM_UTF16_LE
    data = (mark if bom else b"") + text.encode(codec)
    try:
        result = decode_bytes(data, prop.DECODE)
    except StageError:
        assert not bom or not text.strip()  # with a BOM only blank text is refused
        return
    prop.valid_text(result.text)
    if bom and (big_endian or not text.startswith("\x00")):
        assert result.text == text  # (FF FE 00 00 is the UTF-32-LE BOM, read as such)


@given(text=st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=300))
def test_decode_bytes_keeps_valid_utf8(text: str) -> None:
    fuzz_case("decode_bytes")
    data = text.encode("utf-8")
    if not text.strip() or text.isascii() or data.startswith(codecs.BOM_UTF8):
        return
    assert decode_bytes(data, prop.DECODE).text == text


@given(text=PAGE_TEXT)
def test_looks_like_html(text: str) -> None:
    fuzz_case("looks_like_html")
    prop.check_looks_like_html(text)


@given(text=st.one_of(TEXT, LINES, PROSE))
def test_extract_text(text: str) -> None:
    fuzz_case("extract_text")
    prop.check_extract_text(text)


@given(html=st.one_of(html_pages(), TEXT), url=st.sampled_from([None, "https://example.com/a",
                                                                "not a url", "javascript:x"]))
def test_extract_html(html: str, url: str | None) -> None:
    fuzz_case("extract_html")
    prop.check_extract_html(html, url)


@given(text=st.one_of(TEXT, LINES, PROSE))
def test_repair_text(text: str) -> None:
    fuzz_case("repair_text")
    prop.check_repair(text)


@given(text=st.one_of(TEXT, LINES, PROSE))
def test_normalize_text(text: str) -> None:
    fuzz_case("normalize_text")
    prop.check_normalize(text)


@given(text=st.one_of(LINES, PROSE, TEXT))
def test_strip_chrome(text: str) -> None:
    fuzz_case("strip_chrome")
    prop.check_chrome(text)


_META = st.one_of(st.none(), TEXT)


@given(source=TEXT, text=st.one_of(TEXT, LINES), kind=st.sampled_from([None, "html", "text"]),
       meta=st.fixed_dictionaries({k: _META for k in ("title", "author", "date", "url",
                                                      "sitename", "description", "hostname",
                                                      "encoding")}),
       removed=st.lists(st.tuples(TEXT, TEXT, st.one_of(st.none(), st.integers(0, 10**6))),
                        max_size=5),
       reason=st.one_of(st.none(), TEXT),
       emit=st.builds(EmitSettings, st.booleans(), st.booleans(), st.booleans()))
def test_to_record(source: str, text: str, kind: str | None, meta: dict[str, str | None],
                   removed: list[tuple[str, str, int | None]], reason: str | None,
                   emit: EmitSettings) -> None:
    fuzz_case("to_record")
    doc = Document(source=source, text=text, kind=kind, metadata=dict(meta), reason=reason)
    for rule, removed_text, line in removed:
        doc.log("chrome", rule, "remove", removed_text, line)
    doc.stages.extend(["decode", "extract"])
    prop.check_to_record(doc, emit)


@given(text=st.one_of(PROSE, LINES, TEXT), html=st.one_of(st.none(), html_pages()))
def test_language(text: str, html: str | None) -> None:
    fuzz_case("language")
    prop.check_language(text, html)


@given(text=st.one_of(PROSE, LINES, TEXT), html=st.one_of(st.none(), html_pages()),
       known=st.booleans())
def test_translation(text: str, html: str | None, known: bool) -> None:
    fuzz_case("translation")
    language = prop.check_language(text, html) if known else None
    prop.check_translation(text, language, html)


@given(data=PAGE_BYTES)
def test_pipeline_process_bytes(data: bytes) -> None:
    fuzz_case("Pipeline.process")
    prop.check_pipeline(data, "fuzz.bin")


@given(text=PAGE_TEXT)
def test_pipeline_process_text(text: str) -> None:
    fuzz_case("Pipeline.process")
    prop.check_pipeline(text, "fuzz.txt")
