"""The benchmark behind ``make bench``: metrics, the text-dump recipe, runner and report.

The metrics and the dump recipe are plain functions with no data dependency; the runner
needs the shared benchmark folder.
"""

from __future__ import annotations

from cleanpipe.bench.dumps import c4_line_filter, make_dump
from cleanpipe.bench.metrics import (
    Score,
    SnippetScore,
    normalize_title,
    shingle_f1,
    shingles,
    snippet_f1,
    title_accuracy,
    word_f1,
    word_prf,
)

__all__ = [
    "Score",
    "SnippetScore",
    "c4_line_filter",
    "make_dump",
    "normalize_title",
    "shingle_f1",
    "shingles",
    "snippet_f1",
    "title_accuracy",
    "word_f1",
    "word_prf",
]
