from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass

from cleanpipe import Document, Pipeline, error_record
from cleanpipe.engines import Job, ProcessEngine, Result, SerialEngine, get_engine
from cleanpipe.stages.base import Stage
from conftest import PAGES


@dataclass(frozen=True)
class _Settings:
    pass


class Misbehave(Stage):
    """A test stage: ``sleep`` hangs, ``die`` kills its own process, else uppercases."""

    name = "misbehave"
    Settings = _Settings

    def __call__(self, doc: Document) -> Document:
        text = doc.text
        if text.startswith("sleep"):
            time.sleep(30)
        if text.startswith("die"):
            os.kill(os.getpid(), signal.SIGKILL)
        if text.startswith("boom"):
            raise ValueError("boom")
        doc.text = text.upper()
        doc.record = {"source": doc.source, "text": doc.text, "pid": os.getpid()}
        return doc


def toy() -> Pipeline:
    return Pipeline([Misbehave()])


def jobs(texts: list[str]) -> Iterator[tuple[int, Job]]:
    for i, text in enumerate(texts):
        yield i, Job(f"doc{i}", text)


def test_pool_matches_serial_and_keeps_order(pipeline: Pipeline) -> None:
    pages = sorted(PAGES.iterdir()) * 3
    tasks = [(p.name, Job(p.name, p.read_bytes())) for p in pages]
    serial = [(k, r.record) for k, r in SerialEngine().map(pipeline, tasks)]
    pooled = [(k, r.record) for k, r in ProcessEngine(2).map(pipeline, tasks)]
    assert pooled == serial
    assert [k for k, _ in pooled] == [p.name for p in pages]


def test_time_limit_kills_the_worker_and_the_batch_goes_on() -> None:
    texts = ["a", "sleep", "b", "c", "d"]
    start = time.monotonic()
    out = list(ProcessEngine(2, time_limit=0.5).map(toy(), jobs(texts)))
    assert time.monotonic() - start < 20
    assert [k for k, _ in out] == [0, 1, 2, 3, 4]
    records = [r.record for _, r in out]
    assert records[1] == {"source": "doc1", "error": {
        "stage": "limits", "type": "TimeLimit",
        "message": "took over limits.time_limit (0.5 s); stopped"}}
    assert [r["text"] for i, r in enumerate(records) if i != 1] == ["A", "B", "C", "D"]
    assert out[1][1].stats.stages["limits"].errors == 1


def test_a_dying_worker_is_replaced_and_reported() -> None:
    texts = ["a", "die", "b", "die", "c", "boom", "d"]
    out = list(ProcessEngine(2).map(toy(), jobs(texts)))
    records = [r.record for _, r in out]
    assert len(records) == len(texts)
    assert [r["error"]["type"] for r in records if "error" in r] == [
        "WorkerDied", "WorkerDied", "ValueError"]
    assert "SIGKILL" in records[1]["error"]["message"]
    assert [r["text"] for r in records if "error" not in r] == ["A", "B", "C", "D"]


def test_reads_ahead_at_most_the_window() -> None:
    taken = 0

    def tasks() -> Iterator[tuple[int, Job]]:
        nonlocal taken
        for i in range(200):
            taken += 1
            yield i, Job(f"d{i}", "x")

    results = ProcessEngine(1, window=5).map(toy(), tasks())
    next(results)
    assert taken <= 6
    assert len(list(results)) == 199


def test_ready_results_pass_through_in_place_and_unordered_gets_all() -> None:
    made = Result(error_record("bad", "read", "cannot read"))
    tasks: list[tuple[int, Job | Result]] = [(0, Job("a", "a")), (1, made), (2, Job("b", "b"))]
    out = list(ProcessEngine(2).map(toy(), tasks))
    assert [k for k, _ in out] == [0, 1, 2] and out[1][1] is made
    unordered = ProcessEngine(2, ordered=False).map(toy(), list(jobs(["a", "b", "c"])))
    assert sorted(k for k, _ in unordered) == [0, 1, 2]


def test_workers_are_retired_after_max_tasks() -> None:
    out = list(ProcessEngine(1, max_tasks_per_worker=3).map(toy(), jobs(["x"] * 7)))
    pids = [r.record["pid"] for _, r in out]
    assert len(set(pids[:3])) == 1 and len(set(pids)) == 3
    assert pids[2] != pids[3] and pids[5] != pids[6]


def test_workers_are_retired_after_max_bytes() -> None:
    """The budget counts the input handed over: the worker that reaches it finishes
    that document, and the next one goes to a fresh worker."""
    texts = ["x" * 40, "y" * 40, "z" * 30, "w" * 10, "v" * 100, "u"]
    engine = ProcessEngine(1, max_bytes_per_worker=100, max_tasks_per_worker=None)
    pids = [r.record["pid"] for _, r in engine.map(toy(), jobs(texts))]
    # 40+40+30 reaches 100 on the third; 10+100 on the fifth; the sixth starts a third
    assert pids[0] == pids[1] == pids[2] != pids[3] == pids[4] != pids[5]
    assert len(set(pids)) == 3


def test_get_engine() -> None:
    assert isinstance(get_engine("local", workers=0), SerialEngine)
    assert get_engine("local", workers=3).workers == 3
