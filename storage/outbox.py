"""Outgoing records, stored updates and running processes: the relay's durable state.

Keyword-only functions; the caller owns the transaction. The rules that decide what a
failure leads to live in ``desk/delivery.py``; this module only reads and writes rows, with
conditional updates wherever two processes could race.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import InboxUpdate, Instance, Outgoing

OPEN_STATES = ("pending", "sending")


# --- outgoing records --------------------------------------------------------------------


async def add(
    session: AsyncSession,
    *,
    lane: str,
    chat_id: int,
    method: str,
    params: dict[str, Any],
    purpose: str,
    priority: int,
    on_unknown: str,
    now: datetime,
    ticket_id: int | None = None,
    coalesce_key: str | None = None,
    not_before: datetime | None = None,
    update_id: int | None = None,
) -> Outgoing:
    """Stores one outgoing record. A record with a `coalesce_key` that already has a pending
    one is not stored again: the pending one is rendered when it is sent, so it will show the
    latest state anyway."""
    if coalesce_key is not None:
        existing = (
            await session.execute(
                select(Outgoing)
                .where(Outgoing.coalesce_key == coalesce_key, Outgoing.state == "pending")
                .order_by(Outgoing.id)
                .limit(1)
            )
        ).scalar_one_or_none()
        if existing is not None:
            # The latest wins: a record rendered when sent has no content of its own, and
            # one with content (an edit's new text) replaces what was pending.
            existing.params = json.dumps(params, ensure_ascii=False)
            if not_before is None:
                existing.not_before = None  # wanted now
            elif existing.not_before is not None and existing.not_before < not_before:
                existing.not_before = not_before  # let a burst of changes settle
            return existing
    row = Outgoing(
        lane=lane,
        chat_id=chat_id,
        ticket_id=ticket_id,
        method=method,
        params=json.dumps(params, ensure_ascii=False),
        purpose=purpose,
        priority=priority,
        coalesce_key=coalesce_key,
        on_unknown=on_unknown,
        state="pending",
        attempts=0,
        not_before=not_before,
        reported=False,
        update_id=update_id,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


def _lane_heads_statement() -> Any:
    head = aliased(Outgoing)
    earlier = aliased(Outgoing)
    blocked = (
        select(earlier.id)
        .where(
            earlier.lane == head.lane,
            earlier.id < head.id,
            earlier.state.in_(OPEN_STATES),
        )
        .exists()
    )
    return (
        select(head)
        .where(
            head.state == "pending",
            or_(head.not_before.is_(None), head.not_before <= bindparam("now")),
            ~blocked,
        )
        .order_by(head.priority, head.id)
        .limit(bindparam("limit"))
    )


# Built once: the dispatcher asks this many times a second when busy.
_LANE_HEADS = _lane_heads_statement()
_NEXT_DUE = select(func.min(Outgoing.not_before)).where(
    Outgoing.state == "pending", Outgoing.not_before.is_not(None)
)


async def lane_heads(session: AsyncSession, *, now: datetime, limit: int = 500) -> list[Outgoing]:
    """Pending records that are due and first in their lane: nothing earlier in the lane is
    still pending or in flight. Most urgent first, then oldest."""
    rows = await session.execute(_LANE_HEADS, {"now": now, "limit": limit})
    return list(rows.scalars())


async def next_due(session: AsyncSession) -> datetime | None:
    """The earliest retry time of a pending record that waits for one."""
    value: datetime | None = await session.scalar(_NEXT_DUE)
    return value


async def followers(
    session: AsyncSession, *, lane: str, after_id: int, methods: Iterable[str], limit: int
) -> list[Outgoing]:
    """The pending records right behind a lane's head, as long as they are of `methods`."""
    rows = await session.execute(
        select(Outgoing)
        .where(Outgoing.lane == lane, Outgoing.id > after_id, Outgoing.state.in_(OPEN_STATES))
        .order_by(Outgoing.id)
        .limit(limit)
    )
    wanted = set(methods)
    out: list[Outgoing] = []
    for row in rows.scalars():
        if row.state != "pending" or row.method not in wanted:
            break
        out.append(row)
    return out


async def claim(
    session: AsyncSession, *, ids: Sequence[int], instance: str, now: datetime
) -> list[int]:
    """Marks pending records as in flight for this process; returns those it got.

    A conditional update: of two processes racing for a record, one gets it.
    """
    if not ids:
        return []
    result = await session.execute(
        update(Outgoing)
        .where(Outgoing.id.in_(list(ids)), Outgoing.state == "pending")
        .values(
            state="sending",
            claimed_by=instance,
            claimed_at=now,
            attempts=Outgoing.attempts + 1,
        )
        .returning(Outgoing.id)
    )
    return sorted(int(v) for v in result.scalars())


async def get(session: AsyncSession, *, record_id: int) -> Outgoing | None:
    """One record."""
    return await session.get(Outgoing, record_id)


async def by_ids(session: AsyncSession, *, ids: Sequence[int]) -> list[Outgoing]:
    """Records in id order."""
    if not ids:
        return []
    rows = await session.execute(
        select(Outgoing).where(Outgoing.id.in_(list(ids))).order_by(Outgoing.id)
    )
    return list(rows.scalars())


async def settle(
    session: AsyncSession,
    *,
    ids: Sequence[int],
    instance: str,
    state: str,
    now: datetime,
    result: dict[str, Any] | None = None,
    error: str | None = None,
    not_before: datetime | None = None,
    params: dict[int, dict[str, Any]] | None = None,
) -> list[int]:
    """Writes the outcome of records this process has in flight; returns those it still had
    (a record judged stale by another process meanwhile is not overwritten)."""
    values: dict[str, Any] = {"state": state, "error": error[:300] if error else None}
    if state == "sent":
        values["sent_at"] = now
    if result is not None:
        values["result"] = json.dumps(result, ensure_ascii=False)
    if state == "pending":
        values["not_before"] = not_before
        values["claimed_by"] = None
    changed = await session.execute(
        update(Outgoing)
        .where(
            Outgoing.id.in_(list(ids)),
            Outgoing.state == "sending",
            Outgoing.claimed_by == instance,
        )
        .values(**values)
        .returning(Outgoing.id)
    )
    done = sorted(int(v) for v in changed.scalars())
    for record_id, new_params in (params or {}).items():
        if record_id in done:
            await session.execute(
                update(Outgoing)
                .where(Outgoing.id == record_id)
                .values(params=json.dumps(new_params, ensure_ascii=False))
            )
    return done


async def stale_in_flight(
    session: AsyncSession, *, now: datetime, live: Iterable[str], lease: timedelta
) -> list[Outgoing]:
    """Records left in flight by a process that is gone, or held longer than the lease."""
    live_ids = list(live)
    dead: Any = Outgoing.claimed_by.is_(None)
    if live_ids:
        dead = or_(dead, Outgoing.claimed_by.not_in(live_ids))
    else:
        dead = or_(dead, Outgoing.claimed_by.is_not(None))
    rows = await session.execute(
        select(Outgoing)
        .where(
            Outgoing.state == "sending",
            or_(dead, Outgoing.claimed_at < now - lease),
        )
        .order_by(Outgoing.id)
    )
    return list(rows.scalars())


async def take_stale(
    session: AsyncSession, *, record_id: int, claimed_by: str | None, instance: str, now: datetime
) -> bool:
    """Takes over one stale record (conditional on nobody having done so first)."""
    result = await session.execute(
        update(Outgoing)
        .where(
            Outgoing.id == record_id,
            Outgoing.state == "sending",
            (Outgoing.claimed_by == claimed_by)
            if claimed_by is not None
            else Outgoing.claimed_by.is_(None),
        )
        .values(claimed_by=instance, claimed_at=now)
        .returning(Outgoing.id)
    )
    return result.scalar_one_or_none() is not None


async def unreported(
    session: AsyncSession, *, states: Sequence[str], ticket: bool, limit: int = 20
) -> list[Outgoing]:
    """Failed or unknown records whose failure nobody was told about yet."""
    cond = Outgoing.ticket_id.is_not(None) if ticket else Outgoing.ticket_id.is_(None)
    rows = await session.execute(
        select(Outgoing)
        .where(Outgoing.state.in_(list(states)), Outgoing.reported.is_(False), cond)
        .order_by(Outgoing.id)
        .limit(limit)
    )
    return list(rows.scalars())


async def mark_reported(session: AsyncSession, *, ids: Sequence[int]) -> None:
    """The failures of these records have been told to a person."""
    if ids:
        await session.execute(
            update(Outgoing).where(Outgoing.id.in_(list(ids))).values(reported=True)
        )


async def drop_pending(session: AsyncSession, *, ids: Sequence[int], reason: str) -> list[int]:
    """Drops records that have not left yet; returns those that were still pending."""
    if not ids:
        return []
    result = await session.execute(
        update(Outgoing)
        .where(Outgoing.id.in_(list(ids)), Outgoing.state == "pending")
        .values(state="dropped", error=reason[:300])
        .returning(Outgoing.id)
    )
    return sorted(int(v) for v in result.scalars())


async def pending_of_ticket(
    session: AsyncSession, *, ticket_id: int, method: str
) -> Sequence[Outgoing]:
    """The ticket's records of one method that have not left yet."""
    rows = await session.execute(
        select(Outgoing).where(
            Outgoing.method == method,
            Outgoing.ticket_id == ticket_id,
            Outgoing.state == "pending",
        )
    )
    return rows.scalars().all()


async def counts(session: AsyncSession, *, chat_id: int | None = None) -> dict[str, int]:
    """Records by state (for one chat, or all): what the queue holds."""
    query = select(Outgoing.state, func.count()).group_by(Outgoing.state)
    if chat_id is not None:
        query = query.where(Outgoing.chat_id == chat_id)
    return {str(state): int(n) for state, n in (await session.execute(query)).all()}


async def group_backlog(session: AsyncSession, *, chat_id: int) -> tuple[int, datetime | None]:
    """How many messages wait for a group (reactions aside), and since when the oldest."""
    row = (
        await session.execute(
            select(func.count(), func.min(Outgoing.created_at)).where(
                Outgoing.chat_id == chat_id,
                Outgoing.state.in_(OPEN_STATES),
                Outgoing.method != "setMessageReaction",
                Outgoing.purpose != "queue",
            )
        )
    ).one()
    oldest = row[1]
    if oldest is not None and oldest.tzinfo is None:  # SQLite gives the aggregate back naive
        oldest = oldest.replace(tzinfo=UTC)
    return int(row[0]), oldest


async def recent(session: AsyncSession, *, chat_id: int, purpose: str, since: datetime) -> bool:
    """Whether a record of this purpose was written for the chat since a moment."""
    found = await session.scalar(
        select(Outgoing.id)
        .where(
            Outgoing.chat_id == chat_id,
            Outgoing.purpose == purpose,
            Outgoing.created_at >= since,
        )
        .limit(1)
    )
    return found is not None


async def latest(session: AsyncSession, *, purpose: str) -> Outgoing | None:
    """The newest record of a purpose."""
    return (
        await session.execute(
            select(Outgoing)
            .where(Outgoing.purpose == purpose)
            .order_by(Outgoing.id.desc())
            .limit(1)
        )
    ).scalar_one_or_none()


async def prune(session: AsyncSession, *, before: datetime) -> int:
    """Forgets settled records older than `before` (the ticket history keeps the messages)."""
    result = await session.execute(
        delete(Outgoing).where(
            Outgoing.created_at < before,
            Outgoing.state.in_(("sent", "dropped")),
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# --- stored updates ----------------------------------------------------------------------


async def store_updates(
    session: AsyncSession, *, updates: Sequence[tuple[int, str]], instance: str, now: datetime
) -> list[int]:
    """Stores updates not seen before, claimed by `instance` (the process that will handle
    them); returns their ids (a repeated update is not new)."""
    if not updates:
        return []
    ids = [u for u, _ in updates]
    known = set(
        (
            await session.execute(
                select(InboxUpdate.update_id).where(InboxUpdate.update_id.in_(ids))
            )
        ).scalars()
    )
    fresh: list[int] = []
    for update_id, payload in updates:
        if update_id in known or update_id in fresh:
            continue
        session.add(
            InboxUpdate(
                update_id=update_id,
                state="working",
                payload=payload,
                received_at=now,
                claimed_by=instance,
                claimed_at=now,
            )
        )
        fresh.append(update_id)
    await session.flush()
    return fresh


async def claim_update(
    session: AsyncSession, *, update_id: int, instance: str, live: Iterable[str], now: datetime
) -> bool:
    """Takes an update for handling: new, or left half-handled by a process that is gone."""
    live_ids = [i for i in live if i != instance]
    takeable = InboxUpdate.state == "new"
    orphan: Any = and_(InboxUpdate.state == "working", InboxUpdate.claimed_by.is_not(None))
    if live_ids:
        orphan = and_(orphan, InboxUpdate.claimed_by.not_in(live_ids))
    result = await session.execute(
        update(InboxUpdate)
        .where(InboxUpdate.update_id == update_id, or_(takeable, orphan))
        .values(state="working", claimed_by=instance, claimed_at=now)
        .returning(InboxUpdate.update_id)
    )
    return result.scalar_one_or_none() is not None


async def mark_handled(
    session: AsyncSession, *, update_id: int, instance: str, now: datetime
) -> bool:
    """Marks an update done, in the transaction of its effect; False if it was not this
    process's to mark (handled already, or taken over)."""
    result = await session.execute(
        update(InboxUpdate)
        .where(
            InboxUpdate.update_id == update_id,
            InboxUpdate.state == "working",
            InboxUpdate.claimed_by == instance,
        )
        .values(state="done", done_at=now)
        .returning(InboxUpdate.update_id)
    )
    return result.scalar_one_or_none() is not None


async def finish_update(
    session: AsyncSession,
    *,
    update_id: int,
    instance: str,
    state: str,
    now: datetime,
    error: str | None = None,
) -> None:
    """Closes an update this process handled (unless its effect already marked it)."""
    await session.execute(
        update(InboxUpdate)
        .where(
            InboxUpdate.update_id == update_id,
            InboxUpdate.state == "working",
            InboxUpdate.claimed_by == instance,
        )
        .values(state=state, done_at=now, error=error[:300] if error else None)
    )


async def set_update_state(
    session: AsyncSession, *, update_id: int, state: str, error: str | None, now: datetime
) -> None:
    """Records what became of an update outside handling (e.g. it could not be parsed)."""
    await session.execute(
        update(InboxUpdate)
        .where(InboxUpdate.update_id == update_id)
        .values(state=state, done_at=now, error=error[:300] if error else None)
    )


async def unfinished_updates(
    session: AsyncSession, *, instance: str, live: Iterable[str], limit: int = 1000
) -> list[InboxUpdate]:
    """Updates stored but not handled, that no live process is working on: to handle now."""
    live_ids = [i for i in live if i != instance]
    working: Any = and_(InboxUpdate.state == "working")
    if live_ids:
        working = and_(working, InboxUpdate.claimed_by.not_in(live_ids))
    rows = await session.execute(
        select(InboxUpdate)
        .where(or_(InboxUpdate.state == "new", working))
        .order_by(InboxUpdate.update_id)
        .limit(limit)
    )
    return list(rows.scalars())


async def update_state(session: AsyncSession, *, update_id: int) -> str | None:
    """The state of a stored update, or None if it was never stored."""
    return await session.scalar(
        select(InboxUpdate.state).where(InboxUpdate.update_id == update_id)
    )


async def prune_updates(session: AsyncSession, *, before: datetime) -> int:
    """Forgets handled updates older than `before` (Telegram repeats only recent ones)."""
    result = await session.execute(
        delete(InboxUpdate).where(
            InboxUpdate.received_at < before, InboxUpdate.state.in_(("done",))
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# --- running processes -------------------------------------------------------------------


async def register_instance(
    session: AsyncSession, *, instance: str, host: str, pid: int, now: datetime
) -> None:
    """Announces a starting process."""
    session.add(Instance(id=instance, host=host, pid=pid, started_at=now, heartbeat_at=now))
    await session.flush()


async def heartbeat(session: AsyncSession, *, instance: str, now: datetime) -> None:
    """This process is alive."""
    await session.execute(update(Instance).where(Instance.id == instance).values(heartbeat_at=now))


async def stop_instance(session: AsyncSession, *, instance: str, now: datetime) -> None:
    """This process stops: what it left in flight is judged at once by the next one."""
    await session.execute(
        update(Instance).where(Instance.id == instance).values(stopped_at=now, heartbeat_at=None)
    )


async def live_instances(
    session: AsyncSession, *, now: datetime, ttl: timedelta
) -> list[Instance]:
    """Processes whose heartbeat is recent."""
    rows = await session.execute(
        select(Instance).where(Instance.stopped_at.is_(None), Instance.heartbeat_at >= now - ttl)
    )
    return list(rows.scalars())


async def prune_instances(session: AsyncSession, *, before: datetime) -> None:
    """Forgets processes long gone."""
    await session.execute(
        delete(Instance).where(
            or_(Instance.heartbeat_at.is_(None), Instance.heartbeat_at < before),
            Instance.started_at < before,
        )
    )
