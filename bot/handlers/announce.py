"""Release announcements: composed by an admin in the operator group, answered by clients.

Each handler reads its update and calls one use case: composing and sending are
``bot/service/announcements.py``, ``/news`` and the version request ``bot/service/news.py``.
"""

from __future__ import annotations

from telegram import Chat, Message, Update, User

from bot import callbacks as cb
from bot import incoming
from bot.context import Desk, DeskContext
from bot.handlers.common import (
    answer,
    client_press,
    origin_of,
    origin_of_press,
    role_of,
    touch_client,
)
from bot.service import announcements
from bot.service import news as news_service
from bot.service.announcements import AdminMessage
from bot.texts import t
from desk.roles import Privilege, may


def _may_announce(desk: Desk, user: User | None, chat: Chat | None) -> bool:
    return may(role_of(desk, user, chat), Privilege.ANNOUNCE)


# --- /announce and the admin's messages ------------------------------------------------------


async def announce(update: Update, context: DeskContext) -> None:
    """/announce (admins, operator group): starts composing a release announcement."""
    message = update.effective_message
    assert message is not None
    desk = context.desk
    origin = origin_of(desk, message)
    if message.from_user is None or not _may_announce(desk, message.from_user, message.chat):
        await announcements.refuse(desk, origin)
        return
    await announcements.start(desk, origin)


async def capture(update: Update, context: DeskContext) -> bool:
    """Takes an admin's message that answers the composing dialogue; False if it does not
    (then it is the group's correspondence)."""
    message = update.effective_message
    desk = context.desk
    if message is None or message.from_user is None:
        return False
    if not _may_announce(desk, message.from_user, message.chat):
        return False
    return await announcements.capture(desk, _admin_message(desk, message))


def _admin_message(desk: Desk, message: Message) -> AdminMessage:
    return AdminMessage(
        origin=origin_of(desk, message),
        content=incoming.describe_message(message),
        text=message.text or "",
        caption=message.caption or "",
    )


# --- the admin's buttons ---------------------------------------------------------------------


async def admin_buttons(update: Update, context: DeskContext) -> None:
    """``a:<action>:<announcement>[:<n>]`` in the operator group, from admins only."""
    query = update.callback_query
    assert query is not None and query.data is not None
    desk = context.desk
    message = query.message
    assert message is not None  # pressed in the operator group: see bot/app.py
    if not _may_announce(desk, query.from_user, message.chat):
        answer(desk, query, t(desk.op_lang, "admin_only"), alert=True)
        return
    press = cb.parse_announce(query.data)
    if press is None:
        answer(desk, query)
        return
    result = await announcements.button(desk, origin_of_press(query), press)
    answer(desk, query, result.text, alert=result.alert)


# --- clients ---------------------------------------------------------------------------------


async def request_version(update: Update, context: DeskContext) -> None:
    """``v:req:<announcement>``: registers a "new version" ticket, once per client."""
    desk = context.desk
    press = await client_press(update, desk, cb.parse_version_request)
    if press is None:
        return
    result = await news_service.request_version(desk, press.client, press.data)
    answer(desk, press.query, result.text, alert=result.alert)


async def news(update: Update, context: DeskContext) -> None:
    """/news: the latest announcements meant for this client, and the featured articles."""
    client = await touch_client(update, context.desk)
    await news_service.news(context.desk, client)
