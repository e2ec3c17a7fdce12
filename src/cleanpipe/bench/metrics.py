"""The three extraction metrics of the shared benchmark, from their standard definitions.

* shingle F1 (AEB): precision averaged over pages with non-empty output, recall over
  all pages, F1 from those two averages;
* word F1 (WCXB): per-page precision, recall and F1 on bags of lowercased words, then
  the mean of each;
* snippet F1 (trafilatura's evaluation set): ``with`` snippets found are true
  positives, missed ones false negatives, ``without`` snippets found false positives,
  counted over the whole set.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")

SHINGLE_SIZE = 4


@dataclass(frozen=True)
class Score:
    """F1 with the precision and recall it came from, and how many pages were scored."""

    f1: float
    precision: float
    recall: float
    pages: int

    def as_dict(self) -> dict[str, float | int]:
        return {"f1": self.f1, "p": self.precision, "r": self.recall, "pages": self.pages}


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """The multiset of ``size``-token shingles of ``text`` (tokens: ``\\w+``, case kept).

    A text with fewer than ``size`` tokens is a single shingle; one without tokens has none.
    """
    tokens = _WORD.findall(text)
    if not tokens:
        return Counter()
    if len(tokens) < size:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


def shingle_counts(predicted: str, truth: str) -> tuple[int, int, int]:
    """``(tp, fp, fn)`` of one page under the AEB shingle metric."""
    pred, gold = shingles(predicted), shingles(truth)
    tp = sum((pred & gold).values())
    return tp, sum(pred.values()) - tp, sum(gold.values()) - tp


def shingle_f1(pairs: Iterable[tuple[str, str]]) -> Score:
    """The AEB score of ``(predicted, truth)`` pairs.

    Precision is the mean over pages whose output has at least one shingle (an extractor
    is not punished in precision for giving up), recall the mean over all pages.
    """
    precisions: list[float] = []
    recalls: list[float] = []
    for predicted, truth in pairs:
        tp, fp, fn = shingle_counts(predicted, truth)
        if tp + fp:
            precisions.append(tp / (tp + fp))
        recalls.append(tp / (tp + fn) if tp + fn else 0.0)
    precision, recall = _mean(precisions), _mean(recalls)
    return Score(_f1(precision, recall), precision, recall, len(recalls))


def words(text: str) -> Counter[str]:
    """The bag of lowercased ``\\w+`` tokens of ``text``."""
    return Counter(_WORD.findall(text.lower()))


def word_prf(predicted: str, truth: str) -> tuple[float, float, float]:
    """``(f1, precision, recall)`` of one page under the WCXB word metric.

    Empty truth scores 1 for an empty output and 0 otherwise; an empty output on a
    non-empty truth scores 0.
    """
    pred, gold = words(predicted), words(truth)
    if not gold:
        value = 0.0 if pred else 1.0
        return value, value, value
    if not pred:
        return 0.0, 0.0, 0.0
    overlap = sum((pred & gold).values())
    precision = overlap / sum(pred.values())
    recall = overlap / sum(gold.values())
    return _f1(precision, recall), precision, recall


def word_f1(pairs: Iterable[tuple[str, str]]) -> Score:
    """The WCXB score of ``(predicted, truth)`` pairs: the mean of per-page F1, P and R."""
    scores = [word_prf(predicted, truth) for predicted, truth in pairs]
    return Score(
        _mean([s[0] for s in scores]),
        _mean([s[1] for s in scores]),
        _mean([s[2] for s in scores]),
        len(scores),
    )


def collapse_space(text: str) -> str:
    """Runs of white space become one space; the ends are stripped."""
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class SnippetScore:
    """Snippet counts over a whole set and the F1 they give."""

    tp: int
    fp: int
    fn: int
    pages: int

    @property
    def f1(self) -> float:
        denominator = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denominator if denominator else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"f1": self.f1, "tp": self.tp, "fp": self.fp, "fn": self.fn,
                "pages": self.pages}


def snippet_counts(
    predicted: str, with_snippets: Iterable[str], without_snippets: Iterable[str]
) -> tuple[int, int, int]:
    """``(tp, fp, fn)`` of one page: snippets are looked up with white space collapsed."""
    output = collapse_space(predicted)
    tp = fn = fp = 0
    for snippet in with_snippets:
        if collapse_space(snippet) in output:
            tp += 1
        else:
            fn += 1
    for snippet in without_snippets:
        if collapse_space(snippet) in output:
            fp += 1
    return tp, fp, fn


def snippet_f1(cases: Iterable[tuple[str, Sequence[str], Sequence[str]]]) -> SnippetScore:
    """The trafilatura-set score of ``(predicted, with, without)`` cases, over the whole set.

    A crashed extraction should be passed as an empty output.
    """
    tp = fp = fn = pages = 0
    for predicted, with_snippets, without_snippets in cases:
        a, b, c = snippet_counts(predicted, with_snippets, without_snippets)
        tp, fp, fn, pages = tp + a, fp + b, fn + c, pages + 1
    return SnippetScore(tp, fp, fn, pages)


def normalize_title(title: str) -> str:
    """A title as compared: NFKC, case folded, white space collapsed, ends stripped."""
    import unicodedata

    return collapse_space(unicodedata.normalize("NFKC", title).casefold())


def title_accuracy(pairs: Iterable[tuple[str | None, str | None]]) -> tuple[float, int]:
    """Share of ``(predicted, truth)`` titles that match once normalised, and the count.

    Pages whose true title is missing or blank are not counted; a missing prediction
    is a miss.
    """
    hits = total = 0
    for predicted, truth in pairs:
        gold = normalize_title(truth or "")
        if not gold:
            continue
        total += 1
        hits += normalize_title(predicted or "") == gold
    return (hits / total if total else 0.0), total
