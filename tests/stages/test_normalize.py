from __future__ import annotations

from cleanpipe.stages.normalize import NormalizeSettings, normalize_text


def test_spaces_zero_width_and_blank_lines() -> None:
    text = "\u00a0First\u00a0 line  here\u200b.\r\n\r\n\r\n\r\nSecond\tline.\n\n"
    out, changes = normalize_text(text, NormalizeSettings())
    assert out == "First line here.\n\nSecond line."
    rules = {rule for rule, _ in changes}
    assert {"spaces", "zero-width", "collapse-spaces", "blank-lines", "line-breaks"} <= rules


def test_nfc() -> None:
    decomposed = "Cafe\u0301"
    out, changes = normalize_text(decomposed, NormalizeSettings())
    assert out == "Café"
    assert changes[0][0] == "unicode-nfc"


def test_nothing_to_do_records_nothing() -> None:
    text = "Already clean.\n\nTwo paragraphs."
    assert normalize_text(text, NormalizeSettings()) == (text, [])


def test_switches_are_honoured() -> None:
    text = "a\u00a0\u00a0b"
    out, _ = normalize_text(text, NormalizeSettings(spaces=False))
    assert out == text
