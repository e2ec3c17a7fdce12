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


def _whole_text(text: str) -> str:
    """What repair gave before it sent only the suspect lines: ftfy on the whole text."""
    import ftfy

    config = ftfy.TextFixerConfig(normalization=None, uncurl_quotes=False, explain=True)
    return ftfy.fix_and_explain(text, config=config)[0]


def test_only_the_lines_that_need_it_go_to_ftfy_with_the_same_result() -> None:
    clean = ["The council met on Monday “as planned”, the mayor said.", "",
             "Résumé of the meeting — in brief.", "Plain ASCII line."] * 40
    bad = ["The cafÃ© reopened.", "How free isÂ \"free\"?", "Fish &amp; chips",
           "Network launchâ„¢ news"]
    text = "\n".join(clean[:50] + bad[:2] + clean[50:] + bad[2:])
    fixed, names = repair_text(text, RepairSettings())
    assert fixed == _whole_text(text)
    assert "The café reopened." in fixed and "Fish & chips" in fixed and names
    assert fixed.split("\n")[:50] == clean[:50]  # clean lines untouched


def test_a_repair_that_changes_the_line_count_falls_back_to_the_whole_text() -> None:
    text = "The cafÃ© reopened.\rIts owner said so.\nA clean line.\u2028Another one."
    fixed, _ = repair_text(text, RepairSettings())
    assert fixed == _whole_text(text) == ("The café reopened.\nIts owner said so.\n"
                                          "A clean line.\nAnother one.")


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


def test_the_precheck_on_utf8_bytes_finds_what_the_character_scans_find() -> None:
    import sys

    from cleanpipe.stages.repair import _ENTITY, _MOJIBAKE_PAIR, _SUSPECT_CHARS, needs_repair

    def by_characters(text: str, entities: bool = True) -> bool:
        return bool(_SUSPECT_CHARS.search(text)
                    or (entities and "&" in text and _ENTITY.search(text))
                    or (not text.isascii() and _MOJIBAKE_PAIR.search(text)))

    # every character of the BMP in non-ASCII text (the bytes path), a sample of the
    # astral ones (four UTF-8 bytes, F0..F4 and continuation bytes), ASCII in ASCII text
    for code in (*range(0x10000), *range(0x10000, sys.maxunicode + 1, 61), sys.maxunicode):
        text = f"n\u00e9e {chr(code)} x"
        assert needs_repair(text) == by_characters(text), hex(code)
    for code in range(0x80):
        assert needs_repair(f"a{chr(code)}") == by_characters(f"a{chr(code)}"), hex(code)
    # each character that may start a mojibake pair, with each one that may end it
    ends = [chr(c) for c in (*range(0x80, 0x800), *range(0x2000, 0x2200))]
    for first in [chr(c) for c in range(0xC0, 0x100)] + ["\u0420", "\u0421", "\u0410"]:
        for second in ends:
            text = f"x {first}{second} y"
            assert needs_repair(text) == by_characters(text), (first, second)
    for text in ("Fish &amp; chips, caf\u00e9", "caf\u00e9 &amp;", "\u00e9 \ud800 lone",
                 "\u00c3\u00a9t\u00c3\u00a9", "\u00e9 \u2028"):
        for entities in (True, False):
            assert needs_repair(text, entities) == by_characters(text, entities), text
