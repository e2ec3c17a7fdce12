"""The language stage: detection, backends, paragraphs, declared language."""

from __future__ import annotations

import array
import logging
import random
from collections.abc import Sequence
from pathlib import Path

import pytest

from cleanpipe import Pipeline, RulesError, load_rules
from cleanpipe.stages.language import (
    LanguageSettings,
    Py3langidBackend,
    _NgramWalk,
    declared_language,
    get_backend,
    identify,
    paragraph_spans,
)
from conftest import FIXTURES, PAGES, SEED

LANG = FIXTURES / "language"
ENGLISH = (LANG / "native-en-news.html").read_text(encoding="utf-8")
FRENCH = (LANG / "french-news.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("backend", ["py3langid", "langdetect"])
def test_backends_agree_on_real_articles_and_are_deterministic(pipeline: Pipeline,
                                                               backend: str) -> None:
    settings = LanguageSettings(backend=backend)  # type: ignore[arg-type]
    for page, lang in ((ENGLISH, "en"), (FRENCH, "fr")):
        text = pipeline.process(page)["text"]
        first = identify(text, None, settings)
        assert first.language == lang and first.confidence > 0.9
        assert identify(text, None, settings) == first


@pytest.mark.parametrize("backend", ["py3langid", "langdetect"])
@pytest.mark.parametrize("text", ["12345 !!!", "", "   \n\n", "--- 3.14 --- ###", "😀😀😀"])
def test_text_without_letters_is_undetermined_not_a_crash(backend: str, text: str) -> None:
    assert get_backend(backend).detect(text) == ("und", 0.0)
    result = identify(text, None, LanguageSettings(backend=backend))  # type: ignore[arg-type]
    assert result.language is None and result.mismatch is None


def test_langdetect_is_seeded() -> None:
    short = "Der Zug nach Hamburg fährt heute später ab."  # short texts are where it wavers
    answers = {get_backend("langdetect").detect(short) for _ in range(5)}
    assert len(answers) == 1 and answers.pop()[0] == "de"


def test_declared_language_from_html_lang_meta_and_og_locale() -> None:
    assert declared_language(ENGLISH) == "en"  # <html lang="en-GB">
    assert declared_language('<html><head><meta http-equiv="Content-Language" '
                             'content="fr-CA, en"></head>') == "fr"
    assert declared_language('<html><head><meta property="og:locale" content="pt_BR">'
                             "</head>") == "pt"
    assert declared_language('<html lang="nb"><head></head>') == "no"
    assert declared_language("<html><head></head><body lang='de'>") is None


def test_record_reports_declared_and_detected_and_their_mismatch(pipeline: Pipeline) -> None:
    record = pipeline.process(ENGLISH.encode(), source="en.html")
    assert (record["language"], record["declared_language"]) == ("en", "en")
    assert record["language_mismatch"] is False
    assert 0.9 < record["language_confidence"] <= 1.0

    mislabelled = ENGLISH.replace('lang="en-GB"', 'lang="de"').replace("en_GB", "de_DE")
    record = pipeline.process(mislabelled.encode(), source="de.html")
    assert (record["language"], record["declared_language"]) == ("en", "de")
    assert record["language_mismatch"] is True


def test_a_text_dump_declares_nothing(pipeline: Pipeline) -> None:
    record = pipeline.process(SEED.read_bytes(), source="seed.txt")
    assert record["language"] == "en"
    assert record["declared_language"] is None and record["language_mismatch"] is None


def test_paragraph_languages_line_up_with_paragraphs(pipeline: Pipeline) -> None:
    english = pipeline.process(ENGLISH)["text"]
    french = pipeline.process(FRENCH)["text"]
    french_paragraph = max(french.split("\n"), key=len)  # extracted HTML: one per line
    mixed = english + "\n" + french_paragraph + "\nA short line."
    result = identify(mixed, None, LanguageSettings())
    spans = paragraph_spans(mixed)
    assert len(result.paragraphs) == len(spans)
    langs = {result.paragraphs[i][0] for i in range(len(spans))  # type: ignore[index]
             if result.paragraphs[i] is not None}
    assert langs == {"en", "fr"}
    assert result.paragraphs[-1] is None  # too short to judge (min_paragraph_chars)


def test_backend_typo_in_yaml_is_caught(tmp_path: Path) -> None:
    (tmp_path / "language.yaml").write_text("stage: language\nsettings:\n  backend: langid\n")
    with pytest.raises(RulesError) as info:
        load_rules(tmp_path)
    assert "language.yaml:3: stage 'language': key 'backend': 'langid' is not one of" in str(
        info.value)


def _samples(pipeline: Pipeline) -> list[str]:
    """Texts of every length and script the detector meets, and some it should not."""
    texts = [pipeline.process(page)["text"] for page in (ENGLISH, FRENCH)]
    texts += [path.read_text(encoding="utf-8")
              for path in sorted((FIXTURES / "dumps").glob("*.txt"))]
    texts += [SEED.read_text(encoding="utf-8"),
              (PAGES / "html-elements-reference.txt").read_text(encoding="utf-8")]
    samples = [t[a:b] for t in texts for a, b in paragraph_spans(t)]
    samples += [t[i:i + n] for t in texts for i in (0, len(t) // 3) for n in (400, 250, 70)]
    rng = random.Random(7)
    letters = ("abcdefghijklmnopqrstuvwxyz     ÄÖÜäöüßéèçñ日本語の中文한국어Привет мир"
               "مرحباשלוםनमस्ते😀🇫🇷\u0301\n\t.,!?0123456789")
    samples += ["".join(rng.choice(letters) for _ in range(rng.randrange(400)))
                for _ in range(600)]
    samples += [bytes(rng.randrange(256) for _ in range(rng.randrange(300))).decode("latin-1")
                for _ in range(200)]
    samples += ["", "x", "ab", "abc", "abcd", "abcde", "é", "日", "😀", "\ud800", "\x00",
                "ÉTÉ À PARIS", "12 34", "ÿ" * 200, "the " * 100]
    return samples


def test_py3langid_backend_gives_the_model_s_own_numbers_bit_for_bit(
        pipeline: Pipeline) -> None:
    # the backend scores on float32 rows converted once, py3langid converts per call; the
    # backend walks a text's n-grams in numpy (the sum follows their first occurrence)
    backend = get_backend("py3langid")
    ident = backend._ident  # type: ignore[attr-defined]
    assert backend._walk is not None  # type: ignore[attr-defined]  # the model is known
    samples = _samples(pipeline)
    walked = [s for s in samples if len(ident._encode(s)) >= _NgramWalk.MIN_BYTES]
    assert len(walked) > 500 and len(samples) - len(walked) > 100
    for sample in samples:
        lang, prob = ident.classify(sample)
        assert backend.classify(sample) == (lang, float(prob))  # type: ignore[attr-defined]


def test_the_vectorised_walk_finds_py3langid_s_states_and_counts_at_every_length(
        pipeline: Pipeline) -> None:
    from py3langid.langid import visit_counts

    ident = get_backend("py3langid")._ident  # type: ignore[attr-defined]
    walk = get_backend("py3langid")._walk  # type: ignore[attr-defined]
    nextmove, rowbase, output = ident.tk_nextmove, ident._rowbase, ident.tk_output
    for sample in _samples(pipeline):
        data = ident._encode(sample)
        state, states = 0, []
        for byte in data:
            state = nextmove[rowbase[state] + byte]
            states.append(state)
        assert walk.states(data).tolist() == states
        visits = visit_counts(nextmove, rowbase, output, data)
        found = walk.features(data)
        if visits is None:
            assert found is None
        else:
            assert found is not None and found[1].dtype.name == "float32"
            features = [output[s] for s in states if output[s] >= 0]
            assert found[0].tolist() == list(visits) == list(dict.fromkeys(features))
            assert found[1].tolist() == list(visits.values())


def _trie_depth(nextmove: Sequence[int], row: Sequence[int]) -> int | None:
    """The length of the longest n-gram of the Aho-Corasick automaton ``nextmove`` (state
    ``s`` reads byte ``b`` into ``nextmove[row[s] * 256 + b]``), or ``None`` if it is not
    one: every state is a trie node reached from the start, and a move that is not a trie
    edge goes where the state's failure link (its longest proper suffix in the trie)
    moves on that byte, to the start from the start."""
    import numpy as np

    moves = np.frombuffer(nextmove, dtype=np.uint32).reshape(-1, 256)  # type: ignore[call-overload]
    rows = np.asarray(row, dtype=np.intp)
    depth = np.full(len(rows), -1, dtype=np.intp)
    fail = np.zeros(len(rows), dtype=np.intp)
    depth[0], level, d = 0, np.zeros(1, dtype=np.intp), 0
    while len(level):
        to = moves[rows[level]].ravel()  # the moves of the states d bytes deep
        fresh = np.flatnonzero(depth[to] < 0)
        nodes, first = np.unique(to[fresh], return_index=True)
        edge = np.zeros(len(to), dtype=bool)
        edge[fresh[first]] = True  # a new state is the child of the first move to it
        other = (moves[rows[fail[level]]].ravel() if d else np.zeros_like(to))
        if not np.array_equal(to[~edge], other[~edge]):
            return None
        parent, byte = level[fresh[first] // 256], fresh[first] % 256
        fail[nodes] = moves[rows[fail[parent]], byte] if d else 0
        depth[nodes] = d + 1
        level, d = nodes, d + 1
    return d - 1 if (depth >= 0).all() else None


def test_py3langid_s_tokenizer_is_the_automaton_the_walk_relies_on() -> None:
    """The vectorised walk is right only if the tokenizer's state depends on the last
    ``depth`` bytes alone; this proves it for the installed model (if py3langid ships
    another, its fingerprint will not be known and texts are walked byte by byte)."""
    import zlib

    ident = get_backend("py3langid")._ident  # type: ignore[attr-defined]
    depth = _trie_depth(ident.tk_nextmove, ident.tk_row)
    assert depth == get_backend("py3langid")._walk.depth == 6  # type: ignore[attr-defined]
    crc = 0
    for table in (ident.tk_nextmove, ident.tk_row, ident.tk_output):
        crc = zlib.crc32(table, crc)
    assert _NgramWalk.KNOWN[crc] == depth
    # the check catches a tokenizer that is not one: a move sent elsewhere
    broken = array.array("I", ident.tk_nextmove)
    broken[ident._rowbase[5] + ord("e")] = 7
    assert _trie_depth(broken, ident.tk_row) is None


def test_py3langid_backend_without_the_walk_or_the_fast_path_gives_the_same_numbers(
        pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_NgramWalk, "KNOWN", {})  # tables not recognised: byte by byte
    plain = Py3langidBackend()
    assert plain._walk is None  # type: ignore[attr-defined]
    fallback = Py3langidBackend()
    fallback._fast = False  # type: ignore[attr-defined]  # py3langid's own classify
    ident = get_backend("py3langid")._ident  # type: ignore[attr-defined]
    for sample in _samples(pipeline)[::7]:
        lang, prob = ident.classify(sample)
        assert plain.classify(sample) == fallback.classify(sample) == (lang, float(prob))


def test_a_language_wordfreq_answers_with_a_relative_logs_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Latin (which py3langid detects) gets Italian's table from wordfreq, without a
    warning on stderr: a batch in many languages would print one per language and worker."""
    from cleanpipe.stages.language import top_words

    top_words.cache_clear()
    with caplog.at_level(logging.WARNING):
        assert top_words("la", 20)
    assert not [r for r in caplog.records if r.name.startswith("wordfreq")]



def test_the_common_word_share_answers_as_the_share_of_stripped_words(
        pipeline: Pipeline) -> None:
    """The share test counts the words common as written first, and strips the words
    only when those fall short: it must answer as the share of stripped words does,
    also for a language whose common words hold the characters stripped."""
    from cleanpipe.stages.language import (
        _TOKEN_STRIP,
        _mostly_common,
        _unchanged_by_strip,
        top_words,
    )

    def share_reaches(sample: str, common: frozenset[str], ratio: float) -> bool:
        tokens = sample.lower().split()
        known = sum(t.strip(_TOKEN_STRIP) in common for t in tokens)
        return known / max(1, len(tokens)) >= ratio

    english = top_words("en", 200)
    odd = english | {"'s", "(the", "etc.", "«a»"}
    assert _unchanged_by_strip(odd) == english
    samples = _samples(pipeline)
    samples += ["The, the. (the) «the» 's etc. etc (the", "", "   ", "'s 's 's x"]
    for sample in samples:
        for ratio in (0.0, 0.1, 0.3, 0.5, 1.0):
            assert _mostly_common(sample, english, english, ratio) == share_reaches(
                sample, english, ratio)
            assert _mostly_common(sample, odd, english, ratio) == share_reaches(
                sample, odd, ratio)
