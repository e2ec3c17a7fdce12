"""Tables cleanpipe derives from installed models, kept on disk between processes.

The language model ships compressed (py3langid's ``model.npz.xz``): every process that
starts the language stage spends 0.3-0.5 s inflating it, which is most of what a single
page on stdin costs. The inflated tables are written once to the cache folder and read
back by later processes in a tenth of that time.

The folder is ``$CLEANPIPE_CACHE``, else ``$XDG_CACHE_HOME/cleanpipe``, else
``~/.cache/cleanpipe``; ``CLEANPIPE_CACHE=off`` turns the cache off. A file is named
after what it was made from (package version and a digest of the model file's bytes),
so an upgrade makes a new one and every environment with the same model shares one;
files are written whole and renamed into place, so concurrent workers never read half
a file. Anything wrong with the cache (no home, a read-only folder, a damaged file)
costs only the time it was meant to save.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

OFF = "off"


def cache_dir() -> Path | None:
    """The cache folder, or ``None`` when ``CLEANPIPE_CACHE=off``."""
    chosen = os.environ.get("CLEANPIPE_CACHE")
    if chosen:
        return None if chosen.strip().lower() == OFF else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME")
    if base:
        return Path(base) / "cleanpipe"
    try:
        return Path.home() / ".cache" / "cleanpipe"
    except RuntimeError:  # no home folder to be found
        return None


def cache_file(name: str, source: Path, version: str) -> Path | None:
    """Where tables derived from ``source`` (a model file of a package at ``version``)
    are kept: ``<cache>/<name>-<version>-<digest>.npz``, the digest that of the file's
    bytes; ``None`` when there is no cache or ``source`` cannot be read."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
    except OSError:
        return None
    return folder / f"{name}-{version}-{digest[:16]}.npz"


def load_arrays(path: Path | None, make: Callable[[], Mapping[str, Any]]) -> dict[str, Any]:
    """The arrays stored at ``path``; when there are none (or they cannot be read) those
    ``make`` returns, which are then stored there for the next process."""
    import numpy as np

    if path is not None:
        try:
            with np.load(path, allow_pickle=False) as data:
                return {key: data[key] for key in data.files}
        except FileNotFoundError:
            pass
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
            log.debug("cache file %s cannot be read (%s); making it again", path, exc)
    arrays = dict(make())
    if path is not None:
        _store(path, arrays)
        _prune(path)
    return arrays


def _prune(path: Path) -> None:
    """Remove the other files of the same model and package version beside ``path``:
    made from a model file that has since changed, or named the way earlier versions of
    cleanpipe named them (after the model's path, one 68 MB file per environment)."""
    stem = path.name.rsplit("-", 1)[0]
    try:
        for old in path.parent.glob(f"{stem}-*.npz"):
            if old != path:
                with contextlib.suppress(OSError):
                    old.unlink()
    except OSError:
        pass


def _store(path: Path, arrays: Mapping[str, Any]) -> None:
    """Write ``arrays`` to ``path`` whole, or not at all."""
    import numpy as np

    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.stem, suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            np.savez(out, **arrays)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        log.debug("cannot write cache file %s: %s", path, exc)
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
