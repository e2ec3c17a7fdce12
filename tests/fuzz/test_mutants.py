"""Tens of thousands of hostile cases per stage from the seeded mutation generator.

The same properties as the hypothesis tests (properties.py), on inputs from mutants.py:
generated markup, windows of real pages cut anywhere, damaged encodings, binaries and
gzip. Each stage's cases are split in chunks so the test workers share them. The count
per profile is in conftest.MUTANT_CASES; the seed is CLEANPIPE_FUZZ_SEED (0 by default,
so a CI run is reproducible; `make fuzz` draws a new one and prints it).
"""

from __future__ import annotations

from collections.abc import Callable

import properties as prop
import pytest
from mutants import Mutants

from cleanpipe import Document
from cleanpipe.stages.emit import EmitSettings
from conftest import FUZZ_SEED, MUTANT_CASES, fuzz_case

CHUNKS = 10
URLS = [None, "https://example.com/a", "not a url", "javascript:x", "http://[::1", ""]


def _text_or_lines(m: Mutants, stage: str, i: int) -> str:
    return str(m.case("lines" if i % 2 else "text", stage, i))


def _decode(m: Mutants, stage: str, i: int) -> None:
    prop.check_decode(bytes(m.case("bytes", stage, i)))


def _looks_like_html(m: Mutants, stage: str, i: int) -> None:
    prop.check_looks_like_html(str(m.case(("html", "text", "lines")[i % 3], stage, i)))


def _extract_text(m: Mutants, stage: str, i: int) -> None:
    prop.check_extract_text(_text_or_lines(m, stage, i))


def _extract_html(m: Mutants, stage: str, i: int) -> None:
    prop.check_extract_html(str(m.case("html", stage, i)), URLS[i % len(URLS)])


def _repair(m: Mutants, stage: str, i: int) -> None:
    prop.check_repair(_text_or_lines(m, stage, i))


def _normalize(m: Mutants, stage: str, i: int) -> None:
    prop.check_normalize(_text_or_lines(m, stage, i))


def _chrome(m: Mutants, stage: str, i: int) -> None:
    prop.check_chrome(_text_or_lines(m, stage, i))


def _html_or_none(m: Mutants, stage: str, i: int) -> str | None:
    return str(m.case("html", stage + "/html", i)) if i % 3 == 0 else None


def _language(m: Mutants, stage: str, i: int) -> None:
    prop.check_language(_text_or_lines(m, stage, i), _html_or_none(m, stage, i))


def _translation(m: Mutants, stage: str, i: int) -> None:
    text, html = _text_or_lines(m, stage, i), _html_or_none(m, stage, i)
    language = prop.check_language(text, html) if i % 4 else None
    prop.check_translation(text, language, html)


def _to_record(m: Mutants, stage: str, i: int) -> None:
    def piece(k: int) -> str:
        return str(m.case("text", f"{stage}/{k}", i))

    doc = Document(source=piece(0), text=_text_or_lines(m, stage, i),
                   kind=(None, "html", "text")[i % 3], reason=piece(1) if i % 5 == 0 else None,
                   metadata={k: piece(n) for n, k in enumerate(("title", "author", "date",
                                                                "url", "sitename"), 2)})
    for k in range(i % 4):
        doc.log("chrome", piece(10 + k), "remove", piece(20 + k), k if i % 2 else None)
    doc.stages.extend(["decode", "extract"])
    prop.check_to_record(doc, EmitSettings(bool(i & 1), bool(i & 2), bool(i & 4)))


def _pipeline(m: Mutants, stage: str, i: int) -> None:
    kind = ("bytes", "bytes", "html", "lines")[i % 4]
    prop.check_pipeline(m.case(kind, stage, i), "fuzz.bin")


STAGES: dict[str, Callable[[Mutants, str, int], None]] = {
    "decode_bytes": _decode,
    "looks_like_html": _looks_like_html,
    "extract_text": _extract_text,
    "extract_html": _extract_html,
    "repair_text": _repair,
    "strip_chrome": _chrome,
    "language": _language,
    "translation": _translation,
    "normalize_text": _normalize,
    "to_record": _to_record,
    "Pipeline.process": _pipeline,
}


@pytest.mark.parametrize("chunk", range(CHUNKS))
@pytest.mark.parametrize("stage", list(STAGES))
def test_mutants(stage: str, chunk: int) -> None:
    mutants = Mutants(FUZZ_SEED)
    check = STAGES[stage]
    for i in range(chunk, MUTANT_CASES, CHUNKS):
        try:
            check(mutants, stage, i)
        except Exception as exc:
            raise AssertionError(
                f"{stage}: mutation case {i} failed with {exc!r}; reproduce it with "
                f"test_mutants.{check.__name__}(Mutants({FUZZ_SEED}), {stage!r}, {i})") from exc
        fuzz_case(stage, "mutation")
