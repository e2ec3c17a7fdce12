from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from cleanpipe.stages.extract import ExtractSettings, extract_text, looks_like_html
from conftest import PAGES


def test_html_and_dumps_are_told_apart() -> None:
    assert looks_like_html((PAGES / "cp1252-geneve.html").read_bytes().decode("cp1252"))
    assert looks_like_html("<p>one</p><p>two</p><p>three <a href='x'>link</a></p>")
    assert not looks_like_html((PAGES / "seed-mt-news.txt").read_text("utf-8"))
    assert not looks_like_html("Use the <b> tag sparingly, said the style guide.")
    assert looks_like_html("<div>one<br>two</div>") and looks_like_html("<p>a<p>b<p class=x>c")
    assert looks_like_html("<li>one<li>two<li><a href='/three'>three</a>")


def test_a_dump_that_names_html_elements_is_a_dump() -> None:
    # a reference page about HTML: its dump shows <meta>, <div>, <table> as text, with
    # no closing tag, attribute or <br> among them
    dump = (PAGES / "html-elements-reference.txt").read_text("utf-8")
    assert not looks_like_html(dump)
    assert looks_like_html(dump, ExtractSettings(min_markup_tags=0))  # as it was judged


def test_html_page_gives_main_text_and_metadata(pipeline) -> None:
    record = pipeline.process((PAGES / "cp1252-geneve.html").read_bytes(), "geneve.html")
    assert record["kind"] == "html"
    assert record["title"] == "Été à Genève"
    assert "Les négociateurs ont évoqué la réduction des exercices militaires" in record["text"]
    assert "Accueil" not in record["text"]  # the nav bar is not the article


def test_dump_title_only_when_it_looks_like_a_headline() -> None:
    settings = ExtractSettings()
    result = extract_text("Big News Today\n\nThe body follows here.", settings)
    assert result.title_line == "Big News Today"
    assert result.text.strip() == "The body follows here."
    prose = "This is a sentence. And another one follows it here.\n\nMore."
    assert extract_text(prose, settings).title_line is None
    block = "Line one\nline two of the same block\n\nMore."
    assert extract_text(block, settings).title_line is None


def test_a_metadata_extractor_crash_does_not_lose_the_text() -> None:
    """Found by tests/fuzz: htmldate asserts on this tree (lxml drop_tree on the root)."""
    from cleanpipe.stages.extract import ExtractSettings, extract_html

    page = ("<?xml version='1.0' encoding='utf-8'?><html><body><iframe></iframe>"
            "<p>Some text of the article here.</p></body></html>")
    assert extract_html(page, None, ExtractSettings()).text == "Some text of the article here."


ARTICLE = """<html><head><title>Rivers rise after the storm</title>
<meta property="og:type" content="article">
<meta name="author" content="Ann Example"><meta name="description" content="Flood news.">
<link rel="canonical" href="https://news.example.org/rivers"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Rivers rise after the storm</h1>
<p>By Ann Example</p>
<p>The river reached its highest level in forty years on Tuesday, officials said, and
several villages along the valley were evacuated during the night as the water rose.</p>
<p>Share this article</p>
<p>Engineers inspected the dams upstream and reported that they were holding, although
the rain is expected to continue until the end of the week across the whole region.</p>
<p>Residents were told to stay away from the banks and to follow the local news for
updates on the roads that remain closed and the shelters that have been opened.</p>
<p>Copyright 2024 Example News. All rights reserved.</p>
<p>Contact our newsroom</p>
</article></body></html>"""


def test_line_removals_are_logged_with_their_rule(pipeline) -> None:
    record = pipeline.process(ARTICLE.encode(), "rivers.html")
    text = record["text"]
    assert text.startswith("The river reached its highest level")
    for gone in ("Rivers rise after the storm", "By Ann Example", "Share this article",
                 "Copyright 2024", "Contact our newsroom"):
        assert gone not in text
    removed = {(r["stage"], r["rule"], r["text"]) for r in record["removed"]}
    assert ("extract", "title-line", "Rivers rise after the storm") in removed
    assert ("extract", "head-line", "By Ann Example") in removed
    assert ("extract", "chrome-line", "Share this article") in removed
    assert ("extract", "tail-cut", "Copyright 2024 Example News. All rights reserved.") in removed
    assert ("extract", "tail-cut", "Contact our newsroom") in removed
    assert record["title"] == "Rivers rise after the storm"
    assert record["author"] == "Ann Example"
    assert record["url"] == "https://news.example.org/rivers"


def test_title_line_stays_on_pages_that_do_not_declare_an_article() -> None:
    from cleanpipe.stages.extract import ExtractSettings, extract_html

    page = ARTICLE.replace('<meta property="og:type" content="article">', "")
    result = extract_html(page, None, ExtractSettings())
    assert result.text.startswith("Rivers rise after the storm")


def test_fallback_when_trafilatura_finds_too_little(monkeypatch) -> None:
    from cleanpipe.stages import extract

    monkeypatch.setattr(extract, "trafilatura_text", lambda *a, **k: "")
    settings = extract.ExtractSettings()
    result = extract.extract_html(ARTICLE, None, settings)
    assert result.method == "resiliparse"
    assert "highest level in forty years" in result.text
    # resiliparse missing: trafilatura's baseline, and the method says so
    monkeypatch.setattr(extract, "_resiliparse_text", lambda html: None)
    result = extract.extract_html(ARTICLE, None, settings)
    assert result.method == "baseline"
    assert "highest level in forty years" in result.text
    none = dataclasses.replace(settings, fallback="none")
    result = extract.extract_html(ARTICLE, None, none)
    assert (result.text, result.method, result.reason) == ("", "trafilatura",
                                                           "no main content found")


def test_pruning_is_guarded_and_logged() -> None:
    from cleanpipe.stages.extract import ExtractSettings, extract_html

    page = ARTICLE.replace("<article>", "<article class='ad-wrapper'>").replace(
        "<nav>", "<div class='share-bar'>Share on Facebook Share on X</div><nav>")
    settings = ExtractSettings(prune_class_id_patterns=(r"\bad-", r"\bshare-bar\b"))
    result = extract_html(page, None, settings)
    assert "highest level in forty years" in result.text  # the wrapper holds the article
    assert ("prune-class-id", "Share on Facebook Share on X") in {
        (r.rule, r.text) for r in result.removals}


def test_bad_patterns_are_rule_errors(tmp_path: Path) -> None:
    from cleanpipe import RulesError, load_rules

    def problems(settings: str) -> str:
        (tmp_path / "extract.yaml").write_text(f"stage: extract\nsettings:\n{settings}",
                                               encoding="utf-8")
        with pytest.raises(RulesError) as info:
            load_rules(tmp_path)
        return "\n".join(info.value.problems)

    found = problems("  chrome_line_patterns: ['(unclosed']\n"
                     "  tail_line_patterns: ['(a{1000}){1000}']\n  prune_xpaths: ['//div[']\n")
    assert "key 'chrome_line_patterns': invalid regex '(unclosed'" in found
    assert "key 'tail_line_patterns': counted repeats" in found and "nest to" in found
    assert "key 'prune_xpaths': invalid XPath '//div['" in found
    assert "(did you mean 'resiliparse'?)" in problems("  fallback: resiliparce\n")


FORUM = (PAGES / "forum-thread.html").read_text("utf-8")
REPLY = "Feed it more often, or feed it a larger amount of flour"


def test_forum_replies_come_from_the_second_opinion() -> None:
    from cleanpipe.stages.extract import ExtractSettings, extract_html

    settings = ExtractSettings()
    result = extract_html(FORUM, None, settings)
    assert result.method == "resiliparse:second-opinion"
    assert REPLY in result.text and "the acetone smell was gone" in result.text
    assert "smells sharply of acetone" in result.text  # the question stays
    alone = extract_html(FORUM, None, dataclasses.replace(settings, second_opinion=False))
    assert alone.method == "trafilatura"
    assert "smells sharply of acetone" in alone.text and REPLY not in alone.text


@pytest.mark.parametrize("declaration", [
    '<meta property="og:type" content="article">',
    '<meta property="og:type" content="product">',
    '<script type="application/ld+json">{"@type": "Product", "name": "Starter"}</script>',
])
def test_no_second_opinion_on_declared_articles_and_products(declaration: str) -> None:
    from cleanpipe.stages.extract import ExtractSettings, extract_html

    page = FORUM.replace('<meta property="og:type" content="website">', declaration)
    result = extract_html(page, None, ExtractSettings())
    assert result.method == "trafilatura"
    assert REPLY not in result.text


def test_second_opinion_needs_more_prose_than_trafilatura() -> None:
    from cleanpipe.stages.extract import ExtractSettings, prefer_second_opinion

    settings = ExtractSettings()
    mine = "A question about starters that smell of acetone after feeding, asked here."
    prose = "Feed it more often, or feed it more flour so it has food between feedings."
    assert prefer_second_opinion(mine, f"{mine}\n{prose}", settings)
    menu = "\n".join(["Home", "Latest", "Top", "Log in", "About", "Privacy", "Terms"] * 3)
    assert not prefer_second_opinion(mine, f"{mine}\n{menu}", settings)  # links, not prose
    assert not prefer_second_opinion(mine, f"{prose}\n{prose}", settings)  # mine is not in it
    assert not prefer_second_opinion(mine, mine, settings)  # not longer


def test_title_is_the_h1_or_the_title_without_the_site_name() -> None:
    from cleanpipe.stages.extract import ExtractSettings, extract_html, page_title

    settings = ExtractSettings()
    assert extract_html(FORUM, None, settings).metadata["title"] == (
        "Sourdough starter smells like nail polish remover")
    page = ARTICLE.replace("<title>Rivers rise after the storm</title>",
                           "<title>Rivers rise after the storm | Example News</title>")
    assert extract_html(page, None, settings).metadata["title"] == "Rivers rise after the storm"
    sites = ["Example Travel", "", "travel.example.com"]
    assert page_title("Cheap flights to Lisbon | Example Travel", [], sites,
                      settings) == "Cheap flights to Lisbon"
    assert page_title("Example Travel - Cheap flights to Lisbon", [], sites,
                      settings) == "Cheap flights to Lisbon"
    assert page_title("Lisbon: a city guide", [], sites, settings) == "Lisbon: a city guide"
    # two <h1> the title does not contain: the title stays
    assert page_title("Cheap flights to Lisbon", ["Menu", "Deals"], sites,
                      settings) == "Cheap flights to Lisbon"
    off = dataclasses.replace(settings, title_strip_site_name=False)
    assert page_title("Cheap flights to Lisbon | Example Travel", [], sites,
                      off) == "Cheap flights to Lisbon | Example Travel"


def test_page_signals_read_in_one_pass_agree_with_the_tree() -> None:
    """h1s, og:type, og:site_name, JSON-LD and itemtypes are read once; the
    article and product verdicts read them instead of walking the tree again."""
    from trafilatura.utils import load_html

    from cleanpipe.stages.extract import (
        MAX_H1S,
        ExtractSettings,
        declares_article,
        page_signals,
        skips_second_opinion,
    )

    settings = ExtractSettings()
    tree = load_html(FORUM)
    signals = page_signals(tree)
    assert list(signals.h1s) == list(tree.iter("h1"))[:MAX_H1S]
    assert signals.og_types == ("website",)
    assert signals.site_names == ("Home Baking Forum",)
    assert not declares_article(tree, settings, signals)
    assert not skips_second_opinion(tree, settings, signals)
    many = FORUM.replace("</body>", "<h1>a</h1><h1>b</h1><h1>c</h1>"
                         '<div itemscope itemtype="https://schema.org/Product">x</div>'
                         '<script type="application/ld+json">{"@type": "NewsArticle"}</script>'
                         "</body>")
    tree = load_html(many)
    signals = page_signals(tree)
    assert len(signals.h1s) == MAX_H1S
    assert signals.itemtypes == ("https://schema.org/Product",)
    assert declares_article(tree, settings) and declares_article(tree, settings, signals)
    assert skips_second_opinion(tree, settings) and skips_second_opinion(tree, settings, signals)


@pytest.mark.parametrize("path", ["pages/forum-thread.html", "pages/cp1252-geneve.html",
                                  "language/french-news.html", "article"])
def test_trafilatura_given_the_tree_finds_what_bare_extraction_finds(path: str) -> None:
    """The tree handed over as it is (no copy) gives bare_extraction's text."""
    from trafilatura.utils import load_html

    from cleanpipe.stages.extract import ExtractSettings, trafilatura_text

    page = ARTICLE if path == "article" else (PAGES.parent / path).read_bytes().decode(
        "cp1252" if "cp1252" in path else "utf-8")
    for options in ({}, {"include_comments": True}, {"favor_precision": True}):
        shared = ExtractSettings(**options)
        copied = dataclasses.replace(shared, hand_tree_to_trafilatura=False)
        expected = trafilatura_text(load_html(page), "https://a.test/x", copied)
        assert expected.strip()
        assert trafilatura_text(load_html(page), "https://a.test/x", shared) == expected


def test_page_depth_is_measured_before_trafilatura_prunes_the_tree() -> None:
    """trafilatura prunes the comment thread from the tree it is handed; the page is still
    too deep for resiliparse, whose parser cannot be interrupted."""
    from cleanpipe.stages.extract import ExtractSettings, extract_html

    thread = "<div>" * 230 + "A reply with enough words to count as text here." + "</div>" * 230
    page = (f"<html><head><title>Short</title></head><body><article><p>{ARTICLE_START}</p>"
            f"</article><div id='comments'>{thread}</div></body></html>")
    for shared in (True, False):
        result = extract_html(page, None, ExtractSettings(hand_tree_to_trafilatura=shared))
        assert result.method == "baseline"


ARTICLE_START = "The river reached its highest level in forty years on Tuesday, officials said."


@pytest.mark.parametrize("page", [
    (PAGES / "forum-thread.html").read_text("utf-8"),
    (PAGES / "cp1252-geneve.html").read_bytes().decode("cp1252"),
    ARTICLE,
    "<!DOCTYPE html PUBLIC '-//W3C//DTD XHTML 1.0//EN' 'x/y.dtd'>\n<html><body><p>a</p></body>",
    "<!doctype html/><html/>\n<body><p>self-closing html</p></body>",
    "<!DOCTYPE html PUBLIC 'a/b'><html><body><p>all on the first line</p></body></html>",
    "<!DOCTYPE html><html><body><p>no slash, no newline</p></body></html>",
    "<!DOCTYPE html>\n<html><body><p>no slash</p></body></html>",
    "<html><body><p>a control\x00char\x1f and \ufffe here</p></body></html>",
    "<?xml version='1.0' encoding='utf-8'?><html><body><p>declared</p></body></html>",
    "<p>a fragment</p>",
    "plain text, not a page",
    "<div>one</div><div>two</div>",
])
def test_the_page_is_parsed_as_trafilatura_parses_it(page: str) -> None:
    from lxml.html import tostring
    from trafilatura.utils import load_html

    from cleanpipe.stages.extract import parse_html

    ours, theirs = parse_html(page), load_html(page)
    assert (ours is None) == (theirs is None)
    if ours is not None:
        assert tostring(ours, encoding="unicode") == tostring(theirs, encoding="unicode")
        assert tostring(ours.getroottree(), encoding="unicode") == tostring(
            theirs.getroottree(), encoding="unicode")


@pytest.mark.parametrize("text", [
    "", "   ", "one", "one two", "  -- one, two; three --  ", "snake_case and 42 x2",
    "naïve café ünïcode 東京 words", "a\u0301b c", "\n\n•\u00a0one\u00a0two\n",
    "word " * 12, "word " * 13, " ".join(["w"] * 200), "...", "a" * 5000,
])
def test_a_word_count_bound_is_the_word_count_compared(text: str) -> None:
    import re

    from cleanpipe.stages.extract import _has_words

    words = len(re.findall(r"\w+", text))
    for n in (0, 1, 2, 3, 10, 12, 13, 100, 201):
        assert _has_words(text, n) == (words >= n), (text, n)


SIGNAL_PAGES = [
    FORUM,
    ARTICLE,
    '<meta property="og:type" content="product"><h1 itemtype="https://schema.org/Thing">A'
    '</h1><p>a fragment whose meta goes to the head</p><div itemtype="">empty</div>',
    "<html><head><meta property='og:site_name' content='S'><meta property='og:type'>"
    "<script type='application/ld+json'></script><script type='application/ld+json'>{}"
    "</script><meta itemtype='https://schema.org/Offer' property='og:type' content='x'>"
    "</head><body><h1>1</h1><div itemscope itemtype='https://schema.org/Product'><h1>2"
    "</h1><span itemtype='https://schema.org/Offer'><h1>3</h1><h1>4</h1></span></div>"
    "</body></html>",
    # after </html>: parsed into a second root element
    "<html><body><p>x</p></body></html>\n<h1>After</h1><meta property='og:type' content="
    "'article'><script type='application/ld+json'>{}</script><b itemtype='T'>b</b>",
]


@pytest.mark.parametrize("page", SIGNAL_PAGES)
def test_page_signals_are_what_one_xpath_over_the_document_finds(page: str) -> None:
    from lxml.etree import XPath

    from cleanpipe.stages.extract import MAX_H1S, PageSignals, page_signals, parse_html

    tree = parse_html(page)
    found = XPath("//h1 | //meta[@property='og:type' or @property='og:site_name']"
                  " | //script[@type='application/ld+json'] | //*[@itemtype]")(tree)
    expected = PageSignals(
        tuple(el for el in found if el.tag == "h1")[:MAX_H1S],
        tuple(el.get("content") or "" for el in found
              if el.tag == "meta" and el.get("property") == "og:type"),
        tuple(el.get("content") or "" for el in found
              if el.tag == "meta" and el.get("property") == "og:site_name"),
        tuple(el.text for el in found if el.tag == "script"
              and el.get("type") == "application/ld+json" and el.text),
        tuple(el.get("itemtype") for el in found if el.get("itemtype")))
    assert page_signals(tree) == expected
    assert page_signals(tree, itemtypes=False) == dataclasses.replace(expected, itemtypes=())


FORM_PAGE = ("<html><body><form action='/s'><label for='q'>Search</label><input id='q'>"
             "<select><option>a</option></select><textarea>t</textarea></form>"
             "<div class='post'><p>text</p><!-- c --></div></body></html>")


@pytest.mark.parametrize("page", [FORM_PAGE, ARTICLE,
                                  (PAGES / "forum-thread.html").read_text("utf-8")])
def test_the_tree_has_lxml_html_classes_without_its_python_lookup(page: str,
                                                                  monkeypatch) -> None:
    import lxml.html
    from trafilatura.utils import load_html

    from cleanpipe.stages.extract import parse_html

    theirs = [type(el) for el in load_html(page).iter()]
    calls: list[str] = []
    real = lxml.html.HtmlElementClassLookup.lookup

    def counted(self, node_type, document, namespace, name):  # type: ignore[no-untyped-def]
        calls.append(name)
        return real(self, node_type, document, namespace, name)

    monkeypatch.setattr(lxml.html.HtmlElementClassLookup, "lookup", counted)
    ours = [type(el) for el in parse_html(page).iter()]
    assert ours == theirs
    assert calls == []  # every element's class was found in C
    if page is FORM_PAGE:
        assert {lxml.html.FormElement, lxml.html.InputElement, lxml.html.SelectElement,
                lxml.html.TextareaElement, lxml.html.LabelElement} <= set(ours)


NEWS = (PAGES / "news-with-teasers.html").read_text("utf-8")
TEASER = "Bridge repairs to close the ring road"
STORY = "Work on the first section, between the railway station and the market square"


def _count_trafilatura_runs(monkeypatch) -> list[dict]:
    """Each trafilatura run's effective (favor_precision, fast) options, in order."""
    from cleanpipe.stages import extract

    calls: list[dict] = []
    real = extract.trafilatura_text

    def counted(tree, url, settings, favor_precision=None, fast=None):  # type: ignore[no-untyped-def]
        calls.append({
            "favor_precision": settings.favor_precision if favor_precision is None
            else favor_precision,
            "fast": settings.fast if fast is None else fast})
        return real(tree, url, settings, favor_precision=favor_precision, fast=fast)

    monkeypatch.setattr(extract, "trafilatura_text", counted)
    return calls


def test_news_pages_get_one_precise_trafilatura_run(monkeypatch) -> None:
    from cleanpipe.stages.extract import ExtractSettings, extract_html

    calls = _count_trafilatura_runs(monkeypatch)
    result = extract_html(NEWS, None, ExtractSettings())
    assert result.method == "trafilatura:precise"
    assert STORY in result.text and TEASER not in result.text  # linked teaser headlines go
    assert [(c["favor_precision"], c["fast"]) for c in calls] == [(True, True)]
    # og:type article alone is no news page: the default run, teasers and all
    calls.clear()
    plain = extract_html(NEWS.replace('"NewsArticle"', '"Article"'), None, ExtractSettings())
    assert plain.method == "trafilatura" and TEASER in plain.text and STORY in plain.text
    assert [(c["favor_precision"], c["fast"]) for c in calls] == [(False, False)]
    off = extract_html(NEWS, None, ExtractSettings(precise_news=False))
    assert off.method == "trafilatura" and TEASER in off.text


def test_a_precise_text_that_looks_truncated_gets_a_default_run(monkeypatch) -> None:
    from cleanpipe.stages.extract import (
        ExtractSettings,
        paragraph_chars,
        parse_html,
        precise_text,
    )

    long_chars = paragraph_chars(parse_html(NEWS), 80)
    assert 700 < long_chars < 1000  # the five story paragraphs, not the short teasers
    calls = _count_trafilatura_runs(monkeypatch)
    fresh: list[object] = []

    def fresh_tree() -> object:  # trafilatura may change the tree it is handed
        fresh.append(parse_html(NEWS))
        return fresh[-1]

    # the precise text holds far less than the page's long paragraphs: a default run on
    # a fresh tree, but the precise text is kept as it holds half of the default one
    text, method = precise_text(parse_html(NEWS), None, ExtractSettings(), 10 * long_chars,
                                fresh_tree)
    assert method == "trafilatura:precise" and TEASER not in text and len(calls) == 2
    assert len(fresh) == 1
    settings = ExtractSettings(precise_news_keep_share=1.0)
    text, method = precise_text(parse_html(NEWS), None, settings, 10 * long_chars, fresh_tree)
    assert method == "trafilatura" and TEASER in text and STORY in text
    calls.clear()
    text, method = precise_text(parse_html(NEWS), None, ExtractSettings(), long_chars,
                                fresh_tree)
    assert method == "trafilatura:precise" and len(calls) == 1 and len(fresh) == 2


def test_truncation_rescue_takes_resiliparse_but_not_a_comment_thread() -> None:
    from cleanpipe.stages.extract import ExtractSettings, extract_html

    # the forum thread declared an article: trafilatura keeps the question only, under
    # half the page's long paragraphs; resiliparse has the replies, 3.3 times longer
    # (on a news page, the precise run keeps the question only too)
    page = FORUM.replace('<meta property="og:type" content="website">',
                         '<meta property="og:type" content="article">')
    result = extract_html(page, None, ExtractSettings())
    assert result.method == "trafilatura" and REPLY not in result.text  # too long: comments
    wider = ExtractSettings(truncation_max_ratio=4.0, truncation_rescue="articles")
    rescued = extract_html(page, None, wider)
    assert rescued.method == "resiliparse:truncated" and REPLY in rescued.text
    # by default only on news pages; this one is an article, and so is the news version
    assert extract_html(page, None, ExtractSettings(truncation_max_ratio=4.0)).method == \
        "trafilatura"
    news = page.replace("</head>", '<script type="application/ld+json">'
                        '{"@type": "NewsArticle"}</script></head>')
    assert extract_html(news, None, ExtractSettings(truncation_max_ratio=4.0)).method == \
        "resiliparse:truncated"
    off = extract_html(news, None, ExtractSettings(truncation_max_ratio=4.0,
                                                   truncation_rescue="none"))
    assert off.method.startswith("trafilatura")


def test_a_few_words_from_a_large_page_are_an_app_shell(pipeline) -> None:
    from cleanpipe.stages.extract import ExtractSettings, extract_html

    shell = (PAGES.parent / "bad" / "app-shell.html").read_text("utf-8")
    result = extract_html(shell, None, ExtractSettings())
    assert result.text == "" and "app shell" in (result.reason or "")
    assert [(r.rule, r.text) for r in result.removals] == [
        ("app-shell", "You need to enable JavaScript to run this app.")]
    record = pipeline.process(shell.encode("utf-8"), "shell.html")
    assert record["text"] == "" and "app shell" in record["reason"]
    assert {"stage": "extract", "rule": "app-shell",
            "text": "You need to enable JavaScript to run this app."} in record["removed"]
    off = extract_html(shell, None, ExtractSettings(shell_max_words=0,
                                                     empty_second_max_words=0))
    assert off.text == "You need to enable JavaScript to run this app."
    # a short page with a short text is a short text, not a shell
    small = "<html><body><p>Closed on Monday for the holiday.</p></body></html>"
    assert extract_html(small, None, ExtractSettings()).text == "Closed on Monday for the holiday."


def _link_grid_page(extra: str = "") -> str:
    """A shop category page with nothing but link lists: a menu and a grid of products."""
    menu = "".join(f'<li><a href="/c/{i}">Category {i}</a></li>' for i in range(8))
    cards = "".join(f'<li class="card"><a href="/p/{i}"><img src="/i/{i}.jpg" alt="">'
                    f'<span>Wool Runner {i}</span></a><span>${90 + i}</span></li>'
                    for i in range(12))
    return (f"<!doctype html><html><head><title>Jackets | Shop</title></head><body>"
            f"<div class='top'><ul>{menu}</ul></div>{extra}<div class='grid'><ul>{cards}"
            f"</ul></div><script>{'var tracking = 1;' * 300}</script></body></html>")


def test_a_short_text_in_which_resiliparse_finds_no_main_content_is_none(pipeline) -> None:
    pytest.importorskip("resiliparse")
    from cleanpipe.stages.extract import ExtractSettings, extract_html

    page = _link_grid_page()
    result = extract_html(page, None, ExtractSettings())
    assert result.text == "" and "no main content" in (result.reason or "")
    assert [r.rule for r in result.removals] == ["no-main-content"]
    assert result.removals[0].text.startswith("Category 0\nCategory 1")
    record = pipeline.process(page.encode("utf-8"), "grid.html")
    assert record["text"] == "" and "resiliparse finds no main content" in record["reason"]
    off = extract_html(page, None, ExtractSettings(empty_second_max_words=0))
    assert "Wool Runner 11" in off.text
    # a sentence that resiliparse takes for content keeps the page's text
    prose = ("<p>Our warmest jackets are made of recycled wool and keep you dry in the "
             "rain, and each of them is repaired for free for as long as you own it.</p>")
    kept = extract_html(_link_grid_page(prose), None, ExtractSettings())
    assert "recycled wool" in kept.text and kept.reason is None


_REOPENING = (
    "The library reopens on Monday after two years of repairs to its roof and its rooms.",
    "Visitors will find the old card catalogue restored, and a new wing for children's books.",
    "Opening hours stay as before: nine to six on weekdays, ten to four on Saturdays.",
)


def test_a_second_copy_of_the_content_is_dropped_and_logged(pipeline) -> None:
    from cleanpipe.stages.extract import ExtractSettings, extract_html

    body = "".join(f"<p>{p}</p>" for p in _REOPENING)
    page = (f"<html><head><title>Library</title></head><body><main>"
            f"<div class='desktop'>{body}</div><div class='mobile'>{body}</div>"
            "<p>Each of the three floors now has a lift, which the old building never had."
            "</p></main></body></html>")
    result = extract_html(page, None, ExtractSettings())
    assert [result.text.count(p) for p in _REOPENING] == [1, 1, 1]
    assert result.text.endswith("which the old building never had.")
    assert [(r.rule, r.text) for r in result.removals] == [
        ("duplicate-line", p) for p in _REOPENING]
    record = pipeline.process(page.encode("utf-8"), "library.html")
    assert {"stage": "extract", "rule": "duplicate-line", "text": _REOPENING[0]} in (
        record["removed"])
    off = extract_html(page, None, ExtractSettings(duplicate_min_chars=0))
    assert [off.text.count(p) for p in _REOPENING] == [2, 2, 2]


def test_repeats_that_are_the_pages_pattern_or_a_small_share_stay() -> None:
    from cleanpipe.stages.extract import ExtractSettings, drop_duplicates

    settings = ExtractSettings()
    twice = [*_REOPENING, *_REOPENING]
    kept, removed = drop_duplicates(twice, settings)
    assert kept == list(_REOPENING) and [r.text for r in removed] == list(_REOPENING)
    # the same instructions under each of four tabs (one per programming language)
    tabs = [line for lang in ("Python", "Java", "Go", "Ruby")
            for line in (f"Install the {lang} library.", _REOPENING[1])]
    assert drop_duplicates(tabs, settings) == (tabs, [])
    # one repeated sentence (a pull quote) in a long article
    article = [f"Paragraph {i} of the story tells what the council decided on {i} May."
               for i in range(40)]
    quoted = [*article[:20], _REOPENING[0], *article[20:], _REOPENING[0]]
    assert drop_duplicates(quoted, settings) == (quoted, [])
    # short lines ("Reply", a heading) are never compared
    short = ["Reply", "Reply", "Reply"]
    assert drop_duplicates(short, settings) == (short, [])
    assert drop_duplicates(twice, ExtractSettings(duplicate_min_chars=0)) == (twice, [])


def test_an_lxml_without_its_class_table_gets_trafilaturas_parser(monkeypatch) -> None:
    import lxml.html
    from trafilatura import utils

    from cleanpipe.stages import extract

    monkeypatch.delattr(lxml.html.HtmlElementClassLookup, "_default_element_classes")
    extract._html_parser.cache_clear()
    try:
        assert extract._html_parser() is utils.HTML_PARSER
        tree = extract.parse_html(ARTICLE)
        assert tree is not None and "The river reached" in tree.text_content()
    finally:
        extract._html_parser.cache_clear()
