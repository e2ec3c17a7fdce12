"""cleanpipe: raw scraped pages in, clean article JSON out, every removal explained."""

from __future__ import annotations

__version__ = "0.1.0"

from cleanpipe.config import RuleSet, load_rules  # noqa: E402
from cleanpipe.document import Document, StageError, Step  # noqa: E402
from cleanpipe.errors import RulesError  # noqa: E402
from cleanpipe.pipeline import Pipeline, error_record  # noqa: E402

__all__ = [
    "Document",
    "Pipeline",
    "RuleSet",
    "RulesError",
    "StageError",
    "Step",
    "__version__",
    "error_record",
    "load_rules",
]
