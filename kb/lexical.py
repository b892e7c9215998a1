"""The lexical stage: IDF-weighted fuzzy overlap of stems, from a token-level index.

Each article is split into fields (title, every example question, every alias learnt from
clients, tags, body). A query's content stems are matched to the index's vocabulary exactly,
by a shared prefix (Russian stems of one root), or within one or two typing mistakes; every
match adds the query word's weight to the fields that contain it. A field scores by how much
of the query it covers and, for short fields, how much of itself the query covers; an
article scores by its best field, the body counting less. All of it is vectorised over the
fields, so a query costs milliseconds even with ten thousand articles.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import DamerauLevenshtein

from kb.articles import Article
from kb.normalize import is_stop, readings, stem, words
from kb.slang import expand

TITLE, QUESTION, ALIAS, TAGS, BODY = range(5)
FIELD_WEIGHT = np.array([1.0, 1.0, 1.0, 0.85, 0.72], dtype=np.float32)
SHORT_FIELDS = (TITLE, QUESTION, ALIAS)
PREFIX = 5


@dataclass(frozen=True)
class Token:
    """A query word as matched to the vocabulary: term ids with their similarity."""

    stem: str
    matches: tuple[tuple[int, float], ...]


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class LexicalIndex:
    """A token-level index of articles, built once per knowledge-base version."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self.articles = list(articles)
        vocab: dict[str, int] = {}
        field_article: list[int] = []
        field_kind: list[int] = []
        field_terms: list[set[int]] = []

        def add_field(article: int, kind: int, text: str) -> None:
            stems = [stem(w) for w in words(text) if not is_stop(w)]
            if not stems:
                return
            ids = {vocab.setdefault(s, len(vocab)) for s in stems}
            field_article.append(article)
            field_kind.append(kind)
            field_terms.append(ids)

        for idx, article in enumerate(self.articles):
            add_field(idx, TITLE, article.title)
            for question in article.questions:
                add_field(idx, QUESTION, question)
            for alias in article.aliases:
                add_field(idx, ALIAS, alias)
            if article.tags:
                add_field(idx, TAGS, " ".join(article.tags))
            add_field(idx, BODY, f"{article.title}\n{article.body}")

        self.vocab = vocab
        self.terms = [""] * len(vocab)
        for term, tid in vocab.items():
            self.terms[tid] = term
        n_articles = max(1, len(self.articles))
        df = np.zeros(len(vocab), dtype=np.float32)
        per_article: dict[int, set[int]] = defaultdict(set)
        for owner, terms in zip(field_article, field_terms, strict=True):
            per_article[owner] |= terms
        for terms in per_article.values():
            for tid in terms:
                df[tid] += 1
        self.idf = np.log((n_articles + 1) / (df + 0.5)).astype(np.float32) + 0.1
        self.max_idf = float(math.log((n_articles + 1) / 0.5) + 0.1)

        self.field_article = np.array(field_article, dtype=np.int32)
        self.field_kind = np.array(field_kind, dtype=np.int8)
        self.field_weight = FIELD_WEIGHT[self.field_kind] if field_kind else np.zeros(0)
        self.field_idf = np.array(
            [float(self.idf[list(t)].sum()) for t in field_terms], dtype=np.float32
        )
        self.short = np.isin(self.field_kind, SHORT_FIELDS)
        postings: dict[int, list[int]] = defaultdict(list)
        for fid, terms in enumerate(field_terms):
            for tid in terms:
                postings[tid].append(fid)
        self.postings = [np.array(postings[tid], dtype=np.int32) for tid in range(len(vocab))]
        self._deletes: dict[str, list[int]] = defaultdict(list)
        self._prefix: dict[str, list[int]] = defaultdict(list)
        for term, tid in vocab.items():
            if len(term) >= 4:
                for d in _deletes(term):
                    self._deletes[d].append(tid)
            if len(term) >= PREFIX:
                self._prefix[term[:PREFIX]].append(tid)

    # --- matching words -------------------------------------------------------------------

    def match_stem(self, stem: str) -> Token:
        """The vocabulary terms a query stem stands for, with similarity 0..1."""
        found: dict[int, float] = {}
        exact = self.vocab.get(stem)
        if exact is not None:
            found[exact] = 1.0
        if len(stem) >= PREFIX:
            for tid in self._prefix.get(stem[:PREFIX], ()):
                term = self.terms[tid]
                if tid != exact and (term.startswith(stem) or stem.startswith(term)):
                    if abs(len(term) - len(stem)) <= 3:
                        found[tid] = max(found.get(tid, 0.0), 0.85)
        if exact is None and len(stem) >= 4:
            limit = 1 if len(stem) < 8 else 2
            candidates: set[int] = set(self._deletes.get(stem, ()))
            for d in _deletes(stem):
                hit = self.vocab.get(d)
                if hit is not None:
                    candidates.add(hit)
                candidates.update(self._deletes.get(d, ()))
                if limit == 2:
                    for dd in _deletes(d):
                        candidates.update(self._deletes.get(dd, ()))
            fuzzy: dict[int, float] = {}
            for tid in candidates:
                dist = DamerauLevenshtein.distance(stem, self.terms[tid], score_cutoff=limit)
                if dist <= limit:
                    fuzzy[tid] = 0.85 if dist == 1 else 0.7
            for tid, sim in fuzzy.items():
                found[tid] = max(found.get(tid, 0.0), sim)
                # The misspelt word also stands for the corrected word's relatives:
                # "устоновить" → "установ" → "установк" (установка).
                term = self.terms[tid]
                for rel in self._prefix.get(term[:PREFIX], ()) if len(term) >= PREFIX else ():
                    other = self.terms[rel]
                    if rel not in found and (other.startswith(term) or term.startswith(other)):
                        if abs(len(other) - len(term)) <= 3:
                            found[rel] = sim * 0.9
        return Token(stem, tuple(sorted(found.items(), key=lambda kv: kv[1])))

    def tokens(self, text: str) -> list[Token]:
        """The query's words matched to the vocabulary, for its best reading."""
        return self.read(text)[1]

    def read(self, text: str) -> tuple[str, list[Token]]:
        """The reading of the text the knowledge base recognises best (as typed, typed in
        the wrong keyboard layout, transliterated, or word by word), and its matched words."""
        best: tuple[str, list[Token]] = (text, [])
        best_known = -1.0
        for reading in readings(text, known=lambda w: stem(w) in self.vocab):
            toks = [self.match_group(g) for g in self.query_groups(reading.text)]
            if not toks:
                continue
            known = sum(1 for t in toks if t.matches) / len(toks)
            if known > best_known + 1e-9:
                best, best_known = (reading.text, toks), known
        return best

    def match_group(self, stems: tuple[str, ...]) -> Token:
        """One query word: its stem, or the stems of the book words it stands for."""
        if len(stems) == 1:
            return self.match_stem(stems[0])
        merged: dict[int, float] = {}
        for s in stems:
            for tid, sim in self.match_stem(s).matches:
                merged[tid] = max(merged.get(tid, 0.0), sim)
        return Token("+".join(stems), tuple(sorted(merged.items(), key=lambda kv: kv[1])))

    def query_groups(self, text: str) -> list[tuple[str, ...]]:
        """Content stems of a query, one group per word, with clients' everyday words put in
        the book's terms when the knowledge base does not know them itself."""
        out: dict[tuple[str, ...], None] = {}
        for word in words(text):
            if is_stop(word):
                continue
            stemmed = stem(word)
            if stemmed not in self.vocab:
                replacement = expand(word)
                if replacement is not None:
                    group = tuple(stem(w) for w in words(replacement) if not is_stop(w))
                    if group:
                        out[group] = None
                    continue
            out[(stemmed,)] = None
        return list(out)

    # --- scoring --------------------------------------------------------------------------

    def score_tokens(self, tokens: Sequence[Token], unknown_weight: float) -> np.ndarray:
        """Scores 0..100 for every article."""
        n_fields = len(self.field_article)
        scores = np.zeros(len(self.articles), dtype=np.float32)
        if not tokens or n_fields == 0:
            return scores
        total = np.zeros(n_fields, dtype=np.float32)
        weight_sum = 0.0
        for token in tokens:
            if not token.matches:
                weight_sum += unknown_weight * self.max_idf
                continue
            # The word's weight is that of what it most likely is (the closest term), not of a
            # rarer relative: "систем" must not weigh like "системн".
            best_sim = token.matches[-1][1]
            best_idf = [float(self.idf[tid]) for tid, sim in token.matches if sim == best_sim]
            weight = min(best_idf) if "+" not in token.stem else sum(best_idf) / len(best_idf)
            weight_sum += weight
            contrib = np.zeros(n_fields, dtype=np.float32)
            for tid, sim in token.matches:  # ascending similarity: the best match wins
                posting = self.postings[tid]
                contrib[posting] = np.maximum(contrib[posting], sim * weight)
            total += contrib
        if weight_sum <= 0:
            return scores
        q_cov = total / weight_sum
        f_cov = np.minimum(1.0, total / np.maximum(self.field_idf, 1e-6))
        field_scores = np.where(self.short, q_cov * (0.55 + 0.45 * f_cov), q_cov)
        field_scores *= self.field_weight
        np.maximum.at(scores, self.field_article, field_scores)
        body = self.field_kind == BODY
        body_support = np.zeros(len(self.articles), dtype=np.float32)
        np.maximum.at(body_support, self.field_article[body], q_cov[body])
        scores = np.minimum(1.0, scores + 0.08 * body_support)
        return scores * 100.0
