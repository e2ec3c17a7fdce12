from __future__ import annotations

from cleanpipe.stages.repair import RepairSettings, repair_text, segments
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


def test_max_chars_bounds_the_work_on_one_huge_line() -> None:
    import time

    line = "cafÃ© " * 2_000_000  # one 12-million-character line of mojibake
    start = time.monotonic()
    fixed, names = repair_text(line, RepairSettings())
    assert time.monotonic() - start < 10  # re-decoding it whole takes ~20 s here
    assert fixed == line and names == []  # too long to re-decode: left as it is


def test_text_is_repaired_in_segments_of_whole_lines() -> None:
    settings = RepairSettings(max_chars=20)
    text = "cafÃ© au lait\n" * 5 + "x" * 50 + "\nvoilÃ \n"
    fixed, names = repair_text(text, settings)
    assert fixed == "café au lait\n" * 5 + "x" * 50 + "\nvoilà \n"
    assert "latin-1" in names and "utf-8" in names
    assert segments("ab\ncd\nef", 5) == ["ab\n", "cd\nef"]
    assert segments("abcdefgh\nx", 3) == ["abcdefgh\n", "x"]


def test_entities_send_a_text_to_ftfy_only_where_ftfy_would_decode_them() -> None:
    from cleanpipe.stages.repair import needs_repair

    prose = "Fish &amp; chips at 5 &lt; 6 pm"
    assert repair_text(prose, RepairSettings())[0] == "Fish & chips at 5 < 6 pm"
    markup = "Use <b> for bold: &lt;b&gt; in the source"  # a "<": ftfy leaves entities
    assert needs_repair(markup) and not needs_repair(markup, entities=False)
    for settings in (RepairSettings(), RepairSettings(precheck=False)):
        assert repair_text(markup, settings) == (markup, [])
    assert repair_text(markup, RepairSettings(unescape_html="yes"))[0] == (
        "Use <b> for bold: <b> in the source")
