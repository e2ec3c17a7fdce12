from __future__ import annotations

from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanpipe.config import load_rules
from cleanpipe.stages.chrome import ChromeMatcher, ChromeRule, ChromeSettings
from cleanpipe.stages.prefilter import NO_CONDITIONS, Prefilter, conditions

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

# Lines each default rule was written for, cased and framed in the ways pages do.
CHROME_LINES = [
    "12 Comments", "(3) comments", "Leave a Reply", "LEAVE A COMMENT", "Related posts",
    "Você também pode gostar", "À lire aussi", "Ähnliche Artikel", "Share this", "Tweet",
    "Home » News » World", "Menu", "Privacy Policy", "© 2024 Example Inc.",
    "Copyright 2023 All Rights Reserved.", "ALL RIGHTS RESERVED", "5 min read", "Votes: 17",
    "March 3, 2020", "Published on 12.03.2021 10:15", "3. März 2020", "15 janvier 2019",
    "By Jane Doe", "Von Max Muster", "Anna says:", "3 hours ago", "Reply", "Report",
    "1 2 3 4 5", "---", "« »", "Posted by Anna at 10:04 AM", "Tags: news, world",
    "Sign up for our newsletter to get the best stories", "Follow us on Twitter",
    "We use cookies to improve your experience.", "Accept all cookies",
    "Free shipping on orders over $50", "Please enable JavaScript to view the comments.",
    "Reading time: 4 min", "Lesezeit: 3 Minuten", "comments (12)",
    # characters whose case does not map one to one onto ASCII
    "POSTED BY ANNA AT 10:04 AM", "Sİgn up for our newsletter", "ſhare this",
    "\u212aeep reading", "１２ comments", "١٢ comments", "By \u00c9mile Zola",
]


def _text_rules() -> tuple[ChromeRule, ...]:
    rules = load_rules().rules["chrome"]
    return tuple(r for r in rules if not r.inputs or "text" in r.inputs)


def _fixture_lines() -> list[str]:
    lines = set(CHROME_LINES)
    for path in sorted(FIXTURES.rglob("*")):
        if path.is_file() and path.suffix in (".txt", ".html"):
            text = path.read_text("utf-8", errors="replace")
            lines.update(ln.strip() for ln in text.splitlines() if ln.strip())
    return sorted(lines)


MATCHER = ChromeMatcher(_text_rules(), ChromeSettings())


ALTERNATIONS = MATCHER._alternations
PATTERNS = [regex.compile(part, regex.V0) for part in ALTERNATIONS.parts]


def _misses(line: str) -> list[str]:
    """Patterns that match ``line`` although the prefilter left them out."""
    chosen = set(ALTERNATIONS.prefilter.candidates(line))
    missed = []
    for i, pattern in enumerate(PATTERNS):
        anchored = i < ALTERNATIONS.split
        found = pattern.match(line) if anchored else pattern.search(line)
        if found and i not in chosen:
            missed.append(pattern.pattern)
    return missed


def _full_verdict(line: str) -> str | None:
    """The rule the whole alternations pick, as before there was a prefilter."""
    anchored, floating = ALTERNATIONS.whole
    assert anchored is not None and floating is not None
    m = anchored.match(line) or floating.search(line)
    return MATCHER.groups[m.lastgroup].id if m is not None and m.lastgroup else None


def test_prefilter_never_leaves_out_a_pattern_that_matches() -> None:
    lines = _fixture_lines()
    assert len(lines) > 200
    assert {line: _misses(line) for line in lines if _misses(line)} == {}


def test_prefilter_keeps_the_verdict_of_the_whole_alternation() -> None:
    hits = 0
    for line in _fixture_lines():
        rule = MATCHER._match(line)
        verdict = rule.id if rule is not None and rule.kind == "regex" else None
        if rule is None or rule.kind == "regex":
            assert verdict == _full_verdict(line), line
        hits += verdict is not None
    assert hits >= 30


def test_prefilter_skips_the_regexes_for_plain_prose() -> None:
    line = "The council met on Tuesday to discuss the new budget for the city's schools."
    assert ALTERNATIONS.prefilter.candidates(line) == ()


ALPHABET = st.sampled_from(list("abcdeiklmnoprstuyABCIKS0159 .,:;|-()©«»\u0130\u0131\u017f"
                                "\u212a\u00e9\u00c9\u00df\u0661\uff11\u00a0")
                           + ["comment", "reply", "by ", "posted ", "all rights reserved",
                              "cookies", "we use", "min read", "ago", "says", "share",
                              "related", "lesen sie auch", "2024", "march ", "\u00e0 lire"])


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, min_size=1, max_size=12))
def test_prefilter_is_conservative_on_generated_lines(pieces: list[str]) -> None:
    line = "".join(pieces).strip()
    if line:
        assert _misses(line) == []


@pytest.mark.parametrize("pattern", [
    r"(?:cookie){e<=1}s",        # fuzzy matching: braces mean something else to re
    r"[[:alpha:]]+ comments",    # POSIX class
    r"(?|a(b)|c(d))x",           # branch reset
    r"(?<name>ab)c",             # regex's own named-group syntax
    r"[\p{Lu}]ab",               # a property inside a class
    r"(?f)strasse",              # full case folding
])
def test_syntax_outside_what_re_shares_gets_no_conditions(pattern: str) -> None:
    assert conditions(pattern, anchored=True) == NO_CONDITIONS


def test_conditions_of_typical_rules() -> None:
    posted = conditions(r"posted by .{1,80} (at|on) .{1,40}$", anchored=True)
    assert posted.starts == frozenset({"posted by "})
    byline = conditions(r"(?i:by|von)\s*:?\s+\p{Lu}\S*$", anchored=True)
    assert byline.starts is not None and "by" in byline.starts and "von" in byline.starts
    date = conditions(r"(?:\w+\s+)?\d{1,2}\.\d{1,2}\.\d{4}$", anchored=True)
    assert date.digit
    footer = conditions(r".{0,120}\ball rights reserved", anchored=True)
    assert footer.starts is None and footer.contains is not None
    assert all("reserved" in "all rights reserved" for _ in footer.contains)


def test_lines_with_irregular_case_characters_meet_every_pattern() -> None:
    pf = Prefilter([conditions("share this", anchored=True)])
    assert pf.candidates("Cooking tips") == ()
    assert pf.candidates("\u017fhare this") == (0,)  # long s matches s, ignoring case
    assert regex.match(r"(?i:share this)", "\u017fhare this")


@pytest.mark.parametrize("pattern", [r"(?:foo)?", r"x*", r"(?:a|)", r"\b", r"(?=\w)"])
def test_a_pattern_that_may_match_nothing_meets_every_line(pattern: str) -> None:
    pf = Prefilter([conditions(pattern, anchored=True)])
    for line in ("foo bar", "Cooking tips", "12"):
        if regex.match(pattern, line):
            assert pf.candidates(line) == (0,), (pattern, line)


def test_endings_condition_of_a_dollar_anchored_pattern() -> None:
    meta = conditions(r"(?:\S+\s+){0,5}?(?:says:?|ago)$", anchored=True)
    assert meta.ends == frozenset({"says", "says:", "ago"})
    pf = Prefilter([meta])
    assert pf.candidates("Anna says:") == (0,)
    assert pf.candidates("3 hours ago") == (0,)
    assert pf.candidates("Agony is a long word") == ()
    assert conditions(r"(?:foo)?$", anchored=True).ends is None


def _screened(lines: list[str]) -> dict[int, tuple[int, ...]]:
    text = "\n" + "\n".join(lines)
    return dict(ALTERNATIONS.prefilter.screen(lines, text, text.lower()))


def test_screen_of_many_lines_never_leaves_out_a_pattern_that_matches() -> None:
    lines = [line for line in _fixture_lines() if "\u0130" not in line]
    for start in range(0, len(lines), 150):
        chunk = lines[start:start + 150]
        keys = _screened(chunk)
        for j, line in enumerate(chunk):
            key = keys.get(j, ())
            for i, pattern in enumerate(PATTERNS):
                anchored = i < ALTERNATIONS.split
                found = pattern.match(line) if anchored else pattern.search(line)
                assert not found or i in key, (line, pattern.pattern)


def test_screen_leaves_out_prose_and_keeps_what_may_be_chrome() -> None:
    lines = ["The council met on Tuesday to discuss the new budget.",
             "12 Comments", "She said the plan would cost 3 million euros.", "Leave a Reply",
             "\u017fhare this", "We use cookies to improve your experience."]
    keys = _screened(lines)
    assert 0 not in keys
    assert {1, 3, 4, 5} <= set(keys)
    assert keys[4] == ALTERNATIONS.prefilter.everything  # (long s: no conditions)
