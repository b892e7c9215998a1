"""Articles on disk, `support-bot kb check` and `support-bot kb search`."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from kb.articles import DEFAULT_KB_DIR, load_dir
from storage import repo
from storage.db import create_engine, create_sessionmaker, run_migrations

BIN = Path(sys.executable).parent / "support-bot"
# The entry point imports this tree's code, whichever checkout the environment was installed
# from (an editable install points at one checkout only).
TREE = {"PYTHONPATH": str(Path(__file__).resolve().parents[2])}
GOOD = "---\nid: {id}\ntitle: {title}\nlang: ru\ntags: [a, b]\nquestions:\n  - {q}\n---\nТекст.\n"


def run(
    *args: str,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")} | TREE
    base.update(env or {})
    return subprocess.run(
        [str(BIN), *args],
        input=stdin,
        env=base,
        cwd=cwd,
        text=True,
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_the_shipped_knowledge_base_is_clean() -> None:
    result = load_dir(DEFAULT_KB_DIR)
    assert result.problems == []
    assert len(result.articles) >= 30
    assert {a.lang for a in result.articles} == {"ru", "en"}


def test_kb_check_reports_every_broken_article_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "ok.md").write_text(GOOD.format(id="ok", title="Хорошая", q="вопрос"), "utf-8")
    (tmp_path / "yaml.md").write_text("---\nid: yaml\ntitle: [не закрыто\n---\nТекст\n", "utf-8")
    (tmp_path / "noid.md").write_text("---\ntitle: Без id\n---\nТекст\n", "utf-8")
    (tmp_path / "notitle.md").write_text("---\nid: notitle\nlang: ru\n---\nТекст\n", "utf-8")
    (tmp_path / "dup.md").write_text(GOOD.format(id="ok", title="Дубль", q="в"), "utf-8")
    (tmp_path / "nofront.md").write_text("Просто текст\n", "utf-8")
    result = run("kb", "check", "--kb-dir", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 1
    out = result.stdout
    assert f"{tmp_path / 'yaml.md'}:3: bad YAML" in out
    assert f"{tmp_path / 'noid.md'}:1: missing id" in out
    assert f"{tmp_path / 'notitle.md'}:1: missing title" in out
    # Files are read in name order: the second file with an id is the duplicate.
    assert f"{tmp_path / 'ok.md'}:2: duplicate id 'ok' (also in {tmp_path / 'dup.md'})" in out
    assert f"{tmp_path / 'nofront.md'}:1: no front matter" in out
    assert "1 articles OK, 5 broken" in out


def test_featured_articles_are_marked_in_the_front_matter(tmp_path: Path) -> None:
    featured = GOOD.format(id="top", title="Популярная", q="в").replace(
        "lang: ru\n", "lang: ru\nfeatured: true\n"
    )
    (tmp_path / "top.md").write_text(featured, "utf-8")
    (tmp_path / "plain.md").write_text(GOOD.format(id="plain", title="Обычная", q="в"), "utf-8")
    (tmp_path / "odd.md").write_text(featured.replace("true", "да").replace("top", "odd"), "utf-8")
    result = load_dir(tmp_path)
    assert {a.id: a.featured for a in result.articles} == {"top": True, "plain": False}
    assert [str(p) for p in result.problems] == [
        f"{tmp_path / 'odd.md'}:5: featured must be true or false"
    ]
    # /news has something to show from the shipped base, in both languages.
    shipped = [a for a in load_dir(DEFAULT_KB_DIR).articles if a.featured]
    assert {a.lang for a in shipped} == {"ru", "en"}


def test_kb_check_passes_on_a_clean_folder(tmp_path: Path) -> None:
    (tmp_path / "ok.md").write_text(GOOD.format(id="ok", title="Хорошая", q="вопрос"), "utf-8")
    result = run("kb", "check", "--kb-dir", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stdout


def test_kb_search_reads_queries_from_stdin_as_json_lines(tmp_path: Path) -> None:
    result = run(
        "kb",
        "search",
        "--top",
        "2",
        stdin="как работать на макбуке\nспасибо\nthe system is very slow\n",
        env={"DATA_DIR": str(tmp_path)},
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == [
        "как работать на макбуке",
        "спасибо",
        "the system is very slow",
    ]
    assert lines[0]["results"][0]["id"] == "macos-client"
    assert set(lines[0]["results"][0]) == {"id", "title", "score"}
    assert len(lines[0]["results"]) <= 2
    assert lines[1]["results"] == []
    # The semantic stage joins an English question to the Russian article.
    assert lines[2]["results"][0]["id"] == "slow-performance"
    scores = [r["score"] for r in lines[0]["results"]]
    assert scores == sorted(scores, reverse=True)
    # The embeddings were cached next to the data for the next start.
    assert list(tmp_path.glob("kb-embeddings-*.npz"))


def test_kb_search_sees_aliases_learnt_by_the_bot(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
    wording = "у бухгалтерии карточка договора грузится по пять минут"

    async def teach() -> None:
        engine = create_engine(url)
        await run_migrations(engine)
        async with create_sessionmaker(engine)() as session, session.begin():
            await repo.add_alias(
                session,
                article_id="slow-performance",
                text=wording,
                ticket_id=None,
                created_by=None,
                now=datetime.now(UTC),
            )
        await engine.dispose()

    before = run(
        "kb",
        "search",
        "--json",
        "--no-semantic",
        wording,
        env={"DATABASE_URL": url, "DATA_DIR": str(tmp_path)},
        cwd=tmp_path,
    )
    asyncio.run(teach())
    after = run(
        "kb",
        "search",
        "--json",
        "--no-semantic",
        wording,
        env={"DATABASE_URL": url, "DATA_DIR": str(tmp_path)},
        cwd=tmp_path,
    )
    first_before = (json.loads(before.stdout)["results"] or [{"id": None}])[0]["id"]
    assert first_before != "slow-performance"
    assert json.loads(after.stdout)["results"][0]["id"] == "slow-performance"


def test_kb_stats_on_an_empty_desk(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
    assert run("migrate", env={"DATABASE_URL": url}, cwd=tmp_path).returncode == 0
    result = run("kb", "stats", "--json", env={"DATABASE_URL": url}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["searches"] == 0


def test_the_bot_and_the_cli_build_the_knowledge_base_from_the_settings_alike(
    tmp_path: Path,
) -> None:
    from bot.config import DeskSettings
    from kb.service import build_knowledge_base

    settings = DeskSettings(
        _env_file=None,  # type: ignore[call-arg]
        kb_dir=tmp_path / "articles",
        data_dir=tmp_path / "data",
        kb_threshold=61,
        kb_lexical_threshold=33,
        kb_semantic=True,
    )
    kb = build_knowledge_base(settings)
    assert kb.kb_dir == tmp_path / "articles"
    assert (kb.config.threshold, kb.config.lexical_threshold) == (61, 33)
    assert kb.semantic_wanted
    assert kb.cache_path is not None and kb.cache_path.parent == tmp_path / "data"
    # `support-bot kb search --kb-dir DIR --no-semantic`
    other = build_knowledge_base(settings, kb_dir=tmp_path, semantic=False)
    assert other.kb_dir == tmp_path and not other.semantic_wanted
    assert other.config.threshold == 61
