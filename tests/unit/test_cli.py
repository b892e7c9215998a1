"""The ``support-bot`` command as an admin uses it."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from bot.config import Settings
from emulator import BotApiEmulator, text_of

BIN = Path(sys.executable).parent / "support-bot"
# The entry point imports this tree's code, whichever checkout the environment was installed
# from (an editable install points at one checkout only).
TREE = {"PYTHONPATH": str(Path(__file__).resolve().parents[2])}


def run(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def clean_env() -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "SYSTEMROOT")
    return {k: v for k, v in os.environ.items() if k in keep} | TREE


def test_help_on_every_command(tmp_path: Path) -> None:
    for args in (("--help",), ("run", "--help"), ("migrate", "--help")):
        result = run(*args, env=clean_env(), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "usage: support-bot" in result.stdout


def test_missing_token_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    result = run("run", env=clean_env(), cwd=tmp_path)
    assert result.returncode == 2
    assert "BOT_TOKEN is not set" in result.stderr
    assert "OPERATOR_CHAT_ID is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_settings_are_explained(tmp_path: Path) -> None:
    env = clean_env() | {
        "BOT_TOKEN": "not-a-token",
        "OPERATOR_CHAT_ID": "12345",
        "TIMEZONE": "Mars/Olympus",
    }
    result = run("run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "BOT_TOKEN" in result.stderr and "@BotFather" in result.stderr
    assert "OPERATOR_CHAT_ID" in result.stderr and "negative" in result.stderr
    assert "unknown time zone" in result.stderr


def test_settings_come_from_the_env_file(tmp_path: Path, monkeypatch: object) -> None:
    (tmp_path / ".env").write_text("BOT_TOKEN=42:abc\nOPERATOR_CHAT_ID=-1005\nADMIN_IDS=1, 2\n")
    settings = Settings(_env_file=tmp_path / ".env")  # type: ignore[call-arg]
    assert settings.operator_chat_id == -1005
    assert settings.admin_ids == frozenset({1, 2})
    assert settings.database_url.startswith("sqlite+aiosqlite:///")


def test_env_example_lists_every_setting() -> None:
    example = (Path(__file__).parents[2] / ".env.example").read_text()
    names = {
        line.split("=")[0]
        for line in example.splitlines()
        if "=" in line and not line.startswith("#")
    }
    assert names == {name.upper() for name in Settings.model_fields}


def test_migrate_creates_the_schema(tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    env = clean_env() | {"DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    result = run("migrate", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    tables = {r[0] for r in sqlite3.connect(db).execute("select name from sqlite_master")}
    assert {"tickets", "clients", "ticket_messages", "drafts", "message_links"} <= tables


async def test_the_installed_command_runs_the_bot_against_any_api_server(tmp_path: Path) -> None:
    emu = BotApiEmulator(token="777:REAL", bot_username="desk_bot")
    await emu.start()
    group = emu.add_group(
        title="Поддержка", is_forum=True, bot_is_admin=True, can_manage_topics=True
    )
    client = emu.add_user(first_name="Мария", language_code="ru")
    env = clean_env() | {
        "BOT_TOKEN": "777:REAL",
        "OPERATOR_CHAT_ID": str(group),
        "TELEGRAM_API_URL": emu.api_url,
        "POLL_TIMEOUT": "1",
    }
    proc = await asyncio.create_subprocess_exec(
        str(BIN),
        "run",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        emu.send_command(client, client, "/start")
        reply = await emu.wait_message(client, contains="Здравствуйте, Мария", timeout=30)
        assert "Новая заявка" in str(reply.get("reply_markup"))
        assert (tmp_path / "data" / "support-bot.db").exists()  # the embedded default
    finally:
        proc.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(proc.communicate(), timeout=30)
        await emu.stop()
    assert proc.returncode == 0, output.decode()
    assert "topics mode" in output.decode()
    assert text_of(reply)


def test_env_example_with_the_two_required_values_is_a_working_configuration(
    tmp_path: Path,
) -> None:
    example = (Path(__file__).parents[2] / ".env.example").read_text()
    filled = example.replace("BOT_TOKEN=\n", "BOT_TOKEN=123:abc\n").replace(
        "OPERATOR_CHAT_ID=\n", "OPERATOR_CHAT_ID=-1001234\n"
    )
    (tmp_path / ".env").write_text(filled)
    settings = Settings(_env_file=tmp_path / ".env")  # type: ignore[call-arg]
    assert settings.operator_chat_id == -1001234
    assert settings.manager_id is None and settings.desk_days_off == frozenset()
    assert settings.calendar.work_start.hour == 9
