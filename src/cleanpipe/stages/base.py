"""What every stage is: a name, its validated settings and rules, and a call."""

from __future__ import annotations

import importlib
from typing import Any, ClassVar

from cleanpipe.document import Document


class Stage:
    """A thin wrapper that binds validated config to a pure function.

    Subclasses set ``name``, ``Settings`` (a frozen dataclass) and, if the stage takes a
    list of rules, ``Rule``; they implement :meth:`__call__`, which reads the document,
    calls the stage's pure function and writes the result back.
    """

    name: ClassVar[str]
    Settings: ClassVar[type]
    Rule: ClassVar[type | None] = None
    # Heavy modules the stage imports lazily; the pipeline loads them when it is built,
    # so no document's time limit pays for (or interrupts) an import.
    preload: ClassVar[tuple[str, ...]] = ()

    def __init__(self, settings: Any = None, rules: tuple[Any, ...] = ()) -> None:
        self.settings = settings if settings is not None else self.Settings()
        self.rules = tuple(rules)

    def prepare(self) -> None:
        """Import the modules in ``preload``."""
        for module in self.preload:
            importlib.import_module(module)

    def __call__(self, doc: Document) -> Document:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<stage {self.name}: {len(self.rules)} rules>"
