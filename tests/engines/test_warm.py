"""The fork server's warm-up: what it loads is there for every worker forked from it."""

from __future__ import annotations

import subprocess
import sys

from cleanpipe.engines import local


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False)


def test_the_pool_s_fork_server_imports_the_warm_up() -> None:
    assert local._PRELOAD[-1] == "cleanpipe.engines.warm"


def test_importing_the_warm_up_loads_the_model_and_rules_and_freezes_them() -> None:
    done = _python(
        "import gc, re, regex\n"
        "from cleanpipe.stages.language import get_backend\n"
        "assert get_backend.cache_info().currsize == 0 and gc.get_freeze_count() == 0\n"
        "import cleanpipe.engines.warm\n"
        "print(get_backend.cache_info().currsize, gc.get_freeze_count() > 1000)\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "True"]


def test_a_warm_up_that_fails_says_so_and_leaves_workers_to_load_their_own() -> None:
    done = _python(
        "import gc\n"
        "from cleanpipe.pipeline import Pipeline\n"
        "def broken(cls, *a, **k):\n"
        "    raise RuntimeError('rules folder unreadable')\n"
        "Pipeline.from_rules = classmethod(broken)\n"
        "import cleanpipe.engines.warm as warm\n"
        "print(gc.get_freeze_count())\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0"]
    assert "could not build the default pipeline" in done.stderr
    assert "rules folder unreadable" in done.stderr
