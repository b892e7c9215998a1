"""Data access for the hours engineers log on tickets (``/time``); the caller owns the
transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import TimeEntry


async def add(
    session: AsyncSession,
    *,
    ticket_id: int,
    engineer_id: int,
    engineer_name: str,
    minutes: int,
    work_date: date,
    comment: str,
    now: datetime,
) -> TimeEntry:
    """A new entry on a ticket."""
    entry = TimeEntry(
        ticket_id=ticket_id,
        engineer_id=engineer_id,
        engineer_name=engineer_name[:200],
        minutes=minutes,
        work_date=work_date,
        comment=comment,
        created_at=now,
    )
    session.add(entry)
    await session.flush()
    return entry


async def get(session: AsyncSession, entry_id: int) -> TimeEntry | None:
    """An entry by id."""
    return await session.get(TimeEntry, entry_id)


async def remove(session: AsyncSession, entry: TimeEntry) -> None:
    """Deletes an entry."""
    await session.delete(entry)
    await session.flush()


async def of_ticket(session: AsyncSession, ticket_id: int) -> Sequence[TimeEntry]:
    """A ticket's entries, by work date and then as they were logged."""
    result = await session.execute(
        select(TimeEntry)
        .where(TimeEntry.ticket_id == ticket_id)
        .order_by(TimeEntry.work_date, TimeEntry.id)
    )
    return result.scalars().all()


async def total(session: AsyncSession, ticket_id: int) -> int:
    """The minutes logged on a ticket."""
    return (await totals(session, [ticket_id])).get(ticket_id, 0)


async def totals(session: AsyncSession, ticket_ids: Iterable[int]) -> dict[int, int]:
    """The minutes logged on each of these tickets (those without entries are left out)."""
    ids = list(ticket_ids)
    if not ids:
        return {}
    result = await session.execute(
        select(TimeEntry.ticket_id, func.sum(TimeEntry.minutes))
        .where(TimeEntry.ticket_id.in_(ids))
        .group_by(TimeEntry.ticket_id)
    )
    return {ticket_id: int(minutes or 0) for ticket_id, minutes in result.all()}
