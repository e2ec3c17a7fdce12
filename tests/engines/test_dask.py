from __future__ import annotations

from collections.abc import Iterator

import pytest

from cleanpipe import Pipeline, error_record
from cleanpipe.engines import Job, Result, SerialEngine
from conftest import PAGES

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                       dashboard_address=None)
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


def test_dask_runs_the_same_pipeline_in_order(client: object, pipeline: Pipeline) -> None:
    from cleanpipe.engines.dask import DaskEngine

    pages = sorted(PAGES.iterdir()) * 3
    tasks: list[tuple[str, Job | Result]] = [(p.name, Job(p.name, p.read_bytes()))
                                              for p in pages]
    tasks.insert(4, ("unreadable", Result(error_record("unreadable", "read", "cannot read"))))
    engine = DaskEngine(client, partition_size=4, in_flight=2)
    got = [(k, r.record) for k, r in engine.map(pipeline, tasks)]
    want = [(k, r.record) for k, r in SerialEngine().map(pipeline, tasks)]
    assert got == want
    assert engine.workers == 2


def test_a_failed_partition_still_yields_one_record_each(client: object,
                                                        pipeline: Pipeline) -> None:
    from cleanpipe.engines.dask import DaskEngine

    # data of the wrong type fails outside the per-document guard: the task itself fails
    tasks: list[tuple[int, Job | Result]] = [(0, Job("d0", "fine")), (1, Job("d1", 5)),  # type: ignore[arg-type]
                                             (2, Job("d2", "fine"))]
    out = list(DaskEngine(client, partition_size=2).map(pipeline, tasks))
    assert [k for k, _ in out] == [0, 1, 2]
    errors = [r.record["error"] for _, r in out[:2]]
    assert [e["type"] for e in errors] == ["WorkerDied", "WorkerDied"]
    assert "TypeError" in errors[1]["message"]
    assert "error" not in out[2][1].record
