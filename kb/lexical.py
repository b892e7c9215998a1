"""The lexical stage: IDF-weighted fuzzy overlap of stems, from a token-level index.

Each article is split into fields (title, every example question, every alias learnt from
clients, tags, every section heading, body). A query's content stems are matched to the
index's vocabulary exactly, by a shared prefix (Russian stems of one root), or within one or
two typing mistakes; every match adds the query word's weight to the fields that contain it.
A field scores by how much of the query it covers and, for short fields, how much of itself
the query covers; an article scores by its best field, the body counting less. All of it is
vectorised over the fields, so a query costs milliseconds even with ten thousand articles.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import DamerauLevenshtein

from kb.articles import Article
from kb.normalize import WORD_RE, is_stop, readings, stem, words
from kb.normalize import term as word_term
from kb.slang import expand

TITLE, QUESTION, ALIAS, TAGS, BODY, HEADING = range(6)
_WORDS = WORD_RE.findall
# A section heading is the desk's own short question ("Ошибка при установке", "Нет записи
# разговора"): on a base without client phrasings it does what example questions do.
FIELD_WEIGHT = np.array([1.0, 1.0, 1.0, 0.85, 0.72, 1.0], dtype=np.float32)
SHORT_FIELDS = (TITLE, QUESTION, ALIAS, HEADING)
# Where a section's heading matches, the section is more likely the one asked about.
HEADING_BONUS = 1.5
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

        word_ids: dict[str, int] = {}  # word as written -> term id (-1: a stop word)

        def term_id(word: str) -> int:
            stemmed = word_term(word)
            tid = vocab.setdefault(stemmed, len(vocab)) if stemmed else -1
            word_ids[word] = tid
            return tid

        article_terms: set[int] = set()
        df_count: Counter[int] = Counter()

        # Raw whitespace-separated tokens repeat across articles: each is read once (words,
        # stems, term ids) and remembered, so indexing is mostly dictionary look-ups.
        token_ids: dict[str, frozenset[int]] = {}

        def read_token(token: str) -> frozenset[int]:
            found = set()
            for word in _WORDS(token.lower()):
                tid = word_ids[word] if word in word_ids else term_id(word)
                if tid >= 0:
                    found.add(tid)
            ids = frozenset(found)
            token_ids[token] = ids
            return ids

        def terms_of(text: str) -> set[int]:
            ids: set[int] = set()
            get = token_ids.get
            for token in set(text.split()):
                known = get(token)
                ids.update(read_token(token) if known is None else known)
            return ids

        # Per article, per section: the terms of its heading and of its text, to find the
        # section a question is about (``locate``).
        self.section_terms: list[list[tuple[frozenset[int], frozenset[int]]]] = []

        def add_field(article: int, kind: int, text: str) -> None:
            ids = terms_of(text)
            if not ids:
                return
            field_article.append(article)
            field_kind.append(kind)
            field_terms.append(ids)
            article_terms.update(ids)

        for idx, article in enumerate(self.articles):
            add_field(idx, TITLE, article.title)
            for question in article.questions:
                add_field(idx, QUESTION, question)
            for alias in article.aliases:
                add_field(idx, ALIAS, alias)
            if article.tags:
                add_field(idx, TAGS, " ".join(article.tags))
            located = []
            for section in article.sections:
                if section.heading:
                    add_field(idx, HEADING, section.heading)
                located.append(
                    (frozenset(terms_of(section.heading)), frozenset(terms_of(section.text)))
                )
            self.section_terms.append(located)
            add_field(idx, BODY, f"{article.title}\n{article.body}")
            df_count.update(article_terms)
            article_terms.clear()

        self.vocab = vocab
        self.terms = [""] * len(vocab)
        for term, tid in vocab.items():
            self.terms[tid] = term
        n_articles = max(1, len(self.articles))
        flat_list: list[int] = []
        lengths: list[int] = []
        for terms in field_terms:
            flat_list.extend(terms)
            lengths.append(len(terms))
        flat = np.array(flat_list, dtype=np.int64)
        owner = np.repeat(np.arange(len(field_terms)), lengths)
        self.field_article = np.array(field_article, dtype=np.int32)
        self.field_kind = np.array(field_kind, dtype=np.int8)
        self.field_weight = FIELD_WEIGHT[self.field_kind] if field_kind else np.zeros(0)
        # Document frequency: in how many articles (any field) each term appears.
        df = np.zeros(len(vocab), dtype=np.float32)
        if df_count:
            df[np.fromiter(df_count.keys(), dtype=np.int64)] = np.fromiter(
                df_count.values(), dtype=np.float32
            )
        self.idf = np.log((n_articles + 1) / (df + 0.5)).astype(np.float32) + 0.1
        self.max_idf = float(math.log((n_articles + 1) / 0.5) + 0.1)
        field_idf = np.bincount(owner, weights=self.idf[flat], minlength=len(field_terms))
        self.field_idf = field_idf.astype(np.float32)
        # Fields are stored article by article: each article's fields are one slice.
        self.article_start = np.searchsorted(self.field_article, np.arange(len(self.articles)))
        self.has_fields = np.bincount(self.field_article, minlength=len(self.articles)) > 0
        body_of = np.full(len(self.articles), -1, dtype=np.int64)
        bodies = self.field_kind == BODY
        body_of[self.field_article[bodies]] = np.nonzero(bodies)[0]
        self.body_of = body_of
        self.short = np.isin(self.field_kind, SHORT_FIELDS)
        order = np.argsort(flat, kind="stable")
        sorted_terms = flat[order]
        sorted_fields = owner[order].astype(np.int32)
        bounds = np.searchsorted(sorted_terms, np.arange(len(vocab) + 1))
        self.postings = [sorted_fields[bounds[i] : bounds[i + 1]] for i in range(len(vocab))]
        self._matched: dict[tuple[str, ...], Token] = {}
        self._last_read: tuple[str, tuple[str, list[Token]]] | None = None
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
        return self._read(text)[1]

    def read(self, text: str) -> tuple[str, list[Token]]:
        """The reading of the text the knowledge base recognises best (as typed, typed in
        the wrong keyboard layout, transliterated, or word by word), and its matched words."""
        # A search reads its question twice (to score, then to locate the sections shown).
        last = self._last_read
        if last is not None and last[0] == text:
            return last[1]
        found = self._read(text)
        self._last_read = (text, found)
        return found

    def _read(self, text: str) -> tuple[str, list[Token]]:
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
        cached = self._matched.get(stems)
        if cached is not None:
            return cached
        token = self._match_group(stems)
        if len(self._matched) > 50_000:
            self._matched.clear()
        self._matched[stems] = token
        return token

    def _match_group(self, stems: tuple[str, ...]) -> Token:
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

    def locate(self, tokens: Sequence[Token], article: int, unknown_weight: float) -> int:
        """The section of an article (index into ``Article.sections``) that covers most of
        the query, its heading counting more; 0 (the start) when none covers any of it."""
        words = [(self.weight_of(t, unknown_weight), t.matches) for t in tokens if t.matches]
        best, best_score = 0, 0.0
        for number, (heading, text) in enumerate(self.section_terms[article]):
            score = 0.0
            for weight, matches in words:
                found = 0.0
                for tid, sim in matches:
                    if tid in heading:
                        found = max(found, HEADING_BONUS * sim)
                    elif tid in text:
                        found = max(found, sim)
                score += weight * found
            if score > best_score + 1e-9:
                best, best_score = number, score
        return best

    def score_tokens(self, tokens: Sequence[Token], unknown_weight: float) -> np.ndarray:
        """Scores 0..100 for every article."""
        return self.article_scores(self.field_scores(tokens, unknown_weight))

    def field_scores(self, tokens: Sequence[Token], unknown_weight: float) -> FieldScores | None:
        """Scores of every field, and each article's body coverage (None: nothing matches).
        Several readings of one message combine field by field before article_scores."""
        if not tokens or len(self.field_article) == 0:
            return None
        return self.finish(*self.accumulate(tokens, unknown_weight))

    def weight_of(self, token: Token, unknown_weight: float) -> float:
        """How much a query word counts: the rarity of what it most likely is."""
        if not token.matches:
            return unknown_weight * self.max_idf
        # The closest term decides, not a rarer relative: "систем" must not weigh like
        # "системн".
        best_sim = token.matches[-1][1]
        best_idf = [float(self.idf[tid]) for tid, sim in token.matches if sim == best_sim]
        return min(best_idf) if "+" not in token.stem else sum(best_idf) / len(best_idf)

    def accumulate(
        self, tokens: Sequence[Token], unknown_weight: float
    ) -> tuple[np.ndarray, float]:
        """Per field, the weight of the query words it contains; and the query's weight."""
        total = np.zeros(len(self.field_article), dtype=np.float32)
        weight_sum = 0.0
        for token in tokens:
            weight = self.weight_of(token, unknown_weight)
            weight_sum += weight
            if not token.matches:
                continue
            if len(token.matches) == 1:
                tid, sim = token.matches[0]
                total[self.postings[tid]] += sim * weight
                continue
            contrib = np.zeros(len(self.field_article), dtype=np.float32)
            for tid, sim in token.matches:  # ascending similarity: the best match wins
                posting = self.postings[tid]
                contrib[posting] = np.maximum(contrib[posting], sim * weight)
            total += contrib
        return total, weight_sum

    def finish(self, total: np.ndarray, weight_sum: float) -> FieldScores | None:
        """Field scores from accumulated weights: how much of the query each field covers
        and, for short fields, how much of the field the query covers."""
        if weight_sum <= 0:
            return None
        q_cov = total / weight_sum
        f_cov = np.minimum(1.0, total / np.maximum(self.field_idf, 1e-6))
        fields = np.where(self.short, q_cov * (0.55 + 0.45 * f_cov), q_cov) * self.field_weight
        body = np.zeros(len(self.articles), dtype=np.float32)
        has_body = self.body_of >= 0
        body[has_body] = q_cov[self.body_of[has_body]]
        return FieldScores(fields=fields, body=body)

    def finish_into(
        self, best: FieldScores, total: np.ndarray, weight_sum: float, factor: float
    ) -> float:
        """``finish`` of one sentence, discounted by `factor`, merged field by field into
        `best` in place; only the fields the sentence touches are computed. Returns the
        sentence's best field score."""
        if weight_sum <= 0:
            return 0.0
        touched = np.flatnonzero(total)
        if len(touched) == 0:
            return 0.0
        part = total[touched]
        q_cov = part / weight_sum
        f_cov = np.minimum(1.0, part / np.maximum(self.field_idf[touched], 1e-6))
        short = self.short[touched]
        values = np.where(short, q_cov * (0.55 + 0.45 * f_cov), q_cov)
        values = values * self.field_weight[touched] * factor
        best.fields[touched] = np.maximum(best.fields[touched], values)
        bodies = self.field_kind[touched] == BODY
        owners = self.field_article[touched][bodies]
        best.body[owners] = np.maximum(best.body[owners], q_cov[bodies] * factor)
        return float(values.max())

    def article_scores(self, scored: FieldScores | None) -> np.ndarray:
        """Scores 0..100 for every article: its best field, corroborated by its body."""
        scores = np.zeros(len(self.articles), dtype=np.float32)
        if scored is None:
            return scores
        starts = self.article_start[self.has_fields]
        scores[self.has_fields] = np.maximum.reduceat(scored.fields, starts)
        return np.minimum(1.0, scores + 0.08 * scored.body) * 100.0


@dataclass(frozen=True)
class FieldScores:
    """A reading's score per field, and per article how much of it the body covers."""

    fields: np.ndarray
    body: np.ndarray

    def scaled(self, factor: float) -> FieldScores:
        """The same reading, discounted."""
        return FieldScores(fields=self.fields * factor, body=self.body * factor)

    def best(self, other: FieldScores) -> FieldScores:
        """Field by field, the better of two readings."""
        return FieldScores(
            fields=np.maximum(self.fields, other.fields), body=np.maximum(self.body, other.body)
        )
