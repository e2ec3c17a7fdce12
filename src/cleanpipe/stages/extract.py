"""Find the main text: trafilatura for HTML, the dump itself for plain text.

HTML goes through these steps, each configurable in ``rules/extract.yaml``:

1. parse once with trafilatura's tolerant loader (every later step shares the tree);
2. page metadata from meta tags, JSON-LD and ``<title>``, with a non-extensive date
   search (htmldate's extensive search costs as much as the extraction itself);
3. optional DOM pruning by class/id regexes and XPaths, guarded so that a wrapper
   holding the article is never pruned;
4. trafilatura on the (pruned) tree; on a news page (JSON-LD NewsArticle) one run with
   favor_precision instead, and a default run only when that text looks truncated;
5. a second extractor (resiliparse) when trafilatura finds too little, as a second
   opinion on pages that declare neither an article nor a product (forum threads,
   service pages), or on a news page whose text holds under half of its long
   paragraphs; it wins when it holds trafilatura's text and much more prose;
6. line filters on the result: a leading title/H1 repeat (article pages only), head
   bylines and datelines, short UI "chrome" lines, and a tail cut at copyright or
   "write to ..." lines;
7. a few words from a large page are an app shell, not content: no text, with a reason;
   so are a few more words when resiliparse, asked as well, finds no main content.

Every removal of steps 3, 6 and 7 is returned in :attr:`Extracted.removals` and logged
in the document's provenance trail, so a record says why text went.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import itertools
import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import regex

from cleanpipe.document import Document
from cleanpipe.stages.base import Stage
from cleanpipe.stages.chrome import MAX_PATTERN_CHARS, MAX_REPEAT_PRODUCT, repeat_product

_HTML_START = re.compile(
    r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|\?xml[^>]*>\s*<(?:!doctype\s+html|html))",
    re.IGNORECASE | re.DOTALL,
)
_TAG = re.compile(r"</?(?:p|div|span|a|br|li|ul|table|td|h[1-6]|img|script|meta|section|article)"
                  r"\b[^>]*>", re.IGNORECASE)
# a tag that is markup rather than an element named in text: closing, with attributes, <br>
_MARKUP_TAG = re.compile(r"</|<[a-z][a-z0-9]*\s+[^\s>=]+\s*=|<br\b", re.IGNORECASE)

# trafilatura and htmldate log every page they cannot handle; the record says it instead.
for _name in ("trafilatura", "htmldate"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

_HEAD_PATTERNS = (
    r"^(?:by|por|von|par|di|door|av)\s+\w",
    r"^(?:published|updated|posted|last updated|modified)\b",
    r"^\W*\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b",
    r"^\W*(?:\w+day,?\s+)?(?:\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*\.?|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2})\b"
    r".{0,30}\d{4}",
)
_CHROME_PATTERNS = (
    r"(?:share|share this|share on \w+|share this (?:article|story|post)|tweet|pin it|email"
    r"|print)",
    r"(?:advertisement|advertising|ad|sponsored(?: content)?)",
    r"(?:related(?: posts| articles| stories)?|read more|see also|more from .{0,40}"
    r"|you may also like|recommended(?: for you)?)",
    r"(?:(?:sign up|subscribe)(?: (?:for|to))?(?: our| the)? (?:newsletter|emails?|updates)"
    r"\W*.*)",
    r"(?:.*\bwe use cookies\b.*|accept(?: all)? cookies|cookie (?:settings|policy))",
    r"(?:tags?|filed under|categories|topics)\s*:?\s*",
    r"(?:thanks for signing up!?|keep an eye on your inbox.*"
    r"|there was an error processing your subscription\.?)",
    r"(?:image|photo|picture)(?: credit)?:? .{0,60}",
    r"(?:read more|see more|also read|read also|related|don't miss|must read|watch"
    r"|recommended|more)\s*:.*",
    r"(?:don't miss|most read|most popular|trending now|top stories|latest news"
    r"|more stories)",
    r".*\bclick to tweet",
)
_TAIL_PATTERNS = (
    r"^(?:copyright|©|\(c\))\s*\d{0,4}",
    r"^all rights reserved",
    r"^write to .{1,80} at \S+@\S+",
    r"^\(?(?:reporting|additional reporting|editing|writing) by\b",
    r"\bcontributed to this report\.?$",
    r"^follow (?:us|\w+(?: \w+){0,5}) on (?:facebook|twitter|instagram|linkedin|x)\b",
    r"^(?:subscribe|sign up) (?:to|for) .{0,60}newsletter",
    r"^tell us what you think",
)
_TITLE_SEPARATORS = r"\s+[|\-–—:·•»/]\s+|\s*[|·•»]\s*"
_PRODUCT_TYPE = r'"@type"\s*:\s*\[?\s*"(?:Product|ProductGroup|IndividualProduct|Offer)"'
_ARTICLE_TYPE = r'"@type"\s*:\s*\[?\s*"(?:\w*Article|BlogPosting|LiveBlogPosting)"'
_NEWS_TYPE = r'"@type"\s*:\s*\[?\s*"\w*NewsArticle"'


@dataclass(frozen=True)
class ExtractSettings:
    """How the main content is found.

    sniff_chars: how much of the text to look at when telling HTML from a dump.
    min_tags: a text without an HTML start needs this many tags in the sniffed part to
        count as HTML (fragments such as ``<p>...</p><p>...</p>``).
    min_markup_tags: ... and this many of them must be markup, not an element's name
        in prose: a closing tag, a tag with attributes or ``<br>``. The dump of a page
        about HTML lists ``<div>``, ``<meta>``, ``<table>`` as text; 0 turns it off.
    favor_precision / favor_recall / include_tables / include_comments / deduplicate /
        fast: passed to trafilatura (comments off: the largest single gain measured).
    hand_tree_to_trafilatura: trafilatura gets the parsed tree itself, not the copy
        ``bare_extraction`` makes of a tree it is given (a third of the parse's cost);
        nothing reads the tree after it. Off: ``bare_extraction`` (the same text).
    with_metadata: read title, author, date, site name, canonical url and description.
    date_extensive_search: htmldate's extensive date search (slow: as costly as the
        extraction); off, only the declared and URL dates are used.
    author_dom_search: look for a byline in the DOM when no meta tag or JSON-LD names
        the author (slow-ish).
    prune_class_id_patterns: regexes searched (ignoring case) in each element's class and
        id; a match removes the element before extraction. Empty by default: measured
        net zero, with whole articles lost in wrappers named ``ad-*`` or ``read-more``.
    prune_xpaths: XPath expressions whose matches are removed before extraction.
    prune_max_text_share: never prune an element holding more than this share of the
        body's text.
    prune_max_long_paragraphs / prune_long_paragraph_chars: never prune an element with
        more than that many ``<p>`` of at least that many characters (prose is content).
    precise_news: on a page whose JSON-LD matches ``precise_news_ld_regex`` (a news
        article), trafilatura runs once with ``favor_precision`` (and ``fast`` when
        ``precise_news_fast``) instead of with the defaults: it drops the teaser lists and
        promotion blocks around news stories, and costs less than a default run.
    precise_news_ld_regex: searched in ``application/ld+json`` scripts (empty: off).
    precise_news_fast: skip trafilatura's readability/jusText comparison in that run.
    precise_news_min_share: a precise text shorter than this share of the page's long
        paragraphs (``<p>`` of at least ``long_paragraph_chars`` characters), or
        shorter than ``min_text_chars``, looks truncated: trafilatura runs again with the
        defaults, ...
    precise_news_keep_share: ... and the precise text is kept only if it holds at least
        this share of the default text's characters.
    long_paragraph_chars: a ``<p>`` of at least this many characters is a long paragraph.
    truncation_rescue: on a news page (``news``, the pages of ``precise_news``) or on any
        page that declares an article (``articles``), a trafilatura text shorter than
        ``truncation_max_share`` of the page's long paragraphs looks cut short (a story
        split over several containers): resiliparse runs too and its text wins when it
        holds trafilatura's and much more prose (the ``second_opinion_min_*`` tests);
        ``none``: off. ``articles`` was measured a hair under ``news`` on half the
        non-news pages.
    truncation_max_share: see ``truncation_rescue``.
    truncation_max_ratio: ... and resiliparse's text is at most this many times longer
        than trafilatura's (a story cut short misses a part, not most of the page: a
        much longer text has the comments or the whole page in it).
    fallback: the second extractor when trafilatura finds too little: ``resiliparse``
        (fast, main-content mode; trafilatura's baseline if it is not installed),
        ``baseline`` (trafilatura's paragraph baseline) or ``none``.
    min_text_chars: a trafilatura text shorter than this runs the fallback, whose text
        is kept if it is longer.
    fallback_min_ratio: when above 0, the fallback runs on every page and wins when
        trafilatura's text is shorter than this share of it.
    second_opinion: on a page that does not declare an article, resiliparse runs too and
        its text wins when it holds trafilatura's text and much more prose (forum
        threads, product and service pages whose posts or sections trafilatura cuts).
    second_opinion_min_ratio: ... resiliparse's text is at least this many times longer;
    second_opinion_min_cover: ... at least this share of trafilatura's words is in it;
    second_opinion_min_prose: ... and at least this share of the characters of its lines
        that trafilatura lacks is prose: lines of ``prose_min_words`` words or more with
        punctuation (menus and link lists are short lines).
    second_opinion_max_chars: no second opinion on a longer page (resiliparse's pass
        over a huge page runs in C and cannot be interrupted by the time limit);
    second_opinion_skip_ld_regex: no second opinion on a page with a JSON-LD script
        matching this (a product page: resiliparse adds the shop around the product);
    second_opinion_skip_type_regex: ... or whose og:type or microdata ``itemtype`` matches
        this (searched, ignoring case).
    resiliparse_max_depth: on a page nested deeper than this (in lxml's tree, which
        stops at 255 levels) the baseline runs instead of resiliparse, whose C parser
        takes minutes on 100,000 nested tags and cannot be interrupted.
    drop_title_line: drop leading lines (within ``title_line_window``) that repeat the
        page title or an ``<h1>``: the title is in the record already.
    title_drop_only_articles: only on pages that declare an article (og:type article or
        a JSON-LD type matching ``article_type_regex``); on service pages the H1 is content.
    article_type_regex: searched in ``application/ld+json`` scripts.
    title_line_window: how many leading lines are checked for a title, byline or dateline.
    drop_description_line: drop a leading line repeating the meta description (off: it is
        often the article's first paragraph).
    head_line_patterns / head_max_words: regexes (searched, ignoring case) for bylines and
        datelines among the first ``title_line_window`` lines of at most that many words.
    chrome_line_patterns / chrome_line_max_words: regexes (full match on the line without
        framing bullets, ignoring case) for short UI lines, dropped anywhere.
    tail_line_patterns / tail_window / tail_max_words: regexes (searched, ignoring case)
        for end-of-article lines (copyright, "write to ..."), tested on the last
        ``tail_window`` lines of at most ``tail_max_words`` words; a match drops that
        line and every line after it.
    duplicate_min_chars / duplicate_max_copies / duplicate_min_share: a line of at least
        ``duplicate_min_chars`` characters found verbatim two to ``duplicate_max_copies``
        times in the text is a copy of the page's content (a mobile and a desktop
        version, a hidden or sticky duplicate) when such copies make up at least
        ``duplicate_min_share`` of the text: the first stays, the others go. A line
        repeated more often is a pattern of the page (tab panels, carousels, a grid) and
        stays (0 characters: off).
    shell_max_words / shell_min_html_chars: a text of fewer words than this from a page
        of at least that many characters is no content but an app shell or placeholder
        ("You need to enable JavaScript to run this app.", a search box): the record
        gets no text and says why (0 words: off).
    empty_second_max_words: a text of fewer words than this from a page of at least
        ``shell_min_html_chars`` characters, in which resiliparse (run as the fallback,
        second opinion or rescue) finds no main content at all, is no content either:
        menus, a product grid or a strip of teasers without an article (0: off).
    regex_timeout: seconds one pattern list may spend on one line before it counts as
        no match (the patterns are user rules).
    max_html_chars: a longer page is cut to this many characters before parsing.
    paragraph_separator: joins the kept lines.
    title_from_h1: the record's title is the page's first ``<h1>`` when the metadata
        title contains it (``<title>`` is often the headline plus a site name).
    title_lone_h1_min_words: ... and also when that ``<h1>`` is the page's only one and
        has at least this many words (0: only when the title contains it).
    title_strip_site_name: otherwise cut a leading or trailing segment of the title
        that names the site (og:site_name, the site name found, or the host name).
    title_separator_regex: what separates such segments (``" | "``, ``" - "``, ...).
    heading_trim_chars: trimmed from the ends of ``<h1>`` texts (permalink marks).
    title_max_chars / title_max_words: the first line of a text dump is its title only
        if it is this short, stands alone (a blank line after it) and is one sentence.
    """

    sniff_chars: int = field(default=2048, metadata={"min": 64, "max": 1 << 20})
    min_tags: int = field(default=3, metadata={"min": 1, "max": 10_000})
    min_markup_tags: int = field(default=1, metadata={"min": 0, "max": 10_000})
    favor_precision: bool = False
    favor_recall: bool = False
    include_tables: bool = True
    include_comments: bool = False
    deduplicate: bool = False
    fast: bool = False
    hand_tree_to_trafilatura: bool = True
    with_metadata: bool = True
    date_extensive_search: bool = False
    author_dom_search: bool = False
    prune_class_id_patterns: tuple[str, ...] = field(default=(), metadata={"max_items": 500})
    prune_xpaths: tuple[str, ...] = field(default=(), metadata={"max_items": 500})
    prune_max_text_share: float = field(default=0.4, metadata={"min": 0.0, "max": 1.0})
    prune_max_long_paragraphs: int = field(default=2, metadata={"min": 0, "max": 10_000})
    prune_long_paragraph_chars: int = field(default=150, metadata={"min": 1, "max": 1 << 20})
    precise_news: bool = True
    precise_news_ld_regex: str = _NEWS_TYPE
    precise_news_fast: bool = True
    precise_news_min_share: float = field(default=0.7, metadata={"min": 0.0, "max": 1000.0})
    precise_news_keep_share: float = field(default=0.5, metadata={"min": 0.0, "max": 1000.0})
    long_paragraph_chars: int = field(default=80, metadata={"min": 0, "max": 1 << 20})
    truncation_rescue: Literal["news", "articles", "none"] = "news"
    truncation_max_share: float = field(default=0.5, metadata={"min": 0.0, "max": 1000.0})
    truncation_max_ratio: float = field(default=3.0, metadata={"min": 0.0, "max": 1000.0})
    fallback: Literal["resiliparse", "baseline", "none"] = "resiliparse"
    min_text_chars: int = field(default=200, metadata={"min": 0, "max": 1 << 20})
    fallback_min_ratio: float = field(default=0.0, metadata={"min": 0.0, "max": 1.0})
    second_opinion: bool = True
    second_opinion_min_ratio: float = field(default=1.3, metadata={"min": 0.0, "max": 1000.0})
    second_opinion_min_cover: float = field(default=0.95, metadata={"min": 0.0, "max": 1.0})
    second_opinion_min_prose: float = field(default=0.4, metadata={"min": 0.0, "max": 1.0})
    second_opinion_max_chars: int = field(default=6_000_000, metadata={"min": 0, "max": 1 << 30})
    second_opinion_skip_ld_regex: str = _PRODUCT_TYPE
    second_opinion_skip_type_regex: str = r"product|schema\.org/(?:Product|Offer)\b"
    prose_min_words: int = field(default=12, metadata={"min": 1, "max": 10_000})
    resiliparse_max_depth: int = field(default=200, metadata={"min": 1, "max": 10_000})
    drop_title_line: bool = True
    title_drop_only_articles: bool = True
    article_type_regex: str = _ARTICLE_TYPE
    title_line_window: int = field(default=3, metadata={"min": 0, "max": 1_000})
    drop_description_line: bool = False
    head_line_patterns: tuple[str, ...] = field(default=_HEAD_PATTERNS,
                                                metadata={"max_items": 500})
    head_max_words: int = field(default=12, metadata={"min": 0, "max": 10_000})
    chrome_line_patterns: tuple[str, ...] = field(default=_CHROME_PATTERNS,
                                                  metadata={"max_items": 500})
    chrome_line_max_words: int = field(default=12, metadata={"min": 0, "max": 10_000})
    tail_line_patterns: tuple[str, ...] = field(default=_TAIL_PATTERNS,
                                                metadata={"max_items": 500})
    tail_window: int = field(default=6, metadata={"min": 0, "max": 10_000})
    tail_max_words: int = field(default=30, metadata={"min": 0, "max": 10_000})
    duplicate_min_chars: int = field(default=60, metadata={"min": 0, "max": 1 << 20})
    duplicate_max_copies: int = field(default=3, metadata={"min": 2, "max": 1 << 20})
    duplicate_min_share: float = field(default=0.05, metadata={"min": 0.0, "max": 1.0})
    shell_max_words: int = field(default=10, metadata={"min": 0, "max": 10_000})
    shell_min_html_chars: int = field(default=5_000, metadata={"min": 0, "max": 1 << 30})
    empty_second_max_words: int = field(default=100, metadata={"min": 0, "max": 1 << 20})
    regex_timeout: float = field(default=0.05, metadata={"min": 0.001, "max": 10})
    max_html_chars: int = field(default=20_000_000, metadata={"min": 1, "max": 1 << 30})
    paragraph_separator: str = "\n"
    title_from_h1: bool = True
    title_lone_h1_min_words: int = field(default=2, metadata={"min": 0, "max": 1_000})
    title_strip_site_name: bool = True
    title_separator_regex: str = _TITLE_SEPARATORS
    heading_trim_chars: str = "¶#"
    title_max_chars: int = field(default=200, metadata={"min": 1, "max": 10_000})
    title_max_words: int = field(default=30, metadata={"min": 1, "max": 1_000})

    def check(self) -> list[str]:
        problems = []
        lists = {"prune_class_id_patterns": self.prune_class_id_patterns,
                 "head_line_patterns": self.head_line_patterns,
                 "chrome_line_patterns": self.chrome_line_patterns,
                 "tail_line_patterns": self.tail_line_patterns,
                 "article_type_regex": (self.article_type_regex,),
                 "precise_news_ld_regex": (self.precise_news_ld_regex,),
                 "title_separator_regex": (self.title_separator_regex,),
                 "second_opinion_skip_ld_regex": (self.second_opinion_skip_ld_regex,),
                 "second_opinion_skip_type_regex": (self.second_opinion_skip_type_regex,)}
        for key, patterns in lists.items():
            problems += [f"key '{key}': {p}" for p in map(_pattern_problem, patterns) if p]
        from lxml.etree import XPath, XPathSyntaxError

        for xp in self.prune_xpaths:
            try:
                XPath(xp)
            except XPathSyntaxError as exc:
                problems.append(f"key 'prune_xpaths': invalid XPath {xp[:60]!r}: {exc}")
        if self.paragraph_separator not in ("\n", "\n\n"):
            problems.append("key 'paragraph_separator': must be a newline or a blank line")
        return problems


def _pattern_problem(pattern: str) -> str | None:
    """Why a user regex is refused (too long, too many repeats, invalid), or ``None``."""
    if len(pattern) > MAX_PATTERN_CHARS:
        return f"a pattern of {len(pattern)} characters, over {MAX_PATTERN_CHARS}"
    product = repeat_product(pattern)
    if product > MAX_REPEAT_PRODUCT:
        return f"counted repeats in {pattern[:60]!r} nest to {product}, over {MAX_REPEAT_PRODUCT}"
    try:
        regex.compile(pattern, regex.V0)
    except regex.error as exc:
        return f"invalid regex {pattern[:60]!r}: {exc}"
    return None


@dataclass(frozen=True)
class Removal:
    """Text taken out by a rule of the extract stage (``rule`` says which)."""

    rule: str
    text: str


@dataclass(frozen=True)
class Extracted:
    text: str
    metadata: dict[str, Any]
    method: str
    title_line: str | None = None
    reason: str | None = None
    removals: tuple[Removal, ...] = ()


def looks_like_html(text: str, settings: ExtractSettings | None = None) -> bool:
    """True for an HTML page or fragment, false for a plain-text dump."""
    settings = settings or ExtractSettings()
    head = text[: settings.sniff_chars]
    if _HTML_START.match(head):
        return True
    tags = _TAG.findall(head)
    if len(tags) < settings.min_tags:
        return False
    markup = sum(1 for t in tags if _MARKUP_TAG.match(t))
    return markup >= settings.min_markup_tags


_META_KEYS = ("title", "author", "date", "sitename", "url", "description", "hostname",
              "categories", "tags", "image", "pagetype")
_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_FRAME = " -•*|·"


@functools.lru_cache(maxsize=64)
def _union(patterns: tuple[str, ...]) -> regex.Pattern[str] | None:
    """One case-insensitive alternation of ``patterns`` (``None`` for none)."""
    if not patterns:
        return None
    return regex.compile("|".join(f"(?:{p})" for p in patterns), regex.I | regex.V0)


@functools.lru_cache(maxsize=64)
def _xpaths(paths: tuple[str, ...]) -> tuple[Any, ...]:
    from lxml.etree import XPath

    return tuple(XPath(p) for p in paths)


@functools.lru_cache(maxsize=64)
def _n_words(n: int) -> re.Pattern[str]:
    # \b after each run: a run is a whole word, never split by backtracking
    return re.compile(rf"(?:\W*\w+\b){{{n}}}")


def _has_words(text: str, n: int) -> bool:
    """True when ``text`` has at least ``n`` words (runs of ``\\w``); read only up to the
    ``n``-th word, not counted to the end (lines are long, the limits a dozen words)."""
    return _n_words(n).match(text) is not None


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


class _Matcher:
    """Runs a pattern list on lines with the settings' timeout; a timeout is no match."""

    def __init__(self, patterns: tuple[str, ...], timeout: float) -> None:
        self.rx = _union(patterns)
        self.timeout = timeout

    def _run(self, op: Callable[..., Any], line: str) -> bool:
        try:
            return op(line, timeout=self.timeout) is not None
        except TimeoutError:
            return False

    def search(self, line: str) -> bool:
        return self.rx is not None and self._run(self.rx.search, line)

    def fullmatch(self, line: str) -> bool:
        return self.rx is not None and self._run(self.rx.fullmatch, line)


# ----------------------------------------------------------------------------- metadata


def page_metadata(tree: Any, url: str | None, settings: ExtractSettings) -> dict[str, Any]:
    """trafilatura's metadata extraction minus categories/tags search and license, with a
    non-extensive date search and an optional DOM author search: the same fields at a
    fraction of the cost."""
    from trafilatura.metadata import (
        META_URL,
        examine_meta,
        extract_author,
        extract_domain,
        extract_meta_json,
        extract_sitename,
        extract_title,
        extract_url,
        find_date,
        set_date_params,
    )

    md = examine_meta(tree)
    if md.author and " " not in md.author:
        md.author = None  # a single token is a handle or a site, not a person (trafilatura)
    with contextlib.suppress(Exception):  # a bug in JSON-LD parsing costs only that part
        md = extract_meta_json(tree, md)
    if not md.title:
        md.title = extract_title(tree)
    if not md.author and settings.author_dom_search:
        md.author = extract_author(tree)
    if not md.url:
        md.url = extract_url(tree, url)
    if md.url:
        md.hostname = extract_domain(md.url, fast=True)
    try:
        md.date = find_date(tree, url=md.url, **set_date_params(settings.date_extensive_search))
    except Exception:  # noqa: BLE001 - htmldate asserts on some trees; keep the rest
        md.date = None
    if not md.sitename:
        md.sitename = extract_sitename(tree)
    if md.sitename:
        md.sitename = md.sitename.lstrip("@")
        if md.sitename and "." not in md.sitename and not md.sitename[0].isupper():
            md.sitename = md.sitename.title()
    elif md.url:
        found = META_URL.match(md.url)
        if found:
            md.sitename = found[1]
    md.clean_and_trim()
    data = md.as_dict()
    return {k: data.get(k) for k in _META_KEYS if data.get(k)}


@dataclass(frozen=True)
class PageSignals:
    """What the page says about itself: its first ``<h1>`` elements, og:type and
    og:site_name values, JSON-LD scripts and microdata item types."""

    h1s: tuple[Any, ...] = ()
    og_types: tuple[str, ...] = ()
    site_names: tuple[str, ...] = ()
    ld_json: tuple[str, ...] = ()
    itemtypes: tuple[str, ...] = ()


#: How many ``<h1>`` elements the title and title-line steps look at.
MAX_H1S = 3


@functools.lru_cache(maxsize=1)
def _itemtype_xpath() -> Any:
    from lxml.etree import XPath

    return XPath("//@itemtype", smart_strings=False)


def page_itemtypes(tree: Any) -> tuple[str, ...]:
    """The page's non-empty microdata ``itemtype`` values, in document order (one XPath
    on the attribute axis, evaluated in C: a third of the cost of ``//*[@itemtype]``)."""
    return tuple(t for t in _itemtype_xpath()(tree) if t)


def page_signals(tree: Any, itemtypes: bool = True) -> PageSignals:
    """The page's :class:`PageSignals`; ``itemtypes=False`` leaves out the item types,
    whose search walks every element, for a caller that asks for them only when it
    needs them (see :func:`page_itemtypes`). The ``<h1>``, ``<meta>`` and ``<script>``
    elements come from one walk of the whole document (every root element), filtered by
    tag in C."""
    h1s: list[Any] = []
    og_types: list[str] = []
    sites: list[str] = []
    ld: list[str] = []
    root = tree.getroottree().getroot()
    # what follows </html> is parsed into a second root element: walk every one
    roots = [*reversed(list(root.itersiblings(preceding=True))), root, *root.itersiblings()]
    for el in itertools.chain.from_iterable(r.iter("h1", "meta", "script") for r in roots):
        tag = el.tag
        if tag == "h1":
            if len(h1s) < MAX_H1S:
                h1s.append(el)
        elif tag == "meta":
            prop = el.get("property")
            if prop == "og:type":
                og_types.append(el.get("content") or "")
            elif prop == "og:site_name":
                sites.append(el.get("content") or "")
        elif el.get("type") == "application/ld+json" and el.text:
            ld.append(el.text)
    return PageSignals(tuple(h1s), tuple(og_types), tuple(sites), tuple(ld),
                       page_itemtypes(tree) if itemtypes else ())


def declares_article(tree: Any, settings: ExtractSettings,
                     signals: PageSignals | None = None) -> bool:
    """True when og:type or a JSON-LD type says the page is an article."""
    signals = signals or page_signals(tree)
    if any("article" in t.lower() for t in signals.og_types):
        return True
    return _ld_json_matches(signals, settings.article_type_regex, settings.regex_timeout)


def skips_second_opinion(tree: Any, settings: ExtractSettings,
                         signals: PageSignals | None = None) -> bool:
    """True when JSON-LD, og:type or a microdata itemtype says the page is a product."""
    signals = signals or page_signals(tree)
    if _ld_json_matches(signals, settings.second_opinion_skip_ld_regex, settings.regex_timeout):
        return True
    rx = _Matcher((settings.second_opinion_skip_type_regex,), settings.regex_timeout)
    if rx.rx is None:
        return False
    return any(rx.search(t) for t in (*signals.og_types, *signals.itemtypes))


def _ld_json_matches(signals: PageSignals, pattern: str, timeout: float) -> bool:
    """True when ``pattern`` is found in one of the page's JSON-LD scripts."""
    if not pattern:
        return False
    rx = _Matcher((pattern,), timeout)
    return any(rx.search(text) for text in signals.ld_json)


def page_title(title: str | None, h1s: list[str], sites: list[str],
               settings: ExtractSettings) -> str | None:
    """The record's title: the first ``<h1>`` when the metadata title contains it (or it
    is the page's only, long enough ``<h1>``), else the title without a segment naming
    the site ("Headline | Example News" -> "Headline")."""
    if settings.title_from_h1 and h1s:
        first = h1s[0]
        if title and _norm(first) and _norm(first) in _norm(title):
            return first
        if len(h1s) == 1 and 0 < settings.title_lone_h1_min_words <= len(first.split()):
            return first
    if not title or not settings.title_strip_site_name:
        return title
    names = {n.replace(" ", "") for n in map(_norm, sites) if n}
    if not names:
        return title
    rx = _union((settings.title_separator_regex,))
    try:
        parts = rx.split(title, timeout=settings.regex_timeout) if rx is not None else []
    except TimeoutError:
        return title
    parts = [p for p in parts if p is not None]
    if len(parts) < 2:
        return title

    def names_site(part: str) -> bool:
        n = _norm(part).replace(" ", "")
        return bool(n) and any(n in name or name in n for name in names)

    strip = " |-–—:·•»/"
    if names_site(parts[-1]):
        return title[: title.rfind(parts[-1])].rstrip(strip) or title
    if names_site(parts[0]):
        return title[len(parts[0]):].lstrip(strip) or title
    return title


# ----------------------------------------------------------------------------- pruning

_SKIP_TEXT = ("script", "style", "template")
_PROTECTED_TAGS = {"html", "body", "head", "main", "article"}


def _text_len(el: Any) -> int:
    """Characters of visible text (no whitespace) in ``el``, script and style excluded."""

    def count(node: Any) -> int:
        return sum(len(t) - t.count(" ") - t.count("\n") - t.count("\t")
                   for t in node.itertext())

    hidden = sum(count(s) for s in el.iter(*_SKIP_TEXT))
    return max(count(el) - hidden, 0)


def _drop(el: Any) -> None:
    """Remove ``el`` but keep its tail text in the parent."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail and el.tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def prune(tree: Any, settings: ExtractSettings) -> list[Removal]:
    """Remove elements matched by the class/id patterns or XPaths, unless they hold
    too much of the page's text or several long paragraphs."""
    body = tree.find(".//body")
    root = body if body is not None else tree
    limit = settings.prune_max_text_share * (_text_len(root) or 1)
    victims: list[tuple[Any, str]] = []
    rx = _Matcher(settings.prune_class_id_patterns, settings.regex_timeout)
    if rx.rx is not None:
        for el in root.iter():
            if not isinstance(el.tag, str) or el.tag in _PROTECTED_TAGS:
                continue
            attr = f"{el.get('class') or ''} {el.get('id') or ''}"
            if len(attr) >= 3 and rx.search(attr):
                victims.append((el, "prune-class-id"))
    for xp in _xpaths(settings.prune_xpaths):
        try:
            found = xp(root)
        except Exception:  # noqa: BLE001 - an XPath that fails on this page prunes nothing
            continue
        if isinstance(found, list):
            victims += [(el, f"prune-xpath:{xp.path}") for el in found
                        if isinstance(getattr(el, "tag", None), str)]
    removals = []
    gone: set[int] = set()
    long_chars = settings.prune_long_paragraph_chars
    for el, rule in victims:
        if any(id(a) in gone for a in el.iterancestors()) or el.getparent() is None:
            continue
        n = _text_len(el)
        if n > limit:
            continue
        if n > long_chars * (settings.prune_max_long_paragraphs + 1):
            long_paragraphs = sum(_text_len(p) >= long_chars for p in el.iter("p"))
            if long_paragraphs > settings.prune_max_long_paragraphs:
                continue
        gone.add(id(el))
        text = _WS.sub(" ", " ".join(
            el.xpath(".//text()[not(ancestor::script or ancestor::style)]"))).strip()
        _drop(el)
        if text:
            removals.append(Removal(rule, text[:500]))
    return removals


# ----------------------------------------------------------------------------- trafilatura


def trafilatura_text(tree: Any, url: str | None, settings: ExtractSettings,
                     favor_precision: bool | None = None, fast: bool | None = None) -> str:
    """trafilatura's main text of ``tree`` with the settings' options (``favor_precision``
    and ``fast`` overridable); "" when it finds none or rejects the page.

    ``bare_extraction`` copies a tree it is given, which costs a third of the parse.
    With ``hand_tree_to_trafilatura`` the tree goes to trafilatura's cascade as it is,
    with ``bare_extraction``'s checks around it, and comes back changed: read nothing
    from it afterwards. A trafilatura without that cascade gets ``bare_extraction``.
    """
    if favor_precision is not None or fast is not None:
        settings = replace(
            settings,
            favor_precision=settings.favor_precision if favor_precision is None
            else favor_precision,
            fast=settings.fast if fast is None else fast)
    try:
        cascade = _trafilatura_cascade() if settings.hand_tree_to_trafilatura else None
        if cascade is not None:
            return cascade(tree, url, settings)
        import trafilatura

        found = trafilatura.bare_extraction(
            tree, url=url, with_metadata=False, fast=settings.fast,
            favor_precision=settings.favor_precision, favor_recall=settings.favor_recall,
            include_tables=settings.include_tables, include_comments=settings.include_comments,
            deduplicate=settings.deduplicate)
    except Exception:  # noqa: BLE001 - a page trafilatura rejects goes to the fallback
        return ""
    return (found.text if found is not None and not isinstance(found, dict)
            else (found or {}).get("text")) or ""


@functools.lru_cache(maxsize=16)
def _long_paragraphs(min_chars: int) -> Any:
    from lxml.etree import XPath

    return XPath(f"//p[string-length(normalize-space()) >= {min_chars}]")


def paragraph_chars(tree: Any, min_chars: int) -> int:
    """Characters in the page's ``<p>`` elements of at least ``min_chars`` characters,
    white space collapsed (the elements are found by one XPath, evaluated in C)."""
    return sum(len(_WS.sub(" ", p.text_content()).strip())
               for p in _long_paragraphs(min_chars)(tree))


def precise_text(tree: Any, url: str | None, settings: ExtractSettings, long_chars: int,
                 fresh_tree: Callable[[], Any]) -> tuple[str, str]:
    """(text, method) of the precision-first run on a news page: trafilatura with
    ``favor_precision``; when its text looks truncated (shorter than ``min_text_chars``
    or than ``precise_news_min_share`` of ``long_chars``, the characters in the page's
    long paragraphs) a default run too, on ``fresh_tree()`` (the first run may have
    changed ``tree``), whose text wins unless the precise one holds
    ``precise_news_keep_share`` of it."""
    text = trafilatura_text(tree, url, settings, favor_precision=True,
                            fast=settings.fast or settings.precise_news_fast)
    mine = len(text.strip())
    if mine >= settings.min_text_chars and mine >= settings.precise_news_min_share * long_chars:
        return text, "trafilatura:precise"
    default = trafilatura_text(fresh_tree(), url, settings)
    if mine >= settings.precise_news_keep_share * len(default.strip()) and mine:
        return text, "trafilatura:precise"
    return default, "trafilatura"


def fresh_tree(html: str, settings: ExtractSettings) -> Any:
    """The page's tree as trafilatura first got it: parsed again, and pruned again."""
    tree = parse_html(html)
    if tree is not None and (settings.prune_class_id_patterns or settings.prune_xpaths):
        prune(tree, settings)
    return tree


@functools.lru_cache(maxsize=1)
def _trafilatura_cascade() -> Callable[..., str] | None:
    """``bare_extraction`` without its copy of the tree and without metadata, built on
    trafilatura's internal cascade; ``None`` when this trafilatura lacks a part of it."""
    try:
        from trafilatura.core import (
            Extractor,
            duplicate_test,
            strip_tags,
            trafilatura_sequence,
            xmltotxt,
        )
    except ImportError:
        return None
    import inspect

    if list(inspect.signature(trafilatura_sequence).parameters) != ["tree", "options", "url"]:
        return None

    def cascade(tree: Any, url: str | None, settings: ExtractSettings) -> str:
        options = Extractor(output_format="python", fast=settings.fast,
                            precision=settings.favor_precision, recall=settings.favor_recall,
                            comments=settings.include_comments, tables=settings.include_tables,
                            dedup=settings.deduplicate, url=url)
        try:
            found = trafilatura_sequence(tree, options, options.url)
        except (TypeError, ValueError):  # how trafilatura rejects a page
            return ""
        body, text, _, comments = found  # outside the try: a changed API must not pass
        try:
            if options.max_tree_size and len(body) > options.max_tree_size:
                strip_tags(body, "hi")
                if len(body) > options.max_tree_size:
                    return ""
            if (len(text) < options.min_output_size
                    and len(comments) < options.min_output_comm_size):
                return ""
            if options.dedup and duplicate_test(body, options) is True:
                return ""
        except (TypeError, ValueError):
            return ""
        return str(xmltotxt(body, options.formatting) or "")

    return cascade


# ----------------------------------------------------------------------------- fallback


def _resiliparse_text(html: str) -> str | None:
    """Resiliparse's main-content text, or ``None`` when it is not installed."""
    try:
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.html import HTMLTree
    except ImportError:
        return None
    return extract_plain_text(HTMLTree.parse(html), main_content=True) or ""


@functools.lru_cache(maxsize=8)
def _depth_probe(depth: int) -> Any:
    """An XPath that is true when the tree has an element ``depth`` levels below the root
    (evaluated in C: a tenth of the cost of walking the tree in Python)."""
    from lxml.etree import XPath

    return XPath("boolean(" + "/".join(["*"] * depth) + ")")


def deeper_than(tree: Any, depth: int) -> bool:
    """True when ``tree`` (its root at depth 1) nests elements deeper than ``depth``."""
    return bool(_depth_probe(depth)(tree))


def fallback_text(html: str, tree: Any, settings: ExtractSettings,
                  deep: bool | None = None) -> tuple[str, str]:
    """(text, method) of the second extractor; resiliparse falls back to trafilatura's
    baseline when it is not installed or the page is too deep (the method says which
    one ran). ``deep``: :func:`deeper_than` of the tree, when it was measured before
    trafilatura changed the tree."""
    if deep is None:
        deep = deeper_than(tree, settings.resiliparse_max_depth)
    if settings.fallback == "resiliparse" and not deep:
        text = _resiliparse_text(html)
        if text is not None:
            return text, "resiliparse"
    if settings.fallback == "none":
        return "", "none"
    from trafilatura import baseline

    return baseline(html)[1], "baseline"


_PROSE_PUNCT = re.compile(r"[.!?:;,]")


def prefer_second_opinion(text: str, other: str, settings: ExtractSettings) -> bool:
    """True when ``other`` (resiliparse) holds ``text`` (trafilatura) and much more prose:
    longer by ``second_opinion_min_ratio``, covering ``second_opinion_min_cover`` of its
    words, with ``second_opinion_min_prose`` of the extra characters in prose lines."""
    mine, theirs = len(text.strip()), len(other.strip())
    if not theirs or theirs < settings.second_opinion_min_ratio * max(mine, 1):
        return False
    have = Counter(_WORD.findall(text.lower()))
    if have:
        found = Counter(_WORD.findall(other.lower()))
        if sum((have & found).values()) < settings.second_opinion_min_cover * sum(have.values()):
            return False
    known = {_norm(line) for line in text.split("\n")}
    extra = prose = 0
    for line in other.split("\n"):
        if not line.strip() or _norm(line) in known:
            continue
        extra += len(line)
        if _has_words(line, settings.prose_min_words) and _PROSE_PUNCT.search(line):
            prose += len(line)
    return extra > 0 and prose >= settings.second_opinion_min_prose * extra


# ----------------------------------------------------------------------------- line filters


def drop_duplicates(lines: list[str], settings: ExtractSettings) -> tuple[list[str],
                                                                           list[Removal]]:
    """``lines`` (stripped) without the second and third copies of a long line, when
    such copies are ``duplicate_min_share`` of the text (see :class:`ExtractSettings`)."""
    least = settings.duplicate_min_chars
    if not least:
        return lines, []
    counts = Counter(line for line in lines if len(line) >= least)
    copies = {line for line, n in counts.items() if 1 < n <= settings.duplicate_max_copies}
    if not copies:
        return lines, []
    repeated = sum(len(line) * (counts[line] - 1) for line in copies)
    if repeated < settings.duplicate_min_share * sum(map(len, lines)):
        return lines, []
    kept, seen, removals = [], set(), []
    for line in lines:
        if line in copies:
            if line in seen:
                removals.append(Removal("duplicate-line", line))
                continue
            seen.add(line)
        kept.append(line)
    return kept, removals


def filter_lines(text: str, titles: list[str], description: str | None,
                 settings: ExtractSettings) -> tuple[str, list[Removal]]:
    """Drop repeated copies, title repeats, head bylines/datelines, chrome lines and the
    tail."""
    lines = [s for s in (ln.strip() for ln in text.split("\n")) if s]
    lines, removals = drop_duplicates(lines, settings)
    window = settings.title_line_window
    timeout = settings.regex_timeout
    if settings.drop_description_line and description and len(lines) > 1:
        wanted = _norm(description)
        stem = wanted.rsplit(" ", 1)[0]
        for i in range(min(window + 1, len(lines) - 1)):
            n = _norm(lines[i])
            if len(wanted) >= 40 and len(n) >= 40 and (
                    n == wanted or wanted.startswith(n) or n.startswith(stem)):
                removals.append(Removal("description-line", lines.pop(i)))
                break
    heads = _Matcher(settings.head_line_patterns, timeout)
    if heads.rx is not None and len(lines) > 2:
        i = checked = 0
        while i < len(lines) - 1 and checked < window:
            checked += 1
            if not _has_words(lines[i], settings.head_max_words + 1) and heads.search(lines[i]):
                removals.append(Removal("head-line", lines.pop(i)))
            else:
                i += 1
    wanted_titles = {n for n in map(_norm, titles) if n}
    if wanted_titles:
        i = 0
        while i < min(window, len(lines)):
            if len(lines) > 1 and _norm(lines[i]) in wanted_titles:
                removals.append(Removal("title-line", lines.pop(i)))
            else:
                i += 1
    chrome = _Matcher(settings.chrome_line_patterns, timeout)
    if chrome.rx is not None:
        kept = []
        for line in lines:
            if not _has_words(line, settings.chrome_line_max_words + 1) and chrome.fullmatch(
                    line.strip(_FRAME)):
                removals.append(Removal("chrome-line", line))
            else:
                kept.append(line)
        lines = kept
    tails = _Matcher(settings.tail_line_patterns, timeout)
    if tails.rx is not None and len(lines) > 2:
        for i in range(max(1, len(lines) - settings.tail_window), len(lines)):
            if not _has_words(lines[i], settings.tail_max_words + 1) and tails.search(lines[i]):
                removals += [Removal("tail-cut", line) for line in lines[i:]]
                lines = lines[:i]
                break
    return settings.paragraph_separator.join(lines), removals


# ----------------------------------------------------------------------------- HTML

#: What trafilatura's ``INVALID_XML_CHARS`` removes before parsing, one by one.
_INVALID_XML = (*(chr(c) for c in range(32) if c not in (9, 10, 13)), "\ufffe", "\uffff")


@functools.lru_cache(maxsize=1)
def _html_parser() -> Any:
    """A parser with the options of trafilatura's ``HTML_PARSER`` and lxml.html's element
    classes, looked up in C: lxml.html's own lookup is a Python call for every element
    that Python touches, in our code and in trafilatura's and htmldate's on this tree
    (thousands per page). The tags lxml.html gives a class of their own keep it."""
    from lxml import etree, html

    lookup = etree.ElementNamespaceClassLookup(etree.ElementDefaultClassLookup(
        element=html.HtmlElement, comment=html.HtmlComment,
        pi=html.HtmlProcessingInstruction, entity=html.HtmlEntity))
    tags = lookup.get_namespace(None)
    own = getattr(html.HtmlElementClassLookup, "_default_element_classes", None)
    if not isinstance(own, dict):  # a later lxml without that table: its own lookup
        from trafilatura import utils

        return utils.HTML_PARSER
    for name, cls in own.items():
        tags[name] = cls
    parser = html.HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8",
                             remove_comments=True, remove_pis=True)
    parser.set_element_class_lookup(lookup)
    return parser


def _fromstring_bytes(html: str) -> Any:
    """trafilatura's ``fromstring_bytes`` with :func:`_html_parser`."""
    from lxml.html import fromstring

    try:
        return fromstring(html.encode("utf8", "surrogatepass"), parser=_html_parser())
    except Exception:  # noqa: BLE001 - as trafilatura: an unparsable page has no tree
        return None


def parse_html(html: str) -> Any:
    """trafilatura's ``load_html`` for a decoded page: the same repairs and the same tree
    (``None`` when it is not HTML). Whether the page holds characters XML forbids is
    asked by substring searches, in half the time of the regex scan ``load_html`` runs
    on every page; the regex runs only on a page that holds one."""
    from lxml.html import fromstring
    from trafilatura import utils

    beginning = html[:50].lower()
    dubious = utils.is_dubious_html(beginning)
    if any(c in html for c in _INVALID_XML):
        html = utils.INVALID_XML_CHARS.sub("", html)
    if "doctype" in beginning:  # a slash in the doctype goes (load_html's repair), without
        end = html.find("\n")  # copying a page whose first line has none
        end = len(html) if end < 0 else end
        found = utils.DOCTYPE_TAG.match(html, 0, end)
        if found is not None or end == len(html):
            html = html[found.end() if found else 0:end] + "\n" + html[end + 1:]
    for line in html[:4096].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            html = utils.FAULTY_HTML.sub(r"\1>", html, count=1)
            break
    tree, fallback = None, False
    try:
        tree = fromstring(html, parser=_html_parser())
    except ValueError:  # a string with an encoding declaration: lxml wants bytes
        tree, fallback = _fromstring_bytes(html), True
    except Exception:  # noqa: BLE001 - as load_html: an unparsable page has no tree
        tree = None
    if (tree is None or len(tree) < 1) and not fallback:
        tree = _fromstring_bytes(html)
    if tree is not None and dubious and len(tree) < 2:
        tree = None
    return tree



def extract_html(html: str, url: str | None, settings: ExtractSettings) -> Extracted:
    """Main text, metadata and removals of an HTML page; an empty text has a reason."""
    html = html[: settings.max_html_chars]
    try:
        tree = parse_html(html) if html and not html.isspace() else None
    except Exception:  # noqa: BLE001 - lxml refuses some hostile inputs outright
        tree = None
    if tree is None:
        return Extracted(text="", metadata={}, method="none", reason="no HTML tree")
    signals = page_signals(tree, itemtypes=False)  # read below, for the pages that need them
    h1s = [_WS.sub(" ", h.text_content()).strip() for h in signals.h1s]
    headings = [t for t in (h.strip(settings.heading_trim_chars).strip() for h in h1s) if t]
    article = declares_article(tree, settings, signals)
    meta: dict[str, Any] = {}
    if settings.with_metadata:
        try:
            meta = page_metadata(tree, url, settings)
        except Exception:  # noqa: BLE001
            # A bug in a metadata extractor must not cost the page its text (htmldate
            # asserts on some trees, e.g. an XML prolog before <html>...<iframe>).
            meta = {}
    raw_title = meta.get("title")
    if settings.with_metadata:
        sites = [*signals.site_names, meta.get("sitename") or "", meta.get("hostname") or ""]
        title = page_title(meta.get("title"), headings, sites, settings)
        if title:
            meta["title"] = title
    removals: list[Removal] = []
    blank_second = False
    if settings.prune_class_id_patterns or settings.prune_xpaths:
        removals += prune(tree, settings)
    precise = (settings.precise_news and article and not settings.favor_precision
               and not settings.favor_recall
               and _ld_json_matches(signals, settings.precise_news_ld_regex,
                                    settings.regex_timeout))
    rescuable = (precise if settings.truncation_rescue == "news"
                 else article and settings.truncation_rescue == "articles")
    resiliparse_ok = (settings.fallback == "resiliparse"
                      and len(html) <= settings.second_opinion_max_chars)
    second = settings.second_opinion and resiliparse_ok and not article
    if second:
        signals = replace(signals, itemtypes=page_itemtypes(tree))
        second = not skips_second_opinion(tree, settings, signals)
    # trafilatura may take the tree itself (see trafilatura_text): what is read from the
    # tree later is read now
    deep = (settings.fallback == "resiliparse"
            and deeper_than(tree, settings.resiliparse_max_depth))
    long_chars = (paragraph_chars(tree, settings.long_paragraph_chars)
                  if precise or rescuable else 0)
    if precise:
        text, method = precise_text(tree, url, settings, long_chars,
                                    lambda: fresh_tree(html, settings))
    else:
        text, method = trafilatura_text(tree, url, settings), "trafilatura"
    short = len(text.strip()) < settings.min_text_chars
    rescue = (resiliparse_ok and not short and rescuable
              and len(text.strip()) < settings.truncation_max_share * long_chars)
    if settings.fallback != "none" and (short or second or rescue
                                        or settings.fallback_min_ratio > 0):
        try:
            other, other_method = fallback_text(html, tree, settings, deep=deep)
        except Exception:  # noqa: BLE001 - the fallback is a second chance, not a must
            other, other_method = "", "none"
        mine, theirs = len(text.strip()), len(other.strip())
        blank_second = (other_method == "resiliparse" and not theirs
                        and not _has_words(text, settings.empty_second_max_words))
        if theirs and ((short and theirs > mine) or mine < settings.fallback_min_ratio * theirs):
            text, method = other, other_method
        elif ((second or (rescue and theirs <= settings.truncation_max_ratio * mine))
              and not short and other_method == "resiliparse"
              and prefer_second_opinion(text, other, settings)):
            text, method = other, "resiliparse:" + ("second-opinion" if second else "truncated")
    titles = [t for t in [raw_title, *h1s] if t] if settings.drop_title_line else []
    if settings.title_drop_only_articles and not article:
        titles = []
    text, dropped = filter_lines(text, titles, meta.get("description"), settings)
    removals += dropped
    reason = None
    if not text.strip():
        text, reason = "", "no main content found"
    elif (len(html) >= settings.shell_min_html_chars
          and not _has_words(text, settings.shell_max_words)):
        removals.append(Removal("app-shell", text[:500]))
        text, reason = "", f"under {settings.shell_max_words} words on a page of " \
            f"{len(html):,} characters: an app shell or placeholder"
    elif blank_second and len(html) >= settings.shell_min_html_chars:
        removals.append(Removal("no-main-content", text[:500]))
        text, reason = "", f"under {settings.empty_second_max_words} words, in which " \
            "resiliparse finds no main content: menus or a product grid"
    return Extracted(text=text, metadata=meta, method=method, reason=reason,
                     removals=tuple(removals))


_SENTENCE_END = re.compile(r"[.!?…](?:[\"'”’)\]]*)\s+\S")


def title_from_dump(text: str, settings: ExtractSettings) -> str | None:
    """The first line of a dump if it reads like a headline, else ``None``."""
    lines = text.lstrip("\n").split("\n", 2)
    first = lines[0].strip().strip("\u00a0 ")
    if not first or len(first) > settings.title_max_chars:
        return None
    if len(first.split()) > settings.title_max_words:
        return None
    if len(lines) > 1 and lines[1].strip():
        return None  # part of a longer block, not a headline on its own
    if _SENTENCE_END.search(first):
        return None
    if not any(ch.isalpha() for ch in first):
        return None
    return first


def extract_text(text: str, settings: ExtractSettings) -> Extracted:
    """A text dump keeps its text; a headline-like first line becomes the title."""
    title = title_from_dump(text, settings)
    body = text
    if title is not None:
        body = text.lstrip("\n").split("\n", 1)[1] if "\n" in text.lstrip("\n") else ""
    return Extracted(
        text=body,
        metadata={"title": title} if title else {},
        method="text",
        title_line=title,
        reason=None if body.strip() else "no text after the title",
    )


class Extract(Stage):
    """Tell HTML from a dump and keep the main text; fill title and page metadata."""

    name = "extract"
    Settings = ExtractSettings
    preload = ("trafilatura", "htmldate")

    def prepare(self) -> None:
        """Import the extractors; resiliparse is optional (see :func:`fallback_text`)."""
        super().prepare()
        with contextlib.suppress(ImportError):
            importlib.import_module("resiliparse.extract.html2text")

    def __call__(self, doc: Document) -> Document:
        is_html = looks_like_html(doc.text, self.settings)
        if is_html:
            doc.kind = "html"
            doc.html = doc.text
            result = extract_html(doc.text, doc.metadata.get("url"), self.settings)
            for removal in result.removals:
                doc.log(self.name, removal.rule, "remove", removal.text)
        else:
            doc.kind = "text"
            result = extract_text(doc.text, self.settings)
            if result.title_line is not None:
                doc.log(self.name, "title-line", "title", result.title_line, line=0)
        for key, value in result.metadata.items():
            if value and not doc.metadata.get(key):
                doc.metadata[key] = value
        doc.metadata["extraction"] = result.method
        doc.text = result.text
        if result.reason:
            doc.reason = result.reason
        return doc
