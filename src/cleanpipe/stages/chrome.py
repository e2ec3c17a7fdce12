"""Remove site chrome (comment forms, share bars, menus...) line by line, saying why.

HTML has been reduced to its main text by the extract stage, so the rules alone judge
its lines. A text dump still holds the whole page: there the rules' verdicts become
evidence for :mod:`cleanpipe.stages.textdump`, which also finds the article's block.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import compress, count
from typing import NamedTuple

import regex

from cleanpipe.document import Document, removal_steps
from cleanpipe.stages.base import Stage
from cleanpipe.stages.prefilter import Conditions, Prefilter, conditions
from cleanpipe.stages.textdump import RuleHit, StructureSettings, clean_dump

_WS = re.compile(r"\s+")
# Bullets, pipes, arrows and stray punctuation that frame a chrome line but carry nothing.
_FRAME = " \t\u00a0•·|»«›‹>→←<-–—:*#()[]"


# Bounds on user regexes. ``regex`` expands counted repeats when it compiles, so
# ``a{4294967294}`` or nested ``((a{100}){100}){100}`` would eat memory at load time.
MAX_PATTERN_CHARS = 10_000
MAX_REPEAT_PRODUCT = 100_000
_REPEAT = regex.compile(r"\{(\d+)(?:,(\d*))?\}")


def repeat_product(pattern: str) -> int:
    """The largest product of counted repeats (``{n}``, ``{n,m}``) nested in ``pattern``."""
    stack = [1]  # for each open group: the largest product found inside it so far
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            value = 1
        elif ch == "[":  # a character class: skip it whole
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            i = j + 1
            value = 1
        elif ch == "(":
            stack.append(1)
            i += 1
            continue
        elif ch == ")":
            value = stack.pop() if len(stack) > 1 else 1
            i += 1
        else:
            i += 1
            value = 1
        m = _REPEAT.match(pattern, i)
        if m:
            value *= max(int(m.group(1)), int(m.group(2) or 0))
            i = m.end()
        stack[-1] = max(stack[-1], value)
    return max(stack)


def phrase_key(line: str) -> str:
    """The form in which lines and phrases are compared: case and framing ignored."""
    if line.isprintable() and "  " not in line:  # no white space but single spaces
        return line.strip(_FRAME).casefold()
    return _WS.sub(" ", line).strip(_FRAME).casefold()


def _may_shrink(line: str) -> bool:
    """False when the phrase key of ``line`` is at least as long as the line: no framing
    to strip, no white space to fold (case folding never shortens a text)."""
    return line[0] in _FRAME or line[-1] in _FRAME or "  " in line or not line.isprintable()


def line_hash(line: str) -> int | None:
    """A stable 32-bit hash of a line's phrase key, as site profiles count lines;
    ``None`` for lines never learned (a single character, or no letter at all)."""
    key = phrase_key(line)
    if len(key) < 2 or not any(ch.isalpha() for ch in key):
        return None
    return zlib.crc32(key.encode("utf-8"))


@dataclass(frozen=True)
class ChromeRule:
    """One chrome rule.

    id: unique name, used to override or disable the rule and shown in ``removed``.
    kind: ``phrase`` (the whole line equals one of the patterns, ignoring case, white
        space and framing bullets or pipes), ``contains`` (the line contains one of the
        patterns, ignoring case: cheaper than a regex for plain words) or ``regex`` (the
        pattern is searched in the line; anchor it with ``^...$`` to match whole lines).
    pattern: one pattern or a list of them.
    where: ``anywhere``; ``leading`` / ``trailing``: only in the run of chrome lines at
        the start / end of the text; ``edges``: either.
    case_sensitive: for ``regex`` rules; phrases always ignore case.
    hosts: apply only to pages from these hosts (or their subdomains), known from the
        page's url; empty means every page. Site profiles written by ``cleanpipe learn``
        use it.
    inputs: apply only to these kinds of input, ``html`` (the text trafilatura
        extracted) or ``text`` (a dump of the whole page); empty means both. Rules for
        lines that only a whole-page dump holds (datelines, bylines, counters) say
        ``[text]``.
    ends_article: in a text dump, a line this rule matches (a "Comments" or "Related
        posts" header) marks the end of the article, even when another rule is the one
        that removes it; see ``structure`` in the settings.
    description: why this is chrome, for people reading the rules.
    """

    id: str
    kind: str
    pattern: tuple[str, ...] = field(metadata={"max_items": 10_000})
    where: str = "anywhere"
    case_sensitive: bool = False
    hosts: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()
    ends_article: bool = False
    description: str = ""

    def applies_to(self, host: str | None, kind: str | None = None) -> bool:
        if self.inputs and kind not in self.inputs:
            return False
        if not self.hosts:
            return True
        if not host:
            return False
        return any(host == h or host.endswith("." + h) for h in self.hosts)

    def check(self) -> list[str]:
        problems = []
        if self.kind not in ("phrase", "contains", "regex"):
            problems.append(
                f"key 'kind': '{self.kind}' is not one of 'phrase', 'contains', 'regex'")
        if self.where not in ("anywhere", "leading", "trailing", "edges"):
            problems.append(
                f"key 'where': '{self.where}' is not one of anywhere, leading, trailing, edges")
        if not self.pattern:
            problems.append("key 'pattern': needs at least one pattern")
        for p in self.pattern:
            if len(p) > MAX_PATTERN_CHARS:
                problems.append(f"key 'pattern': a pattern of {len(p)} characters, over "
                                f"{MAX_PATTERN_CHARS}")
        for kind in self.inputs:
            if kind not in ("html", "text"):
                problems.append(f"key 'inputs': '{kind}' is not one of html, text")
        if self.kind == "regex":
            for p in self.pattern:
                if len(p) > MAX_PATTERN_CHARS:
                    continue
                product = repeat_product(p)
                if product > MAX_REPEAT_PRODUCT:
                    problems.append(f"key 'pattern': counted repeats in {p[:60]!r} nest to "
                                    f"{product}, over {MAX_REPEAT_PRODUCT}")
                    continue
                try:
                    regex.compile(p)
                except regex.error as exc:
                    problems.append(f"key 'pattern': invalid regex {p!r}: {exc}")
        return problems


@dataclass(frozen=True)
class ChromeSettings:
    """max_edge_lines: how many non-blank lines a leading or trailing chrome run may span.
    regex_timeout: seconds one regex may spend on one line before it counts as no match.
    max_line_chars: lines longer than this are prose, never chrome (and skip the regexes).
    structure: how a text dump's article is found besides the rules (see
        :class:`~cleanpipe.stages.textdump.StructureSettings`).
    """

    max_edge_lines: int = field(default=40, metadata={"min": 0, "max": 100_000})
    regex_timeout: float = field(default=0.05, metadata={"min": 0.001, "max": 10})
    max_line_chars: int = field(default=400, metadata={"min": 1, "max": 100_000})
    structure: StructureSettings = StructureSettings()


# The rule a line learned on the fly (``cleanpipe run --learn``) is removed by.
LEARNED_RULE = ChromeRule(
    id="site-profile", kind="phrase", pattern=("(learned)",),
    description="A line repeated across many pages of this site in the batch.")


class Removal(NamedTuple):
    """A removed line: its index in the text the stage received, its text, and why."""

    line: int
    text: str
    rule: str


class ChromeMatcher:
    """All rules compiled once: a dict for phrases, a list of substrings for ``contains``,
    two alternations for the regexes.

    Patterns anchored at the line start (``^...``) go into one alternation tried only at
    position 0 (``match``); the others into one that is searched. Each call carries the
    timeout, so a catastrophic user pattern costs at most ``regex_timeout`` per line.
    A line is only given the patterns whose necessary conditions it meets (see
    :mod:`cleanpipe.stages.prefilter`): the same alternation with the patterns it cannot
    match left out, so the first pattern that matches is the same one.
    """

    def __init__(self, rules: tuple[ChromeRule, ...], settings: ChromeSettings) -> None:
        self.settings = settings
        self.phrases: dict[str, ChromeRule] = {}
        anchored: list[str] = []
        floating: list[str] = []
        anchored_conds: list[Conditions] = []
        floating_conds: list[Conditions] = []
        self.groups: dict[str, ChromeRule] = {}
        self.contains: list[tuple[str, ChromeRule]] = []
        for rule in rules:
            if rule.kind == "phrase":
                for p in rule.pattern:
                    self.phrases.setdefault(phrase_key(p), rule)
                continue
            if rule.kind == "contains":
                self.contains += [(p.casefold(), rule) for p in rule.pattern]
                continue
            for p in rule.pattern:
                group = f"r{len(self.groups)}"
                self.groups[group] = rule
                is_anchored = p.startswith("^")
                body = p[1:] if is_anchored else p
                (anchored_conds if is_anchored else floating_conds).append(
                    conditions(p[1:] if is_anchored else p, is_anchored))
                if not rule.case_sensitive:
                    body = f"(?i:{body})"
                (anchored if is_anchored else floating).append(f"(?P<{group}>{body})")
        self._alternations = _Alternations(anchored, anchored_conds, floating, floating_conds)
        self.longest_phrase = max((len(k) for k in self.phrases), default=0)
        self._phrase_chars = 2 * self.longest_phrase + 8  # longer lines are no phrase
        # Short lines (menus, buttons, labels) recur across pages; remember their verdict,
        # in two generations (see _recall)
        self._memo: dict[str, ChromeRule | None] = {}
        self._old_memo: dict[str, ChromeRule | None] = {}
        self._hits: dict[tuple[ChromeRule, bool, bool], RuleHit] = {}
        ending = tuple(r for r in rules if r.ends_article)
        self._ending = ChromeMatcher(ending, settings) if ending and len(ending) < len(
            rules) else None
        self._all_end = bool(ending) and len(ending) == len(rules)

    _MEMO_LINE_CHARS = 80
    _MEMO_SIZE = 50_000  # verdicts kept, both generations together

    def match(self, line: str) -> ChromeRule | None:
        line = line.strip()
        if len(line) > self.settings.max_line_chars:
            return None
        if len(line) <= self._MEMO_LINE_CHARS:
            verdict = self._memo.get(line, _UNSEEN)
            return self._recall(line) if verdict is _UNSEEN else verdict  # type: ignore[return-value]
        return self._match(line)

    def _recall(self, line: str) -> ChromeRule | None:
        """The verdict on a short line that the memo's current generation lacks: from the
        previous generation, else matched; kept in the current one.

        A full generation becomes the previous one and the one before it goes: the lines
        met again in the last two generations stay (a site's menus and buttons), where
        emptying the whole memo had them all matched anew. With no more verdicts kept than
        before, the 1,678 bench dumps match 2.3% fewer lines (404,142 instead of 413,474).
        """
        verdict = self._old_memo.get(line, _UNSEEN)
        if verdict is _UNSEEN:
            verdict = self._match(line)
        self._remember(line, verdict)  # type: ignore[arg-type]
        return verdict  # type: ignore[return-value]

    def _remember(self, line: str, verdict: ChromeRule | None) -> None:
        """Keep ``verdict`` in the memo's current generation, beginning a new one when
        it is full (see :meth:`_recall`)."""
        if len(self._memo) >= self._MEMO_SIZE // 2:
            self._old_memo, self._memo = self._memo, {}
        self._memo[line] = verdict

    def match_lines(self, lines: list[str]) -> list[ChromeRule | None]:
        """:meth:`match` of each of ``lines``, which are stripped (blank: ``None``).

        A dump has hundreds of lines, most of them seen before: those come from the memo
        in one loop, and the others are matched together (see :meth:`_match_many`)."""
        memo, memo_chars = self._memo, self._MEMO_LINE_CHARS
        max_chars = self.settings.max_line_chars
        out: list[ChromeRule | None] = []
        append = out.append
        missed: list[int] = []
        for line in lines:
            if not line or len(line) > max_chars:
                append(None)
            elif len(line) <= memo_chars and (verdict := memo.get(line, _UNSEEN)) is not _UNSEEN:
                append(verdict)  # type: ignore[arg-type]
            else:
                missed.append(len(out))
                append(None)
        if not missed:
            return out
        # the verdicts to work out: each short line once, unless the memo's previous
        # generation holds it; each long line each time, as match() would
        old = self._old_memo
        unknown = list(dict.fromkeys(
            line for line in map(lines.__getitem__, missed)
            if len(line) <= memo_chars and line not in old))
        long_ones = [k for k in missed if len(lines[k]) > memo_chars]
        verdicts = self._match_many(unknown + [lines[k] for k in long_ones])
        for k, verdict in zip(long_ones, verdicts[len(unknown):], strict=True):
            out[k] = verdict
        found = dict(zip(unknown, verdicts, strict=False))
        for k in missed:
            line = lines[k]
            if len(line) > memo_chars:
                continue
            verdict = self._memo.get(line, _UNSEEN)
            if verdict is _UNSEEN:  # as _recall does, in the order _recall would
                verdict = found[line] if line in found else old.get(line)
                self._remember(line, verdict)  # type: ignore[arg-type]
            out[k] = verdict  # type: ignore[call-overload]
        return out

    #: Fewer lines than this are matched one by one: the passes over the text of
    #: :meth:`_match_many` cost more than they save.
    _MANY_LINES = 16

    def _match_many(self, lines: list[str]) -> list[ChromeRule | None]:
        """:meth:`_match` of each of ``lines`` (stripped, not blank), the same verdicts
        worked out for all at once: one pass per ``contains`` needle over the joined
        text, and the regexes only for the lines the prefilter's conditions let in
        (see :meth:`Prefilter.screen`): most lines of a page are none of the rules."""
        text = "\n" + "\n".join(lines)
        if len(lines) < self._MANY_LINES or text.count("\n") != len(lines):
            return list(map(self._match, lines))
        low = text.lower()
        if len(low) != len(text):  # (a capital dotted I lowers to two characters)
            return list(map(self._match, lines))
        out: list[ChromeRule | None]
        if self.phrases:
            get, longest, phrase_chars = self.phrases.get, self.longest_phrase, self._phrase_chars
            out = [get(phrase_key(line)) if len(line) <= longest or (
                len(line) <= phrase_chars and _may_shrink(line)) else None for line in lines]
        else:
            out = [None] * len(lines)
        if self.contains:
            folded = low if text.isascii() else text.casefold()
            holding: set[int] = set()  # the lines that hold a needle
            for needle, _ in self.contains:
                if not needle:
                    holding.update(range(len(lines)))
                    continue
                at = folded.find(needle)
                while at >= 0:  # (the line's index: the line breaks before it)
                    j = folded.count("\n", 0, at) - 1
                    holding.add(j)
                    end = folded.find("\n", at)
                    at = folded.find(needle, end) if end >= 0 else -1
            for j in sorted(holding):
                if out[j] is None:
                    line = lines[j].casefold()
                    for needle, rule in self.contains:
                        if needle in line:
                            out[j] = rule
                            break
        alternations = self._alternations
        for j, key in alternations.prefilter.screen(lines, text, low):
            if out[j] is None:
                out[j] = self._first_match(lines[j], alternations.for_key(key))
        return out

    def hit(self, rule: ChromeRule, hard: bool, line: str) -> RuleHit:
        """The evidence a dump's structure gets for ``line``, matched by ``rule``
        (``hard``: the rule removes it by itself). Equal hits are one shared object."""
        ends = rule.ends_article or self.ends_article(line)
        key = (rule, hard, ends)
        found = self._hits.get(key)
        if found is None:
            if len(self._hits) >= 4096:
                self._hits.clear()
            found = self._hits[key] = RuleHit(rule.id, hard, ends, rule.kind == "phrase")
        return found

    def ends_article(self, line: str) -> bool:
        """True when any ``ends_article`` rule matches ``line`` (not only the first rule)."""
        if self._all_end:
            return self.match(line) is not None
        return self._ending is not None and self._ending.match(line) is not None

    def _match(self, line: str) -> ChromeRule | None:
        if len(line) <= self._phrase_chars:
            rule = self.phrases.get(phrase_key(line))
            if rule is not None:
                return rule
        if self.contains:
            folded = line.casefold()
            for needle, rule in self.contains:
                if needle in folded:
                    return rule
        return self._first_match(line, self._alternations.for_line(line))

    def _first_match(self, line: str, pair: _Pair) -> ChromeRule | None:
        """The rule of the first regex of ``pair`` (anchored, floating) that matches."""
        anchored, floating = pair
        if anchored is None and floating is None:
            return None
        timeout = self.settings.regex_timeout
        try:
            m = anchored.match(line, timeout=timeout) if anchored is not None else None
            if m is None and floating is not None:
                m = floating.search(line, timeout=timeout)
        except TimeoutError:
            return None
        return self.groups[m.lastgroup] if m is not None and m.lastgroup else None


_Pair = tuple["regex.Pattern[str] | None", "regex.Pattern[str] | None"]


class _Alternations:
    """The anchored and the floating regex patterns, each joined by ``|``, and the same
    joins of the subsets a line may match, compiled when a line first needs them (at
    most ``_SUBSETS`` of them; past that, the whole ones)."""

    _SUBSETS = 512

    def __init__(self, anchored: list[str], anchored_conds: list[Conditions],
                 floating: list[str], floating_conds: list[Conditions]) -> None:
        self.parts = anchored + floating
        self.split = len(anchored)
        self.prefilter = Prefilter(anchored_conds + floating_conds)
        self.whole: _Pair = self._compile(self.prefilter.everything)
        self._subsets: dict[tuple[int, ...], _Pair] = {
            (): (None, None), self.prefilter.everything: self.whole}

    def _compile(self, key: tuple[int, ...]) -> _Pair:
        anchored = [self.parts[i] for i in key if i < self.split]
        floating = [self.parts[i] for i in key if i >= self.split]
        return (regex.compile("|".join(anchored), regex.V0) if anchored else None,
                regex.compile("|".join(floating), regex.V0) if floating else None)

    def for_line(self, line: str) -> _Pair:
        """The alternations (anchored, floating) of the patterns ``line`` may match."""
        return self.for_key(self.prefilter.candidates(line))

    def for_key(self, key: tuple[int, ...]) -> _Pair:
        """The alternations (anchored, floating) of the patterns ``key``."""
        try:
            return self._subsets[key]
        except KeyError:
            pass
        if len(self._subsets) >= self._SUBSETS:
            return self.whole
        found = self._subsets[key] = self._compile(key)
        return found


_UNSEEN = object()


def page_host(url: str | None) -> str | None:
    """The lower-cased host of ``url`` without a leading ``www.``, or ``None``."""
    if not url:
        return None
    from urllib.parse import urlsplit

    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


@functools.lru_cache(maxsize=256)
def rules_for_host(rules: tuple[ChromeRule, ...], host: str | None,
                   kind: str | None = None) -> tuple[ChromeRule, ...]:
    """The rules that apply to a page from ``host`` of input ``kind`` (html or text)."""
    return tuple(r for r in rules if r.applies_to(host, kind))


@functools.lru_cache(maxsize=32)
def compile_rules(rules: tuple[ChromeRule, ...], settings: ChromeSettings) -> ChromeMatcher:
    return ChromeMatcher(rules, settings)


def strip_chrome(
    text: str,
    rules: tuple[ChromeRule, ...],
    settings: ChromeSettings | None = None,
    host: str | None = None,
    kind: str | None = None,
) -> tuple[str, list[Removal]]:
    """Drop chrome lines from ``text``; return the kept text and what went, by which rule.

    ``host`` selects the site-specific rules (those with ``hosts``) that apply; ``kind``
    (``html`` or ``text``) those limited by ``inputs``. A text dump (``kind="text"``) is
    also judged by its structure, unless ``settings.structure.enabled`` is off.
    """
    settings = settings or ChromeSettings()
    matcher = compile_rules(rules_for_host(tuple(rules), host, kind), settings)
    return strip_with(matcher, text, kind)


def strip_with(matcher: ChromeMatcher, text: str, kind: str | None = None,
               learned: frozenset[int] = frozenset()) -> tuple[str, list[Removal]]:
    """:func:`strip_chrome` with the rules already compiled for the page.

    ``learned`` holds the :func:`line_hash` of lines learned from the page's site in
    this batch; they go as ``site-profile`` unless a rule claims them first.
    """
    out, removed = _strip(matcher, text, kind, learned)
    return out, list(map(Removal._make, removed))


def _strip(matcher: ChromeMatcher, text: str, kind: str | None,
           learned: frozenset[int]) -> tuple[str, list[tuple[int, str, str]]]:
    """:func:`strip_with`, each removal a plain ``(line, text, rule)`` tuple (a dump
    loses hundreds of lines: the stage turns them into steps at once)."""
    settings = matcher.settings
    lines = text.split("\n")
    stripped = [ln.strip() for ln in lines]
    hits = matcher.match_lines(stripped)
    if learned:
        for i, ln in enumerate(lines):
            if hits[i] is None and ln.strip() and line_hash(ln) in learned:
                hits[i] = LEARNED_RULE
    # (index, rule) of the lines a rule matched: a few of a dump's hundreds of lines
    matched = list(zip(compress(count(), hits), filter(None, hits), strict=True))
    drop = _rule_verdicts(lines, hits, matched, settings)
    if kind == "text" and settings.structure.enabled:
        hit = matcher.hit
        evidence: list[RuleHit | None] = [None] * len(hits)
        for i, rule in matched:
            evidence[i] = hit(rule, i in drop, stripped[i])

        def judge(group: str) -> RuleHit | None:
            rule = matcher.match(group)
            if rule is None and (group[0] in _FRAME or group[-1] in _FRAME):
                group = group.strip(_FRAME)  # "[ 167 comments ]" is "167 comments"
                rule = matcher.match(group) if group else None
            return None if rule is None else hit(rule, rule.where == "anywhere", group)

        reasons = clean_dump(stripped, evidence, settings.structure, judge)
        removed = [(i, lines[i], r) for i, r in enumerate(reasons) if r is not None]
        if not removed:
            return text, []
        kept = list(compress(lines, [r is None for r in reasons]))
    elif drop:
        removed = [(i, lines[i], drop[i]) for i in sorted(drop)]
        kept = [ln for i, ln in enumerate(lines) if i not in drop]
    else:
        return text, []
    out = _BLANK_RUNS.sub("\n\n", "\n".join(kept)).strip("\n")
    return out, removed


_BLANK_RUNS = re.compile(r"\n(?:[ \t]*\n)+")


def _rule_verdicts(lines: list[str], hits: list[ChromeRule | None],
                   matched: list[tuple[int, ChromeRule]],
                   settings: ChromeSettings) -> dict[int, str]:
    """Line index -> rule id for the lines the rules remove by themselves (``matched``:
    the index and rule of each line a rule matched, in order).

    ``anywhere`` rules remove their lines wherever they stand; the others only in the
    unbroken run of matched lines at the start (``leading``) or end (``trailing``).
    """
    drop: dict[int, str] = {}
    for i, rule in matched:
        if rule.where == "anywhere":
            drop[i] = rule.id

    def peel(indices: range, side: str) -> None:
        seen = 0
        for i in indices:
            if not lines[i].strip():
                continue
            rule = hits[i]
            if rule is None or rule.where not in (side, "edges", "anywhere"):
                return
            seen += 1
            if seen > settings.max_edge_lines:
                return
            drop[i] = rule.id

    peel(range(len(lines) - 1, -1, -1), "trailing")
    peel(range(len(lines)), "leading")
    return drop


class Chrome(Stage):
    """Strip chrome from ``doc.text`` (rules, and a dump's structure); log each removal."""

    name = "chrome"
    Settings = ChromeSettings
    Rule = ChromeRule

    def __init__(self, settings: ChromeSettings | None = None,
                 rules: tuple[ChromeRule, ...] = ()) -> None:
        super().__init__(settings, rules)
        # hashing every rule for a cache look-up costs more than cleaning a short page,
        # so matchers are kept here, by the site rules that apply and the input kind
        self._matchers: dict[tuple[tuple[ChromeRule, ...], str | None], ChromeMatcher] = {}
        self._scoped: dict[str | None, tuple[ChromeRule, ...]] = {}
        # site -> line hashes learned in this batch (cleanpipe run --learn); see learn.py
        self.site_profiles: Mapping[str, frozenset[int]] = {}

    def __getstate__(self) -> dict[str, object]:
        # workers compile their own matchers; a warm memo is not worth shipping
        state = dict(self.__dict__)
        state["_matchers"], state["_scoped"] = {}, {}
        return state

    def matcher(self, host: str | None, kind: str | None) -> ChromeMatcher:
        """The rules compiled for pages of ``host`` and input ``kind``, built once.

        Pages whose host no site rule names share one matcher (and its memo): a crawl
        of a thousand hosts compiles the rules once, not a thousand times.
        """
        scoped = self._scoped.get(host)
        if scoped is None:
            scoped = tuple(r for r in self.rules if r.hosts and r.applies_to(host))
            if len(self._scoped) >= 4096:
                self._scoped.clear()
            self._scoped[host] = scoped
        key = (scoped, kind)
        found = self._matchers.get(key)
        if found is None:
            if len(self._matchers) >= 256:
                self._matchers.clear()
            found = self._matchers[key] = ChromeMatcher(
                tuple(r for r in self.rules
                      if (not r.hosts or r in scoped) and (not r.inputs or kind in r.inputs)),
                self.settings)
        return found

    def __call__(self, doc: Document) -> Document:
        url = doc.metadata.get("url")
        host = page_host(url)
        learned: frozenset[int] = frozenset()
        if self.site_profiles:
            from cleanpipe.learn import site_of

            learned = self.site_profiles.get(site_of(doc.source, url), frozenset())
        doc.text, removals = _strip(self.matcher(host, doc.kind), doc.text, doc.kind, learned)
        if removals:  # doc.log's steps, built in one go: a dump loses hundreds of lines
            doc.trail.extend(removal_steps(self.name, removals))
        if removals and not doc.text.strip() and not doc.reason:
            doc.reason = "no article text: every line is chrome"
        return doc
