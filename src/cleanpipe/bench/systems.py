"""The extractors under comparison, each behind one small interface.

Every system gets the page's raw bytes and URL and returns an :class:`Extraction`. Only
the bytes-to-text call is timed; title look-ups that a system does separately are not.
Systems other than cleanpipe decode bytes with cleanpipe's ``decode_bytes``, so every
system starts from the same text.

Time is CPU time of this process (``time.process_time``): the benchmark runs on cores
shared with other work, and wall-clock rates there measure the neighbours as much as
the extractor. Wall time is kept too, for the record.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from cleanpipe.pipeline import Pipeline
from cleanpipe.stages import decode_bytes


@dataclass(frozen=True)
class Extraction:
    """What a system made of one page, and how long the timed call took."""

    text: str
    title: str | None
    seconds: float
    error: str | None = None
    record: dict[str, Any] | None = None
    wall_seconds: float = 0.0


class Clock:
    """CPU and wall time of one timed call."""

    __slots__ = ("cpu", "wall")

    def __init__(self) -> None:
        self.cpu = time.process_time()
        self.wall = time.perf_counter()

    def stop(self) -> tuple[float, float]:
        return time.process_time() - self.cpu, time.perf_counter() - self.wall


def _decode(raw: bytes) -> str:
    return decode_bytes(raw).text


class System:
    """An extractor: ``run(raw, url)`` gives its text, maybe a title, and the time taken."""

    name = "system"

    def extract(self, raw: bytes, url: str | None) -> tuple[str, Any]:
        """The timed part: main text, plus whatever :meth:`title` needs."""
        raise NotImplementedError

    def title(self, state: Any, raw: bytes, url: str | None) -> str | None:
        """The page title, looked up outside the timed call (``None``: not supported)."""
        return None

    def fresh(self) -> System:
        """A new instance of the same system, with nothing seen yet (for warming up)."""
        return type(self)()

    def run(self, raw: bytes, url: str | None, titles: bool = True) -> Extraction:
        """Extract one page; a crash becomes an empty output with the error named.

        ``titles=False`` skips the untimed title look-up where no title is scored.
        """
        clock = Clock()
        try:
            text, state = self.extract(raw, url)
        except Exception as exc:  # noqa: BLE001 - a crash scores as an empty output
            cpu, wall = clock.stop()
            return Extraction("", None, cpu, f"{type(exc).__name__}: {exc}", None, wall)
        cpu, wall = clock.stop()
        try:
            title = self.title(state, raw, url) if titles else None
        except Exception:  # noqa: BLE001 - a failed title is a missed title
            title = None
        return Extraction(text or "", title, cpu, wall_seconds=wall)


class Cleanpipe(System):
    """cleanpipe's whole pipeline, bytes to record (decoding included in the time)."""

    def __init__(self, pipeline: Pipeline, name: str = "cleanpipe") -> None:
        self.pipeline = pipeline
        self.name = name

    def fresh(self) -> Cleanpipe:
        """The same rules in a new pipeline: shared module caches (word tables, the
        language model, compiled patterns) warm up, this pipeline's stages stay cold."""
        rules = self.pipeline.rules
        return Cleanpipe(Pipeline.from_ruleset(rules) if rules is not None else self.pipeline,
                         self.name)

    def run(self, raw: bytes, url: str | None, titles: bool = True) -> Extraction:
        metadata = {"url": url} if url else None
        clock = Clock()
        record = self.pipeline.process(raw, source=url or "-", metadata=metadata)
        cpu, wall = clock.stop()
        error = record.get("error")
        message = f"{error['stage']}: {error['message']}" if error else None
        return Extraction(record.get("text") or "", record.get("title"), cpu, message,
                          record, wall)


class Trafilatura(System):
    """Bare ``trafilatura.extract`` with its default settings; title from its metadata."""

    name = "trafilatura"

    def extract(self, raw: bytes, url: str | None) -> tuple[str, Any]:
        import trafilatura

        html = _decode(raw)
        return trafilatura.extract(html, url=url) or "", html

    def title(self, state: Any, raw: bytes, url: str | None) -> str | None:
        from trafilatura import extract_metadata

        # extensive=False skips htmldate's deep date search: the same titles, 4x cheaper
        found = extract_metadata(state, default_url=url, extensive=False)
        return found.title if found is not None else None


_BLOCK_TAGS = ("p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
               "blockquote", "pre", "section", "article", "table", "ul", "ol", "dd", "dt")


def html_to_text(fragment: str) -> str:
    """The text of an HTML fragment, with a line break after every block element."""
    import lxml.html

    if not fragment.strip():
        return ""
    root = lxml.html.fromstring(fragment)
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    return str(root.text_content())


class Readability(System):
    """readability-lxml's ``Document.summary()``, turned into text."""

    name = "readability"

    def extract(self, raw: bytes, url: str | None) -> tuple[str, Any]:
        from readability import Document

        doc = Document(_decode(raw), url=url)
        return html_to_text(doc.summary(html_partial=True)), doc

    def title(self, state: Any, raw: bytes, url: str | None) -> str | None:
        return str(state.short_title())


class Resiliparse(System):
    """Resiliparse's ``extract_plain_text`` with main-content extraction on."""

    name = "resiliparse"

    def extract(self, raw: bytes, url: str | None) -> tuple[str, Any]:
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.html import HTMLTree

        tree = HTMLTree.parse(_decode(raw))
        return extract_plain_text(tree, main_content=True), tree

    def title(self, state: Any, raw: bytes, url: str | None) -> str | None:
        return str(state.title) if state.title else None


#: Optional systems: the module that must be importable, and the class.
OPTIONAL: dict[str, tuple[str, Callable[[], System]]] = {
    "readability": ("readability", Readability),
    "resiliparse": ("resiliparse", Resiliparse),
}


#: Every HTML system the benchmark knows, in table order.
ALL_SYSTEMS = ("cleanpipe", "trafilatura", *OPTIONAL)


def html_systems(
    pipeline: Pipeline, wanted: Collection[str] | None = None
) -> tuple[list[System], list[str]]:
    """The systems ``wanted`` (default: all) that can run, and the optional ones missing."""
    wanted = ALL_SYSTEMS if wanted is None else wanted
    systems: list[System] = []
    if "cleanpipe" in wanted:
        systems.append(Cleanpipe(pipeline))
    if "trafilatura" in wanted:
        systems.append(Trafilatura())
    missing = []
    for name, (module, factory) in OPTIONAL.items():
        if name not in wanted:
            continue
        if importlib.util.find_spec(module) is None:
            missing.append(name)
        else:
            systems.append(factory())
    return systems, missing
