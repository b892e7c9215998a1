"""Data access: keyword-only functions; the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from desk.stats import answered_by_kb
from storage.models import (
    Client,
    Counter,
    Draft,
    DraftItem,
    KbAlias,
    KbSearch,
    MessageLink,
    PriorityRequest,
    Ticket,
    TicketMessage,
    TicketPreview,
)

TICKET_COUNTER = "ticket"
FIRST_TICKET_NUMBER = 1001


def _insert(session: AsyncSession):  # type: ignore[no-untyped-def]
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


# --- clients -----------------------------------------------------------------------------


async def get_client(session: AsyncSession, *, client_id: int) -> Client | None:
    """The client with this Telegram id, or None."""
    return await session.get(Client, client_id)


async def upsert_client(
    session: AsyncSession,
    *,
    client_id: int,
    first_name: str,
    last_name: str | None,
    username: str | None,
    language: str,
    now: datetime,
) -> Client:
    """Creates the client on first contact; refreshes the name and username after."""
    client = await session.get(Client, client_id)
    if client is None:
        client = Client(
            id=client_id,
            first_name=first_name,
            last_name=last_name,
            username=username,
            language=language,
            language_chosen=False,
            created_at=now,
            updated_at=now,
        )
        session.add(client)
        await session.flush()
        return client
    if (client.first_name, client.last_name, client.username) != (first_name, last_name, username):
        client.first_name, client.last_name, client.username = first_name, last_name, username
        client.updated_at = now
    if client.blocked_at is not None:
        client.blocked_at = None  # writing to us means the client unblocked the bot
    return client


async def mark_blocked(session: AsyncSession, *, client_id: int, now: datetime) -> None:
    """Telegram said the client blocked the bot: remember it and stop their release news."""
    client = await session.get(Client, client_id)
    if client is not None:
        if client.blocked_at is None:
            client.blocked_at = now
        client.subscribed = False


# --- numbering ---------------------------------------------------------------------------


async def next_ticket_number(session: AsyncSession) -> int:
    """Takes the next ticket number atomically, in the caller's transaction."""
    result = await session.execute(
        update(Counter)
        .where(Counter.name == TICKET_COUNTER)
        .values(value=Counter.value + 1)
        .returning(Counter.value)
    )
    value = result.scalar_one_or_none()
    if value is not None:
        return int(value)
    ins = _insert(session)(Counter).values(name=TICKET_COUNTER, value=FIRST_TICKET_NUMBER - 1)
    await session.execute(ins.on_conflict_do_nothing(index_elements=["name"]))
    return await next_ticket_number(session)


# --- tickets -----------------------------------------------------------------------------


async def create_ticket(
    session: AsyncSession,
    *,
    client_id: int,
    type_: str,
    priority: str,
    status: str,
    subject: str,
    description: str,
    operator_chat_id: int,
    now: datetime,
) -> Ticket:
    """Stores a new ticket with the next number."""
    ticket = Ticket(
        number=await next_ticket_number(session),
        client_id=client_id,
        type=type_,
        priority=priority,
        status=status,
        subject=subject,
        description=description,
        operator_chat_id=operator_chat_id,
        created_at=now,
        updated_at=now,
        last_client_message_at=now,
    )
    session.add(ticket)
    await session.flush()
    return ticket


async def get_ticket(session: AsyncSession, *, ticket_id: int) -> Ticket | None:
    """The ticket with this id, or None."""
    return await session.get(Ticket, ticket_id)


async def ticket_by_number(session: AsyncSession, *, number: int) -> Ticket | None:
    """The ticket with this human number (``#1042``), or None."""
    result = await session.execute(select(Ticket).where(Ticket.number == number))
    return result.scalar_one_or_none()


async def get_ticket_for_client(
    session: AsyncSession, *, ticket_id: int, client_id: int
) -> Ticket | None:
    """The ticket if it belongs to this client; None otherwise (never someone else's)."""
    ticket = await session.get(Ticket, ticket_id)
    if ticket is None or ticket.client_id != client_id:
        return None
    return ticket


async def ticket_by_topic(session: AsyncSession, *, chat_id: int, topic_id: int) -> Ticket | None:
    """The ticket whose forum topic this is."""
    result = await session.execute(
        select(Ticket).where(Ticket.operator_chat_id == chat_id, Ticket.topic_id == topic_id)
    )
    return result.scalars().first()


async def list_client_tickets(
    session: AsyncSession, *, client_id: int, offset: int = 0, limit: int = 10
) -> tuple[Sequence[Ticket], int]:
    """A page of the client's tickets, newest first, and how many there are in all."""
    total = await session.scalar(
        select(func.count()).select_from(Ticket).where(Ticket.client_id == client_id)
    )
    rows = await session.execute(
        select(Ticket)
        .where(Ticket.client_id == client_id)
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return rows.scalars().all(), int(total or 0)


async def open_tickets(session: AsyncSession, *, client_id: int) -> Sequence[Ticket]:
    """The client's open tickets, most recently active first."""
    rows = await session.execute(
        select(Ticket)
        .where(Ticket.client_id == client_id, Ticket.status != "closed")
        .order_by(Ticket.updated_at.desc(), Ticket.id.desc())
    )
    return rows.scalars().all()


async def previewed_tickets(
    session: AsyncSession, *, chat_id: int, message_id: int
) -> Sequence[Ticket]:
    """The tickets a "new tickets" message in the group lists."""
    rows = await session.execute(
        select(Ticket)
        .join(TicketPreview, TicketPreview.ticket_id == Ticket.id)
        .where(TicketPreview.chat_id == chat_id, TicketPreview.message_id == message_id)
        .order_by(Ticket.id)
    )
    return rows.scalars().all()


# --- priority requests -------------------------------------------------------------------


async def add_priority_request(
    session: AsyncSession,
    *,
    ticket_id: int,
    reason: str,
    from_priority: str,
    to_priority: str,
    now: datetime,
) -> PriorityRequest:
    """A client's pending request to raise a ticket's priority."""
    request = PriorityRequest(
        ticket_id=ticket_id,
        reason=reason,
        from_priority=from_priority,
        to_priority=to_priority,
        state="pending",
        created_at=now,
    )
    session.add(request)
    await session.flush()
    return request


async def decide_priority_request(
    session: AsyncSession, *, request_id: int, accepted: bool, decided_by: str
) -> PriorityRequest | None:
    """Accepts or declines a pending request; None if it is not pending (decided already)."""
    claimed = (
        await session.execute(
            update(PriorityRequest)
            .where(PriorityRequest.id == request_id, PriorityRequest.state == "pending")
            .values(state="accepted" if accepted else "declined", decided_by=decided_by)
            .returning(PriorityRequest.id)
        )
    ).scalar_one_or_none()
    if claimed is None:
        return None
    request = await session.get(PriorityRequest, request_id)
    if request is not None:
        await session.refresh(request)
    return request


# --- links and messages ------------------------------------------------------------------


async def link_message(
    session: AsyncSession, *, chat_id: int, message_id: int, ticket_id: int
) -> None:
    """Remembers that a message in a chat belongs to a ticket (idempotent)."""
    ins = _insert(session)(MessageLink).values(
        chat_id=chat_id, message_id=message_id, ticket_id=ticket_id
    )
    await session.execute(ins.on_conflict_do_nothing(index_elements=["chat_id", "message_id"]))


async def ticket_for_message(
    session: AsyncSession, *, chat_id: int, message_id: int
) -> Ticket | None:
    """The ticket a message in a chat belongs to, if any."""
    link = await session.get(MessageLink, (chat_id, message_id))
    if link is None:
        return None
    return await session.get(Ticket, link.ticket_id)


async def add_ticket_message(
    session: AsyncSession,
    *,
    ticket_id: int,
    direction: str,
    author_id: int | None,
    author_name: str,
    kind: str,
    text: str,
    file_id: str | None,
    media_group_id: str | None,
    source_chat_id: int,
    source_message_id: int,
    now: datetime,
    delivered: str = "pending",
) -> TicketMessage:
    """Stores one message of the correspondence, not yet delivered."""
    row = TicketMessage(
        ticket_id=ticket_id,
        direction=direction,
        author_id=author_id,
        author_name=author_name,
        kind=kind,
        text=text,
        file_id=file_id,
        media_group_id=media_group_id,
        source_chat_id=source_chat_id,
        source_message_id=source_message_id,
        delivered=delivered,
        attempts=0,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    await link_message(
        session, chat_id=source_chat_id, message_id=source_message_id, ticket_id=ticket_id
    )
    return row


class Content(Protocol):
    """What a message carries, as stored with a ticket (a described message, a draft's part)."""

    @property
    def kind(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def file_id(self) -> str | None: ...
    @property
    def media_group_id(self) -> str | None: ...
    @property
    def html(self) -> str | None: ...


async def add_client_message(
    session: AsyncSession,
    *,
    ticket_id: int,
    client: Client,
    message_id: int,
    content: Content,
    now: datetime,
) -> TicketMessage:
    """Stores one message a client wrote (in their chat, as `message_id`) with a ticket."""
    row = await add_ticket_message(
        session,
        ticket_id=ticket_id,
        direction="in",
        author_id=client.id,
        author_name=client.display_name,
        kind=content.kind,
        text=content.text,
        file_id=content.file_id,
        media_group_id=content.media_group_id,
        source_chat_id=client.id,
        source_message_id=message_id,
        now=now,
    )
    row.html = content.html
    return row


async def add_notice(
    session: AsyncSession, *, ticket_id: int, client_id: int, text: str, now: datetime
) -> TicketMessage:
    """Stores what the bot told the client about a ticket (plain text, as they read it), for
    the ticket's history. It is said by a message of its own; nothing to deliver here."""
    row = TicketMessage(
        ticket_id=ticket_id,
        direction="notice",
        author_id=None,
        author_name="",
        kind="text",
        text=text,
        source_chat_id=client_id,
        source_message_id=0,
        delivered="sent",
        attempts=0,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def mark_delivered(
    session: AsyncSession, *, row_id: int, target_chat_id: int, target_message_id: int
) -> None:
    """Records where a message landed and links that copy to the ticket."""
    row = await session.get(TicketMessage, row_id)
    if row is None:
        return
    row.delivered = "sent"
    row.error = None
    row.target_chat_id = target_chat_id
    row.target_message_id = target_message_id
    row.attempts += 1
    await link_message(
        session, chat_id=target_chat_id, message_id=target_message_id, ticket_id=row.ticket_id
    )


async def mark_failed(
    session: AsyncSession,
    *,
    row_id: int,
    state: str,
    error: str,
    retry_at: datetime | None,
) -> None:
    """Records a failed attempt: `pending` with a retry time, or `failed`/`unknown` for good."""
    row = await session.get(TicketMessage, row_id)
    if row is None:
        return
    row.delivered = state
    row.error = error[:300]
    row.attempts += 1
    row.next_attempt_at = retry_at


async def pending_messages(
    session: AsyncSession, *, due: datetime, limit: int = 100
) -> Sequence[TicketMessage]:
    """Messages still waiting for delivery whose retry time has come, oldest first."""
    rows = await session.execute(
        select(TicketMessage)
        .where(
            TicketMessage.delivered == "pending",
            TicketMessage.direction.in_(("in", "out")),
            (TicketMessage.next_attempt_at.is_(None)) | (TicketMessage.next_attempt_at <= due),
        )
        .order_by(TicketMessage.id)
        .limit(limit)
    )
    return rows.scalars().all()


async def pending_album(session: AsyncSession, *, media_group_id: str) -> Sequence[TicketMessage]:
    """The pending messages of one album, in order."""
    rows = await session.execute(
        select(TicketMessage)
        .where(
            TicketMessage.delivered == "pending", TicketMessage.media_group_id == media_group_id
        )
        .order_by(TicketMessage.id)
    )
    return rows.scalars().all()


async def album_rows(
    session: AsyncSession, *, ticket_id: int, media_group_id: str
) -> Sequence[TicketMessage]:
    """The stored messages of one album of a ticket, in order."""
    rows = await session.execute(
        select(TicketMessage)
        .where(
            TicketMessage.ticket_id == ticket_id,
            TicketMessage.media_group_id == media_group_id,
        )
        .order_by(TicketMessage.id)
    )
    return rows.scalars().all()


async def client_rows_after(
    session: AsyncSession, *, ticket_id: int, after: int
) -> list[TicketMessage]:
    """The client's messages of a ticket stored after row `after`, in order."""
    rows = await session.execute(
        select(TicketMessage)
        .where(
            TicketMessage.ticket_id == ticket_id,
            TicketMessage.direction == "in",
            TicketMessage.id > after,
        )
        .order_by(TicketMessage.id)
    )
    return list(rows.scalars())


async def copies_sharing(
    session: AsyncSession, *, chat_id: int | None, message_id: int | None
) -> int:
    """How many stored messages were delivered as this one message (a combined copy)."""
    if chat_id is None or message_id is None:
        return 0
    return int(
        await session.scalar(
            select(func.count())
            .select_from(TicketMessage)
            .where(
                TicketMessage.target_chat_id == chat_id,
                TicketMessage.target_message_id == message_id,
            )
        )
        or 0
    )


async def messages_by_ids(session: AsyncSession, *, ids: Sequence[int]) -> Sequence[TicketMessage]:
    """Messages with these row ids, in id order."""
    rows = await session.execute(
        select(TicketMessage).where(TicketMessage.id.in_(ids)).order_by(TicketMessage.id)
    )
    return rows.scalars().all()


async def history(session: AsyncSession, *, ticket_id: int) -> Sequence[TicketMessage]:
    """Every message of a ticket in order, notes included (callers filter for clients)."""
    rows = await session.execute(
        select(TicketMessage)
        .where(TicketMessage.ticket_id == ticket_id)
        .order_by(TicketMessage.id)
    )
    return rows.scalars().all()


# --- drafts ------------------------------------------------------------------------------


async def get_draft(session: AsyncSession, *, client_id: int) -> Draft | None:
    """The client's ticket draft, or None."""
    return await session.get(Draft, client_id)


async def start_draft(session: AsyncSession, *, client_id: int, step: str, now: datetime) -> Draft:
    """Starts a new draft, replacing any earlier one."""
    await discard_draft(session, client_id=client_id)
    draft = Draft(client_id=client_id, step=step, editing=False, created_at=now, updated_at=now)
    session.add(draft)
    await session.flush()
    return draft


async def discard_draft(session: AsyncSession, *, client_id: int) -> bool:
    """Deletes the client's draft and its items; True if there was one."""
    await session.execute(delete(DraftItem).where(DraftItem.client_id == client_id))
    result = await session.execute(delete(Draft).where(Draft.client_id == client_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def add_draft_item(
    session: AsyncSession,
    *,
    client_id: int,
    message_id: int,
    kind: str,
    text: str,
    file_id: str | None,
    media_group_id: str | None,
    html: str | None = None,
) -> None:
    """Adds a message to the draft's description (idempotent per message)."""
    ins = _insert(session)(DraftItem).values(
        client_id=client_id,
        message_id=message_id,
        kind=kind,
        text=text,
        html=html,
        file_id=file_id,
        media_group_id=media_group_id,
    )
    await session.execute(ins.on_conflict_do_nothing(index_elements=["client_id", "message_id"]))


async def update_draft_item(
    session: AsyncSession, *, client_id: int, message_id: int, text: str, html: str
) -> bool:
    """The client edited a message of the draft's description: keep the new text."""
    result = await session.execute(
        update(DraftItem)
        .where(DraftItem.client_id == client_id, DraftItem.message_id == message_id)
        .values(text=text, html=html)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def clear_draft_items(session: AsyncSession, *, client_id: int) -> None:
    """Empties the draft's description."""
    await session.execute(delete(DraftItem).where(DraftItem.client_id == client_id))


async def draft_items(session: AsyncSession, *, client_id: int) -> Sequence[DraftItem]:
    """The draft's description messages in the order they were sent."""
    rows = await session.execute(
        select(DraftItem).where(DraftItem.client_id == client_id).order_by(DraftItem.message_id)
    )
    return rows.scalars().all()


# --- knowledge base ----------------------------------------------------------------------


async def add_alias(
    session: AsyncSession,
    *,
    article_id: str,
    text: str,
    ticket_id: int | None,
    created_by: int | None,
    now: datetime,
) -> bool:
    """Adds a client's wording to an article; False if it was already there."""
    ins = _insert(session)(KbAlias).values(
        article_id=article_id,
        text=text[:500],
        ticket_id=ticket_id,
        created_by=created_by,
        created_at=now,
    )
    result = await session.execute(
        ins.on_conflict_do_nothing(index_elements=["article_id", "text"])
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def alias_stamp(session: AsyncSession) -> tuple[int, int]:
    """The aliases' version: how many there are and the newest id (changes when any is
    added or removed)."""
    row = (await session.execute(select(func.count(KbAlias.id), func.max(KbAlias.id)))).one()
    return int(row[0] or 0), int(row[1] or 0)


async def all_aliases(session: AsyncSession) -> dict[str, list[str]]:
    """Every alias, grouped by article id, oldest first."""
    rows = await session.execute(select(KbAlias).order_by(KbAlias.id))
    out: dict[str, list[str]] = {}
    for alias in rows.scalars():
        out.setdefault(alias.article_id, []).append(alias.text)
    return out


async def record_search(
    session: AsyncSession,
    *,
    client_id: int | None,
    query: str,
    message_id: int | None,
    outcome: str,
    results: str,
    source: str,
    now: datetime,
) -> KbSearch:
    """Stores one search as it was shown."""
    row = KbSearch(
        client_id=client_id,
        query=query,
        message_id=message_id,
        outcome=outcome,
        results=results,
        source=source,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def get_search(session: AsyncSession, *, search_id: int) -> KbSearch | None:
    """A recorded search, or None."""
    return await session.get(KbSearch, search_id)


async def kb_stats(
    session: AsyncSession, *, since: datetime, limit: int = 10
) -> dict[str, object]:
    """What the knowledge base did since a moment: searches, deflection, top articles and
    the most frequent questions it could not answer."""
    base = select(KbSearch).where(
        KbSearch.created_at >= since, KbSearch.outcome.in_(("results", "none"))
    )
    searches = list((await session.execute(base)).scalars())
    answered = [s for s in searches if s.outcome == "results"]
    deflected = [
        s
        for s in answered
        if answered_by_kb(
            outcome=s.outcome,
            helped=s.helped,
            opened_article=s.opened_article,
            ticket_id=s.ticket_id,
        )
    ]
    opened: dict[str, int] = {}
    for s in searches:
        if s.opened_article:
            opened[s.opened_article] = opened.get(s.opened_article, 0) + 1
    unanswered: dict[str, int] = {}
    for s in searches:
        if s.outcome == "none" or s.helped is False:
            key = " ".join(s.query.lower().replace("ё", "е").split())[:200]
            unanswered[key] = unanswered.get(key, 0) + 1
    return {
        "searches": len(searches),
        "with_results": len(answered),
        "deflected": len(deflected),
        "deflected_share": round(len(deflected) / len(searches), 3) if searches else 0.0,
        "helped": sum(1 for s in searches if s.helped is True),
        "not_helped": sum(1 for s in searches if s.helped is False),
        "tickets_after_search": sum(1 for s in searches if s.ticket_id is not None),
        "top_articles": sorted(opened.items(), key=lambda kv: (-kv[1], kv[0]))[:limit],
        "unanswered": sorted(unanswered.items(), key=lambda kv: (-kv[1], kv[0]))[:limit],
    }


async def message_by_source(
    session: AsyncSession, *, chat_id: int, message_id: int
) -> TicketMessage | None:
    """The stored message that a chat's message was relayed from."""
    rows = await session.execute(
        select(TicketMessage).where(
            TicketMessage.source_chat_id == chat_id, TicketMessage.source_message_id == message_id
        )
    )
    return rows.scalars().first()
