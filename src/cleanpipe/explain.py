"""Show what the pipeline removed from a page, line by line, and why.

The line-level stages (``chrome`` and any stage that logs removals with a line number)
number lines in the text they received, so the explanation shows that text with each
removed line marked by the rule or evidence that removed it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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


def explain(pipeline: Pipeline, data: bytes | str, source: str = "-",
            metadata: dict[str, Any] | None = None) -> Explanation:
    """Run ``data`` through ``pipeline`` and map every line removal onto its input."""
    meta = dict(metadata or {})
    doc = (Document(source=source, text=data, metadata=meta) if isinstance(data, str)
           else Document(source=source, raw=data, metadata=meta))
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
    shown_stage = (line_steps[0].stage if line_steps
                   else ("chrome" if "chrome" in snapshots else None))
    shown = snapshots.get(shown_stage, doc.text) if shown_stage else doc.text
    by_line = {s.line: f"{s.stage}/{s.rule}" for s in line_steps if s.stage == shown_stage}
    lines = tuple(Line(i, text, by_line.get(i)) for i, text in enumerate(shown.split("\n")))
    others = tuple(s for s in doc.trail
                   if not (s.stage == shown_stage and s.line is not None))
    report = doc.metadata.get("translation")
    return Explanation(source, doc.kind, doc.metadata.get("title"), shown_stage, lines,
                       doc.text, others, language=doc.metadata.get("language"),
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


_RED, _YELLOW, _CYAN, _GREEN = "\x1b[31m", "\x1b[33m", "\x1b[36m", "\x1b[32m"
_DIM, _BOLD, _RESET = "\x1b[2m", "\x1b[1m", "\x1b[0m"


def evidence_kind(removed_by: str) -> str:
    """``rule`` (a YAML rule), ``structure`` (the dump's shape) or ``site`` (learned)."""
    from cleanpipe.stages.textdump import EVIDENCE_IDS

    rule = removed_by.split("/", 1)[-1]
    if rule in EVIDENCE_IDS:
        return "structure"
    if rule == "site-profile" or rule.startswith("site-"):
        return "site"
    return "rule"


_KIND_COLOR = {"rule": _RED, "structure": _YELLOW, "site": _CYAN}


def _runs(lines: tuple[Line, ...]) -> list[list[Line]]:
    """Non-blank lines in runs: consecutive removals with one reason, or single kept lines."""
    runs: list[list[Line]] = []
    for line in lines:
        if not line.text.strip():
            continue
        last = runs[-1] if runs else None
        if last and line.removed_by and last[0].removed_by == line.removed_by:
            last.append(line)
        else:
            runs.append([line])
    return runs


def render(ex: Explanation, color: bool = False, width: int = 100, full: bool = False,
           max_run: int = 6) -> str:
    """A human-readable report: what was removed, by what, in the input; then the article.

    Consecutive lines removed for one reason form a run: the reason is shown on its
    first line, and a run longer than ``max_run`` is shortened unless ``full``.
    """

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
        total = sum(1 for x in ex.lines if x.text.strip())
        out.append(paint(_BOLD, f"-- input of the {ex.stage} stage, {ex.removed} of "
                                f"{total} lines removed"))
        counts: dict[str, dict[str, int]] = {}
        for line in ex.lines:
            if line.removed_by:
                by_kind = counts.setdefault(evidence_kind(line.removed_by), {})
                name = line.removed_by.split("/", 1)[-1]
                by_kind[name] = by_kind.get(name, 0) + 1
        for kind in ("rule", "site", "structure"):
            if kind in counts:
                items = sorted(counts[kind].items(), key=lambda kv: (-kv[1], kv[0]))
                listed = ", ".join(f"{name} {n}" for name, n in items)
                label = {"rule": "by rules", "site": "by site profile",
                         "structure": "by structure"}[kind]
                out.append("   " + paint(_KIND_COLOR[kind], f"{label}:") + f" {listed}")
    number_width = len(str(len(ex.lines)))

    def show(line: Line, mark: str, note: str = "") -> str:
        text = line.text if len(line.text) <= width else line.text[: width - 1] + "…"
        if not line.removed_by:
            return f"{line.number:>{number_width}}   {text}"
        code = _KIND_COLOR[evidence_kind(line.removed_by)]
        body = paint(code, f"{line.number:>{number_width}} {mark} {text}")
        return body + (f"  {paint(_DIM, note)}" if note else "")

    for run in _runs(ex.lines):
        first = run[0]
        if not first.removed_by:
            out.append(show(first, " "))
            continue
        more = f" ({len(run)} lines)" if len(run) > 1 else ""
        out.append(show(first, "-", f"[{first.removed_by}]{more}"))
        rest = run[1:]
        if not full and len(rest) > max_run:
            head, tail = rest[: max_run // 2], rest[-1:]
            out.extend(show(line, "|") for line in head)
            skipped = len(rest) - len(head) - len(tail)
            out.append(paint(_DIM, f"{'':>{number_width}} | … {skipped} more lines"))
            out.extend(show(line, "|") for line in tail)
        else:
            out.extend(show(line, "|") for line in rest)
    out.append(paint(_BOLD, "-- kept article"))
    out.append(paint(_GREEN, ex.text) if ex.text else paint(_DIM, "(empty)"))
    return "\n".join(out) + "\n"
