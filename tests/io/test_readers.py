from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from cleanpipe.io.readers import (
    Reader,
    ReadOptions,
    count_inputs,
    gunzip_bounded,
    read_bounded,
)
from conftest import PAGES

HTML = b"<html><head><title>T</title></head><body><p>Hello there.</p></body></html>"


def read(paths: list[str], **kwargs: object) -> list:
    reader = Reader(ReadOptions(**kwargs))  # type: ignore[arg-type]
    return list(reader(paths))


def test_folders_are_walked_sorted_with_include_and_exclude(tmp_path: Path) -> None:
    (tmp_path / "b" / "deep").mkdir(parents=True)
    for rel in ("a.html", "b/c.txt", "b/deep/d.html", "b/deep/skip.html", "notes.md"):
        (tmp_path / rel).write_bytes(b"x")
    got = [i.relpath for i in read([str(tmp_path)], include=("*.html", "*.txt"),
                                   exclude=("skip.*",))]
    assert got == ["a.html", "b/c.txt", "b/deep/d.html"]
    assert [i.relpath for i in read([str(tmp_path)], include=("b/deep/*",))] == [
        "b/deep/d.html", "b/deep/skip.html"]
    assert count_inputs([str(tmp_path)], ReadOptions(exclude=("*.md",))) == 4


def test_gzip_page_is_decompressed_by_content_not_name(tmp_path: Path) -> None:
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(HTML))
    (tmp_path / "renamed.html").write_bytes(gzip.compress(HTML) + gzip.compress(b"<p>2</p>"))
    items = read([str(tmp_path)])
    assert [i.data for i in items] == [HTML, HTML + b"<p>2</p>"]


def test_gzip_bomb_is_an_error_record_not_an_allocation(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip.compress(b"\0" * (8 << 20)))
    [item] = read([str(bomb)], max_decompressed_bytes=1 << 20)
    assert item.data is None and item.error_type == "LimitExceeded"
    assert "max_decompressed_bytes" in (item.error or "")


class _Trickle(io.RawIOBase):
    """A stream that gives at most 1,000 bytes per read, as a pipe may."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = 1000 if n < 0 else min(n, 1000)
        out = self.data[self.pos:self.pos + n]
        self.pos += len(out)
        return out


@pytest.mark.parametrize("size", [0, 1, 2_999_999, 3_000_000, 3_000_001, 5_000_000])
def test_read_bounded_reads_all_or_one_byte_past_the_limit(size: int) -> None:
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    limit = 3_000_000
    for stream in (io.BytesIO(data[2:]), _Trickle(data[2:])):
        got = read_bounded(stream, limit, data[:2])  # type: ignore[arg-type]
        assert got == data[:limit + 1]


def test_gunzip_bounded_holds_at_most_the_limit() -> None:
    stream = io.BytesIO(gzip.compress(b"a" * 10_000_000))
    with pytest.raises(Exception, match="max_decompressed_bytes"):
        gunzip_bounded(stream, 100_000)
    assert gunzip_bounded(io.BytesIO(gzip.compress(b"abc") + b"\0\0"), 10) == b"abc"


def test_truncated_gzip_is_an_error_record(tmp_path: Path) -> None:
    cut = tmp_path / "cut.html.gz"
    cut.write_bytes(gzip.compress(HTML * 50)[:-30])
    [item] = read([str(cut)])
    assert item.error_type == "CorruptInput" and "truncated" in (item.error or "")


def test_oversized_file_is_not_read_whole(tmp_path: Path) -> None:
    big = tmp_path / "big.html"
    big.write_bytes(b"x" * 5000)
    [item] = read([str(big)], max_input_bytes=1000)
    assert item.data is None and item.error_type == "LimitExceeded"


def test_stdin_raw_and_gzip() -> None:
    assert [i.data for i in Reader(stdin=io.BytesIO(HTML))(["-"])] == [HTML]
    gz = io.BytesIO(gzip.compress(HTML))
    assert [(i.source, i.data) for i in Reader(stdin=gz)(["-"])] == [("-", HTML)]


def test_jsonl_fields_ids_and_pass_through(tmp_path: Path) -> None:
    lines = [
        {"id": "a1", "content": "<p>one</p>", "link": "https://x.test/1", "lang": "en"},
        {"body": "plain text", "crawl": 7},
        {"id": "a3", "nothing": True},
    ]
    text = "\n".join(json.dumps(x) for x in lines) + "\n\nnot json\n[1]\n"
    path = tmp_path / "export.jsonl"
    path.write_text(text)
    items = read([str(path)], html_field="content", text_field="body", url_field="link")
    src = str(path)
    assert [i.source for i in items] == [f"{src}#a1", f"{src}#2", f"{src}#a3", f"{src}#5",
                                        f"{src}#6"]
    first, second, missing, bad, not_obj = items
    assert first.data == "<p>one</p>" and first.metadata == {"url": "https://x.test/1"}
    assert first.extra == {"id": "a1", "lang": "en"} and first.relpath == "export.jsonl/a1"
    assert second.data == "plain text" and second.extra == {"crawl": 7}
    assert missing.error_type == "CorruptInput" and "'content' or 'body'" in (missing.error or "")
    assert bad.error_type == "CorruptInput" and not_obj.error_type == "CorruptInput"


def test_jsonl_gz_and_forced_format_on_stdin(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"id": 1, "html": "<p>a</p>"}\n'))
    assert [i.source for i in read([str(path)])] == [f"{path}#1"]
    stdin = io.BytesIO(b'{"text": "hi"}\n{"text": "ho"}\n')
    items = list(Reader(ReadOptions(input_format="jsonl"), stdin=stdin)(["-"]))
    assert [(i.source, i.data) for i in items] == [("-#1", "hi"), ("-#2", "ho")]


def test_jsonl_line_over_the_limit_is_skipped_whole(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps({"text": "y" * 5000}) + "\n" + json.dumps({"text": "ok"}) + "\n")
    items = read([str(path)], max_input_bytes=1000)
    assert items[0].error_type == "LimitExceeded"
    assert items[1].data == "ok" and items[1].source.endswith("#2")


def _warc(path: Path, gz: bool) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        writer.write_record(writer.create_warcinfo_record("x.warc", {"software": "test"}))
        for url, ctype, body in [
            ("https://a.test/", "text/html; charset=utf-8", HTML),
            ("https://a.test/logo.png", "image/png", b"\x89PNG..."),
            ("https://b.test/p", "application/xhtml+xml", HTML.replace(b"T", b"B")),
        ]:
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=headers))
            req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "a.test")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b""),
                                                         http_headers=req))


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_html_responses_others_counted(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    _warc(path, gz=name.endswith(".gz"))
    reader = Reader()
    items = list(reader([str(path)]))
    assert [i.metadata for i in items] == [{"url": "https://a.test/"}, {"url": "https://b.test/p"}]
    assert items[0].data == HTML
    assert all(i.source.startswith(f"{path}#urn:uuid:") for i in items)
    assert dict(reader.counters) == {"warc_warcinfo": 1, "warc_request": 3,
                                     "warc_response_not_html": 1}


def test_truncated_warc_gz_gives_an_error_record(tmp_path: Path) -> None:
    path = tmp_path / "cut.warc.gz"
    _warc(path, gz=True)
    path.write_bytes(path.read_bytes()[:-200])
    items = list(Reader()([str(path)]))
    assert items[-1].error_type == "CorruptInput" and "WARC" in (items[-1].error or "")
    assert items[0].data == HTML


def test_skip_is_asked_before_reading(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes((PAGES / "seed-mt-news.txt").read_bytes())
    (tmp_path / "b.txt").write_bytes(b"b")
    asked: list[tuple[str, str]] = []

    def skip(source: str, relpath: str, mtime: int) -> bool:
        asked.append((relpath, str(mtime > 0)))
        return relpath == "a.txt"

    reader = Reader(skip=skip)
    assert [i.relpath for i in reader([str(tmp_path)])] == ["b.txt"]
    assert asked == [("a.txt", "True"), ("b.txt", "True")]
    assert reader.counters["up_to_date"] == 1
