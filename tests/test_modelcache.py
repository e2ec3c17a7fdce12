"""The cache of inflated model tables: same model, less start-up, never a failure."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from cleanpipe import modelcache
from cleanpipe.stages.language import py3langid_identifier

TEXTS = ("The committee will publish its findings next week, the chairman said.",
         "Le comité publiera ses conclusions la semaine prochaine, a déclaré le président.",
         "Der Ausschuss wird seine Ergebnisse nächste Woche veröffentlichen.", "日本語の文章です。")


def _shipped() -> object:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CLEANPIPE_CACHE", str(folder))
    return folder


def _same_model(a: object, b: object) -> None:
    for name in ("nb_ptc", "nb_pc"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and np.array_equal(x, y)
    assert a.nb_classes == b.nb_classes  # type: ignore[attr-defined]
    for name in ("tk_nextmove", "tk_row", "tk_output", "_rowbase"):
        x, y = getattr(a, name), getattr(b, name)
        assert type(x) is type(y) and getattr(x, "typecode", None) == getattr(y, "typecode", None)
        assert list(x) == list(y)
    for text in TEXTS:
        assert a.classify(text) == b.classify(text)  # type: ignore[attr-defined]


def test_the_cached_model_is_the_shipped_one_table_for_table(cache: Path) -> None:
    shipped = _shipped()
    first = py3langid_identifier()  # inflates the model and writes the cache
    files = list(cache.iterdir())
    assert len(files) == 1 and files[0].name.startswith("py3langid-")
    second = py3langid_identifier()  # reads it back
    _same_model(first, shipped)
    _same_model(second, shipped)


def test_a_second_process_does_not_inflate_the_model_again(
        cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    py3langid_identifier()
    from py3langid import langid, modelio

    def inflate(path: object) -> None:
        raise AssertionError("the model was inflated although the cache holds it")

    monkeypatch.setattr(modelio, "load_model", inflate)
    monkeypatch.setattr(langid, "_load_model_file", inflate)  # (py3langid's own path)
    assert py3langid_identifier().classify(TEXTS[1])[0] == "fr"  # type: ignore[attr-defined]


def test_a_damaged_cache_file_is_made_again(cache: Path) -> None:
    py3langid_identifier()
    (path,) = cache.iterdir()
    size = path.stat().st_size
    path.write_bytes(b"PK\x03\x04 not a whole zip file")
    _same_model(py3langid_identifier(), _shipped())
    assert path.stat().st_size == size  # written again, whole
    assert [p.name for p in cache.iterdir()] == [path.name]  # no temporary file left


def test_no_cache_when_it_is_off_or_cannot_be_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEANPIPE_CACHE", "off")
    assert modelcache.cache_dir() is None
    assert py3langid_identifier().classify(TEXTS[0])[0] == "en"  # type: ignore[attr-defined]
    blocked = tmp_path / "a-file"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv("CLEANPIPE_CACHE", str(blocked / "cache"))
    assert py3langid_identifier().classify(TEXTS[2])[0] == "de"  # type: ignore[attr-defined]
    assert blocked.read_text().startswith("a file")


def test_the_default_folder_follows_xdg_then_home(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    monkeypatch.delenv("CLEANPIPE_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert modelcache.cache_dir() == tmp_path / "cleanpipe"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert modelcache.cache_dir() == tmp_path / "home" / ".cache" / "cleanpipe"


def test_a_new_model_file_gets_a_new_cache_file(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEANPIPE_CACHE", str(tmp_path / "cache"))
    model = tmp_path / "model.bin"
    model.write_bytes(b"one")
    first = modelcache.cache_file("m", model, "1.0")
    assert first is not None and first.parent == tmp_path / "cache"
    assert modelcache.cache_file("m", model, "1.1") != first  # the package was upgraded
    model.write_bytes(b"other")
    os.utime(model, ns=(1, 1))
    assert modelcache.cache_file("m", model, "1.0") != first  # the file changed
    assert modelcache.cache_file("m", tmp_path / "missing", "1.0") is None


def test_environments_with_the_same_model_share_one_cache_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEANPIPE_CACHE", str(tmp_path / "cache"))
    one, two = tmp_path / "venv1" / "model.bin", tmp_path / "venv2" / "model.bin"
    for model in (one, two):
        model.parent.mkdir()
        model.write_bytes(b"the same model")
    os.utime(two, ns=(10**18, 10**18))
    assert modelcache.cache_file("m", one, "1.0") == modelcache.cache_file("m", two, "1.0")


def test_writing_a_cache_file_removes_the_stale_ones_of_that_version(cache: Path) -> None:
    cache.mkdir()
    stale = cache / "m-1.0-0123456789abcdef.npz"    # an older model, or an older name
    stale.write_bytes(b"PK")
    other = cache / "m-0.9-0123456789abcdef.npz"    # another version, maybe still in use
    other.write_bytes(b"PK")
    path = cache / "m-1.0-fedcba9876543210.npz"
    arrays = modelcache.load_arrays(path, lambda: {"a": np.arange(3)})
    assert list(arrays["a"]) == [0, 1, 2]
    assert sorted(p.name for p in cache.iterdir()) == [other.name, path.name]
    assert list(modelcache.load_arrays(path, lambda: {})["a"]) == [0, 1, 2]  # read back
