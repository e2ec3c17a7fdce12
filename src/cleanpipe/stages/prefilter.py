"""Cheap necessary conditions for regex rules, derived from the patterns themselves.

Each call of the ``regex`` module costs 1-2 µs however quickly it fails, and the chrome
rules' alternation costs ~12 µs per line; most lines cannot match most patterns. For
each pattern this module derives, from its parse tree, literal strings one of which a
match must start with (for patterns tried at the line start) and strings (or a digit)
one of which a match must contain. A line that fails them is not given to that
pattern. The conditions are necessary, never sufficient: the pattern itself still
decides, with its timeout, so a rule matches exactly what it matched before.

The analysis uses the standard library's parser (``re._parser``), whose syntax the
``regex`` module's version 0 shares; a pattern using anything outside the shared part
(or anything this module does not understand) gets no conditions and is always tried.
Literals are compared on ``str.lower()`` of both sides, which only loses precision
(case-sensitive patterns are treated as if they ignored case); lines holding one of the
few characters whose lower case breaks that (``İ``, ``ı``, ``ſ``) skip the conditions.
"""

from __future__ import annotations

import functools
import importlib
import re
import string
import warnings
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, compress, count, repeat
from typing import Any

import regex

try:  # re._parser since Python 3.11, sre_parse before
    _c: Any = importlib.import_module("re._constants")
    _p: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - Python 3.10
    _c = importlib.import_module("sre_constants")
    _p = importlib.import_module("sre_parse")

try:
    from regex import _regex as _regex_impl

    _CASE_FLAGS = regex.IGNORECASE | regex.UNICODE | regex.V0

    def _caseless(ch: str) -> bool:
        """True when, ignoring case, ``regex`` matches ``ch`` to nothing but itself."""
        return (ch.lower() == ch
                and set(_regex_impl.get_all_cases(_CASE_FLAGS, ord(ch))) <= {ord(ch)})
except (ImportError, AttributeError):  # pragma: no cover - another regex build
    def _caseless(ch: str) -> bool:
        return False

#: Characters whose ``lower()`` disagrees with ``regex``'s case-insensitive matching of
#: ASCII letters (dotted and dotless i, long s): a line holding one skips the conditions.
UNSAFE_CHARS = ("\u0130", "\u0131", "\u017f")

_MAX_CLASS_CHARS = 16  # a [..] class of at most this many literal characters is expanded
_MAX_ATOMS = 256       # larger sets of alternatives are cut down to their first characters
_ASCII_DIGIT = re.compile(r"[0-9]")

# Syntax the regex module reads differently from re (or re cannot read): no conditions.
# Searched after each escape pair is replaced by "__" (see _shared_syntax).
_NOT_SHARED = re.compile(
    r"\[:\^?\w*:\]"            # POSIX classes [[:alpha:]]
    r"|\(\?[^:P=!<>aiLmsux#-]"  # regex-only groups and flags: (?|..), (?f), (?V1), (?(..)
    r"|\(\?<[^=!]"            # (?<name>..)
)
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_NOT_SHARED_ESCAPES = frozenset("pPXGKmMLhHRNuUx")  # \p{..}, \X, \G, \K, \m, \L<..>...
_BRACE = re.compile(r"\{")
_REPEAT = re.compile(r"\{\d*(?:,\d*)?\}")


class _Class:
    """One character from a set the parser gave (``\\d``, ``[^\\w]``, ``©``...)."""

    __slots__ = ("pattern", "digit")

    def __init__(self, source: str, digit: bool = False) -> None:
        self.pattern = regex.compile(source, regex.IGNORECASE | regex.V0)
        self.digit = digit

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Class) and other.pattern.pattern == self.pattern.pattern

    def __hash__(self) -> int:
        return hash(self.pattern.pattern)


# An atom: a string (lower case; complete=True when the item's match is exactly it) or
# one character of a class. A language is a set of atoms, or None when unconstrained.
Atom = tuple[Any, bool]
Lang = frozenset[Atom] | None

_EMPTY: Lang = frozenset({("", True)})
_CATEGORY = {
    _c.CATEGORY_DIGIT: r"\d", _c.CATEGORY_NOT_DIGIT: r"\D", _c.CATEGORY_SPACE: r"\s",
    _c.CATEGORY_NOT_SPACE: r"\S", _c.CATEGORY_WORD: r"\w", _c.CATEGORY_NOT_WORD: r"\W",
}


def _plain(ch: str) -> str | None:
    """``ch`` as compared on lower-cased lines, or None if that would not be safe."""
    low = ch.lower()
    if ch.isascii():
        return low
    return ch if _caseless(ch) else None


def _class_source(items: Sequence[tuple[Any, Any]]) -> str | None:
    parts: list[str] = []
    for op, av in items:
        if op is _c.NEGATE:
            parts.insert(0, "^")
        elif op is _c.LITERAL:
            parts.append(regex.escape(chr(av)))
        elif op is _c.RANGE:
            parts.append(f"{regex.escape(chr(av[0]))}-{regex.escape(chr(av[1]))}")
        elif op is _c.CATEGORY and av in _CATEGORY:
            parts.append(_CATEGORY[av])
        else:
            return None
    return "[" + "".join(parts) + "]"


def _in(items: Sequence[tuple[Any, Any]]) -> Lang:
    chars: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            chars.add(chr(av))
        elif op is _c.RANGE and av[1] - av[0] < _MAX_CLASS_CHARS:
            chars.update(chr(i) for i in range(av[0], av[1] + 1))
        else:
            chars = set()
            break
    else:
        plain = {_plain(ch) for ch in chars}
        if chars and len(chars) <= _MAX_CLASS_CHARS and None not in plain:
            return frozenset((p, True) for p in plain)
    source = _class_source(items)
    if source is None:
        return None
    digit = list(items) == [(_c.CATEGORY, _c.CATEGORY_DIGIT)]
    return frozenset({(_Class(source, digit), False)})


def _cut(atoms: set[Atom]) -> Lang:
    """``atoms`` as a language: None if it allows anything; cut down if too large."""
    if ("", False) in atoms:
        return None
    if len(atoms) > _MAX_ATOMS:
        atoms = {(a[:1], False) if isinstance(a, str) and len(a) > 1 else (a, c)
                 for a, c in atoms}
        if len(atoms) > _MAX_ATOMS:
            return None
    return frozenset(atoms)


def _concat(head: Lang, tail: Lang) -> Lang:
    """The language of a match of ``head`` followed by one of ``tail``."""
    if head is None:
        return None
    out: set[Atom] = set()
    for h, complete in head:
        if not complete:
            out.add((h, False))
            continue
        if tail is None:
            out.add((h, False))
            continue
        for t, t_complete in tail:
            if isinstance(t, str):
                out.add((h + t, t_complete))
            elif h:
                out.add((h, False))
            else:
                out.add((t, False))
    return _cut(out)


def _item(op: Any, av: Any, rev: bool = False) -> Lang:
    """What one parsed item's match starts with (``rev``: ends with, strings reversed)."""
    if op is _c.LITERAL:
        plain = _plain(chr(av))
        if plain is not None:
            return frozenset({(plain, True)})
        return frozenset({(_Class(regex.escape(chr(av))), False)})
    if op is _c.IN:
        return _in(av)
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return _EMPTY  # zero width: transparent
    if op is _c.SUBPATTERN:
        return _seq(av[-1], rev=rev)
    if op is _c.ATOMIC_GROUP:
        return _seq(av, rev=rev)
    if op is _c.BRANCH:
        out: set[Atom] = set()
        for branch in av[1]:
            lang = _seq(branch, rev=rev)
            if lang is None:
                return None
            out |= lang
        return _cut(out)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        low, high, sub = av
        lang = _seq(sub, rev=rev)
        if lang is None:
            return None
        if low == 1 and high == 1:
            return lang
        once = {(a, False) for a, _ in lang}  # one or more repeats: starts like one
        if low == 0:
            if high == 1:
                return _cut(set(lang) | {("", True)})
            return _cut(once | {("", True)})
        return _cut(once)
    return None  # ANY, NOT_LITERAL, back references...


def _seq(items: Sequence[tuple[Any, Any]], rev: bool = False) -> Lang:
    """What a match of ``items`` starts with (``rev``: ends with, strings reversed)."""
    lang: Lang = _EMPTY
    for op, av in (items if rev else reversed(list(items))):
        lang = _concat(_item(op, av, rev), lang)
    return lang


def _score(atoms: frozenset[Any]) -> tuple[int, int]:
    """Longer strings are rarer, up to a point; then fewer of them are cheaper to test."""
    shortest = min(1 if not isinstance(a, str) else len(a) for a in atoms)
    return (min(shortest, 6), -len(atoms))


def _contains_set(lang: Lang) -> frozenset[Any] | None:
    """A language's atoms as strings a line must contain (``_DIGIT`` for a digit)."""
    if lang is None:
        return None
    out: set[Any] = set()
    for atom, _ in lang:
        if isinstance(atom, str):
            if not atom:
                return None
            out.add(atom)
        elif atom.digit:
            out.add(_DIGIT)
        else:
            return None
    return frozenset(out)


_DIGIT = object()


def _required(items: Sequence[tuple[Any, Any]]) -> frozenset[Any] | None:
    """Strings one of which every match of ``items`` contains, the most selective found."""
    items = list(items)
    best: frozenset[Any] | None = None
    tail: Lang = _EMPTY
    found: list[frozenset[Any] | None] = []
    for op, av in reversed(items):
        tail = _concat(_item(op, av), tail)
        found.append(_contains_set(tail))
        found.append(_required_item(op, av))
    for atoms in found:
        if atoms and (best is None or _score(atoms) > _score(best)):
            best = atoms
    return best


def _needs_digit(items: Sequence[tuple[Any, Any]]) -> bool:
    """True when every match of ``items`` holds a ``\\d`` digit."""
    for op, av in items:
        if op is _c.IN and list(av) == [(_c.CATEGORY, _c.CATEGORY_DIGIT)]:
            return True
        if op is _c.SUBPATTERN and _needs_digit(av[-1]):
            return True
        if op is _c.ATOMIC_GROUP and _needs_digit(av):
            return True
        if op is _c.BRANCH and all(_needs_digit(b) for b in av[1]):
            return True
        if (op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and av[0] >= 1
                and _needs_digit(av[2])):
            return True
    return False


def _required_item(op: Any, av: Any) -> frozenset[Any] | None:
    if op is _c.SUBPATTERN:
        return _required(av[-1])
    if op is _c.ATOMIC_GROUP:
        return _required(av)
    if op is _c.BRANCH:
        out: set[Any] = set()
        for branch in av[1]:
            atoms = _required(branch)
            if not atoms:
                return None
            out |= atoms
        return frozenset(out)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and av[0] >= 1:
        return _required(av[2])
    return None


@dataclass(frozen=True)
class Conditions:
    """What a line must satisfy for one pattern to have a chance.

    starts: a match at the line start begins with one of these (strings, lower case,
        or one-character classes); None: no condition. Only for anchored patterns.
    contains: the line contains one of these strings (``_DIGIT``: any digit); None: no
        condition.
    digit: the line contains a digit (as well).
    ends: the line ends with one of these (strings, lower case, or one-character
        classes), for patterns that end with ``$``; None: no condition.
    """

    starts: frozenset[Any] | None
    contains: frozenset[Any] | None
    digit: bool = False
    ends: frozenset[Any] | None = None


NO_CONDITIONS = Conditions(None, None)


def _shared_syntax(pattern: str) -> bool:
    if any(ch in _NOT_SHARED_ESCAPES for ch in _ESCAPE.findall(pattern)):
        return False
    plain = _ESCAPE.sub("__", pattern)
    if _NOT_SHARED.search(plain):
        return False
    # a brace that is not a counted repeat is literal in re, fuzzy matching in regex
    return len(_BRACE.findall(plain)) == len(_REPEAT.findall(plain))


def _without_properties(pattern: str) -> str | None:
    """``pattern`` with each ``\\p{..}`` / ``\\P{..}`` outside a class read as any one
    character (which allows more, never less); None if one stands inside a class."""
    out: list[str] = []
    i, n, in_class = 0, len(pattern), False
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            if nxt in "pP":
                if in_class:
                    return None
                end = pattern.find("}", i) + 1 if pattern.startswith("{", i + 2) else i + 3
                if end <= 0:
                    return None
                out.append("(?s:.)")
                i = end
                continue
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
            out.append(ch)
            i += 1
            if pattern.startswith("^", i):
                out.append("^")
                i += 1
            if pattern.startswith("]", i):
                out.append("]")
                i += 1
            continue
        if ch == "]" and in_class:
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def conditions(body: str, anchored: bool) -> Conditions:
    """The conditions of ``body`` (a pattern without its leading ``^`` when anchored).

    Cached: matchers are built per site (rules with ``hosts``) from the same patterns."""
    if "\\p" in body or "\\P" in body:
        stripped = _without_properties(body)
        if stripped is None:
            return NO_CONDITIONS
        body = stripped
    if not _shared_syntax(body):
        return NO_CONDITIONS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = _p.parse(body)
            parsed, flags = list(tree), tree.state.flags
        starts = None
        if anchored:
            lang = _seq(parsed)
            if lang is not None and ("", True) not in lang:  # (may match nothing: any line)
                starts = frozenset(a for a, _ in lang)
        contains = _required(parsed)
        digit = _needs_digit(parsed)
        if digit and contains is not None and _DIGIT in contains:
            contains = None  # "a digit" alone says more
        ends = None
        if (parsed and parsed[-1] == (_c.AT, _c.AT_END)
                and not flags & (_c.SRE_FLAG_MULTILINE | _c.SRE_FLAG_VERBOSE)):
            lang = _seq(parsed[:-1], rev=True)
            if lang is not None and ("", True) not in lang:
                ends = frozenset(a[::-1] if isinstance(a, str) else a for a, _ in lang)
        return Conditions(starts, contains, digit, ends)
    except Exception:  # noqa: BLE001 - anything not understood: no conditions
        return NO_CONDITIONS


#: per pattern that may match: index, prefixes, strings to contain, whether a digit
#: does instead, whether a digit is needed, endings
_Plan = tuple[tuple[int, "tuple[str, ...] | None", "tuple[str, ...] | None", bool, bool,
                    "tuple[str, ...] | None"], ...]


class Prefilter:
    """The patterns of one alternation that a line may match, by their conditions."""

    _PLAN_SIZE = 20_000

    def __init__(self, conds: Sequence[Conditions]) -> None:
        self.conds = list(conds)
        self.everything = tuple(range(len(self.conds)))
        self._plans: dict[str, _Plan] = {}
        self._end_classes: dict[int, list[Any]] = {}  # pattern -> classes it may end with
        self._last: dict[int, dict[str, bool]] = {}  # pattern -> last character -> may end
        self._first: dict[str, frozenset[int]] = {}   # first character -> patterns its
        #                                               class allows to start there
        # per pattern: prefixes by their first two characters (shorter ones: the whole)
        self._heads: list[dict[str, list[str]] | None] = []
        self._rest: list[tuple[Any, ...]] = []  # per pattern: what else the plan holds
        for i, cond in enumerate(self.conds):
            heads: dict[str, list[str]] | None = None
            if cond.starts is not None:
                heads = {}
                for a in cond.starts:
                    if isinstance(a, str):
                        heads.setdefault(a[:2], []).append(a)
            self._heads.append(heads)
            needs: tuple[str, ...] | None = None
            digit = False  # with needs: a digit will do too; without: a digit is needed
            if cond.contains is not None:
                needs = tuple(sorted(a for a in cond.contains if isinstance(a, str)))
                digit = _DIGIT in cond.contains
            ends: tuple[str, ...] | None = None
            if cond.ends is not None:
                ends = tuple(sorted(a for a in cond.ends if isinstance(a, str)))
                if len(ends) < len(cond.ends):
                    self._end_classes[i] = [a for a in cond.ends if not isinstance(a, str)]
                    self._last[i] = {}
            self._rest.append((needs, digit, cond.digit, ends))
        self._screen: _Screen | None = None
        self._classes = [(i, [a for a in cond.starts if not isinstance(a, str)])
                         for i, cond in enumerate(self.conds) if cond.starts is not None]
        self._classes = [(i, found) for i, found in self._classes if found]

    def _by_class(self, first: str) -> frozenset[int]:
        found = self._first.get(first)
        if found is None:
            if len(self._first) >= self._PLAN_SIZE:
                self._first.clear()
            found = self._first[first] = frozenset(
                i for i, classes in self._classes if any(c.pattern.match(first)
                                                         for c in classes))
        return found

    def _plan(self, head: str) -> _Plan:
        """For lines whose first character is ``head[0]`` and whose lower-cased second
        one is ``head[1:]``: each pattern that may match, with the prefixes the
        (lower-cased) line must still start with and the strings it must contain."""
        plan = []
        first, second = head[:1], head[1:]
        low = first.lower()
        by_class = self._by_class(first)
        for i, heads in enumerate(self._heads):
            prefixes: tuple[str, ...] | None = None
            if heads is not None and i not in by_class:
                if low in heads or (second and low + second in heads and any(
                        len(a) <= 2 for a in heads[low + second])):
                    prefixes = None  # the first two characters are enough
                elif second and low + second in heads:
                    prefixes = tuple(sorted(heads[low + second]))
                else:
                    continue  # cannot start this way
            needs, digit, needs_digit, ends = self._rest[i]
            plan.append((i, prefixes, needs, digit, needs_digit,
                         ends if prefixes is None else None))
        if len(self._plans) >= self._PLAN_SIZE:
            self._plans.clear()
        found = self._plans[head] = tuple(plan)
        return found

    def _may_end(self, i: int, last: str) -> bool:
        """True when pattern ``i`` may end with a character class that ``last`` is in."""
        known = self._last.get(i)
        if known is None:
            return False  # no class among its endings
        found = known.get(last)
        if found is None:
            if len(known) >= self._PLAN_SIZE:
                known.clear()
            found = known[last] = any(c.pattern.match(last) for c in self._end_classes[i])
        return found

    def screen(self, lines: Sequence[str], text: str, low: str
               ) -> list[tuple[int, tuple[int, ...]]]:
        """:meth:`candidates` of many lines at once, for the lines that may match a
        pattern: (index in ``lines``, patterns that may match it), in order.

        ``lines`` are stripped and not empty, without ``\\n``; ``text`` is them joined,
        each preceded by ``\\n``, and ``low`` is ``text.lower()``, of the same length.
        The patterns given may be more than :meth:`candidates` gives, never fewer of
        those that match: the lines most pages are made of (prose, headings...) are left
        out without a test of each line against each pattern.
        """
        screen = self._screen
        if screen is None:
            screen = self._screen = _Screen(self)
        if not screen.usable:
            found = [(j, self.candidates(line)) for j, line in enumerate(lines)]
            return [(j, key) for j, key in found if key]
        starting, others, bounds = screen.lines(lines, text, low)
        candidates, meets = self.candidates, self._meets
        out = []
        for j in sorted(starting.union(others)):
            if j in starting:
                key = candidates(lines[j])
            else:  # the conditions besides the start, of the patterns left
                line, line_low = lines[j], low[bounds[j]:bounds[j + 1] - 1]
                key = tuple(sorted(i for i in others[j] if meets(i, line, line_low)))
            if key:
                out.append((j, key))
        return out

    def _meets(self, i: int, line: str, low: str) -> bool:
        """True when ``line`` (``low``: lower-cased) meets the conditions of pattern
        ``i`` but its start: what it must contain and end with."""
        needs, digit, needs_digit, ends = self._rest[i]
        if ends is not None and not low.endswith(ends) and not self._may_end(i, line[-1]):
            return False
        if needs_digit and low.isascii() and _ASCII_DIGIT.search(low) is None:
            return False
        if needs is None:
            return True
        for needle in needs:
            if needle in low:
                return True
        return digit and (not low.isascii() or _ASCII_DIGIT.search(low) is not None)

    def candidates(self, line: str) -> tuple[int, ...]:
        """Indices of the patterns that may match ``line`` (stripped, not empty)."""
        if not line or line[-1] == "\n":  # ($ also matches before a final newline)
            return self.everything
        low = line.lower()
        if not low.isascii() and any(ch in line for ch in UNSAFE_CHARS):
            return self.everything
        head = line[:1] + low[1:2]
        plan = self._plans.get(head)
        if plan is None:
            plan = self._plan(head)
        out = []
        has_digit: bool | None = None
        for i, prefixes, needs, digit, needs_digit, ends in plan:
            if prefixes is not None and not low.startswith(prefixes):
                continue
            if needs_digit:
                if has_digit is None:
                    has_digit = not low.isascii() or _ASCII_DIGIT.search(low) is not None
                if not has_digit:
                    continue
            if ends is not None and not low.endswith(ends) and not self._may_end(i, line[-1]):
                continue
            if needs is not None:
                for needle in needs:
                    if needle in low:
                        break
                else:
                    if not digit:
                        continue
                    if has_digit is None:
                        has_digit = not low.isascii() or _ASCII_DIGIT.search(low) is not None
                    if not has_digit:
                        continue
            out.append(i)
        return tuple(out)


# A class a selective start may hold: one matching at most this many ASCII letters
# (``[aà]``); ``\\w`` or ``\\S`` would let nearly every line in.
_START_CLASS_LETTERS = 2
_DIGIT_LINE = regex.compile(r"\d[^\n]*", regex.V0)


def alternation(words: Sequence[str]) -> str:
    """A regex alternation of exactly ``words`` (no empty word), factored by prefixes:
    shared beginnings are tested once (``(?:a(?:bout|ccept)|...)``), where ``re`` would
    try each word in turn."""
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(tree)


class _Screen:
    """Necessary conditions of a prefilter's patterns, tested for all the lines of a
    text at once with a few passes of C code over the joined text.

    A pattern whose start the conditions pin down (``starts``, strings or a class of
    few letters) is *anchored by its start*: one regex finds the lines that begin with
    one of these starts, for all such patterns together. Each other pattern has one
    condition tested over the whole text: strings it must end with, else strings it must
    contain, else a digit. The lines left out match no pattern.
    """

    def __init__(self, prefilter: Prefilter) -> None:
        starts: set[str] = set()
        self.start_classes: list[tuple[int, list[Any]]] = []  # pattern, its classes
        # pattern -> ("ends" | "contains" | "contains+digit", strings) or ("digit", ())
        self.others: dict[int, tuple[str, tuple[str, ...]]] = {}
        self.usable = True
        for i, cond in enumerate(prefilter.conds):
            classes = [a for a in cond.starts or () if not isinstance(a, str)]
            if cond.starts is not None and sum(
                    1 for c in classes for ch in string.ascii_lowercase
                    if c.pattern.match(ch)) <= _START_CLASS_LETTERS:
                starts.update(a for a in cond.starts if isinstance(a, str))
                if classes:
                    self.start_classes.append((i, classes))
            elif cond.ends is not None and all(isinstance(a, str) for a in cond.ends):
                self.others[i] = ("ends", tuple(sorted(cond.ends)))
            elif cond.contains is not None and _DIGIT not in cond.contains:
                self.others[i] = ("contains", tuple(sorted(cond.contains)))
            elif cond.digit:
                self.others[i] = ("digit", ())
            elif cond.contains is not None:  # strings, or a digit
                self.others[i] = ("contains+digit", tuple(
                    sorted(a for a in cond.contains if a is not _DIGIT)))
            else:
                self.usable = False  # a pattern any line may match
        self.start = re.compile("\n" + alternation(sorted(starts)) if starts else "(?!)")
        self._by_class = prefilter._by_class
        self._class_patterns = frozenset(i for i, _ in self.start_classes)

    def _class_start(self, first: str) -> frozenset[int]:
        """The patterns a start class of which allows ``first``."""
        return self._by_class(first) & self._class_patterns

    def lines(self, lines: Sequence[str], text: str, low: str
              ) -> tuple[set[int], dict[int, set[int]], list[int]]:
        """The lines that begin like a pattern starts (or hold a character that makes
        the conditions unsafe); line -> the patterns it may match, for the others; and
        where each line begins in ``text``."""
        sizes = [len(line) + 1 for line in lines]
        bounds = list(accumulate(sizes, initial=1))
        starting: set[int] = set()
        if not text.isascii():
            for ch in UNSAFE_CHARS:
                starting.update(_occurrences(text, ch, bounds))
        starting.update(bisect_right(bounds, m.start() + 1) - 1
                        for m in self.start.finditer(low))
        others: dict[int, set[int]] = {}
        if self.start_classes:
            firsts = list(map(text.__getitem__, bounds[:-1]))
            allowed = {ch: allows for ch in set(firsts) if (allows := self._class_start(ch))}
            if allowed:
                for j, ch in enumerate(firsts):
                    if ch in allowed:
                        others[j] = set(allowed[ch])
        digits: list[int] | None = None
        stops: list[int] | None = None  # where each line ends
        for i, (how, strings) in self.others.items():
            found: Iterable[int]
            if how == "ends":
                if stops is None:
                    stops = list(accumulate(sizes))
                found = compress(count(), map(low.endswith, repeat(strings), bounds, stops))
            else:
                holding: set[int] = set()
                for needle in strings:
                    holding.update(_occurrences(low, needle, bounds))
                if how != "contains":
                    if digits is None:
                        digits = [bisect_right(bounds, m.start()) - 1
                                  for m in _DIGIT_LINE.finditer(text)]
                    holding.update(digits)
                found = holding
            for j in found:
                if j in others:
                    others[j].add(i)
                else:
                    others[j] = {i}
        return starting, others, bounds


def _occurrences(text: str, needle: str, bounds: list[int]) -> list[int]:
    """The lines (``bounds``: where each begins in ``text``) that contain ``needle``."""
    out = []
    at = text.find(needle)
    while at >= 0:
        j = bisect_right(bounds, at) - 1
        out.append(j)
        at = text.find(needle, bounds[j + 1])
    return out
