"""Storage on a real database (SQLite by default, PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

from storage import repo
from storage.db import create_engine, create_sessionmaker, run_migrations


async def test_ticket_numbers_are_unique_and_sequential_under_concurrency(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    await run_migrations(engine)
    sessions = create_sessionmaker(engine)
    now = datetime.now(UTC)
    async with sessions() as session, session.begin():
        await repo.upsert_client(
            session,
            client_id=5_000_000_001,
            first_name="A",
            last_name=None,
            username=None,
            language="ru",
            now=now,
        )

    async def one() -> int:
        async with sessions() as session, session.begin():
            ticket = await repo.create_ticket(
                session,
                client_id=5_000_000_001,
                type_="incident",
                priority="normal",
                status="new",
                subject="s",
                description="d",
                operator_chat_id=-100,
                now=now,
            )
            await asyncio.sleep(0)  # let the others interleave inside their transactions
            return ticket.number

    numbers = await asyncio.gather(*(one() for _ in range(25)))
    await engine.dispose()
    assert sorted(numbers) == list(range(1001, 1026))


async def test_times_come_back_as_the_same_utc_moment(database_url: str) -> None:
    engine = create_engine(database_url)
    await run_migrations(engine)
    sessions = create_sessionmaker(engine)
    moscow = timezone(timedelta(hours=3))
    moment = datetime(2026, 1, 8, 23, 59, 30, tzinfo=moscow)
    async with sessions() as session, session.begin():
        await repo.upsert_client(
            session,
            client_id=5_000_000_002,
            first_name="B",
            last_name=None,
            username=None,
            language="ru",
            now=moment,
        )
    async with sessions() as session:
        client = await repo.get_client(session, client_id=5_000_000_002)
    await engine.dispose()
    assert client is not None
    assert client.created_at == moment
    assert client.created_at.tzinfo is not None
    assert client.id == 5_000_000_002  # ids beyond 32 bits survive


async def test_migrations_are_idempotent(database_url: str) -> None:
    engine = create_engine(database_url)
    await run_migrations(engine)
    await run_migrations(engine)
    await engine.dispose()
