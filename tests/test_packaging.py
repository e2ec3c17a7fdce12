"""The wheel carries the default rules and the schema, so `pip install` users get them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import ROOT


def test_wheel_ships_rules_schema_and_type_marker(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(tmp_path), str(ROOT)],
        capture_output=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    (wheel,) = tmp_path.glob("cleanpipe-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        for rules_file in sorted((ROOT / "rules").rglob("*.yaml")):
            rel = rules_file.relative_to(ROOT / "rules").as_posix()
            assert zf.read(f"cleanpipe/rules/{rel}") == rules_file.read_bytes()
    assert "cleanpipe/schema/article.schema.json" in names
    assert "cleanpipe/py.typed" in names
    assert "cleanpipe/data/stopwords.txt" in names  # the structure of text dumps needs it
