"""Engineers answer clients: a message in a ticket's topic, a reply to one of its messages,
or ``#1042 text`` from General is stored and copied to the client."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot import deadlines
from bot.context import Desk
from bot.incoming import Incoming
from bot.outbox import RELAY_OUT
from bot.service.lookup import NUMBERED, find_ticket, named_ticket
from bot.service.origin import Origin
from bot.service.people import engineer
from bot.texts import t
from desk.tickets import Status
from storage import outbox as records
from storage import repo
from storage.models import Ticket


async def answer_client(desk: Desk, origin: Origin, message: Incoming, *, text: str) -> None:
    """An engineer's message (`text` is its text or caption as written) that is not a
    command: relayed to the client of the ticket it belongs to. Staff chatter outside any
    ticket stays where it is; a reply to the bot that belongs to no ticket is answered."""
    ticket = await find_ticket(desk, origin)
    numbered = False
    if ticket is None:
        named = await named_ticket(desk, origin, text)
        if named.explained:
            return
        ticket, numbered = named.ticket, named.numbered
    if ticket is None:
        if origin.replies_to_bot:
            # A reply to the bot that belongs to no ticket: say so rather than drop it.
            async with desk.unit() as unit:
                await unit.out.answer_to(origin, t(desk.op_lang, "op.not_a_ticket_reply"))
        # Otherwise staff chatter in the General topic or not replying to a ticket.
        return
    await _relay(desk, origin, message, ticket, strip_number=numbered)


async def _relay(
    desk: Desk, origin: Origin, message: Incoming, ticket: Ticket, *, strip_number: bool
) -> None:
    """Stores the engineer's message and queues its copy for the client."""
    now = desk.clock.now()
    async with desk.unit() as unit:
        row = await repo.add_ticket_message(
            unit.session,
            ticket_id=ticket.id,
            direction="out",
            author_id=origin.user_id,
            author_name=origin.name,
            kind=message.kind,
            text=NUMBERED.sub("", message.text, count=1) if strip_number else message.text,
            file_id=message.file_id,
            media_group_id=message.media_group_id,
            source_chat_id=origin.chat_id,
            source_message_id=origin.message_id,
            now=now,
        )
        row.html = NUMBERED.sub("", message.html, count=1) if strip_number else message.html
        fresh = await repo.get_ticket(unit.session, ticket_id=ticket.id)
        assert fresh is not None
        fresh.updated_at = now
        deadlines.responded(fresh, now)
        if fresh.status != Status.CLOSED:
            # The ticket the client last got an answer in becomes their active one.
            client = await repo.get_client(unit.session, client_id=fresh.client_id)
            if client is not None:
                client.active_ticket_id = fresh.id
        if message.media_group_id and not strip_number:
            await unit.out.relay_to_client(
                ticket_id=ticket.id, client_id=fresh.client_id, album=message.media_group_id
            )
        else:
            # "#1042 text" from General: the client gets the text without the number.
            await unit.out.relay_to_client(
                ticket_id=ticket.id, client_id=fresh.client_id, rows=[row.id], as_text=strip_number
            )


async def refuse_caption_command(desk: Desk, origin: Origin) -> None:
    """A file whose caption is a command other than /note: never relayed; in a ticket's
    thread the engineer hears so."""
    ticket = await find_ticket(desk, origin)
    if ticket is not None:
        async with desk.unit() as unit:
            await unit.out.answer_to(
                origin, t(desk.op_lang, "op.caption_command"), ticket_id=ticket.id
            )


async def unknown_command(desk: Desk, origin: Origin) -> None:
    """A command the bot does not know, in a ticket's thread: not relayed, and said so."""
    ticket = await find_ticket(desk, origin)
    if ticket is None:
        return  # staff chatter about other bots' commands in General
    async with desk.unit() as unit:
        await unit.out.answer_to(
            origin, t(desk.op_lang, "op.unknown_command"), ticket_id=ticket.id
        )


async def resend(desk: Desk, origin: Origin, *, record_id: int, notice_html: str) -> bool:
    """🔁 Send again under a notice (`origin`, whose text is `notice_html`): an engineer sends
    again a message whose delivery to the client is unknown, knowing the client may then have
    it twice. False when there is nothing (any more) to send again."""
    async with desk.unit() as unit:
        original = await records.get(unit.session, record_id=record_id)
        if (
            original is None
            or original.chat_id <= 0
            or original.state not in ("unknown", "failed")
            or original.reported is False
        ):
            return False
        original.state = "dropped"  # a button pressed twice sends it once
        original.error = f"resent by {origin.name}"
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
        await unit.out.edit_group(
            origin.message_id,
            notice_html
            + "\n\n"
            + t(
                desk.op_lang,
                "op.resent",
                **await engineer(unit, origin),
            ),
            ticket_id=original.ticket_id,
        )
    return True
