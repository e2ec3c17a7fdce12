"""Imported once by the process pool's fork server, before it forks any worker.

A worker starts by rebuilding the pipeline it is handed and, on its first documents,
loading what every process loads once: the language model (~0.2 s from the cache
folder, ~0.5 s without; see :mod:`cleanpipe.modelcache`), the compiled rule
patterns (~0.25 s), the prefilter's analysis of them. The pool replaces workers over a
long batch (see ``max_bytes_per_worker``), and on text dumps (~5 ms each) a
replacement that starts cold pays for ~150 documents before its first one. Building
the default pipeline here puts those module-wide caches in the server, and every worker
forked from it inherits them (shared copy-on-write); a pipeline with other rules still
finds the model and every default pattern ready.

The objects made here are then moved out of the garbage collector's reach
(:func:`gc.freeze`), so the workers' collections neither walk them nor write to their
pages, which would unshare them.
"""

from __future__ import annotations

import gc
import logging

from cleanpipe.pipeline import Pipeline
from cleanpipe.stages.language import Language, get_backend

log = logging.getLogger(__name__)


def warm() -> bool:
    """Build the default pipeline once in this process; False (logged) if it fails,
    which only leaves each worker to load what it needs itself."""
    try:
        pipeline = Pipeline.from_rules()
        for stage in pipeline.stages:  # (documents load the model lazily, on first use)
            if isinstance(stage, Language):
                get_backend(stage.settings.backend)
    except Exception as exc:  # noqa: BLE001 - a cold worker still works
        log.warning("the process pool's fork server could not build the default "
                    "pipeline, so each worker loads its own: %s", exc)
        return False
    return True


if warm():
    gc.freeze()
