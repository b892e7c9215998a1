"""The knowledge base as the bot and the CLI use it: articles from files, aliases from the
database, one matcher, reloaded when the files change."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from kb.articles import Article, Problem, fingerprint, load_dir
from kb.cache import EmbeddingCache
from kb.matcher import Matcher, MatcherConfig, Outcome, Stages, default_cache_path
from kb.semantic import Embedder, load_embedder

logger = logging.getLogger(__name__)


class KbSettings(Protocol):
    """What the knowledge base takes from the desk's settings (``bot.config.DeskSettings``)."""

    @property
    def kb_dir(self) -> Path: ...
    @property
    def data_dir(self) -> Path: ...
    @property
    def kb_semantic(self) -> bool: ...
    @property
    def kb_threshold(self) -> float | None: ...
    @property
    def kb_lexical_threshold(self) -> float | None: ...


def build_knowledge_base(
    settings: KbSettings, *, kb_dir: Path | None = None, semantic: bool = True
) -> KnowledgeBase:
    """The knowledge base as the settings describe it, for the bot and the CLI alike.

    Nothing is read yet: ``rebuild()`` reads the articles and ``load_semantic()`` the
    embedding model (both blocking). `kb_dir` overrides ``KB_DIR``; ``semantic=False``
    switches the semantic stage off whatever ``KB_SEMANTIC`` says.
    """
    return KnowledgeBase(
        kb_dir or settings.kb_dir,
        config=MatcherConfig(
            threshold=settings.kb_threshold, lexical_threshold=settings.kb_lexical_threshold
        ),
        data_dir=settings.data_dir,
        semantic=settings.kb_semantic and semantic,
    )


class KnowledgeBase:
    """The current version of the knowledge base; rebuilding swaps it in one assignment."""

    def __init__(
        self,
        kb_dir: Path,
        *,
        config: MatcherConfig | None = None,
        data_dir: Path | None = None,
        semantic: bool = True,
    ) -> None:
        self.kb_dir = kb_dir
        self.config = config or MatcherConfig()
        self.semantic_wanted = semantic
        self.cache_path = default_cache_path(kb_dir, data_dir) if data_dir is not None else None
        self.calibration_path = (
            default_cache_path(kb_dir, data_dir, "calibration", ".json")
            if data_dir is not None
            else None
        )
        self.embedder: Embedder | None = None
        self.problems: list[Problem] = []
        self.matcher = Matcher([], config=self.config)
        self._articles: dict[str, Article] = {}
        self._aliases: dict[str, tuple[str, ...]] = {}
        # The version of the aliases built in (None: not read from the database yet).
        self.alias_stamp: tuple[int, int] | None = None
        self._fingerprint: tuple[tuple[str, int, int], ...] | None = None
        self._lock = threading.Lock()

    # --- building (blocking: call from a thread in async code) -----------------------------

    def load_semantic(self) -> bool:
        """Loads the embedding model if the desk wants it; False when it cannot be used."""
        if not self.semantic_wanted:
            return False
        if self.embedder is None:
            self.embedder = load_embedder(threads=1)
        return self.embedder is not None

    def rebuild(
        self,
        aliases: Mapping[str, Sequence[str]] | None = None,
        *,
        progress: Stages | None = None,
        stamp: tuple[int, int] | None = None,
    ) -> None:
        """Re-reads the files (and, if given, the aliases) and builds a new matcher, with its
        threshold calibrated unless the settings fix it (`progress` hears of the embedding
        and the calibration, for a terminal; `stamp` is the aliases' version, see
        ``storage.repo.alias_stamp``)."""
        with self._lock:
            if aliases is not None:
                self._aliases = {k: tuple(v) for k, v in aliases.items()}
                self.alias_stamp = stamp
            files = fingerprint(self.kb_dir)
            loaded = load_dir(self.kb_dir)
            for problem in loaded.problems:
                logger.warning("knowledge base: skipping %s", problem)
            articles = [a.with_aliases(self._aliases.get(a.id, ())) for a in loaded.articles]
            cache = EmbeddingCache(self.cache_path) if self.embedder is not None else None
            matcher = Matcher(
                articles,
                config=self.config,
                embedder=self.embedder,
                cache=cache,
                # Only with the embeddings: lexical calibration takes a fraction of a second
                # even at 10,000 articles, and a lexical tool leaves no files behind.
                calibration_cache=self.calibration_path if self.embedder is not None else None,
                progress=progress,
            )
            self.matcher = matcher
            self._articles = {a.id: a for a in articles}
            self.problems = loaded.problems
            self._fingerprint = files
            logger.info(
                "knowledge base: %d articles (%d skipped), semantic stage %s",
                len(articles),
                len(loaded.problems),
                "on" if matcher.semantic else "off",
            )

    def files_changed(self) -> bool:
        """Whether any article file was added, removed or modified since the last build."""
        return fingerprint(self.kb_dir) != self._fingerprint

    def set_threshold(self, threshold: float) -> None:
        """Changes the threshold of the current and future matchers."""
        self.config = replace(self.config, threshold=threshold)
        self.matcher.config = self.config

    # --- reading ---------------------------------------------------------------------------

    def search(self, text: str, top: int = 3, *, lang: str | None = None) -> Outcome:
        """Up to `top` articles for a question (none for chatter or no good match); those in
        the client's `lang` alone when one of them fits (``Matcher.search``)."""
        return self.matcher.search(text, top=top, lang=lang)

    def article(self, article_id: str) -> Article | None:
        """An article by id."""
        return self._articles.get(article_id)

    @property
    def articles(self) -> list[Article]:
        """Every usable article."""
        return list(self._articles.values())
