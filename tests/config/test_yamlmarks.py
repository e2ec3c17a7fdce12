"""Rules files are untrusted: only plain YAML, bounded in size, depth and aliases."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cleanpipe import RulesError, load_rules
from cleanpipe.config.yamlmarks import MAX_FILE_BYTES
from conftest import run_cli


def write(folder: Path, text: str, name: str = "chrome.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("tag", [
    "!!python/object/apply:os.system ['touch /tmp/cleanpipe-pwned']",
    "!!python/object:collections.OrderedDict {}",
    "!!python/name:os.system",
    "!custom 3",
])
def test_object_tags_are_refused_with_a_clear_error(tmp_path: Path, tag: str) -> None:
    write(tmp_path, f"stage: chrome\nrules:\n  - id: x\n    kind: phrase\n    pattern: {tag}\n")
    with pytest.raises(RulesError) as info:
        load_rules(tmp_path)
    message = str(info.value)
    assert "chrome.yaml:5: invalid YAML:" in message
    assert "is not allowed: rules files hold plain YAML only" in message
    assert not Path("/tmp/cleanpipe-pwned").exists()


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['stage: chrome', 'x0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        lines.append(f"x{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    lines += ["rules:", "  - id: bomb", "    kind: phrase", "    pattern: *a8"]
    write(tmp_path, "\n".join(lines) + "\n")
    start = time.monotonic()
    with pytest.raises(RulesError, match=r"chrome.yaml: invalid YAML: the document expands to "
                       r"more than 100000 values \(aliases counted as copies\)"):
        load_rules(tmp_path)
    assert time.monotonic() - start < 5


def test_aliases_in_moderation_still_work(tmp_path: Path) -> None:
    write(tmp_path, "stage: chrome\nrules:\n"
          "  - id: a\n    kind: phrase\n    pattern: &words [Foo bar, Baz qux]\n"
          "  - id: b\n    kind: phrase\n    where: trailing\n    pattern: *words\n")
    by_id = {r.id: r for r in load_rules(tmp_path).rules["chrome"]}
    assert by_id["b"].pattern == ("Foo bar", "Baz qux")


def test_deep_nesting_is_refused_not_a_recursion_error(tmp_path: Path) -> None:
    write(tmp_path, "stage: chrome\nrules: " + "[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(RulesError, match=r"invalid YAML: nested more than 64 levels deep"):
        load_rules(tmp_path)


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "stage: chrome\nrules: &loop\n  - *loop\n")
    with pytest.raises(RulesError, match="invalid YAML"):
        load_rules(tmp_path)


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = write(tmp_path, "stage: chrome\n")
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    with pytest.raises(RulesError, match=r"file is \d+ bytes; a rules file may have at most"):
        load_rules(tmp_path)


def test_rules_check_reports_a_bomb_with_exit_2(tmp_path: Path) -> None:
    write(tmp_path, "stage: chrome\nrules: " + "[" * 5000 + "]" * 5000 + "\n")
    result = run_cli("rules", "check", str(tmp_path))
    assert result.returncode == 2
    assert b"nested more than 64 levels deep" in result.stderr
    assert b"Traceback" not in result.stderr
