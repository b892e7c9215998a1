"""The operator group: engineers answer clients and run the ticket's commands.

Everything here acts only for updates from the configured operator group; the handlers are
registered with a chat filter, and callback buttons are checked again when pressed. Each
handler reads its update and calls one use case (``bot/service/``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from telegram import CallbackQuery, Message, Update

from bot import callbacks as cb
from bot import incoming
from bot.context import Desk, DeskContext
from bot.handlers.common import (
    after_command,
    answer,
    command_of,
    origin_of,
    origin_of_press,
    role_of,
)
from bot.service import answers, hours, notes, tickets
from bot.service.tickets import Field
from bot.texts import t
from desk.roles import Privilege, may
from desk.tickets import TicketType

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
    "time",
    "article",
    "kbstats",
    "kbreload",
    "announce",
)


def _message(update: Update) -> Message:
    message = update.effective_message
    assert message is not None
    return message


def _press(
    update: Update, desk: Desk, parse: Callable[[str], int | None]
) -> tuple[CallbackQuery, int] | None:
    """A pressed button's query and the id its data names (`parse` is one of
    bot/callbacks.py's parsers); None, the press answered, for data it refuses or a press
    whose message Telegram did not send."""
    query = update.callback_query
    assert query is not None and query.data is not None
    value = parse(query.data)
    if value is None or query.message is None:
        answer(desk, query)
        return None
    return query, value


async def take(update: Update, context: DeskContext) -> None:
    """/take: assigns the ticket to the engineer and tells the client."""
    await tickets.take(context.desk, origin_of(context.desk, _message(update)))


async def close(update: Update, context: DeskContext) -> None:
    """/close: closes the ticket and tells the client (who is asked to rate it)."""
    await tickets.close(context.desk, origin_of(context.desk, _message(update)))


#: ``/reopen 1042`` (or ``#1042``): the ticket named by its number.
NUMBER_ARGUMENT = re.compile(r"^#?(\d{1,12})$")


async def reopen(update: Update, context: DeskContext) -> None:
    """/reopen: puts a closed ticket back in work and tells the client; ``/reopen 1042``
    names the ticket (from General, where a closed topic's engineers can still write)."""
    args = context.args or []
    named = NUMBER_ARGUMENT.match(args[0]) if len(args) == 1 else None
    await tickets.reopen(
        context.desk,
        origin_of(context.desk, _message(update)),
        number=int(named.group(1)) if named else None,
    )


async def ask_type(update: Update, context: DeskContext) -> None:
    """/type: offers the ticket types as buttons."""
    await tickets.offer_choice(context.desk, origin_of(context.desk, _message(update)), Field.TYPE)


async def ask_priority(update: Update, context: DeskContext) -> None:
    """/priority: offers the priorities as buttons."""
    await tickets.offer_choice(
        context.desk, origin_of(context.desk, _message(update)), Field.PRIORITY
    )


async def set_field(update: Update, context: DeskContext) -> None:
    """``o:type`` and ``o:prio`` buttons: changes the field and tells the client."""
    query = update.callback_query
    assert query is not None and query.data is not None
    desk = context.desk  # pressed in the operator group: see bot/app.py
    press = cb.parse_field(query.data)
    if press is None:
        answer(desk, query)
        return
    field = Field.TYPE if isinstance(press.value, TicketType) else Field.PRIORITY
    changed = await tickets.change_field(
        desk, origin_of_press(query), ticket_id=press.ticket_id, field=field, value=press.value
    )
    if changed:
        answer(desk, query)
    else:
        answer(desk, query, t(desk.op_lang, "op.no_ticket"), alert=True)


async def info(update: Update, context: DeskContext) -> None:
    """/info: the ticket's card and a count of its correspondence."""
    await tickets.info(context.desk, origin_of(context.desk, _message(update)))


async def note(update: Update, context: DeskContext) -> None:
    """/note text: an internal note, stored with the ticket, never sent to the client."""
    message = _message(update)
    await notes.add_note(
        context.desk,
        origin_of(context.desk, message),
        after_command(message.text),
        incoming.describe_message(message),
    )


async def unknown_command(update: Update, context: DeskContext) -> None:
    """A command the bot does not know, in a ticket's thread: not relayed, and said so."""
    message = update.effective_message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return
    await answers.unknown_command(context.desk, origin_of(context.desk, message))


async def on_group_message(update: Update, context: DeskContext) -> None:
    """An engineer's message in a ticket's topic (or a reply to a ticket's message, or one
    starting with ``#1042`` in General): stored and queued for the client."""
    message = update.effective_message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return
    if message.forum_topic_created or message.forum_topic_edited or message.new_chat_members:
        return
    desk = context.desk
    origin = origin_of(desk, message)
    command = command_of(message.caption)
    if command is not None and message.text is None:
        # A file whose caption is a command: never relayed. /note keeps the file as a note.
        if command == "note":
            await notes.add_note(
                desk, origin, after_command(message.caption), incoming.describe_message(message)
            )
        else:
            await answers.refuse_caption_command(desk, origin)
        return
    await answers.answer_client(
        desk,
        origin,
        incoming.describe_message(message),
        text=message.text or message.caption or "",
    )


async def resend(update: Update, context: DeskContext) -> None:
    """``o:resend:<record>``: an engineer sends again a message whose delivery to the client
    is unknown, knowing the client may then have it twice."""
    desk = context.desk  # pressed in the operator group: see bot/app.py
    pressed = _press(update, desk, cb.parse_resend)
    if pressed is None:
        return
    query, record_id = pressed
    assert query.message is not None
    origin = origin_of_press(query)
    notice = query.message.text_html if isinstance(query.message, Message) else ""
    if await answers.resend(desk, origin, record_id=record_id, notice_html=notice):
        answer(desk, query, t(desk.op_lang, "op.resent", engineer=origin.name))
    else:
        answer(desk, query, t(desk.op_lang, "op.resend_gone"), alert=True)


async def log_time(update: Update, context: DeskContext) -> None:
    """/time 1h30m [date] [comment]: logs time on the ticket; /time alone lists its entries."""
    message = _message(update)
    await hours.log_time(
        context.desk, origin_of(context.desk, message), after_command(message.text)
    )


async def delete_time(update: Update, context: DeskContext) -> None:
    """``o:time:del:<entry>``: deletes a time entry, the presser's own (an admin's: any)."""
    desk = context.desk  # pressed in the operator group: see bot/app.py
    pressed = _press(update, desk, cb.parse_time_delete)
    if pressed is None:
        return
    query, entry_id = pressed
    assert query.message is not None
    admin = may(role_of(desk, query.from_user, query.message.chat), Privilege.ANY_TIME_ENTRY)
    result = await hours.delete_time(desk, origin_of_press(query), entry_id=entry_id, admin=admin)
    answer(desk, query, result.text, alert=result.alert)
