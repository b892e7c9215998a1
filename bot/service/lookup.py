"""Finding the ticket a message in the operator group is about."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import Desk, Unit
from bot.logs import bind_ticket
from bot.service.origin import Origin
from bot.texts import t
from desk.tickets import format_number
from storage import repo
from storage.models import Ticket

#: A message in General (or replying to a "new tickets" message) that starts with a ticket's
#: number goes to that ticket.
NUMBERED = re.compile(r"^\s*#(\d{1,12})\b[\s:,.\-—]*")


async def find_ticket(desk: Desk, origin: Origin) -> Ticket | None:
    """The ticket a group message belongs to: its topic, or the message it replies to.

    A message in a topic or a reply to the bot that is not known yet is looked up once more
    a moment later: the bot may still be recording the topic or the message it just sent.
    """
    ticket = await _lookup(desk, origin)
    if ticket is None and (origin.thread_id is not None or origin.replies_to_bot):
        await asyncio.sleep(0.3)
        ticket = await _lookup(desk, origin)
    if ticket is not None:
        bind_ticket(ticket.number)
    return ticket


async def _lookup(desk: Desk, origin: Origin) -> Ticket | None:
    async with desk.tx() as session:
        if origin.thread_id:
            ticket = await repo.ticket_by_topic(
                session, chat_id=origin.chat_id, topic_id=origin.thread_id
            )
            if ticket is not None:
                return ticket
        if origin.reply_to is not None:
            return await repo.ticket_for_message(
                session, chat_id=origin.chat_id, message_id=origin.reply_to
            )
    return None


async def ticket_numbered(session: AsyncSession, origin: Origin, number: int) -> Ticket | None:
    """The ticket with this number, if it belongs to the group `origin` is in."""
    ticket = await repo.ticket_by_number(session, number=number)
    if ticket is None or ticket.operator_chat_id != origin.chat_id:
        return None
    bind_ticket(ticket.number)
    return ticket


async def ticket_or_explain(unit: Unit, origin: Origin, found: Ticket | None) -> Ticket | None:
    """The ticket a command is about (looked up before the unit with :func:`find_ticket`),
    fresh in the unit; or None after saying where commands work."""
    if found is None:
        await unit.out.answer_to(origin, t(unit.desk.op_lang, "op.no_ticket"))
        return None
    return await repo.get_ticket(unit.session, ticket_id=found.id)


@dataclass(frozen=True)
class Named:
    """The ticket a message outside any topic names, if any."""

    ticket: Ticket | None = None
    #: The message starts with the ticket's number, which the client should not get.
    numbered: bool = False
    #: The engineer was told why the message goes nowhere (an unknown number, or a "new
    #: tickets" message that lists several).
    explained: bool = False


async def named_ticket(desk: Desk, origin: Origin, text: str) -> Named:
    """A message outside any topic that names a ticket: ``#1042 text``, or a reply to a "new
    tickets" message that lists one ticket."""
    match = NUMBERED.match(text)
    numbered: Ticket | None = None
    listed: list[Ticket] = []
    async with desk.tx() as session:
        if origin.reply_to is not None:
            listed = list(
                await repo.previewed_tickets(
                    session, chat_id=origin.chat_id, message_id=origin.reply_to
                )
            )
        if match is not None:
            numbered = await ticket_numbered(session, origin, int(match.group(1)))
    if match is not None:
        if numbered is not None:
            return Named(numbered, numbered=True)
        if not listed:
            return Named()  # "#5 items" in staff chatter: not for us
        async with desk.unit() as unit:
            await unit.out.answer_to(
                origin, t(desk.op_lang, "op.no_such_ticket", number=f"#{match.group(1)}")
            )
        return Named(explained=True)
    if len(listed) == 1:
        return Named(listed[0])
    if listed:
        numbers = ", ".join(format_number(ticket.number) for ticket in listed)
        async with desk.unit() as unit:
            await unit.out.answer_to(origin, t(desk.op_lang, "op.preview_which", numbers=numbers))
        return Named(explained=True)
    return Named()
