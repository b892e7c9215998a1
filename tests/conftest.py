"""Shared fixtures: the Bot API emulator, the real bot pointed at it, a clean database."""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import serve
from bot.config import Settings
from desk.clock import Clock
from emulator import BotApiEmulator

TOKEN = "123456:TEST-token"
PG_URL = os.environ.get("TEST_DATABASE_URL")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """End-to-end and storage tests touch the database: they also run on PostgreSQL."""
    for item in items:
        path = str(item.path)
        if f"{os.sep}e2e{os.sep}" in path or f"{os.sep}storage{os.sep}" in path:
            item.add_marker(pytest.mark.postgres)


def _admin_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


@pytest.fixture
async def database_url(tmp_path: Path) -> AsyncIterator[str]:
    """SQLite in a temporary folder, or a new empty database on TEST_DATABASE_URL's server."""
    if not PG_URL:
        yield f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
        return
    import asyncpg
    from sqlalchemy.engine import make_url

    name = f"t_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(_admin_dsn(PG_URL))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    conn = await asyncpg.connect(_admin_dsn(PG_URL))
    try:
        await conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    """A Telegram Bot API emulator on a loopback port."""
    emulator = BotApiEmulator(
        token=TOKEN, bot_username="support_test_bot", bot_first_name="Support"
    )
    await emulator.start()
    try:
        yield emulator
    finally:
        await emulator.stop()


class BotProcess:
    """The real application, started exactly as ``support-bot run`` starts it."""

    def __init__(
        self, settings: Settings, emu: BotApiEmulator, clock: Clock | None = None
    ) -> None:
        self.settings = settings
        self.emu = emu
        self.clock = clock
        self._stop: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Starts polling and waits until the bot asks for updates."""
        self._stop = asyncio.Event()
        polls_before = len(self.emu.calls_of("deleteWebhook"))
        self._task = asyncio.create_task(serve(self.settings, stop=self._stop, clock=self.clock))
        await self.emu.wait_for(
            lambda: (
                (self._task is not None and self._task.done())
                or len(self.emu.calls_of("deleteWebhook")) > polls_before
            ),
            timeout=20,
        )
        if self._task.done():
            self._task.result()  # raises the start-up error

    async def stop(self) -> None:
        """Stops the bot the way SIGTERM does."""
        assert self._stop is not None and self._task is not None
        self._stop.set()
        await asyncio.wait_for(self._task, timeout=20)

    async def restart(self) -> None:
        """Stops and starts again: only what is in the database survives."""
        await self.stop()
        await self.start()


def make_settings(
    emu: BotApiEmulator, group: int, database_url: str, **overrides: object
) -> Settings:
    """Settings as a desk would write them in .env, pointed at the emulator."""
    values: dict[str, object] = {
        "bot_token": emu.token,
        "operator_chat_id": group,
        "database_url": database_url,
        "telegram_api_url": emu.api_url,
        "poll_timeout": 1,
        "request_timeout": 5,
        "group_messages_per_minute": 10_000,
        "album_wait": 0.4,
        "retry_base_seconds": 0.2,
        "private_chat_interval": 0.0,
        "cosmetic_settle": 0.1,
        "feedback_wait": 0.5,
        "send_retries": 2,
        "kb_semantic": False,
        "data_dir": tempfile.mkdtemp(prefix="desk-data-"),
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg,arg-type]
