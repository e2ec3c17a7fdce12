"""The results dict as one table, compared with an earlier run, and checked against floors."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Flat = dict[str, Any]

HTML_SYSTEMS = ("cleanpipe", "trafilatura", "readability", "resiliparse")
TEXT_SYSTEMS = ("dump", "c4-filter", "cleanpipe", "trafilatura-p")


def flatten(tree: Mapping[str, Any], prefix: str = "") -> Flat:
    """``{"a": {"b": 1}}`` -> ``{"a.b": 1}``; lists and scalars are leaves."""
    flat: Flat = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, path + "."))
        else:
            flat[path] = value
    return flat


@dataclass(frozen=True)
class Row:
    """One line of the table: a label and the figure per column (``{s}``: the column).

    A ``path`` without ``{s}`` is a single figure, shown in column ``column``.
    """

    label: str
    path: str
    digits: int = 3
    column: str | None = None


@dataclass(frozen=True)
class Section:
    title: str
    columns: Sequence[str]
    rows: Sequence[Row] = field(default_factory=list)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _cell(row: Row, column: str, flat: Flat, before: Flat | None) -> str:
    if "{s}" in row.path:
        path = row.path.format(s=column)
    elif column == row.column:
        path = row.path
    else:
        return ""
    value = _number(flat.get(path))
    if value is None:
        return ""
    text = f"{value:.{row.digits}f}"
    old = _number(before.get(path)) if before is not None else None
    if old is not None:
        text += f" ({value - old:+.{row.digits}f})"
    return text


def sections(results: Mapping[str, Any]) -> list[Section]:
    """What the table shows, given what the run measured."""
    meta = results.get("meta", {})
    html_columns = [s for s in meta.get("systems", HTML_SYSTEMS)]
    rows: list[Row] = []
    for label, key in (("aeb shingle", "aeb"), ("wcxb word", "wcxb")):
        for part, name in (("F1", "f1"), ("P", "p"), ("R", "r")):
            rows.append(Row(f"{label} {part}", f"html.{key}.{{s}}.{name}"))
    types = results.get("html", {}).get("wcxb", {}).get("cleanpipe", {}).get("types", {})
    for page_type, score in types.items():
        rows.append(Row(f"  wcxb {page_type} F1 (n={score['pages']})",
                        f"html.wcxb.{{s}}.types.{page_type}.f1"))
    rows.append(Row("wcxb title accuracy", "html.wcxb.{s}.title_accuracy"))
    rows.append(Row("trafilatura-half snippet F1", "html.trafilatura-half.{s}.f1"))
    for key in ("aeb", "wcxb", "trafilatura-half"):
        rows.append(Row(f"pages/s {key}", f"html.{key}.{{s}}.pages_per_s", 1))
    rows.append(Row("pages/s all HTML", "html.speed.{s}", 1))
    rows.append(Row("speed ratio cleanpipe/trafilatura", "html.speed.ratio", 2, "cleanpipe"))
    out = [Section("HTML in", html_columns, rows)]

    text_rows: list[Row] = []
    for label, key in (("aeb shingle", "aeb"), ("wcxb word", "wcxb")):
        for part, name in (("F1", "f1"), ("P", "p"), ("R", "r")):
            text_rows.append(Row(f"{label} {part}", f"dumps.{key}.{{s}}.{name}"))
    text_rows.append(Row("trafilatura-half snippet F1 (held out)",
                         "dumps.trafilatura-half.{s}.f1"))
    text_rows.append(Row("pages/s aeb", "dumps.aeb.{s}.pages_per_s", 1))
    text_rows.append(Row("pages/s wcxb", "dumps.wcxb.{s}.pages_per_s", 1))
    text_rows.append(Row("text path pages/s (aeb+wcxb)", "dumps.text_pages_per_s", 1,
                         "cleanpipe"))
    text_rows.append(Row("  in the bench's own process",
                         "dumps.text_in_bench_process_pages_per_s", 1, "cleanpipe"))
    text_rows.append(Row("  side by side with the others", "dumps.text_side_by_side_pages_per_s",
                         1, "cleanpipe"))
    text_rows.append(Row("  first pass, fresh process", "dumps.text_first_pass_pages_per_s",
                         1, "cleanpipe"))
    out.append(Section("Text dumps in", TEXT_SYSTEMS, text_rows))

    language = results.get("language")
    if language:
        lang_rows = [Row(f"machine-translated share, {name} (n={v['pages']})",
                         f"language.machine_translated.{name}.share", 3, "value")
                     for name, v in language.get("machine_translated", {}).items()]
        lang_rows.append(Row("ms added per HTML page", "language.ms_per_html_page", 2,
                             "value"))
        title = "Language stages (" + ", ".join(language.get("stages", [])) + ")"
        out.append(Section(title, ["value"], lang_rows))
    return out


def render_table(results: Mapping[str, Any], before: Mapping[str, Any] | None = None) -> str:
    """The whole table as text; with ``before``, each figure shows its change."""
    flat = flatten(results)
    old = flatten(before) if before is not None else None
    lines: list[list[str]] = []
    for section in sections(results):
        body = []
        for row in section.rows:
            cells = [_cell(row, column, flat, old) for column in section.columns]
            if any(cells):
                body.append([row.label, *cells])
        if body:
            lines.append([f"== {section.title}", *section.columns])
            lines.extend(body)
    if not lines:
        return "(nothing measured)\n"
    width = max(len(line) for line in lines)
    widths = [max(len(line[i]) for line in lines if i < len(line)) for i in range(width)]
    text = []
    for line in lines:
        label = line[0].ljust(widths[0])
        cells = [cell.rjust(widths[i + 1]) for i, cell in enumerate(line[1:])]
        if line[0].startswith("== "):
            text.append("")
        text.append("  ".join([label, *cells]).rstrip())
    meta = results.get("meta", {})
    footer = [f"data: {meta.get('data')}  limit: {meta.get('limit')}  "
              f"wall time: {meta.get('wall_seconds', 0):.0f} s"]
    if meta.get("missing"):
        footer.append("not installed: " + ", ".join(meta["missing"]))
    if before is not None:
        footer.append(f"(changes against the run of {before.get('meta', {}).get('started')})")
    return "\n".join(text).lstrip("\n") + "\n\n" + "\n".join(footer) + "\n"


@dataclass(frozen=True)
class Floor:
    """A pinned minimum for one figure: a number, or another figure plus a margin."""

    name: str
    figure: str
    min: float | None = None
    min_figure: str | None = None
    plus: float = 0.0

    def bound(self, flat: Flat) -> float | None:
        if self.min_figure is not None:
            other = _number(flat.get(self.min_figure))
            return None if other is None else other + self.plus
        return self.min


@dataclass(frozen=True)
class Verdict:
    floor: Floor
    value: float | None
    bound: float | None

    @property
    def measured(self) -> bool:
        return self.value is not None and self.bound is not None

    @property
    def ok(self) -> bool:
        return self.measured and self.value >= self.bound  # type: ignore[operator]

    def line(self) -> str:
        if not self.measured:
            return f"  -     {self.floor.name}: not measured in this run"
        mark = "ok  " if self.ok else "MISS"
        relation = ">=" if self.ok else "<"
        return f"  {mark}  {self.floor.name}: {self.value:.3f} {relation} {self.bound:.3f}"


def load_floors(path: Path) -> list[Floor]:
    """The floors of ``bench/baseline.json``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [Floor(**entry) for entry in data["floors"]]


def check_floors(results: Mapping[str, Any], floors: Sequence[Floor]) -> list[Verdict]:
    """Each floor with the run's figure and the bound it had to reach."""
    flat = flatten(results)
    return [Verdict(f, _number(flat.get(f.figure)), f.bound(flat)) for f in floors]
