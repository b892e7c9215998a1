"""What fell due on tickets, and its claims: reminders, auto-close, deadline announcements and
the daily digest.

Each claim is a conditional ``UPDATE … RETURNING`` (the digest a row per day), so a restart
catches up on whatever fell due while the bot was down and two replicas on one database
never act on the same thing twice. Keyword-only functions; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from desk.tickets import Status
from storage.models import Digest, Ticket

# --- waiting for the client: reminders and auto-close -------------------------------------


async def due_reminders(session: AsyncSession, *, now: datetime) -> list[int]:
    """Ids of the tickets waiting for their client whose reminder is due and not sent."""
    rows = await session.execute(
        select(Ticket.id).where(
            Ticket.status == Status.WAITING.value,
            Ticket.reminded_at.is_(None),
            Ticket.remind_at <= now,
        )
    )
    return list(rows.scalars())


async def due_autocloses(session: AsyncSession, *, now: datetime) -> list[int]:
    """Ids of the tickets waiting for their client past the day they close by themselves."""
    rows = await session.execute(
        select(Ticket.id).where(Ticket.status == Status.WAITING.value, Ticket.autoclose_at <= now)
    )
    return list(rows.scalars())


async def claim_reminder(session: AsyncSession, *, ticket_id: int, now: datetime) -> Ticket | None:
    """Marks the ticket's reminder as sent if it is still due; the ticket then, else None."""
    claimed = (
        await session.execute(
            update(Ticket)
            .where(
                Ticket.id == ticket_id,
                Ticket.status == Status.WAITING.value,
                Ticket.reminded_at.is_(None),
                Ticket.remind_at <= now,
            )
            .values(reminded_at=now)
            .returning(Ticket.id)
        )
    ).scalar_one_or_none()
    if not claimed:
        return None
    return await session.get(Ticket, ticket_id)


async def claim_autoclose(
    session: AsyncSession, *, ticket_id: int, now: datetime
) -> Ticket | None:
    """Closes a ticket whose client stayed silent, if it still waits; the ticket then (as
    stored), else None."""
    claimed = (
        await session.execute(
            update(Ticket)
            .where(
                Ticket.id == ticket_id,
                Ticket.status == Status.WAITING.value,
                Ticket.autoclose_at <= now,
            )
            .values(
                status=Status.CLOSED.value,
                closed_at=now,
                close_reason="auto",
                updated_at=now,
                waiting_kind=None,
                waiting_since=None,
                remind_at=None,
                autoclose_at=None,
            )
            .returning(Ticket.id)
        )
    ).scalar_one_or_none()
    return await _fresh(session, ticket_id) if claimed else None


async def _fresh(session: AsyncSession, ticket_id: int) -> Ticket | None:
    """The ticket a conditional update just claimed, as the database now has it."""
    ticket = await session.get(Ticket, ticket_id)
    if ticket is not None:
        await session.refresh(ticket)
    return ticket


# --- deadlines ----------------------------------------------------------------------------


def _announcement_due(
    column: str,
    due_column: str,
    statuses: Sequence[str],
    now: datetime,
    unanswered: bool,
) -> list[Any]:
    conditions = [
        getattr(Ticket, column).is_(None),
        getattr(Ticket, due_column) <= now,
        Ticket.status.in_(statuses),
    ]
    if unanswered:
        conditions.append(Ticket.first_response_at.is_(None))
    return conditions


async def due_announcements(
    session: AsyncSession,
    *,
    column: str,
    due_column: str,
    statuses: Sequence[str],
    now: datetime,
    unanswered: bool = False,
) -> list[int]:
    """Ids of the tickets in `statuses` whose `due_column` has passed and whose `column` (when
    it was announced) is empty; with `unanswered`, only those without a first response."""
    rows = await session.execute(
        select(Ticket.id).where(*_announcement_due(column, due_column, statuses, now, unanswered))
    )
    return list(rows.scalars())


async def claim_announcement(
    session: AsyncSession,
    *,
    ticket_id: int,
    column: str,
    due_column: str,
    statuses: Sequence[str],
    now: datetime,
    unanswered: bool = False,
) -> Ticket | None:
    """Marks one deadline announcement as made (`column` = now) if nobody made it yet; the
    ticket then (as stored), else None."""
    claimed = (
        await session.execute(
            update(Ticket)
            .where(
                Ticket.id == ticket_id,
                *_announcement_due(column, due_column, statuses, now, unanswered),
            )
            .values({column: now})
            .returning(Ticket.id)
        )
    ).scalar_one_or_none()
    return await _fresh(session, ticket_id) if claimed else None


# --- the daily digest ---------------------------------------------------------------------


async def claim_digest(session: AsyncSession, *, day: date, now: datetime) -> bool:
    """Takes the day's digest; False if another process (or an earlier run) took it."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    result = await session.execute(
        insert(Digest)
        .values(day=day, created_at=now)
        .on_conflict_do_nothing(index_elements=["day"])
        .returning(Digest.day)
    )
    return result.scalar_one_or_none() is not None


async def tickets_by_resolution_deadline(
    session: AsyncSession, *, statuses: Sequence[str]
) -> Sequence[Ticket]:
    """The tickets in `statuses`, the earliest resolution deadline first."""
    rows = await session.execute(
        select(Ticket).where(Ticket.status.in_(statuses)).order_by(Ticket.res_due_at)
    )
    return rows.scalars().all()
