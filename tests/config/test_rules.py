from __future__ import annotations

from pathlib import Path

import pytest

from cleanpipe import Pipeline, RulesError, load_rules
from conftest import FIXTURES, SEED, run_cli


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_load_into_frozen_typed_objects() -> None:
    rules = load_rules()
    assert rules.stages == ("decode", "extract", "repair", "chrome", "language", "translation",
                            "normalize", "emit")
    chrome = rules.rules["chrome"]
    assert all(isinstance(r.pattern, tuple) for r in chrome)
    with pytest.raises(AttributeError):
        chrome[0].id = "changed"  # type: ignore[misc]


def test_typo_in_a_key_names_file_line_rule_and_suggestion() -> None:
    with pytest.raises(RulesError) as info:
        load_rules(FIXTURES / "rules" / "typo")
    assert str(info.value).splitlines()[1].strip() == (
        f"{FIXTURES / 'rules' / 'typo'}/chrome.yaml:6: rule 'cookie-banner': "
        "key 'patern': unknown key (did you mean 'pattern'?)"
    )


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    write(tmp_path, "chrome.yaml", (
        "stage: chrome\n"
        "settings:\n"
        "  max_edge_line: 3\n"
        "rules:\n"
        "  - id: a\n"
        "    kind: phrase\n"
        "    pattern: x\n"
        "    where: bottom\n"
        "  - id: b\n"
        "    kind: regex\n"
        "    pattern: '(unclosed'\n"
    ))
    with pytest.raises(RulesError) as info:
        load_rules(tmp_path)
    problems = info.value.problems
    assert any(":3: stage 'chrome': key 'max_edge_line': unknown key (did you mean "
               "'max_edge_lines'?)" in p for p in problems)
    assert any("rule 'a'" in p and "'where'" in p for p in problems)
    assert any("rule 'b'" in p and "invalid regex" in p for p in problems)


def test_wrong_types_and_absurd_values(tmp_path: Path) -> None:
    write(tmp_path, "chrome.yaml", "stage: chrome\nsettings:\n  max_edge_lines: many\n"
          "  regex_timeout: 99999\n")
    with pytest.raises(RulesError) as info:
        load_rules(tmp_path)
    text = str(info.value)
    assert "chrome.yaml:3: stage 'chrome': key 'max_edge_lines': expected an integer" in text
    assert "chrome.yaml:4: stage 'chrome': key 'regex_timeout': 99999 is out of range" in text


def test_unknown_stage_suggests_the_closest(tmp_path: Path) -> None:
    write(tmp_path, "pipeline.yaml", "stages: [decode, extract, normalise, chrome, emit]\n")
    with pytest.raises(RulesError, match=r"pipeline.yaml:1: stages: unknown stage 'normalise' "
                       r"\(did you mean 'normalize'\?\)"):
        load_rules(tmp_path)


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    write(tmp_path, "chrome.yaml", "stage: chrome\nrules:\n  - id: x\n   kind: [\n")
    with pytest.raises(RulesError, match=r"chrome.yaml:\d+: invalid YAML"):
        load_rules(tmp_path)


def test_overlay_overrides_disables_adds_and_reorders(tmp_path: Path) -> None:
    write(tmp_path, "chrome.yaml", (
        "stage: chrome\n"
        "rules:\n"
        "  - id: blogger-post-nav\n"
        "    disabled: true\n"
        "  - id: blogger-contact-widget\n"
        "    where: anywhere\n"
        "  - id: corrections-footer\n"
        "    kind: regex\n"
        "    pattern: '^US Deputy Secretary of State'\n"
    ))
    write(tmp_path, "pipeline.yaml", "stages: [decode, extract, chrome, emit]\n")
    rules = load_rules(tmp_path)
    assert rules.stages == ("decode", "extract", "chrome", "emit")
    by_id = {r.id: r for r in rules.rules["chrome"]}
    assert "blogger-post-nav" not in by_id
    assert by_id["blogger-contact-widget"].where == "anywhere"
    assert by_id["blogger-contact-widget"].kind == "phrase"  # untouched keys kept
    assert by_id["corrections-footer"].pattern == ("^US Deputy Secretary of State",)

    record = Pipeline.from_rules(tmp_path).process(SEED.read_bytes(), "seed")
    # its rule is disabled (the line still goes, as short text after the article's end)
    assert "blogger-post-nav" not in {r["rule"] for r in record["removed"]}
    assert "Wendy Sherman" not in record["text"]  # the new rule removed that paragraph
    assert record["stages"] == ["decode", "extract", "chrome", "emit"]


def test_environment_variable_selects_the_user_folder(tmp_path: Path, monkeypatch) -> None:
    write(tmp_path, "emit.yaml", "stage: emit\nsettings:\n  include_paragraphs: true\n")
    monkeypatch.setenv("CLEANPIPE_RULES", str(tmp_path))
    assert load_rules().settings["emit"].include_paragraphs is True


def test_rules_check_command_exit_codes() -> None:
    ok = run_cli("rules", "check")
    assert ok.returncode == 0 and ok.stdout.startswith(b"ok:")
    bad = run_cli("rules", "check", str(FIXTURES / "rules" / "typo"))
    assert bad.returncode == 2
    assert b"did you mean 'pattern'?" in bad.stderr
    run = run_cli("run", "--rules", str(FIXTURES / "rules" / "typo"), stdin=b"text")
    assert run.returncode == 2 and run.stdout == b""


def test_limits_are_validated_and_enforced(tmp_path: Path) -> None:
    write(tmp_path, "limits.yaml", "limits:\n  max_input_bytes: 100\n")
    pipe = Pipeline.from_rules(tmp_path)
    assert pipe.limits.max_input_bytes == 100
    assert pipe.limits.time_limit == load_rules().limits.time_limit  # other keys kept
    record = pipe.process(b"<p>" + b"x" * 200 + b"</p>", "big.html")
    assert record["error"]["stage"] == "read"
    assert "max_input_bytes" in record["error"]["message"]
    write(tmp_path, "limits.yaml", "limits:\n  time_limt: 5\n")
    with pytest.raises(RulesError, match=r"limits.yaml:2: limits: key 'time_limt': unknown key "
                       r"\(did you mean 'time_limit'\?\)"):
        load_rules(tmp_path)


@pytest.mark.parametrize(("file", "text", "expected"), [
    ("pipeline.yaml", "limits:\n  time_limit: 1000000000.0\n",
     "key 'time_limit': 1000000000.0 is out of range (expected between 0.01 and 86400)"),
    ("pipeline.yaml", "limits:\n  max_input_bytes: 99999999999999\n",
     "key 'max_input_bytes': 99999999999999 is out of range"),
    ("pipeline.yaml", "limits:\n  max_output_bytes: -1\n", "key 'max_output_bytes': -1 is out"),
    ("pipeline.yaml", "limits:\n  time_limit: soon\n",
     "key 'time_limit': expected a number, got str 'soon'"),
    ("pipeline.yaml", "limits: [1, 2]\n", "key 'limits': expected a mapping"),
    ("extract.yaml", "stage: extract\nsettings:\n  sniff_chars: 1000000000\n",
     "key 'sniff_chars': 1000000000 is out of range"),
    ("chrome.yaml", "stage: chrome\nsettings:\n  max_line_chars: 100000000\n",
     "key 'max_line_chars': 100000000 is out of range"),
    ("repair.yaml", "stage: repair\nsettings:\n  max_chars: 0\n", "key 'max_chars': 0 is out"),
    ("decode.yaml", "stage: decode\nsettings:\n  fallback_encoding: base64\n",
     "key 'fallback_encoding': 'base64' is not a text encoding"),
    ("decode.yaml", "stage: decode\nsettings:\n  sniff_bytes: [1]\n",
     "key 'sniff_bytes': expected an integer, got list [1]"),
    ("chrome.yaml", "stage: chrome\nrules:\n  - id: x\n    kind: regex\n"
     "    pattern: 'a{4294967294}'\n",
     "counted repeats in 'a{4294967294}' nest to 4294967294, over 100000"),
    ("chrome.yaml", "stage: chrome\nrules:\n  - id: x\n    kind: regex\n"
     "    pattern: '((a{100}){100}){100}'\n", "nest to 1000000, over 100000"),
    ("chrome.yaml", "stage: chrome\nrules:\n  - id: x\n    kind: phrase\n    pattern: "
     + "x" * 20_000 + "\n", "key 'pattern': a pattern of 20000 characters, over 10000"),
    ("chrome.yaml", "stage: chrome\nrules:\n  - id: x\n    kind: phrase\n    pattern: 7\n",
     "key 'pattern': expected a list of a string, got int 7"),
    ("chrome.yaml", "stage: chrome\nrules: {id: x}\n", "key 'rules': expected a list of rules"),
])
def test_absurd_values_are_refused_at_load_time(tmp_path: Path, file: str, text: str,
                                                 expected: str) -> None:
    write(tmp_path, file, text)
    with pytest.raises(RulesError) as info:
        load_rules(tmp_path)
    assert expected in str(info.value)
