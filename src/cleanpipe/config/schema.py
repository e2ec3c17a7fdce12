"""Turn YAML mappings into frozen dataclasses, with errors that point at the place.

A settings or rule class is a frozen dataclass. Field types may be ``bool``, ``int``,
``float``, ``str``, ``Literal[...]``, ``X | None``, ``tuple[T, ...]`` or another such
dataclass. ``field(metadata={"min": a, "max": b})`` bounds a number (or a tuple's
length for ``max_items``). A class may define ``check(self) -> list[str]`` for checks
that need several fields (a regex that must compile, say).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from cleanpipe.config.yamlmarks import Mark, MarkedDict, MarkedList
from cleanpipe.errors import suggest


class Problems:
    """Collects every problem in a load, so a user sees them all at once."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, mark: Mark, where: str, message: str) -> None:
        file, line = mark
        prefix = f"{file}:{line}: " if line else f"{file}: "
        self.items.append(prefix + (f"{where}: " if where else "") + message)


def _type_name(tp: Any) -> str:
    origin = get_origin(tp)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(tp))
    if origin in (Union, types.UnionType):
        return " or ".join(_type_name(a) for a in get_args(tp))
    if origin is tuple:
        return f"a list of {_type_name(get_args(tp)[0])}"
    if tp is type(None):
        return "null"
    if dataclasses.is_dataclass(tp):
        return "a mapping"
    return {bool: "true or false", int: "an integer", float: "a number", str: "a string"}.get(
        tp, getattr(tp, "__name__", str(tp))
    )


def _yaml_type(value: Any) -> str:
    """The YAML kind of a loaded value, as a user would name it."""
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    return type(value).__name__


def _convert(
    tp: Any, value: Any, mark: Mark, where: str, key: str, problems: Problems, meta: Any
) -> Any:
    origin = get_origin(tp)
    bad = object()
    result: Any = bad
    if origin in (Union, types.UnionType):
        args = get_args(tp)
        if value is None and type(None) in args:
            return None
        for arg in args:
            if arg is type(None):
                continue
            trial = Problems()
            converted = _convert(arg, value, mark, where, key, trial, meta)
            if not trial.items:
                return converted
        result = bad
    elif origin is Literal:
        if value in get_args(tp):
            return value
        hint = suggest(str(value), [str(a) for a in get_args(tp)])
        problems.add(mark, where, f"key '{key}': {value!r} is not {_type_name(tp)}{hint}")
        return None
    elif origin is tuple:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            item_tp = get_args(tp)[0]
            marks = getattr(value, "item_marks", [])
            items = []
            for i, item in enumerate(value):
                item_mark = marks[i] if i < len(marks) else mark
                items.append(_convert(item_tp, item, item_mark, where, key, problems, None))
            limit = meta.get("max_items") if meta else None
            if limit is not None and len(items) > limit:
                problems.add(mark, where, f"key '{key}': at most {limit} items, got {len(items)}")
            return tuple(items)
    elif dataclasses.is_dataclass(tp):
        if isinstance(value, dict):
            return build(tp, value, where=f"{where}: {key}" if where else key, problems=problems)
    elif tp is bool:
        if isinstance(value, bool):
            result = value
    elif tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            result = value
    elif tp is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            result = float(value)
    elif tp is str:
        if isinstance(value, str):
            result = value
    else:  # pragma: no cover - a schema bug, not a user error
        raise TypeError(f"unsupported schema type {tp!r}")
    if result is bad:
        problems.add(
            mark, where, f"key '{key}': expected {_type_name(tp)}, got {_yaml_type(value)}"
            f" {value!r}"[:200]
        )
        return None
    if meta and isinstance(result, (int, float)) and not isinstance(result, bool):
        lo, hi = meta.get("min"), meta.get("max")
        if (lo is not None and result < lo) or (hi is not None and result > hi):
            span = f"between {lo} and {hi}" if lo is not None and hi is not None else (
                f">= {lo}" if lo is not None else f"<= {hi}")
            problems.add(mark, where, f"key '{key}': {value} is out of range (expected {span})")
    return result


def build(cls: Any, data: Any, *, where: str = "", problems: Problems) -> Any:
    """Build ``cls`` from a YAML mapping; record problems instead of raising."""
    mark: Mark = getattr(data, "mark", ("<rules>", 0))
    before = len(problems.items)
    if not isinstance(data, dict):
        problems.add(mark, where, f"expected a mapping, got {_yaml_type(data)}")
        return None
    hints = get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        key_mark = data.mark_of(key) if isinstance(data, MarkedDict) else mark
        if key not in fields:
            problems.add(key_mark, where, f"key '{key}': unknown key{suggest(key, fields)}")
            continue
        f = fields[key]
        kwargs[key] = _convert(hints[key], value, key_mark, where, key, problems, f.metadata)
    for name, f in fields.items():
        missing = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if missing and name not in kwargs:
            problems.add(mark, where, f"key '{name}': required key is missing")
    if len(problems.items) > before:
        # keep going so that every problem in the file is reported, but build nothing
        try:
            return cls(**{k: v for k, v in kwargs.items() if v is not None})
        except TypeError:
            return None
    obj = cls(**kwargs)
    check = getattr(obj, "check", None)
    if callable(check):
        for message in check():
            problems.add(mark, where, message)
    return obj


def describe(cls: Any) -> list[tuple[str, str, Any, str]]:
    """(name, type, default, doc) for each field, for ``cleanpipe rules show``."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        default = f.default if f.default is not dataclasses.MISSING else (
            f.default_factory() if f.default_factory is not dataclasses.MISSING else None)
        out.append((f.name, _type_name(hints[f.name]), default, f.metadata.get("doc", "")))
    return out


__all__ = ["MarkedDict", "MarkedList", "Problems", "build", "describe"]
