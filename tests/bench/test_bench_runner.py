"""Scoring and the language-stage section of the runner, on made-up pages."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from cleanpipe import load_rules
from cleanpipe.bench.data import Page
from cleanpipe.bench.runner import (
    batch_pass,
    fresh_process_pass,
    language_section,
    score_words,
    warm_up,
    warm_up_html,
    warm_up_languages,
    without_stages,
)
from cleanpipe.bench.systems import Cleanpipe, Extraction, Trafilatura


def page(pid: str, truth: str, page_type: str, title: str | None = None) -> Page:
    return Page(pid, b"", None, truth, page_type, title)


def test_score_words_by_page_type_and_title() -> None:
    pages = [page("1", "a b", "forum", "Hello"), page("2", "c d", "article", "World"),
             page("3", "e f", "forum")]
    outputs = [Extraction("a b", "hello", 0.5), Extraction("", "x", 0.25),
               Extraction("e", None, 0.25)]
    result = score_words(pages, outputs)
    assert result["f1"] == pytest.approx((1 + 0 + 2 / 3) / 3)
    assert list(result["types"]) == ["article", "forum"]  # the report's order
    assert result["types"]["forum"]["f1"] == pytest.approx((1 + 2 / 3) / 2)
    assert result["types"]["forum"]["pages"] == 2
    assert (result["title_accuracy"], result["title_pages"]) == (0.5, 2)
    assert result["pages_per_s"] == pytest.approx(3.0)


def test_without_stages_drops_only_the_named_ones() -> None:
    pipe = without_stages(load_rules(), ["chrome"])
    assert "chrome" not in pipe.names
    assert pipe.names[0] == "decode" and pipe.names[-1] == "emit"


def test_no_language_section_without_language_stages() -> None:
    pipe = without_stages(load_rules(), ["language", "translation"])
    assert language_section(pipe, {"aeb": [page("1", "x", "a")]}, None) is None


class FakeLanguagePipeline:
    """Stands in for a pipeline with a translation stage: flags texts that say so."""

    def __init__(self) -> None:
        rules = load_rules()
        base = [s for s in rules.stages if s not in ("language", "translation")]
        stages = (*base[:-1], "translation", base[-1])
        self.rules = dataclasses.replace(rules, stages=stages)
        self.names = list(stages)

    def process(self, data: bytes, source: str = "-",
                metadata: dict[str, Any] | None = None) -> dict[str, Any]:
        return {"text": data.decode(), "likely_machine_translated": b"translated" in data}


def test_language_section_shares_and_stage_cost() -> None:
    fake: Any = FakeLanguagePipeline()
    pages = [page("1", "a translated text", "article"), page("2", "plain", "article"),
             page("3", "", "article")]  # empty truth is not run
    half = [Extraction("", None, 0.0, record={"likely_machine_translated": True}),
            Extraction("", None, 0.0, record={})]
    section = language_section(fake, {"aeb": pages}, half)
    assert section is not None
    assert section["stages"] == ["translation"]
    assert section["machine_translated"]["aeb-truth"] == {"share": 0.5, "flagged": 1,
                                                          "pages": 2}
    assert section["machine_translated"]["trafilatura-half"]["share"] == 0.5
    assert section["html_pages"] == 3
    assert isinstance(section["ms_per_html_page"], float)


def test_warm_up_runs_a_copy_and_leaves_the_measured_pipeline_cold() -> None:
    """The text-path figure is taken after warm_up: per-process loading is paid, but the
    measured pipeline has not met the dumps' lines yet (its chrome memo is empty)."""
    from cleanpipe import Pipeline

    root = Path(__file__).resolve().parents[2] / "fixtures" / "dumps"
    dumps = [(page(p.stem, "", "article"), p.read_text(encoding="utf-8"))
             for p in sorted(root.glob("*.txt"))]
    pipe = Pipeline.from_rules()
    assert warm_up(pipe, dumps) > 0
    chrome = next(stage for stage in pipe.stages if stage.name == "chrome")
    assert chrome._matchers == {}
    assert pipe.process(dumps[0][1].encode("utf-8"))["text"]
    assert chrome._matchers


def test_batch_pass_times_every_dump_through_a_copy() -> None:
    """The text-path figure: one timed extraction per dump, in order, from a copy of the
    pipeline (the given one stays cold), with the text the pipeline itself gives."""
    from cleanpipe import Pipeline

    root = Path(__file__).resolve().parents[2] / "fixtures" / "dumps"
    dumps = [(page(p.stem, "", "article"), p.read_text(encoding="utf-8"))
             for p in sorted(root.glob("*.txt"))]
    pipe = Pipeline.from_rules()
    runs = batch_pass(pipe, dumps)
    chrome = next(stage for stage in pipe.stages if stage.name == "chrome")
    assert chrome._matchers == {}
    assert len(runs) == len(dumps) >= 2
    assert all(run.seconds > 0 and run.error is None for run in runs)
    fresh = Pipeline.from_rules()
    assert [run.text for run in runs] == [
        fresh.process(dump.encode("utf-8"))["text"] for _, dump in dumps]


def test_the_text_path_figure_comes_from_a_process_of_its_own(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The floor's figure: the same pass in a new process, which must give the same text
    the pipeline gives here, time every dump, and leave the given pipeline cold."""
    from cleanpipe import Pipeline

    root = Path(__file__).resolve().parents[2] / "fixtures" / "dumps"
    dumps = [(Page(p.stem, b"", f"https://example.org/{p.stem}", ""),
              p.read_text(encoding="utf-8")) for p in sorted(root.glob("*.txt"))]
    pipe = Pipeline.from_rules()
    expected = [pipe.process(dump.encode("utf-8"), metadata={"url": pg.url})["text"]
                for pg, dump in dumps]
    pipe = Pipeline.from_rules()

    def not_here(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the timed pass ran in the benchmark's process")

    monkeypatch.setattr(Pipeline, "process", not_here)  # a started process has the real one
    found = fresh_process_pass(pipe, dumps)
    assert found is not None
    first, runs = found
    assert first > 0
    assert len(runs) == len(dumps) >= 2
    assert all(run.seconds > 0 and run.error is None and run.record is None for run in runs)
    assert [run.text for run in runs] == expected
    chrome = next(stage for stage in pipe.stages if stage.name == "chrome")
    assert chrome._matchers == {}
    # a pipeline not built from rules cannot be rebuilt in another process
    assert fresh_process_pass(Pipeline(pipe.stages), dumps) is None


def test_html_warm_up_runs_fresh_copies_of_every_system_over_a_spread() -> None:
    """Before the HTML clock starts every system meets the same sample of pages through
    a fresh copy, so process-wide loading is paid and the measured pipeline stays cold."""
    from cleanpipe import Pipeline

    root = Path(__file__).resolve().parents[2] / "fixtures" / "pages"
    pages = [Page(p.stem, p.read_bytes(), None, "") for p in sorted(root.glob("*.html"))]
    assert pages
    pipe = Pipeline.from_rules()
    systems = [Cleanpipe(pipe), Trafilatura()]
    assert warm_up_html(systems, pages, at_most=2) == min(2, len(pages))
    assert warm_up_html(systems, pages[:1], at_most=5) == 1
    chrome = next(stage for stage in pipe.stages if stage.name == "chrome")
    assert chrome._matchers == {}
    copy = systems[0].fresh()
    assert copy.pipeline is not pipe
    assert copy.pipeline.names == pipe.names
    assert isinstance(systems[1].fresh(), Trafilatura)


def test_language_warm_up_loads_word_tables_through_a_copy(tmp_path: Path) -> None:
    """Every page's dump goes through a copy before the HTML clock starts, so the word
    tables of each language the sets hold are read, and the measured pipeline stays cold;
    the dumps are cached for the text-path section."""
    from cleanpipe import Pipeline
    from cleanpipe.stages.language import top_words

    root = Path(__file__).resolve().parents[2] / "fixtures" / "pages"
    pages = [Page(p.stem, p.read_bytes(), None, "") for p in sorted(root.glob("*.html"))]
    pipe = Pipeline.from_rules()
    top_words.cache_clear()
    assert warm_up_languages(pipe, [("fixtures", pages)], root, tmp_path) == len(pages)
    assert top_words.cache_info().currsize > 0
    assert len(list(tmp_path.glob("dumps-fixtures-*.json.gz"))) == 1
    chrome = next(stage for stage in pipe.stages if stage.name == "chrome")
    assert chrome._matchers == {}
