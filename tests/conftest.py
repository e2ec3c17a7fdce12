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


def write_warc(path: Path, pages: list[tuple[str, bytes]], gz: bool = True) -> None:
    """A WARC holding an HTML response and its request for each ``(url, body)``."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for url, body in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=headers))
            req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "a.test")], is_http_request=True)
            writer.write_record(writer.create_warc_record(
                url, "request", payload=io.BytesIO(b""), http_headers=req))
