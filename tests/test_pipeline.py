"""Pipeline-level behaviour: pickling, stats, output size, records that cannot be written."""

from __future__ import annotations

import dataclasses
import json
import pickle
from typing import Any

from cleanpipe import Document, Pipeline, load_rules
from cleanpipe.config.limits import Limits
from cleanpipe.pipeline import json_size_bound
from cleanpipe.stats import PipelineStats
from conftest import FIXTURES, PAGES, SEED


def with_limits(**limits: Any) -> Pipeline:
    return Pipeline.from_ruleset(dataclasses.replace(load_rules(), limits=Limits(**limits)))


def test_pipeline_and_document_pickle(pipeline: Pipeline) -> None:
    clone = pickle.loads(pickle.dumps(pipeline))
    assert clone.names == pipeline.names and clone.limits == pipeline.limits
    data = SEED.read_bytes()
    assert clone.process(data, "seed") == pipeline.process(data, "seed")
    doc = pipeline.run(Document(source="seed", raw=data))
    again = pickle.loads(pickle.dumps(doc))
    assert again.text == doc.text and again.trail == doc.trail and again.record == doc.record


def test_run_fills_the_runners_stats(pipeline: Pipeline) -> None:
    stats = PipelineStats()
    records = list(pipeline.map([(p.name, p.read_bytes()) for p in sorted(PAGES.iterdir())],
                                stats=stats))
    assert len(records) == len(list(PAGES.iterdir()))
    assert list(stats.stages) == pipeline.names
    assert all(s.documents == len(records) for s in stats.stages.values())
    assert stats.stages["chrome"].chars_removed > 0 and stats.seconds > 0
    failed = PipelineStats()
    pipeline.process(b"", "empty", stats=failed)
    assert failed.as_dict()["decode"]["errors"] == 1 and "extract" not in failed.stages


def test_a_record_over_max_output_bytes_becomes_an_error_record() -> None:
    pipe = with_limits(max_output_bytes=2048)
    small = pipe.process(b"A short text.\n", "small.txt")
    assert "error" not in small
    big = pipe.process(("Quite a long sentence here. " * 200).encode(), "big.txt")
    assert big["source"] == "big.txt"
    assert big["error"]["stage"] == "emit"
    assert "over limits.max_output_bytes (2048)" in big["error"]["message"]


def test_the_limit_counts_utf8_bytes_of_the_json() -> None:
    text = "é" * 800  # 800 characters, 1600 bytes, within 2048 only as characters + JSON
    record = with_limits(max_output_bytes=2048).process(text * 2, "e.txt")
    assert "error" in record
    assert len(json.dumps(record, ensure_ascii=False).encode()) < 2048


def test_a_table_of_rows_is_bounded_by_column_and_still_gives_up_where_it_must() -> None:
    from cleanpipe.pipeline import _rows_bound

    rows: list[dict[Any, Any]] = [
        {"stage": "chrome", "rule": f"r{i}", "text": "x\" \\ \x01 é 😀" * (i % 4), "line": i}
        for i in range(40)]
    rows[3].pop("line")
    rows[5]["line"] = None
    rows[7]["extra"] = True
    rows[9]["score"] = -1.5e300
    for table in (rows, rows[:8]):
        bound = _rows_bound(table)
        assert bound is not None and bound == json_size_bound(table)
        assert bound >= len(json.dumps(table, ensure_ascii=False).encode("utf-8"))
    # what a table cannot hold goes back to the walk, which gives the same answers
    for bad in ({"text": "lone \udc80"}, {"\ud800": 1}, {1: "int key"}, {"big": 10**30},
                {"set": {1}}, {"nested": {"k": "v"}}):
        table = [*rows[:10], bad]
        assert _rows_bound(table) is None
        walked = json_size_bound(table)
        if "nested" in bad:
            assert walked is not None and walked >= len(
                json.dumps(table, ensure_ascii=False).encode("utf-8"))
        else:
            assert walked is None
    assert _rows_bound([*rows[:10], "not a row"]) is None


def test_lone_surrogates_in_a_str_input_give_an_error_record_not_a_crash() -> None:
    pipe = Pipeline.from_ruleset(dataclasses.replace(
        load_rules(), stages=("decode", "extract", "normalize", "chrome", "emit")))
    record = pipe.process("Text with a lone \ud800 surrogate in it.", "s")
    json.dumps(record, ensure_ascii=False).encode("utf-8")
    assert record["error"]["stage"] == "emit"


def test_the_size_bound_is_never_below_the_json_and_gives_up_on_what_may_not_serialise(
) -> None:
    record = Pipeline.from_rules().process((FIXTURES / "dumps" / "forum-thread.txt")
                                           .read_bytes(), "forum-thread.txt")
    tricky = {"a": "quote \" backslash \\ control \x01 tab\t é 😀", "n": [1, -2.5e-300, None,
              True, (3, "x")], "d": {"k": {"j": []}}}
    for value in (record, tricky, "", [], {}, 10**17, float("nan")):
        bound = json_size_bound(value)
        assert bound is not None
        assert bound >= len(json.dumps(value, ensure_ascii=False).encode("utf-8"))
    for value in ({"s": "lone \udc80"}, {"\ud800": 1}, {1: "int key"}, {"set": {1}},
                  {"big": 10**30}, [object()]):
        assert json_size_bound(value) is None
    deep: list[Any] = []
    for _ in range(100):
        deep = [deep]
    assert json_size_bound(deep) is None
    loop: list[Any] = []
    loop.append(loop)
    assert json_size_bound(loop) is None
