"""Registering a ticket: /new, /cancel and the dialogue's ``r:`` buttons. The use cases
are ``bot/service/registration.py`` (the steps and the ticket) and ``bot/service/drafts.py``."""

from __future__ import annotations

from telegram import Update

from bot import callbacks as cb
from bot.context import DeskContext
from bot.handlers.common import answer, pressed_at, touch_client
from bot.service import registration


async def new_ticket(update: Update, context: DeskContext) -> None:
    """/new: starts registering a ticket."""
    client = await touch_client(update, context.desk)
    await registration.start(context.desk, client)


async def cancel(update: Update, context: DeskContext) -> None:
    """/cancel: drops the draft, at any step."""
    client = await touch_client(update, context.desk)
    await registration.cancel(context.desk, client)


async def on_callback(update: Update, context: DeskContext) -> None:
    """Handles every ``r:`` button of the registration."""
    query = update.callback_query
    assert query is not None and query.data is not None
    desk = context.desk
    client = await touch_client(update, desk)
    result = await registration.button(
        desk, client, cb.parse_registration(query.data), pressed_at(query)
    )
    answer(desk, query, result.text, alert=result.alert)
