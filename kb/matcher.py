"""Ranking articles for a client's question, and knowing when none fits.

Stages, in order:
1. chatter (greetings, thanks, small talk) gets no articles at all;
2. the lexical stage (kb.lexical) scores every article, for the whole message and for each
   of its sentences, so a long message is matched by the sentence that carries the question;
3. the semantic stage (optional, kb.semantic) adds a multilingual embedding similarity, which
   joins an English question to a Russian article and "тормозит" to "низкая производительность";
4. the combined score must pass a threshold: calibrated on the base in use (kb.calibration)
   unless the desk sets one.

The section of each shown article that matched the question is found too (``Result.section``),
so the bot opens the article there.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from desk.messages import visible
from kb import calibration
from kb.articles import PARAGRAPH, Article
from kb.cache import EmbeddingCache
from kb.calibration import Calibration
from kb.lexical import FieldScores, LexicalIndex
from kb.normalize import sentences
from kb.progress import ProgressCallback
from kb.semantic import Embedder
from kb.smalltalk import Chat, classify

logger = logging.getLogger(__name__)

# Long work reports its progress: the label of a stage gives the (done, total) callback.
Stages = Callable[[str], ProgressCallback]


BODY_PARAGRAPHS = 4
# How far down the ranking a search looks for articles in the client's language.
LANGUAGE_DEPTH = 5
# Above this many article vectors the semantic stage works in REDUCED_DIMS dimensions
# (see reduction()), its principal directions fitted on at most PCA_SAMPLE of them.
LARGE_BASE_VECTORS = 40_000
REDUCED_DIMS = 256
PCA_SAMPLE = 20_000
_MARKUP = re.compile(r"[`*_#>]")


@dataclass(frozen=True)
class MatcherConfig:
    """The matcher's knobs; the defaults were calibrated with bench/kb_quality.py.

    A threshold of None is calibrated on the base (kb.calibration), as the bot does unless
    ``KB_THRESHOLD`` / ``KB_LEXICAL_THRESHOLD`` are set."""

    threshold: float | None = 50.0
    # Without the semantic stage scores are lower; calibrated separately.
    lexical_threshold: float | None = 26.0
    # With a fixed threshold, results this far above it are presented as the answer.
    confident_margin: float = 15.0
    lexical_unknown_weight: float = 1.3
    unknown_weight: float = 0.9
    semantic_weight: float = 0.6
    # Cosine similarity that counts as a full semantic match (USE scores right answers ~0.5).
    semantic_full: float = 0.65
    sentence_penalty: float = 0.95
    # An article in the client's language is preferred when it scores within this of the best
    # (3: the widest that loses no right answer on either base's dev set, bench/kb_quality.py).
    language_margin: float = 3.0
    max_sentences: int = 8


@dataclass(frozen=True)
class Result:
    """One suggested article and why."""

    article: Article
    score: float
    lexical: float
    semantic: float | None = None
    # The section that matched (index into ``article.sections``; 0: the start).
    section: int = 0


@dataclass(frozen=True)
class Outcome:
    """What a search found: articles that pass the threshold, or chatter."""

    query: str
    results: list[Result] = field(default_factory=list)
    chatter: Chat | None = None


class Matcher:
    """Searches one version of the knowledge base."""

    config: MatcherConfig

    def __init__(
        self,
        articles: Sequence[Article],
        *,
        config: MatcherConfig | None = None,
        embedder: Embedder | None = None,
        cache: EmbeddingCache | None = None,
        calibration_cache: Path | None = None,
        progress: Stages | None = None,
    ) -> None:
        self.config = config or MatcherConfig()
        self.calibration: Calibration | None = None
        self.articles = list(articles)
        self._position = {a.id: i for i, a in enumerate(self.articles)}
        self.lexical = LexicalIndex(self.articles)
        self.embedder = embedder
        self._vectors: np.ndarray | None = None
        self._projection: np.ndarray | None = None
        self._vector_article: np.ndarray | None = None
        self._vector_owners = np.zeros(0, dtype=np.int32)
        self._vector_starts = np.zeros(0, dtype=np.int64)
        if embedder is not None:
            texts: list[str] = []
            owners: list[int] = []
            for idx, article in enumerate(self.articles):
                for text in self._semantic_texts(article):
                    texts.append(text)
                    owners.append(idx)
            store = cache or EmbeddingCache(None)
            vectors = store.embed(
                embedder, texts, progress=progress("embedding articles") if progress else None
            )
            self._projection = reduction(vectors)
            if self._projection is not None:
                vectors = _unit(vectors @ self._projection)
            self._vectors = vectors
            self._vector_article = np.array(owners, dtype=np.int32)
            self._vector_owners, self._vector_starts = np.unique(
                self._vector_article, return_index=True
            )
        if self._configured_threshold is None:
            self.calibrate(
                calibration_cache,
                progress=progress("calibrating the threshold") if progress else None,
            )

    @property
    def _unknown_weight(self) -> float:
        """How much a word the base does not know counts, for the stages that are on."""
        cfg = self.config
        return cfg.unknown_weight if self.semantic else cfg.lexical_unknown_weight

    @property
    def _configured_threshold(self) -> float | None:
        return self.config.threshold if self.semantic else self.config.lexical_threshold

    def calibrate(
        self,
        cache_path: Path | None = None,
        *,
        progress: ProgressCallback | None = None,
    ) -> Calibration | None:
        """Calibrates the threshold on this base (kb.calibration), from the cache file when
        it holds this base's; None (the configured threshold stays) for an empty base."""
        langs = sorted({a.lang for a in self.articles})
        if not langs:
            return None
        key = calibration.cache_key(self._fingerprint())
        found = calibration.read_cached(cache_path, key)
        if found is None:
            negatives = [n for n in calibration.load_negatives() if classify(n.text) is None]

            def best(text: str) -> tuple[float, str]:
                top = self.rank(text, limit=1)
                return (top[0].score, top[0].article.id) if top else (0.0, "")

            found = calibration.calibrate(best, langs, negatives, progress=progress)
            if found is not None:
                calibration.write_cached(cache_path, key, found)
        self.calibration = found
        if found is not None:
            logger.info(
                "knowledge base: threshold %.1f calibrated (%d no-answer questions, %.0f%% pass)",
                found.threshold,
                found.negatives,
                found.passing * 100,
            )
        return found

    def _fingerprint(self) -> list[str]:
        """What the scores depend on, for the calibration's cache key."""
        parts = [
            self.embedder.name if self.embedder is not None else "lexical",
            repr(replace(self.config, threshold=None, lexical_threshold=None)),
        ]
        for article in self.articles:
            fields = (article.id, article.lang, article.title, article.body)
            text = "\x01".join((*fields, *article.questions, *article.aliases, *article.tags))
            parts.append(hashlib.sha256(text.encode()).hexdigest())
        return parts

    @staticmethod
    def _semantic_texts(article: Article) -> list[str]:
        """What of an article is embedded: title, questions, aliases, and the tags together."""
        texts = [article.title, *article.questions, *article.aliases]
        if article.tags:
            texts.append(", ".join(article.tags))
        # Section headings are the desk's own short questions.
        texts.extend(s.heading for s in article.sections if s.heading)
        # The body's first paragraphs describe symptoms in the desk's words: they catch
        # clients who describe the problem rather than name it. A few, to bound memory.
        paragraphs = [" ".join(_MARKUP.sub("", p).split()) for p in PARAGRAPH.split(article.body)]
        texts.extend([p[:400] for p in paragraphs if len(p) > 40][:BODY_PARAGRAPHS])
        return texts

    @property
    def threshold(self) -> float:
        """The score an article needs to be shown: the configured one for the stages that
        are on, else the calibrated one (the shipped default if the base cannot be)."""
        configured = self._configured_threshold
        if configured is not None:
            return configured
        if self.calibration is not None:
            return self.calibration.threshold
        default = MatcherConfig()
        fallback = default.threshold if self.semantic else default.lexical_threshold
        assert fallback is not None
        return fallback

    @property
    def confident(self) -> float:
        """The score above which results are presented as the answer, not as "may help"."""
        if self._configured_threshold is None and self.calibration is not None:
            return self.calibration.confident
        return self.threshold + self.config.confident_margin

    @property
    def semantic(self) -> bool:
        """Whether the semantic stage is on."""
        return self._vectors is not None

    def lexical_scores(self, text: str) -> tuple[np.ndarray, str, str]:
        """The lexical stage alone: the best of the whole message and each sentence.

        Also returns the reading of the message that was understood (after layout or
        transliteration repair) and its best sentence, for the semantic stage.
        """
        cfg = self.config
        unknown = self._unknown_weight
        index = self.lexical
        reading, tokens = index.read(text)
        parts = sentences(reading)
        if len(parts) < 2 or len(self.lexical.field_article) == 0:
            return index.article_scores(index.field_scores(tokens, unknown)), reading, reading
        # A long message: each sentence on its own (a little discounted) and the whole. The
        # sentences' sums make the whole's, so every word's postings are added once.
        per_part = [(part, index.tokens(part)) for part in parts]
        whole_total = np.zeros(len(index.field_article), dtype=np.float32)
        whole_weight = 0.0
        seen: set[str] = set()
        best_part, best_part_score = reading, -1.0
        # The sentences' best field scores, kept in place: a sentence touches few fields.
        fields = FieldScores(
            fields=np.zeros(len(index.field_article), dtype=np.float32),
            body=np.zeros(len(self.articles), dtype=np.float32),
        )
        longest = set(sorted(parts, key=len, reverse=True)[: cfg.max_sentences])
        for part, part_tokens in per_part:
            fresh = [tok for tok in part_tokens if tok.stem not in seen]
            seen.update(tok.stem for tok in part_tokens)
            total, weight = index.accumulate(part_tokens, unknown)
            if len(fresh) == len(part_tokens):
                whole_total += total
                whole_weight += weight
            else:  # words already counted for the whole: add only the new ones
                extra, extra_weight = index.accumulate(fresh, unknown)
                whole_total += extra
                whole_weight += extra_weight
            if len(part_tokens) < 2 or part not in longest:
                continue
            top = index.finish_into(fields, total, weight, cfg.sentence_penalty)
            if top > best_part_score:
                best_part, best_part_score = part, top
        # Words the sentence split lost (none, normally) still count for the whole.
        rest = [tok for tok in tokens if tok.stem not in seen]
        if rest:
            extra, extra_weight = index.accumulate(rest, unknown)
            whole_total += extra
            whole_weight += extra_weight
        whole = index.finish(whole_total, whole_weight)
        if whole is not None:
            fields = fields.best(whole)
        return index.article_scores(fields), reading, best_part

    def semantic_scores(self, texts: Sequence[str]) -> np.ndarray | None:
        """Cosine similarity of the message to each article's title, questions and aliases:
        the best over the given readings of the message."""
        if self._vectors is None or self._vector_article is None or self.embedder is None:
            return None
        queries = self.embedder.embed_queries(list(dict.fromkeys(texts)))
        if self._projection is not None:
            queries = _unit(queries @ self._projection)
        cos = (self._vectors @ queries.T).max(axis=1)
        best = np.full(len(self.articles), -1.0, dtype=np.float32)
        # Vectors are stored article by article: one slice per article.
        best[self._vector_owners] = np.maximum.reduceat(cos, self._vector_starts)
        return best

    def rank(self, text: str, limit: int | None = None) -> list[Result]:
        """The best `limit` articles (all by default) with their combined scores, best first
        (no threshold, no chatter)."""
        if not self.articles:
            return []
        cfg = self.config
        lexical, reading, best_part = self.lexical_scores(text)
        semantic = self.semantic_scores([reading, best_part]) if self.semantic else None
        if semantic is None:
            combined = lexical
        else:
            sem100 = np.clip(semantic / cfg.semantic_full, 0.0, 1.0) * 100.0
            combined = (1 - cfg.semantic_weight) * lexical + cfg.semantic_weight * sem100
        if limit is not None and limit < len(combined):
            head = np.argpartition(-combined, limit)[:limit]
            order = head[np.argsort(-combined[head], kind="stable")]
        else:
            order = np.argsort(-combined, kind="stable")
        return [
            Result(
                article=self.articles[i],
                score=round(float(combined[i]), 1),
                lexical=round(float(lexical[i]), 1),
                semantic=None if semantic is None else round(float(semantic[i]), 3),
            )
            for i in order
        ]

    def search(self, text: str, top: int = 3, *, lang: str | None = None) -> Outcome:
        """Up to `top` articles above the threshold; none for chatter or no good match.

        With the client's `lang`, articles in that language are shown alone when one of them
        scores near the best (:func:`prefer_language`); otherwise the plain ranking, other
        language included."""
        text = visible(text).strip()  # words hidden behind zero-width characters are words
        if not text:
            return Outcome(query=text)
        chatter = classify(text)
        if chatter is not None:
            return Outcome(query=text, chatter=chatter)
        wanted = top if lang is None else top * LANGUAGE_DEPTH
        passing = [r for r in self.rank(text, limit=wanted) if r.score >= self.threshold]
        chosen = prefer_language(passing, lang, self.config.language_margin)[:top]
        if chosen:
            tokens = self.lexical.tokens(text)
            unknown = self._unknown_weight
            chosen = [
                replace(
                    r, section=self.lexical.locate(tokens, self._position[r.article.id], unknown)
                )
                for r in chosen
            ]
        return Outcome(query=text, results=chosen)


def reduction(vectors: np.ndarray) -> np.ndarray | None:
    """For a large base, a projection of its vectors onto their REDUCED_DIMS principal
    directions; None for a base small enough to scan whole.

    A query is compared with every article vector, so the scan reads the whole matrix: at
    10,000 articles (about 90,000 vectors of 512 floats, 190 MB) that alone is 25-60 ms on
    one core. Halving the width halves it. On both evaluation bases, projected to 256
    dimensions, hit@3 with every result shown stayed within one question; the calibrated
    threshold moves with the scores, as it should."""
    if len(vectors) < LARGE_BASE_VECTORS or vectors.shape[1] <= REDUCED_DIMS:
        return None
    step = max(1, len(vectors) // PCA_SAMPLE)
    sample = vectors[::step].astype(np.float64)
    _, _, directions = np.linalg.svd(sample - sample.mean(axis=0), full_matrices=False)
    return np.ascontiguousarray(directions[:REDUCED_DIMS].T, dtype=np.float32)


def _unit(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    unit: np.ndarray = (rows / np.maximum(norms, 1e-12)).astype(np.float32)
    return unit


def prefer_language(results: Sequence[Result], lang: str | None, margin: float) -> list[Result]:
    """The results in the client's `lang` when one of them fits, else all of them (best
    first either way).

    An article in `lang` fits when it scores within `margin` of the best result: a weak
    article in the client's language does not hide the right one in the other."""
    if lang is None or not results:
        return list(results)
    best = max(r.score for r in results)
    own = [r for r in results if r.article.lang == lang]
    fits = any(r.score >= best - margin for r in own)
    return own if fits else list(results)


def default_cache_path(
    kb_dir: Path, data_dir: Path, kind: str = "embeddings", suffix: str = ".npz"
) -> Path:
    """Where the embeddings (or the calibration, ``kind``) of a knowledge-base folder are
    cached."""
    digest = hashlib.sha256(str(kb_dir.resolve()).encode()).hexdigest()[:12]
    return data_dir / f"kb-{kind}-{digest}{suffix}"
