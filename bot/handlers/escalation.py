"""The client's buttons on a ticket card ("No answer?", "Raise priority") and the engineers'
decision on a request to raise a ticket's priority. The rules and the deadline sweeps are in
``bot/service/escalation.py`` and ``bot/service/sweeps.py``."""

from __future__ import annotations

from telegram import Update

from bot import callbacks as cb
from bot.context import DeskContext
from bot.handlers.common import answer, client_press, origin_of_press, own_ticket
from bot.service import escalation
from bot.service.escalation import CardButton


async def client_card_buttons(update: Update, context: DeskContext) -> None:
    """``e:late`` (No answer?) and ``e:raise`` (ask for a higher priority)."""
    desk = context.desk
    press = await client_press(update, desk, cb.parse_escalation)
    if press is None:
        return
    ticket = await own_ticket(desk, press, press.data.ticket_id)
    if ticket is None:
        return
    answer(desk, press.query)
    await escalation.card_button(desk, press.client, ticket, CardButton(press.data.action.value))


async def decide_raise(update: Update, context: DeskContext) -> None:
    """``o:raise:<id>:y|n``: an engineer accepts or declines a priority request."""
    query = update.callback_query
    assert query is not None and query.data is not None
    desk = context.desk  # pressed in the operator group: see bot/app.py
    press = cb.parse_raise(query.data)
    if press is None:
        answer(desk, query)
        return
    answer(desk, query)
    await escalation.decide_raise(
        desk, origin_of_press(query), request_id=press.request_id, accept=press.accept
    )
