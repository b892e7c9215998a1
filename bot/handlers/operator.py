"""The operator group: engineers answer clients and run the ticket's commands.

Everything here acts only for updates from the configured operator group; the handlers are
registered with a chat filter, and callback buttons are checked again when pressed.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Message, Update, User

from bot import deadlines, keyboards, relay, render
from bot.context import Desk, DeskContext
from bot.handlers.common import answer, edit_or_send, schedule_album
from bot.texts import t
from desk.tickets import (
    Action,
    Outcome,
    Priority,
    Status,
    TicketType,
    TransitionError,
    apply,
    format_number,
)
from storage import repo
from storage.models import Ticket

logger = logging.getLogger(__name__)


def engineer_name(user: User | None) -> str:
    """How an engineer is named in notices."""
    if user is None:
        return "?"
    return user.full_name or (f"@{user.username}" if user.username else str(user.id))


def _addresses_the_bot(desk: Desk, message: Message) -> bool:
    """A reply to one of the bot's own messages (not a topic's service message)."""
    reply = message.reply_to_message
    return (
        reply is not None
        and reply.forum_topic_created is None
        and reply.from_user is not None
        and reply.from_user.is_bot
        and reply.from_user.username == desk.bot_username
    )


async def find_ticket(desk: Desk, message: Message) -> Ticket | None:
    """The ticket a group message belongs to: its topic, or the message it replies to.

    A message in a topic or a reply to the bot that is not known yet is looked up once more
    a moment later: the bot may still be recording the topic or the message it just sent.
    """
    ticket = await _lookup(desk, message)
    if ticket is None and (message.is_topic_message or _addresses_the_bot(desk, message)):
        await asyncio.sleep(0.3)
        ticket = await _lookup(desk, message)
    return ticket


async def _lookup(desk: Desk, message: Message) -> Ticket | None:
    async with desk.tx() as session:
        if message.is_topic_message and message.message_thread_id:
            ticket = await repo.ticket_by_topic(
                session, chat_id=message.chat.id, topic_id=message.message_thread_id
            )
            if ticket is not None:
                return ticket
        reply = message.reply_to_message
        if reply is not None and reply.forum_topic_created is None:
            return await repo.ticket_for_message(
                session, chat_id=message.chat.id, message_id=reply.message_id
            )
    return None


async def _ticket_or_explain(update: Update, context: DeskContext) -> Ticket | None:
    message = update.effective_message
    assert message is not None
    ticket = await find_ticket(context.desk, message)
    if ticket is None:
        await message.reply_text(t(context.desk.op_lang, "op.no_ticket"))
    return ticket


async def _event(
    desk: Desk, ticket: Ticket, text: str, user: User | None, message: Message
) -> None:
    """Stores a status change in the ticket's history."""
    async with desk.tx() as session:
        await repo.add_ticket_message(
            session,
            ticket_id=ticket.id,
            direction="event",
            author_id=user.id if user else None,
            author_name=engineer_name(user),
            kind="text",
            text=text,
            file_id=None,
            media_group_id=None,
            source_chat_id=message.chat.id,
            source_message_id=message.message_id,
            now=desk.clock.now(),
            delivered="sent",
        )


async def _tell_client(context: DeskContext, ticket: Ticket, key: str, **values: object) -> None:
    desk = context.desk
    client = await relay.client_of(desk, ticket)
    text = t(client.language, key, number=format_number(ticket.number), **values)
    sent = await relay.send_to_client(context.bot, desk, client.id, text, ticket_id=ticket.id)
    if sent is None and client.blocked_at is None:
        fresh = await relay.client_of(desk, ticket)
        if fresh.blocked_at is not None:
            await relay.post_to_thread(
                context.bot, desk, ticket.id, t(desk.op_lang, "op.client_blocked")
            )


async def _allowed_or_explain(
    desk: Desk, ticket: Ticket, action: Action, message: Message
) -> Outcome | None:
    """The status change `action` makes, or None after telling the engineer it is not allowed
    in the ticket's status."""
    try:
        return apply(Status(ticket.status), action)
    except TransitionError:
        lang = desk.op_lang
        await message.reply_text(
            t(
                lang,
                "op.not_allowed",
                number=format_number(ticket.number),
                status=render.status_label(lang, ticket.status),
            )
        )
        return None


async def _transition(
    context: DeskContext, ticket: Ticket, action: Action, message: Message
) -> Ticket | None:
    """Applies a status action, or explains in the thread why it is not possible."""
    desk = context.desk
    outcome = await _allowed_or_explain(desk, ticket, action, message)
    if outcome is None:
        return None
    user = message.from_user
    now = desk.clock.now()
    async with desk.tx() as session:
        row = await repo.get_ticket(session, ticket_id=ticket.id)
        assert row is not None
        row.status = outcome.after.value
        row.updated_at = now
        if action is Action.TAKE and user is not None:
            row.assignee_id = user.id
            row.assignee_name = engineer_name(user)
        if outcome.after is Status.CLOSED:
            row.closed_at = now
            row.close_reason = "engineer"
            row.waiting_kind = None
            row.waiting_since = row.remind_at = row.autoclose_at = None
        elif action is Action.REOPEN:
            row.closed_at = None
        ticket = row
    return ticket


async def take(update: Update, context: DeskContext) -> None:
    """/take: assigns the ticket to the engineer and tells the client."""
    message = update.effective_message
    assert message is not None
    ticket = await _ticket_or_explain(update, context)
    if ticket is None:
        return
    desk = context.desk
    user = message.from_user
    if user is not None and ticket.assignee_id == user.id and ticket.status == Status.IN_PROGRESS:
        await message.reply_text(
            t(desk.op_lang, "op.already_yours", number=format_number(ticket.number))
        )
        return
    updated = await _transition(context, ticket, Action.TAKE, message)
    if updated is None:
        return
    name = engineer_name(user)
    await _event(
        desk,
        updated,
        t(desk.op_lang, "op.taken", engineer=name, number=format_number(updated.number)),
        user,
        message,
    )
    await message.reply_text(
        t(desk.op_lang, "op.taken", engineer=name, number=format_number(updated.number))
    )
    await relay.refresh_thread(context.bot, desk, updated.id)
    await _tell_client(context, updated, "client.taken", engineer=name)


async def close(update: Update, context: DeskContext) -> None:
    """/close: closes the ticket, closes its topic and tells the client."""
    message = update.effective_message
    assert message is not None
    ticket = await _ticket_or_explain(update, context)
    if ticket is None:
        return
    updated = await _transition(context, ticket, Action.CLOSE, message)
    if updated is None:
        return
    desk = context.desk
    name = engineer_name(message.from_user)
    notice = t(desk.op_lang, "op.closed", engineer=name, number=format_number(updated.number))
    await _event(desk, updated, notice, message.from_user, message)
    async with desk.tx() as session:
        client = await repo.get_client(session, client_id=updated.client_id)
        if client is not None and client.active_ticket_id == updated.id:
            client.active_ticket_id = None
    await message.reply_text(notice)
    await relay.refresh_thread(context.bot, desk, updated.id)
    await _tell_client(context, updated, "client.closed")
    from bot.handlers.lifecycle import ask_rating

    await ask_rating(context.bot, desk, updated)


async def reopen(update: Update, context: DeskContext) -> None:
    """/reopen: puts a closed ticket back in work and tells the client."""
    message = update.effective_message
    assert message is not None
    ticket = await _ticket_or_explain(update, context)
    if ticket is None:
        return
    updated = await _transition(context, ticket, Action.REOPEN, message)
    if updated is None:
        return
    desk = context.desk
    name = engineer_name(message.from_user)
    notice = t(desk.op_lang, "op.reopened", engineer=name, number=format_number(updated.number))
    await _event(desk, updated, notice, message.from_user, message)
    await message.reply_text(notice)
    await relay.refresh_thread(context.bot, desk, updated.id)
    await _tell_client(context, updated, "client.reopened")


async def _offer(update: Update, context: DeskContext, key: str, keyboard: Any) -> None:
    message = update.effective_message
    assert message is not None
    ticket = await _ticket_or_explain(update, context)
    if ticket is None:
        return
    lang = context.desk.op_lang
    await message.reply_text(
        t(lang, key, number=format_number(ticket.number)), reply_markup=keyboard(lang, ticket)
    )


async def ask_type(update: Update, context: DeskContext) -> None:
    """/type: offers the ticket types as buttons."""
    await _offer(update, context, "op.choose_type", keyboards.operator_types)


async def ask_priority(update: Update, context: DeskContext) -> None:
    """/priority: offers the priorities as buttons."""
    await _offer(update, context, "op.choose_priority", keyboards.operator_priorities)


async def set_field(update: Update, context: DeskContext) -> None:
    """``o:type`` and ``o:prio`` buttons: changes the field and tells the client."""
    query = update.callback_query
    assert query is not None and query.data is not None
    desk = context.desk
    lang = desk.op_lang
    message = query.message  # pressed in the operator group: see bot/app.py
    parts = query.data.split(":")
    if len(parts) != 4 or not parts[2].isdigit():
        await answer(query)
        return
    field, ticket_id, value = parts[1], int(parts[2]), parts[3]
    valid = TicketType._value2member_map_ if field == "type" else Priority._value2member_map_
    if field not in ("type", "prio") or value not in valid:
        await answer(query)
        return
    user = query.from_user
    async with desk.tx() as session:
        ticket = await repo.get_ticket(session, ticket_id=ticket_id)
        if ticket is None or ticket.operator_chat_id != desk.operator_chat_id:
            ticket = None
        else:
            action = Action.SET_TYPE if field == "type" else Action.SET_PRIORITY
            try:
                apply(Status(ticket.status), action)
            except TransitionError:
                ticket = None
            else:
                if field == "type":
                    changed = ticket.type != value
                    ticket.type = value
                else:
                    changed = ticket.priority != value
                    ticket.priority = value
                ticket.updated_at = desk.clock.now()
                deadlines.replan(ticket, desk.calendar, desk.settings.sla_table, ticket.updated_at)
    if ticket is None:
        await answer(query, t(lang, "op.no_ticket"), alert=True)
        return
    await answer(query)
    number = format_number(ticket.number)
    if field == "type":
        notice = t(
            lang,
            "op.type_changed",
            number=number,
            type=render.type_label(lang, value),
            engineer=engineer_name(user),
        )
    else:
        notice = t(
            lang,
            "op.priority_changed",
            number=number,
            priority=render.priority_label(lang, value),
            engineer=engineer_name(user),
        )
    await edit_or_send(query, notice)
    if not changed:
        return
    assert isinstance(message, Message)
    await _event(desk, ticket, notice, user, message)
    await relay.refresh_thread(context.bot, desk, ticket.id)
    client = await relay.client_of(desk, ticket)
    if field == "type":
        key = "client.type_changed_paid" if TicketType(value).is_paid else "client.type_changed"
        await _tell_client(context, ticket, key, type=render.type_label(client.language, value))
    else:
        await _tell_client(
            context,
            ticket,
            "client.priority_changed",
            priority=render.priority_label(client.language, value),
        )


async def info(update: Update, context: DeskContext) -> None:
    """/info: the ticket's card and a count of its correspondence."""
    message = update.effective_message
    assert message is not None
    ticket = await _ticket_or_explain(update, context)
    if ticket is None:
        return
    desk = context.desk
    lang = desk.op_lang
    async with desk.tx() as session:
        client = await repo.get_client(session, client_id=ticket.client_id)
        rows = list(await repo.history(session, ticket_id=ticket.id))
    assert client is not None
    card = render.header_card(ticket, client, lang, desk.settings.zone, forum=False).split(
        "\n\n<i>"
    )[0]
    counts = t(
        lang,
        "op.info_history",
        count=sum(1 for r in rows if r.direction in ("in", "out", "note")),
        inbound=sum(1 for r in rows if r.direction == "in"),
        outbound=sum(1 for r in rows if r.direction == "out"),
        notes=sum(1 for r in rows if r.direction == "note"),
    )
    await message.reply_text(f"{card}\n\n{counts}")


async def note(update: Update, context: DeskContext) -> None:
    """/note text: an internal note, stored with the ticket, never sent to the client."""
    message = update.effective_message
    assert message is not None
    ticket = await _ticket_or_explain(update, context)
    if ticket is None:
        return
    desk = context.desk
    text = " ".join(context.args or []).strip()
    if message.text:
        # Keep the note's own line breaks: take everything after the command.
        _, _, rest = message.text.partition(" ")
        text = rest.strip() if rest.strip() else text
    if not text:
        await message.reply_text(t(desk.op_lang, "op.note_empty"))
        return
    async with desk.tx() as session:
        await repo.add_ticket_message(
            session,
            ticket_id=ticket.id,
            direction="note",
            author_id=message.from_user.id if message.from_user else None,
            author_name=engineer_name(message.from_user),
            kind="text",
            text=text,
            file_id=None,
            media_group_id=None,
            source_chat_id=message.chat.id,
            source_message_id=message.message_id,
            now=desk.clock.now(),
            delivered="sent",
        )
    try:
        await message.set_reaction("✍")
    except Exception:
        await message.reply_text(t(desk.op_lang, "op.note_saved"))


async def on_group_message(update: Update, context: DeskContext) -> None:
    """An engineer's message in a ticket's topic (or a reply to a ticket's message)."""
    message = update.effective_message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return
    if message.forum_topic_created or message.forum_topic_edited or message.new_chat_members:
        return
    desk = context.desk
    ticket = await find_ticket(desk, message)
    if ticket is None:
        if _addresses_the_bot(desk, message):
            # A reply to the bot that belongs to no ticket: say so rather than drop it.
            await message.reply_text(t(desk.op_lang, "op.not_a_ticket_reply"))
        # Otherwise staff chatter in the General topic or not replying to a ticket.
        return
    info_ = relay.describe_message(message)
    now = desk.clock.now()
    from datetime import timedelta

    async with desk.tx() as session:
        row = await repo.add_ticket_message(
            session,
            ticket_id=ticket.id,
            direction="out",
            author_id=message.from_user.id,
            author_name=engineer_name(message.from_user),
            kind=info_.kind,
            text=info_.text,
            file_id=info_.file_id,
            media_group_id=info_.media_group_id,
            source_chat_id=message.chat.id,
            source_message_id=message.message_id,
            now=now,
        )
        if info_.media_group_id:
            row.next_attempt_at = now + timedelta(seconds=desk.settings.album_wait + 10)
        fresh = await repo.get_ticket(session, ticket_id=ticket.id)
        assert fresh is not None
        fresh.updated_at = now
        deadlines.responded(fresh, now)
        if fresh.status != Status.CLOSED:
            # The ticket the client last got an answer in becomes their active one.
            client = await repo.get_client(session, client_id=fresh.client_id)
            if client is not None:
                client.active_ticket_id = fresh.id
    if info_.media_group_id:
        schedule_album(context, info_.media_group_id)
        return
    await relay.deliver_to_client(context.bot, desk, [row], live=True)


async def set_organization(update: Update, context: DeskContext) -> None:
    """/org <name>: records the client's organization (shown in titles, used to pick the
    manager who hears about late tickets)."""
    message = update.effective_message
    assert message is not None
    ticket = await _ticket_or_explain(update, context)
    if ticket is None:
        return
    desk = context.desk
    name = (message.text or "").partition(" ")[2].strip()[:200]
    if not name:
        await message.reply_text(t(desk.op_lang, "op.org_usage"))
        return
    async with desk.tx() as session:
        client = await repo.get_client(session, client_id=ticket.client_id)
        assert client is not None
        client.organization = name
        display = client.display_name
    await message.reply_text(t(desk.op_lang, "op.org_set", client=display, org=name))
    await relay.refresh_thread(context.bot, desk, ticket.id)
