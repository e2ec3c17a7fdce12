"""The benchmark metrics on tiny cases whose values are worked out by hand."""

from __future__ import annotations

import pytest

from cleanpipe.bench.metrics import (
    normalize_title,
    shingle_counts,
    shingle_f1,
    shingles,
    snippet_counts,
    snippet_f1,
    title_accuracy,
    word_f1,
    word_prf,
)


def test_shingles_are_four_token_windows_and_keep_case() -> None:
    assert shingles("a b, c d e") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert shingles("x y") == {("x", "y"): 1}  # fewer than 4 tokens: one shingle
    assert shingles(" ,.! ") == {}


def test_shingle_counts_are_multisets() -> None:
    # "a b c d a b c d" -> abcd x2, bcda, cdab, dabc: 5 shingles, 1 of them in the truth
    assert shingle_counts("a b c d a b c d", "a b c d") == (1, 4, 0)
    assert shingle_counts("A b c d", "a b c d") == (0, 1, 1)  # case is kept


def test_shingle_f1_averages_precision_over_nonempty_outputs_only() -> None:
    pages = [
        ("a b c d e", "a b c d"),  # tp 1, fp 1, fn 0: P 1/2, R 1
        ("x y", "x y"),            # one short shingle each: P 1, R 1
        ("", "a b c d"),           # empty output: no precision, R 0
    ]
    score = shingle_f1(pages)
    assert score.precision == pytest.approx(0.75)      # (1/2 + 1) / 2
    assert score.recall == pytest.approx(2 / 3)        # (1 + 1 + 0) / 3
    assert score.f1 == pytest.approx(12 / 17)          # 2 * 3/4 * 2/3 / (3/4 + 2/3)
    assert score.pages == 3


def test_shingle_f1_from_averages_not_per_page() -> None:
    score = shingle_f1([("a b c d e", "a b c d"), ("", "a b c d")])
    assert (score.precision, score.recall, score.f1) == pytest.approx((0.5, 0.5, 0.5))
    assert shingle_f1([]).f1 == 0.0


def test_word_prf_on_a_bag_of_lowercased_words() -> None:
    # pred {the, cat, sat}; truth {the x2, cat, sat, on, mat}: overlap 3
    f1, p, r = word_prf("The cat sat", "the cat sat on the mat")
    assert (p, r) == pytest.approx((1.0, 0.5))
    assert f1 == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("predicted", "truth", "expected"),
    [
        ("", "", 1.0),          # nothing to find, nothing found
        ("!!!", "", 1.0),       # no words is empty
        ("noise", "", 0.0),     # words where there are none
        ("", "the truth", 0.0),  # nothing found
    ],
)
def test_word_prf_empty_rules(predicted: str, truth: str, expected: float) -> None:
    assert word_prf(predicted, truth) == (expected, expected, expected)


def test_word_f1_is_the_mean_of_page_scores() -> None:
    score = word_f1([("The cat sat", "the cat sat on the mat"), ("", "")])
    assert score.f1 == pytest.approx((2 / 3 + 1) / 2)
    assert score.precision == pytest.approx(1.0)
    assert score.recall == pytest.approx(0.75)
    assert score.pages == 2


def test_snippets_match_with_white_space_collapsed() -> None:
    output = "Hello   world.\nSecond line"
    assert snippet_counts(output, ["Hello\n world", "missing"], ["Second line"]) == (1, 1, 1)


def test_snippet_f1_counts_over_the_whole_set() -> None:
    score = snippet_f1([
        ("Hello world. Second line", ["Hello world", "missing"], ["Second line"]),
        ("", ["x"], ["y"]),  # a crash is an empty output: one more miss
    ])
    assert (score.tp, score.fp, score.fn, score.pages) == (1, 1, 2, 2)
    assert score.f1 == pytest.approx(2 / 5)  # 2*1 / (2*1 + 1 + 2)
    assert snippet_f1([]).f1 == 0.0


def test_titles_compare_after_nfkc_casefold_and_spaces() -> None:
    assert normalize_title("  Ｔｈｅ \n Title ") == "the title"  # full-width letters
    assert normalize_title("STRASSE") == normalize_title("Straße")
    accuracy, counted = title_accuracy([
        ("  Ｔｈｅ  Title ", "the title"),  # hit
        (None, "X"),                      # miss
        ("a", None),                      # no truth: not counted
        ("b", "  "),                      # blank truth: not counted
    ])
    assert (accuracy, counted) == (0.5, 2)
