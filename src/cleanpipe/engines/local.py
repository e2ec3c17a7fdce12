"""Run a pipeline on this machine: a pool of worker processes that survives bad pages.

Each worker holds one document at a time, so the pool always knows which document a
worker is on and since when. A document over ``limits.time_limit`` gets its worker
killed and replaced, and becomes a ``TimeLimit`` error record; a worker that dies
(killed, segfault, out of memory) becomes a ``WorkerDied`` record for its document and
is replaced. At most ``window`` inputs are read ahead of the oldest one not yet
yielded, so memory stays bounded however long the batch, and order is kept.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
import time
from collections import deque
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any

from cleanpipe.engines.base import (
    Job,
    K,
    Result,
    SerialEngine,
    TimeLimit,
    WorkerDied,
    failure,
    process_job,
)
from cleanpipe.pipeline import Pipeline

__all__ = ["ProcessEngine", "SerialEngine"]

# Modules the fork server imports once, so a replacement worker starts warm; the last
# one builds the default pipeline there (the language model, the compiled rules).
_PRELOAD = ["cleanpipe.pipeline", "trafilatura", "cleanpipe.engines.warm"]
_READY = "ready"
# Seconds a new worker may take to start (unpickle the pipeline) before it counts as dead.
STARTUP_LIMIT = 120.0


def _worker_main(conn: Connection, pipeline: Pipeline) -> None:
    """Receive jobs, send results, until the parent says stop or goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        conn.send(_READY)  # the time limit starts counting from here, not from the fork
    except OSError:
        return
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            result = process_job(pipeline, job)
        except BaseException as exc:  # noqa: BLE001 - report, never die silently
            result = failure(job.source, "pipeline", exc)
        try:
            conn.send(result)
        except (OSError, ValueError):
            return


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "it stopped answering"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


class _Worker:
    def __init__(self, ctx: Any, pipeline: Pipeline) -> None:
        parent, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_worker_main, args=(child, pipeline), daemon=True)
        self.proc.start()
        child.close()
        self.conn: Connection = parent
        self.seq: int | None = None
        self.started = time.monotonic()
        self.ready = False
        self.tasks = 0
        self.read = 0  # characters or bytes of the documents handed to it

    def send(self, seq: int, job: Job) -> None:
        self.seq = seq
        if self.ready:
            self.started = time.monotonic()
        self.conn.send(job)
        self.read += len(job.data)

    def deadline(self, limit: float) -> float:
        return self.started + (limit if self.ready else STARTUP_LIMIT)

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.proc.kill()
        else:
            with contextlib.suppress(OSError):
                self.conn.send(None)
        self.conn.close()
        self.proc.join(timeout=None if kill else 5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()


class ProcessEngine:
    """A pool of ``workers`` processes (default: the machine's cores).

    ordered: yield results in input order (default); otherwise as they finish.
    window: inputs read ahead of the oldest unfinished one (default 32 per worker).
    time_limit: seconds per document; default the pipeline's ``limits.time_limit``.
    max_bytes_per_worker: a worker is replaced once it has been handed this much input
        (bytes, or characters of text), so memory that parsers keep (caches, a fragmented
        heap) cannot creep up over a long batch. The creep follows the size of the pages
        parsed, and a replacement costs the same whatever they were: 128 MiB is ~480
        HTML pages of a typical crawl (278 KB on average) but ~8,800 text dumps (15 KB),
        where a budget of documents retired a worker every 2.7 s of work.
    max_tasks_per_worker: ... or this many documents, whichever comes first.
    start_method: multiprocessing start method; default ``forkserver`` where there is
        one (safe with threads, and replacement workers start from a warm server).
    """

    def __init__(self, workers: int | None = None, *, ordered: bool = True,
                 window: int | None = None, time_limit: float | None = None,
                 max_bytes_per_worker: int | None = 128 << 20,
                 max_tasks_per_worker: int | None = 20_000,
                 start_method: str | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.max_bytes = max_bytes_per_worker
        self.max_tasks = max_tasks_per_worker
        self.ordered = ordered
        self.window = window or 32 * self.workers
        self.time_limit = time_limit
        if start_method is None:
            methods = mp.get_all_start_methods()
            start_method = "forkserver" if "forkserver" in methods else "spawn"
        self.start_method = start_method

    def _context(self) -> Any:
        ctx = mp.get_context(self.start_method)
        if self.start_method == "forkserver":
            ctx.set_forkserver_preload(_PRELOAD)
        return ctx

    def map(self, pipeline: Pipeline,
            tasks: Iterable[tuple[K, Job | Result]]) -> Iterator[tuple[K, Result]]:
        limit = self.time_limit if self.time_limit is not None else pipeline.limits.time_limit
        ctx = self._context()
        source = iter(tasks)
        exhausted = False
        keys: dict[int, K] = {}            # taken, not yet yielded
        jobs: dict[int, Job] = {}          # waiting for or on a worker
        waiting: deque[int] = deque()
        done: dict[int, Result] = {}
        taken = emitted = 0
        idle: list[_Worker] = []
        busy: list[_Worker] = []

        def finish(worker: _Worker, result: Result) -> None:
            assert worker.seq is not None
            jobs.pop(worker.seq)
            done[worker.seq] = result
            worker.seq = None

        try:
            while True:
                # read ahead, within the window
                while not exhausted and taken - emitted < self.window:
                    try:
                        key, task = next(source)
                    except StopIteration:
                        exhausted = True
                        break
                    keys[taken] = key
                    if isinstance(task, Result):
                        done[taken] = task
                    else:
                        jobs[taken] = task
                        waiting.append(taken)
                    taken += 1
                # hand out work
                while waiting and (idle or len(busy) < self.workers):
                    worker = idle.pop() if idle else _Worker(ctx, pipeline)
                    seq = waiting.popleft()
                    try:
                        worker.send(seq, jobs[seq])
                    except OSError:  # died while idle: replace it, keep the job
                        waiting.appendleft(seq)
                        worker.seq = None
                        worker.stop(kill=True)
                        continue
                    busy.append(worker)
                # yield what is ready
                ready = self._ready(done, emitted)
                if ready:
                    for seq in ready:
                        emitted += 1
                        yield keys.pop(seq), done.pop(seq)
                    continue
                if not busy:
                    if exhausted and not waiting:
                        return
                    continue
                # wait for a result, a death, or the next deadline
                now = time.monotonic()
                deadline = min(w.deadline(limit) for w in busy)
                handles: list[Any] = [w.conn for w in busy] + [w.proc.sentinel for w in busy]
                fired = set(wait(handles, timeout=max(0.0, deadline - now)))
                for worker in list(busy):
                    if worker.conn in fired or worker.proc.sentinel in fired:
                        result = self._receive(worker)
                        if result == _READY:
                            worker.ready, worker.started = True, time.monotonic()
                            continue
                        busy.remove(worker)
                        if isinstance(result, Result):
                            finish(worker, result)
                            worker.tasks += 1
                            if ((self.max_tasks and worker.tasks >= self.max_tasks)
                                    or (self.max_bytes and worker.read >= self.max_bytes)):
                                worker.stop()  # retire it; the next job starts a fresh one
                            else:
                                idle.append(worker)
                            continue
                        assert worker.seq is not None
                        worker.stop(kill=True)
                        finish(worker, failure(jobs[worker.seq].source, "worker", WorkerDied(
                            f"the worker process died ({_describe_exit(worker.proc.exitcode)})"
                            " while cleaning this document")))
                now = time.monotonic()
                for worker in list(busy):
                    if now >= worker.deadline(limit):
                        busy.remove(worker)
                        worker.stop(kill=True)
                        assert worker.seq is not None
                        doc = jobs[worker.seq].source
                        if worker.ready:
                            finish(worker, failure(doc, "limits", TimeLimit(
                                f"took over limits.time_limit ({limit:g} s); stopped"), limit))
                        else:
                            finish(worker, failure(doc, "worker", WorkerDied(
                                f"the worker process did not start in {STARTUP_LIMIT:g} s")))
        finally:
            for worker in idle + busy:
                worker.stop(kill=worker in busy)

    def _ready(self, done: dict[int, Result], emitted: int) -> list[int]:
        if not self.ordered:
            return list(done)
        out = []
        seq = emitted
        while seq in done:
            out.append(seq)
            seq += 1
        return out

    @staticmethod
    def _receive(worker: _Worker) -> Result | str | None:
        """The worker's result (or its ready signal), or None when it died without one."""
        try:
            if worker.conn.poll():
                result = worker.conn.recv()
                if isinstance(result, (Result, str)):
                    return result
        except (EOFError, OSError):
            pass
        return None


def local_engine(workers: int | None = None, **kwargs: Any) -> SerialEngine | ProcessEngine:
    """``workers=0``: the serial engine (this process); otherwise a process pool."""
    if workers == 0:
        return SerialEngine()
    return ProcessEngine(workers, **kwargs)
