from __future__ import annotations

from cleanpipe.stages.extract import ExtractSettings, extract_text, looks_like_html
from conftest import PAGES


def test_html_and_dumps_are_told_apart() -> None:
    assert looks_like_html((PAGES / "cp1252-geneve.html").read_bytes().decode("cp1252"))
    assert looks_like_html("<p>one</p><p>two</p><p>three <a href='x'>link</a></p>")
    assert not looks_like_html((PAGES / "seed-mt-news.txt").read_text("utf-8"))
    assert not looks_like_html("Use the <b> tag sparingly, said the style guide.")


def test_html_page_gives_main_text_and_metadata(pipeline) -> None:
    record = pipeline.process((PAGES / "cp1252-geneve.html").read_bytes(), "geneve.html")
    assert record["kind"] == "html"
    assert record["title"] == "Été à Genève"
    assert "Les négociateurs ont évoqué la réduction des exercices militaires" in record["text"]
    assert "Accueil" not in record["text"]  # the nav bar is not the article


def test_dump_title_only_when_it_looks_like_a_headline() -> None:
    settings = ExtractSettings()
    result = extract_text("Big News Today\n\nThe body follows here.", settings)
    assert result.title_line == "Big News Today"
    assert result.text.strip() == "The body follows here."
    prose = "This is a sentence. And another one follows it here.\n\nMore."
    assert extract_text(prose, settings).title_line is None
    block = "Line one\nline two of the same block\n\nMore."
    assert extract_text(block, settings).title_line is None


def test_a_metadata_extractor_crash_does_not_lose_the_text() -> None:
    """Found by tests/fuzz: htmldate asserts on this tree (lxml drop_tree on the root)."""
    from cleanpipe.stages.extract import ExtractSettings, extract_html

    page = ("<?xml version='1.0' encoding='utf-8'?><html><body><iframe></iframe>"
            "<p>Some text of the article here.</p></body></html>")
    assert extract_html(page, None, ExtractSettings()).text == "Some text of the article here."
