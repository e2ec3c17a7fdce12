"""Text dumps cached on disk, since making them (a full parse per page) dominates re-runs.

One gzip'd JSON file per set, named by a hash of the resolved data path, the recipe
version and the parser versions: a different data folder or parser gets its own file.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path

from cleanpipe.bench.data import Page, SnippetPage
from cleanpipe.bench.dumps import make_dump

log = logging.getLogger("cleanpipe.bench")

#: Bump when :func:`make_dump` changes, so old caches are not read.
RECIPE_VERSION = "1"


def _cache_key(data_root: Path, name: str) -> str:
    import bs4
    import lxml.etree

    versions = f"bs4 {bs4.__version__} lxml {lxml.etree.__version__}"
    seed = f"{data_root.resolve()}|{name}|recipe {RECIPE_VERSION}|{versions}"
    return hashlib.sha1(seed.encode("utf-8")).hexdigest()[:16]


def cached_dumps(pages: Sequence[Page | SnippetPage], data_root: Path, name: str,
                 cache_dir: Path) -> list[str]:
    """The dump of every page, read from the cache where present, made and saved otherwise."""
    path = cache_dir / f"dumps-{name}-{_cache_key(data_root, name)}.json.gz"
    cached: dict[str, str] = {}
    if path.exists():
        try:
            cached = json.loads(gzip.decompress(path.read_bytes()))
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable dump cache %s: %s", path, exc)
    missing = [page for page in pages if page.id not in cached]
    if missing:
        log.info("%s: making %d text dumps (cache: %s)", name, len(missing), path)
        for page in missing:
            cached[page.id] = make_dump(page.raw)
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(gzip.compress(json.dumps(cached, ensure_ascii=False).encode("utf-8")))
        tmp.replace(path)
    return [cached[page.id] for page in pages]
