"""Article embeddings cached on disk, keyed by model and text: only changed texts are
embedded again."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from kb.progress import ProgressCallback
from kb.semantic import Embedder

logger = logging.getLogger(__name__)

EMBED_BATCH = 64
"""Texts embedded per call when vectors are missing: progress is reported after each."""


def text_key(model: str, text: str) -> str:
    """A stable key for one text under one model."""
    return hashlib.sha256(f"{model}\x00{text}".encode()).hexdigest()[:32]


class EmbeddingCache:
    """A file of vectors (``.npz``); missing vectors are computed and the file rewritten."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._vectors: dict[str, np.ndarray] = {}
        self.loaded = 0
        self.computed = 0
        if path is not None and path.exists():
            try:
                with np.load(path, allow_pickle=False) as data:
                    keys = data["keys"]
                    vectors = data["vectors"]
                self._vectors = {str(k): vectors[i] for i, k in enumerate(keys)}
                self.loaded = len(self._vectors)
            except (OSError, KeyError, ValueError) as exc:
                logger.warning("ignoring a damaged embedding cache %s: %s", path, exc)

    def embed(
        self,
        embedder: Embedder,
        texts: Sequence[str],
        progress: ProgressCallback | None = None,
        *,
        batch_size: int = EMBED_BATCH,
    ) -> np.ndarray:
        """Vectors for `texts`, in order, computing only the ones not cached.

        The missing ones are embedded `batch_size` at a time; `progress` is called with
        ``(0, missing)`` before the first batch and ``(done, missing)`` after each, and not
        at all when nothing is missing. The file is written once, at the end.
        """
        keys = [text_key(embedder.name, t) for t in texts]
        missing = [i for i, k in enumerate(keys) if k not in self._vectors]
        if missing:
            step = max(1, batch_size)
            if progress is not None:
                progress(0, len(missing))
            for start in range(0, len(missing), step):
                chunk = missing[start : start + step]
                fresh = embedder.embed_passages([texts[i] for i in chunk])
                for row, i in enumerate(chunk):
                    self._vectors[keys[i]] = fresh[row].astype(np.float32)
                if progress is not None:
                    progress(start + len(chunk), len(missing))
            self.computed += len(missing)
            self._save(set(keys))
        if not keys:
            return np.zeros((0, embedder.dim), dtype=np.float32)
        return np.stack([self._vectors[k] for k in keys]).astype(np.float32)

    def _save(self, keep: set[str]) -> None:
        if self.path is None:
            return
        # Keep only what the current knowledge base uses, so the file does not grow forever.
        self._vectors = {k: v for k, v in self._vectors.items() if k in keep}
        keys = sorted(self._vectors)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".npz")
            with os.fdopen(fd, "wb") as handle:
                np.savez(
                    handle, keys=np.array(keys), vectors=np.stack([self._vectors[k] for k in keys])
                )
            os.replace(tmp, self.path)
        except OSError as exc:
            logger.warning("could not write the embedding cache %s: %s", self.path, exc)
