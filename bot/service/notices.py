"""What the client is told about their ticket, kept in its history as the client read it."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot import render
from bot.context import Unit
from storage import repo
from storage.models import Client, Ticket


async def tell(
    unit: Unit,
    client: Client,
    ticket: Ticket,
    text: str,
    *,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Tells the client something about their ticket (`text` in the client's language) and
    keeps it in the ticket's history as the client read it."""
    await remember_told(unit, client, ticket, text)
    await unit.out.message(client.id, text, markup=markup, ticket_id=ticket.id, purpose="status")


async def remember_told(unit: Unit, client: Client, ticket: Ticket, text: str) -> None:
    """Keeps a notice the client gets in the ticket's history (see :func:`tell`)."""
    await repo.add_notice(
        unit.session,
        ticket_id=ticket.id,
        client_id=client.id,
        text=render.plain(text),
        now=unit.desk.clock.now(),
    )
