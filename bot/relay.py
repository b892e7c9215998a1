"""Moving messages between a client's chat and the ticket's place in the operator group.

Every relayed message is stored first (``pending``) and then copied; the outcome is recorded
on the row. Failures that may pass (rate limits, network, a group the bot lost access to)
leave the row pending with a retry time, and a periodic job delivers it later. Failures
that will not pass are recorded and told to whoever wrote the message.

Timeouts: a copy that timed out may still have been delivered. Towards the engineers we retry
(a duplicate in the group is better than a lost client message); towards the client we do not
(a client must not get an answer twice) and tell the engineer instead.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from telegram import InlineKeyboardMarkup, Message, MessageId, ReplyParameters
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import ExtBot

from bot import render
from bot.context import Desk
from bot.ratelimit import retry_after_seconds
from bot.texts import t
from desk.tickets import format_number
from storage import repo
from storage.models import Client, Ticket, TicketMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
COPY_BATCH = 100


@dataclass(frozen=True)
class Incoming:
    """What a Telegram message carries, as stored in the ticket's history."""

    kind: str
    text: str
    file_id: str | None
    media_group_id: str | None


def describe_message(message: Message) -> Incoming:
    """Reads a message's kind, text or caption and main file."""
    text = message.text or message.caption or ""
    kind, file_id = "text", None
    if message.photo:
        kind, file_id = "photo", message.photo[-1].file_id
    else:
        # A GIF carries both "animation" and "document": animation goes first to be seen.
        for name in ("animation", "document", "video", "audio", "voice", "sticker", "video_note"):
            media = getattr(message, name, None)
            if media is not None:
                kind, file_id = name, media.file_id
                if name == "document" and not text and message.document:
                    text = message.document.file_name or ""
                break
        else:
            if message.location is not None:
                kind = "location"
                text = f"{message.location.latitude}, {message.location.longitude}"
            elif message.contact is not None:
                kind = "contact"
                text = f"{message.contact.first_name} {message.contact.phone_number}"
            elif message.text is None and message.caption is None:
                kind = "other"
    return Incoming(kind=kind, text=text, file_id=file_id, media_group_id=message.media_group_id)


# --- classifying Telegram's answers ------------------------------------------------------

THREAD_GONE = ("message thread not found", "topic_deleted", "topic_id_invalid", "thread not found")
REPLY_GONE = ("message to be replied not found", "replied message not found")


def classify(exc: TelegramError) -> str:
    """Sorts an error into what to do about it."""
    if isinstance(exc, RetryAfter):
        return "retry"
    if isinstance(exc, Forbidden):
        return "blocked"
    if isinstance(exc, BadRequest):
        message = exc.message.lower()
        if any(part in message for part in THREAD_GONE):
            return "thread_gone"
        if any(part in message for part in REPLY_GONE):
            return "reply_gone"
        return "bad"
    if isinstance(exc, TimedOut):
        return "timeout"
    if isinstance(exc, NetworkError):
        return "retry"
    return "bad"


def request_never_left(exc: TelegramError) -> bool:
    """Whether a failed request certainly did not reach Telegram: no connection could be
    made, or the connection pool gave no socket. Anything else may have arrived."""
    cause = exc.__cause__
    if isinstance(cause, httpx.ConnectTimeout | httpx.PoolTimeout | httpx.ConnectError):
        return True
    return isinstance(exc, TimedOut) and cause is None and "pool timeout" in exc.message.lower()


def backoff(attempts: int, exc: TelegramError | None = None, base: float = 15.0) -> timedelta:
    """How long to wait before the next attempt: Telegram's retry_after, else doubling."""
    if isinstance(exc, RetryAfter):
        return timedelta(seconds=retry_after_seconds(exc) + 1)
    return timedelta(seconds=min(base * 2**attempts, 3600))


# --- the ticket's place in the operator group --------------------------------------------


async def _parent_number(desk: Desk, ticket: Ticket) -> int | None:
    if ticket.parent_ticket_id is None:
        return None
    async with desk.tx() as session:
        parent = await repo.get_ticket(session, ticket_id=ticket.parent_ticket_id)
    return parent.number if parent is not None else None


async def ensure_thread(bot: ExtBot[None], desk: Desk, ticket_id: int) -> Ticket:
    """Makes sure the ticket has its topic (or header card) and returns the fresh row.

    Raises TelegramError when the group cannot be reached; the caller decides.
    """
    async with desk.tx() as session:
        ticket = await repo.get_ticket(session, ticket_id=ticket_id)
        assert ticket is not None
        client = await repo.get_client(session, client_id=ticket.client_id)
        assert client is not None
    lang = desk.op_lang
    zone = desk.settings.zone
    chat_id = desk.operator_chat_id
    if desk.forum and ticket.topic_id is None:
        topic = await bot.create_forum_topic(chat_id, render.topic_title(ticket, client, lang))
        thread_id = topic.message_thread_id
        async with desk.tx() as session:
            row = await repo.get_ticket(session, ticket_id=ticket_id)
            assert row is not None
            row.topic_id = thread_id
            row.header_message_id = None
        ticket.topic_id = thread_id
        ticket.header_message_id = None
    if ticket.header_message_id is None:
        header = await bot.send_message(
            chat_id,
            render.header_card(
                ticket,
                client,
                lang,
                zone,
                forum=desk.forum,
                parent_number=await _parent_number(desk, ticket),
            ),
            message_thread_id=ticket.topic_id if desk.forum else None,
        )
        async with desk.tx() as session:
            row = await repo.get_ticket(session, ticket_id=ticket_id)
            assert row is not None
            row.header_message_id = header.message_id
            await repo.link_message(
                session, chat_id=chat_id, message_id=header.message_id, ticket_id=ticket_id
            )
        ticket.header_message_id = header.message_id
    return ticket


async def _forget_thread(desk: Desk, ticket_id: int, *, topic: bool) -> None:
    async with desk.tx() as session:
        row = await repo.get_ticket(session, ticket_id=ticket_id)
        assert row is not None
        if topic:
            row.topic_id = None
        row.header_message_id = None


def _thread_kwargs(desk: Desk, ticket: Ticket) -> dict[str, Any]:
    """Where in the group a ticket's messages go: its topic, or a reply to its header."""
    if desk.forum:
        return {"message_thread_id": ticket.topic_id}
    return {"reply_parameters": ReplyParameters(message_id=ticket.header_message_id or 0)}


async def post_to_thread(
    bot: ExtBot[None],
    desk: Desk,
    ticket_id: int,
    text: str,
    *,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> Message | None:
    """Posts a notice into the ticket's topic (or under its header card).

    A deleted topic is recreated. Returns None when the group cannot be reached; the
    failure is logged with the exception, since there is nobody else to tell.
    """
    for _ in range(2):
        try:
            ticket = await ensure_thread(bot, desk, ticket_id)
            sent = await bot.send_message(
                desk.operator_chat_id,
                text,
                reply_markup=reply_markup,
                **_thread_kwargs(desk, ticket),
            )
        except TelegramError as exc:
            kind = classify(exc)
            if kind in ("thread_gone", "reply_gone"):
                await _forget_thread(desk, ticket_id, topic=kind == "thread_gone")
                continue
            logger.warning(
                "could not post to ticket %s's thread: %s", ticket_id, exc, exc_info=exc
            )
            return None
        async with desk.tx() as session:
            await repo.link_message(
                session,
                chat_id=desk.operator_chat_id,
                message_id=sent.message_id,
                ticket_id=ticket_id,
            )
        return sent
    return None


async def refresh_thread(bot: ExtBot[None], desk: Desk, ticket_id: int) -> None:
    """Renames the topic (its colour marker) and redraws the header card after a change."""
    async with desk.tx() as session:
        ticket = await repo.get_ticket(session, ticket_id=ticket_id)
        assert ticket is not None
        client = await repo.get_client(session, client_id=ticket.client_id)
        assert client is not None
    lang = desk.op_lang
    chat_id = desk.operator_chat_id
    # Cosmetic both: the next message recreates a missing topic; nothing is lost.
    if desk.forum and ticket.topic_id is not None:
        try:
            await bot.edit_forum_topic(
                chat_id, ticket.topic_id, name=render.topic_title(ticket, client, lang)
            )
        except TelegramError as exc:
            if "not_modified" not in str(exc).lower().replace(" ", "_"):
                logger.warning("could not rename ticket %s's topic: %s", ticket_id, exc)
    if ticket.header_message_id is not None:
        try:
            await bot.edit_message_text(
                render.header_card(
                    ticket,
                    client,
                    lang,
                    desk.settings.zone,
                    forum=desk.forum,
                    parent_number=await _parent_number(desk, ticket),
                ),
                chat_id=chat_id,
                message_id=ticket.header_message_id,
            )
        except TelegramError as exc:
            if "not modified" not in str(exc).lower():
                logger.warning("could not redraw ticket %s's header: %s", ticket_id, exc)


# --- copying -----------------------------------------------------------------------------


async def _copy(
    bot: ExtBot[None],
    *,
    to_chat: int,
    from_chat: int,
    message_ids: Sequence[int],
    extra: dict[str, Any],
) -> list[int]:
    """Copies messages in order, albums kept together; returns the new ids, one per source."""
    if len(message_ids) == 1:
        copied: MessageId = await bot.copy_message(to_chat, from_chat, message_ids[0], **extra)  # type: ignore[arg-type]
        return [copied.message_id]
    result: list[int] = []
    batch_extra = {k: v for k, v in extra.items() if k == "message_thread_id"}
    for start in range(0, len(message_ids), COPY_BATCH):
        chunk = list(message_ids[start : start + COPY_BATCH])
        copies = await bot.copy_messages(to_chat, from_chat, chunk, **batch_extra)  # type: ignore[arg-type]
        if len(copies) == len(chunk):
            result.extend(c.message_id for c in copies)
            continue
        # Telegram skipped some; we cannot tell which, so copy one by one to keep the map.
        for message_id in chunk:
            one = await bot.copy_message(to_chat, from_chat, message_id, **extra)  # type: ignore[arg-type]
            result.append(one.message_id)
    return result


async def _record_failure(
    desk: Desk, rows: Sequence[TicketMessage], *, state: str, error: str, exc: TelegramError | None
) -> None:
    now = desk.clock.now()
    async with desk.tx() as session:
        for row in rows:
            give_up = state == "pending" and row.attempts + 1 >= MAX_ATTEMPTS
            await repo.mark_failed(
                session,
                row_id=row.id,
                state="failed" if give_up else state,
                error=error,
                retry_at=now + backoff(row.attempts, exc, desk.settings.retry_base_seconds)
                if state == "pending"
                else None,
            )


async def deliver_to_operators(
    bot: ExtBot[None], desk: Desk, rows: Sequence[TicketMessage], *, live: bool
) -> bool:
    """Copies a client's messages (one ticket, in order) into the ticket's thread."""
    if not rows:
        return True
    ticket_id = rows[0].ticket_id
    async with desk.ticket_lock(ticket_id):
        async with desk.tx() as session:
            fresh = await repo.messages_by_ids(session, ids=[r.id for r in rows])
        rows = [r for r in fresh if r.delivered == "pending"]
        if not rows:
            return True
        last_error: TelegramError | None = None
        for _ in range(3):
            try:
                ticket = await ensure_thread(bot, desk, ticket_id)
                new_ids = await _copy(
                    bot,
                    to_chat=desk.operator_chat_id,
                    from_chat=rows[0].source_chat_id,
                    message_ids=[r.source_message_id for r in rows],
                    extra=_thread_kwargs(desk, ticket),
                )
            except TelegramError as exc:
                last_error = exc
                kind = classify(exc)
                if kind in ("thread_gone", "reply_gone"):
                    await _forget_thread(desk, ticket_id, topic=kind == "thread_gone")
                    if kind == "thread_gone":
                        await post_to_thread(
                            bot, desk, ticket_id, t(desk.op_lang, "op.topic_recreated")
                        )
                    continue
                if kind == "bad":
                    logger.warning(
                        "client message for ticket %s cannot be copied: %s", ticket_id, exc
                    )
                    await _record_failure(desk, rows, state="failed", error=exc.message, exc=exc)
                    if live:
                        await _tell_sender(bot, desk, rows[0], "relay.cannot_copy")
                    return False
                # retry, timeout, blocked (the bot lost the group): try again later.
                logger.warning("ticket %s: delivery to the group postponed: %s", ticket_id, exc)
                await _record_failure(desk, rows, state="pending", error=str(exc), exc=exc)
                if live:
                    await _tell_sender(bot, desk, rows[0], "relay.delayed")
                return False
            async with desk.tx() as session:
                for row, new_id in zip(rows, new_ids, strict=True):
                    await repo.mark_delivered(
                        session,
                        row_id=row.id,
                        target_chat_id=desk.operator_chat_id,
                        target_message_id=new_id,
                    )
            return True
        await _record_failure(desk, rows, state="pending", error=str(last_error), exc=last_error)
        return False


async def _tell_sender(bot: ExtBot[None], desk: Desk, row: TicketMessage, key: str) -> None:
    """Tells the client who wrote `row` what became of it, in their language."""
    async with desk.tx() as session:
        client = await repo.get_client(session, client_id=row.source_chat_id)
    lang = client.language if client else desk.settings.default_language
    await send_to_client(bot, desk, row.source_chat_id, t(lang, key), ticket_id=None)


async def mark_blocked(desk: Desk, client_id: int) -> None:
    """Telegram said the client blocked the bot: remember it and stop their release news."""
    async with desk.tx() as session:
        client = await repo.get_client(session, client_id=client_id)
        if client is not None:
            if client.blocked_at is None:
                client.blocked_at = desk.clock.now()
            client.subscribed = False


async def send_to_client(
    bot: ExtBot[None],
    desk: Desk,
    client_id: int,
    text: str,
    *,
    ticket_id: int | None,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> Message | None:
    """Sends the bot's own text to a client; a block is recorded; returns None on failure."""
    try:
        sent = await bot.send_message(client_id, text, reply_markup=reply_markup)
    except Forbidden:
        await mark_blocked(desk, client_id)
        return None
    except TelegramError as exc:
        logger.warning("could not send to client %s: %s", client_id, exc, exc_info=exc)
        return None
    if ticket_id is not None:
        async with desk.tx() as session:
            await repo.link_message(
                session, chat_id=client_id, message_id=sent.message_id, ticket_id=ticket_id
            )
    return sent


async def deliver_to_client(
    bot: ExtBot[None], desk: Desk, rows: Sequence[TicketMessage], *, live: bool
) -> bool:
    """Copies an engineer's messages (one ticket, in order) to the ticket's client."""
    if not rows:
        return True
    ticket_id = rows[0].ticket_id
    async with desk.ticket_lock(ticket_id):
        async with desk.tx() as session:
            fresh = await repo.messages_by_ids(session, ids=[r.id for r in rows])
            ticket = await repo.get_ticket(session, ticket_id=ticket_id)
            assert ticket is not None
            client = await repo.get_client(session, client_id=ticket.client_id)
            assert client is not None
        rows = [r for r in fresh if r.delivered == "pending"]
        if not rows:
            return True
        try:
            if client.shown_ticket_id != ticket.id:
                header = await bot.send_message(
                    client.id,
                    t(client.language, "relay.header", number=format_number(ticket.number)),
                )
                async with desk.tx() as session:
                    await repo.link_message(
                        session,
                        chat_id=client.id,
                        message_id=header.message_id,
                        ticket_id=ticket.id,
                    )
                    fresh_client = await repo.get_client(session, client_id=client.id)
                    assert fresh_client is not None
                    fresh_client.shown_ticket_id = ticket.id
            new_ids = await _copy(
                bot,
                to_chat=client.id,
                from_chat=rows[0].source_chat_id,
                message_ids=[r.source_message_id for r in rows],
                extra={},
            )
        except TelegramError as exc:
            kind = classify(exc)
            if kind == "blocked":
                await _record_failure(
                    desk, rows, state="failed", error="blocked by the client", exc=exc
                )
                await mark_blocked(desk, client.id)
                await post_to_thread(bot, desk, ticket_id, t(desk.op_lang, "op.client_blocked"))
            elif kind == "timeout":
                await _record_failure(desk, rows, state="unknown", error="timed out", exc=exc)
                await post_to_thread(bot, desk, ticket_id, t(desk.op_lang, "op.delivery_unknown"))
            elif kind == "retry":
                await _record_failure(desk, rows, state="pending", error=str(exc), exc=exc)
                if live:
                    await post_to_thread(
                        bot, desk, ticket_id, t(desk.op_lang, "op.delivery_retrying")
                    )
            else:
                await _record_failure(desk, rows, state="failed", error=exc.message, exc=exc)
                await post_to_thread(
                    bot, desk, ticket_id, t(desk.op_lang, "op.delivery_failed", reason=exc.message)
                )
            return False
        async with desk.tx() as session:
            for row, new_id in zip(rows, new_ids, strict=True):
                await repo.mark_delivered(
                    session, row_id=row.id, target_chat_id=client.id, target_message_id=new_id
                )
            fresh_client = await repo.get_client(session, client_id=client.id)
            assert fresh_client is not None
            fresh_client.blocked_at = None
        return True


async def deliver(
    bot: ExtBot[None], desk: Desk, rows: Sequence[TicketMessage], *, live: bool
) -> bool:
    """Delivers stored messages of one ticket and one direction."""
    if not rows:
        return True
    if rows[0].direction == "in":
        return await deliver_to_operators(bot, desk, rows, live=live)
    return await deliver_to_client(bot, desk, rows, live=live)


def _batch_key(row: TicketMessage) -> tuple[int, str, str]:
    return (row.ticket_id, row.direction, row.media_group_id or f"single:{row.id}")


async def deliver_pending(
    bot: ExtBot[None], desk: Desk, *, media_group_id: str | None = None
) -> int:
    """Delivers every pending message whose time has come; albums go as albums.

    With `media_group_id`, delivers that album now regardless of its retry time.
    """
    now = desk.clock.now()
    async with desk.tx() as session:
        if media_group_id is None:
            rows = list(await repo.pending_messages(session, due=now))
        else:
            rows = list(await repo.pending_album(session, media_group_id=media_group_id))
    delivered = 0
    batches: dict[tuple[int, str, str], list[TicketMessage]] = {}
    for row in sorted(rows, key=lambda r: r.id):
        batches.setdefault(_batch_key(row), []).append(row)
    for batch in batches.values():
        if await deliver(bot, desk, batch, live=media_group_id is not None):
            delivered += len(batch)
    return delivered


async def client_of(desk: Desk, ticket: Ticket) -> Client:
    """The ticket's client row."""
    async with desk.tx() as session:
        client = await repo.get_client(session, client_id=ticket.client_id)
    assert client is not None
    return client
