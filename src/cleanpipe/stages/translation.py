"""Machine-translation (MT) artifacts: measured, scored, explained, and optionally repaired.

A growing share of scraped news and blog text is machine-translated. This stage counts
what MT and its post-processing leave behind: sentence joints (NBSP plus space, a
lowercase start, a stray fragment after a full stop), quote damage (``”said``), the
source language's typography leaking into the target (`` :`` and « » in English,
``[...]``, ``3,5 %``), untranslated words and paragraphs, translation widgets and MT
markers in the HTML. Each signal gets a count, a rate per 1,000 characters and up to
three examples; their weights combine into a score from 0 to 1, and
``likely_machine_translated`` is the score against a threshold. All numbers live in
``rules/translation.yaml``.

Conventions are judged against the detected document language: French typography in
French is not an artifact. The stage must see the text as it arrived, so it runs before
``normalize`` (which erases NBSP joints and double spaces).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Literal, get_args

from cleanpipe.document import Document
from cleanpipe.stages.base import Stage
from cleanpipe.stages.language import (
    LanguageResult,
    LanguageSettings,
    declared_language,
    identify,
    paragraph_spans,
    top_words,
    word_buckets,
)
from cleanpipe.stages.prefilter import alternation

SignalId = Literal[
    # sentence joints
    "joint_space",
    "joint_lowercase",
    "stray_fragment",
    # quotes
    "quote_glued",
    "quote_spaced",
    "quote_mixed",
    "quote_unbalanced",
    # source-language conventions
    "foreign_punct_spacing",
    "foreign_punct_spacing_ascii",
    "foreign_quotes",
    "elision_brackets",
    "foreign_number_format",
    # languages
    "untranslated_paragraph",
    "declared_mismatch",
    # translation widgets and HTML markers
    "widget_residue",
    "mt_statement",
    "html_mt_marker",
    "html_browser_translated",
    "html_mt_plugin",
    # lexical
    "foreign_words",
    "midsentence_caps",
    "glued_tokens",
    "missing_space_after_stop",
    "doubled_words",
    "reporting_inversion",
]
SIGNAL_IDS: tuple[str, ...] = get_args(SignalId)


# --------------------------------------------------------------------------- config


@dataclass(frozen=True)
class SignalRule:
    """How one signal enters the score (one rule per signal in ``rules/translation.yaml``).

    id: the signal.
    weight: its contribution when saturated; contributions combine as a noisy-OR, so a
        weight at or above the threshold flags a page on its own.
    min_count: below this many hits the signal does not fire.
    saturation_rate: hits per 1,000 characters at which the contribution reaches
        ``weight`` (it grows linearly up to there); 0 means full weight once it fires.
    description: what the signal means, shown by ``cleanpipe explain``.
    """

    id: SignalId
    weight: float = field(metadata={"min": 0.0, "max": 1.0})
    min_count: int = field(default=1, metadata={"min": 1})
    saturation_rate: float = field(default=0.0, metadata={"min": 0.0, "max": 1000.0})
    description: str = ""


@dataclass(frozen=True)
class ForeignWordSettings:
    """When a lowercase word counts as a source-language leftover (wordfreq Zipf scale).

    target_max_zipf: at most this frequent in the document language ...
    source_min_zipf: ... and at least this frequent in one of ``source_languages``.
    source_languages: the candidate source languages.
    context_min_zipf: both neighbours must be at least this frequent in the document
        language (the word sits inside a target-language sentence, not a quote).
    paragraph_min_common_share: and its paragraph must have at least this share of the
        document language's 200 commonest words (prose, not a list of names).
    """

    target_max_zipf: float = field(default=1.5, metadata={"min": 0.0, "max": 8.0})
    source_min_zipf: float = field(default=4.0, metadata={"min": 0.0, "max": 8.0})
    source_languages: tuple[str, ...] = ("en", "fr", "de", "es", "it", "pt", "nl")
    context_min_zipf: float = field(default=3.0, metadata={"min": 0.0, "max": 8.0})
    paragraph_min_common_share: float = field(default=0.25, metadata={"min": 0.0, "max": 1.0})


@dataclass(frozen=True)
class TranslationSettings:
    """Thresholds of the translation stage; the signals' weights are its rules.

    threshold: score at or above which a document is ``likely_machine_translated``.
    rate_min_chars: rates per 1,000 characters use at least this many characters as
        the denominator, so one hit in a short text does not read as a flood.
    min_doc_chars: shorter texts are only checked for widgets and HTML markers.
    max_examples: example spans kept per signal.
    paragraph_lang_min_prob: a paragraph is untranslated when its language differs from
        the document's with at least this probability.
    declared_min_prob: declared-vs-detected mismatch counts only when the document's
        language is detected with at least this probability.
    lowercase_writer_min / lowercase_writer_ratio: when at least ``min`` and more than
        this share of sentence starts are lowercase, the writer does not capitalise
        sentences, and lowercase starts and fragments are not evidence.
    max_fragment_words: a lowercase "sentence" of at most this many words after a full
        sentence is a stray fragment ("he said. the senior official.").
    min_prev_sentence_words: lowercase starts and fragments count only after a sentence
        of at least this many words (not in slogans such as "on. it.").
    foreign_words: see :class:`ForeignWordSettings`.
    sample_chars: a longer text is first judged on a sample of about this many
        characters (the paragraphs in three windows at its start, middle and end), so a
        long native page costs a bounded amount; counts are the sample's and rates use
        its length. Widgets, MT notices, HTML markers and untranslated paragraphs are
        looked for in the whole text. 0 judges the whole text at once.
    full_scan_score: a sample scoring at least this is judged again on the whole text,
        whose report is returned; so only a sample well below the threshold is kept,
        and sampling can miss a verdict but never makes one (at most ``threshold``).
    repair_spacing: also fix the safe spacing artifacts (sentence joints, NBSPs opening a
        line, a closing quote glued to the next word), each fix logged in the trail.
    """

    threshold: float = field(default=0.45, metadata={"min": 0.0, "max": 1.0})
    rate_min_chars: int = field(default=1500, metadata={"min": 1})
    min_doc_chars: int = field(default=200, metadata={"min": 0})
    max_examples: int = field(default=3, metadata={"min": 0, "max": 50})
    paragraph_lang_min_prob: float = field(default=0.95, metadata={"min": 0.0, "max": 1.0})
    declared_min_prob: float = field(default=0.95, metadata={"min": 0.0, "max": 1.0})
    lowercase_writer_min: int = field(default=6, metadata={"min": 1})
    lowercase_writer_ratio: float = field(default=0.2, metadata={"min": 0.0, "max": 1.0})
    max_fragment_words: int = field(default=4, metadata={"min": 1, "max": 20})
    min_prev_sentence_words: int = field(default=4, metadata={"min": 0, "max": 50})
    foreign_words: ForeignWordSettings = ForeignWordSettings()
    sample_chars: int = field(default=6000, metadata={"min": 0, "max": 100_000_000})
    full_scan_score: float = field(default=0.2, metadata={"min": 0.0, "max": 1.0})
    repair_spacing: bool = False

    def check(self) -> list[str]:
        if self.full_scan_score > self.threshold:
            return [f"key 'full_scan_score': {self.full_scan_score} is above 'threshold' "
                    f"({self.threshold}): a sample could flag a text its full scan would not"]
        return []


# --------------------------------------------------------------------------- report


@dataclass(frozen=True)
class Signal:
    """A signal that fired: hits, hits per 1,000 characters, examples, share of the score."""

    id: str
    count: int
    rate: float
    examples: tuple[str, ...]
    contribution: float = 0.0
    description: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "count": self.count,
            "rate": self.rate,
            "examples": list(self.examples),
        }


@dataclass(frozen=True)
class TranslationReport:
    """The verdict on one document.

    signals: the signals that fired, strongest first. counts: the raw count of every
    signal, fired or not. paragraph_hits: paragraph index -> ids of signals hit there.
    sampled: the text signals were read on a sample of a long text (see
    ``TranslationSettings.sample_chars``), not the whole of it.
    """

    score: float
    likely_machine_translated: bool
    signals: tuple[Signal, ...]
    language: str | None = None
    declared_language: str | None = None
    counts: Mapping[str, int] = field(default_factory=dict)
    paragraph_hits: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    sampled: bool = False

    @property
    def reasons(self) -> list[str]:
        return [s.id for s in self.signals]

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "likely_machine_translated": self.likely_machine_translated,
            "signals": [s.as_dict() for s in self.signals],
        }


# --------------------------------------------------------------------------- language facts
# Typography and word lists of languages: facts about languages, not tunable thresholds,
# so they live here rather than in the rules.


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# languages whose own typography puts a space before : ; ! ?  (French and Breton-style)
_SPACE_BEFORE_PUNCT_LANGS = _words("fr br ht wo ln")
# languages that natively use guillemets « » or » «
_GUILLEMET_LANGS = _words(
    "fr de it es pt ca gl eu ru uk be bg mk sr hr bs sl cs sk pl hu ro el tr az hy ka lt lv "
    "et no da sv fi is sq ar fa ps ur he vi km lb rm br oc co kk ky uz tt mn mt")
# languages that write decimals with a point and group thousands with commas
_DECIMAL_POINT_LANGS = _words("en ga cy zh ja ko th he ms tl hi sw")
# languages whose typography uses "[…]" for elisions (English rarely does)
_ELISION_NATIVE_LANGS = _words("fr de it es pt ca nl pl cs da sv no ru")
# scripts without spaces between words: quote and space rules do not apply
_NO_SPACE_LANGS = _words("zh ja ko th lo km my")
# languages that capitalise common nouns (mid-sentence capitals are normal)
_NOUN_CAPS_LANGS = _words("de lb")

# a full stop after these does not end a sentence (en, de, fr, es; units; months; titles)
_ABBREVIATIONS = _words("""
mr mrs ms dr prof st jr sr vs etc eg ie cf al approx incl est no nos vol fig figs pp p ca viz
inc ltd co corp lb lbs oz fl sq ft kt yd yds mi mph hp qt gal pt cm mm kg km mg ml sqft cu pcs
pc jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun dept gov gen
col lt sgt capt rev hon ave blvd rd mt min max sec hr hrs mins ed eds op cit ibid resp esp
bzw usw evtl ggf inkl vgl nr jh mio mrd str zb dh ua bspw sog tel abs art ff geb gest
mme mlle env av ex sra dra lic ud uds pág núm
""")

# words that a language doubles on purpose ("had had", "die die", "nous nous")
_DOUBLE_OK = {
    "en": _words("that had is do bye ha no yes very so really far many knock tick chop go boo "
                 "yeah hip wow blah la na now more again half win pom tut bla hey oh"),
    "de": _words("die der das den dem des sie es bla ja nein na ha"),
    "fr": _words("nous vous bla ha si non oui très le la les"),
    "es": _words("bla ja no sí muy"),
    "it": _words("bla ah no sì"),
}
_DOUBLE_OK_ALL = _words("bla ha haha na la ja no")

# common words that are capitalised mid-sentence by the language's own rules
_CAPS_EXCLUDE = {
    "en": _words("i"),
    "id": _words("anda"),
    "ms": _words("anda"),
    "de": _words("sie ihr ihre ihren ihrem ihrer ihres ihnen du dich dir dein deine euch euer "
                 "eure"),
}

# reporting verbs that English journalism rarely inverts ("…, stressed the minister") but
# French ("a souligné le ministre") and other sources do; "said/added/told" are normal.
_INVERSION_VERBS_EN = (
    "underlined|underscored|stressed|estimated|assured|affirmed|indicated|specified|judged|"
    "deplored|lamented|hammered|welcomed|pleaded|advanced|launched|recalled|insisted|declared|"
    "detailed|denounced|regretted|confided|reaffirmed|reiterated|asserted|retorted|observed|"
    "emphasized|emphasised|considered|believed|assessed|noticed|castigated|quipped|slipped|"
    "conceded|acknowledged|justified|summarized|summarised|explained|argued|continued|"
    "concluded|announced|admitted|added|warned"
)
# of those, the ones whose inversion is evidence even after a plain noun phrase
_INVERSION_STRICT_EN = _words(
    "underlined underscored estimated assured affirmed indicated specified judged deplored "
    "lamented hammered welcomed pleaded advanced launched recalled declared detailed denounced "
    "regretted confided reaffirmed asserted observed considered believed assessed noticed "
    "castigated slipped justified")


# --------------------------------------------------------------------------- patterns
# stdlib `re` only (measured 2-5x faster than `regex` here); letters are [^\W\d_], case is
# checked in Python where it matters, so non-ASCII scripts are still handled.

_L = r"[^\W\d_]"
_TERM = "[.!?…]"
_CLOSERS_AFTER_TERM = '["”’»)\\]]'
_ODD_SPACE = "\u00a0\u202f\u2007\u2009\u200a\u3000"
_SP = f"[ {_ODD_SPACE}]"
# a sentence joint made of a whitespace run with an odd space or two+ spaces, inside a line
JOINT_RE = re.compile(
    rf"{_TERM}{_CLOSERS_AFTER_TERM}?(?P<ws>{_SP}*[{_ODD_SPACE}]{_SP}*|  +)(?=[\w“\"«„‘(\[])"
)
# sentence end followed by space and a word (its case is checked in Python); a word opening
# with a Latin capital is passed over at once: most sentences start so, none of them counts,
# and no match holds a full stop after the first, so skipping one hides no other
LOWER_START_RE = re.compile(rf"\.(?P<sp>{_SP}+)(?![A-ZÀ-ÖØ-Þ])(?P<word>{_L}[\w'’-]*)")
LINE_START_RE = re.compile(r"^[^\w\n]{0,3}([^\W\d_])", re.M)
SENTENCE_START_RE = re.compile(rf"[.!?]{_SP}+([^\W\d_])")
# stray fragment: a short "sentence" after a full one, ending a paragraph or followed by a new
# sentence; lowercase start checked in Python
FRAGMENT_RE = re.compile(
    rf"\.{_CLOSERS_AFTER_TERM}?(?P<ws>{_SP}+)"
    rf"(?P<frag>{_L}[\w'’-]*(?:{_SP}+[\w'’-]+){{0,3}}\.)"
    rf"(?={_SP}*$|{_SP}+(?P<next>[“\"«„]|[^\W\d_]))",
    re.M,
)
# where a FRAGMENT_RE match would start its fragment: a letter after a full stop, closer and
# spaces (a Latin capital passed over at once). No match holds a second full stop, so the
# scan finds every such place.
STOP_THEN_LETTER_RE = re.compile(rf"\.{_CLOSERS_AFTER_TERM}?{_SP}+(?![A-ZÀ-ÖØ-Þ])({_L})")
SPACE_BEFORE_PUNCT_RE = re.compile(rf"[ {_ODD_SPACE}][:;!?](?=\s|$)", re.M)
# its matches' punctuation marks: rarer than the spaces, where a scan for the pattern
# stopped (the same places, one character on)
PUNCT_AFTER_SPACE_RE = re.compile(rf"[:;!?](?<=[ {_ODD_SPACE}][:;!?])(?=\s|$)", re.M)
GUILLEMETS_RE = re.compile(
    r"«[^«»\n]{1,400}»|»[^«»\n]{1,400}«"
)  # a quoted span, not a "more »" arrow
ELISION_RE = re.compile(r"[\[(](?:\.\.\.|…)[\])]")
# foreign number formats, found from a literal anchor and checked in Python (fast):
# decimal comma (3,5), space before % (12 %), odd-space-grouped thousands (5 000), 20h30
DECIMAL_COMMA_RE = re.compile(r",\d{1,2}(?![\d,])(?!\.\d)")
HOUR_H_RE = re.compile(r"h[0-5]\d\b")
ODD_THOUSANDS_RE = re.compile(rf"[{_ODD_SPACE}]\d{{3}}(?!\d)")
_DIGITS_BEFORE_RE = re.compile(r"(?<![\d.,])\d{1,3}$")
_LO = "a-zß-öø-ÿ"
_UP = "A-ZÀ-ÖØ-Þ"
GLUED_TOKEN_RE = re.compile(rf"\b(?P<a>[{_LO}]{{2,}})(?P<b>[{_UP}][{_LO}]{{2,}})\b")
GLUED_ANCHOR_RE = re.compile(rf"[{_LO}][{_UP}][{_LO}]")
# the capital of a GLUED_ANCHOR_RE match, found first (see _anchored_spans)
GLUED_CAPITAL_RE = re.compile(rf"[{_UP}](?<=[{_LO}][{_UP}])(?=[{_LO}])")
MISSING_SPACE_RE = re.compile(rf"[.!?](?P<b>[{_UP}][{_LO}]{{2,}})\b")
_TOKEN_STRIP = ".,;:!?\"'()[]{}«»“”‘’„…*/-–—"
DOUBLED_RE = re.compile(r"\b(?P<w>[^\W\d_]{2,})\s+(?P=w)\b", re.I)
WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@functools.lru_cache(maxsize=32)
def _caps_re(lang: str) -> re.Pattern[str]:
    """`` The `` / `` And ``: the language's 60 commonest words, capitalised, between lowercase
    words ("we will The work")."""
    excl = _CAPS_EXCLUDE.get(lang, frozenset())
    words = sorted(
        (w for w in top_words(lang, 60) if w.isalpha() and len(w) > 1 and w not in excl),
        key=len,
        reverse=True,
    )
    if not words:
        return re.compile(r"(?!x)x")
    # factored by common prefixes: re tries a few branches after each space, not sixty.
    # The same matches: a word is followed by a space, so at most one word fits a place.
    # A look at the letter after the space first passes most spaces with one test
    # instead of a test per branch (a quarter faster; the same matches).
    capitalised = [w[0].upper() + w[1:] for w in words]
    firsts = re.escape("".join(sorted({w[0] for w in capitalised})))
    return re.compile(rf" (?=[{firsts}])(?P<w>{alternation(capitalised)}) (?=[{_LO}])")


URL_RE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+")
_URL_MARKS = ("://", "www.", "@")
_SPACE_RE = re.compile(r"\s")


def _blank_urls(text: str) -> str:
    """``text`` with URLs and e-mail addresses (``URL_RE``) blanked, offsets kept.

    ``URL_RE`` never matches across white space and needs ``://``, ``www.`` or ``@``, so
    only the runs of non-space around those marks are searched: over the whole text,
    its e-mail half would retry every word of a page that holds one ``@``.
    """
    runs: set[tuple[int, int]] = set()
    for mark in _URL_MARKS:
        i = text.find(mark)
        while i >= 0:
            start = i
            while start > 0 and not text[start - 1].isspace():
                start -= 1
            m = _SPACE_RE.search(text, i)
            end = m.start() if m else len(text)
            runs.add((start, end))
            i = text.find(mark, end)
    if not runs:
        return text
    parts, pos = [], 0
    for start, end in sorted(runs):
        parts.append(text[pos:start])
        parts.append(URL_RE.sub(lambda m: " " * len(m.group()), text[start:end]))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)
CODEY_RE = re.compile(r"[{}=;<>_]|\w\(")
# CODEY_RE's two branches as patterns that re scans fast: one opens with a character set,
# the other with a literal "(" and looks back at the word character (the alternation
# was tried at every position). A text holds a match of CODEY_RE iff it holds one of them.
_CODEY_CHAR_RE = re.compile(r"[{}=;<>_]")
_CODEY_CALL_RE = re.compile(r"\((?<=\w\()")


def _codey(text: str) -> bool:
    """True when ``text`` holds a match of ``CODEY_RE``."""
    return bool(_CODEY_CHAR_RE.search(text) or _CODEY_CALL_RE.search(text))

WIDGET_LINE_RE = re.compile(
    r"^\s*(?:powered by\s+(?:google\s+)?translat\w*|google\s+translat\w*|select\s+language"
    r"|translate(?:\s+this\s+(?:page|site))?|translate\s*[»›>]|original text"
    r"|rate this translation|contribute a better translation|show original"
    r"|traduire|übersetzen|seite übersetzen|sprache (?:wählen|auswählen)|choisir la langue"
    r"|seleccionar idioma|traducir)\s*[:»›>]?\s*$",
    re.I | re.M,
)
MT_STATEMENT_RE = re.compile(
    r"\b(?:this|the)\s+(?:page|article|post|text|content|site|website|document|story|news|version|description|review|translation)"
    r"\s+(?:was|has been|is|have been|were|are)\s+"
    r"(?:automatically\s+|machine[- ]|auto[- ])translated"
    r"|\b(?:automatically|machine)[- ]translated\s+(?:by|from|with|using)\b"
    r"|\btranslated\s+(?:automatically|by (?:a )?machine)\b"
    r"|\b(?:translated|translation)\s+(?:by|with|powered by|provided by)\s+"
    r"(?:google(?: translate)?|deepl|bing|microsoft translator|yandex)\b"
    r"|\b(?:maschinell|automatisch) übersetzt|\btraduit automatiquement"
    r"|\btraducción automática|\btraducido automáticamente"
    r"|\btradotto automaticamente|\btraduzione automatica",
    re.I,
)
_MT_STATEMENT_MAX_LINE = 250
#: MT_STATEMENT_RE for scans: every branch opens with a word starting t, a or m, and
#: a look at that one letter first lets re pass the other places at once, where it
#: tried each branch there (2x faster; the same matches).
_MT_STATEMENT_SCAN_RE = re.compile(rf"(?=[tam])(?:{MT_STATEMENT_RE.pattern})", re.I)
#: Words (lower case) that every match of WIDGET_LINE_RE holds all of, for one of
#: these tuples, ignoring case, or else a phrase of _WIDGET_PHRASES; the same for
#: MT_STATEMENT_RE.
_WIDGET_NEEDS = (
    ("original text",), ("show original",),
    ("traduire",), ("übersetzen",), ("sprache ", "wählen"), ("choisir la langue",),
    ("seleccionar idioma",), ("traducir",),
)
_MT_STATEMENT_NEEDS = (
    ("translated", "auto"), ("translated", "machine"), (" übersetzt",),
    ("traduit automatiquement",), ("traducción automática",),
    ("traducido automáticamente",), ("tradotto automaticamente",),
    ("traduzione automatica",),
)
#: (word, phrase): the lowercased text of a match of the patterns' other branches holds
#: the phrase where it holds the word, the phrase being looser than the branch (no
#: word boundaries, a widget's "translat\w*" any non-space). Words alone sent the
#: pages that merely mention a translation or a language to a scan of the whole text
#: (1 ms on a long one); a phrase is tried at each place the word is.
_WIDGET_PHRASES = (
    # a line that ends with "translat..." (or "translate this page", "translate »")
    ("translat", re.compile(r"translat\S*(?:\s+this\s+(?:page|site))?[\s:»›>]*$", re.M)),
    ("select", re.compile(r"select\s+language[\s:»›>]*$", re.M)),
)
_MT_STATEMENT_PHRASES = (
    ("translat", re.compile(r"translat(?:ed|ion)\s+(?:by|with|powered by|provided by)\s+"
                            r"(?:google|deepl|bing|microsoft translator|yandex)")),
)


def _holds_any(low: str, needs: tuple[tuple[str, ...], ...],
               known: dict[str, bool] | None = None) -> bool:
    """True when ``low`` holds every word of one of ``needs``.

    ``known`` remembers, for one ``low``, the words already looked for, so that the
    gates of one text search it for a word once, and not at all for a word that holds
    one known to be absent ("translated" where "transl" is not): each search reads
    the whole text.
    """
    if known is None:
        known = {}
    return any(all(_holds(low, w, known) for w in need) for need in needs)


def _holds(low: str, word: str, known: dict[str, bool]) -> bool:
    """``word in low``, remembered in ``known`` (see :func:`_holds_any`)."""
    found = known.get(word)
    if found is None:
        found = (not any(w in word for w, there in known.items() if not there)
                 and word in low)
        known[word] = found
    return found


def _holds_phrase(low: str, phrases: tuple[tuple[str, re.Pattern[str]], ...],
                  known: dict[str, bool]) -> bool:
    """True when a phrase of ``phrases`` matches ``low`` where ``low`` holds its word."""
    for word, phrase in phrases:
        if _holds(low, word, known):
            k = low.find(word)
            while k >= 0:
                if phrase.match(low, k):
                    return True
                k = low.find(word, k + 1)
    return False


#: Characters that re's IGNORECASE matches to an ASCII letter although their lower()
#: is not that letter (dotless and dotted i, long s, Kelvin sign): a text holding one
#: is scanned whatever its literals.
_FOLDS_TO_ASCII = "\u0131\u0130\u017f\u212a"

# MT markers in HTML: cheap literal anchors (searched in the lowercased page), each confirmed
# by a small regex on a window around it, so a 500 kB page costs a few string scans.
_HTML_MT_ANCHORS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (a, re.compile(p, re.I))
    for a, p in (
        ("translated-ltr", r"class\s*=\s*[\"'][^\"']*\btranslated-ltr\b"),
        ("translated-rtl", r"class\s*=\s*[\"'][^\"']*\btranslated-rtl\b"),
        (
            "vertical-align: inherit",
            r"<font\s+style\s*=\s*[\"']vertical-align:\s*inherit;?[\"']\s*>\s*<font\s+style",
        ),
        ("-x-mtfrom-", r"\blang\s*=\s*[\"']?[a-z]{2,3}(?:-[a-z0-9]+)*-x-mtfrom-"),
        ("_x_tr_", r"[?&](?:amp;)?_x_tr_(?:sl|tl)="),
        (".translate.goog", r"\.translate\.goog\b"),
        ("translate.google", r"translate\.google(?:usercontent)?\.[a-z.]+/(?:translate|website)\?"),
        (
            "translat",
            r"<meta\s[^>]*\b(?:name|property|http-equiv)\s*=\s*[\"'](?:x-translated|translated-by|machine-translated|translation-type|translator)[\"']",
        ),
        (
            "translat",
            r"<meta\s[^>]*\bcontent\s*=\s*[\"']"
            r"(?:machine[- ]translat|automatic(?:ally)?[- ]translat)[^\"']*[\"']",
        ),
    )
)
_HTML_MT_PLUGINS = (
    "weglot",
    "gtranslate",
    "translatepress",
    "conveythis",
    "trp-language",
    "data-wg-notranslate",
    "linguise",
)
# a literal (lowercase) that every match of the anchor's pattern contains
_HTML_MT_LITERAL = {"translat": "<meta", "vertical-align: inherit": "<font"}
_HTML_WINDOW = 300
_HTML_MAX_ANCHOR_HITS = 50


_HEAD_MAX = 100_000
_HTML_ANCHOR_WORDS = ("translat", "-x-mtfrom-", "_x_tr_")
_BROWSER_WRAPPER = '<font style="vertical-align: inherit;"><font style="vertical-align: inherit;">'


def _html_markers(html: str, hits: _Hits) -> None:
    """MT markers: searched in the <head> (and <html> tag) from three literal anchors; Chrome's
    translated-page <font> wrappers counted with one case-sensitive scan of the page."""
    end = html.find("</head>", 0, _HEAD_MAX)
    if end < 0:
        end = html.find("</HEAD>", 0, _HEAD_MAX)
    head = html[: end if end >= 0 else _HEAD_MAX]
    low = head.lower()
    same_len = len(low) == len(head)  # offsets in low are those of head
    seen: set[int] = set()
    for anchor in _HTML_ANCHOR_WORDS:
        pos, n = low.find(anchor), 0
        while pos >= 0 and n < _HTML_MAX_ANCHOR_HITS:
            n += 1
            a, b = max(0, pos - _HTML_WINDOW), min(len(head), pos + _HTML_WINDOW)
            for key, rx in _HTML_MT_ANCHORS:
                if key != anchor and not (anchor == "translat" and "translat" in key):
                    continue
                # each pattern holds its key (the two keyed "translat" a "<meta"): where the
                # window lacks it, the pattern cannot match there
                if same_len and low.find(_HTML_MT_LITERAL.get(key, key), a, b) < 0:
                    continue
                m = rx.search(head, a, b)
                if m and m.start() not in seen:
                    seen.add(m.start())
                    hits.add("html_mt_marker", head, m.start(), m.end(), ctx=30)
            pos = low.find(anchor, b - len(anchor))  # the window already covered the hits inside it
    n = html.count(_BROWSER_WRAPPER)
    if n:
        i = html.find(_BROWSER_WRAPPER)
        k = i + len(_BROWSER_WRAPPER)
        hits.add_example(
            "html_browser_translated",
            n,
            f"{n} browser-translation <font> wrappers; e.g. " + html[k : k + 60],
            i,
        )
    # the leftmost plugin name, by one literal search per name (a regex alternation of the
    # names scanned 3x slower; no name starts another, so the match is the same)
    found = [(i, p) for p in _HTML_MT_PLUGINS if (i := low.find(p)) >= 0]
    if found:
        i, p = min(found)
        hits.add("html_mt_plugin", head, i, i + len(p), ctx=30)


# --------------------------------------------------------------------------- helpers


class _Hits:
    """Collects hit offsets and example spans per signal."""

    __slots__ = ("counts", "examples", "offsets", "max_examples")

    def __init__(self, max_examples: int) -> None:
        self.counts: dict[str, int] = {}
        self.examples: dict[str, list[str]] = {}
        self.offsets: dict[str, list[int]] = {}
        self.max_examples = max_examples

    def add(self, sid: str, text: str, start: int, end: int, n: int = 1, ctx: int = 25) -> None:
        self.counts[sid] = self.counts.get(sid, 0) + n
        self.offsets.setdefault(sid, []).append(start)
        ex = self.examples.setdefault(sid, [])
        if len(ex) < self.max_examples:
            a, b = max(0, start - ctx), min(len(text), end + ctx)
            ex.append(text[a:b].replace("\n", " ⏎ "))

    def add_example(self, sid: str, n: int, example: str, offset: int | None = None) -> None:
        self.counts[sid] = self.counts.get(sid, 0) + n
        if offset is not None:
            self.offsets.setdefault(sid, []).append(offset)
        ex = self.examples.setdefault(sid, [])
        if len(ex) < self.max_examples:
            ex.append(example)


_CODE_CHARS_RE = re.compile(r"[{}();=<>\[\]|`$\\]|//|=>|::|&&")
# _CODE_CHARS_RE's matches, as two patterns that re scans fast (each begins with a
# character set; the alternation did not): their characters differ, so no match of
# one overlaps one of the other, and "=>" matched "=" ("=" is in the set)
_CODE_CHAR_RE = re.compile(r"[{}();=<>\[\]|`$\\]")
_CODE_PAIR_RE = re.compile(r"//|::|&&")


_CODE_LINE_RE = re.compile(r"[={}<>;\[\]]|\w\(|\):")


def _is_code(n_code_chars: int, length: int) -> bool:
    """A paragraph that looks like code, markup or a data table (many syntax characters)."""
    return n_code_chars >= 3 and n_code_chars / max(1, length) > 0.02


def _load_table(lang: str, wordlist: str) -> Mapping[str, float]:
    """wordfreq's word -> frequency table for ``lang`` (``get_frequency_dict``), empty if
    wordfreq has none."""
    try:
        from wordfreq import available_languages, cB_to_freq
    except ImportError as e:  # pragma: no cover
        raise ImportError(
            "foreign-word detection needs the 'wordfreq' extra: pip install wordfreq"
        ) from e
    if lang not in available_languages(wordlist):
        return {}
    try:
        # read once with the language stage's top_words; wordfreq's own cache of dicts
        # has no limit: the caches below are bounded
        buckets = word_buckets(lang, wordlist)
    except (LookupError, ValueError):
        return {}
    table: dict[str, float] = {}
    for index, bucket in enumerate(buckets):  # a bucket at a time: 25% faster than words
        table.update(dict.fromkeys(bucket, cB_to_freq(-index)))
    return table


@functools.lru_cache(maxsize=12)
def _large_table(lang: str) -> Mapping[str, float]:
    """The "large" table of a page's language (tens of MB: at most 12 in memory, so the
    common languages of a mixed crawl stay loaded and only rare ones are reloaded)."""
    return _load_table(lang, "large")


_NO_TABLE: Mapping[str, float] = MappingProxyType({})


@functools.lru_cache(maxsize=1)
def _large_languages() -> frozenset[str]:
    """The languages wordfreq has a "large" table of (it looks for them on disk)."""
    from wordfreq import available_languages

    return frozenset(available_languages("large"))


def _target_table(lang: str) -> Mapping[str, float]:
    """:func:`_large_table` of ``lang``, empty without taking one of its 12 places for a
    language wordfreq has no large table of.

    Such a language's empty table in the cache pushed a real one out. The bench's aeb
    and trafilatura-set HTML pages are in 14 languages, 3 of them without a table: a
    second pass over them read 7 tables again (Russian, Arabic, Bengali, Finnish and
    the 3 empty ones), 1.0 s in all, 1.5 ms a page.
    """
    return _large_table(lang) if lang in _large_languages() else _NO_TABLE


@functools.lru_cache(maxsize=32)
def _source_words(lang: str, min_freq: float) -> tuple[str, ...]:
    """The lowercase words of 4+ letters at least ``min_freq`` frequent in ``lang``'s
    "small" table: the words that could be left over from a translation out of it."""
    return tuple(w for w, f in _load_table(lang, "small").items()
                 if f >= min_freq and len(w) >= 4 and w.isalpha() and w.islower())


@functools.lru_cache(maxsize=12)
def _possible_leftovers(lang: str, source_languages: tuple[str, ...], source_min_zipf: float,
                        target_max_zipf: float) -> Mapping[str, None]:
    """The words that would be a source-language leftover in ``lang`` text: lowercase
    words of 4+ letters, at least ``source_min_zipf`` frequent in a source language
    other than ``lang`` and at most ``target_max_zipf`` in ``lang`` (see
    :class:`ForeignWordSettings`). Decided once per language, so a page's words are
    only intersected with them; as the keys of a dict, which the garbage collector does
    not track (a set of them would be walked by every full collection)."""
    target = _target_table(lang)
    tmax = _zipf_to_freq(target_max_zipf)
    min_freq = _zipf_to_freq(source_min_zipf)
    return dict.fromkeys(w for source in source_languages if source != lang
                         for w in _source_words(source, min_freq)
                         if target.get(w, 0.0) <= tmax)


def _zipf_to_freq(z: float) -> float:
    return 10 ** (z - 9)


# --------------------------------------------------------------------------- signal groups


def _joint_signals(text: str, lang: str | None, cfg: TranslationSettings, hits: _Hits) -> None:
    starts = SENTENCE_START_RE.findall(text)  # mid-line sentence starts
    joints = [
        m
        for m in JOINT_RE.finditer(text)
        if m.start() >= 2 and text[m.start() - 1].isalpha() and text[m.start() - 2].isalpha()
    ]
    odd = [m for m in joints if any(ch in _ODD_SPACE for ch in m.group("ws"))]
    ascii2 = [m for m in joints if not any(ch in _ODD_SPACE for ch in m.group("ws"))]
    # two spaces after most sentences is a typist's habit, not an artifact: count odd spaces only
    if len(ascii2) >= 3 and len(ascii2) >= 0.5 * max(1, len(starts)):
        ascii2 = []
    for m in sorted(odd + ascii2, key=lambda m: m.start()):
        hits.add("joint_space", text, m.start("ws"), m.end("ws"))
    if lang in _NO_SPACE_LANGS:
        return
    # lowercase sentence starts, unless the writer does not capitalise sentences anyway
    n_lower = sum(map(str.islower, starts))
    if n_lower >= cfg.lowercase_writer_min and n_lower / len(starts) > cfg.lowercase_writer_ratio:
        return
    # a fragment counts only if it starts lowercase: a text with no lowercase letter after
    # a full stop has none, and is spared the fragment scan, which stops at every stop
    fragments = (FRAGMENT_RE.finditer(text)
                 if any(map(str.islower, STOP_THEN_LETTER_RE.findall(text))) else ())
    for m in fragments:
        frag = m.group("frag")
        words = frag.split()
        first = words[0].rstrip(".!?")
        if (
            not first[0].islower()
            or any(ch.isupper() for ch in first)
            or len(words) > cfg.max_fragment_words
        ):
            continue
        nxt = m.group("next")
        if nxt and nxt.isalpha() and not nxt.isupper():
            continue
        if not _sentence_end_ok(text, m.start("ws"), cfg.min_prev_sentence_words):
            continue
        hits.add("stray_fragment", text, m.start("ws"), m.end(), ctx=40)
    for m in LOWER_START_RE.finditer(text):
        word = m.group("word")  # (the cheap test first: most sentences start uppercase)
        if not word[0].islower() or any(ch.isupper() for ch in word[1:]):  # iPhone, eBay
            continue
        if not _sentence_end_ok(text, m.start("sp"), cfg.min_prev_sentence_words):
            continue
        hits.add("joint_lowercase", text, m.start("sp") - 1, m.end())


_VOWELS = frozenset("aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýÿœąęėįųůěıа")


def _sentence_end_ok(text: str, pos: int, min_prev_words: int = 0) -> bool:
    """True when text[pos-1] ends a real sentence, not an abbreviation, initial, number or
    ellipsis."""
    end = pos
    while end > 0 and text[end - 1] in '"”’»)]':
        end -= 1
    if end == 0 or text[end - 1] not in ".!?":
        return False
    if end >= 2 and text[end - 2] in ".…":  # ellipsis
        return False
    # previous token (a closing quote or a space before the stop is skipped:
    # 'centre". the', 'x . the')
    i = end - 1
    while i > 0 and text[i - 1] in ' \u00a0"”’»)':
        i -= 1
    j = i
    while j > 0 and not text[j - 1].isspace() and text[j - 1] not in '("“«[':
        j -= 1
    tok = text[j:i]
    if not tok:
        return False
    core = tok.replace(".", "").lower()
    if "." in tok:  # e.g. z.B. u.s. p.m.
        return False
    if core in _ABBREVIATIONS:
        return False
    if core.isalpha() and len(core) <= 5 and not any(ch in _VOWELS for ch in core):
        return False  # vowel-less short token: an abbreviation (tzw. vgl. bzw. pkt.)
    if len(core) <= 1:
        return False
    if any(ch.isdigit() for ch in tok):
        return False
    if tok[0].isupper() and len(tok) <= 3:  # Inc. Co. St.
        return False
    # a unit after a number: "2 lbs.", "18 kt."
    k = j - 1
    while k > 0 and text[k - 1] == " ":
        k -= 1
    if k > 0 and text[k - 1].isdigit() and len(core) <= 4:
        return False
    # the sentence that ends here must be a real one (several words), not "on. it."
    if min_prev_words:
        start = (
            max(
                text.rfind(".", 0, i),
                text.rfind("!", 0, i),
                text.rfind("?", 0, i),
                text.rfind("\n", 0, i),
            )
            + 1
        )
        if len(text[start:i].split()) < min_prev_words:
            return False
    return True


# openers -> closers per language family
def _quote_table(lang: str | None) -> tuple[dict[str, str], frozenset[str]]:
    """(opener -> closer map, toggling quotes) for the language."""
    if lang in ("de", "lb", "cs", "sk", "sl", "hr", "bs", "sr", "bg", "lt", "lv", "et", "is", "ka"):
        return {"„": "“", "»": "«", "«": "»", "“": "”", "‚": "‘"}, frozenset()
    if lang in ("pl", "hu", "ro", "nl"):
        return {"„": "”", "«": "»", "»": "«", "“": "”"}, frozenset()
    if lang in ("sv", "fi"):
        return {"»": "»", "“": "”"}, frozenset({"”"})
    return {"“": "”", "«": "»", "„": "“"}, frozenset()


_QUOTE_CHAR_RE = re.compile('["“”„«»]')


def _first_matches(pattern: re.Pattern[str], text: str,
                   spans: Sequence[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """``(a, b, k)`` for each span ``(a, b)`` (ascending, apart) of ``text`` holding a
    match of ``pattern``, ``k`` where its first match starts; from one scan of ``text``,
    not a search per span. ``pattern`` matches one character (lookarounds aside), so a
    match lies inside a span or between spans."""
    found: list[tuple[int, int, int]] = []
    if not spans:
        return found
    starts = [a for a, _ in spans]
    end = spans[-1][1]
    m = pattern.search(text, spans[0][0], end)
    while m is not None:
        k = m.start()
        a, b = spans[bisect.bisect_right(starts, k) - 1]
        if k < b:
            found.append((a, b, k))
            k = b - 1  # on to the next span
        m = pattern.search(text, k + 1, end)
    return found


def _spans_holding(char: re.Pattern[str], text: str,
                   spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans (ascending, apart) of ``text`` holding a match of ``char``, a pattern
    of one character that looks at no other, from one scan of ``text``."""
    return [(a, b) for a, b, _ in _first_matches(char, text, spans)]


def _quote_signals(
    text: str, spans: Sequence[tuple[int, int]], lang: str | None, hits: _Hits
) -> None:
    if lang in _NO_SPACE_LANGS:
        return
    openers, toggles = _quote_table(lang)
    closers = set(openers.values())
    n_curly = text.count("“") + text.count("”") + text.count("„")
    n_straight = text.count('"')
    if n_curly >= 2 and n_straight >= 2:
        i = text.find('"')
        hits.add_example(
            "quote_mixed",
            min(n_curly, n_straight) // 2,
            f"{n_curly} curly and {n_straight} straight double quotes; e.g. "
            + text[max(0, i - 25) : i + 25].replace("\n", " ⏎ "),
            i,
        )
    spaced_ok = lang in _SPACE_BEFORE_PUNCT_LANGS  # French puts (nb)spaces inside « »
    for a, b in _spans_holding(_QUOTE_CHAR_RE, text, spans):
        stack: list[str] = []
        n_straight_para = 0
        para = text[a:b]
        for m in _QUOTE_CHAR_RE.finditer(para):
            k = m.start()
            ch = para[k]
            nxt = para[k + 1] if k + 1 < len(para) else " "
            prv = para[k - 1] if k > 0 else " "
            if ch == '"':
                j = k - 1
                while j >= 0 and para[j].isspace():
                    j -= 1
                if j >= 0 and para[j].isdigit():
                    continue  # inch mark: 57 5/8 "
                ls = para.rfind("\n", 0, k) + 1
                le = para.find("\n", k)
                if _CODE_LINE_RE.search(para, ls, le if le >= 0 else len(para)) or not para[
                    ls : le if le >= 0 else len(para)
                ].strip(' "\u00a0'):
                    n_straight_para += 1
                    continue  # JSON, code, key="value": straight quotes are syntax there
                # straight quotes: decided by context, not parity (one stray quote would flip
                # every later one): letters on both sides = glued; spaces on both sides = spaced
                if nxt.isalpha() and not (prv.isspace() or prv in "([{-–—/'‘“„«" or k == 0):
                    hits.add("quote_glued", text, a + k, a + k + 1)
                elif (
                    (prv in " \u00a0\u202f" or k == 0) and nxt in " \u00a0\u202f" and not spaced_ok
                ):
                    hits.add("quote_spaced", text, a + k, a + k + 1)
                n_straight_para += 1
                continue
            closing = False
            if (
                stack
                and ch == openers.get(stack[-1])
                or ch in toggles
                and stack
                and stack[-1] == ch
            ):
                closing = True
            if closing:
                stack.pop()
                if nxt.isalpha():
                    hits.add("quote_glued", text, a + k, a + k + 1)
                    hits.offsets.setdefault("_glued_close", []).append(a + k)
                elif prv in " \u00a0\u202f" and not spaced_ok and k > 0 and ch != "»":
                    hits.add("quote_spaced", text, a + k, a + k + 1)
                continue
            if ch in openers or ch in toggles:
                stack.append(ch)
                if prv.isalpha() and ch in '"“„' and not (lang == "fr" and ch == "«"):
                    hits.add("quote_glued", text, a + k, a + k + 1)
                elif nxt in " \u00a0\u202f" and not spaced_ok and ch != "«" and k + 1 < len(para):
                    hits.add("quote_spaced", text, a + k, a + k + 1)
            elif ch in closers:
                # a closer with nothing open: a wrong glyph used as opener (word processors),
                # or a stray
                if nxt.isalpha() and prv in " \u00a0(":
                    stack.append("“" if ch == "”" else ch)  # treated as an opener
                else:
                    hits.add("quote_unbalanced", text, a + k, a + k + 1)
        if stack or n_straight_para % 2:
            hits.add("quote_unbalanced", text, a, min(b, a + 40))


_PCT_SPACES = " " + _ODD_SPACE


def _convention_signals(text: str, lang: str | None, hits: _Hits) -> None:
    if lang is None:
        return
    if lang not in _SPACE_BEFORE_PUNCT_LANGS and lang not in _NO_SPACE_LANGS:
        for m in PUNCT_AFTER_SPACE_RE.finditer(text):
            i = m.start() - 1
            if i >= 2 and text[i - 1].isalpha() and text[i - 2].isalpha():
                sid = (
                    "foreign_punct_spacing"
                    if text[i] in _ODD_SPACE
                    else "foreign_punct_spacing_ascii"
                )
                hits.add(sid, text, i, m.end())
    if lang not in _GUILLEMET_LANGS and "«" in text:
        for m in GUILLEMETS_RE.finditer(text):
            hits.add("foreign_quotes", text, m.start(), m.end())
    if lang not in _ELISION_NATIVE_LANGS and ("..." in text or "…" in text):
        for m in ELISION_RE.finditer(text):
            hits.add("elision_brackets", text, m.start(), m.end())
    if lang in _DECIMAL_POINT_LANGS:
        for m in DECIMAL_COMMA_RE.finditer(text):
            i = m.start()
            if i and text[i - 1].isdigit() and _DIGITS_BEFORE_RE.search(text, max(0, i - 5), i):
                hits.add("foreign_number_format", text, i - 1, m.end())
        odd = not text.isascii() and any(ch in text for ch in _ODD_SPACE)
        for m in ODD_THOUSANDS_RE.finditer(text) if odd else ():
            i = m.start()
            if i and text[i - 1].isdigit() and _DIGITS_BEFORE_RE.search(text, max(0, i - 5), i):
                hits.add("foreign_number_format", text, i - 1, m.end())
        i = text.find("%")
        while i >= 0:
            if i >= 2 and text[i - 1] in _PCT_SPACES and text[i - 2].isdigit():
                hits.add("foreign_number_format", text, i - 2, i + 1)
            i = text.find("%", i + 1)
        for m in HOUR_H_RE.finditer(text):
            i = m.start()
            if (
                i
                and text[i - 1].isdigit()
                and (i < 2 or not text[i - 2].isalpha())
                and (
                    i < 3
                    or not text[i - 3].isalnum()
                    or text[i - 2].isdigit()
                    and (i < 3 or not text[i - 3].isalnum())
                )
            ):
                hits.add("foreign_number_format", text, max(0, i - 2), m.end())


def _lexical_signals(
    text: str,
    spans: Sequence[tuple[int, int]],
    lang: str | None,
    cfg: TranslationSettings,
    hits: _Hits,
) -> None:
    if lang is None or lang in _NO_SPACE_LANGS:
        return
    clean = _blank_urls(text)
    # missing space after a full stop ("end.The")
    for m in MISSING_SPACE_RE.finditer(clean):
        i = m.start()
        if i < 3 or not (
            clean[i - 1].islower() and clean[i - 2].islower() and clean[i - 3].islower()
        ):
            continue
        if m.group("b").lower() in (
            "com",
            "net",
            "org",
            "js",
            "io",
            "html",
            "php",
            "de",
            "fr",
            "uk",
        ):
            continue
        ts = clean.rfind(" ", 0, i) + 1
        te = clean.find(" ", i)
        tok = (
            clean[ts : te if te >= 0 else len(clean)].split("\n")[0]
            if "\n" not in clean[ts:i]
            else clean[i - 3 : i + 20].split()[0]
        )
        if tok.count(".") >= 2 or any(c in tok for c in "/_@=:\\"):
            continue  # dotted identifiers and paths: Alyio.Extensions.Http, a.b.C
        hits.add("missing_space_after_stop", text, m.start(), m.end())
    # doubled words ("the the"): adjacent equal tokens, checked on the lowercased token list
    ok = _DOUBLE_OK.get(lang, frozenset()) | _DOUBLE_OK_ALL
    low = clean.lower()
    lows = low.split()
    doubled = _Doubled(clean, low)
    for k in itertools.compress(range(len(lows) - 1),
                                map(operator.eq, lows, itertools.islice(lows, 1, None))):
        w = lows[k]
        if len(w) < 2 or not w.isalpha() or w in ok:
            continue
        dm = doubled.first(w)
        if dm is None or not dm.group(0)[0].islower():
            continue  # "Ning Ning", "CoreDNS CoreDNS": names and table cells, not MT
        hits.add("doubled_words", text, dm.start(), dm.end())
    target = _target_table(lang)
    have_target = bool(target)
    # glued tokens where a link was dropped (wordWord), outside code-like paragraphs
    for a, b in _anchored_spans(clean, spans):
        para = clean[a:b]
        if _codey(para):
            continue
        for m in GLUED_TOKEN_RE.finditer(para):
            p1, p2 = m.group("a"), m.group("b").lower()
            if not have_target:
                continue
            whole = m.group().lower()
            if (
                target.get(whole, 0) > 0
                or target.get(p1, 0) < _zipf_to_freq(3.0)
                or target.get(p2, 0) < _zipf_to_freq(3.0)
            ):
                continue
            hits.add("glued_tokens", text, a + m.start(), a + m.end())
    # common words capitalised mid-sentence ("we will The work")
    if lang not in _NOUN_CAPS_LANGS:
        for m in _caps_re(lang).finditer(clean):
            i = m.start()
            if not i:
                continue
            j = clean.rfind(" ", 0, i) + 1
            prev = clean[j:i]
            if prev.isalpha() and prev.islower():
                hits.add("midsentence_caps", text, m.start("w"), m.end("w"))
    # reporting-verb inversions (English target)
    if lang == "en":
        for m in _INVERSION_RE.finditer(text):
            verb = m.group("v").lower()
            if m.group("pro") or verb in _INVERSION_STRICT_EN:
                hits.add("reporting_inversion", text, m.start(), m.end())
        for m in _DOUBLE_SUBJECT_RE.finditer(text):
            hits.add("reporting_inversion", text, m.start("v"), m.end("v"))
    # source-language words left untranslated in target-language text
    if have_target:
        fw = cfg.foreign_words
        leftovers = _possible_leftovers(lang, fw.source_languages, fw.source_min_zipf,
                                        fw.target_max_zipf)
        # the leftovers among the page's stripped words, from the lowercased words split
        # above: a leftover is lowercase, so a word that strips to one is found there too
        # (with a few capitalised words besides, which _foreign_in_context never counts:
        # it looks its words up as they are written)
        foreign = leftovers.keys() & map(str.strip, set(lows), itertools.repeat(_TOKEN_STRIP))
        if foreign:
            _foreign_in_context(text, clean, spans, lang, foreign, target, cfg, hits)


_DOUBLE_SEPARATORS = " \t" + _ODD_SPACE
# a word, white space of a line, the same word in any case: the doubling at one place
_DOUBLED_AT_RE = re.compile(rf"\b([^\W\d_]+)[{_DOUBLE_SEPARATORS}]+\1\b", re.I)


class _Doubled:
    """Where a text first doubles a word: the first match of
    ``\bWORD[ \t odd spaces]+WORD\b`` (ignoring case) in ``text``, ``low`` being
    ``text.lower()``.

    Compiling that pattern for each word cost 0.2 ms, and its search scanned the whole
    text. For an ASCII word in a text without the characters that ``re`` matches to an
    ASCII letter although their ``lower()`` is not one (``_FOLDS_TO_ASCII``; without
    them ``low`` has ``text``'s offsets too), the match starts where ``low`` holds the
    word and a separator, and one fixed pattern (``_DOUBLED_AT_RE``), tried at those
    places in order, finds it. Any other word is searched as before.
    """

    __slots__ = ("text", "low", "_separators")

    def __init__(self, text: str, low: str) -> None:
        self.text, self.low = text, low
        self._separators: str | None = None

    def first(self, word: str) -> re.Match[str] | None:
        text, low = self.text, self.low
        if self._separators is None:
            plain = text.isascii() or not any(ch in text for ch in _FOLDS_TO_ASCII)
            self._separators = (
                "".join(c for c in _DOUBLE_SEPARATORS if c in text) if plain else "")
        if not word.isascii() or not self._separators:
            return re.search(rf"\b{re.escape(word)}[ \t{_ODD_SPACE}]+{re.escape(word)}\b",
                             text, re.I)
        n, best = len(word), None
        for sep in self._separators:
            k = low.find(word + sep)
            while k >= 0 and (best is None or k < best.start()):
                j = k + n + 1
                while j < len(text) and text[j] in _DOUBLE_SEPARATORS:
                    j += 1
                if low.startswith(word, j):  # (a quick test before the pattern's)
                    m = _DOUBLED_AT_RE.match(text, k)
                    if m is not None and m.end(1) == k + n:
                        best = m
                        break
                k = low.find(word + sep, k + 1)
        return best


def _anchored_spans(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans (ascending, apart) in which a search of ``text[a:b]`` for
    ``GLUED_ANCHOR_RE`` finds something, from one scan of ``text`` rather than a search
    per span.

    The scan looks for the capital in the middle of an anchor (``GLUED_CAPITAL_RE``):
    capitals are rare, where a scan for the whole anchor stopped at every lowercase
    letter (2.5x slower). A capital whose two neighbours are inside a span is an anchor
    of that span; one at a span's edge sends that span to a search of its own.
    """
    return [(a, b) for a, b, k in _first_matches(GLUED_CAPITAL_RE, text, spans)
            if a < k < b - 1 or GLUED_ANCHOR_RE.search(text[a:b])]


def _foreign_in_context(
    text: str,
    clean: str,
    spans: Sequence[tuple[int, int]],
    lang: str,
    foreign: set[str],
    target: Mapping[str, float],
    cfg: TranslationSettings,
    hits: _Hits,
) -> None:
    """Count leftover words only inside clearly target-language prose, between two target words
    (so a quoted foreign phrase or a foreign paragraph is not counted word by word).

    ``foreign`` holds at least the leftovers that are words of ``clean`` (stripped of
    punctuation); more words do no harm, since a word counts only where a token of a
    paragraph, as written, is one of them."""
    top = top_words(lang, 200)
    fctx = _zipf_to_freq(cfg.foreign_words.context_min_zipf)
    seen: set[str] = set()
    for a, b in spans:
        para = clean[a:b]
        if not any(w in para for w in foreign):
            continue
        toks = [t.strip(_TOKEN_STRIP) for t in para.split()]
        lows = [t.lower() for t in toks]
        if (
            len(toks) < 8
            or sum(t in top for t in lows) / len(toks)
            < cfg.foreign_words.paragraph_min_common_share
        ):
            continue
        for k in range(1, len(toks) - 1):
            w = toks[k]
            if (
                w in foreign
                and w not in seen
                and target.get(lows[k - 1], 0.0) >= fctx
                and target.get(lows[k + 1], 0.0) >= fctx
            ):
                seen.add(w)
                i = para.find(w)
                hits.add("foreign_words", text, a + i, a + i + len(w), ctx=20)


# the verbs factored by common prefixes (as _caps_re): re tries a few branches after
# each comma, not fifty. The same matches: a verb is followed by white space, so at
# most one verb fits a place.
_INVERSION_RE = re.compile(
    rf"[,”\"]\s+(?P<v>{alternation(_INVERSION_VERBS_EN.split('|'))})\s+(?:(?P<pro>he|she|they)\s+(?:the|a|an)\s|(?:the|a|an|his|her|their|its|this|our|one)\s+[a-z])"
)
# "he said the official.": the hit is group v, from the verb on; the pattern opens with the
# literal "he " (then checks "he"/"she" is a word) so the search jumps from one to the next
_DOUBLE_SUBJECT_RE = re.compile(
    r"he (?:(?<=\bhe )|(?<=\bshe ))(?P<v>"
    r"(?:said|added|told|warned|explained|indicated|stressed|declared)[.,]?[ \u00a0]+"
    r"(?:the|a|an|this|our)(?:\s+[a-z][\w-]*){1,3}\.)(?=\s|$)"
)


_TEXT_ANCHORS = (
    "transl",
    "tradu",
    "übersetz",
    "language",
    "sprache",
    "langue",
    "idioma",
    "original text",
    "show original",
)


def _widget_signals(
    text: str,
    html: str | None,
    doc_lang: str | None,
    declared: str | None,
    doc_prob: float,
    cfg: TranslationSettings,
    hits: _Hits,
) -> None:
    low = text.lower()
    known: dict[str, bool] = {}  # the words looked for in low, and whether it holds them
    if not any(_holds(low, a, known) for a in _TEXT_ANCHORS):
        m_iter: list = []
    else:
        # each scan costs ~1 ms on a long text: it is run where the words its every
        # match holds are in the text (or a character re folds to ASCII is)
        folds = not text.isascii() and any(ch in text for ch in _FOLDS_TO_ASCII)
        if (folds or _holds_any(low, _WIDGET_NEEDS, known)
                or _holds_phrase(low, _WIDGET_PHRASES, known)):
            for m in WIDGET_LINE_RE.finditer(text):
                hits.add("widget_residue", text, m.start(), m.end(), ctx=0)
        m_iter = (list(_MT_STATEMENT_SCAN_RE.finditer(text))
                  if folds or _holds_any(low, _MT_STATEMENT_NEEDS, known)
                  or _holds_phrase(low, _MT_STATEMENT_PHRASES, known) else [])
    for m in m_iter:
        # only a short line (a notice), not an article discussing machine translation
        ls = text.rfind("\n", 0, m.start()) + 1
        le = text.find("\n", m.end())
        le = len(text) if le < 0 else le
        if le - ls <= _MT_STATEMENT_MAX_LINE:
            hits.add("mt_statement", text, m.start(), m.end(), ctx=40)
    if html:
        _html_markers(html, hits)
    if (
        declared
        and doc_lang
        and doc_lang != "und"
        and declared != doc_lang
        and doc_prob >= cfg.declared_min_prob
    ):
        hits.add_example(
            "declared_mismatch",
            1,
            f"declared {declared!r}, detected {doc_lang!r} (p={doc_prob:.2f})",
        )


# --------------------------------------------------------------------------- main entry


def _code_counts(text: str, spans: Sequence[tuple[int, int]]) -> list[int]:
    """How many code characters (``_CODE_CHARS_RE``) each span holds, from one scan of
    ``text``: paragraphs are separated by white space, which no code token contains, so
    the scan finds in each span what a scan of the span alone would."""
    counts = [0] * len(spans)
    if not spans:
        return counts
    starts = [a for a, _ in spans]
    a, b = spans[0][0], spans[-1][1]
    for m in itertools.chain(_CODE_CHAR_RE.finditer(text, a, b),
                             _CODE_PAIR_RE.finditer(text, a, b)):
        i = bisect.bisect_right(starts, m.start()) - 1
        if i >= 0 and m.end() <= spans[i][1]:
            counts[i] += 1
    return counts


def _blank_code(text: str, spans: Sequence[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """The text with code-like paragraphs blanked in place (offsets kept), and the prose spans.

    Code is full of straight quotes, `` : `` and camelCase; only prose is evidence.
    """
    counts = _code_counts(text, spans)
    prose = [(a, b) for (a, b), n in zip(spans, counts, strict=True) if not _is_code(n, b - a)]
    if len(prose) == len(spans):
        return text, prose
    keep = set(prose)
    parts, pos = [], 0
    for a, b in spans:
        if (a, b) not in keep:
            parts.append(text[pos:a])
            parts.append(" " * (b - a))
            pos = b
    parts.append(text[pos:])
    return "".join(parts), prose


def _score(
    hits: _Hits, text_len: int, settings: TranslationSettings, rules: Mapping[str, SignalRule]
) -> tuple[float, list[Signal]]:
    """Noisy-OR of the fired signals: ``1 - prod(1 - weight * strength)``."""
    denominator = max(text_len, settings.rate_min_chars) / 1000.0
    fired: list[Signal] = []
    survive = 1.0
    for sid, n in hits.counts.items():
        rule = rules.get(sid)
        if rule is None or n < rule.min_count:
            continue
        rate = n / denominator
        strength = 1.0 if rule.saturation_rate <= 0 else min(1.0, rate / rule.saturation_rate)
        contribution = rule.weight * strength
        survive *= 1.0 - contribution
        fired.append(
            Signal(
                sid,
                n,
                round(rate, 3),
                tuple(hits.examples.get(sid, ())),
                round(contribution, 3),
                rule.description,
            )
        )
    fired.sort(key=lambda s: (-s.contribution, s.id))
    return round(1.0 - survive, 4), fired


def sample_paragraphs(
    text: str, spans: Sequence[tuple[int, int]], max_chars: int
) -> tuple[str, list[tuple[int, int]], list[int] | None]:
    """The paragraphs of ``text`` inside three windows of ``max_chars // 3`` characters at
    its start, middle and end, as ``(sample, its spans, each span's start in text)``;
    ``(text, spans, None)`` when the text is not longer than ``max_chars`` or
    ``max_chars`` is 0.

    A paragraph that crosses a window's edge is cut at a line or sentence boundary
    inside the window (or, failing that, at white space), so the sample holds whole
    sentences.
    """
    if not max_chars or len(text) <= max_chars or not spans:
        return text, list(spans), None
    third = max(1, max_chars // 3)
    low = len(text) // 2 - third // 2
    windows = ((0, third), (low, low + third), (len(text) - third, len(text)))
    starts = [a for a, _ in spans]
    pieces: list[tuple[int, int, int]] = []  # start, end, paragraph index
    for wa, wb in windows:
        i = max(0, bisect.bisect_right(starts, wa) - 1)
        while i < len(spans) and spans[i][0] < wb:
            a, b = spans[i]
            if b > wa:
                a2 = a if a >= wa else _next_start(text, wa, min(b, wb))
                b2 = b if b <= wb else _cut(text, a2, wb)
                if b2 > a2:
                    pieces.append((a2, b2, i))
            i += 1
    parts: list[str] = []
    sample_spans: list[tuple[int, int]] = []
    origins: list[int] = []
    pos, prev = 0, None
    for a, b, i in pieces:
        if prev is not None:
            pa, pb, pi = prev
            whole = pb == spans[pi][1] and a == spans[i][0] and i == pi + 1
            gap = text[pb:a] if whole else "\n\n"
            parts.append(gap)
            pos += len(gap)
        parts.append(text[a:b])
        sample_spans.append((pos, pos + b - a))
        origins.append(a)
        pos += b - a
        prev = (a, b, i)
    return "".join(parts), sample_spans, origins


def _next_start(text: str, a: int, b: int) -> int:
    """Where the first line or sentence after ``a`` starts, in ``text[a:b]`` (else the
    first word); ``b`` when there is none."""
    for mark in ("\n", ". ", " "):
        k = text.find(mark, a, b)
        if k >= 0:
            return k + len(mark)
    return b


def _cut(text: str, a: int, b: int) -> int:
    """The end of the longest part of ``text[a:b]`` that closes a line or a sentence
    (else that ends before white space); ``a`` when there is none."""
    for mark in ("\n", ". ", " "):
        k = text.rfind(mark, a, b)
        if k > a:
            return k + (1 if mark == ". " else 0)
    return a


def _offsets_to_text(hits: _Hits, sample_spans: Sequence[tuple[int, int]],
                     origins: Sequence[int]) -> None:
    """Move the hits' offsets from the sample (:func:`sample_paragraphs`) to the text."""
    starts = [a for a, _ in sample_spans]
    for offsets in hits.offsets.values():
        for k, off in enumerate(offsets):
            i = max(0, bisect.bisect_right(starts, off) - 1)
            offsets[k] = origins[i] + max(0, off - starts[i])


def translation_signals(
    text: str,
    language: LanguageResult | None = None,
    html: str | None = None,
    settings: TranslationSettings | None = None,
    rules: Iterable[SignalRule] = (),
) -> TranslationReport:
    """Measure MT artifacts in ``text`` (white space as it arrived) and score them 0..1.

    ``language`` is the language stage's result (document, paragraph and declared
    languages); ``None`` judges the text without a language (no convention signals).
    ``html`` is the page, for MT markers in its head; ``None`` for a text dump.
    A long text is judged on a sample first, and again in full when the sample scores
    ``full_scan_score`` or more.
    """
    settings = settings or TranslationSettings()
    rules = tuple(rules)
    report = _judge(text, language, html, settings, rules)
    if report.sampled and report.score >= settings.full_scan_score:
        report = _judge(text, language, html, replace(settings, sample_chars=0), rules)
    return report


def _judge(
    text: str,
    language: LanguageResult | None,
    html: str | None,
    settings: TranslationSettings,
    rules: Iterable[SignalRule],
) -> TranslationReport:
    by_id: dict[str, SignalRule] = {r.id: r for r in rules}
    lang = language.language if language else None
    prob = language.confidence if language else 0.0
    declared = language.declared if language else (declared_language(html) if html else None)
    hits = _Hits(settings.max_examples)
    spans = paragraph_spans(text)

    judged_len, sampled = len(text), False
    if len(text) >= settings.min_doc_chars:
        sample, sample_spans, origins = sample_paragraphs(text, spans, settings.sample_chars)
        prose_text, prose = _blank_code(sample, sample_spans)
        _joint_signals(prose_text, lang, settings, hits)
        _quote_signals(prose_text, prose, lang, hits)
        _convention_signals(prose_text, lang, hits)
        _lexical_signals(prose_text, prose, lang, settings, hits)
        if origins is not None:
            judged_len, sampled = len(sample), True
            _offsets_to_text(hits, sample_spans, origins)
        para_langs = language.paragraphs if language else ()
        if lang and len(para_langs) == len(spans):  # aligned unless the text changed since
            for i, found in enumerate(para_langs):
                if found is None:
                    continue
                para_lang, p = found
                if para_lang not in (lang, "und") and p >= settings.paragraph_lang_min_prob:
                    a, b = spans[i]
                    hits.add_example(
                        "untranslated_paragraph",
                        1,
                        f"[{para_lang} p={p:.2f}] " + text[a:b].strip()[:80],
                        a,
                    )
    _widget_signals(text, html, lang, declared, prob, settings, hits)

    score, fired = _score(hits, judged_len, settings, by_id)
    starts = [a for a, _ in spans]
    para_hits: dict[int, list[str]] = {}
    for sid, offsets in hits.offsets.items():
        if sid.startswith(("html_", "_")):
            continue
        for offset in offsets:
            i = bisect.bisect_right(starts, offset) - 1
            if i >= 0 and sid not in para_hits.setdefault(i, []):
                para_hits[i].append(sid)
    return TranslationReport(
        score=score,
        likely_machine_translated=bool(fired) and score >= settings.threshold,
        signals=tuple(fired),
        language=lang,
        declared_language=declared,
        counts=dict(hits.counts),
        paragraph_hits={k: tuple(v) for k, v in sorted(para_hits.items())},
        sampled=sampled,
    )


# --------------------------------------------------------------------------- repair


@dataclass(frozen=True)
class SpacingFix:
    """One spacing repair: which rule, where in the input, what it replaced with what."""

    rule: str
    offset: int
    before: str
    after: str


_LEADING_ODD_RE = re.compile(rf"^[ {_ODD_SPACE}]*[{_ODD_SPACE}][ {_ODD_SPACE}]*(?=\S)", re.M)


def repair_spacing(text: str, lang: str | None = None) -> tuple[str, list[SpacingFix]]:
    """Fix the spacing artifacts that cannot change meaning, and list each fix.

    - ``joint-space``: an NBSP/odd-space or multi-space joint between sentences -> one space;
    - ``leading-odd-space``: NBSPs and odd spaces opening a line -> removed;
    - ``glued-closing-quote``: a curly closing quote glued to the next word -> quote and
      space, and a space before it after punctuation goes (``commitment, ”said`` ->
      ``commitment,” said``). Straight quotes are left alone: their direction is a guess.
    """
    edits: list[tuple[int, int, str, str]] = []  # start, end, replacement, rule
    for m in JOINT_RE.finditer(text):
        i = m.start()
        if m.group("ws") != " " and i >= 2 and text[i - 1].isalpha() and text[i - 2].isalpha():
            edits.append((m.start("ws"), m.end("ws"), " ", "joint-space"))
    for m in _LEADING_ODD_RE.finditer(text):
        edits.append((m.start(), m.end(), "", "leading-odd-space"))
    if lang not in _NO_SPACE_LANGS:
        hits = _Hits(0)
        _quote_signals(text, paragraph_spans(text), lang, hits)
        for k in hits.offsets.get("_glued_close", []):
            quote = text[k]
            if quote == '"' or not text[k + 1 : k + 2].isalpha():
                continue
            start = k
            if k >= 2 and text[k - 1] in " \u00a0\u202f" and text[k - 2] in ",.!?;:":
                start = k - 1
            edits.append((start, k + 1, quote + " ", "glued-closing-quote"))
    edits.sort()
    fixes: list[SpacingFix] = []
    out, pos = [], 0
    for start, end, replacement, rule in edits:
        if start < pos:
            continue  # overlapping edits: the first one wins
        out.append(text[pos:start])
        out.append(replacement)
        fixes.append(SpacingFix(rule, start, text[start:end], replacement))
        pos = end
    out.append(text[pos:])
    return "".join(out), fixes


def _fix_summary(text: str, fix: SpacingFix) -> str:
    """A short, readable account of a fix: the context with the change shown."""
    a, b = max(0, fix.offset - 20), min(len(text), fix.offset + len(fix.before) + 20)
    before = text[a:b].replace("\n", " ")
    after = (text[a : fix.offset] + fix.after + text[fix.offset + len(fix.before) : b]).replace(
        "\n", " "
    )
    return f"{before!r} -> {after!r}"


# --------------------------------------------------------------------------- stage


class Translation(Stage):
    """Score ``doc.text`` for MT artifacts; optionally repair its spacing.

    The report goes to ``doc.metadata["translation"]`` and the verdict to
    ``doc.metadata["likely_machine_translated"]``. Languages come from the language stage
    (``doc.metadata["language_result"]``), or are detected here if it did not run.
    """

    name = "translation"
    Settings = TranslationSettings
    Rule = SignalRule

    def __call__(self, doc: Document) -> Document:
        language = doc.metadata.get("language_result")
        if not isinstance(language, LanguageResult):
            language = identify(doc.text, doc.html, LanguageSettings())
        report = translation_signals(doc.text, language, doc.html, self.settings, self.rules)
        doc.metadata["translation"] = report
        doc.metadata["likely_machine_translated"] = report.likely_machine_translated
        if self.settings.repair_spacing:
            fixed, fixes = repair_spacing(doc.text, language.language)
            for fix in fixes:
                line = doc.text.count("\n", 0, fix.offset)
                doc.log(self.name, fix.rule, "rewrite", _fix_summary(doc.text, fix), line=line)
            doc.text = fixed
        return doc
