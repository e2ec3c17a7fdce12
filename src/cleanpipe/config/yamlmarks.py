"""Safe YAML loading that remembers where every mapping key came from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

Mark = tuple[str, int]  # (file name, 1-based line)


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

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, sequence)
    return Loader


def load_yaml(path: Path, display: str | None = None) -> Any:
    """Load one YAML file safely; raise ``yaml.YAMLError`` with its own line info."""
    name = display or str(path)
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_loader_for(name))  # noqa: S506 - SafeLoader subclass
