"""Errors raised for bad rules, distinct from per-document failures."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class RulesError(Exception):
    """A rules file is invalid. The message points at file, line, rule and key."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [message]


def suggest(name: str, choices: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest valid name, or ``""``."""
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
