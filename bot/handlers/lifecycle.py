"""A ticket's life after the first answer: the engineers' /solve and /ask, the client's
``c:`` buttons (confirm or reject a solution, reopen, rate). The use cases are
``bot/service/lifecycle.py``."""

from __future__ import annotations

from telegram import Message, Update

from bot import callbacks as cb
from bot.context import DeskContext
from bot.handlers.common import answer, client_press, origin_of, pressed_at
from bot.service import lifecycle


async def solve(update: Update, context: DeskContext) -> None:
    """/solve [text]: proposes a solution and asks the client to confirm it."""
    await _wait_for_client(update, context, kind="solution")


async def ask(update: Update, context: DeskContext) -> None:
    """/ask [text]: asks the client for information and waits for the answer."""
    await _wait_for_client(update, context, kind="question")


async def _wait_for_client(update: Update, context: DeskContext, *, kind: str) -> None:
    message = update.effective_message
    assert message is not None
    desk = context.desk
    text = message.text.partition(" ")[2].strip() if message.text else ""
    await lifecycle.wait_for_client(desk, origin_of(desk, message), kind=kind, text=text)


async def client_buttons(update: Update, context: DeskContext) -> None:
    """``c:`` buttons: confirm or reject a solution, reopen, rate."""
    desk = context.desk
    press = await client_press(update, desk, cb.parse_lifecycle)
    if press is None:
        return
    query = press.query
    pressed = pressed_at(query)
    result = await lifecycle.client_button(
        desk,
        press.client,
        press.data,
        pressed,
        prompt=pressed if isinstance(query.message, Message) else None,
    )
    answer(desk, query, result.text, alert=result.alert)
