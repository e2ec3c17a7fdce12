"""The clean article record: what `cleanpipe run` prints for each input."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cleanpipe import __version__
from cleanpipe.document import Document
from cleanpipe.stages.base import Stage
from cleanpipe.stages.translation import TranslationReport

_META_FIELDS = ("title", "author", "date", "sitename", "url", "description", "hostname")


@dataclass(frozen=True)
class EmitSettings:
    """include_trail: add every provenance step (rewrites too), not just the removals.
    include_paragraphs: add ``paragraphs``, the text split on blank lines.
    include_metadata_extras: add categories, tags, image and page type when found.
    """

    include_trail: bool = False
    include_paragraphs: bool = False
    include_metadata_extras: bool = False


def to_record(doc: Document, settings: EmitSettings | None = None) -> dict[str, Any]:
    """The JSON-ready article record for ``doc``."""
    settings = settings or EmitSettings()
    meta = doc.metadata
    record: dict[str, Any] = {"source": doc.source}
    for key in _META_FIELDS:
        record[key] = meta.get(key)
    record["text"] = doc.text
    record["language"] = meta.get("language")
    record["language_confidence"] = meta.get("language_confidence")
    record["declared_language"] = meta.get("declared_language")
    record["language_mismatch"] = meta.get("language_mismatch")
    report = meta.get("translation")
    record["translation"] = report.as_dict() if isinstance(report, TranslationReport) else None
    record["likely_machine_translated"] = meta.get("likely_machine_translated")
    record["kind"] = doc.kind
    record["encoding"] = meta.get("encoding")
    if doc.reason:
        record["reason"] = doc.reason
    # one comprehension over the steps as tuples: a dump loses hundreds of lines, and a
    # loop with attribute reads and appends cost twice as much per line
    record["removed"] = [
        {"stage": stage, "rule": rule, "text": text} if line is None else
        {"stage": stage, "rule": rule, "text": text, "line": line}
        for stage, rule, action, text, line in doc.trail if action == "remove"]
    if settings.include_trail:
        record["trail"] = [s.as_dict() for s in doc.trail]
    if settings.include_paragraphs:
        record["paragraphs"] = [p for p in doc.text.split("\n\n") if p.strip()]
    if settings.include_metadata_extras:
        for key in ("categories", "tags", "image", "pagetype"):
            if meta.get(key):
                record[key] = meta[key]
    record["stages"] = [*doc.stages, "emit"] if "emit" not in doc.stages else list(doc.stages)
    record["cleanpipe"] = __version__
    return record


class Emit(Stage):
    """Build ``doc.record`` from the document."""

    name = "emit"
    Settings = EmitSettings

    def __call__(self, doc: Document) -> Document:
        doc.record = to_record(doc, self.settings)
        return doc
