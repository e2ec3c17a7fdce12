"""The per-document time limit of the single-process path (cleanpipe.deadline)."""

from __future__ import annotations

import dataclasses
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from cleanpipe import Document, Pipeline, load_rules
from cleanpipe.config.limits import Limits
from cleanpipe.deadline import DocumentTimeout, deadline
from cleanpipe.stages.base import Stage

PAGE = (b"<html><body><article><p>" + b"A sentence of the article. " * 40
        + b"</p></article></body></html>")


def with_limits(**limits: Any) -> Pipeline:
    rules = load_rules()
    return Pipeline.from_ruleset(dataclasses.replace(rules, limits=Limits(**limits)))


class Slow(Stage):
    """A stage that spins in Python for ``seconds``, like a runaway extractor."""

    name = "slow"
    Settings = dict
    seconds = 30.0
    swallow = False

    def __call__(self, doc: Document) -> Document:
        end = time.monotonic() + self.seconds
        while time.monotonic() < end:
            try:
                sum(range(1000))
            except Exception:  # noqa: BLE001 - what careless library code does
                if not self.swallow:
                    raise
        return doc


def pipeline_with_slow_stage(time_limit: float, **attrs: Any) -> Pipeline:
    pipe = with_limits(time_limit=time_limit)
    slow = Slow()
    for key, value in attrs.items():
        setattr(slow, key, value)
    pipe.stages.insert(2, slow)
    return pipe


def test_a_runaway_stage_is_stopped_and_reported_within_the_limit() -> None:
    pipe = pipeline_with_slow_stage(0.5)
    start = time.monotonic()
    record = pipe.process(PAGE, "slow.html")
    elapsed = time.monotonic() - start
    assert record["error"] == {"stage": "slow", "type": "DocumentTimeout",
                               "message": "document took longer than limits.time_limit (0.5 s)"}
    assert elapsed < 0.5 + 1


def test_except_exception_in_library_code_does_not_swallow_the_timeout() -> None:
    pipe = pipeline_with_slow_stage(0.3, swallow=True)
    start = time.monotonic()
    assert pipe.process(PAGE, "p")["error"]["type"] == "DocumentTimeout"
    assert time.monotonic() - start < 0.3 + 1


def test_the_next_document_runs_normally_and_the_timer_is_disarmed() -> None:
    before = signal.getsignal(signal.SIGALRM)
    pipe = with_limits(time_limit=5)
    record = pipe.process(PAGE, "ok.html")
    assert "error" not in record and "A sentence" in record["text"]
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is before
    time.sleep(0.1)  # no late alarm


def test_outside_the_main_thread_the_limit_is_checked_between_stages() -> None:
    pipe = pipeline_with_slow_stage(0.2, seconds=0.6)
    out: list[dict[str, Any]] = []
    worker = threading.Thread(target=lambda: out.append(pipe.process(PAGE, "t")))
    worker.start()
    worker.join(10)
    assert out[0]["error"]["type"] == "DocumentTimeout"
    assert out[0]["error"]["stage"] == "slow"  # stopped once the slow stage returned


def test_an_outer_timer_is_left_alone() -> None:
    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(1))
    signal.setitimer(signal.ITIMER_REAL, 30)
    try:
        with deadline(0.01) as state:
            assert not state.uses_signal
            time.sleep(0.05)
            with pytest.raises(DocumentTimeout):
                state.check()
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_slow_user_regex_over_many_lines_is_held_to_the_time_limit(tmp_path: Path) -> None:
    """Each line costs a regex rule its whole regex_timeout; the document is still cut."""
    (tmp_path / "chrome.yaml").write_text(
        "stage: chrome\n"
        "settings:\n  regex_timeout: 0.02\n"
        "rules:\n"
        "  - id: catastrophic\n    kind: regex\n    pattern: '(a+)+$'\n",
        encoding="utf-8")
    (tmp_path / "pipeline.yaml").write_text("limits:\n  time_limit: 1\n", encoding="utf-8")
    pipe = Pipeline.from_rules(tmp_path)
    # each line ends with "a", as a match must (the chrome prefilter skips lines that
    # cannot match), but fails at the "!" only after exponential backtracking
    text = ("a" * 300 + "!a\n\n") * 2000  # 2000 lines x 0.02 s = 40 s without the limit
    start = time.monotonic()
    record = pipe.process(text.encode(), "redos.txt")
    elapsed = time.monotonic() - start
    assert record["error"]["type"] == "DocumentTimeout"
    assert record["error"]["stage"] == "chrome"
    assert elapsed < 1 + 1
