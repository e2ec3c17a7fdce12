from __future__ import annotations

from cleanpipe.stages.repair import RepairSettings, repair_text
from conftest import PAGES


def test_mojibake_dump_is_repaired_end_to_end(pipeline) -> None:
    record = pipeline.process((PAGES / "mojibake-cafe.txt").read_bytes(), "mojibake-cafe.txt")
    assert record["title"] == "A Café’s Second Life"
    assert "Zoë Müller, said the crème brûlée was “the first thing back on the menu”" in (
        record["text"])
    assert "Ã" not in record["text"] and "â€" not in record["text"]


def test_repair_reports_which_fixes_applied() -> None:
    fixed, fixes = repair_text("The cafÃ© is open", RepairSettings())
    assert fixed == "The café is open"
    assert fixes  # ftfy's names for what it did
    same, none = repair_text("The café is open", RepairSettings())
    assert same == "The café is open" and none == []


def test_repair_can_be_switched_off() -> None:
    text = "The cafÃ© is open"
    assert repair_text(text, RepairSettings(enabled=False)) == (text, [])
