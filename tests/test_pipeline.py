from __future__ import annotations

import pickle

from cleanpipe import Document, Pipeline
from cleanpipe.stats import PipelineStats
from conftest import PAGES, SEED


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
