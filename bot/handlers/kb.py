"""The knowledge base in the chat: answer quick questions before a ticket is opened; the
engineers' /article, /kbstats and /kbreload. The use cases are ``bot/service/knowledge.py``."""

from __future__ import annotations

from telegram import Message, Update

from bot import callbacks as cb
from bot import incoming
from bot.context import DeskContext
from bot.handlers.common import (
    answer,
    client_press,
    origin_of,
    origin_of_press,
    touch_client,
)
from bot.service import knowledge
from bot.texts import t
from storage.models import Client


async def answer_question(
    update: Update, context: DeskContext, client: Client, message: Message
) -> None:
    """A client's message with no ticket to go to: chatter is answered in kind, a question
    gets articles, and a question the knowledge base cannot answer starts a ticket."""
    await knowledge.answer_question(
        context.desk,
        client,
        message_id=message.message_id,
        text=message.text or message.caption or "",
        message=incoming.describe_message(message),
        attachment=bool(message.photo or message.document or message.video or message.voice),
    )


async def kb_command(update: Update, context: DeskContext) -> None:
    """/kb words: searches the knowledge base directly, even with an open ticket."""
    desk = context.desk
    client = await touch_client(update, desk)
    message = update.effective_message
    assert message is not None
    await knowledge.search_command(
        desk,
        client,
        message_id=message.message_id,
        query=" ".join(context.args or []).strip(),
    )


async def ask_prompt(update: Update, context: DeskContext) -> None:
    """The menu's "Ask a question": invites a question."""
    client = await touch_client(update, context.desk)
    await knowledge.invite_question(context.desk, client)


async def buttons(update: Update, context: DeskContext) -> None:
    """``k:`` buttons: open an article, helped / not helped, open a ticket."""
    desk = context.desk
    press = await client_press(update, desk, cb.parse_kb)
    if press is None:
        return
    client = press.client
    own = await knowledge.search_button(
        desk,
        client,
        origin_of_press(press.query),
        search_id=press.data.search_id,
        action=press.data.action.value,
        index=press.data.index if press.data.index is not None else -1,
    )
    if own:
        answer(desk, press.query)
    else:
        answer(desk, press.query, t(client.language, "tickets.not_found"), alert=True)


# --- in the operator group ---------------------------------------------------------------


def _message(update: Update) -> Message:
    message = update.effective_message
    assert message is not None
    return message


async def link_article(update: Update, context: DeskContext) -> None:
    """/article <id>: links the ticket to an article; the client's question becomes an alias.
    /article new: drafts a new article from the ticket for an admin to review."""
    await knowledge.link_article(
        context.desk,
        origin_of(context.desk, _message(update)),
        " ".join(context.args or []).strip(),
    )


async def kb_stats(update: Update, context: DeskContext) -> None:
    """/kbstats: what the knowledge base did over the last 30 days."""
    await knowledge.post_stats(context.desk, origin_of(context.desk, _message(update)), days=30)


async def reload_kb(update: Update, context: DeskContext) -> None:
    """/kbreload (admins): re-reads the articles now."""
    await knowledge.reload(context.desk, origin_of(context.desk, _message(update)))
