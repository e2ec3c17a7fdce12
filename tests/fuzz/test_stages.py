"""Property-based fuzzing of each stage's pure function and of Pipeline.process.

Every generated case must give a result or the stage's own "rejected" error
(StageError) and never another exception. `make fuzz` runs 10,000 cases per stage;
the counts are printed at the end of the run.
"""

from __future__ import annotations

import codecs
import json
from importlib import resources

import jsonschema
from hostile import LINES, PAGE_BYTES, PAGE_TEXT, PROSE, TEXT, html_pages
from hypothesis import given
from hypothesis import strategies as st

from cleanpipe import Document, Pipeline, StageError
from cleanpipe.stages import (
    decode_bytes,
    extract_html,
    extract_text,
    looks_like_html,
    normalize_text,
    repair_text,
    strip_chrome,
    to_record,
)
from cleanpipe.stages.decode import Decoded, DecodeSettings
from cleanpipe.stages.emit import EmitSettings
from cleanpipe.stages.extract import Extracted, ExtractSettings
from cleanpipe.stages.normalize import NormalizeSettings
from cleanpipe.stages.repair import RepairSettings
from conftest import fuzz_case

PIPE = Pipeline.from_rules()
RULES = PIPE.rules
assert RULES is not None
DECODE: DecodeSettings = RULES.settings["decode"]
EXTRACT: ExtractSettings = RULES.settings["extract"]
REPAIR: RepairSettings = RULES.settings["repair"]
NORMALIZE: NormalizeSettings = RULES.settings["normalize"]
CHROME = RULES.settings["chrome"], RULES.rules["chrome"]
SCHEMA = jsonschema.Draft202012Validator(json.loads(
    (resources.files("cleanpipe") / "schema" / "article.schema.json").read_text("utf-8")))


def valid_text(value: str) -> None:
    """Text that a JSON writer can put out as UTF-8."""
    assert isinstance(value, str)
    value.encode("utf-8")


@given(data=PAGE_BYTES)
def test_decode_bytes(data: bytes) -> None:
    fuzz_case("decode_bytes")
    try:
        result = decode_bytes(data, DECODE)
    except StageError as exc:
        assert str(exc)
        return
    assert isinstance(result, Decoded)
    valid_text(result.text)
    codecs.lookup(result.encoding)


@given(text=st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=300),
       bom=st.booleans(), big_endian=st.booleans())
def test_decode_bytes_reads_utf16_with_and_without_bom(text: str, bom: bool,
                                                       big_endian: bool) -> None:
    fuzz_case("decode_bytes")
    codec = "utf-16-be" if big_endian else "utf-16-le"
    mark = codecs.BOM_UTF16_BE if big_endian else codecs.BOM_UTF16_LE
    data = (mark if bom else b"") + text.encode(codec)
    try:
        result = decode_bytes(data, DECODE)
    except StageError:
        assert not bom or not text.strip()  # with a BOM only blank text is refused
        return
    valid_text(result.text)
    if bom and (big_endian or not text.startswith("\x00")):
        assert result.text == text  # (FF FE 00 00 is the UTF-32-LE BOM, read as such)


@given(text=st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=300))
def test_decode_bytes_keeps_valid_utf8(text: str) -> None:
    fuzz_case("decode_bytes")
    data = text.encode("utf-8")
    if not text.strip() or text.isascii() or data.startswith(codecs.BOM_UTF8):
        return
    assert decode_bytes(data, DECODE).text == text


@given(text=PAGE_TEXT)
def test_looks_like_html(text: str) -> None:
    fuzz_case("looks_like_html")
    assert looks_like_html(text, EXTRACT) in (True, False)


@given(text=st.one_of(TEXT, LINES, PROSE))
def test_extract_text(text: str) -> None:
    fuzz_case("extract_text")
    result = extract_text(text, EXTRACT)
    assert isinstance(result, Extracted)
    valid_text(result.text)
    assert text.endswith(result.text)  # only a title line is taken off the front
    if result.title_line is not None:
        assert result.title_line in text and "\n" not in result.title_line


@given(html=st.one_of(html_pages(), TEXT), url=st.sampled_from([None, "https://example.com/a",
                                                                "not a url", "javascript:x"]))
def test_extract_html(html: str, url: str | None) -> None:
    fuzz_case("extract_html")
    result = extract_html(html, url, EXTRACT)
    assert isinstance(result, Extracted)
    valid_text(result.text)
    assert result.text or result.reason


@given(text=st.one_of(TEXT, LINES, PROSE))
def test_repair_text(text: str) -> None:
    fuzz_case("repair_text")
    fixed, names = repair_text(text, REPAIR)
    valid_text(fixed)
    assert all(isinstance(n, str) for n in names)
    if fixed == text:
        assert names == []


@given(text=st.one_of(TEXT, LINES, PROSE))
def test_normalize_text(text: str) -> None:
    fuzz_case("normalize_text")
    out, changes = normalize_text(text, NORMALIZE)
    valid_text(out)
    assert "\r" not in out and "\u00a0" not in out and "\u200b" not in out
    assert "  " not in out and "\n\n\n" not in out
    assert out == out.strip("\n")
    assert all(count > 0 for _rule, count in changes)


@given(text=st.one_of(LINES, PROSE, TEXT))
def test_strip_chrome(text: str) -> None:
    fuzz_case("strip_chrome")
    settings, rules = CHROME
    out, removals = strip_chrome(text, rules, settings)
    valid_text(out)
    lines = text.split("\n")
    for removal in removals:
        assert lines[removal.line] == removal.text
    kept = [ln for i, ln in enumerate(lines) if i not in {r.line for r in removals}]
    assert set(out.split("\n")) <= set(kept) | {""}


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
    record = to_record(doc, emit)
    json.dumps(record, ensure_ascii=False).encode("utf-8")
    SCHEMA.validate(record)


def _check_record(record: dict, source: str) -> None:
    assert record["source"] == source
    assert ("error" in record) != ("text" in record)
    json.dumps(record, ensure_ascii=False).encode("utf-8")
    SCHEMA.validate(record)


@given(data=PAGE_BYTES)
def test_pipeline_process_bytes(data: bytes) -> None:
    fuzz_case("Pipeline.process")
    _check_record(PIPE.process(data, "fuzz.bin"), "fuzz.bin")


@given(text=PAGE_TEXT)
def test_pipeline_process_text(text: str) -> None:
    fuzz_case("Pipeline.process")
    _check_record(PIPE.process(text, "fuzz.txt"), "fuzz.txt")
