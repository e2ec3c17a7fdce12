"""The results table, comparisons and floors, on a hand-made results dict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleanpipe.bench.command import main
from cleanpipe.bench.report import Floor, check_floors, flatten, load_floors, render_table

ROOT = Path(__file__).resolve().parents[2]


def results(cleanpipe_f1: float = 0.98, ratio: float = 0.9) -> dict:
    return {
        "meta": {"data": "/data", "limit": None, "only": ["aeb", "wcxb", "dumps",
                 "trafilatura-half"], "systems": ["cleanpipe", "trafilatura"],
                 "wall_seconds": 12.0, "started": "then"},
        "html": {
            "aeb": {"cleanpipe": {"f1": cleanpipe_f1, "p": 0.97, "r": 0.99, "pages_per_s": 50.0},
                    "trafilatura": {"f1": 0.953, "p": 0.94, "r": 0.97, "pages_per_s": 60.0}},
            "wcxb": {"cleanpipe": {"f1": 0.84, "types": {"forum": {"f1": 0.7, "pages": 3}}},
                     "trafilatura": {"f1": 0.818, "types": {"forum": {"f1": 0.75, "pages": 3}}}},
            "speed": {"cleanpipe": 50.0, "trafilatura": 60.0, "ratio": ratio},
        },
        "dumps": {"aeb": {"dump": {"f1": 0.666}, "cleanpipe": {"f1": 0.91}},
                  "text_pages_per_s": 400.0},
    }


def test_flatten_makes_dotted_paths() -> None:
    assert flatten({"a": {"b": 1, "c": {"d": [2]}}, "e": None}) == {
        "a.b": 1, "a.c.d": [2], "e": None}


def test_table_shows_measured_rows_only() -> None:
    table = render_table(results())
    assert "aeb shingle F1" in table and "0.980" in table and "0.953" in table
    assert "wcxb forum F1 (n=3)" in table
    assert "trafilatura-half" not in table  # not measured, no row
    assert "Language stages" not in table   # the pipeline has none
    assert "speed ratio cleanpipe/trafilatura" in table and "0.90" in table


def test_table_shows_changes_against_an_earlier_run() -> None:
    table = render_table(results(0.98), before=results(0.95))
    assert "0.980 (+0.030)" in table
    assert "0.953 (+0.000)" in table


def test_held_out_dump_row_when_measured() -> None:
    data = results()
    data["dumps"]["trafilatura-half"] = {"c4-filter": {"f1": 0.702},
                                         "cleanpipe": {"f1": 0.846}}
    table = render_table(data)
    row = next(ln for ln in table.splitlines() if "snippet F1 (held out)" in ln)
    assert "0.702" in row and "0.846" in row
    assert "held out" not in render_table(results())


def test_language_section_when_measured() -> None:
    data = results()
    data["language"] = {"stages": ["language", "translation"],
                        "machine_translated": {"aeb-truth": {"share": 0.25, "pages": 4}},
                        "ms_per_html_page": 1.5}
    table = render_table(data)
    assert "Language stages (language, translation)" in table
    assert "machine-translated share, aeb-truth (n=4)" in table and "0.250" in table


def test_floors_fixed_and_relative() -> None:
    floors = [
        Floor("aeb", "html.aeb.cleanpipe.f1", min=0.97),
        Floor("wcxb", "html.wcxb.cleanpipe.f1", min_figure="html.wcxb.trafilatura.f1",
              plus=0.02),
        Floor("forum", "html.wcxb.cleanpipe.types.forum.f1",
              min_figure="html.wcxb.trafilatura.types.forum.f1"),
        Floor("half", "html.trafilatura-half.cleanpipe.f1", min=0.9),
    ]
    verdicts = check_floors(results(), floors)
    assert [v.ok for v in verdicts] == [True, True, False, False]
    assert verdicts[1].bound == pytest.approx(0.838)
    assert not verdicts[3].measured
    assert "MISS  forum: 0.700 < 0.750" in verdicts[2].line()


def test_shipped_baseline_names_real_figures() -> None:
    floors = load_floors(ROOT / "bench" / "baseline.json")
    paths = {f.figure for f in floors} | {f.min_figure for f in floors if f.min_figure}
    assert "html.aeb.cleanpipe.f1" in paths and "dumps.text_pages_per_s" in paths
    assert len(floors) == 15


def test_gate_on_saved_results_exits_1_and_names_the_miss(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "r.json"
    saved.write_text(json.dumps(results(cleanpipe_f1=0.96)))
    code = main(["--results", str(saved), "--gate", "--bench-dir", str(ROOT / "bench")])
    out = capsys.readouterr().out
    assert code == 1
    assert "MISS  AEB shingle F1, HTML: 0.960 < 0.970" in out
    assert "gate: FAILED" in out


def test_unknown_set_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--only", "aeb,nope"])
    assert exc.value.code == 2
    assert "unknown name nope" in capsys.readouterr().err
