"""Edits of relayed messages: the copy on the other side is edited too."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot import relay
from bot.context import DeskContext
from bot.texts import t
from storage import repo

logger = logging.getLogger(__name__)


async def on_edit(update: Update, context: DeskContext) -> None:
    """A client or an engineer edited a message that was relayed: edit its copy.

    When the copy cannot be edited (too old, deleted, or a kind Telegram cannot edit), the
    other side is told the new text instead, so a correction is never lost.
    """
    message = update.edited_message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return
    desk = context.desk
    async with desk.tx() as session:
        row = await repo.message_by_source(
            session, chat_id=message.chat.id, message_id=message.message_id
        )
        if row is not None and row.direction in ("in", "out"):
            row.text = message.text or message.caption or ""
    if row is None or row.direction not in ("in", "out") or row.target_message_id is None:
        return
    text = message.text or message.caption or ""
    try:
        if message.text is not None:
            await context.bot.edit_message_text(
                message.text,
                chat_id=row.target_chat_id,
                message_id=row.target_message_id,
                entities=message.entities,
                parse_mode=None,
            )
        else:
            await context.bot.edit_message_caption(
                chat_id=row.target_chat_id,
                message_id=row.target_message_id,
                caption=message.caption,
                caption_entities=message.caption_entities,
                parse_mode=None,
            )
        return
    except TelegramError as exc:
        if "not modified" in str(exc).lower():
            return
        logger.info("could not edit the relayed copy: %s", exc)
    if row.direction == "in":
        await relay.post_to_thread(
            context.bot, desk, row.ticket_id, t(desk.op_lang, "op.client_edited", text=text[:3500])
        )
    else:
        await relay.post_to_thread(
            context.bot, desk, row.ticket_id, t(desk.op_lang, "op.edit_failed")
        )
