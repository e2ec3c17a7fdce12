"""The record that flows through every stage, and the provenance steps it collects."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple


class Step(NamedTuple):
    """One change a stage made to a document, kept so a user can see why text went.

    ``action`` is what happened (``remove``, ``rewrite``, ``decode``, ``title`` ...),
    ``rule`` the rule id or evidence responsible, ``text`` the text removed or a short
    description of the rewrite, and ``line`` the 0-based line index where it applies.

    A named tuple rather than a dataclass: a text dump loses hundreds of lines, each a
    step, and a tuple is built several times faster than a frozen dataclass.
    """

    stage: str
    rule: str
    action: str
    text: str = ""
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "stage": self.stage,
            "rule": self.rule,
            "action": self.action,
            "text": self.text,
        }
        if self.line is not None:
            out["line"] = self.line
        return out


def removal_steps(stage: str, removals: Iterable[tuple[int | None, str, str]]) -> list[Step]:
    """``Step(stage, rule, "remove", text, line)`` for each ``(line, text, rule)``."""
    new = tuple.__new__
    return [new(Step, (stage, rule, "remove", text, line)) for line, text, rule in removals]


@dataclass(slots=True)
class Document:
    """A page on its way from raw bytes to a clean article.

    ``kind`` is ``"html"`` or ``"text"`` once the extract stage has looked at it.
    ``metadata`` is open: stages add keys such as ``url``, ``title``, ``encoding``.
    ``reason`` explains an empty ``text`` (no article found) without making it an error.
    """

    source: str
    raw: bytes | None = None
    text: str = ""
    html: str | None = None
    kind: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    trail: list[Step] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)
    reason: str | None = None
    record: dict[str, Any] | None = None

    def log(
        self, stage: str, rule: str, action: str, text: str = "", line: int | None = None
    ) -> None:
        """Append a provenance step."""
        self.trail.append(Step(stage, rule, action, text, line))


class StageError(Exception):
    """A document could not pass a stage; the message says why, for the error record."""
