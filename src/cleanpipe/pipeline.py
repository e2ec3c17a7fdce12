"""A pipeline is an ordered list of stages; it chains calls and turns crashes into records."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from typing import Any

from cleanpipe.config import RuleSet, load_rules
from cleanpipe.config.limits import Limits
from cleanpipe.document import Document, StageError
from cleanpipe.stages import REGISTRY, Stage
from cleanpipe.stages.emit import to_record
from cleanpipe.stats import PipelineStats


def error_record(source: str, stage: str, exc: BaseException | str) -> dict[str, Any]:
    """The record written in place of an article when an input fails."""
    if isinstance(exc, BaseException):
        kind = "StageError" if isinstance(exc, StageError) else type(exc).__name__
        message = str(exc) or kind
    else:
        kind, message = "Error", exc
    return {"source": source, "error": {"stage": stage, "type": kind, "message": message}}


class Pipeline:
    """The stages named by ``rules.stages``, each bound to its validated rules.

    >>> pipe = Pipeline.from_rules()            # default rules, or $CLEANPIPE_RULES
    >>> record = pipe.process(b"<html>...</html>", source="page.html")
    """

    def __init__(self, stages: Iterable[Stage], rules: RuleSet | None = None) -> None:
        self.stages = list(stages)
        self.rules = rules
        self.limits = rules.limits if rules is not None else Limits()

    @classmethod
    def from_rules(
        cls, rules_dir: str | os.PathLike[str] | None = None, *, defaults: bool = True
    ) -> Pipeline:
        """Build the pipeline from the default rules overlaid with ``rules_dir``."""
        rules = load_rules(rules_dir, defaults=defaults)
        return cls.from_ruleset(rules)

    @classmethod
    def from_ruleset(cls, rules: RuleSet) -> Pipeline:
        stages = []
        for name in rules.stages:
            settings, stage_rules = rules.for_stage(name)
            stages.append(REGISTRY[name](settings, stage_rules))
        return cls(stages, rules)

    def __reduce__(self) -> tuple[Any, ...]:
        return (self.__class__, (self.stages, self.rules))

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.stages]

    def run(self, doc: Document, stats: PipelineStats | None = None) -> Document:
        """Pass ``doc`` through every stage. Exceptions propagate, tagged with the stage.

        ``stats``, when given, gets each stage's time and the characters it removed.
        """
        for stage in self.stages:
            start, before = time.perf_counter(), len(doc.text)
            try:
                doc = stage(doc)
            except Exception as exc:
                exc.cleanpipe_stage = stage.name  # type: ignore[attr-defined]
                if stats is not None:
                    stats.add(stage.name, time.perf_counter() - start, 0, failed=True)
                raise
            if stats is not None:
                stats.add(stage.name, time.perf_counter() - start, before - len(doc.text),
                          failed=False)
            doc.stages.append(stage.name)
        return doc

    __call__ = run

    def process_document(
        self, doc: Document, stats: PipelineStats | None = None
    ) -> dict[str, Any]:
        """One document in, exactly one record out: the article, or an error record."""
        try:
            doc = self.run(doc, stats)
        except Exception as exc:  # noqa: BLE001 - a bad page must not stop a batch
            return error_record(doc.source, getattr(exc, "cleanpipe_stage", "pipeline"), exc)
        return doc.record if doc.record is not None else to_record(doc)

    def process(
        self,
        data: bytes | str,
        source: str = "-",
        metadata: dict[str, Any] | None = None,
        stats: PipelineStats | None = None,
    ) -> dict[str, Any]:
        """Clean one raw page (bytes, or already-decoded text)."""
        size = len(data)
        if size > self.limits.max_input_bytes:
            return error_record(source, "read", f"input is {size} bytes, over "
                                f"limits.max_input_bytes ({self.limits.max_input_bytes})")
        if isinstance(data, str):
            doc = Document(source=source, text=data, metadata=dict(metadata or {}))
        else:
            doc = Document(source=source, raw=data, metadata=dict(metadata or {}))
        return self.process_document(doc, stats)

    def map(
        self, items: Iterable[tuple[str, bytes | str]], stats: PipelineStats | None = None
    ) -> Iterator[dict[str, Any]]:
        """Records for ``(source, data)`` pairs, lazily and in order, in this process.

        For many processes or a cluster, hand the pipeline to an engine
        (:mod:`cleanpipe.engines`); the pipeline itself knows nothing about them.
        """
        for source, data in items:
            yield self.process(data, source, stats=stats)
