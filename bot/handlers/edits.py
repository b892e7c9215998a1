"""Edits of relayed messages: the copy on the other side is edited too.

A copy not yet sent needs nothing: Telegram copies a message as it is when the copy is made.
A copy that cannot be edited (too old, a kind Telegram cannot edit, or part of a combined
message) is replaced by a notice with the new text, so a correction is never lost. An
engineer's answer that the client already has is never turned into a command or a note by an
edit: the client's copy stays as it was, and the engineer is told.
"""

from __future__ import annotations

import json
import logging

from sqlalchemy import select
from telegram import Message, Update

from bot import incoming
from bot.context import DeskContext, Unit
from bot.handlers import registration
from bot.handlers.operator import command_of
from bot.outbox import RELAY_OUT
from bot.texts import t
from storage import outbox as records
from storage import repo
from storage.models import Outgoing, TicketMessage

logger = logging.getLogger(__name__)


async def on_edit(update: Update, context: DeskContext) -> None:
    """A client or an engineer edited a message: its stored text and its copy follow."""
    message = update.edited_message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return
    desk = context.desk
    async with desk.unit() as unit:
        if message.chat.type == "private" and await registration.edit_item(
            unit, message.from_user.id, message
        ):
            return  # a part of an unfinished description: the summary shows the new text
        row = await repo.message_by_source(
            unit.session, chat_id=message.chat.id, message_id=message.message_id
        )
        if row is None:
            return
        info = incoming.describe_message(message)
        if row.direction == "note":
            row.text = info.text
            return
        if row.direction not in ("in", "out"):
            return
        if row.direction == "out" and command_of(message.text or message.caption) is not None:
            await _refuse_command_edit(unit, row, message)
            return
        row.text, row.html = info.text, info.html
        ticket = await repo.get_ticket(unit.session, ticket_id=row.ticket_id)
        assert ticket is not None
        # After the copy in its lane: a copy not made yet is made with the new text, and
        # then this edit changes nothing.
        to_client = row.direction == "out"
        await unit.out.follow_edit(
            ticket_id=ticket.id,
            row_id=row.id,
            to_client=to_client,
            chat_id=ticket.client_id if to_client else desk.operator_chat_id,
        )


async def _refuse_command_edit(unit: Unit, row: TicketMessage, message: Message) -> None:
    """An answer edited into a command or a note: a copy not sent yet is held back and the
    message becomes a note; one the client may have already is left as it is."""
    pending = await _pending_record_of(unit, row)
    if pending is not None and await records.drop_pending(
        unit.session, ids=[pending.id], reason="edited into a command before it was sent"
    ):
        row.direction = "note"
        row.delivered = "sent"
        text = message.text or message.caption or ""
        _, _, rest = text.partition(" ")
        row.text = rest.strip()
        await unit.out.react(message.chat.id, message.message_id, "✍")
        return
    await unit.out.answer(
        message, t(unit.desk.op_lang, "op.edit_to_command"), ticket_id=row.ticket_id
    )


async def _pending_record_of(unit: Unit, row: TicketMessage) -> Outgoing | None:
    """The relay record that would send this row, while it has not left."""
    candidates = (
        await unit.session.execute(
            select(Outgoing).where(
                Outgoing.method == RELAY_OUT,
                Outgoing.ticket_id == row.ticket_id,
                Outgoing.state == "pending",
            )
        )
    ).scalars()
    for record in candidates:
        params = json.loads(record.params)
        if row.id in (params.get("rows") or []) or (
            row.media_group_id and params.get("album") == row.media_group_id
        ):
            return record
    return None
