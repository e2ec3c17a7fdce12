"""The language of a document and of its paragraphs, and the language the page declares.

Detection reads the text as it arrived (before normalisation), through a small backend
interface so a user can pick the detector in ``rules/language.yaml``. py3langid is the
default: on the bench data it matched langdetect's accuracy at 5-10x the speed. Both
ship their models inside their packages; neither touches the network.
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from cleanpipe.document import Document
from cleanpipe.modelcache import cache_file, load_arrays
from cleanpipe.stages.base import Stage

UNDETERMINED = "und"

Backend = Literal["py3langid", "langdetect"]


@dataclass(frozen=True)
class LanguageSettings:
    """How languages are detected.

    backend: ``py3langid`` (default, chosen by measured accuracy and speed) or
        ``langdetect`` (seeded, so deterministic).
    sample_chars: the document language is read on at most this many characters, taken
        from the start, middle and end, so a long page costs a bounded amount.
    min_doc_letters: a text with fewer letters than this has no language (``null``).
    min_paragraph_chars: shorter paragraphs get no language of their own.
    paragraph_sample_chars: a paragraph's language is read on its first this many chars.
    max_paragraphs: at most this many paragraphs (the longest) are judged per document.
    stopword_skip_ratio: a paragraph whose share of the document language's 200 most
        frequent words reaches this is taken to be in that language without calling the
        detector (a cheap pre-filter; 0 switches it off).
    head_chars: the declared language is looked for in this much of the page's start.
    """

    backend: Backend = "py3langid"
    sample_chars: int = field(default=400, metadata={"min": 30, "max": 1_000_000})
    min_doc_letters: int = field(default=20, metadata={"min": 1})
    min_paragraph_chars: int = field(default=150, metadata={"min": 1})
    paragraph_sample_chars: int = field(default=250, metadata={"min": 30})
    max_paragraphs: int = field(default=40, metadata={"min": 0, "max": 10_000})
    stopword_skip_ratio: float = field(default=0.30, metadata={"min": 0.0, "max": 1.0})
    head_chars: int = field(default=200_000, metadata={"min": 1_000})


@dataclass(frozen=True)
class LanguageResult:
    """What the language stage found; ``paragraphs`` lines up with :func:`paragraph_spans`.

    ``mismatch`` is ``None`` when either the detected or the declared language is unknown.
    """

    language: str | None
    confidence: float
    declared: str | None
    mismatch: bool | None
    paragraphs: tuple[tuple[str, float] | None, ...] = ()


class LanguageBackend(Protocol):
    """A language detector: a primary language subtag and its probability for a text."""

    name: str

    def detect(self, text: str) -> tuple[str, float]:
        """``(subtag, probability)``, or ``("und", 0.0)`` when the text cannot be judged."""
        ...


# wordfreq warns once per process when it answers a language it lacks with a related one
# (Latin with Italian's table): the usual case on a multilingual crawl, not a problem to
# print on every worker's stderr.
logging.getLogger("wordfreq").setLevel(logging.ERROR)
log = logging.getLogger(__name__)

_LETTER = re.compile(r"[^\W\d_]")
_TAG = re.compile(r"[a-z]{2,3}")
_ALIASES = {"iw": "he", "in": "id", "ji": "yi", "nb": "no", "nn": "no"}


def _has_letters(text: str, n: int, limit: int = 2000) -> bool:
    """True when the first ``limit`` characters of ``text`` hold at least ``n`` letters
    (the search stops at the ``n``-th, rather than listing every letter)."""
    found = _LETTER.finditer(text, 0, limit)
    return sum(1 for _ in itertools.islice(found, n)) >= n


def primary_subtag(code: str | None) -> str | None:
    """``en-US``, ``pt_BR``, ``EN`` -> ``en``, ``pt``, ``en``; ``None`` for non-languages."""
    if not code:
        return None
    code = code.strip().replace("_", "-").split("-")[0].lower()
    if not _TAG.fullmatch(code) or code in ("und", "mul", "zxx", "xx"):
        return None
    return _ALIASES.get(code, code)


def _int_array(values: Sequence[int]) -> Sequence[int]:
    """``values`` as an ``array`` of the smallest signed machine ints that hold them."""
    from array import array

    for typecode in ("i", "q"):
        try:
            return array(typecode, values)
        except OverflowError:
            continue
    return tuple(values)


def _numpy_owned(table: Any) -> Any:
    """``table`` (a buffer of machine ints) copied into memory numpy allocates, seen
    through a ``memoryview``, which indexes to Python ints as fast as the ``array``.

    The tokenizer's move table is 39 MB, read at random by every walk. numpy asks the
    kernel for huge pages for a large array, so those reads miss the TLB far less: the
    language stage took 0.73 instead of 0.78 ms/dump in full runs over the bench dumps,
    where the other stages leave the caches cold. The old table is freed, so the
    process holds no more memory than before.
    """
    import numpy as np

    view = memoryview(table)
    owned = np.array(np.frombuffer(view, dtype=np.dtype(view.format)), copy=True)
    return owned.data


def py3langid_identifier() -> Any:
    """py3langid's ``LanguageIdentifier`` (normalised probabilities) on its shipped model.

    The model ships LZMA-compressed, and inflating it is most of a process's start-up
    (0.3-0.5 s): the inflated tables are kept in cleanpipe's cache folder
    (:mod:`cleanpipe.modelcache`) and read from there by later processes. A py3langid
    whose loader or constructor differ from those of 0.4 loads its model its own way.
    """
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    try:
        from importlib.metadata import version

        from py3langid import modelio

        model = Path(MODEL_DIR) / MODEL_FILE
        path = cache_file("py3langid", model, version("py3langid"))
        arrays = load_arrays(path, lambda: _model_arrays(modelio.load_model(model)))
        return LanguageIdentifier(
            arrays["ptc"], arrays["pc"], arrays["classes"].tolist(),
            modelio._to_array(arrays["nextmove"]), arrays["output"].tolist(),
            norm_probs=True, tk_row=modelio._to_array(arrays["row"]))
    except Exception as exc:  # noqa: BLE001 - another py3langid: its own loader
        log.debug("py3langid model not cached (%s): loading it as shipped", exc)
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _model_arrays(parts: tuple[Any, ...]) -> dict[str, Any]:
    """py3langid's ``load_model`` result as named numpy arrays (its machine-int arrays
    as numpy arrays of the same item size, which its ``_to_array`` turns back)."""
    import numpy as np

    ptc, pc, classes, nextmove, row, output = parts
    return {"ptc": np.asarray(ptc), "pc": np.asarray(pc), "classes": np.asarray(classes),
            "nextmove": _as_numpy(nextmove), "row": _as_numpy(row),
            "output": np.asarray(output, dtype=np.int64)}


def _as_numpy(table: Any) -> Any:
    import numpy as np

    return np.frombuffer(memoryview(table).cast("B"), dtype=f"=u{table.itemsize}")


class Py3langidBackend:
    """py3langid (langid.py's model, numpy inference) with normalised probabilities.

    The model's feature weights ship as float16, and numpy converts the rows a text uses
    to float32 on every call, which cost more than the rest of the call. Here each row is
    converted once, when a text first uses it, into a float32 table whose untouched rows
    are never written (so take no memory), and the call is py3langid's ``classify`` on
    those rows: the same numbers, bit for bit (a test holds the two together). The walk
    over a text's bytes that finds its n-grams is done in numpy (:class:`_NgramWalk`),
    which finds the same n-grams in the same order. A model or version this does not
    know is called as it is.
    """

    name = "py3langid"

    def __init__(self) -> None:
        import numpy as np

        self._ident = py3langid_identifier()
        ident: Any = self._ident
        self._fast = (getattr(ident.nb_ptc, "dtype", None) == np.float16
                      and ident.nb_ptc.ndim == 2 and ident.min_confidence is None
                      and all(hasattr(ident, a) for a in (
                          "_encode", "_rowbase", "_alias_pairs", "tk_nextmove", "tk_output")))
        if self._fast:
            from py3langid.langid import visit_counts

            self._np, self._visit_counts = np, visit_counts
            self._rows = np.zeros(ident.nb_ptc.shape, dtype=np.float32)  # pages untouched
            self._done = np.zeros(ident.nb_ptc.shape[0], dtype=bool)
            # the tokenizer's two 104,583-int tables as arrays of machine ints, read the
            # same way: the garbage collector never walks an array (it walked the lists
            # on every full collection), and the walk over a text reads 4 bytes a step
            # from each, where a tuple sent it to an int object somewhere in 3 MB (the
            # language stage took 0.79 instead of 0.93 ms/dump in a full run, caches
            # being cold after the other stages)
            ident._rowbase = _int_array(ident._rowbase)
            ident.tk_output = _int_array(ident.tk_output)
            ident.tk_nextmove = _numpy_owned(ident.tk_nextmove)
            self._walk: _NgramWalk | None = _NgramWalk.of(ident)

    def classify(self, text: str) -> tuple[str, float]:
        """``LanguageIdentifier.classify`` with ``norm_probs``, on float32 rows."""
        if not self._fast:
            lang, prob = self._ident.classify(text)
            return lang, float(prob)
        np = self._np
        ident: Any = self._ident
        data = ident._encode(text)
        found = self._features(data)
        if found is not None:
            idx, counts = found
            new = idx[~self._done[idx]]
            if len(new):
                self._rows[new] = ident.nb_ptc[new]
                self._done[new] = True
            scores = np.log1p(counts) @ self._rows[idx] + ident.nb_pc
        else:
            scores = np.full(len(ident.nb_classes), 0.0, dtype=np.float32)
        scores *= 1.0 / math.sqrt(len(data) or 1)
        np.exp(scores - scores.max(), out=scores)
        scores /= scores.sum()
        for i, j in ident._alias_pairs:
            scores[i] += scores[j]
            scores[j] = 0.0
        best = int(scores.argmax())
        return ident.nb_classes[best], float(scores[best])

    def _features(self, data: bytes) -> tuple[Any, Any] | None:
        """The model's features in ``data`` and their counts, in order of first
        occurrence (py3langid's ``visit_counts`` order, which its sum follows), or
        ``None``. A text long enough is walked by :class:`_NgramWalk`, a short one byte
        by byte, where the numpy calls would cost more than the Python loop."""
        if self._walk is not None and len(data) >= _NgramWalk.MIN_BYTES:
            return self._walk.features(data)
        np = self._np
        ident: Any = self._ident
        visits = self._visit_counts(ident.tk_nextmove, ident._rowbase, ident.tk_output, data)
        if not visits:
            return None
        return (np.fromiter(visits.keys(), dtype=np.intp, count=len(visits)),
                np.fromiter(visits.values(), dtype=np.float32, count=len(visits)))

    def detect(self, text: str) -> tuple[str, float]:
        if not _LETTER.search(text):
            return UNDETERMINED, 0.0
        lang, prob = self.classify(text)
        return primary_subtag(lang) or UNDETERMINED, float(prob)


class _NgramWalk:
    """py3langid's tokenizer walk over a whole text at once, in numpy.

    The tokenizer is an Aho-Corasick automaton over the model's byte n-grams: its state
    after a byte is the longest start of an n-gram that the text so far ends with, so it
    depends only on the last ``depth`` bytes (the length of the longest n-gram). The
    states at all positions are then ``depth`` table lookups over all positions at once
    from the start state, instead of one Python step per byte. That holds for the
    tables it was proven on (a test checks the automaton, and a fingerprint recognises
    them); others are walked byte by byte.
    """

    # crc32 of the tables (tk_nextmove, tk_row, tk_output as machine ints) whose
    # automaton was checked -> length of its longest n-gram (py3langid 0.4.0's model)
    KNOWN: dict[int, int] = {0x181651D6: 6}
    # shorter texts are walked byte by byte: at about 60 bytes both walks cost the same
    MIN_BYTES = 64
    PAD = 0xFF  # a byte outside UTF-8 that leads from the start state to itself

    def __init__(self, ident: Any, depth: int) -> None:
        import numpy as np

        self._np, self.depth = np, depth
        moves = np.frombuffer(ident.tk_nextmove, dtype=np.uint32)
        rowbase = np.asarray(ident._rowbase, dtype=np.intp)
        self._moves, self._rowbase = moves, rowbase
        self._output = np.asarray(ident.tk_output, dtype=np.intp)
        # the state after any two bytes from the start, looked up by their big-endian pair
        after_one = moves[rowbase[0] + np.arange(256)]
        self._pairs = moves[(rowbase[after_one][:, None] + np.arange(256)).ravel()]
        # a text is walked behind depth-1 pad bytes, so every position has a full window
        self._pad = bytes([self.PAD]) * (depth - 1)

    @classmethod
    def of(cls, ident: Any) -> _NgramWalk | None:
        """The walk for ``ident``'s tokenizer, or ``None`` if its tables are not known."""
        import zlib

        try:
            crc = 0
            for table in (ident.tk_nextmove, ident.tk_row, ident.tk_output):
                crc = zlib.crc32(table, crc)
        except (AttributeError, TypeError, ValueError):
            return None
        depth = cls.KNOWN.get(crc)
        if depth is None or depth < 2 or ident.tk_nextmove[ident._rowbase[0] + cls.PAD]:
            return None
        return cls(ident, depth)

    def states(self, data: bytes) -> Any:
        """The tokenizer's state after each byte of ``data`` (as ``visit_counts`` steps)."""
        np, n = self._np, len(data)
        buf = self._pad + data
        window = np.frombuffer(buf, dtype=np.uint8)
        # byte k of the window ending at position i is buf[i + k]; the first two are
        # looked up at once
        state = self._pairs[np.ndarray((n,), dtype=">u2", buffer=buf, strides=(1,))]
        moves, rowbase = self._moves, self._rowbase
        for k in range(2, self.depth):
            state = moves[rowbase[state] + window[k:k + n]]
        return state

    def features(self, data: bytes) -> tuple[Any, Any] | None:
        """``visit_counts(...)`` as ``(features, counts)`` arrays (float32 counts) in its
        order, first occurrence first; ``None`` when the text has no feature."""
        np = self._np
        found = self._output[self.states(data)]
        found = found[found >= 0]
        if not len(found):
            return None
        order = found.argsort(kind="stable")  # a feature's first occurrence leads its run
        ranked = found[order]
        edge = np.empty(len(ranked) + 1, dtype=bool)
        edge[0] = edge[-1] = True
        np.not_equal(ranked[1:], ranked[:-1], out=edge[1:-1])
        edges = edge.nonzero()[0]
        starts = edges[:-1]
        first = order[starts].argsort()
        return ranked[starts[first]], (edges[1:] - starts)[first].astype(np.float32)


class LangdetectBackend:
    """langdetect (a port of Google's language-detection), seeded so results repeat.

    langdetect draws random samples of n-grams; ``DetectorFactory.seed = 0`` fixes them.
    Text without letters is answered before the call, which would otherwise raise.
    """

    name = "langdetect"

    def __init__(self) -> None:
        from langdetect import DetectorFactory, detector_factory
        from langdetect.lang_detect_exception import LangDetectException

        DetectorFactory.seed = 0
        detector_factory.init_factory()
        self._factory: Any = detector_factory._factory
        self._error = LangDetectException

    def detect(self, text: str) -> tuple[str, float]:
        if not _LETTER.search(text):
            return UNDETERMINED, 0.0
        try:
            detector = self._factory.create()
            detector.seed = 0
            detector.append(text)
            probabilities = detector.get_probabilities()
        except self._error:
            return UNDETERMINED, 0.0
        if not probabilities:
            return UNDETERMINED, 0.0
        best = probabilities[0]
        return primary_subtag(best.lang) or UNDETERMINED, float(best.prob)


BACKENDS: dict[str, type[Py3langidBackend] | type[LangdetectBackend]] = {
    "py3langid": Py3langidBackend,
    "langdetect": LangdetectBackend,
}


@functools.cache
def get_backend(name: str) -> LanguageBackend:
    """The backend called ``name``, built once per process (loading a model costs 0.2-0.5 s)."""
    return BACKENDS[name]()


def _sample(text: str, n: int) -> str:
    """At most ``n`` characters: the whole text, or slices from its start, middle and end."""
    if len(text) <= n:
        return text
    k = n // 3
    mid = len(text) // 2
    return text[:k] + "\n" + text[mid - k // 2: mid + k // 2] + "\n" + text[-k:]


def detect_language(text: str, settings: LanguageSettings | None = None,
                    backend: LanguageBackend | None = None) -> tuple[str, float]:
    """The language of a whole text as ``(subtag, probability)``; ``("und", 0.0)`` if unsure."""
    settings = settings or LanguageSettings()
    if not _has_letters(text, settings.min_doc_letters):
        return UNDETERMINED, 0.0
    backend = backend or get_backend(settings.backend)
    return backend.detect(_sample(text, settings.sample_chars))


_BLANK_LINE = re.compile(r"\n\s*\n")
_NEWLINE = re.compile(r"\n")


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each paragraph: blocks between blank lines, or lines if none.

    The language and translation stages both use this split, so per-paragraph results
    line up; offsets are those of ``text`` itself. The last text's split is
    remembered, since both stages split the same text.
    """
    return list(_paragraph_spans(text))


@functools.lru_cache(maxsize=1)
def _paragraph_spans(text: str) -> tuple[tuple[int, int], ...]:
    sep = _BLANK_LINE if _BLANK_LINE.search(text) else _NEWLINE
    spans, pos = [], 0
    for m in sep.finditer(text):
        if text[pos:m.start()].strip():
            spans.append((pos, m.start()))
        pos = m.end()
    if text[pos:].strip():
        spans.append((pos, len(text)))
    return tuple(spans)


@functools.lru_cache(maxsize=64)
def top_words(lang: str, n: int) -> frozenset[str]:
    """The ``n`` most frequent words of ``lang`` (wordfreq's ``top_n_list`` on its best
    table), empty for unknown languages."""
    from wordfreq import available_languages
    from wordfreq.numbers import has_digit_sequence

    # wordfreq's "best" table of a language with a large one is that large table, which
    # the translation stage reads too: one read serves both (see word_buckets)
    wordlist = "large" if lang in available_languages("large") else "best"
    try:
        words = itertools.chain.from_iterable(word_buckets(lang, wordlist))
        return frozenset(itertools.islice(
            itertools.filterfalse(has_digit_sequence, words), n))
    except (LookupError, ValueError):
        return frozenset()


@functools.lru_cache(maxsize=1)
def word_buckets(lang: str, wordlist: str) -> tuple[tuple[str, ...], ...]:
    """wordfreq's table ``wordlist`` of ``lang``: its words in buckets, commonest first.

    The last table read is kept, so the language and translation stages read a
    language's table once between them (a large one takes 120-190 ms); as tuples,
    which the garbage collector stops tracking after one look.
    """
    from wordfreq import get_frequency_list

    try:
        return tuple(map(tuple, get_frequency_list(lang, wordlist)))
    finally:
        drop_wordfreq_tables()


def drop_wordfreq_tables() -> None:
    """Empty wordfreq's cache of whole tables, which has no limit of its own.

    What cleanpipe needs of a table it keeps in its own bounded caches (``top_words``,
    the translation stage's frequency dicts); wordfreq's copy is lists of lists of
    words, and every full garbage collection walks them: English's large table alone
    is 321,000 references, and the tables of a bench run made a full collection cost
    34 ms instead of 22. A crawl in fifty languages would also keep fifty of them.
    """
    from wordfreq import get_frequency_list

    clear = getattr(get_frequency_list, "cache_clear", None)
    if clear is not None:
        clear()


_TOKEN_STRIP = ".,;:!?\"'()«»“”„"


def paragraph_languages(paragraphs: Sequence[str], doc_lang: str | None,
                        settings: LanguageSettings | None = None,
                        backend: LanguageBackend | None = None,
                        ) -> list[tuple[str, float] | None]:
    """``(subtag, probability)`` per paragraph, ``None`` for those too short to judge.

    A paragraph made largely of ``doc_lang``'s commonest words is ``(doc_lang, 1.0)``
    without calling the detector: most paragraphs are, and the detector is the cost.
    """
    settings = settings or LanguageSettings()
    backend = backend or get_backend(settings.backend)
    out: list[tuple[str, float] | None] = [None] * len(paragraphs)
    eligible = [i for i, p in enumerate(paragraphs) if len(p) >= settings.min_paragraph_chars]
    eligible.sort(key=lambda i: -len(paragraphs[i]))
    common = (top_words(doc_lang, 200) if doc_lang and doc_lang != UNDETERMINED
              and settings.stopword_skip_ratio > 0 else frozenset())
    unstripped = _unchanged_by_strip(common)
    for i in eligible[: settings.max_paragraphs]:
        sample = paragraphs[i][: settings.paragraph_sample_chars]
        if (common and doc_lang
                and _mostly_common(sample, common, unstripped, settings.stopword_skip_ratio)):
            out[i] = (doc_lang, 1.0)
            continue
        out[i] = backend.detect(sample)
    return out


@functools.lru_cache(maxsize=64)
def _unchanged_by_strip(words: frozenset[str]) -> frozenset[str]:
    """The words that ``_TOKEN_STRIP`` leaves as they are (all of a language's common
    words, in the bench's languages); kept for each set of :func:`top_words`."""
    return frozenset(w for w in words if w.strip(_TOKEN_STRIP) == w)


def _mostly_common(sample: str, common: frozenset[str], unstripped: frozenset[str],
                   ratio: float) -> bool:
    """True when at least ``ratio`` of the words of ``sample``, lowercased and stripped of
    ``_TOKEN_STRIP``, are in ``common``.

    The words that are in ``unstripped`` as written are counted first: each of them
    strips to itself, a word of ``common``, so if they reach the share the stripped
    words do too. Most paragraphs reach it so, and are spared a ``strip`` call per word,
    which cost more than the rest of the test.
    """
    tokens = sample.lower().split()
    n = max(1, len(tokens))
    if sum(map(unstripped.__contains__, tokens)) / n >= ratio:
        return True
    stripped = map(str.strip, tokens, itertools.repeat(_TOKEN_STRIP))
    return sum(map(common.__contains__, stripped)) / n >= ratio


_HTML_LANG = re.compile(
    r"<html\b[^>]*?\b(?:xml:)?lang\s*=\s*[\"']?\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*)", re.I)
_META = re.compile(r"<meta\b[^>]*>", re.I)
_ATTR = re.compile(r"([\w:-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))")
_HEAD_END = re.compile(r"</head\s*>", re.I)


def _attrs(tag: str) -> dict[str, str]:
    return {m.group(1).lower(): (m.group(2) or m.group(3) or m.group(4) or "")
            for m in _ATTR.finditer(tag)}


def declared_language(html: str | None, head_chars: int = 200_000) -> str | None:
    """The language a page declares: ``<html lang>``, then a content-language ``<meta>``
    (``http-equiv`` or ``name=language``/``dc.language``), then ``og:locale``."""
    if not html:
        return None
    head = html[:head_chars]
    end = _HEAD_END.search(head)
    if end:
        head = head[: end.start()]
    m = _HTML_LANG.search(head)
    if m and primary_subtag(m.group(1)):
        return primary_subtag(m.group(1))
    content_lang = locale = None
    for tag in _META.findall(head):
        a = _attrs(tag)
        key = (a.get("http-equiv") or a.get("name") or a.get("property") or "").lower()
        value = a.get("content", "")
        if key in ("content-language", "language", "dc.language") and content_lang is None:
            content_lang = primary_subtag(value.split(",")[0])
        elif key == "og:locale" and locale is None:
            locale = primary_subtag(value)
    return content_lang or locale


def identify(text: str, html: str | None, settings: LanguageSettings) -> LanguageResult:
    """Document, paragraph and declared languages of ``text`` (and its page ``html``)."""
    lang, prob = detect_language(text, settings)
    detected = None if lang == UNDETERMINED else lang
    declared = declared_language(html, settings.head_chars) if html else None
    mismatch = None if detected is None or declared is None else detected != declared
    paragraphs: tuple[tuple[str, float] | None, ...] = ()
    if detected is not None and settings.max_paragraphs:
        spans = paragraph_spans(text)
        least = settings.min_paragraph_chars  # (a shorter span is a paragraph too short)
        paragraphs = tuple(paragraph_languages(
            [text[a:b].strip() if b - a >= least else "" for a, b in spans], detected,
            settings))
    return LanguageResult(detected, round(prob, 4) if detected else 0.0, declared, mismatch,
                          paragraphs)


class Language(Stage):
    """Detect the document's languages; store them in ``doc.metadata``.

    ``language``, ``language_confidence``, ``declared_language`` and ``language_mismatch``
    go into the record; the whole :class:`LanguageResult` stays under ``language_result``
    for the translation stage.
    """

    name = "language"
    Settings = LanguageSettings

    def __call__(self, doc: Document) -> Document:
        result = identify(doc.text, doc.html, self.settings)
        doc.metadata["language"] = result.language
        doc.metadata["language_confidence"] = result.confidence if result.language else None
        doc.metadata["declared_language"] = result.declared
        doc.metadata["language_mismatch"] = result.mismatch
        doc.metadata["language_result"] = result
        return doc
