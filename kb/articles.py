"""Knowledge-base articles: Markdown files with YAML front matter, loaded and checked."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

logger = logging.getLogger(__name__)

DEFAULT_KB_DIR = Path(__file__).parent / "articles"
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# A section starts at a Markdown heading ("## Ошибка 1603") or at a paragraph whose first line
# is bold alone ("**Подключение облачной АТС**"), as desks write without Markdown headings.
_HEADING = re.compile(r"^\s*(?:#{1,6}\s+(?P<hash>.+?)\s*#*|\*\*(?P<bold>[^*]+?)\*\*:?)\s*$")
PARAGRAPH = re.compile(r"\n\s*\n")
_PLAIN = re.compile(r"[`*_#>\[\]]")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZА-ЯЁ0-9«\"(])")


@dataclass(frozen=True)
class Section:
    """A part of an article: its heading ("" for the text before the first heading) and its
    Markdown text without the heading."""

    heading: str
    text: str

    def first_sentence(self, limit: int = 90) -> str:
        """The section's first sentence as plain text, cut at a word to `limit` characters;
        the heading when the section has no text."""
        plain = " ".join(_PLAIN.sub("", self.text).split())
        plain = re.sub(r"^(?:[-•]|\d+\.)\s+", "", plain)
        sentence = _SENTENCE_END.split(plain, maxsplit=1)[0] if plain else self.heading
        return clip(sentence, limit)


def clip(text: str, limit: int) -> str:
    """`text` cut at a word so that it fits `limit` characters, with "…" when cut."""
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def split_sections(body: str) -> tuple[Section, ...]:
    """An article's body as sections, in order; the first is the text before any heading
    (possibly empty). Code blocks are never headings."""
    sections: list[Section] = []
    heading, paragraphs = "", []
    in_code = False
    for paragraph in PARAGRAPH.split(body.strip()):
        lines = paragraph.strip("\n").splitlines()
        match = _HEADING.match(lines[0]) if lines and not in_code else None
        if paragraph.count("```") % 2:
            in_code = not in_code
        if match is None:
            paragraphs.append(paragraph.strip())
            continue
        if paragraphs or heading or sections:
            sections.append(Section(heading, "\n\n".join(p for p in paragraphs if p)))
        elif not sections:
            sections.append(Section("", ""))
        heading = (match["hash"] or match["bold"] or "").strip()
        paragraphs = ["\n".join(lines[1:]).strip()]
    sections.append(Section(heading, "\n\n".join(p for p in paragraphs if p)))
    return tuple(sections)


@dataclass(frozen=True)
class Article:
    """One article as written by the desk, plus aliases learnt from clients' questions."""

    id: str
    title: str
    lang: str
    body: str
    tags: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    path: str = ""
    # Shown by /news, as the support site's start page showed its popular articles.
    featured: bool = False

    def with_aliases(self, aliases: Iterable[str]) -> Article:
        """The same article with extra questions learnt from tickets."""
        extra = tuple(a for a in aliases if a not in self.questions and a not in self.aliases)
        return Article(
            id=self.id,
            title=self.title,
            lang=self.lang,
            body=self.body,
            tags=self.tags,
            questions=self.questions,
            aliases=self.aliases + extra,
            path=self.path,
            featured=self.featured,
        )

    @functools.cached_property
    def sections(self) -> tuple[Section, ...]:
        """The body's sections; the first is the text before any heading (maybe empty)."""
        return split_sections(self.body)

    def snippet(self, limit: int = 90, *, section: int = 0) -> str:
        """For a search result: the first sentence of the section that matched (`section`,
        an index into :attr:`sections`), or the start of the body."""
        if 0 < section < len(self.sections):
            return self.sections[section].first_sentence(limit)
        return clip(" ".join(_PLAIN.sub("", self.body).split()), limit)


@dataclass(frozen=True)
class Problem:
    """Why a file is not a usable article, with where to look."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class LoadResult:
    """The usable articles and the problems found."""

    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def parse_article(path: Path, text: str) -> Article | Problem:
    """Reads one file; returns the article or the first problem in it."""
    name = str(path)
    if not text.startswith("---"):
        return Problem(name, 1, "no front matter: the file must start with a line '---'")
    lines = text.splitlines()
    try:
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---")
    except StopIteration:
        return Problem(name, 1, "front matter is not closed with a line '---'")
    header = "\n".join(lines[1:end])
    try:
        meta = yaml.safe_load(header) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 2
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return Problem(name, line, f"bad YAML: {problem}")
    if not isinstance(meta, dict):
        return Problem(name, 2, "front matter must be a mapping of keys to values")

    def line_of(key: str) -> int:
        for i, line in enumerate(lines[1:end], start=2):
            if line.startswith(f"{key}:"):
                return i
        return 1

    article_id = meta.get("id")
    if not article_id or not isinstance(article_id, str):
        return Problem(name, line_of("id"), "missing id")
    if not _ID.match(article_id):
        return Problem(
            name, line_of("id"), f"id {article_id!r} must be lowercase latin, digits, '-'"
        )
    title = meta.get("title")
    if not title or not isinstance(title, str):
        return Problem(name, line_of("title"), "missing title")
    lang = meta.get("lang", "ru")
    if lang not in ("ru", "en"):
        return Problem(name, line_of("lang"), f"lang must be ru or en, not {lang!r}")
    tags = meta.get("tags") or []
    questions = meta.get("questions") or []
    if not isinstance(tags, list) or not all(isinstance(t, str | int) for t in tags):
        return Problem(name, line_of("tags"), "tags must be a list of words")
    if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
        return Problem(name, line_of("questions"), "questions must be a list of strings")
    featured = meta.get("featured", False)
    if not isinstance(featured, bool):
        return Problem(name, line_of("featured"), "featured must be true or false")
    body = "\n".join(lines[end + 1 :]).strip()
    return Article(
        id=article_id,
        title=title.strip(),
        lang=lang,
        body=body,
        tags=tuple(str(t) for t in tags),
        questions=tuple(q.strip() for q in questions if q.strip()),
        path=name,
        featured=featured,
    )


def load_dir(directory: Path) -> LoadResult:
    """Loads every ``*.md`` of a folder (recursively); broken files become problems."""
    result = LoadResult()
    if not directory.is_dir():
        result.problems.append(Problem(str(directory), 0, "knowledge-base folder not found"))
        return result
    seen: dict[str, Article] = {}
    for path in sorted(directory.rglob("*.md")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            result.problems.append(Problem(str(path), 1, f"cannot read: {exc}"))
            continue
        parsed = parse_article(path, text)
        if isinstance(parsed, Problem):
            result.problems.append(parsed)
            continue
        if parsed.id in seen:
            line = next(
                (i for i, ln in enumerate(text.splitlines(), start=1) if ln.startswith("id:")), 1
            )
            result.problems.append(
                Problem(
                    str(path), line, f"duplicate id {parsed.id!r} (also in {seen[parsed.id].path})"
                )
            )
            continue
        seen[parsed.id] = parsed
        result.articles.append(parsed)
    return result


def fingerprint(directory: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times: changes when any article file changes."""
    if not directory.is_dir():
        return ()
    out = []
    for path in sorted(directory.rglob("*.md")):
        try:
            st = path.stat()
        except OSError:
            continue
        out.append((str(path), st.st_size, st.st_mtime_ns))
    return tuple(out)
