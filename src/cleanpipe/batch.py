"""A batch: read inputs, run them through an engine, write every record somewhere.

This is the wiring behind ``cleanpipe run``; it owns the writers, the counters, the
progress bar and ``--resume``. Engines run the pipeline; readers and writers do I/O.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from cleanpipe.engines import Engine, Job, Result
from cleanpipe.io.readers import RawInput, Reader, ReadOptions, count_inputs
from cleanpipe.io.writers import DirWriter, JsonLinesFileWriter, JsonLinesWriter, Writer
from cleanpipe.pipeline import Pipeline, error_record
from cleanpipe.stats import BatchStats, PipelineStats

log = logging.getLogger("cleanpipe")


@dataclass
class BatchOptions:
    """Where records go and how the batch behaves.

    output_dir: one ``.json`` per input under it; out_file: JSON Lines to this file
    (``.gz`` compresses); neither: JSON Lines on ``stdout``. errors_file: error records
    go there instead. resume: skip inputs whose output is up to date (``output_dir``:
    the output is not older than the input; a JSON Lines file: its source is already
    in ``out_file`` or ``errors_file``). progress: a bar on stderr (None: when it is a
    terminal). metadata: seeds every document (``--url``).
    """

    output_dir: str | None = None
    out_file: str | None = None
    errors_file: str | None = None
    stats_file: str | None = None
    resume: bool = False
    progress: bool | None = None
    summary: bool = True
    metadata: dict[str, Any] = field(default_factory=dict)
    read: ReadOptions = field(default_factory=ReadOptions)


def read_error(item: RawInput) -> dict[str, Any]:
    """The error record of an input that could not be read."""
    if item.error_type:
        return {"source": item.source,
                "error": {"stage": "read", "type": item.error_type, "message": item.error}}
    return error_record(item.source, "read", item.error or "cannot read")


def with_extra(record: dict[str, Any], extra: dict[str, Any] | None) -> dict[str, Any]:
    """Pass JSON Lines fields through; a name cleanpipe uses is kept as ``input_NAME``."""
    for key, value in (extra or {}).items():
        record[key if key not in record else f"input_{key}"] = value
    return record


class _Progress:
    """tqdm on stderr: pages/s, errors, and an ETA when the total is known."""

    def __init__(self, total: int | None) -> None:
        from tqdm import tqdm

        tqdm.monitor_interval = 0  # no monitor thread: worker processes are started later
        self.bar = tqdm(total=total, unit="page", file=sys.stderr, dynamic_ncols=True,
                        smoothing=0.1, mininterval=0.25)
        self.errors = 0

    def update(self, failed: bool) -> None:
        if failed:
            self.errors += 1
            self.bar.set_postfix(errors=self.errors, refresh=False)
        self.bar.update(1)

    def redirect_logging(self) -> contextlib.AbstractContextManager[None]:
        """Log lines printed above the bar instead of through it."""
        from tqdm.contrib.logging import logging_redirect_tqdm

        return logging_redirect_tqdm()

    def close(self) -> None:
        self.bar.close()


def run_batch(pipeline: Pipeline, engine: Engine, paths: list[str], options: BatchOptions,
              stdout: TextIO | None = None) -> BatchStats:
    """Clean every input under ``paths``; return the counters. Raises KeyboardInterrupt
    after leaving resumable outputs when interrupted."""
    stdout = stdout if stdout is not None else sys.stdout
    out: Writer
    done: set[str] = set()
    if options.output_dir:
        out = DirWriter(options.output_dir)
    elif options.out_file and options.out_file != "-":
        out = file_writer = JsonLinesFileWriter(options.out_file, resume=options.resume)
        done |= file_writer.sources
    else:
        out = JsonLinesWriter(stdout)
    errors: Writer | None = None
    if options.errors_file:
        errors_writer = JsonLinesFileWriter(options.errors_file, resume=options.resume)
        done |= errors_writer.sources
        errors = errors_writer

    def up_to_date(source: str, relpath: str, mtime_ns: int) -> bool:
        if source in done:
            return True
        return isinstance(out, DirWriter) and out.up_to_date(relpath, mtime_ns)

    reader = Reader(options.read, skip=up_to_date if options.resume else None)
    stats = BatchStats(workers=engine.workers, engine=type(engine).__name__)
    show = options.progress if options.progress is not None else sys.stderr.isatty()
    progress = _Progress(count_inputs(paths, options.read)) if show else None

    def tasks() -> Iterator[tuple[RawInput, Job | Result]]:
        for item in reader(paths):
            if item.error is not None or item.data is None:
                yield item, Result(read_error(item), _read_stats())
            else:
                meta = {**options.metadata, **(item.metadata or {})} or None
                yield item, Job(item.source, item.data, meta)

    start = time.perf_counter()
    results = engine.map(pipeline, tasks())
    complete = False
    quiet_logs = contextlib.nullcontext() if progress is None else progress.redirect_logging()
    try:
        with quiet_logs:
            for item, result in results:
                record = with_extra(result.record, item.extra)
                stats.count(record, result.stats, result.seconds)
                failed = "error" in record
                if failed:
                    err = record["error"]
                    log.warning("%s: %s: %s", item.source, err["stage"], err["message"])
                (errors if failed and errors is not None else out).write(record, item.relpath)
                if progress is not None:
                    progress.update(failed)
        complete = True
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()  # stops the workers now, even when interrupted
        if progress is not None:
            progress.close()
        out.close(complete)
        if errors is not None:
            errors.close(complete)
        stats.workers = engine.workers
        stats.seconds = time.perf_counter() - start
        stats.skipped = dict(reader.counters)
    if options.stats_file:
        with open(options.stats_file, "w", encoding="utf-8") as fh:
            json.dump(stats.as_dict(), fh, indent=2)
            fh.write("\n")
    if options.summary:
        print(stats.summary(), file=sys.stderr)
    return stats


def _read_stats() -> PipelineStats:
    stats = PipelineStats()
    stats.add("read", 0.0, 0, failed=True)
    return stats
