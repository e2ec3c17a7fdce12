"""Resource limits that protect a batch from one hostile page (``limits:`` in pipeline.yaml)."""

from __future__ import annotations

from dataclasses import dataclass, field

_GIB = 1 << 30


@dataclass(frozen=True)
class Limits:
    """Safe defaults; each can be raised or lowered in ``rules/pipeline.yaml``.

    max_input_bytes: a larger input gets an error record instead of being read whole.
    max_decompressed_bytes: a gzip input may expand to at most this (gzip bombs).
    time_limit: seconds one document may take through the whole pipeline; a document
        over it is stopped and reported, and the batch goes on.
    max_output_bytes: a record whose JSON (one line, UTF-8) would be larger becomes an
        error record.

    The upper bounds keep a typo (an extra zero or three) from switching a limit off.
    What the time limit can interrupt in one process is in :mod:`cleanpipe.deadline`.
    """

    max_input_bytes: int = field(default=64 * 1024 * 1024, metadata={"min": 1, "max": _GIB})
    max_decompressed_bytes: int = field(default=256 * 1024 * 1024,
                                        metadata={"min": 1, "max": 4 * _GIB})
    time_limit: float = field(default=60.0, metadata={"min": 0.01, "max": 86400})
    max_output_bytes: int = field(default=64 * 1024 * 1024, metadata={"min": 1024, "max": _GIB})
