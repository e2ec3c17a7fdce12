"""The structural evidence of the chrome stage on text dumps."""

from __future__ import annotations

import pytest

from cleanpipe.config import load_rules
from cleanpipe.errors import RulesError
from cleanpipe.stages.chrome import ChromeSettings, strip_chrome
from cleanpipe.stages.textdump import (
    RuleHit,
    StructureSettings,
    _title_case,
    classify,
    classify_groups,
    clean_dump,
    find_blocks,
    group_fragments,
    stop_share,
    stopwords,
)
from conftest import FIXTURES

DUMPS = FIXTURES / "dumps"
BLOG = DUMPS / "blog-post-with-comments.txt"


def _chrome_input(pipeline, path) -> str:
    """The text the chrome stage receives for a fixture."""
    from cleanpipe.learn import chrome_input

    doc = chrome_input(pipeline, path.read_bytes(), str(path))
    assert doc is not None and doc.kind == "text"
    return doc.text


def test_stopwords_ship_as_data_and_cover_several_languages() -> None:
    words = stopwords()
    assert {"the", "und", "les", "que", "het", "что"} <= words
    assert "garden" not in words


def test_stop_share_counts_the_words_a_word_regex_finds() -> None:
    import re

    stop = stopwords()

    def reference(text: str) -> float:
        words = re.findall(r"\w+", text.lower())
        return sum(w in stop for w in words) / len(words) if words else 0.0

    every_ascii = "".join(map(chr, range(128)))
    for text in ("The cat_sat ON the-mat, and THE dog's bowl.", "", "...", every_ascii,
                 "Über die Brücke und über den Fluss", "it's THE end\x1cof_the road",
                 "A1 b2 THE3 the 4the " * 3, "Été à la plage avec les enfants",
                 # typographic punctuation only: the bytes path, as for ASCII text
                 "It\u2019s \u201cthe\u201d end\u2014of the\u00a0road\u2026 \u00abor\u00bb not",
                 "\u2018\u2019", "The \u2122 and \u00a9 of a \u2460 \u00b2 \u2167 ranking",
                 "The caf\u00e9\u2019s \u201cmenu\u201d and its \u00e9t\u00e9 offers"):
        assert stop_share(text, stop) == reference(text), text
    for text in _fixture_texts():
        assert stop_share(text, stop) == reference(text), text


def _fixture_texts() -> list[str]:
    """The lines and glued groups of the shipped text fixtures: real-looking inputs."""
    texts: list[str] = []
    for path in sorted([*DUMPS.glob("*.txt"), *(FIXTURES / "pages").glob("*.txt")]):
        lines = [ln.strip() for ln in path.read_text("utf-8", "replace").split("\n")]
        groups = group_fragments(lines, [None] * len(lines), StructureSettings(), stopwords())
        texts += filter(None, lines)
        texts += (" ".join(lines[i] for i in ix) for ix in groups)
    assert len(texts) > 300 and not all(map(str.isascii, texts))
    return texts


def test_title_case_counts_word_initials_like_a_loop_over_the_words() -> None:
    def reference(text: str, share: float) -> bool:
        initials = [w[0] for w in text.split() if w[0].isalpha()]
        return bool(initials) and sum(c.isupper() for c in initials) >= share * len(initials)

    every_ascii = "".join(map(chr, range(128)))
    for text in [every_ascii, "Police: 2 In Custody\x1cAfter Death", "_Under score Of It",
                 "\tTabbed\x0bWords\x1fAnd\rsuch", "Émile Zola Über Alles", "Ⓐ Ⓑ c",
                 *_fixture_texts()]:
        for share in (0.0, 0.5, 0.7, 1.0):
            assert _title_case(text, share) == reference(text, share), text


def test_groups_are_classified_as_one_by_one() -> None:
    s, stop = StructureSettings(), stopwords()
    texts = _fixture_texts() + ["日本語のテキストです" * 3, "中文", "Ça va", "Sports"]
    words, kind, score = classify_groups(texts, s, stop)
    assert list(zip(words, kind, score, strict=True)) == [classify(t, s, stop) for t in texts]


def test_fragments_split_at_links_are_glued_back() -> None:
    lines = ["According to", "The New York Times", "the talks failed.", "", "Sports", "News"]
    hits = [None] * len(lines)
    groups = group_fragments(lines, hits, StructureSettings(), stopwords())
    assert groups == [[0, 1, 2], [4], [5]]


def test_a_line_a_phrase_rule_matched_stands_alone() -> None:
    lines = ["Read the report in", "Share"]
    hit = RuleHit("news-share-bar", hard=True, whole_line=True)
    assert group_fragments(lines, [None, hit], StructureSettings(), stopwords()) == [[0], [1]]


def test_prose_scores_up_labels_down() -> None:
    s = StructureSettings()
    stop = stopwords()
    words, _, score = classify("The council said on Monday that the bridge would reopen in "
                               "the spring after the repairs.", s, stop)
    assert words == 16 and score == 16 * s.good_weight
    assert classify("Sports", s, stop)[2] == -s.short_penalty
    assert classify("Ten Best Budget Laptops Reviewed Today", s, stop)[2] == -s.headline_penalty


def test_best_block_and_a_second_one_worth_enough() -> None:
    s = StructureSettings(low_prose_score=10)
    score = [-3, -3, 40, 30, -3, -20, -3, -3, -3, 25, -3]
    assert sorted(find_blocks(score, s)) == [(2, 4), (9, 10)]
    assert find_blocks([-3, -3], s) == []


def test_blog_dump_keeps_the_article_with_its_heading_and_list(pipeline) -> None:
    record = pipeline.process(BLOG.read_bytes(), str(BLOG))
    text = record["text"]
    assert text.startswith("Every autumn the same question arrives")
    assert text.endswith("sturdy plants ready for the border.")
    for kept in ("Lifting the tubers", "What you will need", "- a marker pen for the labels",
                 "Storing them in a flat"):
        assert kept in text.split("\n")
    for gone in ("By Margaret Holloway", "12 Comments", "I tried the cardboard box method",
                 "Leave a Reply", "Planting Garlic in October", "Proudly powered by WordPress"):
        assert gone not in text
    assert record["title"] == "How to Overwinter Dahlias Without a Cellar | The Allotment Diary"


def test_every_removal_names_its_line_in_the_chrome_input(pipeline) -> None:
    record = pipeline.process(BLOG.read_bytes(), str(BLOG))
    lines = _chrome_input(pipeline, BLOG).split("\n")
    removed = {r["line"]: r["rule"] for r in record["removed"] if r["stage"] == "chrome"}
    for r in record["removed"]:
        if r["stage"] == "chrome":
            assert lines[r["line"]] == r["text"]
    by_text: dict[str, str] = {}
    for i, rule in sorted(removed.items()):
        by_text.setdefault(lines[i], rule)
    assert by_text["By Margaret Holloway"] == "byline"
    assert by_text["November 3, 2024"] == "dateline"
    assert by_text["12 Comments"] == "reading-counters"
    assert by_text["Vegetables"] == "menu-run"
    # a reader's comment is prose, but it comes after the article's end
    comment = next(ln for ln in lines if ln.startswith("I tried the cardboard box"))
    assert by_text[comment] == "after-end-marker"
    kept = [ln for i, ln in enumerate(lines) if ln.strip() and i not in removed]
    assert "\n".join(kept) == record["text"].replace("\n\n", "\n")


def test_a_page_without_an_article_is_empty_with_a_reason(pipeline) -> None:
    path = DUMPS / "not-found.txt"
    record = pipeline.process(path.read_bytes(), str(path))
    assert record["text"] == ""
    assert "chrome" in record["reason"]
    rules = {r["rule"] for r in record["removed"]}
    assert "too-little-content" in rules and "copyright" in rules


def test_structure_can_be_switched_off(pipeline) -> None:
    text = _chrome_input(pipeline, BLOG)
    rules = load_rules().rules["chrome"]
    off = ChromeSettings(structure=StructureSettings(enabled=False))
    kept, removals = strip_chrome(text, rules, off, kind="text")
    assert "Vegetables" in kept and "I tried the cardboard box method" in kept[kept.index("I t"):]
    assert all(r.rule not in ("menu-run", "after-end-marker") for r in removals)


def test_text_only_rules_leave_html_text_alone() -> None:
    rules = load_rules().rules["chrome"]
    text = "By Margaret Holloway\nNovember 3, 2024\nThe article says something of substance."
    assert strip_chrome(text, rules, kind="html")[0] == text
    assert "By Margaret" not in strip_chrome(text, rules, kind="text")[0]


def test_structure_settings_are_validated_with_their_place(tmp_path) -> None:
    (tmp_path / "chrome.yaml").write_text(
        "stage: chrome\nsettings:\n  structure:\n    tail_discount: 2\n    tail_discont: 1\n")
    with pytest.raises(RulesError) as err:
        load_rules(tmp_path)
    message = str(err.value)
    assert "chrome.yaml:4" in message and "tail_discount" in message and "out of range" in message
    assert "did you mean 'tail_discount'" in message


def test_structure_overlay_changes_one_key(tmp_path) -> None:
    (tmp_path / "chrome.yaml").write_text(
        "stage: chrome\nsettings:\n  structure:\n    inner_run_min: 7\n")
    structure = load_rules(tmp_path).settings["chrome"].structure
    assert structure.inner_run_min == 7
    assert structure.tail_discount == StructureSettings().tail_discount


def test_clean_dump_gives_one_reason_per_line() -> None:
    assert clean_dump([], [], StructureSettings()) == []
    lines = ["", "Menu", "", "Sports"]
    assert clean_dump(lines, [None] * 4, StructureSettings()) == [
        None, "short-outside-main-block", None, "short-outside-main-block"]


def test_teaser_headline_words_needs_two_ordered_counts(tmp_path) -> None:
    (tmp_path / "chrome.yaml").write_text(
        "stage: chrome\nsettings:\n  structure:\n    teaser_headline_words: [20, 4]\n")
    with pytest.raises(RulesError, match="teaser_headline_words"):
        load_rules(tmp_path)


def test_a_second_copy_of_the_article_and_a_teaser_list_go() -> None:
    para = ("The council said on Monday that the old bridge over the river would reopen "
            "in the spring, once the repairs to its piers are finished.")
    more = ("Engineers found that the piers had been weakened by decades of floods, and "
            "the work took far longer than the council had first promised the town.")
    teasers = []
    for i in range(3):
        teasers += [f"Town festival returns to the park in year {i}",
                    f"Organisers expect record crowds this summer, number {i} says."]
    lines = [para, "", more, "", "More in Local", "Latest", "", *teasers, "", para, "", more]
    reasons = clean_dump(lines, [None] * len(lines), StructureSettings())
    assert reasons[0] is None and reasons[2] is None
    assert set(reasons[7:13]) == {"teaser-run"}
    assert reasons[14] == reasons[16] == "duplicate-paragraph"


def test_a_title_case_headline_is_not_prose_however_many_function_words() -> None:
    s = StructureSettings()
    stop = stopwords()
    headline = "Police: 2 In Custody After Death Of A Student-Athlete At The University"
    assert classify(headline, s, stop)[2] == -s.headline_penalty
    # German capitalises its nouns, a sentence still ends in a full stop: both stay prose
    german = ("Die Stadt hat am Montag beschlossen, dass die alte Brücke über den Fluss im "
              "Frühjahr wieder geöffnet wird")
    assert classify(german, s, stop)[2] > 0
    assert classify(headline + ".", s, stop)[2] > 0


def test_prose_that_does_not_end_like_a_sentence_scores_less() -> None:
    s = StructureSettings()
    stop = stopwords()
    headline = "Why the fast food chains of the country will do anything to win in China"
    words, _, score = classify(headline, s, stop)
    assert score == pytest.approx(words * s.good_weight * s.open_good_factor)
    for closed in (headline + ".", headline + ":"):
        assert classify(closed, s, stop)[2] == (words * s.good_weight)


def test_teaser_headlines_as_long_as_sentences_still_make_a_teaser_list() -> None:
    para = ("The council said on Monday that the old bridge over the river would reopen "
            "in the spring, once the repairs to its piers are finished.")
    teasers = []
    for i in range(3):
        teasers += [f"Why the town festival in the park is coming back for the year {i}",
                    f"Organisers expect record crowds this summer, number {i} says."]
    lines = [para, "", para.replace("Monday", "Tuesday"), "", "More in Local", "Latest", "",
             *teasers]
    reasons = clean_dump(lines, [None] * len(lines), StructureSettings())
    assert reasons[0] is None and reasons[2] is None
    assert set(reasons[7:13]) == {"teaser-run"}


RECORDS = DUMPS / "opinion-with-more-records.txt"


def test_teaser_records_after_a_long_article_go_as_a_record_run(pipeline) -> None:
    record = pipeline.process(RECORDS.read_bytes(), str(RECORDS))
    text = RECORDS.read_text("utf-8")
    paragraphs = [p for p in text.split("\n\n") if len(p.split()) > 30 and "\n" not in p]
    assert len(paragraphs) == 6
    assert record["text"].split("\n\n")[:6] == paragraphs  # the article, whole and first
    removed = {r["text"]: r["rule"] for r in record["removed"] if r["stage"] == "chrome"}
    summary = next(ln for ln in text.splitlines() if ln.startswith("Shops along"))
    assert removed[summary] == "record-run"
    assert "March 3, 2025" not in record["text"]


def _dated_records(n: int) -> list[str]:
    lines = []
    for i in range(n):
        lines += [f"Member {i}", f"March {i + 1}, 2025",
                  f"I have had the same trouble with the printer driver since version {i}, "
                  "and the only thing that helped was to remove it and install it again.",
                  ""]
    return lines


def test_records_that_are_the_page_stay() -> None:
    # a forum thread: the posts are records from the top, with no article before them
    lines = ["Printer driver keeps crashing", "", *_dated_records(6)]
    hits = [RuleHit("dateline", False) if ln.startswith("March") else None for ln in lines]
    reasons = clean_dump(lines, hits, StructureSettings())
    posts = [i for i, ln in enumerate(lines) if ln.startswith("I have had")]
    assert all(reasons[i] is None for i in posts)


def test_a_comment_thread_longer_than_the_post_does_not_swallow_it() -> None:
    para = ("The council said on Monday that the old bridge over the river would reopen "
            "in the spring, once the repairs to its piers are finished and tested.")
    # the thread's prose outweighs its name labels, so one run would reach across
    # the header from the article into the comments
    thread = [ln for ln in _dated_records(4) if not ln.startswith("March")]
    lines = [para, "", para.replace("Monday", "Tuesday"), "", "4 Comments", "", *thread]
    hits: list[RuleHit | None] = [None] * len(lines)
    hits[4] = RuleHit("comments-header", True, ends_article=True)
    comments = [i for i, ln in enumerate(lines) if ln.startswith("I have had")]
    swallowed = clean_dump(lines, hits, StructureSettings(head_block_min=1000.0))
    assert all(swallowed[i] is None for i in comments)
    reasons = clean_dump(lines, hits, StructureSettings(head_block_min=40.0))
    assert reasons[0] is None and reasons[2] is None
    assert all(reasons[i] == "after-end-marker" for i in comments)


TABLE = DUMPS / "review-with-spec-table.txt"


def test_a_table_of_short_cells_with_numbers_is_not_a_menu(pipeline) -> None:
    text = _chrome_input(pipeline, TABLE)
    rules = load_rules().rules["chrome"]
    settings = load_rules().settings["chrome"]
    cells = ["Packed weight", "1.2 kg", "Floor area", "2.8 m²", "Peak height", "105 cm"]
    kept, removals = strip_chrome(text, rules, settings, kind="text")
    assert "\n".join(cells) in kept
    assert {r.text: r.rule for r in removals}["Tents"] == "menu-run"  # the real menu goes
    off = ChromeSettings(structure=StructureSettings(table_digit_share=1.0))
    kept_off, removals_off = strip_chrome(text, rules, off, kind="text")
    assert "Packed weight" not in kept_off
    assert {r.text: r.rule for r in removals_off}["Packed weight"] == "menu-run"
    # the prose around the table stays either way
    for para in (p for p in TABLE.read_text("utf-8").split("\n\n") if len(p.split()) > 30):
        assert para in kept and para in kept_off


LICENCE_FOOTER = DUMPS / "shop-with-licence-footer.txt"


def test_registration_numbers_do_not_make_a_footer_a_table(pipeline) -> None:
    text = _chrome_input(pipeline, LICENCE_FOOTER)
    rules = load_rules().rules["chrome"]
    settings = load_rules().settings["chrome"]
    footer = ["Company information", "Company registration 08812345", "VAT GB 123456789",
              "Trade licence 2019-004521377"]
    kept, removals = strip_chrome(text, rules, settings, kind="text")
    removed = {r.text: r.rule for r in removals}
    assert all(removed[line] == "menu-run" for line in footer)
    # counting every digit, the identifiers would pass for the values of a table
    every_digit = ChromeSettings(structure=StructureSettings(table_id_digits=0))
    kept_all, _ = strip_chrome(text, rules, every_digit, kind="text")
    assert all(line in kept_all for line in footer)
    for para in (p for p in LICENCE_FOOTER.read_text("utf-8").split("\n\n")
                 if len(p.split()) > 30):
        assert para in kept and para in kept_all


FORUM = DUMPS / "forum-thread.txt"


def test_reply_counters_and_add_a_comment_do_not_end_a_thread(pipeline) -> None:
    from cleanpipe.stages.chrome import ChromeMatcher

    rules = load_rules().rules["chrome"]
    matcher = ChromeMatcher(tuple(r for r in rules if not r.hosts), ChromeSettings())
    for line in ("Add a comment", "15 replies", "replies"):
        assert matcher.match(line) is not None  # chrome ...
        assert not matcher.ends_article(line)  # ... but not the end of the content
    assert matcher.ends_article("12 Comments") and matcher.ends_article("Leave a Reply")
    # a Q&A thread: "Add a comment" under the question, then the answers, which stay
    record = pipeline.process(FORUM.read_bytes(), str(FORUM))
    removed = {r["text"]: r["rule"] for r in record["removed"] if r["stage"] == "chrome"}
    assert removed["Add a comment"] == "thread-counter"
    assert "after-end-marker" not in removed.values()
    for para in (p for p in FORUM.read_text("utf-8").split("\n") if len(p.split()) > 30):
        assert para in record["text"]


def test_discussion_and_response_headings_do_not_end_the_article() -> None:
    from cleanpipe.stages.chrome import ChromeMatcher

    rules = load_rules().rules["chrome"]
    matcher = ChromeMatcher(tuple(r for r in rules if not r.hosts), ChromeSettings())
    for heading in ("Discussion", "Discussion starter", "Response", "Response test:"):
        assert not matcher.ends_article(heading)
    for header in ("2 Responses", "Responses", "Join the discussion", "Comments (3)"):
        assert matcher.ends_article(header)


def test_the_bullet_prefilter_lets_every_bullet_through() -> None:
    import re
    import sys

    from cleanpipe.stages.textdump import _BULLET_MARKS

    # _menu_like tries the bullet pattern only on text starting with a mark or a digit
    first = re.compile(r"[-–—•·*▪►✓✔]|\d")
    starts = [c for c in map(chr, range(sys.maxunicode + 1)) if first.match(c)]
    assert all(c in _BULLET_MARKS or c.isdecimal() for c in starts)


CODE = DUMPS / "tutorial-with-code.txt"


def test_a_code_sample_split_token_by_token_is_not_a_menu(pipeline) -> None:
    text = _chrome_input(pipeline, CODE)
    rules = load_rules().rules["chrome"]
    settings = load_rules().settings["chrome"]
    kept, removals = strip_chrome(text, rules, settings, kind="text")
    for token in ("AddHttpClient", "AddHttpMessageHandler", "TimeSpan", "CreateClient",
                  "=", "30", "=>"):  # numbers and operators too, which a rule would drop
        assert f"\n{token}\n" in kept
    removed = {r.text: r.rule for r in removals}
    assert removed["Field Notes"] == "menu-run" and removed["Writing CSV files"] == "menu-run"
    # without the evidence the tokens are a long menu that splits the article in two
    off = ChromeSettings(structure=StructureSettings(code_syntax_share=1.0))
    kept_off, removals_off = strip_chrome(text, rules, off, kind="text")
    assert "AddHttpClient" not in kept_off
    removed_off = {r.text: r.rule for r in removals_off}
    assert removed_off["AddHttpClient"] == "menu-run" and removed_off["30"] == "numbers-only"
    for para in (p for p in CODE.read_text("utf-8").split("\n") if len(p.split()) > 30):
        assert para in kept and para in kept_off


def test_parentheses_around_scores_and_counters_are_not_code() -> None:
    para = ("The council said on Monday that the old bridge over the river would reopen "
            "in the spring, once the repairs to its piers are finished and tested.")
    before, after = ([para.replace("Monday", day) for day in days]
                     for days in (("Monday", "Tuesday", "Friday"), ("May", "June", "July")))
    labels = ("Cart", "Wishlist", "Orders", "Returns", "Alerts", "Messages", "Coupons",
              "Gift cards", "Addresses", "Payments", "Reviews", "Settings")
    counters = [x for label in labels for x in (label, "(", "1", ")")]
    lines = [*before, "", *counters, "", *after]
    reasons = clean_dump(lines, _symbol_hits(lines), StructureSettings())
    # (the last label and its counter pass for a heading of the paragraphs after them)
    menu = range(len(before) + 1, len(before) + 1 + len(counters) - 4)
    assert all(reasons[i] is None for i in (0, 1, 2, -1, -2, -3))
    assert all(reasons[i] is not None for i in menu)
    # with "=" and ";" among the brackets the same run is a code sample, and stays
    code = [";" if x == ")" and i % 8 == 3 else "=" if x == "(" and i % 8 == 1 else x
            for i, x in enumerate(counters)]
    lines = [*before, "", *code, "", *after]
    assert all(r is None for r in clean_dump(lines, _symbol_hits(lines), StructureSettings()))


def _symbol_hits(lines: list[str]) -> list[RuleHit | None]:
    """The evidence the line rules give: a line without a letter is chrome (numbers-only)."""
    import re

    return [RuleHit("numbers-only", True) if ln and not re.search(r"[^\W\d_]", ln) else None
            for ln in lines]


def test_short_replies_after_long_posts_are_the_thread_not_a_record_run() -> None:
    sentence = ("We moved the old boiler out of the cellar last spring and the damp has "
                "been worse ever since, even with the windows open on dry days. ")
    long_posts: list[str] = []
    for i in range(4):  # each post three paragraphs long: no run of records yet
        long_posts += [f"Member {i}", f"March {i + 1}, 2025",
                       *(sentence * 2 + f"Part {j} of post {i}." for j in range(3)), ""]
    lines = ["Damp cellar after moving the boiler", "", *long_posts, *_dated_records(5)]
    hits = [RuleHit("dateline", False) if ln.startswith("March") else None for ln in lines]
    replies = [i for i, ln in enumerate(lines) if ln.startswith("I have had")]
    reasons = clean_dump(lines, hits, StructureSettings())
    assert all(reasons[i] is None for i in replies)
    assert all(reasons[i] is None for i, ln in enumerate(lines) if ln.startswith("We moved"))
    # not counting the dated posts before it, the replies' run ends the first posts
    cut = clean_dump(lines, hits, StructureSettings(record_prior_hits=0))
    assert all(cut[i] == "record-run" for i in replies)
