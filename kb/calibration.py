"""The confidence threshold, calibrated on the knowledge base in use.

A base written in the desk's own words scores clients' questions lower than one that carries
their phrasings, so no fixed threshold suits every desk (``bench/kb_quality.py``: the right
threshold for the shipped base is about 50, for the second evaluation base about 37). The base
itself says where its noise floor is: a shipped set of questions no support knowledge base
should answer (``calibration/negatives.txt``: plausible support questions about printers,
Wi-Fi or Excel, off-topic questions, small talk), in the base's languages, is scored against
it, and the threshold is set so that at most 38 % of them would be shown an article. Results
above the 90th percentile of those scores are presented as the answer, the rest as "may help".

The share was chosen on the dev halves of both evaluation bases (``bench/kb_quality.py --set
dev``): at 38 % our base keeps the threshold of 50 it was tuned to by hand; at a third it
rose to 52.5 and lost 3.6 points of hit@3. Greetings, thanks and small talk are left out of
the pool: the bot answers them itself before any search.

Held-out titles, questions and aliases of the articles were tried as positives: on both
evaluation bases they are either found with high scores or not at all, so the share found
hardly changes between 35 and 55 and does not place the threshold.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

NEGATIVES_FILE = Path(__file__).parent / "calibration" / "negatives.txt"
# At most this share of the no-answer questions may be shown an article.
PASS_SHARE = 0.38
# Scores above this share of the no-answer questions are presented as the answer.
CONFIDENT_QUANTILE = 0.9
# Bounds that keep an odd base (a handful of articles) usable.
LOWEST, HIGHEST = 25.0, 75.0
# Fewer no-answer questions than this in the base's languages: keep the configured threshold.
MIN_NEGATIVES = 20


@dataclass(frozen=True)
class Negative:
    """A shipped question that no article should answer."""

    lang: str
    kind: str
    text: str


@dataclass(frozen=True)
class Calibration:
    """What the calibration chose and from what."""

    threshold: float
    confident: float
    negatives: int
    passing: float  # share of the no-answer questions at or above the threshold
    langs: tuple[str, ...]
    # The scores of the no-answer questions, best first, for `support-bot kb calibrate`.
    top: tuple[tuple[float, str, str], ...] = ()

    @staticmethod
    def from_dict(data: dict[str, Any]) -> Calibration:
        """From the cache file's object (ValueError when it is not one)."""
        try:
            return Calibration(
                threshold=float(data["threshold"]),
                confident=float(data["confident"]),
                negatives=int(data["negatives"]),
                passing=float(data["passing"]),
                langs=tuple(str(x) for x in data["langs"]),
                top=tuple((float(s), str(a), str(q)) for s, a, q in data["top"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a calibration: {exc}") from exc


def load_negatives(path: Path = NEGATIVES_FILE) -> list[Negative]:
    """The shipped no-answer questions: one per line, ``<lang> <kind> <text>``."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        lang, kind, text = line.split(" ", 2)
        out.append(Negative(lang, kind, text))
    return out


def choose(scores: Sequence[float]) -> tuple[float, float, float]:
    """The threshold, the confident level and the share passing, from the best scores of
    the no-answer questions."""
    ordered = np.sort(np.asarray(scores, dtype=np.float64))
    # The lowest threshold (in half points) that at most PASS_SHARE of them reach.
    allowed = math.floor(len(ordered) * PASS_SHARE)
    above = ordered[len(ordered) - allowed - 1] if allowed < len(ordered) else 0.0
    threshold = min(HIGHEST, max(LOWEST, math.floor(above * 2) / 2 + 0.5))
    confident = max(threshold + 5.0, float(np.quantile(ordered, CONFIDENT_QUANTILE)))
    passing = float(np.mean(ordered >= threshold))
    return threshold, round(confident, 1), round(passing, 3)


def calibrate(
    best_score: Callable[[str], tuple[float, str]],
    langs: Sequence[str],
    negatives: Sequence[Negative] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Calibration | None:
    """Scores the no-answer questions in `langs` with `best_score` (text → the best
    article's score and id; chatter the bot answers itself is left out by the caller) and
    chooses; None when too few of them are in the base's languages."""
    pool = [
        n for n in (negatives if negatives is not None else load_negatives()) if n.lang in langs
    ]
    if len(pool) < MIN_NEGATIVES:
        return None
    scored = []
    if progress is not None:
        progress(0, len(pool))
    for done, negative in enumerate(pool, start=1):
        score, article = best_score(negative.text)
        scored.append((round(score, 1), article, negative.text))
        if progress is not None:
            progress(done, len(pool))
    threshold, confident, passing = choose([s for s, _, _ in scored])
    return Calibration(
        threshold=threshold,
        confident=confident,
        negatives=len(scored),
        passing=passing,
        langs=tuple(sorted(set(langs))),
        top=tuple(sorted(scored, reverse=True)[:10]),
    )


def cache_key(parts: Sequence[str]) -> str:
    """A digest of what the calibration depends on: the articles, aliases, model, settings
    and the negatives file."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\x00")
    digest.update(NEGATIVES_FILE.read_bytes())
    return digest.hexdigest()[:24]


def read_cached(path: Path | None, key: str) -> Calibration | None:
    """The cached calibration for `key`, if the file holds it."""
    if path is None or not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("key") != key:
            return None
        return Calibration.from_dict(data["calibration"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        logger.warning("ignoring a damaged calibration cache %s: %s", path, exc)
        return None


def write_cached(path: Path | None, key: str, calibration: Calibration) -> None:
    """Stores the calibration beside the embedding cache (atomically)."""
    if path is None:
        return
    payload = json.dumps({"key": key, "calibration": asdict(calibration)}, ensure_ascii=False)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload)
        os.replace(tmp, path)
    except OSError as exc:
        logger.warning("could not write the calibration cache %s: %s", path, exc)
