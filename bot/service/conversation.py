"""A client's message in their private chat, routed: the reason for a priority request, the
rating's comment, the ticket it replies to, the draft, the active ticket, or the knowledge
base. Every message ends in a ticket or gets an answer."""

from __future__ import annotations

import asyncio

from bot.context import Desk
from bot.incoming import ClientMessage
from bot.service import escalation, knowledge, lifecycle, registration
from bot.service.relay import relay_to_ticket, reopen_or_continue
from desk.tickets import Status
from storage import repo
from storage.models import Client, Ticket


async def on_message(desk: Desk, client: Client, message: ClientMessage) -> None:
    """Routes a client's message: the draft, the ticket it replies to, the active ticket,
    or a new registration."""
    if client.pending_raise_ticket_id is not None and message.text:
        # The client asked to raise a ticket's priority: this message is the reason.
        if await escalation.take_raise_reason(desk, client, message.text):
            return
    if client.comment_ticket_id is not None:
        # The client just rated a ticket: this message is the rating's comment.
        if await lifecycle.take_comment(desk, client, message):
            return
    replied = await _replied_ticket(desk, client, message)
    async with desk.tx() as session:
        draft = await repo.get_draft(session, client_id=client.id)
        target: Ticket | None = None
        if replied is not None and replied.status != Status.CLOSED:
            target = replied
        elif draft is None and replied is None:
            if client.active_ticket_id is not None:
                active = await repo.get_ticket(session, ticket_id=client.active_ticket_id)
                if (
                    active is not None
                    and active.status != Status.CLOSED
                    and active.client_id == client.id
                ):
                    target = active
        open_now = await repo.open_tickets(session, client_id=client.id)
        if draft is None and replied is None and target is None:
            target = open_now[0] if open_now else None
        open_count = len(open_now) if target else 0
    if target is not None:
        async with desk.unit() as unit:
            await relay_to_ticket(unit, client, target, message, announce=open_count > 1)
        return
    if draft is not None:
        await registration.on_message(desk, client, message)
        return
    if replied is not None:
        # A reply to a closed ticket: a comment on its rating, or the client reopens it
        # (within the window) or continues it in a new ticket.
        async with desk.unit() as unit:
            if replied.csat_message_id is not None and message.reply_to == replied.csat_message_id:
                await lifecycle.save_comment(unit, client, replied, message)
                return
            await reopen_or_continue(unit, client, replied, message=message)
        return
    # No ticket to go to: the knowledge base answers first.
    await knowledge.answer_question(
        desk,
        client,
        message_id=message.message_id,
        text=message.words,
        message=message.content,
        attachment=message.attachment,
    )


async def _replied_ticket(desk: Desk, client: Client, message: ClientMessage) -> Ticket | None:
    """The client's own ticket that the message replies to, if any.

    A reply to a bot message not linked yet is looked up once more a moment later: the
    bot records a message's link right after Telegram accepts it.
    """
    if message.reply_to is None:
        return None
    for attempt in range(2):
        async with desk.tx() as session:
            ticket = await repo.ticket_for_message(
                session, chat_id=client.id, message_id=message.reply_to
            )
        if ticket is not None:
            return ticket if ticket.client_id == client.id else None
        if attempt == 0 and message.reply_to_bot:
            await asyncio.sleep(0.3)
    return None
