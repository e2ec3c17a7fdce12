"""The translation stage: MT artifacts flagged with reasons, native text left alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanpipe import Pipeline, RulesError, load_rules
from cleanpipe.stages.language import (
    LanguageResult,
    LanguageSettings,
    identify,
    paragraph_spans,
)
from cleanpipe.stages.translation import (
    TranslationSettings,
    repair_spacing,
    sample_paragraphs,
    translation_signals,
)
from conftest import FIXTURES, SEED

LANG = FIXTURES / "language"


def test_the_seed_is_flagged_with_joint_quote_and_fragment_reasons(pipeline: Pipeline) -> None:
    record = pipeline.process(SEED.read_bytes(), source="seed.txt")
    assert record["likely_machine_translated"] is True
    report = record["translation"]
    assert report["likely_machine_translated"] is True and report["score"] >= 0.45
    fired = {s["id"]: s for s in report["signals"]}
    assert {"stray_fragment", "joint_lowercase", "quote_glued"} <= set(fired)
    # the NBSP joints are seen because normalize runs after the translation stage
    assert "joint_space" in fired
    assert any("”said" in e for e in fired["quote_glued"]["examples"])
    for signal in report["signals"]:
        assert signal["count"] >= 1 and signal["rate"] > 0
        assert 1 <= len(signal["examples"]) <= 3
    # normalize still cleans the text afterwards
    assert "\u00a0" not in record["text"]


@pytest.mark.parametrize("name", ["native-en-news.html", "french-news.html"])
def test_native_articles_are_not_flagged(pipeline: Pipeline, name: str) -> None:
    record = pipeline.process((LANG / name).read_bytes(), source=name)
    assert record["text"] and record["language"] == name[:2].replace("na", "en")
    assert record["likely_machine_translated"] is False
    assert record["translation"]["score"] < 0.45


def test_french_typography_is_normal_in_french_and_a_leak_in_english(pipeline: Pipeline) -> None:
    french = pipeline.process((LANG / "french-news.html").read_bytes())
    fired = {s["id"] for s in french["translation"]["signals"]}
    assert not fired & {"foreign_punct_spacing", "foreign_punct_spacing_ascii",
                        "foreign_quotes", "foreign_number_format", "elision_brackets"}
    english = (
        "The municipal council adopted the renovation project on Tuesday evening\u00a0: "
        "« The market hall has not been touched since 1974 », underlined the mayor. The "
        "budget rose by 12,5 % in six months, and the works will last eighteen months, "
        "indicated the town hall.\n\nThe opposition voted against\u00a0: « who will pay the "
        "difference\u00a0? » asked its leader, who judged the plan too expensive [...] for "
        "a town of this size.")
    lang = identify(english, None, LanguageSettings())
    assert lang.language == "en"
    report = translation_signals(english, lang, rules=load_rules().rules["translation"])
    assert {"foreign_punct_spacing", "foreign_quotes", "foreign_number_format",
            "reporting_inversion"} <= set(report.reasons)
    assert report.likely_machine_translated


def test_html_markers_of_a_machine_translated_page(pipeline: Pipeline) -> None:
    page = (LANG / "native-en-news.html").read_text(encoding="utf-8").replace(
        '<html lang="en-GB">', '<html lang="en-x-mtfrom-fr" class="translated-ltr">')
    record = pipeline.process(page.encode())
    assert record["likely_machine_translated"] is True
    assert "html_mt_marker" in {s["id"] for s in record["translation"]["signals"]}


def test_repair_is_off_by_default(tmp_path: Path) -> None:
    (tmp_path / "emit.yaml").write_text("stage: emit\nsettings:\n  include_trail: true\n")
    record = Pipeline.from_rules(tmp_path).process(SEED.read_bytes())
    assert "commitment, ”said" in record["text"]
    assert not [s for s in record["trail"] if s["stage"] == "translation"]


def test_repair_spacing_fixes_glued_quotes_and_nbsp_joints_and_logs_each(
        tmp_path: Path) -> None:
    (tmp_path / "translation.yaml").write_text(
        "stage: translation\nsettings:\n  repair_spacing: true\n")
    (tmp_path / "emit.yaml").write_text("stage: emit\nsettings:\n  include_trail: true\n")
    record = Pipeline.from_rules(tmp_path).process(SEED.read_bytes())
    text = record["text"]
    assert "commitment,” said the senior official" in text and "”said" not in text
    assert "you,” he told" in text
    assert "briefing. conference call." in text  # the NBSP joint is one space, words kept
    fixes = [s for s in record["trail"] if s["stage"] == "translation"]
    assert {s["rule"] for s in fixes} >= {"joint-space", "glued-closing-quote"}
    assert all(s["action"] == "rewrite" and "->" in s["text"] for s in fixes)
    assert record["likely_machine_translated"] is True  # judged before the repair


def test_repair_spacing_leaves_clean_text_alone() -> None:
    clean = "A clean sentence. Another one, “quoted” properly.\nA second line."
    assert repair_spacing(clean, "en") == (clean, [])
    fixed, fixes = repair_spacing("“It was over.\u00a0 Then he left, ”said Ann.", "en")
    assert fixed == "“It was over. Then he left,” said Ann."
    assert [f.rule for f in fixes] == ["joint-space", "glued-closing-quote"]


def test_a_typo_in_translation_yaml_names_file_line_and_suggestion(tmp_path: Path) -> None:
    (tmp_path / "translation.yaml").write_text(
        "stage: translation\n"
        "settings:\n"
        "  treshold: 0.5\n"
        "rules:\n"
        "  - id: stray_fragment\n"
        "    wieght: 0.2\n"
        "  - id: stray_fragmnet\n"
        "    weight: 0.2\n")
    with pytest.raises(RulesError) as info:
        load_rules(tmp_path)
    problems = info.value.problems
    where = f"{tmp_path}/translation.yaml"
    assert (f"{where}:3: stage 'translation': key 'treshold': unknown key "
            "(did you mean 'threshold'?)") in problems
    assert (f"{where}:6: rule 'stray_fragment': key 'wieght': unknown key "
            "(did you mean 'weight'?)") in problems
    assert any(p.startswith(f"{where}:7: rule 'stray_fragmnet': key 'id'")
               and "did you mean 'stray_fragment'" in p for p in problems)


def test_out_of_range_weight_is_refused(tmp_path: Path) -> None:
    (tmp_path / "translation.yaml").write_text(
        "stage: translation\nrules:\n  - id: joint_space\n    weight: 2\n")
    with pytest.raises(RulesError, match=r"translation.yaml:4: rule 'joint_space': key "
                       r"'weight': 2 is out of range"):
        load_rules(tmp_path)


_ALPHABET = st.sampled_from(list("aZé. ,;:!?\"“”„«»'’[]()…\u00a0\u202f\n-0123456789%") +
                            ["the", "said", "He", " the ", "www.x.com", "wordWord", "[...]"])


@settings(max_examples=300, deadline=None)
@given(text=st.lists(_ALPHABET, max_size=400).map("".join),
       lang=st.sampled_from([None, "en", "fr", "de", "ja", "sv", "pl"]))
def test_any_text_gives_a_report_and_repair_only_moves_spaces(text: str,
                                                              lang: str | None) -> None:
    language = LanguageResult(lang, 0.99 if lang else 0.0, "fr" if lang else None,
                              None, ())
    report = translation_signals(text, language, "<html><head></head></html>")
    assert 0.0 <= report.score <= 1.0
    fixed, fixes = repair_spacing(text, lang)
    assert "".join(fixed.split()) == "".join(text.split())
    assert bool(fixes) == (fixed != text)


def test_a_language_without_a_large_table_takes_no_place_among_the_loaded_ones() -> None:
    """Only 12 large tables stay loaded: an empty one among them pushed a real one out,
    to be read again (0.1-0.35 s) on the next page in that language."""
    from wordfreq import available_languages

    from cleanpipe.stages import translation

    text = SEED.read_text("utf-8")
    translation._large_table.cache_clear()
    translation_signals(text, LanguageResult("en", 0.9, None, None))
    assert translation._large_table.cache_info().currsize == 1
    for lang in ("hu", "id", "tr"):
        assert lang not in available_languages("large")
        report = translation_signals(text, LanguageResult(lang, 0.9, None, None))
        assert 0.0 <= report.score <= 1.0
        assert translation._target_table(lang) == {}
    assert translation._large_table.cache_info().currsize == 1
    assert translation._target_table("en").get("the", 0) > 0.01
    assert translation._large_table.cache_info().misses == 1


def test_word_tables_stay_bounded_over_many_languages() -> None:
    """A crawl in many languages must not keep every language's word table in a worker,
    nor wordfreq's copy of any: cleanpipe keeps what it needs of a table itself."""
    import wordfreq

    from cleanpipe.stages import translation

    text = SEED.read_text("utf-8")
    langs = ["en", "fr", "de", "es", "it", "pt", "nl", "pl", "sv", "ru", "tr", "cs", "fi"]
    for lang in langs:
        report = translation_signals(text, LanguageResult(lang, 0.9, None, None))
        assert 0.0 <= report.score <= 1.0
    assert translation._large_table.cache_info().currsize <= 12
    assert translation._source_words.cache_info().currsize <= 32
    assert wordfreq.get_frequency_list.cache_info().currsize == 0
    assert wordfreq.get_frequency_dict.cache_info().currsize == 0
    assert translation._large_table("en").get("the", 0) > 0.01  # still the real table


def test_word_tables_kept_for_the_process_are_not_walked_by_the_garbage_collector(
        pipeline: Pipeline) -> None:
    """Every full collection walks what is tracked: the word tables and the language
    model's tables (hundreds of thousands of references) must not be."""
    import gc

    import wordfreq

    from cleanpipe.stages import translation
    from cleanpipe.stages.language import get_backend, top_words

    record = pipeline.process((LANG / "native-en-news.html").read_bytes())
    assert record["language"] == "en"
    assert wordfreq.get_frequency_list.cache_info().currsize == 0
    gc.collect()  # (a tuple of untracked items is untracked by a collection)
    ident = get_backend("py3langid")._ident  # type: ignore[attr-defined]
    for table in (ident._rowbase, ident.tk_output):  # arrays: nothing inside to walk
        assert len(table) > 100_000
        assert not gc.is_tracked(table) or gc.get_referents(table) == [type(table)]
    fw = TranslationSettings().foreign_words
    leftovers = translation._possible_leftovers("en", fw.source_languages,
                                                fw.source_min_zipf, fw.target_max_zipf)
    assert "sondern" in leftovers and "également" in leftovers and "the" not in leftovers
    assert len(leftovers) > 1_000 and not gc.is_tracked(leftovers)
    assert translation._large_table("en")["the"] > 0.01
    assert not gc.is_tracked(translation._large_table("en"))
    # top_words answers a smaller n from the same read: the commonest words first
    assert top_words("en", 60) < top_words("en", 200) and "the" in top_words("en", 60)
    assert top_words("en", 60) == frozenset(wordfreq.top_n_list("en", 60))


@pytest.mark.parametrize("lang", ["en", "ru", "la", "ko", "an", "qq"])
def test_word_tables_are_wordfreq_s_own(lang: str) -> None:
    """top_words and the frequency tables are read past wordfreq's caches: the same words
    and numbers as its top_n_list and get_frequency_dict (la has no table of its own:
    wordfreq answers with Italian's; qq is no language)."""
    import wordfreq

    from cleanpipe.stages import translation
    from cleanpipe.stages.language import top_words

    for n in (60, 200):
        try:
            expected = frozenset(wordfreq.top_n_list.__wrapped__(lang, n))
        except LookupError:
            expected = frozenset()
        assert top_words(lang, n) == expected
    for wordlist in ("large", "small"):
        table = translation._load_table(lang, wordlist)
        if lang in wordfreq.available_languages(wordlist):
            expected_table = wordfreq.get_frequency_dict.__wrapped__(lang, wordlist)
            assert table == expected_table and list(table) == list(expected_table)
        else:
            assert table == {}
    wordfreq.get_frequency_list.cache_clear()


def test_the_language_and_translation_stages_read_a_language_s_table_once(
        monkeypatch: pytest.MonkeyPatch, pipeline: Pipeline) -> None:
    import wordfreq

    from cleanpipe.stages import translation
    from cleanpipe.stages.language import top_words, word_buckets

    reads: list[tuple[str, str]] = []
    real = wordfreq.get_frequency_list

    def counted(lang: str, wordlist: str = "best") -> list[list[str]]:
        reads.append((lang, wordlist))
        return real.__wrapped__(lang, wordlist)  # type: ignore[attr-defined, no-any-return]

    counted.cache_clear = real.cache_clear  # type: ignore[attr-defined]
    monkeypatch.setattr(wordfreq, "get_frequency_list", counted)
    for cached in (top_words, word_buckets, translation._large_table, translation._caps_re,
                   translation._possible_leftovers):
        cached.cache_clear()
    record = pipeline.process((LANG / "french-news.html").read_bytes())
    assert record["language"] == "fr" and record["translation"]["score"] >= 0.0
    assert reads.count(("fr", "large")) == 1 and ("fr", "best") not in reads


# --------------------------------------------------------------------------- long texts


def _native_text(pipeline: Pipeline) -> str:
    return str(pipeline.process((LANG / "native-en-news.html").read_bytes())["text"])


def test_a_long_texts_sample_holds_whole_sentences_from_start_middle_and_end(
        pipeline: Pipeline) -> None:
    text = "\n\n".join([_native_text(pipeline)] * 10)
    spans = paragraph_spans(text)
    sample, sample_spans, origins = sample_paragraphs(text, spans, 6000)
    assert origins is not None and len(sample) <= 6000 + 2 * len(sample_spans)
    assert len(sample) >= 5000
    # each piece is the text at its origin
    for (a, b), origin in zip(sample_spans, origins, strict=True):
        assert text[origin:origin + b - a] == sample[a:b]
    # it reaches the start, the middle and the end of the text
    n = len(text)
    assert origins[0] == 0
    assert any(abs(o - n // 2) < 2500 for o in origins)
    last = origins[-1] + sample_spans[-1][1] - sample_spans[-1][0]
    assert last == len(text.rstrip())
    # and holds no broken word: each piece starts a line or a sentence and ends one
    for (a, b), origin in zip(sample_spans, origins, strict=True):
        assert origin == 0 or text[origin - 1] in "\n " and (
            text[origin - 1] == "\n" or text[origin - 2] == ".")
        assert b - a > 0 and (sample[b - 1] in ".!?”\"" or origin + b - a in
                              {s for _, s in spans})


def test_sample_chars_0_or_a_short_text_is_judged_whole(pipeline: Pipeline) -> None:
    text = "\n\n".join([_native_text(pipeline)] * 10)
    spans = paragraph_spans(text)
    assert sample_paragraphs(text, spans, 0) == (text, spans, None)
    assert sample_paragraphs(text, spans, len(text)) == (text, spans, None)
    rules = load_rules().rules["translation"]
    lang = identify(text, None, LanguageSettings())
    whole = translation_signals(text, lang, None, TranslationSettings(sample_chars=0), rules)
    sampled = translation_signals(text, lang, None, TranslationSettings(), rules)
    assert not whole.sampled and sampled.sampled
    assert not whole.likely_machine_translated and not sampled.likely_machine_translated
    # a sample's counts are at most the whole text's
    assert all(n <= whole.counts.get(sid, 0) for sid, n in sampled.counts.items())
    # paragraph hits point into the text (offsets moved back from the sample)
    assert set(sampled.paragraph_hits) <= set(range(len(spans)))


def test_a_long_machine_translated_text_is_judged_in_full_and_flagged() -> None:
    seed = SEED.read_text(encoding="utf-8")
    text = "\n\n".join([seed] * 8)
    rules = load_rules().rules["translation"]
    lang = identify(text, None, LanguageSettings())
    whole = translation_signals(text, lang, None, TranslationSettings(sample_chars=0), rules)
    report = translation_signals(text, lang, None, TranslationSettings(), rules)
    assert len(text) > TranslationSettings().sample_chars
    # the sample scored above full_scan_score, so the report is the whole text's
    assert report == whole and not report.sampled
    assert report.likely_machine_translated


def test_full_scan_score_above_the_threshold_is_refused(tmp_path: Path) -> None:
    (tmp_path / "translation.yaml").write_text(
        "stage: translation\nsettings:\n  threshold: 0.4\n  full_scan_score: 0.5\n")
    with pytest.raises(RulesError, match="full_scan_score"):
        load_rules(tmp_path)


def test_the_capitalised_common_words_pattern_finds_what_a_plain_alternation_finds() -> None:
    import re

    from cleanpipe.stages.language import top_words
    from cleanpipe.stages.translation import _LO, _caps_re

    text = SEED.read_text(encoding="utf-8") + (
        " we will The work and In the end, says Or not, then To be or For the lot. A b")
    for lang in ("en", "fr", "es"):
        words = sorted((w for w in top_words(lang, 60) if w.isalpha() and len(w) > 1
                        and not (lang == "en" and w == "i")), key=len, reverse=True)
        plain = re.compile(" (?P<w>" + "|".join(re.escape(w[0].upper() + w[1:])
                                                  for w in words) + f") (?=[{_LO}])")
        assert [(m.span(), m.group("w")) for m in _caps_re(lang).finditer(text)] == [
            (m.span(), m.group("w")) for m in plain.finditer(text)]


def _fixture_texts() -> list[str]:
    """Real texts of every script the fixtures hold (pages, dumps, language pages)."""
    paths = sorted(FIXTURES.glob("pages/*")) + sorted(FIXTURES.glob("dumps/*.txt")) + sorted(
        LANG.glob("*.html"))
    return [p.read_bytes().decode("utf-8", "replace") for p in paths if p.is_file()]


def test_the_first_doubled_word_is_where_the_word_s_own_pattern_finds_it() -> None:
    import random

    from cleanpipe.stages.translation import _ODD_SPACE, _Doubled

    def searched(text: str, word: str) -> tuple[int, int] | None:
        m = re.search(rf"\b{re.escape(word)}[ \t{_ODD_SPACE}]+{re.escape(word)}\b", text, re.I)
        return m.span() if m else None

    texts = [
        "the the", "The THE x", "xthe the", "the thex", "the\nthe the  the", "a_the the the",
        "1the the the1 the the", "the\u00a0\u00a0the", "the \u202fthe", "der der für für FÜR",
        # characters re matches to an ASCII letter though lower() does not give one
        "\u017ftop stop stop", "stop \u017ftop", "\u0130s is is", "\u212a k k", "ok OK",
        "l'amour amour", "word word,word word", "Ning Ning ning ning", "",
    ]
    rng = random.Random(7)
    for text in _fixture_texts():
        words = sorted({w for w in text.lower().split() if w.isalpha() and len(w) > 1})
        for w in rng.sample(words, min(6, len(words))):
            k = text.lower().find(w)  # double it where it first stands, in another case
            texts.append(text[:k] + w.upper() + rng.choice([" ", "\u00a0", "  ", "\t"])
                         + text[k:])
        texts.append(text)
    checked = found = 0
    for text in texts:
        doubled = _Doubled(text, text.lower())
        words = sorted({w for w in re.findall(r"[^\W\d_]+", text.lower()) if len(w) > 1})
        for w in words[:40] + rng.sample(words, min(20, len(words))):
            m = doubled.first(w)
            assert (m.span() if m else None) == searched(text, w), (text[:60], w)
            checked += 1
            found += m is not None
    assert checked > 1000 and found > 50


def test_the_spans_holding_a_glued_token_anchor_are_those_whose_own_search_finds_one() -> None:
    from cleanpipe.stages.translation import GLUED_ANCHOR_RE, _anchored_spans

    texts = _fixture_texts() + [
        "", "aBc", "x\n\nyZz wOrd\n\n  \n\nno", "aB\n\ncD\n\neFg", "aBcDeF gHi\njKl",
        "wordWord\nmoreWords here", "éÉé àÀ", "abC\ndef", "xY\nzab"]
    for text in texts:
        spans = paragraph_spans(text)
        lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
        # paragraphs, every other one (letters between spans), lines, and word halves
        halves = [(a, a + (b - a) // 2) for a, b in lines if b - a > 1]
        for chosen in (spans, spans[1::2], lines, halves):
            assert _anchored_spans(text, chosen) == [
                (a, b) for a, b in chosen if GLUED_ANCHOR_RE.search(text[a:b])], text[:60]


@pytest.mark.parametrize("line", [
    "Powered by Google Translate", "POWERED BY   translator", "google translate", "Select Language",
    "select\tlanguage", "Translate", "Translate this page", "translate this site", "Translate »",
    "Original text", "Rate this translation", "Contribute a better translation", "Show original",
    "Traduire", "Übersetzen", "Seite übersetzen", "Sprache wählen", "SPRACHE AUSWÄHLEN",
    "Choisir la langue", "Seleccionar idioma", "Traducir",
    "This page was automatically translated", "the article has been machine-translated",
    "The story is auto translated", "This version were machine translated",
    "automatically translated by", "machine-translated from", "Machine translated using",
    "translated automatically", "translated by a machine", "Translated by machine",
    "translated by Google Translate", "translation powered by DeepL", "Translation provided by "
    "Bing", "translated with Microsoft Translator", "translated by Yandex",
    "maschinell übersetzt", "Automatisch übersetzt", "Traduit automatiquement",
    "traducción automática", "Traducido automáticamente", "tradotto automaticamente",
    "TRADUZIONE AUTOMATICA",
])
def test_every_widget_line_or_mt_notice_holds_the_words_its_scan_is_gated_on(line: str) -> None:
    from cleanpipe.stages.translation import (
        _MT_STATEMENT_NEEDS,
        _MT_STATEMENT_PHRASES,
        _WIDGET_NEEDS,
        _WIDGET_PHRASES,
        MT_STATEMENT_RE,
        WIDGET_LINE_RE,
        _holds_any,
        _holds_phrase,
    )

    text = f"Some words before.\n{line}\nAnd after it."
    found = [(m, _WIDGET_NEEDS, _WIDGET_PHRASES) for m in WIDGET_LINE_RE.finditer(text)] + [
        (m, _MT_STATEMENT_NEEDS, _MT_STATEMENT_PHRASES)
        for m in MT_STATEMENT_RE.finditer(text)]
    assert found, line  # (each line is one that a scan finds)
    for m, needs, phrases in found:
        assert (_holds_any(m.group().lower(), needs)
                or _holds_phrase(m.group().lower(), phrases, {})), (line, m.group())
    # the same lines spaced otherwise and in other cases: what a scan finds, its gate
    # lets through (the gates read the whole text, lowercased)
    for variant in (line.upper(), line.replace(" ", "\u00a0\t"), line.replace(" ", "\n "),
                    line.replace(" ", "  ") + " :", "  " + line.title() + " \u00bb ",
                    line + "s"):
        text = f"Before.\n\n{variant}\n\nAfter."
        low = text.lower()
        if any(True for _ in WIDGET_LINE_RE.finditer(text)):
            assert (_holds_any(low, _WIDGET_NEEDS)
                    or _holds_phrase(low, _WIDGET_PHRASES, {})), variant
        if any(True for _ in MT_STATEMENT_RE.finditer(text)):
            assert (_holds_any(low, _MT_STATEMENT_NEEDS)
                    or _holds_phrase(low, _MT_STATEMENT_PHRASES, {})), variant


def test_a_widget_line_is_found_where_re_folds_a_character_to_the_needed_word() -> None:
    # "ſ" (long s) matches "s" when ignoring case, but lower() keeps it
    report = translation_signals("Nothing to see in this language here.\n\u017fhow original\n",
                                 None)
    assert report.counts.get("widget_residue") == 1


def _crafted_texts() -> list[str]:
    return _fixture_texts() + [
        "", "a ; b :\nc !\u00a0? d ?", " :", "x : ", "a ::: b ;; c ; ", "f(x) => {a::b} && c // d",
        "///  :::: &&& =>=> [a](b) `x` $y \\z |w|", '"q" “r” „s“ «t» »u« no quotes\n\nhere "x',
        "«\n\n»\n\n\"", "12\u202f345 and 6\u00a0789", "x\n\n\n\ny"]


def test_code_characters_and_spaced_punctuation_are_found_as_their_patterns_find_them() -> None:
    from cleanpipe.stages.translation import (
        _CODE_CHARS_RE,
        PUNCT_AFTER_SPACE_RE,
        SPACE_BEFORE_PUNCT_RE,
        _code_counts,
    )

    for text in _crafted_texts():
        assert [(m.start() - 1, m.end()) for m in PUNCT_AFTER_SPACE_RE.finditer(text)] == [
            m.span() for m in SPACE_BEFORE_PUNCT_RE.finditer(text)]
        spans = paragraph_spans(text)
        assert _code_counts(text, spans) == [
            len(_CODE_CHARS_RE.findall(text[a:b])) for a, b in spans]


def test_the_paragraphs_holding_a_quote_are_found_by_one_scan() -> None:
    from cleanpipe.stages.translation import _QUOTE_CHAR_RE, _spans_holding

    for text in _crafted_texts():
        spans = paragraph_spans(text)
        lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
        for chosen in (spans, spans[1::2], lines, lines[::3]):
            assert _spans_holding(_QUOTE_CHAR_RE, text, chosen) == [
                (a, b) for a, b in chosen if any(q in text[a:b] for q in '"“”„«»')]


def test_the_reporting_inversion_pattern_finds_what_a_plain_alternation_finds() -> None:
    from cleanpipe.stages.translation import _INVERSION_RE, _INVERSION_VERBS_EN

    plain = re.compile(
        rf"[,”\"]\s+(?P<v>{_INVERSION_VERBS_EN})\s+(?:(?P<pro>he|she|they)\s+(?:the|a|an)\s|"
        r"(?:the|a|an|his|her|their|its|this|our|one)\s+[a-z])")
    verbs = _INVERSION_VERBS_EN.split("|")
    texts = _fixture_texts() + [" ".join(
        f", {v} he the x. ” {v} the minister, {v}  a b, {v}ed the c, re{v} the d" for v in verbs)]
    for text in texts:
        assert [(m.span(), m.group("v"), m.group("pro")) for m in _INVERSION_RE.finditer(text)] == [
            (m.span(), m.group("v"), m.group("pro")) for m in plain.finditer(text)]
    assert len(_INVERSION_RE.findall(texts[-1])) >= 2 * len(verbs)


def test_the_mt_notice_scan_finds_what_its_pattern_finds() -> None:
    from cleanpipe.stages.translation import _MT_STATEMENT_SCAN_RE, MT_STATEMENT_RE

    notices = (
        "This page was automatically translated. machine-translated from X; Translated by "
        "Google Translate, the text is auto-translated, TRADUZIONE AUTOMATICA, \u0130t "
        "translated automatically, Automatisch übersetzt, traduit automatiquement. "
        "THE\u00a0ARTICLE\nhas been machine translated; atranslated by deepl")
    texts = _crafted_texts() + [notices, notices.lower(), notices.upper()]
    assert len(MT_STATEMENT_RE.findall(notices)) >= 7
    for text in texts:
        assert [m.span() for m in _MT_STATEMENT_SCAN_RE.finditer(text)] == [
            m.span() for m in MT_STATEMENT_RE.finditer(text)], text[:60]


def test_the_gates_of_one_text_answer_as_plain_searches_do() -> None:
    from cleanpipe.stages.translation import (
        _MT_STATEMENT_NEEDS,
        _MT_STATEMENT_PHRASES,
        _TEXT_ANCHORS,
        _WIDGET_NEEDS,
        _WIDGET_PHRASES,
        _holds,
        _holds_any,
        _holds_phrase,
    )

    lines = ["select language", "Translate this page", "show original", "transl",
             "translation by bing", "select  language :", "translated\n",
             "machine translated", "translat google", "sprache wählen", "nothing here", ""]
    for text in lines + [" ".join(lines[i:]) for i in range(len(lines))] + _fixture_texts():
        low = text.lower()
        known: dict[str, bool] = {}
        assert any(_holds(low, a, known) for a in _TEXT_ANCHORS) == any(
            a in low for a in _TEXT_ANCHORS)
        for needs in (_WIDGET_NEEDS, _MT_STATEMENT_NEEDS):
            assert _holds_any(low, needs, known) == any(
                all(w in low for w in need) for need in needs), text[:60]
        for phrases in (_WIDGET_PHRASES, _MT_STATEMENT_PHRASES):
            assert _holds_phrase(low, phrases, known) == any(
                rx.search(low) for _, rx in phrases), text[:60]
        assert all(there == (w in low) for w, there in known.items())


def test_the_lowercase_start_scan_finds_every_lowercase_start_a_plain_scan_finds() -> None:
    from cleanpipe.stages.translation import _L, _SP, LOWER_START_RE

    plain = re.compile(rf"\.(?P<sp>{_SP}+)(?P<word>{_L}[\w'’-]*)")
    texts = _crafted_texts() + [
        "End. the start. The x. \u00c9t\u00e9 f. \u00e9t\u00e9 g.  a.\u00a0b. \u00c0 c. x.Y. "
        "\u0394 d. \u03b4 e. iPhone. eBay.  ..the"]
    for text in texts:
        found = [m.span() for m in LOWER_START_RE.finditer(text)]
        lower = [m.span() for m in plain.finditer(text) if m.group("word")[0].islower()]
        assert set(lower) <= set(found), text[:60]
        assert all(text[a + 1:b].lstrip(_SP[1:-1])[0] not in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                   for a, b in found)


def test_foreign_words_counted_from_the_lowercased_words_as_from_the_exact_ones() -> None:
    from cleanpipe.stages import translation
    from cleanpipe.stages.translation import _TOKEN_STRIP, _foreign_in_context, _Hits

    settings = TranslationSettings()
    fw = settings.foreign_words
    leftovers = translation._possible_leftovers("en", fw.source_languages,
                                                fw.source_min_zipf, fw.target_max_zipf)
    prose = ("We went to the market and found that the old sondern was still there, and "
             "the people said that the également of the town was very good for all of them. "
             "Sondern, «sondern» and (également) are here too, as is Also with the same.")
    counted = {}
    for text in _fixture_texts() + [prose, prose.upper(), prose.replace(" the ", " The ")]:
        spans = paragraph_spans(text)
        exact = {t.strip(_TOKEN_STRIP) for t in set(text.split())} & leftovers.keys()
        found = leftovers.keys() & {t.strip(_TOKEN_STRIP) for t in set(text.lower().split())}
        assert exact <= found
        by_exact, by_found = _Hits(3), _Hits(3)
        _foreign_in_context(text, text, spans, "en", exact, translation._large_table("en"),
                            settings, by_exact)
        _foreign_in_context(text, text, spans, "en", found, translation._large_table("en"),
                            settings, by_found)
        assert (by_exact.counts, by_exact.offsets, by_exact.examples) == (
            by_found.counts, by_found.offsets, by_found.examples)
        counted[text] = (len(exact), len(found), by_found.counts.get("foreign_words", 0))
    assert counted[prose] == (2, 2, 2)
    assert counted[prose.upper()] == (0, 2, 0)  # more words looked for, none counted


def test_every_lowercase_fragment_start_is_a_place_the_cheaper_scan_finds() -> None:
    from cleanpipe.stages.translation import FRAGMENT_RE, STOP_THEN_LETTER_RE

    texts = _crafted_texts() + [
        "He said. the senior official. Then it. \u00e9t\u00e9 long. \u201dHe said.\u201d the end.",
        "x.\u00a0\u00a0the one two. A. b. c d e f g. \u03b4 x.\n\nyes. no.", "a.  b.", "."]
    for text in texts:
        places = {m.start(1) for m in STOP_THEN_LETTER_RE.finditer(text)
                  if m.group(1).islower()}
        for m in FRAGMENT_RE.finditer(text):
            if m.group("frag")[0].islower():
                assert m.start("frag") in places, (text[:60], m.group())
    report = translation_signals(
        "We went there with all of the people in the town today. the senior official.\n"
        * 5, None)
    assert report.counts.get("stray_fragment", 0) >= 1  # (and the gate lets it through)


def test_the_fast_code_test_agrees_with_codey_re() -> None:
    from cleanpipe.stages.translation import CODEY_RE, _codey

    texts = _fixture_texts() + [
        "", "(", "a(", " (x)", "f()", "é(", "_", "x = 1", "a;b", "<b>", "{}", "1(2)", "((",
        "\u00e9\u0301(", "end.(see)", "word (aside)", "call(arg)"]
    pieces = [p for t in texts for p in [t, *t.split("\n")]]
    assert any(_codey(p) for p in pieces) and not all(_codey(p) for p in pieces)
    for piece in pieces:
        assert _codey(piece) == bool(CODEY_RE.search(piece)), piece


@given(st.text(alphabet="ab1_(){}=;<>é\u0301 \n.", max_size=24))
@settings(max_examples=300, deadline=None)
def test_the_fast_code_test_agrees_with_codey_re_on_any_text(text: str) -> None:
    from cleanpipe.stages.translation import CODEY_RE, _codey

    assert _codey(text) == bool(CODEY_RE.search(text))
