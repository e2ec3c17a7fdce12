"""What every engine shares: the unit of work, its result, and how one job is run.

An engine takes ``(key, Job | Result)`` pairs and yields ``(key, Result)`` pairs,
exactly one per input, in input order unless asked otherwise. ``key`` stays with the
caller (it is never sent to a worker); a ``Result`` given in place of a job (an input
that could not be read) passes through in its place. Stages know nothing of engines.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from cleanpipe.pipeline import Pipeline, error_record
from cleanpipe.stats import PipelineStats

K = TypeVar("K")


@dataclass(frozen=True, slots=True)
class Job:
    """One document for a worker: its source name, raw bytes or text, seed metadata."""

    source: str
    data: bytes | str
    metadata: dict[str, Any] | None = None


@dataclass(slots=True)
class Result:
    """One record, the stage counters it produced, and the seconds the pipeline took."""

    record: dict[str, Any]
    stats: PipelineStats = field(default_factory=PipelineStats)
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return "error" in self.record


class TimeLimit(Exception):
    """A document took longer than ``limits.time_limit``; its worker was stopped."""


class WorkerDied(Exception):
    """The worker process running a document died (killed, crashed)."""


def failure(source: str, stage: str, exc: BaseException, seconds: float = 0.0) -> Result:
    """A Result holding an error record, counted against ``stage``."""
    stats = PipelineStats()
    stats.add(stage, seconds, 0, failed=True)
    return Result(error_record(source, stage, exc), stats, seconds)


def process_job(pipeline: Pipeline, job: Job) -> Result:
    """Run one job through the pipeline, in whatever process or thread this is."""
    stats = PipelineStats()
    start = time.perf_counter()
    record = pipeline.process(job.data, job.source, job.metadata, stats=stats)
    return Result(record, stats, time.perf_counter() - start)


def process_partition(pipeline: Pipeline, jobs: list[Job]) -> list[Result]:
    """Run a list of jobs in order; the unit of work of cluster back ends."""
    return [process_job(pipeline, job) for job in jobs]


class Engine(Protocol):
    """Runs a pipeline over many jobs; see the module docstring for the contract."""

    workers: int

    def map(self, pipeline: Pipeline,
            tasks: Iterable[tuple[K, Job | Result]]) -> Iterator[tuple[K, Result]]: ...


class SerialEngine:
    """Everything in this process, one job after another (no time limit is enforced)."""

    workers = 1

    def map(self, pipeline: Pipeline,
            tasks: Iterable[tuple[K, Job | Result]]) -> Iterator[tuple[K, Result]]:
        for key, task in tasks:
            yield key, task if isinstance(task, Result) else process_job(pipeline, task)
