"""/me in the operator group: how the bot's Russian messages speak of the engineer."""

from __future__ import annotations

from telegram import Update

from bot.context import DeskContext
from bot.service import people
from desk.text import one_line


async def me(update: Update, context: DeskContext) -> None:
    """Shows or sets the grammatical gender the desk's messages use for this engineer."""
    message = update.effective_message
    user = message.from_user if message is not None else None
    if message is None or user is None:
        return
    name = one_line(user.full_name or "") or str(user.id)
    word = (message.text or "").partition(" ")[2].strip()
    await people.me(context.desk, message, user_id=user.id, name=name, word=word)
