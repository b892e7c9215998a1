"""Helpers shared by client and operator handlers."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot import render
from bot.context import Desk, Unit
from bot.outbox import Out
from desk.language import pick_language
from storage import repo
from storage.models import Client, Ticket

logger = logging.getLogger(__name__)


async def touch_client(update: Update, desk: Desk) -> Client:
    """The client writing in this private chat, created or refreshed."""
    user = update.effective_user
    assert user is not None
    async with desk.tx() as session:
        existing = await repo.get_client(session, client_id=user.id)
        language = (
            existing.language
            if existing is not None and existing.language_chosen
            else pick_language(user.language_code, desk.settings.default_language)
        )
        client = await repo.upsert_client(
            session,
            client_id=user.id,
            first_name=user.first_name,
            last_name=user.last_name,
            username=user.username,
            language=language,
            now=desk.clock.now(),
        )
        if not client.language_chosen:
            client.language = language
        if client.comment_ticket_id is not None and _moves_on(update):
            # A command or a button after a rating: the client is doing something else, so
            # their next message is no longer the rating's comment.
            client.comment_ticket_id = client.comment_until = None
    return client


def _moves_on(update: Update) -> bool:
    """A button press or a command: the client turns to something new."""
    if update.callback_query is not None:
        return True
    message = update.effective_message
    return message is not None and (message.text or "").startswith("/")


async def tell(
    unit: Unit,
    client: Client,
    ticket: Ticket,
    text: str,
    *,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Tells the client something about their ticket (`text` in the client's language) and
    keeps it in the ticket's history as the client read it."""
    await remember_told(unit, client, ticket, text)
    await unit.out.message(client.id, text, markup=markup, ticket_id=ticket.id, purpose="status")


async def remember_told(unit: Unit, client: Client, ticket: Ticket, text: str) -> None:
    """Keeps a notice the client gets in the ticket's history (see :func:`tell`)."""
    await repo.add_notice(
        unit.session,
        ticket_id=ticket.id,
        client_id=client.id,
        text=render.plain(text),
        now=unit.desk.clock.now(),
    )


def answer(
    desk: Desk, query: CallbackQuery, text: str | None = None, *, alert: bool = False
) -> None:
    """Answers a button press (stops its spinner, or shows `text`). Not a message: it is sent
    beside the handler, and an expired or failed answer costs nothing but a log line."""

    async def send() -> None:
        try:
            await query.answer(text, show_alert=alert, read_timeout=5, write_timeout=5)
        except TelegramError as exc:
            logger.info("callback answer failed: %s", exc)

    desk.spawn(send())


async def edit_or_send(
    out: Out, query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Replaces the text of the message under the pressed button (a new message if Telegram
    cannot edit it)."""
    message = query.message
    if message is None:
        await out.message(query.from_user.id, text, markup=markup)
        return
    await out.edit(message.chat.id, message.message_id, text, markup=markup)


async def drop_buttons(out: Out, query: CallbackQuery) -> None:
    """Removes the buttons under the pressed message; if Telegram refuses, they stay, which is
    harmless: every press is checked against the current state anyway."""
    if query.message is not None:
        await out.drop_buttons(query.message.chat.id, query.message.message_id)


@dataclass(frozen=True)
class Press:
    """A client's press of an inline button: who, which action, and its number arguments."""

    query: CallbackQuery
    client: Client
    action: str
    numbers: tuple[int, ...]


def parse_press(data: str) -> tuple[str, tuple[int, ...]] | None:
    """``prefix:action:n1:n2...`` as (action, numbers), or None when it is not that shape.

    Callback data comes from the presser's side: numbers are parsed, never trusted further.
    """
    parts = data.split(":")
    try:
        numbers = tuple(int(p) for p in parts[2:])
    except ValueError:
        return None
    # Ids are database keys: anything outside a signed 64-bit integer is made up.
    if len(parts) < 3 or not all(0 <= n < 2**63 for n in numbers):
        return None
    return parts[1], numbers


async def client_press(update: Update, desk: Desk) -> Press | None:
    """A client's press as a :class:`Press`; a malformed one is answered and gives None."""
    query = update.callback_query
    assert query is not None and query.data is not None
    client = await touch_client(update, desk)
    parsed = parse_press(query.data)
    if parsed is None:
        answer(desk, query)
        return None
    action, numbers = parsed
    return Press(query=query, client=client, action=action, numbers=numbers)


async def own_ticket(desk: Desk, press: Press) -> Ticket | None:
    """The ticket a press names, if it is the presser's own; otherwise an alert says so."""
    async with desk.tx() as session:
        ticket = await repo.get_ticket_for_client(
            session, ticket_id=press.numbers[0], client_id=press.client.id
        )
    if ticket is None:
        from bot.texts import t

        answer(desk, press.query, t(press.client.language, "tickets.not_found"), alert=True)
    return ticket
