"""Find the main text: trafilatura for HTML, the dump itself for plain text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from cleanpipe.document import Document
from cleanpipe.stages.base import Stage

_HTML_START = re.compile(
    r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|\?xml[^>]*>\s*<(?:!doctype\s+html|html))",
    re.IGNORECASE | re.DOTALL,
)
_TAG = re.compile(r"</?(?:p|div|span|a|br|li|ul|table|td|h[1-6]|img|script|meta|section|article)"
                  r"\b[^>]*>", re.IGNORECASE)


@dataclass(frozen=True)
class ExtractSettings:
    """How the main content is found.

    sniff_chars: how much of the text to look at when telling HTML from a dump.
    min_tags: a text without an HTML start needs this many tags in the sniffed part to
        count as HTML (fragments such as ``<p>...</p><p>...</p>``).
    favor_precision / favor_recall / include_tables / include_comments / deduplicate:
        passed to trafilatura.
    fallback: what to do when trafilatura finds nothing: ``baseline`` takes the page's
        paragraphs with trafilatura's simple baseline; ``none`` leaves the text empty.
    min_text_chars: a text shorter than this counts as "found nothing".
    title_max_chars / title_max_words: the first line of a text dump is its title only
        if it is this short, stands alone (a blank line after it) and is one sentence.
    """

    sniff_chars: int = field(default=2048, metadata={"min": 64, "max": 1 << 20})
    min_tags: int = field(default=3, metadata={"min": 1, "max": 10_000})
    favor_precision: bool = False
    favor_recall: bool = False
    include_tables: bool = True
    include_comments: bool = False
    deduplicate: bool = False
    fallback: str = "baseline"
    min_text_chars: int = field(default=1, metadata={"min": 0, "max": 1 << 20})
    title_max_chars: int = field(default=200, metadata={"min": 1, "max": 10_000})
    title_max_words: int = field(default=30, metadata={"min": 1, "max": 1_000})

    def check(self) -> list[str]:
        if self.fallback not in ("baseline", "none"):
            return [f"key 'fallback': '{self.fallback}' is not one of 'baseline', 'none'"]
        return []


@dataclass(frozen=True)
class Extracted:
    text: str
    metadata: dict[str, Any]
    method: str
    title_line: str | None = None
    reason: str | None = None


def looks_like_html(text: str, settings: ExtractSettings | None = None) -> bool:
    """True for an HTML page or fragment, false for a plain-text dump."""
    settings = settings or ExtractSettings()
    head = text[: settings.sniff_chars]
    if _HTML_START.match(head):
        return True
    return len(_TAG.findall(head)) >= settings.min_tags


_META_KEYS = ("title", "author", "date", "sitename", "url", "description", "hostname",
              "categories", "tags", "image", "pagetype")


def extract_html(html: str, url: str | None, settings: ExtractSettings) -> Extracted:
    """Main text and metadata of an HTML page."""
    import trafilatura

    options: dict[str, Any] = dict(
        url=url,
        favor_precision=settings.favor_precision,
        favor_recall=settings.favor_recall,
        include_tables=settings.include_tables,
        include_comments=settings.include_comments,
        deduplicate=settings.deduplicate,
    )
    metadata_failed = False
    try:
        doc = trafilatura.bare_extraction(html, with_metadata=True, **options)
    except Exception:  # noqa: BLE001
        # A bug in a metadata extractor must not cost the page its text (htmldate
        # asserts on some trees, e.g. an XML prolog before <html>...<iframe>).
        metadata_failed = True
        doc = trafilatura.bare_extraction(html, with_metadata=False, **options)
    meta: dict[str, Any] = {}
    text = ""
    if doc is not None:
        data = doc if isinstance(doc, dict) else doc.as_dict()
        text = data.get("text") or ""
        meta = {k: data.get(k) for k in _META_KEYS if data.get(k)}
    method = "trafilatura"
    reason = None
    if len(text.strip()) < settings.min_text_chars:
        text = ""
        if settings.fallback == "baseline":
            from trafilatura import baseline

            _, text, _ = baseline(html)
            method = "baseline"
        if not text.strip():
            reason = "no main content found"
    if not meta and not metadata_failed:
        meta = _metadata_only(html, url)
    return Extracted(text=text, metadata=meta, method=method, reason=reason)


def _metadata_only(html: str, url: str | None) -> dict[str, Any]:
    from trafilatura import extract_metadata

    found = extract_metadata(html, default_url=url)
    if found is None:
        return {}
    data = found.as_dict()
    return {k: data.get(k) for k in _META_KEYS if data.get(k)}


_SENTENCE_END = re.compile(r"[.!?…](?:[\"'”’)\]]*)\s+\S")


def title_from_dump(text: str, settings: ExtractSettings) -> str | None:
    """The first line of a dump if it reads like a headline, else ``None``."""
    lines = text.lstrip("\n").split("\n", 2)
    first = lines[0].strip().strip("\u00a0 ")
    if not first or len(first) > settings.title_max_chars:
        return None
    if len(first.split()) > settings.title_max_words:
        return None
    if len(lines) > 1 and lines[1].strip():
        return None  # part of a longer block, not a headline on its own
    if _SENTENCE_END.search(first):
        return None
    if not any(ch.isalpha() for ch in first):
        return None
    return first


def extract_text(text: str, settings: ExtractSettings) -> Extracted:
    """A text dump keeps its text; a headline-like first line becomes the title."""
    title = title_from_dump(text, settings)
    body = text
    if title is not None:
        body = text.lstrip("\n").split("\n", 1)[1] if "\n" in text.lstrip("\n") else ""
    return Extracted(
        text=body,
        metadata={"title": title} if title else {},
        method="text",
        title_line=title,
        reason=None if body.strip() else "no text after the title",
    )


class Extract(Stage):
    """Tell HTML from a dump and keep the main text; fill title and page metadata."""

    name = "extract"
    Settings = ExtractSettings
    preload = ("trafilatura",)

    def __call__(self, doc: Document) -> Document:
        is_html = looks_like_html(doc.text, self.settings)
        if is_html:
            doc.kind = "html"
            doc.html = doc.text
            result = extract_html(doc.text, doc.metadata.get("url"), self.settings)
        else:
            doc.kind = "text"
            result = extract_text(doc.text, self.settings)
            if result.title_line is not None:
                doc.log(self.name, "title-line", "title", result.title_line, line=0)
        for key, value in result.metadata.items():
            if value and not doc.metadata.get(key):
                doc.metadata[key] = value
        doc.metadata["extraction"] = result.method
        doc.text = result.text
        if result.reason:
            doc.reason = result.reason
        return doc
