"""Announcement rows on a real database: one Send wins, one sender per row, crash leftovers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from desk.broadcast import EVERYONE, Audience, State
from storage import announcements as store
from storage import orgs, repo
from storage.db import create_engine, create_sessionmaker, run_migrations
from storage.models import Client, Delivery

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


async def _join(session: AsyncSession, client_id: int, org_name: str | None) -> None:
    """Links the client to the organization of that name (names folded as the desk folds
    them), creating it; an empty name leaves the client unverified."""
    if not org_name or not org_name.strip():
        return
    org = await orgs.find(session, org_name) or await orgs.create(session, org_name, now=NOW)
    client = await session.get(Client, client_id)
    assert client is not None
    orgs.link(client, org)
    await session.flush()


async def _setup(database_url: str) -> async_sessionmaker[AsyncSession]:
    engine = create_engine(database_url)
    await run_migrations(engine)
    sessions = create_sessionmaker(engine)
    people = [
        (1, True, "ООО Ромашка", None),
        (2, True, "АО Лютик", None),
        (3, True, None, None),
        (4, False, "ООО Ромашка", None),  # not subscribed
        (5, True, "ООО Ромашка", NOW),  # blocked the bot
    ]
    async with sessions() as session, session.begin():
        for client_id, subscribed, org, blocked in people:
            await repo.upsert_client(
                session,
                client_id=client_id,
                first_name=f"C{client_id}",
                last_name=None,
                username=None,
                language="ru",
                now=NOW,
            )
            await session.execute(
                update(Client)
                .where(Client.id == client_id)
                .values(subscribed=subscribed, blocked_at=blocked)
            )
            await _join(session, client_id, org)
    return sessions


async def _previewed(
    sessions: async_sessionmaker[AsyncSession], *, audience: str = "all", orgs: str = "[]"
) -> int:
    async with sessions() as session, session.begin():
        row, _ = await store.start(session, author_id=9, thread_id=None, now=NOW)
        row.kind, row.text_html, row.step = "text", "Новости", "preview"
        row.audience, row.organizations = audience, orgs
        return row.id


async def test_send_makes_one_row_per_subscriber_and_only_once(database_url: str) -> None:
    sessions = await _setup(database_url)
    announcement_id = await _previewed(sessions)
    async with sessions() as session, session.begin():
        assert await store.audience_size(session, audience=EVERYONE) == 3
        assert await store.organizations_with_subscribers(session) == [
            ("АО Лютик", 1),
            ("ООО Ромашка", 1),
        ]

    async def press() -> int | None:
        async with sessions() as session, session.begin():
            return await store.launch(session, announcement_id=announcement_id, now=NOW)

    results = await asyncio.gather(press(), press(), press())
    assert sorted(results, key=lambda r: r is None) == [3, None, None]
    async with sessions() as session:
        clients = (
            await session.execute(
                select(Delivery.client_id).where(Delivery.announcement_id == announcement_id)
            )
        ).scalars()
        assert sorted(clients) == [1, 2, 3]


async def test_an_organizations_announcement_reaches_only_them(database_url: str) -> None:
    sessions = await _setup(database_url)
    announcement_id = await _previewed(sessions, audience="orgs", orgs='["ООО Ромашка"]')
    async with sessions() as session, session.begin():
        assert await store.launch(session, announcement_id=announcement_id, now=NOW) == 1
        due = await store.due(session, announcement_id=announcement_id, now=NOW, limit=10)
    assert [client for _, client, _ in due] == [1]


async def test_a_row_is_claimed_by_one_sender(database_url: str) -> None:
    sessions = await _setup(database_url)
    announcement_id = await _previewed(sessions)
    async with sessions() as session, session.begin():
        await store.launch(session, announcement_id=announcement_id, now=NOW)
        (delivery_id, _, _), *_ = await store.due(
            session, announcement_id=announcement_id, now=NOW, limit=1
        )

    async def claim() -> int | None:
        async with sessions() as session, session.begin():
            return await store.claim(session, delivery_id=delivery_id, now=NOW)

    results = await asyncio.gather(*(claim() for _ in range(5)))
    assert sorted(results, key=lambda r: r is None) == [1, None, None, None, None]


async def test_leftovers_of_a_dead_sender_become_unknown_and_the_job_completes(
    database_url: str,
) -> None:
    sessions = await _setup(database_url)
    announcement_id = await _previewed(sessions)
    async with sessions() as session, session.begin():
        await store.launch(session, announcement_id=announcement_id, now=NOW)
        rows = await store.due(session, announcement_id=announcement_id, now=NOW, limit=10)
    (old, _, _), (fresh, _, _), (done, _, _) = rows
    async with sessions() as session, session.begin():
        await store.claim(session, delivery_id=old, now=NOW - timedelta(minutes=5))
        await store.claim(session, delivery_id=fresh, now=NOW)
        await store.claim(session, delivery_id=done, now=NOW)
        await store.record(session, delivery_id=done, state=State.SENT, now=NOW, message_id=7)
        assert not await store.complete(session, announcement_id=announcement_id, now=NOW)
    async with sessions() as session, session.begin():
        # Only rows claimed before the lease are judged; a send still in flight is not.
        assert await store.expire_stale(session, claimed_before=NOW - timedelta(minutes=1)) == 1
        progress = await store.progress(session, announcement_id=announcement_id)
        assert (progress.sent, progress.unknown, progress.remaining) == (1, 1, 1)
        # A late answer for the expired row cannot overwrite the verdict.
        await store.record(session, delivery_id=old, state=State.SENT, now=NOW, message_id=8)
        await store.record(session, delivery_id=fresh, state=State.SENT, now=NOW, message_id=9)
    async with sessions() as session, session.begin():
        assert await store.complete(session, announcement_id=announcement_id, now=NOW)
        assert not await store.complete(session, announcement_id=announcement_id, now=NOW)
        failures = await store.failures(session, announcement_id=announcement_id)
    assert failures == [("unknown", "interrupted", 1)]


async def test_a_version_ticket_is_linked_once(database_url: str) -> None:
    sessions = await _setup(database_url)
    announcement_id = await _previewed(sessions)
    async with sessions() as session, session.begin():
        await store.launch(session, announcement_id=announcement_id, now=NOW)
        delivery = await store.delivery_for(session, announcement_id=announcement_id, client_id=1)
        assert delivery is not None
        assert (
            await store.delivery_for(session, announcement_id=announcement_id, client_id=4) is None
        )
    async with sessions() as session, session.begin():
        assert await store.take_version_request(session, delivery_id=delivery.id, ticket_id=11)
        assert not await store.take_version_request(session, delivery_id=delivery.id, ticket_id=12)


async def test_the_audience_rule_gives_the_same_answers_in_python_and_in_sql(
    database_url: str,
) -> None:
    """One rule, read two ways: /news asks it of one client in Python, Send of every client
    in SQL (desk.broadcast.Audience, storage.announcements.addressed)."""
    engine = create_engine(database_url)
    await run_migrations(engine)
    sessions = create_sessionmaker(engine)
    organizations = [
        "ООО Ромашка",
        "ооо ромашка",
        "ООО Ромашка ",
        "АО Лютик",
        "Acme",
        "",
        None,
        "O'Brien & Co",
        "50%_off",
    ]
    async with sessions() as session, session.begin():
        for client_id, org in enumerate(organizations, start=1):
            await repo.upsert_client(
                session,
                client_id=client_id,
                first_name=f"C{client_id}",
                last_name=None,
                username=None,
                language="ru",
                now=NOW,
            )
            await _join(session, client_id, org)
    audiences = [
        EVERYONE,
        Audience.of("orgs", ["ООО Ромашка"]),
        Audience.of("orgs", ["ООО Ромашка", "АО Лютик", "Acme"]),
        Audience.of("orgs", ["ооо ромашка"]),
        Audience.of("orgs", ["", "ООО Ромашка "]),
        Audience.of("orgs", ["O'Brien & Co", "50%_off"]),
        Audience.of("orgs", ["Нет такой"]),
        Audience.of("orgs", []),
    ]
    try:
        for audience in audiences:
            async with sessions() as session:
                in_sql = set(
                    (
                        await session.execute(select(Client.id).where(store.addressed(audience)))
                    ).scalars()
                )
                clients = (await session.execute(select(Client))).unique().scalars().all()
            in_python = {c.id for c in clients if audience.includes(c.organization)}
            assert in_sql == in_python, audience
    finally:
        await engine.dispose()
