"""A pipeline is an ordered list of stages; it chains calls and turns crashes into records."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterable, Iterator
from typing import Any

from cleanpipe.config import RuleSet, load_rules
from cleanpipe.config.limits import Limits
from cleanpipe.deadline import Deadline, DocumentTimeout, deadline
from cleanpipe.document import Document, StageError
from cleanpipe.stages import REGISTRY, Stage
from cleanpipe.stages.emit import to_record
from cleanpipe.stats import PipelineStats


def error_record(source: str, stage: str, exc: BaseException | str) -> dict[str, Any]:
    """The record written in place of an article when an input fails."""
    if isinstance(exc, BaseException):
        kind = "StageError" if isinstance(exc, StageError) else type(exc).__name__
        message = str(exc) or kind
    else:
        kind, message = "Error", exc
    return {"source": source, "error": {"stage": stage, "type": kind, "message": message}}


_SURROGATE = re.compile("[\ud800-\udfff]")
#: Nesting deeper than this is left to ``json.dumps`` (which also finds cycles).
_MAX_DEPTH = 32
#: Integers of at most this many digits; larger ones are left to ``json.dumps``.
_INT_LIMIT = 10**18


#: A list of at least this many dicts is first tried as a table (see _rows_bound).
_MIN_ROWS = 8
_SCALARS = frozenset((str, int, bool, float, type(None)))


def _rows_bound(rows: list[Any] | tuple[Any, ...]) -> int | None:
    """:func:`json_size_bound` of a list of flat dicts (a record's removed lines), taken
    column by column so that the work is done by ``str.join`` and ``set``, not a Python
    loop per value; ``None`` when the rows are not all dicts of scalars under string
    keys (the caller then walks them one by one).

    Each (row, key) is charged the key's worst-case size, its quotes, ``": "`` and
    ``", "``, and 25 bytes for a number or a string's quotes (a missing key as if
    present); each string value 6 bytes a character.
    """
    if set(map(type, rows)) != {dict}:
        return None
    n = len(rows)
    total = 2 + 4 * n  # brackets; braces and ", " of each row
    for key in set().union(*rows):
        if type(key) is not str or (not key.isascii() and _SURROGATE.search(key)):
            return None
        column = [row.get(key) for row in rows]
        kinds = set(map(type, column))
        if not kinds <= _SCALARS:
            return None
        if str in kinds:
            text = "".join(column if len(kinds) == 1 else
                           [v for v in column if type(v) is str])
            if not text.isascii() and _SURROGATE.search(text):
                return None
            total += 6 * len(text)
        if int in kinds:
            ints = [v for v in column if type(v) is int]
            if not -_INT_LIMIT < min(ints) <= max(ints) < _INT_LIMIT:
                return None
        total += (6 * len(key) + 6 + 25) * n
    return total


def json_size_bound(value: Any, depth: int = 0) -> int | None:
    """An upper bound on the UTF-8 size of ``json.dumps(value, ensure_ascii=False)``, or
    ``None`` when ``value`` might not serialise (a type JSON lacks, a lone surrogate, deep
    nesting): then only serialising it tells.

    One walk of the record, with no string built: a character takes at most 6 bytes
    (``\\u001f``), a number at most 25, and every container and key its brackets,
    quotes, colons and commas. Far cheaper than ``json.dumps`` on a record that holds a
    dump's hundreds of removed lines.
    """
    kind = type(value)
    if kind is str:
        if not value.isascii() and _SURROGATE.search(value):
            return None
        return 6 * len(value) + 2
    if value is None or kind is bool:
        return 5
    if kind is int:
        return 20 if -_INT_LIMIT < value < _INT_LIMIT else None
    if kind is float:
        return 25
    if depth >= _MAX_DEPTH:
        return None
    if kind is dict:
        keys, items = value.keys(), value.values()
    elif kind is list or kind is tuple:
        if len(value) >= _MIN_ROWS and type(value[0]) is dict:
            rows = _rows_bound(value)
            if rows is not None:
                return rows
        keys, items = (), value
    else:
        return None
    chars = 0  # characters of the strings met directly in this container
    total = 2 + 4 * len(value)  # brackets; ", " between items, ": " after keys
    for key in keys:
        if type(key) is not str or (not key.isascii() and _SURROGATE.search(key)):
            return None
        chars += len(key)
        total += 2
    for item in items:
        if type(item) is str:
            if not item.isascii() and _SURROGATE.search(item):
                return None
            chars += len(item)
            total += 2
        elif type(item) is dict and depth + 1 < _MAX_DEPTH:  # (a removed line, say)
            total += 2 + 4 * len(item)
            for key, value in item.items():
                kind = type(value)
                if (type(key) is not str or (not key.isascii() and _SURROGATE.search(key))
                        or (kind is str and not value.isascii()
                            and _SURROGATE.search(value))):
                    return None
                if kind is str:
                    chars += len(key) + len(value)
                    total += 4
                elif kind is int and -_INT_LIMIT < value < _INT_LIMIT:
                    chars += len(key)
                    total += 22
                else:
                    size = json_size_bound(value, depth + 2)
                    if size is None:
                        return None
                    chars += len(key)
                    total += 2 + size
        else:
            size = json_size_bound(item, depth + 1)
            if size is None:
                return None
            total += size
    return total + 6 * chars


class Pipeline:
    """The stages named by ``rules.stages``, each bound to its validated rules.

    >>> pipe = Pipeline.from_rules()            # default rules, or $CLEANPIPE_RULES
    >>> record = pipe.process(b"<html>...</html>", source="page.html")
    """

    def __init__(self, stages: Iterable[Stage], rules: RuleSet | None = None, *,
                 preload: bool = True) -> None:
        """``preload``: import the heavy modules of every stage now, so that no
        document's time limit pays for an import or interrupts one half done (which
        would break the module for the documents after it). A run of one document may
        skip it: then only what that document needs is imported (a text dump does not
        need the HTML extractors, 0.15 s of a one-page run)."""
        self.stages = list(stages)
        if preload:
            for stage in self.stages:
                stage.prepare()
        self.rules = rules
        self.limits = rules.limits if rules is not None else Limits()

    @classmethod
    def from_rules(
        cls, rules_dir: str | os.PathLike[str] | None = None, *, defaults: bool = True,
        preload: bool = True,
    ) -> Pipeline:
        """Build the pipeline from the default rules overlaid with ``rules_dir``."""
        rules = load_rules(rules_dir, defaults=defaults)
        return cls.from_ruleset(rules, preload=preload)

    @classmethod
    def from_ruleset(cls, rules: RuleSet, *, preload: bool = True) -> Pipeline:
        stages = []
        for name in rules.stages:
            settings, stage_rules = rules.for_stage(name)
            stages.append(REGISTRY[name](settings, stage_rules))
        return cls(stages, rules, preload=preload)

    def __reduce__(self) -> tuple[Any, ...]:
        return (self.__class__, (self.stages, self.rules))

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.stages]

    def run(
        self,
        doc: Document,
        stats: PipelineStats | None = None,
        until: Deadline | None = None,
    ) -> Document:
        """Pass ``doc`` through every stage. Exceptions propagate, tagged with the stage.

        ``stats``, when given, gets each stage's time and the characters it removed.
        With ``until``, a document still running when it expires raises
        :class:`DocumentTimeout` (at once where a signal can interrupt it, else as soon
        as the running stage returns).
        """
        for stage in self.stages:
            start, before = time.perf_counter(), len(doc.text)
            try:
                doc = stage(doc)
                if until is not None:
                    until.check()
            except (Exception, DocumentTimeout) as exc:
                if not hasattr(exc, "cleanpipe_stage"):
                    exc.cleanpipe_stage = stage.name  # type: ignore[union-attr]
                if stats is not None:
                    stats.add(stage.name, time.perf_counter() - start, 0, failed=True)
                raise
            if stats is not None:
                stats.add(stage.name, time.perf_counter() - start, before - len(doc.text),
                          failed=False)
            doc.stages.append(stage.name)
        return doc

    __call__ = run

    def process_document(
        self, doc: Document, stats: PipelineStats | None = None
    ) -> dict[str, Any]:
        """One document in, exactly one record out: the article, or an error record.

        The document gets ``limits.time_limit`` seconds (see :mod:`cleanpipe.deadline`
        for what can and cannot be interrupted), and its record at most
        ``limits.max_output_bytes`` of JSON.
        """
        try:
            with deadline(self.limits.time_limit) as until:
                doc = self.run(doc, stats, until)
        except (Exception, DocumentTimeout) as exc:  # a bad page must not stop a batch
            return error_record(doc.source, getattr(exc, "cleanpipe_stage", "pipeline"), exc)
        record = doc.record if doc.record is not None else to_record(doc)
        return self._bounded(record)

    def _bounded(self, record: dict[str, Any]) -> dict[str, Any]:
        """``record``, or an error record if its JSON is not UTF-8 or is over the limit."""
        bound = json_size_bound(record)
        if bound is not None and bound <= self.limits.max_output_bytes:
            return record  # surely valid and small enough: no need to serialise it here
        source = str(record.get("source", "-"))
        try:
            size = len(json.dumps(record, ensure_ascii=False).encode("utf-8"))
        except UnicodeEncodeError:
            return error_record(source, "emit", "the record holds lone surrogates, which "
                                "are not valid Unicode text")
        except (TypeError, ValueError) as exc:
            return error_record(source, "emit", f"the record is not JSON: {exc}")
        limit = self.limits.max_output_bytes
        if size > limit:
            return error_record(source, "emit", f"record is {size} bytes of JSON, over "
                                f"limits.max_output_bytes ({limit})")
        return record

    def process(
        self,
        data: bytes | str,
        source: str = "-",
        metadata: dict[str, Any] | None = None,
        stats: PipelineStats | None = None,
    ) -> dict[str, Any]:
        """Clean one raw page (bytes, or already-decoded text)."""
        size = len(data)
        if size > self.limits.max_input_bytes:
            return error_record(source, "read", f"input is {size} bytes, over "
                                f"limits.max_input_bytes ({self.limits.max_input_bytes})")
        if isinstance(data, str):
            doc = Document(source=source, text=data, metadata=dict(metadata or {}))
        else:
            doc = Document(source=source, raw=data, metadata=dict(metadata or {}))
        return self.process_document(doc, stats)

    def map(
        self, items: Iterable[tuple[str, bytes | str]], stats: PipelineStats | None = None
    ) -> Iterator[dict[str, Any]]:
        """Records for ``(source, data)`` pairs, lazily and in order, in this process.

        For many processes or a cluster, hand the pipeline to an engine
        (:mod:`cleanpipe.engines`); the pipeline itself knows nothing about them.
        """
        for source, data in items:
            yield self.process(data, source, stats=stats)
