"""Load the shared benchmark sets once into memory: raw page bytes and their ground truth.

The layout is described in ``shared/bench/README.md``; ``limit`` keeps the first N pages
of a set (in id order) for quick iterations.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

#: The WCXB page types, in the order reports list them.
PAGE_TYPES = ("article", "forum", "product", "collection", "listing", "documentation", "service")


@dataclass(frozen=True)
class Page:
    """One page with its main-content ground truth (AEB or WCXB)."""

    id: str
    raw: bytes
    url: str | None
    truth: str
    page_type: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class SnippetPage:
    """One page of trafilatura's evaluation set: snippets that must and must not appear."""

    id: str
    raw: bytes
    url: str
    with_snippets: tuple[str, ...]
    without_snippets: tuple[str, ...]


class DataMissing(FileNotFoundError):
    """A benchmark set is not where the data path says."""


def _need(path: Path) -> Path:
    if not path.exists():
        raise DataMissing(f"benchmark data not found: {path}")
    return path


def load_aeb(root: Path, limit: int | None = None) -> list[Page]:
    """The AEB news pages: ``aeb/ground-truth.json`` and ``aeb/html_gz/<id>.html.gz``."""
    base = root / "aeb"
    truth = json.loads(_need(base / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth)[:limit]:
        entry = truth[page_id]
        raw = gzip.decompress((base / "html_gz" / f"{page_id}.html.gz").read_bytes())
        pages.append(Page(page_id, raw, entry.get("url"), entry.get("articleBody") or ""))
    return pages


def load_wcxb(root: Path, limit: int | None = None) -> list[Page]:
    """The WCXB dev split: ``ground-truth/NNNN.json`` with ``html/NNNN.html.gz``."""
    base = root / "wcxb-dev"
    files = sorted(_need(base / "ground-truth").glob("*.json"))[:limit]
    pages = []
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        truth = data.get("ground_truth") or {}
        page_type = ((data.get("_internal") or {}).get("page_type") or {}).get("primary")
        raw = gzip.decompress((base / "html" / f"{path.stem}.html.gz").read_bytes())
        pages.append(Page(path.stem, raw, data.get("url"), truth.get("main_content") or "",
                          page_type, truth.get("title")))
    return pages


def load_trafilatura_half(root: Path, limit: int | None = None) -> list[SnippetPage]:
    """Half of trafilatura's evaluation set: ``evaldata.json`` and ``html/<file>``."""
    base = root / "trafilatura-half"
    cases = json.loads(_need(base / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url in sorted(cases, key=lambda u: cases[u]["file"]):
        case = cases[url]
        path = base / "html" / case["file"]
        if not path.exists():
            continue
        pages.append(SnippetPage(case["file"], path.read_bytes(), url,
                                 tuple(case.get("with") or ()), tuple(case.get("without") or ())))
    return pages[:limit]
