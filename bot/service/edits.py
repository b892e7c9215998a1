"""Edits of relayed messages: the copy on the other side is edited too.

A copy not yet sent needs nothing: Telegram copies a message as it is when the copy is made.
A copy that cannot be edited (too old, a kind Telegram cannot edit, or part of a combined
message) is replaced by a notice with the new text, so a correction is never lost. An
engineer's answer that the client already has is never turned into a command or a note by an
edit: the client's copy stays as it was, and the engineer is told.
"""

from __future__ import annotations

import json

from bot.context import Desk, Unit
from bot.incoming import Incoming
from bot.outbox import RELAY_OUT
from bot.service import drafts
from bot.service.origin import Origin
from bot.texts import t
from storage import outbox as records
from storage import repo
from storage.models import Outgoing, TicketMessage


async def follow_edit(
    desk: Desk,
    origin: Origin,
    message: Incoming,
    *,
    private: bool,
    command: bool,
    note_text: str,
) -> None:
    """A client (`private`) or an engineer edited a message (`origin`, now carrying
    `message`): its stored text and its copy follow. `command`: the new text starts with a
    command, and `note_text` is what follows the command word."""
    async with desk.unit() as unit:
        if (
            private
            and origin.user_id is not None
            and await drafts.edit_item(unit, origin.user_id, origin.message_id, message)
        ):
            return  # a part of an unfinished description: the summary shows the new text
        row = await repo.message_by_source(
            unit.session, chat_id=origin.chat_id, message_id=origin.message_id
        )
        if row is None:
            return
        if row.direction == "note":
            row.text = message.text
            return
        if row.direction not in ("in", "out"):
            return
        if row.direction == "out" and command:
            await _refuse_command_edit(unit, row, origin, note_text)
            return
        row.text, row.html = message.text, message.html
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


async def _refuse_command_edit(
    unit: Unit, row: TicketMessage, origin: Origin, note_text: str
) -> None:
    """An answer edited into a command or a note: a copy not sent yet is held back and the
    message becomes a note; one the client may have already is left as it is."""
    pending = await _pending_record_of(unit, row)
    if pending is not None and await records.drop_pending(
        unit.session, ids=[pending.id], reason="edited into a command before it was sent"
    ):
        row.direction = "note"
        row.delivered = "sent"
        row.text = note_text
        await unit.out.react(origin.chat_id, origin.message_id, "✍")
        return
    await unit.out.answer_to(
        origin, t(unit.desk.op_lang, "op.edit_to_command"), ticket_id=row.ticket_id
    )


async def _pending_record_of(unit: Unit, row: TicketMessage) -> Outgoing | None:
    """The relay record that would send this row, while it has not left."""
    candidates = await records.pending_of_ticket(
        unit.session, ticket_id=row.ticket_id, method=RELAY_OUT
    )
    for record in candidates:
        params = json.loads(record.params)
        if row.id in (params.get("rows") or []) or (
            row.media_group_id and params.get("album") == row.media_group_id
        ):
            return record
    return None
