"""Show what the pipeline removed from a page, line by line, and why.

The line-level stages (``chrome`` and any stage that logs removals with a line number)
number lines in the text they received, so the explanation shows that text with each
removed line marked by the rule or evidence that removed it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cleanpipe.document import Document, Step
from cleanpipe.pipeline import Pipeline
from cleanpipe.stages.translation import TranslationReport


@dataclass(frozen=True)
class Line:
    number: int
    text: str
    removed_by: str | None = None  # "stage/rule", or None when kept


@dataclass(frozen=True)
class Explanation:
    source: str
    kind: str | None
    title: str | None
    stage: str | None  # the stage whose input is shown
    lines: tuple[Line, ...]
    text: str
    other_steps: tuple[Step, ...] = field(default=())
    error: str | None = None
    language: str | None = None
    declared_language: str | None = None
    translation: TranslationReport | None = None

    @property
    def removed(self) -> int:
        return sum(1 for line in self.lines if line.removed_by)


def explain(pipeline: Pipeline, data: bytes | str, source: str = "-") -> Explanation:
    """Run ``data`` through ``pipeline`` and map every line removal onto its input."""
    doc = (Document(source=source, text=data) if isinstance(data, str)
           else Document(source=source, raw=data))
    snapshots: dict[str, str] = {}
    try:
        for step in pipeline.stages:
            snapshots[step.name] = doc.text
            doc = step(doc)
            doc.stages.append(step.name)
    except Exception as exc:  # noqa: BLE001 - shown to the user, not raised
        return Explanation(source, doc.kind, None, None, (), "", tuple(doc.trail),
                           error=f"{type(exc).__name__}: {exc}")
    line_steps = [s for s in doc.trail if s.line is not None and s.action == "remove"]
    stage = line_steps[0].stage if line_steps else ("chrome" if "chrome" in snapshots else None)
    shown = snapshots.get(stage, doc.text) if stage else doc.text
    by_line = {s.line: f"{s.stage}/{s.rule}" for s in line_steps if s.stage == stage}
    lines = tuple(Line(i, text, by_line.get(i)) for i, text in enumerate(shown.split("\n")))
    others = tuple(s for s in doc.trail if not (s.stage == stage and s.line is not None))
    report = doc.metadata.get("translation")
    return Explanation(source, doc.kind, doc.metadata.get("title"), stage, lines, doc.text,
                       others, language=doc.metadata.get("language"),
                       declared_language=doc.metadata.get("declared_language"),
                       translation=report if isinstance(report, TranslationReport) else None)


def _translation_lines(ex: Explanation, width: int) -> list[str]:
    """The language verdict and each fired MT signal with its examples."""
    out = []
    if ex.language or ex.declared_language:
        declared = f", declared {ex.declared_language}" if ex.declared_language else ""
        out.append(f"language: {ex.language or 'undetermined'}{declared}")
    report = ex.translation
    if report is None:
        return out
    verdict = "likely machine-translated" if report.likely_machine_translated else "not flagged"
    out.append(f"-- machine translation: score {report.score:.2f}, {verdict}")
    for s in report.signals:
        out.append(f"   {s.id} x{s.count} ({s.rate:g} per 1,000 chars, +{s.contribution:.2f})"
                   + (f": {s.description}" if s.description else ""))
        for example in s.examples:
            shown = example if len(example) <= width else example[: width - 1] + "…"
            out.append(f"      {shown!r}")
    return out


_RED, _GREEN, _DIM, _BOLD, _RESET = "\x1b[31m", "\x1b[32m", "\x1b[2m", "\x1b[1m", "\x1b[0m"


def render(ex: Explanation, color: bool = False, width: int = 100) -> str:
    """A human-readable report: marked input, then the kept article."""

    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    out = [paint(_BOLD, f"== {ex.source}") + f"  ({ex.kind or 'unknown'} input)"]
    if ex.error:
        out.append(paint(_RED, f"error: {ex.error}"))
        return "\n".join(out) + "\n"
    if ex.title:
        out.append(f"title: {ex.title}")
    for step in ex.other_steps:
        detail = f": {step.text}" if step.text else ""
        out.append(paint(_DIM, f"   {step.stage}/{step.rule} {step.action}{detail}"[:width * 2]))
    for entry in _translation_lines(ex, width):
        out.append(paint(_BOLD, entry) if entry.startswith("--") else entry)
    if ex.stage:
        out.append(paint(_BOLD, f"-- input of the {ex.stage} stage, {ex.removed} of "
                                f"{sum(1 for x in ex.lines if x.text.strip())} lines removed"))
    number_width = len(str(len(ex.lines)))
    for line in ex.lines:
        if not line.text.strip():
            continue
        text = line.text if len(line.text) <= width else line.text[: width - 1] + "…"
        if line.removed_by:
            mark = paint(_RED, f"{line.number:>{number_width}} - {text}")
            out.append(f"{mark}  {paint(_DIM, '[' + line.removed_by + ']')}")
        else:
            out.append(f"{line.number:>{number_width}}   {text}")
    out.append(paint(_BOLD, "-- kept article"))
    out.append(paint(_GREEN, ex.text) if ex.text else paint(_DIM, "(empty)"))
    return "\n".join(out) + "\n"
