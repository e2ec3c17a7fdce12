"""The seed: a machine-translated news story dumped from a Blogger page."""

from __future__ import annotations

import json

from conftest import SEED, run_cli


def _paragraphs_of_seed() -> list[str]:
    """The article paragraphs as a reader sees them: between the title and the chrome."""
    raw = SEED.read_text(encoding="utf-8")
    blocks = [b.strip().strip("\u00a0").strip() for b in raw.split("\n\n")]
    blocks = [b for b in blocks if b]
    # first block is the headline, the last three are Blogger's widgets
    return blocks[1:-3]


def _words(text: str) -> list[str]:
    return text.replace("\u00a0", " ").split()


def test_seed_from_stdin_keeps_every_paragraph_and_drops_the_chrome() -> None:
    proc = run_cli("run", stdin=SEED.read_bytes())
    assert proc.returncode == 0, proc.stderr.decode()
    records = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert len(records) == 1
    record = records[0]
    assert record["source"] == "-"
    assert record["title"] == (
        "Washington ready to discuss missile positioning and military exercises with Moscow."
    )
    paragraphs = [p for p in record["text"].split("\n\n") if p.strip()]
    expected = _paragraphs_of_seed()
    assert len(expected) == 10
    assert [_words(p) for p in paragraphs] == [_words(p) for p in expected]
    for chrome in ("Post a Comment", "Previous Post Next Post", "Contact Form"):
        assert chrome not in record["text"]
    removed = {(r["rule"], r["text"]) for r in record["removed"]}
    assert ("blogger-comment-form", "Post a Comment") in removed
    assert ("blogger-post-nav", "Previous Post Next Post") in removed
    assert ("blogger-contact-widget", "Contact Form") in removed
    assert record["stages"][0] == "decode" and record["stages"][-1] == "emit"
    assert record["kind"] == "text"
