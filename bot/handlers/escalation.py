"""The client's buttons on a ticket card ("No answer?", "Raise priority") and the engineers'
decision on a request to raise a ticket's priority. The rules and the deadline sweeps are in
``bot/service/escalation.py`` and ``bot/service/sweeps.py``."""

from __future__ import annotations

from telegram import Update

from bot.context import DeskContext
from bot.handlers.common import answer, client_press, origin_of_press, own_ticket
from bot.service import escalation
from bot.service.escalation import CardButton


async def client_card_buttons(update: Update, context: DeskContext) -> None:
    """``e:late`` (No answer?) and ``e:raise`` (ask for a higher priority)."""
    desk = context.desk
    press = await client_press(update, desk)
    if press is None:
        return
    ticket = await own_ticket(desk, press)
    if ticket is None:
        return
    answer(desk, press.query)
    if press.action in CardButton._value2member_map_:
        await escalation.card_button(desk, press.client, ticket, CardButton(press.action))


async def decide_raise(update: Update, context: DeskContext) -> None:
    """``o:raise:<id>:y|n``: an engineer accepts or declines a priority request."""
    query = update.callback_query
    assert query is not None and query.data is not None
    desk = context.desk  # pressed in the operator group: see bot/app.py
    parts = query.data.split(":")
    if len(parts) != 4 or not parts[2].isdigit() or parts[3] not in ("y", "n"):
        answer(desk, query)
        return
    answer(desk, query)
    await escalation.decide_raise(
        desk, origin_of_press(query), request_id=int(parts[2]), accept=parts[3] == "y"
    )
