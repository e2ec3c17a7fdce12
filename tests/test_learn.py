"""Site profiles: learning a site's repeated lines from several of its pages."""

from __future__ import annotations

import json

from cleanpipe.config import load_rules
from cleanpipe.learn import RepeatCounter, SiteProfile, site_of
from cleanpipe.stages.chrome import line_hash
from conftest import FIXTURES, jsonl, run_cli

SITE = FIXTURES / "sites" / "greenleaf"
CHROME = ("Our spring catalogue is out now",
          "Greenleaf Gardening Journal is written by volunteers of the Greenleaf Society.")


def test_counter_counts_pages_not_occurrences_and_stays_bounded() -> None:
    counter = RepeatCounter(max_entries=4)
    counter.add("a.example", "Home\nHome\nNews\nSport")
    counter.add("a.example", "Home\nWeather\nTravel\nFood\nMusic")
    counts = counter.counts["a.example"]
    assert counts[line_hash("Home")] == 2
    assert len(counts) <= 4  # pages' one-off lines made room or were not counted
    counter.add("a.example", "Home")
    assert counter.learned(min_pages=3, min_share=0.5) == {
        "a.example": frozenset({line_hash("Home")})}
    assert counter.learned(min_pages=4) == {}


def test_lines_without_letters_are_never_learned() -> None:
    assert line_hash("|") is None and line_hash("2024") is None and line_hash("x") is None
    assert line_hash("  HOME  ") == line_hash("home")  # compared as phrase rules compare


def test_pages_are_grouped_by_host_else_folder() -> None:
    assert site_of("a/b.txt", "https://www.example.com/x") == "example.com"
    assert site_of("a/b.txt") == "folder:a"
    assert site_of("a/b.txt", "https://example.com/", host="given.example") == "given.example"


def test_profile_rule_is_scoped_to_the_host_when_known() -> None:
    rule = SiteProfile("example.com", 5, ("Home", "Shop")).rule()
    assert (rule.id, rule.kind, rule.where, rule.hosts) == (
        "site-example-com", "phrase", "anywhere", ("example.com",))
    folder = SiteProfile("folder:crawl/shop", 5, ("Home",)).rule()
    assert folder.id == "site-shop" and folder.hosts == ()


def test_learn_writes_readable_rules_that_load_and_clean(tmp_path) -> None:
    out = tmp_path / "rules" / "sites" / "greenleaf.example.yaml"
    proc = run_cli("learn", str(SITE), "--host", "greenleaf.example", "-o", str(out))
    assert proc.returncode == 0, proc.stderr.decode()
    text = out.read_text("utf-8")
    assert text.startswith("# Site profile learned by `cleanpipe learn`")
    rules = {r.id: r for r in load_rules(tmp_path / "rules").rules["chrome"]}
    site = rules["site-greenleaf-example"]
    assert site.hosts == ("greenleaf.example",) and site.kind == "phrase"
    assert set(CHROME) <= set(site.pattern)
    assert not any("apple" in p.lower() for p in site.pattern)  # articles differ per page

    page = SITE / "pruning-apples.txt"
    with_rules = run_cli("run", "--rules", str(tmp_path / "rules"), "--url",
                         "https://greenleaf.example/pruning", str(page))
    record = jsonl(with_rules.stdout)[0]
    assert not any(line in record["text"] for line in CHROME)
    assert "patient approach" in record["text"]
    removed = {(r["rule"], r["text"]) for r in record["removed"]}
    assert ("site-greenleaf-example", CHROME[0]) in removed
    other_host = run_cli("run", "--rules", str(tmp_path / "rules"), "--url",
                         "https://elsewhere.example/x", str(page))
    assert CHROME[0] in jsonl(other_host.stdout)[0]["text"]


def test_learn_without_host_writes_unscoped_rules_and_says_so() -> None:
    proc = run_cli("learn", str(SITE))
    assert proc.returncode == 0
    out = proc.stdout.decode()
    assert "no --host was given" in out and "\n    hosts:" not in out


def test_too_few_pages_learn_nothing(tmp_path) -> None:
    for name in ("pruning-apples.txt", "frogs-in-ponds.txt"):
        (tmp_path / name).write_bytes((SITE / name).read_bytes())
    proc = run_cli("learn", str(tmp_path))
    assert proc.returncode == 0
    assert "rules: []" in proc.stdout.decode()
    assert "fewer than --min-pages" in proc.stderr.decode()


def test_run_learn_removes_what_repeats_across_the_folder() -> None:
    plain = {r["source"]: r for r in jsonl(run_cli("run", str(SITE)).stdout)}
    proc = run_cli("run", "--learn", str(SITE))
    assert proc.returncode == 0, proc.stderr.decode()
    learned = {r["source"]: r for r in jsonl(proc.stdout)}
    assert plain.keys() == learned.keys() and len(learned) == 4
    for source, record in learned.items():
        assert CHROME[0] in plain[source]["text"]
        assert not any(line in record["text"] for line in CHROME)
        assert len(record["text"].split("\n\n")) >= 3  # the paragraphs stay
        rules = {r["rule"] for r in record["removed"]}
        assert "site-profile" in rules


def test_run_learn_needs_files() -> None:
    proc = run_cli("run", "--learn", stdin=b"text")
    assert proc.returncode == 2 and b"stdin" in proc.stderr


def test_learn_output_is_valid_json_strings(tmp_path) -> None:
    page = "Caf\u00e9 \"Central\" menu\nA long article sentence that differs on this page {}."
    for i in range(3):
        (tmp_path / f"p{i}.txt").write_text(page.format(i), "utf-8")
    proc = run_cli("learn", str(tmp_path), "--host", "cafe.example")
    line = next(ln for ln in proc.stdout.decode().splitlines() if "Central" in ln)
    assert json.loads(line.split("- ", 1)[1]) == 'Caf\u00e9 "Central" menu'
