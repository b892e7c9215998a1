"""What the operator sees when the bot cannot start, or a CLI command cannot run: one line on
stderr naming the problem and what to do, a non-zero exit code, and never a traceback.

Each case runs the real command line in its own process (``python -m bot ...``, this tree's
code) from an empty folder with no ``.env``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sqlite3
import sys
import time
from collections.abc import AsyncIterator, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from emulator import BotApiEmulator
from tests.conftest import BotProcess, make_settings

if TYPE_CHECKING:
    from bot.context import Desk

REPO_ROOT = Path(__file__).resolve().parents[2]
TOKEN = "777:REAL"
STARTUP = 60  # seconds a failing start may take at most here


def clean_env(**values: str) -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "SYSTEMROOT", "TMPDIR")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env["PYTHONPATH"] = str(REPO_ROOT)
    env.update(values)
    return env


async def support_bot(*args: str, cwd: Path, **env: str) -> tuple[int, str, str, float]:
    """Runs ``python -m bot ARGS``; returns the exit code, stdout, stderr and seconds taken."""
    began = time.monotonic()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=cwd,
        env=clean_env(**env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout=STARTUP)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode(), time.monotonic() - began


def the_one_line(code: int, err: str) -> str:
    """The stderr of a failed command: exactly one line, no traceback; that line."""
    assert code == 1, err
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def left_in(folder: Path) -> list[str]:
    """What a command left behind in its working folder."""
    return sorted(p.name for p in folder.iterdir())


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def telegram() -> AsyncIterator[BotApiEmulator]:
    emu = BotApiEmulator(token=TOKEN, bot_username="desk_bot")
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()


def bot_env(emu_url: str, group: int, **more: str) -> dict[str, str]:
    return {
        "BOT_TOKEN": TOKEN,
        "OPERATOR_CHAT_ID": str(group),
        "TELEGRAM_API_URL": emu_url,
        "KB_SEMANTIC": "false",
        **more,
    }


async def test_a_token_telegram_rejects(tmp_path: Path, telegram: BotApiEmulator) -> None:
    group = telegram.add_group(title="Поддержка", is_forum=True)
    env = bot_env(telegram.api_url, group, BOT_TOKEN="777:REVOKED")
    code, _out, err, _took = await support_bot("run", cwd=tmp_path, **env)
    assert the_one_line(code, err) == (
        "support-bot: Telegram rejected BOT_TOKEN (401 Unauthorized): check the token from "
        "@BotFather"
    )
    assert "REVOKED" not in err  # the token is a secret
    assert left_in(tmp_path) == []  # no database, not even its folder


async def test_telegram_unreachable(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    env = bot_env(url, -1001234)
    code, _out, err, took = await support_bot("run", cwd=tmp_path, **env)
    line = the_one_line(code, err)
    assert line.startswith(f"support-bot: cannot reach Telegram at {url} (3 tries in "), line
    assert "ConnectError" in line
    assert took < 20  # a few seconds of tries, then the answer
    assert left_in(tmp_path) == []


async def test_a_sqlite_database_that_cannot_be_opened(
    tmp_path: Path, telegram: BotApiEmulator
) -> None:
    group = telegram.add_group(title="Поддержка", is_forum=True)
    (tmp_path / "a-file").write_text("")
    path = tmp_path / "a-file" / "data" / "desk.db"  # its folder cannot be made
    url = f"sqlite+aiosqlite:///{path}"
    env = bot_env(telegram.api_url, group, DATABASE_URL=url)
    code, _out, err, _took = await support_bot("run", cwd=tmp_path, **env)
    assert the_one_line(code, err) == (
        f"support-bot: cannot open the database {url}: Not a directory: {path.parent}"
    )
    url = f"sqlite+aiosqlite:///{tmp_path}"  # a folder where the file should be
    code, _out, err, _took = await support_bot("migrate", cwd=tmp_path, DATABASE_URL=url)
    assert the_one_line(code, err) == (
        f"support-bot: cannot open the database {url}: {tmp_path} is a folder"
    )


async def test_a_postgresql_server_that_refuses(tmp_path: Path, telegram: BotApiEmulator) -> None:
    group = telegram.add_group(title="Поддержка", is_forum=True)
    port = closed_port()
    url = f"postgresql+asyncpg://desk:s3cret@127.0.0.1:{port}/desk"
    expected = (
        f"support-bot: cannot open the database postgresql+asyncpg://desk:***@127.0.0.1:{port}"
        "/desk: connection refused"
    )
    env = bot_env(telegram.api_url, group, DATABASE_URL=url)
    code, _out, err, _took = await support_bot("run", cwd=tmp_path, **env)
    assert the_one_line(code, err).startswith(expected), err
    assert "s3cret" not in err
    code, _out, err, _took = await support_bot("kb", "stats", cwd=tmp_path, DATABASE_URL=url)
    assert the_one_line(code, err).startswith(expected), err


async def test_kb_stats_before_the_first_migration(tmp_path: Path) -> None:
    """`run` migrates at start; the tools that only read the database never create or migrate
    one: they say what to run."""
    # The default database (data/support-bot.db) is not there: nothing is created.
    code, out, err, _took = await support_bot("kb", "stats", cwd=tmp_path)
    assert the_one_line(code, err) == (
        "support-bot: the database has no schema yet: run `support-bot migrate` "
        "(sqlite+aiosqlite:///data/support-bot.db)"
    )
    assert out == ""
    assert left_in(tmp_path) == []
    # `kb search` reads aliases from the database if there is one, and creates none either.
    code, out, err, _took = await support_bot(
        "kb", "search", "--no-semantic", "пароль", cwd=tmp_path
    )
    assert code == 0, err
    assert left_in(tmp_path) == []
    # An empty file (a database nobody migrated) is told the same.
    db = tmp_path / "desk.db"
    sqlite3.connect(db).close()
    url = f"sqlite+aiosqlite:///{db}"
    code, out, err, _took = await support_bot("kb", "stats", cwd=tmp_path, DATABASE_URL=url)
    assert the_one_line(code, err) == (
        f"support-bot: the database has no schema yet: run `support-bot migrate` ({url})"
    )


async def test_operator_group_problems_are_logged_in_one_line_each_and_the_bot_runs(
    tmp_path: Path, telegram: BotApiEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    """Not fatal: client messages are kept until the group works; the log says what to fix."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
    not_admin = telegram.add_group(title="Поддержка", is_forum=True, bot_is_admin=False)
    no_such_group = -1009999999
    expected = {
        not_admin: "the bot is not an admin of the operator group: with privacy mode it will "
        "not see engineers' messages. Make it an admin allowed to manage topics.",
        no_such_group: f"cannot reach the operator group {no_such_group} (Chat not found): add "
        "the bot to the group as an admin; client messages are kept and delivered once it can",
    }
    for group, line in expected.items():
        caplog.clear()
        bot = BotProcess(make_settings(telegram, group, url), telegram)
        with caplog.at_level(logging.INFO, logger="bot.app"):
            await bot.start()
            await bot.stop()
        errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert line in errors, errors
        assert all(r.exc_info is None for r in caplog.records)
        assert any("in reply mode" in r.getMessage() for r in caplog.records)


async def test_a_stop_during_start_up_starts_nothing_more(
    tmp_path: Path, telegram: BotApiEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+C as the bot starts (at once, or on a busy machine): the database is migrated,
    and nothing is started only to be stopped again, the embedding model least of all."""
    from bot.app import serve
    from bot.service import knowledge
    from storage.db import check_schema, create_engine

    load_semantic = knowledge.load_semantic
    loads: list[object] = []

    def counted(desk: Desk) -> Coroutine[Any, Any, None]:
        loads.append(desk)
        return load_semantic(desk)

    monkeypatch.setattr(knowledge, "load_semantic", counted)
    group = telegram.add_group(title="Поддержка", is_forum=True)
    url = f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
    stop = asyncio.Event()
    stop.set()
    settings = make_settings(telegram, group, url, kb_semantic=True)
    await asyncio.wait_for(serve(settings, stop=stop), timeout=20)
    assert loads == []
    assert not telegram.calls_of("getUpdates") and not telegram.calls_of("setMyCommands")
    engine = create_engine(url)
    try:
        await check_schema(engine)  # migrated: the next start has nothing left to do
    finally:
        await engine.dispose()


async def test_a_schema_behind_or_ahead_of_this_version_is_named(tmp_path: Path) -> None:
    from sqlalchemy import text

    from storage.db import SchemaMissing, check_schema, create_engine, run_migrations

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}")
    try:
        await run_migrations(engine)
        await check_schema(engine)  # at the newest migration: nothing to say
        for revision, says in (("0001", "is older than"), ("9999", "is newer than")):
            async with engine.begin() as conn:
                await conn.execute(
                    text("UPDATE alembic_version SET version_num = :r"), {"r": revision}
                )
            with pytest.raises(SchemaMissing, match=says):
                await check_schema(engine)
    finally:
        await engine.dispose()


def test_one_process_holds_a_sqlite_file(tmp_path: Path) -> None:
    """The lock beside the file names its holder; PostgreSQL takes none; leaving frees it."""
    from storage.db import DatabaseInUse, single_process

    path = tmp_path / "data" / "desk.db"
    url = f"sqlite+aiosqlite:///{path}"
    with single_process(url):
        assert (tmp_path / "data" / "desk.db.lock").read_text() == f"{os.getpid()}\n"
        with pytest.raises(DatabaseInUse) as second, single_process(url):
            pass
        assert str(second.value) == (
            f"another support-bot (pid {os.getpid()}) is running on the SQLite database "
            f"{path}: SQLite is for one process; stop that one first, or use PostgreSQL to "
            "run several"
        )
        with single_process("postgresql+asyncpg://desk@127.0.0.1/desk"):
            pass  # several processes share PostgreSQL
    with single_process(url):  # released at the end of the block (or of the process)
        pass
