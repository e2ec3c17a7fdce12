"""Load the default rules, overlay a user's rules folder, validate everything once.

Each YAML file is either the pipeline file (``stages: [decode, extract, ...]`` and
``limits: {...}``) or a stage file::

    stage: chrome
    settings: {max_edge_lines: 12}
    rules:
      - id: post-a-comment
        kind: phrase
        pattern: Post a Comment

A user folder overlays the defaults: ``settings`` keys replace the default's keys
(mappings merge key by key), a rule with a known ``id`` replaces the keys it names,
``disabled: true`` drops a rule, new ids are added, and a ``stages`` list replaces the
order.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from cleanpipe.config.limits import Limits
from cleanpipe.config.schema import Problems, build
from cleanpipe.config.yamlmarks import MarkedDict, MarkedList, load_yaml
from cleanpipe.errors import RulesError, suggest

_FILE_KEYS = ("stage", "stages", "limits", "settings", "rules", "description")


def default_rules_dir() -> Path:
    """The rules that ship with cleanpipe (inside the wheel, or the repo's ``rules/``)."""
    packaged = Path(str(resources.files("cleanpipe"))) / "rules"
    if packaged.is_dir():
        return packaged
    repo = Path(__file__).resolve().parents[3] / "rules"
    if repo.is_dir():
        return repo
    raise RulesError(f"cleanpipe's default rules are missing (looked in {packaged} and {repo})")


@dataclass(frozen=True)
class RuleSet:
    """Validated rules for every stage, and the stage order of the pipeline."""

    stages: tuple[str, ...]
    settings: Mapping[str, Any]
    rules: Mapping[str, tuple[Any, ...]]
    files: tuple[str, ...]
    limits: Limits = Limits()

    def for_stage(self, name: str) -> tuple[Any, tuple[Any, ...]]:
        return self.settings[name], self.rules.get(name, ())

    def __reduce__(self) -> tuple[Any, ...]:
        # mappingproxy does not pickle; worker processes and clusters need a RuleSet
        return (_rebuild, (self.stages, dict(self.settings), dict(self.rules), self.files,
                           self.limits))


def _rebuild(stages: tuple[str, ...], settings: dict[str, Any],
             rules: dict[str, tuple[Any, ...]], files: tuple[str, ...],
             limits: Limits) -> RuleSet:
    return RuleSet(stages, MappingProxyType(settings), MappingProxyType(rules), files, limits)


def _display(path: Path, root: Path, label: str) -> str:
    try:
        rel = path.relative_to(root)
    except ValueError:
        rel = path
    return f"{label}/{rel}" if label else str(path)


def _merge(base: MarkedDict, over: MarkedDict) -> MarkedDict:
    """Key-by-key overlay that keeps the position of whichever value won."""
    out = MarkedDict(base, mark=over.mark)
    out.key_marks = dict(base.key_marks)
    for key, value in over.items():
        if isinstance(value, MarkedDict) and isinstance(out.get(key), MarkedDict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
        out.key_marks[key] = over.mark_of(key)
    return out


class _Collector:
    """Gathers pipeline order, settings and rules from files, in overlay order."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        self.order: MarkedList | None = None
        self.limits = MarkedDict()
        self.settings: dict[str, MarkedDict] = {}
        self.rules: dict[str, dict[str, MarkedDict]] = {}
        self.stage_marks: dict[str, Any] = {}
        self.files: list[str] = []

    def add_file(self, path: Path, display: str) -> None:
        self.files.append(display)
        try:
            data = load_yaml(path, display)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f":{mark.line + 1}" if mark is not None else ""
            self.problems.items.append(f"{display}{line}: invalid YAML: {exc}".splitlines()[0])
            return
        except (OSError, UnicodeDecodeError) as exc:
            self.problems.items.append(f"{display}: cannot read: {exc}")
            return
        if data is None:
            return
        if not isinstance(data, MarkedDict):
            self.problems.add((display, 1), "", "a rules file must be a mapping")
            return
        for key in data:
            if key not in _FILE_KEYS:
                self.problems.add(
                    data.mark_of(key), "", f"key '{key}': unknown key{suggest(key, _FILE_KEYS)}"
                )
        if "stages" in data:
            order = data["stages"]
            if not isinstance(order, list) or not all(isinstance(s, str) for s in order):
                self.problems.add(data.mark_of("stages"), "", "key 'stages': expected a list "
                                  "of stage names")
            else:
                self.order = order if isinstance(order, MarkedList) else MarkedList(order)
        if "limits" in data:
            limits = data["limits"]
            if isinstance(limits, MarkedDict):
                self.limits = _merge(self.limits, limits)
            else:
                self.problems.add(data.mark_of("limits"), "", "key 'limits': expected a mapping")
        if "stage" not in data:
            if "stages" not in data and "limits" not in data:
                self.problems.add(data.mark, "", "a rules file needs 'stage: NAME' or "
                                  "'stages: [...]'")
            return
        stage = data["stage"]
        if not isinstance(stage, str):
            self.problems.add(data.mark_of("stage"), "", "key 'stage': expected a stage name")
            return
        self.stage_marks.setdefault(stage, data.mark_of("stage"))
        settings = data.get("settings") or MarkedDict(mark=data.mark)
        if not isinstance(settings, MarkedDict):
            self.problems.add(data.mark_of("settings"), f"stage '{stage}'",
                              "key 'settings': expected a mapping")
        else:
            base = self.settings.get(stage)
            self.settings[stage] = _merge(base, settings) if base is not None else settings
        rules = data.get("rules") or []
        if not isinstance(rules, list):
            self.problems.add(data.mark_of("rules"), f"stage '{stage}'",
                              "key 'rules': expected a list of rules")
            return
        known = self.rules.setdefault(stage, {})
        for i, rule in enumerate(rules):
            rmark = rules.item_marks[i] if isinstance(rules, MarkedList) else data.mark
            if not isinstance(rule, MarkedDict) or not isinstance(rule.get("id"), str):
                self.problems.add(rmark, f"stage '{stage}'", f"rule #{i + 1}: every rule needs "
                                  "an 'id' string")
                continue
            rid = rule["id"]
            known[rid] = _merge(known[rid], rule) if rid in known else rule


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.yaml") if p.is_file())


def load_rules(
    user_dir: str | os.PathLike[str] | None = None, *, defaults: bool = True
) -> RuleSet:
    """Load and validate rules; raise :class:`RulesError` listing every problem found.

    ``user_dir`` defaults to ``$CLEANPIPE_RULES`` when set. ``defaults=False`` loads the
    user folder alone (for a complete rules set of one's own).
    """
    from cleanpipe.stages import REGISTRY

    if user_dir is None:
        user_dir = os.environ.get("CLEANPIPE_RULES") or None
    problems = Problems()
    collector = _Collector(problems)
    if defaults:
        root = default_rules_dir()
        for path in _files(root):
            collector.add_file(path, _display(path, root, "rules"))
    if user_dir is not None:
        root = Path(user_dir)
        if not root.is_dir():
            raise RulesError(f"{root}: rules folder not found")
        for path in _files(root):
            collector.add_file(path, _display(path, root, str(root).rstrip("/")))

    order = collector.order
    if order is None:
        problems.items.append("no pipeline file: one rules file must say 'stages: [...]'")
        order = MarkedList()
    for i, name in enumerate(order):
        if name not in REGISTRY:
            mark = order.item_marks[i] if i < len(order.item_marks) else order.mark
            problems.add(mark, "stages", f"unknown stage '{name}'{suggest(name, REGISTRY)}")
    for name, mark in collector.stage_marks.items():
        if name not in REGISTRY:
            problems.add(mark, "", f"key 'stage': unknown stage '{name}'{suggest(name, REGISTRY)}")

    settings: dict[str, Any] = {}
    rules: dict[str, tuple[Any, ...]] = {}
    for name, stage_cls in REGISTRY.items():
        raw = collector.settings.get(name, MarkedDict())
        settings[name] = build(stage_cls.Settings, raw, where=f"stage '{name}'",
                               problems=problems)
        built = []
        for rid, rule in collector.rules.get(name, {}).items():
            if rule.get("disabled") is True:
                continue
            body = MarkedDict({k: v for k, v in rule.items() if k != "disabled"}, mark=rule.mark)
            body.key_marks = rule.key_marks
            if stage_cls.Rule is None:
                problems.add(rule.mark, f"stage '{name}'", "this stage takes no rules")
                break
            obj = build(stage_cls.Rule, body, where=f"rule '{rid}'", problems=problems)
            if obj is not None:
                built.append(obj)
        rules[name] = tuple(built)
    limits = build(Limits, collector.limits, where="limits", problems=problems)
    if problems.items:
        count = len(problems.items)
        head = f"{count} problem{'s' if count > 1 else ''} in rules:\n  "
        raise RulesError(head + "\n  ".join(problems.items), problems.items)
    return RuleSet(
        stages=tuple(order),
        settings=MappingProxyType(settings),
        rules=MappingProxyType(rules),
        files=tuple(collector.files),
        limits=limits,
    )
