"""Data access for release announcements and their deliveries; the caller owns the transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    and_,
    exists,
    func,
    insert,
    literal,
    literal_column,
    select,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from desk.broadcast import (
    FIRST,
    Audience,
    AudienceKind,
    Move,
    Progress,
    Stage,
    State,
    apply,
    next_status,
)
from desk.broadcast import AnnouncementStatus as Status
from desk.broadcast import ComposeStep as Step
from storage.models import Announcement, Client, Delivery, Organization, Outgoing

#: Statuses of announcements that went out (``/news`` lists them).
LIVE = tuple(status.value for status in Status if status.went_out)


def organizations(row: Announcement) -> list[str]:
    """The organizations an announcement is addressed to (when its audience is "orgs")."""
    return list(json.loads(row.organizations or "[]"))


def audience_of(row: Announcement) -> Audience:
    """Whom an announcement addresses, from its stored columns."""
    return Audience.of(row.audience, organizations(row))


def org_choices(row: Announcement) -> list[str]:
    """The organizations offered to the admin as buttons, in the order shown."""
    return list(json.loads(row.org_choices or "[]"))


async def get(session: AsyncSession, *, announcement_id: int) -> Announcement | None:
    """One announcement by id."""
    return await session.get(Announcement, announcement_id)


async def change(session: AsyncSession, *, announcement_id: int, **values: object) -> None:
    """Sets columns of one announcement."""
    await session.execute(
        update(Announcement).where(Announcement.id == announcement_id).values(**values)
    )


async def composing(session: AsyncSession, *, author_id: int) -> Announcement | None:
    """The announcement an admin is composing, if any."""
    result = await session.execute(
        select(Announcement)
        .where(Announcement.author_id == author_id, Announcement.status == Status.COMPOSING.value)
        .order_by(Announcement.id.desc())
        .limit(1)
    )
    return result.scalar_one_or_none()


async def start(
    session: AsyncSession, *, author_id: int, thread_id: int | None, now: datetime
) -> tuple[Announcement, Announcement | None]:
    """Starts a new announcement, cancelling one the admin left half-composed."""
    previous = await composing(session, author_id=author_id)
    if previous is not None:
        previous.status = next_status(Status(previous.status), Move.CANCEL).value
    row = Announcement(
        author_id=author_id,
        status=FIRST.status.value,
        step=FIRST.step.value,
        thread_id=thread_id,
        text_html="",
        audience=AudienceKind.ALL.value,
        organizations="[]",
        org_choices="[]",
        total=0,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row, previous


def _wants_news() -> ColumnElement[bool]:
    """A client who takes release news: subscribed, and not blocking the bot."""
    return and_(Client.subscribed.is_(True), Client.blocked_at.is_(None))


def addressed(audience: Audience) -> ColumnElement[bool]:
    """A client the audience addresses: :meth:`desk.broadcast.Audience.includes` as SQL
    (tests/storage checks that both give the same answers on both databases)."""
    if audience.organizations is None:
        return true()
    return Client.organization_id.in_(
        select(Organization.id).where(Organization.name.in_(sorted(audience.organizations)))
    )


def _subscribers(audience: Audience):  # type: ignore[no-untyped-def]
    return select(Client.id).where(_wants_news(), addressed(audience))


async def organizations_with_subscribers(session: AsyncSession) -> list[tuple[str, int]]:
    """Organizations that have subscribers, the biggest first."""
    count = func.count(Client.id)
    result = await session.execute(
        select(Organization.name, count)
        .join(Organization, Client.organization_id == Organization.id)
        .where(_wants_news())
        .group_by(Organization.name)
        .order_by(count.desc(), Organization.name)
    )
    return [(str(name), int(n)) for name, n in result.all()]


async def audience_size(session: AsyncSession, *, audience: Audience) -> int:
    """How many clients would receive an announcement now."""
    sub = _subscribers(audience).subquery()
    result = await session.execute(select(func.count()).select_from(sub))
    return int(result.scalar_one())


async def launch(
    session: AsyncSession,
    *,
    announcement_id: int,
    now: datetime,
    progress_message_id: int | None = None,
) -> int | None:
    """Turns a previewed announcement into one pending delivery per recipient.

    Only one press of Send wins (a conditional update); returns the number of recipients,
    or None when the announcement was not waiting for Send.
    """
    before = Stage(Status.COMPOSING, Step.PREVIEW)
    after = apply(before, Move.LAUNCH)
    claimed = await session.execute(
        update(Announcement)
        .where(
            Announcement.id == announcement_id,
            Announcement.status == before.status.value,
            Announcement.step == before.step.value,
        )
        .values(
            status=after.status.value,
            step=after.step.value,
            started_at=now,
            progress_message_id=progress_message_id,
        )
        .returning(Announcement.audience, Announcement.organizations)
    )
    row = claimed.one_or_none()
    if row is None:
        return None
    audience, orgs_json = row
    recipients = _subscribers(Audience.of(audience, json.loads(orgs_json or "[]"))).add_columns(
        literal(announcement_id), literal(State.PENDING.value), literal(0)
    )
    await session.execute(
        insert(Delivery).from_select(
            ["client_id", "announcement_id", "state", "attempts"], recipients
        )
    )
    total = await session.execute(
        select(func.count()).where(Delivery.announcement_id == announcement_id)
    )
    count = int(total.scalar_one())
    await session.execute(
        update(Announcement).where(Announcement.id == announcement_id).values(total=count)
    )
    return count


async def active(session: AsyncSession) -> list[int]:
    """Announcements being sent, oldest first."""
    result = await session.execute(
        select(Announcement.id)
        .where(Announcement.status == Status.SENDING.value)
        .order_by(Announcement.id)
    )
    return [int(i) for i in result.scalars()]


async def due(
    session: AsyncSession, *, announcement_id: int, now: datetime, limit: int, after: int = 0
) -> list[tuple[int, int, str]]:
    """Pending deliveries that may be tried now, with ids above `after`: (delivery id,
    client id, client's language), in id order."""
    result = await session.execute(
        select(Delivery.id, Delivery.client_id, Client.language)
        .join(Client, Client.id == Delivery.client_id)
        .where(
            Delivery.announcement_id == announcement_id,
            Delivery.state == State.PENDING.value,
            Delivery.id > after,
            (Delivery.retry_at.is_(None)) | (Delivery.retry_at <= now),
        )
        .order_by(Delivery.id)
        .limit(limit)
    )
    return [(int(a), int(b), str(c)) for a, b, c in result.all()]


async def claim(session: AsyncSession, *, delivery_id: int, now: datetime) -> int | None:
    """Marks a pending delivery as being sent; returns its attempt number, or None if another
    sender took it first or the client unsubscribed meanwhile (the row is then skipped by
    ``skip_unsubscribed``)."""
    still_wants_it = exists().where(Client.id == Delivery.client_id, _wants_news())
    result = await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.state == State.PENDING.value, still_wants_it)
        .values(state=State.SENDING.value, claimed_at=now, attempts=Delivery.attempts + 1)
        .returning(Delivery.attempts)
    )
    value = result.scalar_one_or_none()
    return int(value) if value is not None else None


async def record(
    session: AsyncSession,
    *,
    delivery_id: int,
    state: State,
    now: datetime,
    message_id: int | None = None,
    error: str | None = None,
    retry_at: datetime | None = None,
) -> None:
    """Writes a send's outcome on a row this sender claimed."""
    values: dict[str, object] = {"state": state.value, "retry_at": retry_at}
    if state is State.SENT:
        values.update(sent_at=now, message_id=message_id, error=None)
    elif error is not None:
        values["error"] = error[:200]
    await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.state == State.SENDING.value)
        .values(**values)
    )


async def expire_stale(session: AsyncSession, *, claimed_before: datetime) -> int:
    """Rows left ``sending`` by a process that died: their outcome is unknown."""
    result = await session.execute(
        update(Delivery)
        .where(Delivery.state == State.SENDING.value, Delivery.claimed_at < claimed_before)
        .values(state=State.UNKNOWN.value, error="interrupted")
        .returning(Delivery.id)
    )
    return len(result.all())


async def progress(session: AsyncSession, *, announcement_id: int) -> Progress:
    """Counts of an announcement's rows by state."""
    result = await session.execute(
        select(Delivery.state, func.count())
        .where(Delivery.announcement_id == announcement_id)
        .group_by(Delivery.state)
    )
    counts = {str(state): int(n) for state, n in result.all()}
    return Progress(
        total=sum(counts.values()),
        sent=counts.get(State.SENT.value, 0),
        failed=counts.get(State.FAILED.value, 0),
        blocked=counts.get(State.BLOCKED.value, 0),
        unknown=counts.get(State.UNKNOWN.value, 0),
        skipped=counts.get(State.SKIPPED.value, 0),
    )


async def next_retry(session: AsyncSession, *, announcement_id: int) -> datetime | None:
    """When the earliest postponed delivery may be tried again."""
    result = await session.execute(
        select(func.min(Delivery.retry_at)).where(
            Delivery.announcement_id == announcement_id, Delivery.state == State.PENDING.value
        )
    )
    value: datetime | None = result.scalar_one_or_none()
    return value


async def complete(session: AsyncSession, *, announcement_id: int, now: datetime) -> bool:
    """Marks the announcement done once no row is pending or in flight; True for the one
    sender that did it (it posts the summary)."""
    unfinished = exists().where(
        Delivery.announcement_id == announcement_id,
        Delivery.state.in_((State.PENDING.value, State.SENDING.value)),
    )
    result = await session.execute(
        update(Announcement)
        .where(
            Announcement.id == announcement_id,
            Announcement.status == Status.SENDING.value,
            ~unfinished,
        )
        .values(status=next_status(Status.SENDING, Move.FINISH).value, finished_at=now)
        .returning(Announcement.id)
    )
    return result.scalar_one_or_none() is not None


async def claim_progress(
    session: AsyncSession, *, announcement_id: int, now: datetime, not_before: datetime
) -> bool:
    """Takes the turn to redraw the progress message, at most once per interval."""
    result = await session.execute(
        update(Announcement)
        .where(
            Announcement.id == announcement_id,
            Announcement.status == Status.SENDING.value,
            (Announcement.progress_at.is_(None)) | (Announcement.progress_at <= not_before),
        )
        .values(progress_at=now)
        .returning(Announcement.id)
    )
    return result.scalar_one_or_none() is not None


async def failures(session: AsyncSession, *, announcement_id: int) -> list[tuple[str, str, int]]:
    """(state, reason, count) of the rows that did not arrive, the commonest first."""
    count = func.count()
    # A literal, not a bound parameter: PostgreSQL must see the same expression in GROUP BY.
    reason = func.coalesce(Delivery.error, literal_column("''"))
    result = await session.execute(
        select(Delivery.state, reason, count)
        .where(
            Delivery.announcement_id == announcement_id,
            Delivery.state.in_(
                (State.FAILED.value, State.BLOCKED.value, State.UNKNOWN.value, State.SKIPPED.value)
            ),
        )
        .group_by(Delivery.state, reason)
        .order_by(count.desc())
    )
    return [(str(s), str(e), int(n)) for s, e, n in result.all()]


async def delivery_for(
    session: AsyncSession, *, announcement_id: int, client_id: int
) -> Delivery | None:
    """The client's copy of an announcement, if they were a recipient."""
    result = await session.execute(
        select(Delivery).where(
            Delivery.announcement_id == announcement_id, Delivery.client_id == client_id
        )
    )
    return result.scalar_one_or_none()


async def take_version_request(session: AsyncSession, *, delivery_id: int, ticket_id: int) -> bool:
    """Links the version ticket to the client's copy, once: False if one is linked already."""
    result = await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.ticket_id.is_(None))
        .values(ticket_id=ticket_id)
        .returning(Delivery.id)
    )
    return result.scalar_one_or_none() is not None


async def latest(session: AsyncSession, *, limit: int) -> Sequence[Announcement]:
    """The newest announcements that went out, newest first."""
    result = await session.execute(
        select(Announcement)
        .where(Announcement.status.in_(LIVE))
        .order_by(Announcement.started_at.desc(), Announcement.id.desc())
        .limit(limit)
    )
    return result.scalars().all()


async def skip_unsubscribed(session: AsyncSession, *, announcement_id: int) -> int:
    """Pending rows of clients who unsubscribed or blocked the bot since Send: not sent."""
    gone = select(Client.id).where(~_wants_news())
    result = await session.execute(
        update(Delivery)
        .where(
            Delivery.announcement_id == announcement_id,
            Delivery.state == State.PENDING.value,
            Delivery.client_id.in_(gone),
        )
        .values(state=State.SKIPPED.value)
        .returning(Delivery.id)
    )
    return len(result.all())


async def resend_unknown(session: AsyncSession, *, announcement_id: int) -> int:
    """The admin's explicit choice: rows of unknown outcome go out again (some clients may
    get a second copy). Returns how many; the announcement is sending again if any."""
    result = await session.execute(
        update(Delivery)
        .where(
            Delivery.announcement_id == announcement_id,
            Delivery.state == State.UNKNOWN.value,
        )
        .values(state=State.PENDING.value, retry_at=None, attempts=0, error=None)
        .returning(Delivery.id)
    )
    count = len(result.all())
    if count:
        await session.execute(
            update(Announcement)
            .where(Announcement.id == announcement_id, Announcement.status == Status.DONE.value)
            .values(
                status=next_status(Status.DONE, Move.RESEND_UNKNOWN).value,
                finished_at=None,
                progress_at=None,
            )
        )
    return count


async def cancel(session: AsyncSession, *, announcement_id: int) -> bool:
    """Cancels an announcement still being composed; False if it was sent or cancelled."""
    result = await session.execute(
        update(Announcement)
        .where(Announcement.id == announcement_id, Announcement.status == Status.COMPOSING.value)
        .values(status=next_status(Status.COMPOSING, Move.CANCEL).value)
        .returning(Announcement.id)
    )
    return result.scalar_one_or_none() is not None


# --- what the bot shows the admin: outgoing records of an announcement ----------------------


async def last_record(session: AsyncSession, *, lane: str, purpose: str) -> Outgoing | None:
    """The newest outgoing record of `purpose` in `lane` (an announcement's preview, say)."""
    result = await session.execute(
        select(Outgoing)
        .where(Outgoing.lane == lane, Outgoing.purpose == purpose)
        .order_by(Outgoing.id.desc())
        .limit(1)
    )
    return result.scalar_one_or_none()


async def in_flight(session: AsyncSession, *, lane: str, purpose: str) -> bool:
    """Whether a record of `purpose` in `lane` is being sent right now (claimed by a sender:
    its outcome, sent or back to waiting, is not known yet)."""
    result = await session.execute(
        select(Outgoing.id)
        .where(Outgoing.lane == lane, Outgoing.purpose == purpose, Outgoing.state == "sending")
        .limit(1)
    )
    return result.scalar_one_or_none() is not None


async def pending_records(
    session: AsyncSession,
    *,
    lane: str | None = None,
    purpose: str | None = None,
    coalesce_key: str | None = None,
) -> list[int]:
    """Ids of outgoing records that have not left yet (not claimed by a sender), by lane and
    purpose, or by coalescing key."""
    query = select(Outgoing.id).where(Outgoing.state == "pending")
    if lane is not None:
        query = query.where(Outgoing.lane == lane)
    if purpose is not None:
        query = query.where(Outgoing.purpose == purpose)
    if coalesce_key is not None:
        query = query.where(Outgoing.coalesce_key == coalesce_key)
    result = await session.execute(query.order_by(Outgoing.id))
    return [int(i) for i in result.scalars()]
