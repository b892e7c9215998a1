"""Organizations in the operator group: the admins' ``/orgs`` panel, the engineers' link
buttons and ``/org``. Each handler reads its update and calls one use case
(``bot/service/orgs.py``)."""

from __future__ import annotations

from telegram import Chat, Message, Update, User

from bot import callbacks as cb
from bot.context import Desk, DeskContext
from bot.handlers.common import answer, origin_of, origin_of_press, role_of
from bot.service import orgs
from bot.texts import t
from desk.roles import Privilege, may


def _may_manage(desk: Desk, user: User | None, chat: Chat | None) -> bool:
    return may(role_of(desk, user, chat), Privilege.MANAGE_ORGS)


def _message(update: Update) -> Message:
    message = update.effective_message
    assert message is not None
    return message


async def orgs_command(update: Update, context: DeskContext) -> None:
    """/orgs (admins, operator group): the organizations, as a panel of buttons."""
    message = _message(update)
    desk = context.desk
    origin = origin_of(desk, message)
    if not _may_manage(desk, message.from_user, message.chat):
        await orgs.refuse(desk, origin)
        return
    await orgs.open_panel(desk, origin)


async def set_organization(update: Update, context: DeskContext) -> None:
    """/org <name>: links the ticket's client to an existing organization (an admin's new name
    creates it); /org alone: the organizations to choose from."""
    message = _message(update)
    desk = context.desk
    await orgs.set_organization(
        desk,
        origin_of(desk, message),
        (message.text or "").partition(" ")[2],
        may_create=_may_manage(desk, message.from_user, message.chat),
    )


async def buttons(update: Update, context: DeskContext) -> None:
    """``org:`` buttons in the operator group: the panel's (admins only, checked here at
    every press) and the link buttons (any engineer)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    desk = context.desk
    message = query.message
    assert message is not None  # pressed in the operator group: see bot/app.py
    press = cb.parse_org(query.data)
    if press is None:
        answer(desk, query)
        return
    origin = origin_of_press(query)
    if press.action in cb.ORG_ADMIN_ACTIONS:
        if not _may_manage(desk, query.from_user, message.chat):
            answer(desk, query, t(desk.op_lang, "admin_only"), alert=True)
            return
        result = await orgs.panel_button(desk, origin, press)
    else:
        result = await orgs.link_button(desk, origin, press)
    answer(desk, query, result.text, alert=result.alert)


async def capture(update: Update, context: DeskContext) -> bool:
    """Takes an admin's message that answers the panel's question; False if it does not."""
    message = update.effective_message
    desk = context.desk
    if message is None or message.from_user is None:
        return False
    if not _may_manage(desk, message.from_user, message.chat):
        return False
    return await orgs.capture(desk, origin_of(desk, message), message.text)
