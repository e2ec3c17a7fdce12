from __future__ import annotations

from cleanpipe.explain import explain, render
from cleanpipe.stages.normalize import NormalizeSettings, normalize_text
from conftest import PAGES, SEED, run_cli


def test_explain_marks_each_removed_line_with_its_rule(pipeline) -> None:
    ex = explain(pipeline, SEED.read_bytes(), "seed")
    removed = {line.text: line.removed_by for line in ex.lines if line.removed_by}
    assert removed == {
        "Post a Comment": "chrome/blogger-comment-form",
        "Previous Post Next Post": "chrome/blogger-post-nav",
        "Contact Form": "chrome/blogger-contact-widget",
    }
    kept = [line.text for line in ex.lines if line.text.strip() and not line.removed_by]
    # the lines are the chrome stage's input, as it arrived; normalize runs after chrome
    # (the translation stage needs the NBSPs), so the article is the kept lines normalised
    assert normalize_text("\n\n".join(kept), NormalizeSettings())[0] == ex.text
    plain = render(ex)
    assert "\x1b[" not in plain
    assert "- Post a Comment  [chrome/blogger-comment-form]" in plain
    assert "\x1b[31m" in render(ex, color=True)


def test_explain_command_is_plain_when_piped() -> None:
    proc = run_cli("explain", str(PAGES / "mojibake-cafe.txt"))
    assert proc.returncode == 0
    out = proc.stdout.decode()
    assert "\x1b[" not in out
    assert "Share this:  [chrome/wp-share]" in out
    assert "repair/ftfy rewrite" in out
    assert out.rstrip().endswith("cost of butter.")


def test_explain_lists_the_fired_mt_signals_with_examples(pipeline) -> None:
    ex = explain(pipeline, SEED.read_bytes(), "seed")
    assert ex.translation is not None and ex.translation.likely_machine_translated
    plain = render(ex)
    assert "-- machine translation: score" in plain and "likely machine-translated" in plain
    for signal in ("stray_fragment", "joint_lowercase", "quote_glued"):
        assert f"   {signal} x" in plain
    assert "commitment, ”said the senior official" in plain  # an example, shown


def test_explain_groups_runs_and_counts_by_kind_of_evidence(pipeline) -> None:
    from conftest import FIXTURES

    path = FIXTURES / "dumps" / "blog-post-with-comments.txt"
    ex = explain(pipeline, path.read_bytes(), str(path))
    plain = render(ex, max_run=2)
    # 5 menu items at the top, 3 Title Case "Related" post links after the article
    assert "by rules:" in plain and "by structure:" in plain and "menu-run 8" in plain
    lines = plain.splitlines()
    first = next(i for i, ln in enumerate(lines) if "- Vegetables" in ln)
    assert lines[first].endswith("[chrome/menu-run] (5 lines)")
    assert lines[first + 1].endswith(" | Flowers")  # the reason is not repeated
    assert "… 2 more lines" in plain  # a long run is shortened
    full = render(ex, full=True, max_run=2)
    assert "more lines" not in full and " | Contact\n" in full
    painted = render(ex, color=True)
    assert "\x1b[33m" in painted and "\x1b[31m" in painted  # structure and rules differ
