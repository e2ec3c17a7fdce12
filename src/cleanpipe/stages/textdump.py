"""Find the article in a text dump: the structural evidence of the chrome stage.

A text dump is every visible line of a page: the article plus menus, teasers, comment
threads and footers. Line rules (``rules/chrome.yaml``) catch the chrome that has a
fixed wording; this module finds the rest from the shape of the text:

1. Lines a dump split at inline links ("The" / "New York Times" / "reported ...") are
   glued back into *groups*; a line matched by a chrome rule stays a group of its own.
2. Each group is scored: prose (many words, function words, terminal punctuation)
   positive, short labels and headline-like link titles negative, rule matches more so.
3. After an end-of-article marker (a "Comments" or "Related posts" header that follows
   enough prose) positive scores are discounted: comment threads and teaser lists are
   prose too, but they are not the article.
4. The main block is the maximum-sum run of scores; other runs are kept when they are
   worth a share of it. Inside a block every group that is not chrome stays, so
   headings, list items and short paragraphs of the article survive; just before and
   after it headings and list items are re-admitted.

The functions are pure: lines and rule evidence in, one reason (or ``None``) per line
out. Every weight and threshold is a field of :class:`StructureSettings`, set in
``rules/chrome.yaml`` under ``settings: structure:``.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from itertools import accumulate, compress, count, repeat
from operator import not_

# Evidence ids for lines removed by structure rather than by a rule; `explain` shows them.
MENU_RUN = "menu-run"
SHORT_OUTSIDE = "short-outside-main-block"
PROSE_OUTSIDE = "prose-outside-main-block"
AFTER_END = "after-end-marker"
TOO_LITTLE = "too-little-content"
DUPLICATE = "duplicate-paragraph"
TEASERS = "teaser-run"
RECORDS = "record-run"
EVIDENCE_IDS = (MENU_RUN, SHORT_OUTSIDE, PROSE_OUTSIDE, AFTER_END, TOO_LITTLE, DUPLICATE,
                TEASERS, RECORDS)


def _bounded(lo: float, hi: float | None = None) -> dict[str, float]:
    return {"min": lo} if hi is None else {"min": lo, "max": hi}


@dataclass(frozen=True)
class StructureSettings:
    """Weights and thresholds of the structural evidence (documented in rules/chrome.yaml).

    enabled: use structure on text dumps; off, dumps get the line rules only, like HTML.
    fragment_max_words: a line glued to the one before because that one ended in a
        comma, a bracket, a dash or a function word is at most this long (link text).
    good_min_words / good_min_stop: a group with this many words and this share of
        function words is good prose; near_min_words / near_min_stop: a group this long
        with terminal punctuation or this share of function words is near prose.
    cjk_good_chars / cjk_word_chars: Chinese, Japanese and Korean text has no spaces: this
        many CJK characters make good prose, and this many count as one word.
    good_weight / good_cap_words: score per word of good prose, counting at most this
        many words (one huge paragraph must not outweigh everything else).
    open_good_factor: good prose that does not end like a sentence (no final . ! ? or
        quote, nor a : or ; introducing a list) scores this share of good_weight: teaser
        headlines and link lists are long enough to be prose, but open-ended.
    near_weight: score per word of near prose.
    headline_penalty: (subtracted) a group of near_min_words+ words that is neither good
        nor near prose: teaser headlines, link titles.
    short_penalty: (subtracted) a short group: labels, menu items, buttons.
    chrome_penalty: (subtracted) a group matched by a chrome rule.
    rule_max_words: the rules judge a group of glued lines only when it has at most this
        many words: a paragraph is not a button.
    tail_discount: after an end-of-article marker, positive scores are multiplied by this.
    end_marker_min_prose: ... once this many words of good prose were seen before it.
    end_marker_max_words: a line matched by an ``ends_article`` rule is an end marker only
        when it has at most this many words.
    extra_block_share / extra_block_min: a run besides the best one is kept when it scores
        at least this share of the best run and at least extra_block_min.
    low_prose_score: when the best run scores below this the page has little prose (a
        product grid, a listing): the whole page is the block, minus chrome and menus.
    inner_run_min: inside a block, this many consecutive short groups without terminal
        punctuation, bullet or function word are a menu and go (``menu-run``).
    table_digit_share: ... unless at least this share of them hold a digit: then they
        are the cells of a table (specifications, sizes, prices) and stay; 1 turns the
        exception off.
    table_id_digits: a line whose digits run this many or more in a row holds an
        identifier (a licence, registration or customer-service number in a footer), not
        a table value, and does not count as a cell with a digit; 0 counts every digit.
    lead_max_groups / heading_max_words: up to this many heading-like groups (at most
        heading_max_words words, no final full stop) just before a block are kept.
    trail_max_groups: up to this many list items or near-prose groups right after a
        block are kept.
    menu_run_min: outside the blocks, a run of this many short groups is reported as
        ``menu-run`` (else ``short-outside-main-block``); only the reason differs.
    min_output_words: when fewer words than this are kept and none is good prose, the
        page holds no article (an error page, a script shell): nothing is kept.
    duplicate_min_words: a paragraph of at least this many words that already occurred
        higher up the page goes (``duplicate-paragraph``): a second copy of the article.
    teaser_min_pairs / teaser_max_words / teaser_headline_words: this many consecutive
        pairs of a headline (between the two word counts, not ending like a sentence,
        however prose-like its words) and a
        one-paragraph summary of at most teaser_max_words words are a teaser list
        (``teaser-run``), not the article, when they follow teaser_gap labels or chrome
        lines (a "More in World" header), not a paragraph (an article's sections).
    title_case_share: a group without terminal punctuation in which at least this share
        of the words start with a capital is a headline or a link title, not prose,
        however many function words it has ("Police: 2 In Custody After Death Of ...").
    head_block_min: when the best run reaches past an end-of-article marker and the best
        run before the marker scores at least this, that one is the article: a comment
        thread or teaser list longer than the post cannot swallow it (runs after the
        marker still join when they score extra_block_share of it).
    code_run_min / code_syntax_share / code_syntax_kinds: a run of code_run_min+ short
        groups whose lines are code syntax alone ("(", "});", "=>") for at least
        code_syntax_share of them, with at least code_syntax_kinds kinds of syntax among
        ( [ { ; = (a closing bracket counts as its opening one), is a code sample split
        token by token: its groups score 0 and are no menu, so the prose around it holds
        it, and its numbers and operators stay whatever rule matched them; a
        code_syntax_share of 1 turns this off. Parentheses alone are not enough: comment
        headers put a score or an id between them.
    record_rules / record_min_hits / record_max_groups / record_max_prose: a run of
        records is one of the record_rules (a dateline, a byline, a "Reply" or share
        button, a counter) matching record_min_hits+ times in a row, at most
        record_max_groups groups apart with 1 to record_max_prose paragraphs between two
        hits: comment threads and (headline, author, date, summary) teaser lists.
    record_min_prose: a run of records that follows at least this many words of good
        prose ends the article like an end marker (``record-run``); on a forum or a
        listing the records start before that much prose and stay.
    record_prior_hits: ... nor when the same record already matched this many times
        after the first good prose, each after a paragraph of its own: then the page is
        made of records (a forum thread whose posts each end in "Reply" and a date),
        and a long first post must not cut off the replies; 0 turns this off.
    """

    enabled: bool = True
    fragment_max_words: int = field(default=8, metadata=_bounded(0))
    good_min_words: int = field(default=10, metadata=_bounded(1))
    good_min_stop: float = field(default=0.18, metadata=_bounded(0, 1))
    near_min_words: int = field(default=5, metadata=_bounded(1))
    near_min_stop: float = field(default=0.25, metadata=_bounded(0, 1))
    cjk_good_chars: int = field(default=25, metadata=_bounded(1))
    cjk_word_chars: float = field(default=2.0, metadata=_bounded(0.1))
    good_weight: float = field(default=1.0, metadata=_bounded(0))
    good_cap_words: int = field(default=60, metadata=_bounded(1))
    near_weight: float = field(default=0.5, metadata=_bounded(0))
    headline_penalty: float = field(default=2.0, metadata=_bounded(0))
    short_penalty: float = field(default=4.0, metadata=_bounded(0))
    chrome_penalty: float = field(default=6.0, metadata=_bounded(0))
    rule_max_words: int = field(default=12, metadata=_bounded(1))
    tail_discount: float = field(default=0.3, metadata=_bounded(0, 1))
    end_marker_min_prose: int = field(default=40, metadata=_bounded(0))
    end_marker_max_words: int = field(default=6, metadata=_bounded(1))
    extra_block_share: float = field(default=0.3, metadata=_bounded(0, 1))
    extra_block_min: float = field(default=25.0, metadata=_bounded(0))
    low_prose_score: float = field(default=60.0, metadata=_bounded(0))
    inner_run_min: int = field(default=5, metadata=_bounded(1))
    lead_max_groups: int = field(default=2, metadata=_bounded(0))
    heading_max_words: int = field(default=15, metadata=_bounded(1))
    trail_max_groups: int = field(default=40, metadata=_bounded(0))
    menu_run_min: int = field(default=3, metadata=_bounded(1))
    min_output_words: int = field(default=30, metadata=_bounded(0))
    duplicate_min_words: int = field(default=8, metadata=_bounded(1))
    teaser_min_pairs: int = field(default=3, metadata=_bounded(1))
    teaser_max_words: int = field(default=40, metadata=_bounded(1))
    teaser_headline_words: tuple[int, ...] = field(default=(4, 20), metadata={"max_items": 2})
    teaser_gap: int = field(default=2, metadata=_bounded(0))
    open_good_factor: float = field(default=0.6, metadata=_bounded(0, 1))
    title_case_share: float = field(default=0.7, metadata=_bounded(0, 1))
    head_block_min: float = field(default=60.0, metadata=_bounded(0))
    table_digit_share: float = field(default=0.2, metadata=_bounded(0, 1))
    table_id_digits: int = field(default=6, metadata=_bounded(0))
    record_min_hits: int = field(default=3, metadata=_bounded(0))
    record_max_groups: int = field(default=8, metadata=_bounded(1))
    record_max_prose: int = field(default=2, metadata=_bounded(1))
    record_min_prose: int = field(default=400, metadata=_bounded(0))
    record_prior_hits: int = field(default=3, metadata=_bounded(0))
    code_run_min: int = field(default=6, metadata=_bounded(1))
    code_syntax_share: float = field(default=0.15, metadata=_bounded(0, 1))
    code_syntax_kinds: int = field(default=2, metadata=_bounded(1))
    record_rules: tuple[str, ...] = ("dateline", "byline", "comment-meta", "counter",
                                     "reading-counters", "wp-comment-form",
                                     "news-share-bar", "share-and-account-prefix")

    def check(self) -> list[str]:
        lo_hi = self.teaser_headline_words
        if len(lo_hi) != 2 or not 0 < lo_hi[0] <= lo_hi[1]:
            return ["key 'teaser_headline_words': expected [LOW, HIGH] word counts, "
                    f"0 < LOW <= HIGH, got {list(lo_hi)}"]
        return []


@dataclass(frozen=True, slots=True)
class RuleHit:
    """A chrome rule's verdict on one line, as evidence for the structure.

    hard: the rule removes the line wherever it stands (``where: anywhere``, or the line
        is in the leading/trailing run its ``where`` names); otherwise the line only
        weighs against the block around it and is removed if the block does not hold it.
    ends_article: the rule marks the end of an article (comment and teaser headers).
    whole_line: the rule matched the whole line (a phrase rule, a learned site line), so
        the line is a unit of its own and is never glued to the line before.
    """

    rule: str
    hard: bool
    ends_article: bool = False
    whole_line: bool = False


@functools.lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The function words shipped in ``cleanpipe/data/stopwords.txt``."""
    text = resources.files("cleanpipe").joinpath("data/stopwords.txt").read_text("utf-8")
    return frozenset(w for ln in text.splitlines() if (w := ln.strip()) and w[0] != "#")


_WORD = re.compile(r"\w+")
# For ASCII text as bytes: each character ``\w`` matches, lower-cased; every other one
# a space. ``split()`` of the result gives the words ``_WORD`` finds in the lower-cased
# text, several times faster.
_ASCII_WORDS = bytes(ord(ch.lower()) if re.match(r"\w", ch) else 32
                     for ch in map(chr, range(128))) + b" " * 128


@functools.lru_cache(maxsize=8)
def _ascii_stopwords(stop: frozenset[str]) -> frozenset[bytes]:
    """The ASCII words of ``stop``, as bytes (no other word can equal an ASCII word)."""
    return frozenset(w.encode("ascii") for w in stop if w.isascii())


# Text whose non-ASCII characters are not word characters (``\w`` outside ASCII is
# ``str.isalnum``) has only ASCII words, whatever typographic quotes or dashes it holds.
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def stop_share(text: str, stop: frozenset[str]) -> float:
    """The share of the words (``\\w+``, case ignored) of ``text`` that are in ``stop``."""
    if text.isascii() or not any(map(str.isalnum, _NON_ASCII.findall(text))):
        # Every non-ASCII character separates words here: as "?" it maps to a space.
        words: list[bytes] | list[str] = (
            text.encode("ascii", "replace").translate(_ASCII_WORDS).split())
        hits = sum(map(_ascii_stopwords(stop).__contains__, words))
    else:
        words = _WORD.findall(text.lower())
        hits = sum(map(stop.__contains__, words))
    return hits / len(words) if words else 0.0


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_TERMINAL = frozenset(".!?。！？…\"'”’»)")
_CLOSED = _TERMINAL | frozenset(":;")  # a sentence, or one that introduces a list
_CLOSE_START = frozenset(",.;:!?)]}»”’%")
_OPEN_END = frozenset("([{«“‘-–—/,:")
_BULLET = re.compile(r"^(?:[-–—•·*▪►✓✔]\s|\d{1,3}[.)]\s)")
_BULLET_MARKS = frozenset("-–—•·*▪►✓✔")  # a bullet starts with one of these or a digit

# Group kinds. Short is 0, so that a kind is true when the group is prose, and a list of
# kinds fits in bytes, where a regular expression finds runs of short groups.
_GOOD, _NEAR, _SHORT = 2, 1, 0


def group_fragments(lines: Sequence[str], hits: Sequence[RuleHit | None],
                    settings: StructureSettings, stop: frozenset[str]) -> list[list[int]]:
    """Indices of the non-blank lines, in groups that are one paragraph of the page.

    A line joins the one before it (with no blank line between) when it starts in lower
    case or with closing punctuation, or when it is short and the one before ended in an
    opening bracket, a dash, a comma, a colon or a function word. A line that a
    whole-line rule (a phrase) matched never joins the line before it.
    """
    firsts, ends, _ = _group_bounds(lines, hits, settings, stop)
    return [list(range(a, b)) for a, b in zip(firsts, ends, strict=True)]


def _group_bounds(lines: Sequence[str], hits: Sequence[RuleHit | None],
                  settings: StructureSettings,
                  stop: frozenset[str]) -> tuple[list[int], list[int], list[int]]:
    """The groups of :func:`group_fragments` as (first lines, end lines, glued groups).

    A group is a run of lines with no blank between, so its first and end line say all;
    "glued" lists the groups of more than one line, the only ones whose text is a join.
    """
    firsts: list[int] = []
    ends: list[int] = []
    glued: list[int] = []
    max_spaces = settings.fragment_max_words
    p = ""  # the line before, "" when blank
    for i, s in enumerate(lines):
        if not s:
            p = s
            continue
        glue = False
        if p:
            hit = hits[i]
            if hit is None or not hit.whole_line:
                first = s[0]
                if first.islower() or first in _CLOSE_START:
                    glue = True
                elif s.count(" ") < max_spaces:
                    last = p[-1]
                    if last in _OPEN_END:
                        glue = True
                    elif last not in _TERMINAL and " " in p:
                        glue = p[p.rfind(" ") + 1:].lower() in stop
        if glue:
            if ends[-1] - firsts[-1] == 1:
                glued.append(len(firsts) - 1)
            ends[-1] = i + 1
        else:
            firsts.append(i)
            ends.append(i + 1)
        p = s
    return firsts, ends, glued


def classify(text: str, settings: StructureSettings,
             stop: frozenset[str]) -> tuple[int, int, float]:
    """(words, kind, score) of one group's text: good or near prose, or short."""
    return _classify(text, text.count(" ") + 1, settings, stop)


def _classify(text: str, nw: int, settings: StructureSettings,
              stop: frozenset[str]) -> tuple[int, int, float]:
    """:func:`classify`, given the words of ``text`` counted by its spaces (``nw``)."""
    s = settings
    ncjk = 0
    if not text.isascii() and _CJK.search(text):
        ncjk = len(_CJK.findall(text))
        nw = max(nw, int(ncjk / s.cjk_word_chars))
    kind = _SHORT
    closed = text[-1] in _TERMINAL
    if ncjk >= s.cjk_good_chars:
        kind = _GOOD
    elif nw >= s.near_min_words:
        # The share of function words decides only what the other facts leave open.
        if closed:
            kind = _NEAR
            if nw >= s.good_min_words and stop_share(text, stop) >= s.good_min_stop:
                kind = _GOOD
        elif not _title_case(text, s.title_case_share):  # else a headline or a link title
            share = stop_share(text, stop)
            if nw >= s.good_min_words and share >= s.good_min_stop:
                kind = _GOOD
            elif share >= s.near_min_stop:
                kind = _NEAR
    if kind == _GOOD:
        w = s.good_weight if text[-1] in _CLOSED else s.good_weight * s.open_good_factor
        return nw, kind, w * min(nw, s.good_cap_words)
    if kind == _NEAR:
        return nw, kind, s.near_weight * nw
    return nw, kind, -(s.headline_penalty if nw >= s.near_min_words else s.short_penalty)


def classify_groups(text: Sequence[str], settings: StructureSettings,
                    stop: frozenset[str]) -> tuple[list[int], list[int], list[float]]:
    """(words, kinds, scores) of the groups with these texts: :func:`classify` of each.

    Most groups of a dump are labels: an ASCII text of fewer than near_min_words words is
    short whatever it says, so only the others are classified, each distinct text once
    (menus repeat within a page).
    """
    s = settings
    words = [t.count(" ") + 1 for t in text]
    kind = [_SHORT] * len(text)
    score = [-s.short_penalty] * len(text)
    near = s.near_min_words
    may_be_prose = [g for g, nw in enumerate(words) if nw >= near or not text[g].isascii()]
    found: dict[str, tuple[int, int, float]] = {}
    for g in may_be_prose:
        t = text[g]
        verdict = found.get(t)
        if verdict is None:
            verdict = found[t] = _classify(t, words[g], s, stop)
        words[g], kind[g], score[g] = verdict
    return words, kind, score


# For ASCII text as bytes: the class of the first character of a word, after a space.
_ASCII_INITIALS = bytes(32 if chr(c).isspace() else 85 if chr(c).isupper()
                        else 108 if chr(c).islower() else 120
                        for c in range(128)) + b"x" * 128


def _title_case(text: str, share: float) -> bool:
    """True when at least ``share`` of the words that start with a letter are capitalised."""
    if text.isascii():
        # Word initials follow a space: upper-case letters became "U", lower-case "l".
        classes = b" " + text.encode().translate(_ASCII_INITIALS)
        caps = classes.count(b" U")
        letters = caps + classes.count(b" l")
    else:
        caps = letters = 0
        for w in text.split():
            c = w[0]
            if c.isalpha():
                letters += 1
                caps += c.isupper()
    return letters > 0 and caps >= share * letters


def _menu_like(text: str, stop: frozenset[str]) -> bool:
    """A short line with no terminal punctuation, bullet or function word: a menu item."""
    first = text[0]
    if text[-1] in _TERMINAL or ((first in _BULLET_MARKS or first.isdecimal())
                                 and _BULLET.match(text)):
        return False
    return stop.isdisjoint(text.lower().split())


def _best_run(score: Sequence[float], lo: int, hi: int) -> tuple[float, int, int]:
    """(sum, start, end) of the maximum-sum run of score[lo:hi]; start -1 if none > 0."""
    best, bs, be = 0.0, -1, -1
    run, rs = 0.0, lo
    for g, x in enumerate(score[lo:hi], lo):
        if run <= 0:
            if x <= 0:
                continue  # a run starting here ends at once
            run, rs = 0.0, g
        run += x
        if run > best:
            best, bs, be = run, rs, g + 1
    return best, bs, be


def find_blocks(score: Sequence[float], settings: StructureSettings,
                tail_from: int | None = None) -> list[tuple[int, int]]:
    """The group ranges holding the article: the best run and runs worth a share of it.

    With ``tail_from`` (the group of an end-of-article marker), the best run before the
    marker is the article when it scores at least ``head_block_min``: a comment thread or
    a teaser list after it cannot join it, only be another run worth a share of it.
    """
    n = len(score)
    top, start, end = _best_run(score, 0, n)
    if start < 0:
        return []
    if top < settings.low_prose_score:
        return [(0, n)]  # little prose anywhere: a grid or a listing, judged group by group
    split = n
    if tail_from is not None and tail_from < n and end > tail_from:
        head, hs, he = _best_run(score, 0, tail_from)
        if hs >= 0 and head >= settings.head_block_min:
            top, start, end, split = head, hs, he, tail_from
    blocks = [(start, end)]
    floor = max(settings.extra_block_min, settings.extra_block_share * top)
    todo = [(0, start), (end, split), (split, n)]
    while todo:
        lo, hi = todo.pop()
        if hi <= lo:
            continue
        total, bs, be = _best_run(score, lo, hi)
        if bs >= 0 and total >= floor:
            blocks.append((bs, be))
            todo += [(lo, bs), (be, hi)]
    return blocks


def clean_dump(lines: Sequence[str], hits: Sequence[RuleHit | None],
               settings: StructureSettings,
               judge: Callable[[str], RuleHit | None] | None = None) -> list[str | None]:
    """The reason each line of a dump goes, or ``None`` for lines that stay (and blanks).

    ``lines`` are stripped lines; ``hits`` holds each line's chrome-rule evidence, and
    ``judge`` gives the rules' verdict on the text of a group of glued lines (a rule
    judges a paragraph split at its links as it would judge it whole).
    """
    s = settings
    stop = stopwords()
    firsts, ends, glued = _group_bounds(lines, hits, s, stop)
    n_groups = len(firsts)
    if not n_groups:
        return [None] * len(lines)
    text = list(map(lines.__getitem__, firsts))
    for g in glued:
        text[g] = " ".join(lines[firsts[g]:ends[g]])
    words, kind, score = classify_groups(text, s, stop)
    reason: list[str | None] = [None] * n_groups
    hard = [False] * n_groups
    ghit: list[RuleHit | None] = list(map(hits.__getitem__, firsts))
    for g in glued:
        ghit[g] = judge(text[g]) if judge is not None and words[g] <= s.rule_max_words else None
    for g, hit in _ruled(ghit):
        kind[g] = _SHORT
        score[g] = -s.chrome_penalty
        reason[g] = hit.rule
        hard[g] = hit.hard

    _mark_duplicates(text, words, kind, score, reason, hard, s)
    _mark_teasers(text, words, kind, score, reason, hard, s)
    code = _code_runs(lines, hits, firsts, ends, kind, score, reason, hard, s)

    # End of the article: comment threads and teasers after it count for less. A group a
    # rule matched is short, so the good prose before one is that of all groups before it.
    good = bytes(kind).replace(bytes([_NEAR]), bytes([_SHORT]))  # true for good prose
    seen, tail_from, upto = 0, n_groups, 0
    for g, hit in _ruled(ghit):
        if hit.ends_article and words[g] <= s.end_marker_max_words:
            seen += sum(compress(words[upto:g], good[upto:g]))
            upto = g
            if seen >= s.end_marker_min_prose:
                tail_from = g
                break
    # A run of records (comments, teasers) after a long article ends it like a marker.
    tail_reason = AFTER_END
    records = _record_run_start(ghit, reason, kind, words, s, good.find(_GOOD))
    if (records is not None and records < tail_from
            and sum(compress(words[:records], good[:records])) >= s.record_min_prose):
        tail_from, tail_reason = records, RECORDS
    for g in range(tail_from, n_groups):
        if score[g] > 0:
            score[g] *= s.tail_discount

    keep = [False] * n_groups
    blocks = find_blocks(score, s, tail_from)
    in_block = [False] * n_groups
    for bs, be in blocks:
        in_block[bs:be] = repeat(True, be - bs)
    for bs, be in blocks:
        keep[bs:be] = map(not_, hard[bs:be])  # a block holds its lines, except what a rule removes
        _drop_inner_menus(bs, be, kind, reason, keep, text, code, s, stop)
        # headings just before the block
        g, taken = bs - 1, 0
        while g >= 0 and taken < s.lead_max_groups and not in_block[g]:
            if (reason[g] is not None or kind[g] == _GOOD or words[g] > s.heading_max_words
                    or text[g][-1] == "."):
                break
            keep[g] = True
            taken, g = taken + 1, g - 1
        # list items and near prose just after it
        g, taken = be, 0
        while g < n_groups and taken < s.trail_max_groups and not in_block[g]:
            if reason[g] is not None or not (kind[g] == _NEAR or _BULLET.match(text[g])):
                break
            keep[g] = True
            taken, g = taken + 1, g + 1

    if sum(compress(words, keep)) < s.min_output_words and not any(compress(good, keep)):
        for g in range(n_groups):
            if keep[g]:
                keep[g], reason[g] = False, TOO_LITTLE

    _name_structural_reasons(keep, reason, kind, tail_from, tail_reason, s)
    out: list[str | None] = [None] * len(lines)
    for g in compress(count(), map(not_, keep)):
        first, end = firsts[g], ends[g]
        if end - first == 1:
            out[first] = reason[g]
        else:
            out[first:end] = repeat(reason[g], end - first)
    return out


def _ruled(ghit: list[RuleHit | None]) -> Iterator[tuple[int, RuleHit]]:
    """(group, hit) of the groups a rule matched: a few of a dump's hundreds."""
    return zip(compress(count(), ghit), filter(None, ghit), strict=True)


def _mark_duplicates(text: list[str], words: list[int], kind: list[int], score: list[float],
                     reason: list[str | None], hard: list[bool],
                     s: StructureSettings) -> None:
    """A paragraph seen higher up the page is a copy: it scores and goes like chrome."""
    seen: set[str] = set()
    for g in compress(count(), kind):  # the groups that are not short
        if words[g] < s.duplicate_min_words or reason[g] is not None:
            continue
        t = text[g]
        if t in seen:
            kind[g], score[g], reason[g], hard[g] = _SHORT, -s.chrome_penalty, DUPLICATE, True
        else:
            seen.add(t)


def _mark_teasers(text: list[str], words: list[int], kind: list[int], score: list[float],
                  reason: list[str | None], hard: list[bool], s: StructureSettings) -> None:
    """Runs of (headline, one-paragraph summary) pairs are teasers for other pages."""
    lo, hi = s.teaser_headline_words
    n = len(text)
    most = s.teaser_max_words
    # pair[g]: a headline at g followed by a summary (a group that is not short). Marking
    # a run changes only groups before the scan's position, so every pair can be judged
    # up front.
    pair = [False] * (n - 1)
    for g in compress(count(-1), kind):
        if (g >= 0 and reason[g] is None and lo <= words[g] <= hi
                and text[g][-1] not in _CLOSED and reason[g + 1] is None
                and words[g + 1] <= most):
            pair[g] = True

    def after_gap(g: int) -> bool:
        # teaser lists follow a header or a run of labels, not a paragraph of the article
        return all(kind[x] == _SHORT and (reason[x] is not None or words[x] < lo)
                   for x in range(max(0, g - s.teaser_gap), g))

    need = 2 * s.teaser_min_pairs
    g = 0
    while True:
        try:
            g = pair.index(True, g)
        except ValueError:
            return
        h = g
        while h < n - 1 and pair[h]:
            h += 2
        if h - g >= need and after_gap(g):
            for x in range(g, h):
                kind[x], score[x], reason[x], hard[x] = (_SHORT, -s.short_penalty, TEASERS,
                                                         False)
            g = h
        else:
            g += 1


def _record_run_start(ghit: list[RuleHit | None], reason: list[str | None], kind: list[int],
                      words: list[int], s: StructureSettings,
                      first_good: int = 0) -> int | None:
    """The first group of a run of records: the same rule (a dateline, a byline, a share
    bar, a "Reply" button) matching record_min_hits+ times in a row, with one to
    record_max_prose paragraphs and at most record_max_groups groups between two hits.

    Comment threads and teaser lists (headline, author, date, summary) have that shape;
    an article's paragraphs do not. A run whose record already matched
    record_prior_hits times in the prose before it (from ``first_good``, the first group
    of good prose, each hit after a paragraph of its own) does not count: those records
    are the page, as the posts of a forum thread are. ``None`` when the page has no
    such run. A group a rule matched is short (:func:`clean_dump` scores it so): records
    are never paragraphs.
    """
    if s.record_min_hits <= 0:
        return None
    rules = _as_set(s.record_rules)
    records = [(g, hit.rule) for g, hit in _ruled(ghit)
               if hit.rule in rules and reason[g] == hit.rule]
    if len(records) < s.record_min_hits:
        return None
    prose = [0, *accumulate(map(bool, kind))]  # prose[g]: paragraphs before group g
    last: dict[str, tuple[int, int, int]] = {}  # rule -> (first hit of chain, hits, last hit)
    best: int | None = None
    many = s.record_prior_hits or len(records) + 1  # 0: no run is the page's records
    page_records: set[int] = set()  # first hits of chains that are the page's records
    for g, r in records:
        chain = last.get(r)
        if (chain is not None and g - chain[2] <= s.record_max_groups
                and 1 <= prose[g] - prose[chain[2]] <= s.record_max_prose):
            chain = (chain[0], chain[1] + 1, g)
        else:
            chain = (g, 1, g)
        last[r] = chain
        if (chain[1] >= s.record_min_hits and (best is None or chain[0] < best)
                and chain[0] not in page_records):
            if _records_before(records, r, first_good, chain[0], prose) < many:
                best = chain[0]
            else:
                page_records.add(chain[0])  # judged once, however long the chain grows
    return best


def _records_before(records: list[tuple[int, str]], rule: str, lo: int, hi: int,
                    prose: list[int]) -> int:
    """How many times ``rule`` matched in groups lo..hi-1, each after a paragraph of its
    own (hits with no paragraph between them, as in a list, count once)."""
    n, at = 0, -1
    for x, r in records:
        if x >= hi:
            break
        if r == rule and x >= lo and (at < 0 or prose[x] > prose[at]):
            n, at = n + 1, x
    return n


@functools.lru_cache(maxsize=8)
def _as_set(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(names)


def _drop_inner_menus(bs: int, be: int, kind: list[int], reason: list[str | None],
                      keep: list[bool], text: list[str], code: list[bool],
                      s: StructureSettings, stop: frozenset[str]) -> None:
    """Inside a block, drop runs of inner_run_min+ menu-like short groups (code is not)."""
    # A menu run is made of short groups, so it lies in a run of as many short groups.
    for short in _short_runs(s.inner_run_min).finditer(bytes(kind), bs, be):
        g, end = short.span()
        while g < end:
            h = g
            while h < end and not code[h] and (reason[h] is not None
                                               or _menu_like(text[h], stop)):
                h += 1
            if h - g >= s.inner_run_min and not _table_like(text, reason, g, h, s):
                for x in range(g, h):
                    if keep[x]:
                        keep[x] = False
                        reason[x] = reason[x] or MENU_RUN
            g = h + 1 if h == g else h


# A line of code syntax alone: brackets, semicolons, "=" and the punctuation around them
# ("(", "});", "=>", "[]"), as a dump holds a highlighted code sample token by token.
_SYNTAX = re.compile(r"[^\w]{0,7}[()\[\]{};=][^\w]*")
_SYNTAX_MAX_CHARS = 8


def _syntax_lines(lines: Sequence[str], hits: Sequence[RuleHit | None]) -> list[int]:
    """The indices of the lines of code syntax alone, at most _SYNTAX_MAX_CHARS long.

    They are looked for among the lines a rule matched: the line rules take every line
    without a word for chrome (``numbers-only``), and scanning only those is much
    cheaper than scanning every line of the page.
    """
    syntax, most = _SYNTAX.fullmatch, _SYNTAX_MAX_CHARS
    return [i for i in compress(count(), hits) if len(lines[i]) <= most and syntax(lines[i])]


_LETTER = re.compile(r"[^\W\d_]")
_SYNTAX_CHARS = frozenset("([{;=")
_PAIRS = str.maketrans(")]}", "([{")  # a closing bracket is the same kind as its opening


def _code_runs(lines: Sequence[str], hits: Sequence[RuleHit | None], firsts: list[int],
               ends: list[int], kind: list[int], score: list[float],
               reason: list[str | None], hard: list[bool],
               s: StructureSettings) -> list[bool]:
    """Flag the short groups of code samples, which score 0 and are no menu.

    A dump splits highlighted code into one line per token: in a run of code_run_min+
    short groups, code_syntax_share or more of the lines are code syntax alone, of
    code_syntax_kinds kinds. Menus and breadcrumbs hold labels and separators ("|",
    "»"), not brackets, "=" and semicolons, so such a run is part of the page's text (a
    tutorial, a reference page) that the prose around it can span. Its groups score 0,
    and those without a letter (numbers, operators) stay even when a rule matched them;
    other chrome in it keeps its penalty and its reason.
    """
    n = len(kind)
    code = [False] * n
    if s.code_syntax_share >= 1.0:
        return code
    syntax = _syntax_lines(lines, hits)
    if not syntax:
        return code  # most pages: no line of code syntax at all
    for run in _short_runs(s.code_run_min).finditer(bytes(kind)):
        g, h = run.span()
        lo, hi = bisect_left(syntax, firsts[g]), bisect_left(syntax, ends[h - 1])
        if hi == lo:
            continue  # a menu, the common case
        body = sum(ends[x] - firsts[x] for x in range(g, h))  # its non-blank lines
        tokens = "".join(lines[i] for i in syntax[lo:hi])
        if (hi - lo < s.code_syntax_share * body
                or len(set(tokens.translate(_PAIRS)) & _SYNTAX_CHARS) < s.code_syntax_kinds):
            continue
        for x in range(g, h):
            if reason[x] is None:
                code[x], score[x] = True, 0.0
            elif _LETTER.search(" ".join(lines[firsts[x]:ends[x]])) is None:
                # numbers and operators ("=", "[3, 4, 5]") are code, whatever rule matched
                code[x], score[x], reason[x], hard[x] = True, 0.0, None, False
    return code


@functools.lru_cache(maxsize=8)
def _short_runs(n: int) -> re.Pattern[bytes]:
    """n or more short groups in a row, in the bytes of a list of kinds."""
    return re.compile(rb"%c{%d,}" % (_SHORT, n))


_DIGIT = re.compile(r"\d")


@functools.lru_cache(maxsize=8)
def _id_digits(n: int) -> re.Pattern[str] | None:
    """A run of n or more digits (None when n is 0: no identifiers)."""
    return re.compile(rf"\d{{{n},}}") if n > 0 else None


def _table_like(text: list[str], reason: list[str | None], g: int, h: int,
                s: StructureSettings) -> bool:
    """True when at least table_digit_share of the groups g..h-1 that no rule claimed
    hold a digit: the cells of a table (sizes, prices, specifications), not a menu. A
    long run of digits (table_id_digits) is an identifier, as in a legal footer."""
    if s.table_digit_share >= 1.0:
        return False
    ident = _id_digits(s.table_id_digits)
    cells = digits = 0
    for x in range(g, h):
        if reason[x] is None:
            cells += 1
            digits += (_DIGIT.search(text[x]) is not None
                       and (ident is None or ident.search(text[x]) is None))
    return cells > 0 and digits >= s.table_digit_share * cells


def _name_structural_reasons(keep: list[bool], reason: list[str | None], kind: list[int],
                             tail_from: int, tail_reason: str,
                             s: StructureSettings) -> None:
    """Give every dropped group without a rule a structural reason, in one pass."""
    n = len(keep)
    g = 0
    while g < n:
        if keep[g] or reason[g] is not None:
            g += 1
            continue
        if kind[g] != _SHORT:
            reason[g] = tail_reason if g >= tail_from else PROSE_OUTSIDE
            g += 1
            continue
        h = g
        while h < n and not keep[h] and reason[h] is None and kind[h] == _SHORT:
            h += 1
        name = MENU_RUN if h - g >= s.menu_run_min else SHORT_OUTSIDE
        for x in range(g, h):
            reason[x] = name
        g = h
