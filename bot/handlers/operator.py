"""The operator group: engineers answer clients and run the ticket's commands.

Everything here acts only for updates from the configured operator group; the handlers are
registered with a chat filter, and callback buttons are checked again when pressed.

The group's budget (20 messages a minute, shared by every topic) is spent on what engineers
need to read: a command that only changes state is acknowledged with a reaction, the
ticket's colour and assignee are in its topic title, and a message goes out only where the
engineer needs an answer.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from telegram import Message, Update, User

from bot import deadlines, keyboards, relay, render
from bot.context import Desk, DeskContext, Unit
from bot.handlers.common import answer, tell
from bot.outbox import RELAY_OUT
from bot.texts import t
from desk.text import one_line
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
from storage import outbox as records
from storage import repo
from storage.models import Ticket, TicketPreview

logger = logging.getLogger(__name__)

#: A message in General (or replying to a "new tickets" message) that starts with a ticket's
#: number goes to that ticket.
NUMBERED = re.compile(r"^\s*#(\d{1,12})\b[\s:,.\-—]*")

#: Commands engineers may give in the operator group (in this order in its command menu); a
#: message starting with one is never relayed to the client, whether the command is in its
#: text or in a file's caption.
ENGINEER_COMMANDS = (
    "take",
    "type",
    "priority",
    "solve",
    "ask",
    "org",
    "close",
    "reopen",
    "info",
    "note",
    "article",
    "kbstats",
    "kbreload",
    "announce",
)


def command_of(text: str | None) -> str | None:
    """The command a text or caption starts with (``/note@bot x`` → ``note``), or None."""
    if not text or not text.startswith("/"):
        return None
    word = text[1:].split(maxsplit=1)[0] if len(text) > 1 else ""
    return word.split("@", 1)[0].lower() or None


def engineer_name(user: User | None) -> str:
    """How an engineer is named in notices: one line, whatever their profile says."""
    if user is None:
        return "?"
    name = one_line(user.full_name or "")
    return name or (f"@{user.username}" if user.username else str(user.id))


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


async def _ticket_or_explain(unit: Unit, message: Message, found: Ticket | None) -> Ticket | None:
    """The ticket a command is about (looked up before the unit with :func:`find_ticket`),
    fresh in the unit; or None after saying where commands work."""
    if found is None:
        await unit.out.answer(message, t(unit.desk.op_lang, "op.no_ticket"))
        return None
    return await repo.get_ticket(unit.session, ticket_id=found.id)


async def _event(
    unit: Unit, ticket: Ticket, text: str, user: User | None, message: Message
) -> None:
    """Stores a status change, as the group was told it, in the ticket's history for staff
    (clients' histories hold what they were told: :func:`tell_client`)."""
    await repo.add_ticket_message(
        unit.session,
        ticket_id=ticket.id,
        direction="event",
        author_id=user.id if user else None,
        author_name=engineer_name(user),
        kind="text",
        text=render.plain(text),
        file_id=None,
        media_group_id=None,
        source_chat_id=message.chat.id,
        source_message_id=message.message_id,
        now=unit.desk.clock.now(),
        delivered="sent",
    )


async def tell_client(unit: Unit, ticket: Ticket, key: str, **values: object) -> None:
    """A status message to the ticket's client, in their language, linked to the ticket and
    kept in its history."""
    client = await repo.get_client(unit.session, client_id=ticket.client_id)
    assert client is not None
    text = t(client.language, key, number=format_number(ticket.number), **values)
    await tell(unit, client, ticket, text)


async def _allowed_or_explain(
    unit: Unit, ticket: Ticket, action: Action, message: Message
) -> Outcome | None:
    """The status change `action` makes, or None after telling the engineer it is not allowed
    in the ticket's status."""
    try:
        return apply(Status(ticket.status), action)
    except TransitionError:
        lang = unit.desk.op_lang
        await unit.out.answer(
            message,
            t(
                lang,
                "op.not_allowed",
                number=format_number(ticket.number),
                status=render.status_label(lang, ticket.status, staff=True),
            ),
            ticket_id=ticket.id,
        )
        return None


async def _transition(
    unit: Unit, ticket: Ticket, action: Action, message: Message
) -> Ticket | None:
    """Applies a status action in the unit, or explains in the thread why it is not possible."""
    desk = unit.desk
    row = await repo.get_ticket(unit.session, ticket_id=ticket.id)
    assert row is not None
    outcome = await _allowed_or_explain(unit, row, action, message)
    if outcome is None:
        return None
    user = message.from_user
    now = desk.clock.now()
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
    return row


async def take(update: Update, context: DeskContext) -> None:
    """/take: assigns the ticket to the engineer and tells the client."""
    message = update.effective_message
    assert message is not None
    desk = context.desk
    found = await find_ticket(desk, message)
    async with desk.unit() as unit:
        ticket = await _ticket_or_explain(unit, message, found)
        if ticket is None:
            return
        user = message.from_user
        if (
            user is not None
            and ticket.assignee_id == user.id
            and ticket.status == Status.IN_PROGRESS
        ):
            await unit.out.answer(
                message,
                t(desk.op_lang, "op.already_yours", number=format_number(ticket.number)),
                ticket_id=ticket.id,
            )
            return
        updated = await _transition(unit, ticket, Action.TAKE, message)
        if updated is None:
            return
        name = engineer_name(user)
        number = format_number(updated.number)
        await _event(
            unit, updated, t(desk.op_lang, "op.taken", engineer=name, number=number), user, message
        )
        # The topic's title now shows 🟡 and the engineer; the command gets a reaction.
        await unit.out.react(message.chat.id, message.message_id, "👍")
        await unit.out.refresh(updated.id, card=not desk.forum)
        await tell_client(unit, updated, "client.taken", engineer=name)


async def close(update: Update, context: DeskContext) -> None:
    """/close: closes the ticket and tells the client (who is asked to rate it)."""
    message = update.effective_message
    assert message is not None
    desk = context.desk
    found = await find_ticket(desk, message)
    async with desk.unit() as unit:
        ticket = await _ticket_or_explain(unit, message, found)
        if ticket is None:
            return
        updated = await _transition(unit, ticket, Action.CLOSE, message)
        if updated is None:
            return
        name = engineer_name(message.from_user)
        notice = t(desk.op_lang, "op.closed", engineer=name, number=format_number(updated.number))
        await _event(unit, updated, notice, message.from_user, message)
        client = await repo.get_client(unit.session, client_id=updated.client_id)
        if client is not None and client.active_ticket_id == updated.id:
            client.active_ticket_id = None
        await unit.out.react(message.chat.id, message.message_id, "👍")
        await close_thread(unit, updated.id)
        await tell_client(unit, updated, "client.closed")
        from bot.handlers.lifecycle import ask_rating

        await ask_rating(unit, updated)


async def close_thread(unit: Unit, ticket_id: int) -> None:
    """The ticket was closed: its topic is closed too (the lock says so, and replaces a
    rename to the closed colour: the group's budget is spent once); without topics the
    header card shows the new status."""
    await unit.out.refresh(ticket_id, title=False)
    await unit.out.topic_state(ticket_id, closed=True)


async def open_thread_again(unit: Unit, ticket_id: int) -> None:
    """The ticket was reopened: its topic opens (before anything more is said in it) and
    its title and card follow the new status."""
    await unit.out.topic_state(ticket_id, closed=False)
    await unit.out.refresh(ticket_id)


#: ``/reopen 1042`` (or ``#1042``): the ticket named by its number.
NUMBER_ARGUMENT = re.compile(r"^#?(\d{1,12})$")


async def reopen(update: Update, context: DeskContext) -> None:
    """/reopen: puts a closed ticket back in work and tells the client. ``/reopen 1042``
    works from General too, where engineers who are not admins can still write once the
    ticket's topic is closed."""
    message = update.effective_message
    assert message is not None
    desk = context.desk
    args = context.args or []
    named = NUMBER_ARGUMENT.match(args[0]) if len(args) == 1 else None
    found = await find_ticket(desk, message) if named is None else None
    async with desk.unit() as unit:
        if named is not None:
            found = await repo.ticket_by_number(unit.session, number=int(named.group(1)))
            if found is None or found.operator_chat_id != message.chat.id:
                await unit.out.answer(
                    message, t(desk.op_lang, "op.no_such_ticket", number=f"#{named.group(1)}")
                )
                return
        elif found is None:
            await unit.out.answer(message, t(desk.op_lang, "op.reopen_usage"))
            return
        ticket = await _ticket_or_explain(unit, message, found)
        if ticket is None:
            return
        updated = await _transition(unit, ticket, Action.REOPEN, message)
        if updated is None:
            return
        name = engineer_name(message.from_user)
        notice = t(
            desk.op_lang, "op.reopened", engineer=name, number=format_number(updated.number)
        )
        await _event(unit, updated, notice, message.from_user, message)
        await unit.out.react(message.chat.id, message.message_id, "👍")
        await open_thread_again(unit, updated.id)
        await tell_client(unit, updated, "client.reopened")


async def _offer(update: Update, context: DeskContext, key: str, keyboard: Any) -> None:
    message = update.effective_message
    assert message is not None
    found = await find_ticket(context.desk, message)
    async with context.desk.unit() as unit:
        ticket = await _ticket_or_explain(unit, message, found)
        if ticket is None:
            return
        lang = context.desk.op_lang
        await unit.out.answer(
            message,
            t(lang, key, number=format_number(ticket.number)),
            ticket_id=ticket.id,
            markup=keyboard(lang, ticket),
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
        answer(desk, query)
        return
    field, ticket_id, value = parts[1], int(parts[2]), parts[3]
    valid = TicketType._value2member_map_ if field == "type" else Priority._value2member_map_
    if field not in ("type", "prio") or value not in valid:
        answer(desk, query)
        return
    user = query.from_user
    async with desk.unit() as unit:
        ticket = await repo.get_ticket(unit.session, ticket_id=ticket_id)
        if ticket is None or ticket.operator_chat_id != desk.operator_chat_id:
            ticket = None
        else:
            action = Action.SET_TYPE if field == "type" else Action.SET_PRIORITY
            try:
                apply(Status(ticket.status), action)
            except TransitionError:
                ticket = None
        if ticket is None:
            answer(desk, query, t(lang, "op.no_ticket"), alert=True)
            return
        if field == "type":
            changed = ticket.type != value
            ticket.type = value
        else:
            changed = ticket.priority != value
            ticket.priority = value
        ticket.updated_at = desk.clock.now()
        deadlines.replan(ticket, desk.calendar, desk.settings.sla_table, ticket.updated_at)
        answer(desk, query)
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
        if isinstance(message, Message):
            # The prompt with the buttons becomes the answer: one edit, no new message.
            await unit.out.edit_group(message.message_id, notice, ticket_id=ticket.id)
        if not changed:
            return
        assert isinstance(message, Message)
        await _event(unit, ticket, notice, user, message)
        await unit.out.refresh(ticket.id)
        client = await repo.get_client(unit.session, client_id=ticket.client_id)
        assert client is not None
        if field == "type":
            key = (
                "client.type_changed_paid" if TicketType(value).is_paid else "client.type_changed"
            )
            await tell_client(unit, ticket, key, type=render.type_label(client.language, value))
        else:
            await tell_client(
                unit,
                ticket,
                "client.priority_changed",
                priority=render.priority_label(client.language, value),
            )


async def info(update: Update, context: DeskContext) -> None:
    """/info: the ticket's card and a count of its correspondence."""
    message = update.effective_message
    assert message is not None
    desk = context.desk
    lang = desk.op_lang
    found = await find_ticket(desk, message)
    async with desk.unit() as unit:
        ticket = await _ticket_or_explain(unit, message, found)
        if ticket is None:
            return
        client = await repo.get_client(unit.session, client_id=ticket.client_id)
        rows = list(await repo.history(unit.session, ticket_id=ticket.id))
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
        await unit.out.answer(message, f"{card}\n\n{counts}", ticket_id=ticket.id)


def _after_command(text: str | None) -> str:
    """Everything after the command word, line breaks kept."""
    if not text:
        return ""
    _, _, rest = text.partition(" ")
    if "\n" in text.split(" ", 1)[0]:
        _, _, rest = text.partition("\n")
    return rest.strip()


async def note(update: Update, context: DeskContext) -> None:
    """/note text: an internal note, stored with the ticket, never sent to the client."""
    message = update.effective_message
    assert message is not None
    await _store_note(context.desk, message, _after_command(message.text))


async def _store_note(desk: Desk, message: Message, text: str) -> None:
    """Stores a note (a text, or a file with its caption) and acknowledges it with ✍."""
    info_ = relay.describe_message(message)
    found = await find_ticket(desk, message)
    async with desk.unit() as unit:
        ticket = await _ticket_or_explain(unit, message, found)
        if ticket is None:
            return
        if not text and info_.kind == "text":
            await unit.out.answer(message, t(desk.op_lang, "op.note_empty"), ticket_id=ticket.id)
            return
        await repo.add_ticket_message(
            unit.session,
            ticket_id=ticket.id,
            direction="note",
            author_id=message.from_user.id if message.from_user else None,
            author_name=engineer_name(message.from_user),
            kind=info_.kind,
            text=text,
            file_id=info_.file_id,
            media_group_id=info_.media_group_id,
            source_chat_id=message.chat.id,
            source_message_id=message.message_id,
            now=desk.clock.now(),
            delivered="sent",
        )
        await unit.out.react(message.chat.id, message.message_id, "✍")


async def unknown_command(update: Update, context: DeskContext) -> None:
    """A command the bot does not know, in a ticket's thread: not relayed, and said so."""
    message = update.effective_message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return
    desk = context.desk
    ticket = await find_ticket(desk, message)
    if ticket is None:
        return  # staff chatter about other bots' commands in General
    async with desk.unit() as unit:
        await unit.out.answer(message, t(desk.op_lang, "op.unknown_command"), ticket_id=ticket.id)


async def on_group_message(update: Update, context: DeskContext) -> None:
    """An engineer's message in a ticket's topic (or a reply to a ticket's message, or one
    starting with ``#1042`` in General): stored and queued for the client."""
    message = update.effective_message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return
    if message.forum_topic_created or message.forum_topic_edited or message.new_chat_members:
        return
    desk = context.desk
    command = command_of(message.caption)
    if command is not None and message.text is None:
        # A file whose caption is a command: never relayed. /note keeps the file as a note.
        if command == "note":
            await _store_note(desk, message, _after_command(message.caption))
            return
        ticket = await find_ticket(desk, message)
        if ticket is not None:
            async with desk.unit() as unit:
                await unit.out.answer(
                    message, t(desk.op_lang, "op.caption_command"), ticket_id=ticket.id
                )
        return
    ticket = await find_ticket(desk, message)
    stripped = False
    if ticket is None:
        ticket, stripped, explained = await _numbered_ticket(desk, message)
        if explained:
            return
    if ticket is None:
        if _addresses_the_bot(desk, message):
            # A reply to the bot that belongs to no ticket: say so rather than drop it.
            async with desk.unit() as unit:
                await unit.out.answer(message, t(desk.op_lang, "op.not_a_ticket_reply"))
        # Otherwise staff chatter in the General topic or not replying to a ticket.
        return
    await _relay_answer(desk, message, ticket, strip_number=stripped)


async def _numbered_ticket(desk: Desk, message: Message) -> tuple[Ticket | None, bool, bool]:
    """A message outside any topic that names a ticket: ``#1042 text``, or a reply to a "new
    tickets" message that lists one ticket. Returns (ticket, number to strip, explained)."""
    text = message.text or message.caption or ""
    match = NUMBERED.match(text)
    reply = message.reply_to_message
    numbered: Ticket | None = None
    listed: list[Ticket] = []
    async with desk.tx() as session:
        if reply is not None:
            ids = (
                await session.execute(
                    select(TicketPreview.ticket_id).where(
                        TicketPreview.chat_id == message.chat.id,
                        TicketPreview.message_id == reply.message_id,
                    )
                )
            ).scalars()
            for ticket_id in ids:
                found = await repo.get_ticket(session, ticket_id=ticket_id)
                if found is not None:
                    listed.append(found)
        if match is not None:
            numbered = await repo.ticket_by_number(session, number=int(match.group(1)))
            if numbered is not None and numbered.operator_chat_id != message.chat.id:
                numbered = None
    if match is not None:
        if numbered is not None:
            return numbered, True, False
        if not listed:
            return None, False, False  # "#5 items" in staff chatter: not for us
        async with desk.unit() as unit:
            await unit.out.answer(
                message, t(desk.op_lang, "op.no_such_ticket", number=f"#{match.group(1)}")
            )
        return None, False, True
    if len(listed) == 1:
        return listed[0], False, False
    if listed:
        numbers = ", ".join(format_number(ticket.number) for ticket in listed)
        async with desk.unit() as unit:
            await unit.out.answer(message, t(desk.op_lang, "op.preview_which", numbers=numbers))
        return None, False, True
    return None, False, False


async def _relay_answer(
    desk: Desk, message: Message, ticket: Ticket, *, strip_number: bool
) -> None:
    """Stores the engineer's message and queues its copy for the client."""
    assert message.from_user is not None
    info_ = relay.describe_message(message)
    now = desk.clock.now()
    async with desk.unit() as unit:
        row = await repo.add_ticket_message(
            unit.session,
            ticket_id=ticket.id,
            direction="out",
            author_id=message.from_user.id,
            author_name=engineer_name(message.from_user),
            kind=info_.kind,
            text=NUMBERED.sub("", info_.text, count=1) if strip_number else info_.text,
            file_id=info_.file_id,
            media_group_id=info_.media_group_id,
            source_chat_id=message.chat.id,
            source_message_id=message.message_id,
            now=now,
        )
        row.html = NUMBERED.sub("", info_.html, count=1) if strip_number else info_.html
        fresh = await repo.get_ticket(unit.session, ticket_id=ticket.id)
        assert fresh is not None
        fresh.updated_at = now
        deadlines.responded(fresh, now)
        if fresh.status != Status.CLOSED:
            # The ticket the client last got an answer in becomes their active one.
            client = await repo.get_client(unit.session, client_id=fresh.client_id)
            if client is not None:
                client.active_ticket_id = fresh.id
        if info_.media_group_id and not strip_number:
            await unit.out.relay_to_client(
                ticket_id=ticket.id, client_id=fresh.client_id, album=info_.media_group_id
            )
        else:
            # "#1042 text" from General: the client gets the text without the number.
            await unit.out.relay_to_client(
                ticket_id=ticket.id, client_id=fresh.client_id, rows=[row.id], as_text=strip_number
            )


async def set_organization(update: Update, context: DeskContext) -> None:
    """/org <name>: records the client's organization (shown in titles, used to pick the
    manager who hears about late tickets)."""
    message = update.effective_message
    assert message is not None
    desk = context.desk
    found = await find_ticket(desk, message)
    async with desk.unit() as unit:
        ticket = await _ticket_or_explain(unit, message, found)
        if ticket is None:
            return
        name = one_line((message.text or "").partition(" ")[2])[:200]
        if not name:
            await unit.out.answer(message, t(desk.op_lang, "op.org_usage"), ticket_id=ticket.id)
            return
        client = await repo.get_client(unit.session, client_id=ticket.client_id)
        assert client is not None
        client.organization = name
        await unit.out.answer(
            message,
            t(desk.op_lang, "op.org_set", client=client.display_name, org=name),
            ticket_id=ticket.id,
        )
        await unit.out.refresh(ticket.id)


async def resend(update: Update, context: DeskContext) -> None:
    """``o:resend:<record>``: an engineer sends again a message whose delivery to the client
    is unknown, knowing the client may then have it twice."""
    query = update.callback_query
    assert query is not None and query.data is not None
    desk = context.desk
    parts = query.data.split(":")
    if len(parts) != 3 or not parts[2].isdigit():
        answer(desk, query)
        return
    async with desk.unit() as unit:
        original = await records.get(unit.session, record_id=int(parts[2]))
        if (
            original is None
            or original.chat_id <= 0
            or original.state not in ("unknown", "failed")
            or original.reported is False
        ):
            answer(desk, query, t(desk.op_lang, "op.resend_gone"), alert=True)
            return
        original.state = "dropped"  # a button pressed twice sends it once
        original.error = f"resent by {engineer_name(query.from_user)}"
        params = {k: v for k, v in json.loads(original.params).items() if k != "_repeat"}
        if original.method == RELAY_OUT:
            row_ids = params.get("rows") or []
            for row in await repo.messages_by_ids(unit.session, ids=row_ids):
                if row.delivered != "sent":
                    row.delivered = "pending"
        await records.add(
            unit.session,
            lane=original.lane,
            chat_id=original.chat_id,
            method=original.method,
            params=params,
            purpose=original.purpose,
            priority=original.priority,
            on_unknown=original.on_unknown,
            ticket_id=original.ticket_id,
            now=datetime.now(UTC),
        )
        unit.out.count += 1
        answer(desk, query, t(desk.op_lang, "op.resent", engineer=engineer_name(query.from_user)))
        if query.message is not None:
            await unit.out.edit_group(
                query.message.message_id,
                (query.message.text_html if isinstance(query.message, Message) else "")
                + "\n\n"
                + t(desk.op_lang, "op.resent", engineer=engineer_name(query.from_user)),
                ticket_id=original.ticket_id,
            )
