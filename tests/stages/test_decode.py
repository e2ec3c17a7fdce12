from __future__ import annotations

import codecs

import pytest

from cleanpipe.document import StageError
from cleanpipe.stages.decode import DecodeSettings, declared_charset, decode_bytes
from conftest import FIXTURES, PAGES


def test_windows_1252_page_declared_as_such() -> None:
    result = decode_bytes((PAGES / "cp1252-geneve.html").read_bytes())
    assert result.encoding == "cp1252"
    assert result.method == "declared"
    assert "Les délégués se sont réunis à Genève" in result.text
    assert "« Nous espérons des progrès concrets »" in result.text


def test_meta_says_utf8_but_bytes_are_windows_1252() -> None:
    data = (PAGES / "meta-lies-utf8.html").read_bytes()
    assert declared_charset(data) == "utf-8"
    result = decode_bytes(data)
    assert "Hôtel de la Paix à Genève" in result.text
    assert "\ufffd" not in result.text
    assert result.method == "detected"
    assert result.declared == "utf-8"


def test_meta_says_latin1_but_bytes_are_utf8() -> None:
    result = decode_bytes((PAGES / "meta-lies-latin1.html").read_bytes())
    assert result.encoding == "utf-8"
    assert "Straße nach Köln" in result.text and "Ã" not in result.text
    assert result.declared == "cp1252"


@pytest.mark.parametrize(
    "bom, codec",
    [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
     (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_byte_order_marks(bom: bytes, codec: str) -> None:
    text = "<p>Grüße aus Zürich — naïve café</p>"
    result = decode_bytes(bom + text.encode(codec))
    assert result.text == text
    assert result.method == "bom"


def test_utf16_without_bom_is_sniffed() -> None:
    text = "<html><body><p>Plain ASCII page in UTF-16</p></body></html>"
    result = decode_bytes(text.encode("utf-16-le"))
    assert result.text == text


def test_invalid_bytes_never_crash() -> None:
    data = b"<p>caf\xe9 \xff\xfe\x80 ok</p>" * 10
    result = decode_bytes(data)
    assert "ok" in result.text


def test_xml_prolog_charset() -> None:
    data = '<?xml version="1.0" encoding="ISO-8859-15"?><html><p>Prix : 5 €</p></html>'
    result = decode_bytes(data.encode("iso-8859-15"))
    assert "5 €" in result.text


@pytest.mark.parametrize("data", [b"", b"  \n\t "])
def test_empty_input_is_an_error(data: bytes) -> None:
    with pytest.raises(StageError, match="empty|white space"):
        decode_bytes(data)


def test_png_is_named_in_the_error() -> None:
    with pytest.raises(StageError, match="PNG image"):
        decode_bytes((FIXTURES / "bad" / "image.png").read_bytes())


def test_random_binary_is_rejected_and_can_be_allowed() -> None:
    data = bytes(range(256)) * 20
    with pytest.raises(StageError, match="binary"):
        decode_bytes(data)
    assert decode_bytes(data, DecodeSettings(reject_binary=False)).text


def test_a_page_declaring_a_codec_that_is_no_charset_still_decodes() -> None:
    """Found by tests/fuzz: punycode raised UnicodeError, not UnicodeDecodeError."""
    from cleanpipe.stages.decode import decode_bytes

    for label in ("punycode", "idna", "utf-7", "unicode_escape", "undefined", "base64"):
        page = f"<meta charset={label}><p>caf\u00e9 +ADw-script+AD4-</p>".encode("cp1252")
        result = decode_bytes(page)
        assert "café" in result.text and result.encoding != label
        assert "<script>" not in result.text
