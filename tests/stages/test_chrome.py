from __future__ import annotations

from pathlib import Path

from cleanpipe.config import load_rules
from cleanpipe.stages.chrome import ChromeMatcher, ChromeRule, ChromeSettings, strip_chrome

BODY = "A long enough paragraph of the article, which says something of substance."


def test_default_pack_covers_many_real_world_phrases() -> None:
    rules = load_rules().rules["chrome"]
    phrases = sum(len(r.pattern) for r in rules)
    assert phrases >= 43


def test_phrase_rule_matches_whole_lines_ignoring_case_and_framing() -> None:
    rule = ChromeRule(id="share", kind="phrase", pattern=("Share this article",))
    text = f"{BODY}\n• SHARE THIS ARTICLE |\nWe share this article with you."
    out, removals = strip_chrome(text, (rule,))
    assert out == f"{BODY}\nWe share this article with you."
    assert [(r.line, r.rule) for r in removals] == [(1, "share")]


def test_trailing_rule_only_fires_in_the_trailing_block() -> None:
    rule = ChromeRule(id="name", kind="phrase", pattern=("Name",), where="trailing")
    text = f"Name\n\n{BODY}\n\nName\n\nName"
    out, removals = strip_chrome(text, (rule,))
    assert out == f"Name\n\n{BODY}"
    assert [r.line for r in removals] == [4, 6]


def test_leading_rule_and_regex() -> None:
    rules = (
        ChromeRule(id="skip", kind="phrase", pattern=("Skip to content",), where="leading"),
        ChromeRule(id="count", kind="regex", pattern=(r"^\d+ comments$",)),
    )
    text = f"Skip to content\n{BODY}\n12 Comments\nSkip to content"
    out, removals = strip_chrome(text, rules)
    assert out == f"{BODY}\nSkip to content"
    assert {(r.line, r.rule) for r in removals} == {(0, "skip"), (2, "count")}


def test_catastrophic_regex_times_out_instead_of_hanging() -> None:
    rule = ChromeRule(id="evil", kind="regex", pattern=(r"^(a+)+$",), case_sensitive=True)
    line = "a" * 5000 + "!a"  # ends like a match would (so the prefilter lets it by)
    out, removals = strip_chrome(line, (rule,), ChromeSettings(regex_timeout=0.01,
                                                                max_line_chars=10_000))
    assert out == line and removals == []


def test_site_rules_apply_only_to_their_hosts() -> None:
    rule = ChromeRule(id="site", kind="phrase", pattern=("Daily Example Sports",),
                      hosts=("example.com",))
    text = f"{BODY}\nDaily Example Sports"
    for host in ("example.com", "news.example.com"):
        assert strip_chrome(text, (rule,), host=host)[0] == BODY
    for host in (None, "example.org", "notexample.com"):
        assert strip_chrome(text, (rule,), host=host)[0] == text


def test_page_host() -> None:
    from cleanpipe.stages.chrome import page_host

    assert page_host("https://www.Example.com:8080/a?b") == "example.com"
    assert page_host("not a url") is None
    assert page_host(None) is None


def test_catastrophic_user_regex_on_a_long_line_of_a_finishes_fast(tmp_path) -> None:
    """(a+)+$ backtracks exponentially; regex_timeout and max_line_chars bound it."""
    import time

    from cleanpipe import Pipeline

    (tmp_path / "chrome.yaml").write_text(
        # structure off: this is about the rules engine (with it, a page of 'aaaa!'
        # lines and one short sentence holds no article at all)
        "stage: chrome\nsettings:\n  structure:\n    enabled: false\n"
        "rules:\n  - id: redos\n    kind: regex\n    pattern: '(a+)+$'\n",
        encoding="utf-8")
    pipe = Pipeline.from_rules(tmp_path)
    text = "A title line\n\n" + "\n\n".join(["a" * 399 + "!", "a" * 100_000 + "!",
                                              "Real prose stays."])
    start = time.monotonic()
    record = pipe.process(text.encode(), "redos.txt")
    assert time.monotonic() - start < 2
    assert "error" not in record
    assert "Real prose stays." in record["text"] and "a" * 399 + "!" in record["text"]


def test_repeat_product_measures_nested_counted_repeats() -> None:
    from cleanpipe.stages.chrome import repeat_product

    assert repeat_product(r"^\d{1,3}\s*(min|mins)$") == 3
    assert repeat_product("((a{100}){100}){100}") == 1_000_000
    assert repeat_product("(a{10}|b{20}){3}") == 60
    assert repeat_product(r"[{]{5}\{9999999\}") == 5
    assert repeat_product(r"[]{99999}]x") == 1


def test_hosts_without_site_rules_share_one_compiled_matcher() -> None:
    from cleanpipe.stages.chrome import Chrome

    site = ChromeRule(id="site", kind="phrase", pattern=("Daily Example Sports",),
                      hosts=("example.com",))
    plain = ChromeRule(id="share", kind="phrase", pattern=("Share",))
    stage = Chrome(ChromeSettings(), (site, plain))
    a, b = stage.matcher("one.example", "text"), stage.matcher("two.example", "text")
    assert a is b and a.match("Daily Example Sports") is None
    scoped = stage.matcher("news.example.com", "text")
    assert scoped is not a and scoped.match("Daily Example Sports") is site


def test_teaser_headers_in_other_languages_end_the_article() -> None:
    from cleanpipe.stages.chrome import ChromeMatcher

    rules = load_rules()
    text_rules = tuple(r for r in rules.rules["chrome"] if not r.inputs or "text" in r.inputs)
    matcher = ChromeMatcher(text_rules, rules.settings["chrome"])
    for header in ("Leia também", "Você pode gostar...", "Lesen Sie auch", "À lire aussi",
                   "Te puede interesar", "Leggi anche"):
        assert matcher.ends_article(header), header
    assert not matcher.ends_article("Leia também o relatório completo, publicado ontem "
                                    "pelo ministério, com os números de cada região do país.")


def test_a_dump_s_removal_steps_are_the_steps_doc_log_would_make() -> None:
    from cleanpipe.document import Document, Step
    from cleanpipe.pipeline import Pipeline
    from conftest import FIXTURES

    pipe = Pipeline.from_rules()
    chrome = next(s for s in pipe.stages if s.name == "chrome")
    text = (FIXTURES / "dumps" / "blog-post-with-comments.txt").read_text(encoding="utf-8")
    doc = chrome(Document(source="dump.txt", text=text, kind="text"))
    settings, rules = load_rules().for_stage("chrome")
    _, removals = strip_chrome(text, rules, settings, kind="text")
    assert removals and doc.trail == [Step("chrome", r.rule, "remove", r.text, r.line)
                                      for r in removals]
    assert all(type(s) is Step and hash(s) == hash(Step(s.stage, s.rule, s.action, s.text,
                                                        s.line)) for s in doc.trail)


def test_a_full_memo_keeps_the_lines_met_again_and_no_more_verdicts_than_its_size() -> None:
    from cleanpipe.stages.chrome import ChromeMatcher

    share = ChromeRule(id="share", kind="phrase", pattern=("Share",))
    matcher = ChromeMatcher((share,), ChromeSettings())
    matcher._MEMO_SIZE = 6  # type: ignore[misc]  # generations of 3
    matched: list[str] = []
    match = matcher._match

    def counting(line: str) -> ChromeRule | None:
        matched.append(line)
        return match(line)

    matcher._match = counting  # type: ignore[method-assign]
    pages = [["Share", "Home", f"Line {i} of a page", f"Another {i}"] for i in range(6)]
    for page in pages:
        assert matcher.match_lines(page) == [share, None, None, None]
        assert matcher.match(page[0]) is share and matcher.match(" Home ") is None
        assert len(matcher._memo) + len(matcher._old_memo) <= 6
    # the lines met on every page were matched once; each other line once too
    assert matched.count("Share") == 1 and matched.count("Home") == 1
    assert len(matched) == 2 + 2 * len(pages)



def _fixture_dump_lines() -> list[str]:
    from conftest import FIXTURES

    lines: dict[str, None] = {}
    for path in sorted(FIXTURES.rglob("*")):
        if path.is_file() and path.suffix in (".txt", ".html"):
            text = path.read_text("utf-8", errors="replace")
            lines.update(dict.fromkeys(ln.strip() for ln in text.split("\n") if ln.strip()))
    return list(lines)


def test_match_lines_gives_each_line_the_rule_it_gets_alone() -> None:
    """match_lines works on a whole dump (memo, and whatever batching it does); each
    line must still get the rule that _match gives it alone, repeated or not."""
    from cleanpipe.stages.chrome import ChromeMatcher

    rules = load_rules()
    text_rules = tuple(r for r in rules.rules["chrome"] if not r.inputs or "text" in r.inputs)
    matcher = ChromeMatcher(text_rules, rules.settings["chrome"])
    lines = _fixture_dump_lines()
    alone = [matcher._match(line) for line in lines]
    assert len(lines) > 300 and sum(r is not None for r in alone) > 30
    assert {r.kind for r in alone if r is not None} == {"phrase", "contains", "regex"}
    fresh = ChromeMatcher(text_rules, rules.settings["chrome"])
    assert fresh.match_lines(lines + [""] + lines) == alone + [None] + alone


def test_contains_needles_ignore_case_and_keep_the_order_of_the_rules() -> None:
    from cleanpipe.stages.chrome import ChromeMatcher

    first = ChromeRule(id="first", kind="contains", pattern=("ABC", "ſhare"))
    second = ChromeRule(id="second", kind="contains", pattern=("b", "x\ny"))
    matcher = ChromeMatcher((first, second), ChromeSettings())
    # a needle at a line's start or end, after characters whose case folding is longer
    # (ß -> ss, ŉ -> ʼn); "ſhare" folds to "share"; a needle holding "\n" is in no line
    lines = ["abc", "xab", "cx", "ßßabc", "ŉ b", "SHARE now", "ſhare", "x", "y", "zz abc"]
    lines += [f"line {i}" for i in range(10)]
    assert [r and r.id for r in matcher.match_lines(lines)][:10] == [
        "first", "second", None, "first", "second", "first", "first", None, None, "first"]
    assert matcher.match_lines(lines) == [matcher._match(line) for line in lines]


def test_matching_many_lines_at_once_gives_each_line_its_own_verdict() -> None:
    rules = tuple(r for r in load_rules().rules["chrome"] if not r.inputs or "text" in r.inputs)
    matcher = ChromeMatcher(rules, ChromeSettings())
    fixtures = Path(__file__).resolve().parents[2] / "fixtures"
    lines = sorted({ln.strip() for path in sorted(fixtures.rglob("*.txt"))
                    for ln in path.read_text("utf-8", errors="replace").splitlines()
                    if ln.strip()})
    lines += ["12 Comments", "\u00a9 2024 Stra\u00dfe GmbH", "Cookie\u017f", "S\u0130gn up",
              "ALL RIGHTS RESERVED", "Anna says:", "3 hours ago", "March 3, 2020",
              "\u212aeep reading", "\u0661\u0662 comments", "We use cookies here.", "Menu",
              # long lines that frames or white space make a phrase
              "| " * 50 + "Share", "Share" + " " * 100 + "this", "Share\tthis" + "\u00a0" * 90]
    for start in range(0, len(lines), 200):
        chunk = lines[start:start + 200]
        assert matcher._match_many(chunk) == [matcher._match(line) for line in chunk]
    # through the memo too, with repeated, blank and over-long lines
    dump = (["", "x" * 500] + lines[:300]) * 2
    fresh = ChromeMatcher(rules, ChromeSettings())
    expected = [None if not line or len(line) > 400 else matcher._match(line) for line in dump]
    assert fresh.match_lines(dump) == expected
    assert fresh.match_lines(dump) == expected
