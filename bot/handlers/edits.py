"""Edits of relayed messages, from either side: the stored text and the copy follow
(``bot/service/edits.py``)."""

from __future__ import annotations

from telegram import Update

from bot import incoming
from bot.context import DeskContext
from bot.handlers.common import command_of, origin_of
from bot.service import edits


async def on_edit(update: Update, context: DeskContext) -> None:
    """A client or an engineer edited a message: its stored text and its copy follow."""
    message = update.edited_message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return
    text = message.text or message.caption
    await edits.follow_edit(
        context.desk,
        origin_of(context.desk, message),
        incoming.describe_message(message),
        private=message.chat.type == "private",
        command=command_of(text) is not None,
        note_text=(text or "").partition(" ")[2].strip(),
    )
