"""What every stage must do with any input, checked by both fuzzers.

Each ``check_*`` runs one stage's pure function on one input and asserts what must hold
whatever the input: a result of the right type, text a JSON writer can put out, and the
stage's own promises (removals point at the lines they removed, normalized text has no
double spaces, and so on). A stage may refuse an input only with its own StageError.
The hypothesis tests (test_stages.py) and the mutation fuzzer (test_mutants.py) share them.
"""

from __future__ import annotations

import codecs
import json
from importlib import resources

import jsonschema

from cleanpipe import Document, Pipeline, StageError
from cleanpipe.stages import (
    decode_bytes,
    extract_html,
    extract_text,
    identify,
    looks_like_html,
    normalize_text,
    repair_spacing,
    repair_text,
    strip_chrome,
    to_record,
    translation_signals,
)
from cleanpipe.stages.decode import Decoded, DecodeSettings
from cleanpipe.stages.emit import EmitSettings
from cleanpipe.stages.extract import Extracted, ExtractSettings
from cleanpipe.stages.language import LanguageResult, LanguageSettings
from cleanpipe.stages.normalize import NormalizeSettings
from cleanpipe.stages.repair import RepairSettings
from cleanpipe.stages.translation import TranslationReport, TranslationSettings

PIPE = Pipeline.from_rules()
RULES = PIPE.rules
assert RULES is not None
DECODE: DecodeSettings = RULES.settings["decode"]
EXTRACT: ExtractSettings = RULES.settings["extract"]
REPAIR: RepairSettings = RULES.settings["repair"]
NORMALIZE: NormalizeSettings = RULES.settings["normalize"]
LANGUAGE: LanguageSettings = RULES.settings["language"]
TRANSLATION: TranslationSettings = RULES.settings["translation"]
TRANSLATION_RULES = RULES.rules.get("translation", ())
CHROME = RULES.settings["chrome"], RULES.rules["chrome"]
SCHEMA = jsonschema.Draft202012Validator(json.loads(
    (resources.files("cleanpipe") / "schema" / "article.schema.json").read_text("utf-8")))


def valid_text(value: str) -> None:
    """Text that a JSON writer can put out as UTF-8."""
    assert isinstance(value, str)
    value.encode("utf-8")


def check_decode(data: bytes) -> None:
    try:
        result = decode_bytes(data, DECODE)
    except StageError as exc:
        assert str(exc)
        return
    assert isinstance(result, Decoded)
    valid_text(result.text)
    codecs.lookup(result.encoding)


def check_looks_like_html(text: str) -> None:
    assert looks_like_html(text, EXTRACT) in (True, False)


def check_extract_text(text: str) -> None:
    result = extract_text(text, EXTRACT)
    assert isinstance(result, Extracted)
    valid_text(result.text)
    assert text.endswith(result.text)  # only a title line is taken off the front
    if result.title_line is not None:
        assert result.title_line in text and "\n" not in result.title_line


def check_extract_html(html: str, url: str | None) -> None:
    result = extract_html(html, url, EXTRACT)
    assert isinstance(result, Extracted)
    valid_text(result.text)
    assert result.text or result.reason


def check_repair(text: str) -> None:
    fixed, names = repair_text(text, REPAIR)
    valid_text(fixed)
    assert all(isinstance(n, str) for n in names)
    if fixed == text:
        assert names == []


def check_normalize(text: str) -> None:
    out, changes = normalize_text(text, NORMALIZE)
    valid_text(out)
    assert "\r" not in out and "\u00a0" not in out and "\u200b" not in out
    assert "  " not in out and "\n\n\n" not in out
    assert out == out.strip("\n")
    assert all(count > 0 for _rule, count in changes)


def check_chrome(text: str) -> None:
    settings, rules = CHROME
    out, removals = strip_chrome(text, rules, settings)
    valid_text(out)
    lines = text.split("\n")
    for removal in removals:
        assert lines[removal.line] == removal.text
    kept = [ln for i, ln in enumerate(lines) if i not in {r.line for r in removals}]
    assert set(out.split("\n")) <= set(kept) | {""}


def check_language(text: str, html: str | None) -> LanguageResult:
    result = identify(text, html, LANGUAGE)
    assert isinstance(result, LanguageResult)
    assert result.language is None or (isinstance(result.language, str) and result.language)
    assert 0.0 <= result.confidence <= 1.0
    assert result.language is not None or result.confidence == 0.0
    for paragraph in result.paragraphs:
        assert paragraph is None or (isinstance(paragraph[0], str) and 0 <= paragraph[1] <= 1)
    return result


def check_translation(text: str, language: LanguageResult | None, html: str | None) -> None:
    report = translation_signals(text, language, html, TRANSLATION, TRANSLATION_RULES)
    assert isinstance(report, TranslationReport)
    assert 0.0 <= report.score <= 1.0
    assert report.likely_machine_translated == (bool(report.signals)
                                                and report.score >= TRANSLATION.threshold)
    assert all(s.count > 0 for s in report.signals)
    json.dumps(report.as_dict(), ensure_ascii=False).encode("utf-8")
    fixed, fixes = repair_spacing(text, language.language if language else None)
    valid_text(fixed)
    if fixed == text:
        assert not fixes


def check_record(record: dict, source: str) -> None:
    assert record["source"] == source
    assert ("error" in record) != ("text" in record)
    json.dumps(record, ensure_ascii=False).encode("utf-8")
    SCHEMA.validate(record)


def check_to_record(doc: Document, emit: EmitSettings) -> None:
    record = to_record(doc, emit)
    json.dumps(record, ensure_ascii=False).encode("utf-8")
    SCHEMA.validate(record)


def check_pipeline(data: bytes | str, source: str) -> None:
    check_record(PIPE.process(data, source), source)
