"""Safe YAML loading that remembers where every mapping key came from.

Rules files are untrusted input: only plain YAML types are built (a SafeLoader), the
file size is capped, and the document is measured before anything is constructed, so
an alias bomb ("billion laughs") or a deeply nested file is refused with a message
instead of eating the memory or the stack.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

Mark = tuple[str, int]  # (file name, 1-based line)

MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_NODES = 100_000  # scalars, lists and mappings, counting each alias as a full copy
MAX_DEPTH = 64


class RulesFileTooLarge(yaml.YAMLError):
    """A rules file over the size, node or depth bounds."""


class MarkedDict(dict):  # type: ignore[type-arg]
    """A mapping that knows its own position and the position of each of its keys."""

    mark: Mark
    key_marks: dict[str, Mark]

    def __init__(self, *args: Any, mark: Mark = ("<unknown>", 0), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mark = mark
        self.key_marks = {}

    def mark_of(self, key: str) -> Mark:
        return self.key_marks.get(key, self.mark)


class MarkedList(list):  # type: ignore[type-arg]
    """A sequence that knows the position of each item."""

    mark: Mark
    item_marks: list[Mark]

    def __init__(self, *args: Any, mark: Mark = ("<unknown>", 0)) -> None:
        super().__init__(*args)
        self.mark = mark
        self.item_marks = []


def _loader_for(filename: str) -> type[yaml.SafeLoader]:
    class Loader(yaml.SafeLoader):
        pass

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> MarkedDict:
        out = MarkedDict(mark=(filename, node.start_mark.line + 1))
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key)
            out[key] = loader.construct_object(value_node, deep=True)
            out.key_marks[key] = (filename, key_node.start_mark.line + 1)
        return out

    def sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> MarkedList:
        out = MarkedList(mark=(filename, node.start_mark.line + 1))
        for item in node.value:
            out.append(loader.construct_object(item, deep=True))
            out.item_marks.append((filename, item.start_mark.line + 1))
        return out

    def refuse(loader: yaml.SafeLoader, node: yaml.Node) -> None:
        raise yaml.constructor.ConstructorError(
            None, None, f"tag '{node.tag}' is not allowed: rules files hold plain YAML only "
            "(strings, numbers, booleans, lists, mappings)", node.start_mark)

    Loader.add_constructor(None, refuse)  # any tag without a safe constructor
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, sequence)
    return Loader


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def check_size(node: yaml.Node) -> None:
    """Refuse a document that expands to more than MAX_NODES nodes or MAX_DEPTH levels.

    Aliases share nodes, so the graph is measured with memoised sizes (linear in the
    file) rather than walked copy by copy (exponential for a billion laughs).
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(node, False)]
    open_nodes: set[int] = set()
    while stack:
        current, done = stack.pop()
        key = id(current)
        if done:
            kids = _children(current)
            size[key] = 1 + sum(size[id(k)] for k in kids)
            depth[key] = 1 + max((depth[id(k)] for k in kids), default=0)
            open_nodes.discard(key)
            if size[key] > MAX_NODES:
                raise RulesFileTooLarge(f"the document expands to more than {MAX_NODES} "
                                        "values (aliases counted as copies)")
            if depth[key] > MAX_DEPTH:
                raise RulesFileTooLarge(f"nested more than {MAX_DEPTH} levels deep")
            continue
        if key in size:
            continue
        if key in open_nodes:
            raise RulesFileTooLarge("an alias refers to a value that contains it")
        open_nodes.add(key)
        stack.append((current, True))
        stack.extend((k, False) for k in _children(current) if id(k) not in size)


def load_yaml(path: Path, display: str | None = None) -> Any:
    """Load one YAML file safely; raise ``yaml.YAMLError`` with its own line info."""
    name = display or str(path)
    size = os.path.getsize(path)
    if size > MAX_FILE_BYTES:
        raise RulesFileTooLarge(f"file is {size} bytes; a rules file may have at most "
                                f"{MAX_FILE_BYTES}")
    with open(path, encoding="utf-8") as fh:
        text = fh.read(MAX_FILE_BYTES + 1)
    loader = _loader_for(name)(text)
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:
            raise RulesFileTooLarge(f"nested more than {MAX_DEPTH} levels deep") from None
        if node is None:
            return None
        check_size(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()
