"""What a use case does with the message under a pressed button: replace its text, or drop
its buttons. `pressed` is that message (None when Telegram did not say which it was)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.outbox import Out
from bot.service.announcements import Answer
from bot.service.origin import Origin

__all__ = ["Answer", "drop_buttons", "edit_or_send"]


async def edit_or_send(
    out: Out,
    pressed: Origin | None,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Replaces the text of the message under the pressed button (a new message to `chat_id`
    if there is none to edit)."""
    if pressed is None:
        await out.message(chat_id, text, markup=markup)
        return
    await out.edit(pressed.chat_id, pressed.message_id, text, markup=markup)


async def drop_buttons(out: Out, pressed: Origin | None) -> None:
    """Removes the buttons under the pressed message; if Telegram refuses, they stay, which is
    harmless: every press is checked against the current state anyway."""
    if pressed is not None:
        await out.drop_buttons(pressed.chat_id, pressed.message_id)
