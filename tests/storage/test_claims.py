"""What fell due is claimed once: reminders, auto-close, deadline announcements, the digest,
and an engineer's decision on a priority request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import claims, repo
from storage.db import create_engine, create_sessionmaker, run_migrations
from storage.models import Ticket

NOW = datetime(2026, 3, 17, 9, 0, tzinfo=UTC)
CLIENT = 5_000_000_101


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(database_url)
    await run_migrations(engine)
    yield create_sessionmaker(engine)
    await engine.dispose()


async def waiting_ticket(sessions: async_sessionmaker[AsyncSession]) -> int:
    """A ticket waiting for its client: the reminder and the auto-close both due."""
    async with sessions() as session, session.begin():
        await repo.upsert_client(
            session,
            client_id=CLIENT,
            first_name="A",
            last_name=None,
            username=None,
            language="ru",
            now=NOW,
        )
        ticket = await repo.create_ticket(
            session,
            client_id=CLIENT,
            type_="incident",
            priority="normal",
            status="waiting",
            subject="s",
            description="d",
            operator_chat_id=-100,
            now=NOW,
        )
        ticket.waiting_kind = "solution"
        ticket.remind_at = NOW - timedelta(days=1)
        ticket.autoclose_at = NOW - timedelta(minutes=1)
        ticket.res_warn_at = NOW - timedelta(hours=1)
        return ticket.id


async def test_a_reminder_is_claimed_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    ticket_id = await waiting_ticket(sessions)
    async with sessions() as session, session.begin():
        assert await claims.due_reminders(session, now=NOW) == [ticket_id]
        first = await claims.claim_reminder(session, ticket_id=ticket_id, now=NOW)
        second = await claims.claim_reminder(session, ticket_id=ticket_id, now=NOW)
        assert await claims.due_reminders(session, now=NOW) == []
    assert first is not None and first.reminded_at == NOW
    assert second is None


async def test_an_autoclose_closes_the_ticket_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    ticket_id = await waiting_ticket(sessions)
    async with sessions() as session, session.begin():
        assert await claims.due_autocloses(session, now=NOW) == [ticket_id]
        closed = await claims.claim_autoclose(session, ticket_id=ticket_id, now=NOW)
        again = await claims.claim_autoclose(session, ticket_id=ticket_id, now=NOW)
    assert closed is not None
    assert (closed.status, closed.close_reason, closed.autoclose_at) == ("closed", "auto", None)
    assert again is None


async def test_a_deadline_warning_is_announced_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    ticket_id = await waiting_ticket(sessions)
    check: dict[str, Any] = {
        "column": "res_warned_at",
        "due_column": "res_warn_at",
        "statuses": ("waiting",),
        "now": NOW,
    }
    async with sessions() as session, session.begin():
        assert await claims.due_announcements(session, **check) == [ticket_id]
        # Only tickets nobody answered yet, when asked so: this one has no first response.
        assert await claims.due_announcements(session, **check, unanswered=True) == [ticket_id]
        claimed = await claims.claim_announcement(session, ticket_id=ticket_id, **check)
        assert await claims.claim_announcement(session, ticket_id=ticket_id, **check) is None
    assert isinstance(claimed, Ticket) and claimed.res_warned_at == NOW


async def test_the_digest_is_taken_once_a_day(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session, session.begin():
        assert await claims.claim_digest(session, day=NOW.date(), now=NOW) is True
    async with sessions() as session, session.begin():
        assert await claims.claim_digest(session, day=NOW.date(), now=NOW) is False
        tomorrow = NOW.date() + timedelta(days=1)
        assert await claims.claim_digest(session, day=tomorrow, now=NOW) is True


async def test_a_priority_request_is_decided_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    ticket_id = await waiting_ticket(sessions)
    async with sessions() as session, session.begin():
        request = await repo.add_priority_request(
            session,
            ticket_id=ticket_id,
            reason="the whole office is down",
            from_priority="normal",
            to_priority="high",
            now=NOW,
        )
    async with sessions() as session, session.begin():
        decided = await repo.decide_priority_request(
            session, request_id=request.id, accepted=True, decided_by="Anna"
        )
        again = await repo.decide_priority_request(
            session, request_id=request.id, accepted=False, decided_by="Boris"
        )
    assert decided is not None
    assert (decided.state, decided.decided_by, decided.to_priority) == ("accepted", "Anna", "high")
    assert again is None
