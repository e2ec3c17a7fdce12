"""Per-stage counters a runner owns and hands to :meth:`Pipeline.run` to fill in.

The pipeline only adds numbers; engines merge the stats of their workers and the CLI
prints them. Plain dataclasses, so they pickle across processes and clusters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class StageStats:
    """documents: entered the stage; chars_removed: text it took out (never negative)."""

    documents: int = 0
    chars_removed: int = 0
    errors: int = 0
    seconds: float = 0.0

    def merge(self, other: StageStats) -> None:
        self.documents += other.documents
        self.chars_removed += other.chars_removed
        self.errors += other.errors
        self.seconds += other.seconds


@dataclass(slots=True)
class PipelineStats:
    """Counters per stage name, in the order stages were first seen."""

    stages: dict[str, StageStats] = field(default_factory=dict)

    def add(self, stage: str, seconds: float, chars_removed: int, failed: bool) -> None:
        entry = self.stages.get(stage)
        if entry is None:
            entry = self.stages[stage] = StageStats()
        entry.documents += 1
        entry.chars_removed += max(0, chars_removed)
        entry.errors += int(failed)
        entry.seconds += seconds

    def merge(self, other: PipelineStats) -> None:
        for name, entry in other.stages.items():
            self.stages.setdefault(name, StageStats()).merge(entry)

    @property
    def seconds(self) -> float:
        return sum(s.seconds for s in self.stages.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            name: {
                "documents": s.documents,
                "chars_removed": s.chars_removed,
                "errors": s.errors,
                "seconds": round(s.seconds, 6),
            }
            for name, s in self.stages.items()
        }


@dataclass(slots=True)
class BatchStats:
    """What a batch did: inputs, records, errors, skips, time, and the stage counters."""

    inputs: int = 0
    articles: int = 0
    errors: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    errors_by_stage: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    pipeline_seconds: float = 0.0
    workers: int = 1
    engine: str = "local"
    stages: PipelineStats = field(default_factory=PipelineStats)

    def count(self, record: dict[str, Any], stats: PipelineStats, seconds: float) -> None:
        self.inputs += 1
        error = record.get("error")
        if error is not None:
            self.errors += 1
            stage = str(error.get("stage", "?"))
            self.errors_by_stage[stage] = self.errors_by_stage.get(stage, 0) + 1
        else:
            self.articles += 1
        self.stages.merge(stats)
        self.pipeline_seconds += seconds

    def as_dict(self) -> dict[str, Any]:
        rate = self.inputs / self.seconds if self.seconds > 0 else None
        busy = self.pipeline_seconds / (self.seconds * self.workers) if self.seconds else None
        return {
            "inputs": self.inputs,
            "articles": self.articles,
            "errors": self.errors,
            "errors_by_stage": dict(self.errors_by_stage),
            "skipped": dict(self.skipped),
            "engine": self.engine,
            "workers": self.workers,
            "seconds": round(self.seconds, 6),
            "pipeline_seconds": round(self.pipeline_seconds, 6),
            "pages_per_second": round(rate, 3) if rate is not None else None,
            "worker_busy_share": round(busy, 4) if busy is not None else None,
            "stages": self.stages.as_dict(),
        }

    def summary(self) -> str:
        """A table for stderr: one line per stage, then the totals."""
        lines = [f"{'stage':<10} {'documents':>10} {'chars removed':>14} {'errors':>7} "
                 f"{'seconds':>9}"]
        for name, s in self.stages.stages.items():
            lines.append(f"{name:<10} {s.documents:>10} {s.chars_removed:>14} {s.errors:>7} "
                         f"{s.seconds:>9.2f}")
        rate = self.inputs / self.seconds if self.seconds > 0 else 0.0
        lines.append(f"{self.inputs} inputs: {self.articles} articles, {self.errors} errors "
                     f"in {self.seconds:.1f} s ({rate:.1f} pages/s, {self.workers} "
                     f"worker{'s' if self.workers != 1 else ''})")
        if self.skipped:
            lines.append("skipped: " + ", ".join(f"{v} {k.replace('_', ' ')}"
                                                 for k, v in sorted(self.skipped.items())))
        return "\n".join(lines)
