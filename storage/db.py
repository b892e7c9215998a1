"""Engine and sessions: SQLite made safe for concurrent writers, or PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_BUSY_TIMEOUT_MS = 15_000


class DatabaseProblem(Exception):
    """The database cannot be used as it is; the message is one line for the operator."""


class DatabaseUnavailable(DatabaseProblem):
    """The database cannot be opened: the URL (password masked) and the reason."""


class SchemaMissing(DatabaseProblem):
    """The database has not been migrated (to this version's schema)."""


class DatabaseInUse(DatabaseProblem):
    """Another bot process runs on this SQLite file: SQLite is for one process."""


def lock_path(database: Path) -> Path:
    """The lock file beside a SQLite database: ``<file>.lock``."""
    return database.with_name(database.name + ".lock")


@contextlib.contextmanager
def single_process(url: str) -> Iterator[None]:
    """Holds the SQLite file `url` names for this process, until the block ends or the
    process dies (the operating system releases the lock: a kill -9 leaves none behind).

    A second bot on the same file gets :class:`DatabaseInUse`, naming the file and the
    first one's pid. PostgreSQL (and in-memory SQLite) take no lock: several processes
    may share it."""
    try:
        path = sqlite_file(url)
    except ArgumentError:
        path = None  # create_engine says what is wrong with the URL
    if path is None:
        yield
        return
    import fcntl

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            raise IsADirectoryError
        fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise DatabaseUnavailable(cannot_open(url, exc)) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            raise DatabaseInUse(
                f"another support-bot (pid {holder}) is running on the SQLite database "
                f"{path}: SQLite is for one process; stop that one first, or use "
                "PostgreSQL to run several"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def masked(url: str | URL) -> str:
    """The URL as it may be printed: the password replaced by ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(DATABASE_URL, not a database URL)"


def sqlite_file(url: str | URL) -> Path | None:
    """The file of a SQLite URL; None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser()


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """Creates the async engine for `url`.

    For SQLite: the file's folder is created when it is first opened, WAL journal, a busy
    timeout, foreign keys, and every transaction starts with ``BEGIN IMMEDIATE`` so that
    concurrent writers wait for each other instead of failing with "database is locked" or
    losing updates.

    A URL that names no usable database or driver raises :class:`DatabaseUnavailable`.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUnavailable(
            "DATABASE_URL is not a database URL: sqlite+aiosqlite:///path or "
            "postgresql+asyncpg://user:password@host/database"
        ) from None
    kwargs: dict[str, Any] = {"echo": echo}
    try:
        if parsed.get_backend_name() == "sqlite":
            kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
            engine = create_async_engine(url, **kwargs)
            _make_sqlite_safe(engine, sqlite_file(parsed))
            return engine
        kwargs["pool_pre_ping"] = True
        return create_async_engine(url, **kwargs)
    except (SQLAlchemyError, ImportError) as exc:  # no such driver, or one that is not async
        raise DatabaseUnavailable(
            f"{cannot_open(parsed, exc)} (the drivers are sqlite+aiosqlite and postgresql+asyncpg)"
        ) from None


def cannot_open(url: str | URL, exc: BaseException) -> str:
    """One line: which database (password masked) and why it cannot be opened."""
    return f"cannot open the database {masked(url)}: {_reason(url, exc)}"


def _reason(url: str | URL, exc: BaseException) -> str:
    orig: BaseException = getattr(exc, "orig", None) or exc  # the driver's own error
    if isinstance(orig, ConnectionRefusedError):
        return f"connection refused ({orig.strerror or orig})"
    if isinstance(orig, OSError) and orig.strerror:
        return f"{orig.strerror}: {orig.filename}" if orig.filename else orig.strerror
    path = sqlite_file(url)
    if path is not None:
        # SQLite says only "unable to open database file": find out why.
        if path.is_dir():
            return f"{path} is a folder"
        if not path.parent.is_dir():
            return f"the folder {path.parent} does not exist"
        if not os.access(path.parent, os.W_OK | os.X_OK):
            return f"the folder {path.parent} is not writable"
        if path.exists() and not os.access(path, os.R_OK | os.W_OK):
            return f"{path} is not readable and writable"
    text = str(orig).strip()
    # asyncpg's errors come as "<class 'asyncpg.exceptions.X'>: message"
    if text.startswith("<class '") and ">: " in text:
        text = text.split(">: ", 1)[1]
    return text.splitlines()[0] if text else type(orig).__name__


def _make_sqlite_safe(engine: AsyncEngine, path: Path | None) -> None:
    sync_engine = engine.sync_engine

    if path is not None:

        @event.listens_for(sync_engine, "do_connect")
        def _make_folder(*_args: Any) -> None:
            # When the database is opened, not before: a bot that stops at a wrong token
            # leaves nothing behind.
            path.parent.mkdir(parents=True, exist_ok=True)

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
    """Fails fast when the database cannot be opened: :class:`DatabaseUnavailable`, with the
    URL (password masked) and the reason."""
    from sqlalchemy import text

    path = sqlite_file(engine.url)
    if path is not None:
        # Checked here, in this thread: a folder that cannot be made, or a folder where the
        # file should be, never reaches the driver's worker thread (whose failure would also
        # print a traceback of its own on the way out).
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseUnavailable(cannot_open(engine.url, exc)) from None
        if path.is_dir():
            raise DatabaseUnavailable(cannot_open(engine.url, IsADirectoryError()))
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as exc:
        raise DatabaseUnavailable(cannot_open(engine.url, exc)) from None


async def check_schema(engine: AsyncEngine) -> None:
    """Raises :class:`SchemaMissing` unless the database is at this version's newest
    migration (and :class:`DatabaseUnavailable` if it cannot be opened)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    def current(sync_conn: Any) -> str | None:
        return MigrationContext.configure(sync_conn).get_current_revision()

    await ping(engine)
    try:
        async with engine.connect() as conn:
            revision = await conn.run_sync(current)
    except (SQLAlchemyError, OSError) as exc:
        raise DatabaseUnavailable(cannot_open(engine.url, exc)) from None
    where = masked(engine.url)
    if revision is None:
        raise SchemaMissing(f"the database has no schema yet: run `support-bot migrate` ({where})")
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    if revision == head:
        return
    if revision in {r.revision for r in script.walk_revisions()}:
        raise SchemaMissing(
            f"the database schema is older than this support-bot (revision {revision}, needs "
            f"{head}): run `support-bot migrate` ({where})"
        )
    raise SchemaMissing(
        f"the database schema (revision {revision}) is newer than this support-bot: "
        f"upgrade support-bot ({where})"
    )


async def open_migrated(url: str) -> AsyncEngine:
    """An engine on a database that ``support-bot migrate`` has set up, for tools that read
    it: never creates one (no empty SQLite file is left behind). Raises
    :class:`SchemaMissing` or :class:`DatabaseUnavailable`."""
    path = sqlite_file(url)
    if path is not None and not path.exists():
        raise SchemaMissing(
            f"the database has no schema yet: run `support-bot migrate` ({masked(url)})"
        )
    engine = create_engine(url)
    try:
        await check_schema(engine)
    except BaseException:
        await engine.dispose()
        raise
    return engine


async def run_migrations(engine: AsyncEngine, carried: dict[str, str] | None = None) -> None:
    """Upgrades the schema to the newest migration on the given engine. `carried`: former
    settings a migration moves into the database (``organization_managers`` for 0010)."""
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade, carried or {})


def _upgrade(sync_conn: Any, carried: dict[str, str]) -> None:
    from alembic import command

    cfg = alembic_config()
    cfg.attributes["connection"] = sync_conn
    cfg.attributes["carried"] = carried
    command.upgrade(cfg, "head")


def alembic_config(url: str | None = None) -> Any:
    """Alembic configuration pointing at the packaged migrations."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def migrate(url: str, carried: dict[str, str] | None = None) -> None:
    """Synchronous entry point for ``support-bot migrate``."""

    async def _run() -> None:
        engine = create_engine(url)
        try:
            await ping(engine)
            await run_migrations(engine, carried)
        finally:
            await engine.dispose()

    asyncio.run(_run())


__all__ = [
    "AsyncConnection",
    "DatabaseProblem",
    "DatabaseUnavailable",
    "SchemaMissing",
    "check_schema",
    "create_engine",
    "create_sessionmaker",
    "masked",
    "migrate",
    "open_migrated",
    "ping",
    "run_migrations",
]
