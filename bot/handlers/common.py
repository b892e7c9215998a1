"""Helpers shared by client and operator handlers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from telegram import CallbackQuery, Chat, Message, Update, User
from telegram.error import TelegramError

from bot.context import Desk
from bot.service import clients
from bot.service.clients import Profile
from bot.service.origin import Origin
from bot.texts import t
from desk.roles import Role, role_in_chat
from desk.text import one_line
from storage.models import Client, Ticket

logger = logging.getLogger(__name__)

T = TypeVar("T")


def command_of(text: str | None) -> str | None:
    """The command a text or caption starts with (``/note@bot x`` → ``note``), or None."""
    if not text or not text.startswith("/"):
        return None
    word = text[1:].split(maxsplit=1)[0] if len(text) > 1 else ""
    return word.split("@", 1)[0].lower() or None


def after_command(text: str | None) -> str:
    """Everything after the command word, line breaks kept."""
    if not text:
        return ""
    _, _, rest = text.partition(" ")
    if "\n" in text.split(" ", 1)[0]:
        _, _, rest = text.partition("\n")
    return rest.strip()


def engineer_name(user: User | None) -> str:
    """How an engineer is named in notices: one line, whatever their profile says."""
    if user is None:
        return "?"
    name = one_line(user.full_name or "")
    return name or (f"@{user.username}" if user.username else str(user.id))


def origin_of(desk: Desk, message: Message) -> Origin:
    """Where a message in a chat came from, for the use cases (``bot/service/``)."""
    reply = message.reply_to_message
    if reply is not None and reply.forum_topic_created is not None:
        reply = None  # in a topic every message "replies" to the topic's opening
    user = message.from_user
    return Origin(
        chat_id=message.chat.id,
        message_id=message.message_id,
        thread_id=message.message_thread_id if message.is_topic_message else None,
        user_id=user.id if user is not None else None,
        name=engineer_name(user),
        reply_to=reply.message_id if reply is not None else None,
        replies_to_bot=(
            reply is not None
            and reply.from_user is not None
            and reply.from_user.is_bot
            and reply.from_user.username == desk.bot_username
        ),
    )


def pressed_at(query: CallbackQuery) -> Origin | None:
    """The pressed button's message (:func:`origin_of_press`), None when Telegram did not
    say which it was."""
    return origin_of_press(query) if query.message is not None else None


def origin_of_press(query: CallbackQuery) -> Origin:
    """A pressed button's message and who pressed it (the message must be there)."""
    message = query.message
    assert message is not None
    thread = (
        message.message_thread_id
        if isinstance(message, Message) and message.is_topic_message
        else None
    )
    return Origin(
        chat_id=message.chat.id,
        message_id=message.message_id,
        thread_id=thread,
        user_id=query.from_user.id,
        name=engineer_name(query.from_user),
    )


async def touch_client(update: Update, desk: Desk) -> Client:
    """The client writing in this private chat, created or refreshed."""
    user = update.effective_user
    assert user is not None
    profile = Profile(
        user_id=user.id,
        first_name=user.first_name,
        last_name=user.last_name,
        username=user.username,
        language_code=user.language_code,
    )
    return await clients.touch(desk, profile, moves_on=_moves_on(update))


def _moves_on(update: Update) -> bool:
    """A button press or a command: the client turns to something new."""
    if update.callback_query is not None:
        return True
    message = update.effective_message
    return message is not None and (message.text or "").startswith("/")


def role_of(desk: Desk, user: User | None, chat: Chat | None) -> Role:
    """The part `user` plays for the desk in `chat` (``desk/roles.py`` decides)."""
    if user is None or chat is None:
        return Role.NOBODY
    return role_in_chat(
        user_id=user.id,
        chat_id=chat.id,
        chat_is_private=chat.type == Chat.PRIVATE,
        operator_chat_id=desk.operator_chat_id,
        admin_ids=desk.settings.admin_ids,
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


@dataclass(frozen=True)
class Press(Generic[T]):
    """A client's press of an inline button: who, and what its data says (bot/callbacks.py)."""

    query: CallbackQuery
    client: Client
    data: T


async def client_press(
    update: Update, desk: Desk, parse: Callable[[str], T | None]
) -> Press[T] | None:
    """A client's press read by `parse`, one of bot/callbacks.py's parsers; data it refuses
    (malformed or forged) is answered and gives None."""
    query = update.callback_query
    assert query is not None and query.data is not None
    client = await touch_client(update, desk)
    data = parse(query.data)
    if data is None:
        answer(desk, query)
        return None
    return Press(query=query, client=client, data=data)


async def own_ticket(desk: Desk, press: Press[Any], ticket_id: int) -> Ticket | None:
    """The ticket a press names, if it is the presser's own; otherwise an alert says so."""
    ticket = await clients.own_ticket(desk, press.client, ticket_id)
    if ticket is None:
        answer(desk, press.query, t(press.client.language, "tickets.not_found"), alert=True)
    return ticket
