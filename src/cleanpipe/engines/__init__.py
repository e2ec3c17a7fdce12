"""How a pipeline is run over many documents: here, in a process pool, or on Dask.

Engines import the pipeline; the pipeline and its stages never import an engine.
"""

from __future__ import annotations

from cleanpipe.engines.base import (
    Engine,
    Job,
    Result,
    SerialEngine,
    TimeLimit,
    WorkerDied,
    process_job,
    process_partition,
)
from cleanpipe.engines.local import ProcessEngine, local_engine

ENGINES = ("local", "dask")


def get_engine(name: str = "local", *, workers: int | None = None,
               scheduler: str | None = None, ordered: bool = True) -> Engine:
    """The engine the CLI's ``--engine``, ``-j`` and ``--scheduler`` describe."""
    if name == "dask":
        from cleanpipe.engines.dask import DaskEngine

        return DaskEngine(scheduler, workers=workers)
    if name != "local":
        raise ValueError(f"unknown engine {name!r} (choose from {', '.join(ENGINES)})")
    return local_engine(workers, ordered=ordered)


__all__ = [
    "ENGINES",
    "Engine",
    "Job",
    "ProcessEngine",
    "Result",
    "SerialEngine",
    "TimeLimit",
    "WorkerDied",
    "get_engine",
    "local_engine",
    "process_job",
    "process_partition",
]

