from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cleanpipe import Pipeline

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
PAGES = FIXTURES / "pages"
SEED = PAGES / "seed-mt-news.txt"


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    return Pipeline.from_rules()


def run_cli(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m cleanpipe ARGS`` as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "cleanpipe", *args],
        input=stdin, capture_output=True, env=env, cwd=cwd, timeout=120,
    )


def jsonl(output: bytes) -> list[dict]:
    return [json.loads(line) for line in output.decode("utf-8").splitlines() if line.strip()]
