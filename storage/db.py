"""Engine and sessions: SQLite made safe for concurrent writers, or PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_BUSY_TIMEOUT_MS = 15_000


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """Creates the async engine for `url`.

    For SQLite: the file's folder is created, WAL journal, a busy timeout, foreign keys,
    and every transaction starts with ``BEGIN IMMEDIATE`` so that concurrent writers wait
    for each other instead of failing with "database is locked" or losing updates.
    """
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"echo": echo}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        engine = create_async_engine(url, **kwargs)
        _make_sqlite_safe(engine)
        return engine
    kwargs["pool_pre_ping"] = True
    return create_async_engine(url, **kwargs)


def _make_sqlite_safe(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


async def ping(engine: AsyncEngine) -> None:
    """Fails fast, with the driver's message, when the database is unreachable."""
    from sqlalchemy import text

    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))


async def run_migrations(engine: AsyncEngine) -> None:
    """Upgrades the schema to the newest migration on the given engine."""
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade)


def _upgrade(sync_conn: Any) -> None:
    from alembic import command

    cfg = alembic_config()
    cfg.attributes["connection"] = sync_conn
    command.upgrade(cfg, "head")


def alembic_config(url: str | None = None) -> Any:
    """Alembic configuration pointing at the packaged migrations."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def migrate(url: str) -> None:
    """Synchronous entry point for ``support-bot migrate``."""

    async def _run() -> None:
        engine = create_engine(url)
        try:
            await run_migrations(engine)
        finally:
            await engine.dispose()

    asyncio.run(_run())


__all__ = [
    "AsyncConnection",
    "create_engine",
    "create_sessionmaker",
    "migrate",
    "ping",
    "run_migrations",
]
