"""Engineers' internal notes: stored with the ticket, never sent to the client."""

from __future__ import annotations

from bot.context import Desk
from bot.incoming import Incoming
from bot.service.lookup import find_ticket, ticket_or_explain
from bot.service.origin import Origin
from bot.texts import t
from storage import repo


async def add_note(desk: Desk, origin: Origin, text: str, message: Incoming) -> None:
    """/note text (or a file captioned ``/note …``): stores the note, the file kept with it,
    and acknowledges it with ✍."""
    found = await find_ticket(desk, origin)
    async with desk.unit() as unit:
        ticket = await ticket_or_explain(unit, origin, found)
        if ticket is None:
            return
        if not text and message.kind == "text":
            await unit.out.answer_to(origin, t(desk.op_lang, "op.note_empty"), ticket_id=ticket.id)
            return
        await repo.add_ticket_message(
            unit.session,
            ticket_id=ticket.id,
            direction="note",
            author_id=origin.user_id,
            author_name=origin.name,
            kind=message.kind,
            text=text,
            file_id=message.file_id,
            media_group_id=message.media_group_id,
            source_chat_id=origin.chat_id,
            source_message_id=origin.message_id,
            now=desk.clock.now(),
            delivered="sent",
        )
        await unit.out.react(origin.chat_id, origin.message_id, "✍")
