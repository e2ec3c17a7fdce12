"""`-o DIR` never writes outside DIR, whatever the input names are."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleanpipe.io.writers import NAME_MAX, DirWriter, safe_target

# Pieces of hostile names: traversal, absolute roots, separators, control characters,
# undecodable bytes (as os.fsdecode gives them), lone surrogates, long runs.
_PIECES = st.one_of(
    st.sampled_from(["..", ".", "/", "\\", "//", "../", "..\\", "/etc/passwd", "~", "\n",
                     "\r", "\x00", "\udcff", "\udc80", "\ud800", " ", "-", ".json", "é", "名"]),
    st.text(min_size=1, max_size=20),
    st.binary(min_size=1, max_size=20).map(os.fsdecode),
    st.integers(100, 400).map(lambda n: "x" * n),
    st.integers(40, 200).map(lambda n: "é" * n),
)
NAMES = st.lists(_PIECES, min_size=0, max_size=12).map("".join)


def _inside(root: Path, target: Path) -> bool:
    return root.resolve() in target.resolve().parents


@settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
@given(relpath=NAMES)
def test_safe_target_stays_inside_and_fits_the_file_system(relpath: str) -> None:
    root = Path(tempfile.gettempdir()) / "cleanpipe-out"
    target = safe_target(root, relpath)
    assert _inside(root, target)
    assert target.name.endswith(".json")
    rel = target.relative_to(root)
    for part in rel.parts:
        assert 0 < len(part.encode("utf-8")) <= NAME_MAX
        assert part not in (".", "..")
        assert not any(ch in part for ch in "\n\r\x00")
    str(target).encode("utf-8")  # valid text: no lone surrogates


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(relpaths=st.lists(NAMES, min_size=1, max_size=6))
def test_dir_writer_writes_every_record_inside_the_folder(tmp_path_factory, relpaths) -> None:
    base = tmp_path_factory.mktemp("w")
    root = base / "out"
    outside_before = set(base.iterdir())
    writer = DirWriter(root)
    for i, rel in enumerate(relpaths):
        writer.write({"source": rel.encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
                      "n": i}, rel)
    assert set(base.iterdir()) == outside_before | {root}
    written = [p for p in root.rglob("*.json") if p.is_file()]
    assert all(_inside(root, p) for p in written)
    assert not [p for p in root.rglob(".tmp-*")]
    found = {json.loads(p.read_text("utf-8"))["n"] for p in written}
    # distinct relpaths that neutralise to the same name overwrite each other; the last wins
    assert found <= set(range(len(relpaths))) and len(relpaths) - 1 in found


def test_long_names_are_hashed_and_kept_apart(tmp_path: Path) -> None:
    writer = DirWriter(tmp_path)
    a, b = "x" * 300 + "a.html", "x" * 300 + "b.html"
    writer.write({"n": 1}, a)
    writer.write({"n": 2}, b)
    files = sorted(tmp_path.glob("*.json"))
    assert len(files) == 2
    assert all(len(f.name.encode()) <= NAME_MAX for f in files)


def test_a_deep_long_path_becomes_one_flat_name(tmp_path: Path) -> None:
    rel = "/".join(["d" * 200] * 40) + "/page.html"  # 8 KB: over PATH_MAX
    DirWriter(tmp_path).write({"n": 1}, rel)
    [only] = list(tmp_path.iterdir())
    assert only.is_file() and len(only.name.encode()) <= NAME_MAX


def test_a_file_where_a_folder_should_be_does_not_crash(tmp_path: Path) -> None:
    writer = DirWriter(tmp_path)
    writer.write({"n": 1}, "a")  # -> a.json
    writer.write({"n": 2}, "a.json/b")  # wants a.json/ as a folder
    writer.write({"n": 3}, "c/d")  # c/ is a folder...
    writer.write({"n": 4}, "c")  # ...and c.json a file: fine
    got = sorted(json.loads(p.read_text())["n"] for p in tmp_path.rglob("*.json"))
    assert got == [1, 2, 3, 4]


def test_a_symlink_inside_the_output_cannot_lead_outside(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "out"
    root.mkdir()
    (root / "sub").symlink_to(outside)
    DirWriter(root).write({"n": 1}, "sub/page.html")
    assert list(outside.iterdir()) == []
    assert len(list(root.glob("*.json"))) == 1


def test_names_that_clean_to_the_same_text_do_not_overwrite_each_other(tmp_path: Path) -> None:
    writer = DirWriter(tmp_path)
    for relpath in ("a\nb.html", "a_b.html", "a\rb.html"):
        writer.write({"source": relpath}, relpath)
    written = sorted(tmp_path.rglob("*.json"))
    assert len(written) == 3
    assert (tmp_path / "a_b.html.json").exists()  # an untouched name keeps its plain path
