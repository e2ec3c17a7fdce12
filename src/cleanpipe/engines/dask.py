"""Run a pipeline on a Dask cluster: partitions of jobs sent with ``client.submit``.

The pipeline is scattered once to every worker; jobs travel in partitions of
``partition_size`` and at most ``in_flight`` partitions are out at a time, so the
batch streams through the cluster with bounded memory, results coming back in order.

Dask does not stop a running task, so ``limits.time_limit`` is not enforced here; a
worker that dies is replaced by the cluster and its partition retried (Dask's
``allowed-failures``), after which the partition's documents become error records.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from cleanpipe.engines.base import Job, K, Result, WorkerDied, failure, process_partition
from cleanpipe.pipeline import Pipeline

_MISSING = ("the Dask engine needs dask.distributed: pip install 'cleanpipe[dask]'")


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RuntimeError(_MISSING) from exc
    return distributed


class DaskEngine:
    """The same pipeline, run by Dask workers.

    scheduler: a scheduler address (``tcp://host:8786``), a ``distributed.Client``, or
        None for a local cluster of ``workers`` processes started for this batch.
    partition_size: jobs per task; in_flight: partitions submitted ahead (default: two
        per worker thread).
    """

    def __init__(self, scheduler: str | Any | None = None, *, workers: int | None = None,
                 partition_size: int = 32, in_flight: int | None = None) -> None:
        self.scheduler = scheduler
        self.workers = workers or 0
        self.partition_size = max(1, partition_size)
        self.in_flight = in_flight

    def _client(self) -> tuple[Any, list[Any]]:
        distributed = _distributed()
        if self.scheduler is not None and not isinstance(self.scheduler, str):
            return self.scheduler, []
        if self.scheduler:
            client = distributed.Client(self.scheduler)
            return client, [client]
        cluster = distributed.LocalCluster(n_workers=self.workers or None,
                                           threads_per_worker=1, processes=True,
                                           dashboard_address=None)
        client = distributed.Client(cluster)
        return client, [client, cluster]

    def map(self, pipeline: Pipeline,
            tasks: Iterable[tuple[K, Job | Result]]) -> Iterator[tuple[K, Result]]:
        client, owned = self._client()
        try:
            threads = sum(client.nthreads().values()) or 1
            self.workers = self.workers or threads
            ahead = self.in_flight or 2 * threads
            [remote_pipeline] = client.scatter([pipeline], broadcast=True)
            pending: deque[tuple[list[tuple[K, Job | Result]], Any]] = deque()
            for part in _partitions(tasks, self.partition_size):
                jobs = [t for _, t in part if isinstance(t, Job)]
                future = client.submit(process_partition, remote_pipeline, jobs, pure=False) \
                    if jobs else None
                pending.append((part, future))
                while len(pending) >= ahead:
                    yield from _collect(*pending.popleft())
            while pending:
                yield from _collect(*pending.popleft())
        finally:
            for thing in owned:
                thing.close()


def _partitions(tasks: Iterable[tuple[K, Job | Result]],
                size: int) -> Iterator[list[tuple[K, Job | Result]]]:
    part: list[tuple[K, Job | Result]] = []
    for task in tasks:
        part.append(task)
        if len(part) >= size:
            yield part
            part = []
    if part:
        yield part


def _collect(part: list[tuple[K, Job | Result]], future: Any) -> Iterator[tuple[K, Result]]:
    results: Iterator[Result]
    try:
        results = iter(future.result()) if future is not None else iter(())
    except Exception as exc:  # noqa: BLE001 - a lost partition must still yield records
        reason = f"the Dask task failed: {type(exc).__name__}: {exc}"
        results = iter([failure(t.source, "worker", WorkerDied(reason))
                        for _, t in part if isinstance(t, Job)])
    for key, task in part:
        yield key, task if isinstance(task, Result) else next(results)
