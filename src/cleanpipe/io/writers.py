"""Write records as JSON Lines, or one JSON file per input under a folder."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, TextIO


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False)


class JsonLinesWriter:
    """One JSON object per line on a text stream."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, record: dict[str, Any], relpath: str = "") -> None:
        self.stream.write(dumps(record) + "\n")

    def close(self) -> None:
        self.stream.flush()


def safe_target(root: Path, relpath: str, suffix: str = ".json") -> Path:
    """``root/relpath + suffix``, made safe: never outside ``root``, whatever ``relpath`` is."""
    parts = [p for p in Path(relpath.replace("\\", "/")).parts if p not in ("", ".", "..", "/")]
    clean = [p.replace("\n", "_").replace("\r", "_").replace("\x00", "_") for p in parts]
    if not clean:
        clean = ["input"]
    clean = [c.encode("utf-8", "surrogateescape").decode("utf-8", "replace") for c in clean]
    target = root.joinpath(*clean[:-1], clean[-1] + suffix)
    root_resolved = root.resolve()
    if root_resolved not in target.resolve().parents:
        target = root / ("_".join(clean) + suffix)
    return target


class DirWriter:
    """``root/<relpath>.json`` for each input, written atomically (temp file, rename)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def write(self, record: dict[str, Any], relpath: str) -> None:
        target = safe_target(self.root, relpath)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
            os.replace(tmp, target)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def close(self) -> None:
        pass
