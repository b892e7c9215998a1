"""Where a message or a command came from, as the use cases need it: plain values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from desk.roles import Privilege, may, role_in_chat

if TYPE_CHECKING:
    from bot.context import Desk


@dataclass(frozen=True)
class Origin:
    """A message (or a pressed button's message) in a chat, and who wrote (or pressed) it."""

    chat_id: int
    message_id: int
    #: The forum topic it was written in; None outside a topic (General, reply mode).
    thread_id: int | None = None
    user_id: int | None = None
    #: How the author is named in notices and history: one line.
    name: str = "?"
    #: The message it replies to, unless that is only its topic's opening service message.
    reply_to: int | None = None
    #: The message it replies to is one of this bot's own.
    replies_to_bot: bool = False


def origin_may(desk: Desk, origin: Origin, privilege: Privilege) -> bool:
    """Whether the author of `origin` may do what only admins may, where they wrote it."""
    if origin.user_id is None:
        return False
    role = role_in_chat(
        user_id=origin.user_id,
        chat_id=origin.chat_id,
        chat_is_private=origin.chat_id > 0,
        operator_chat_id=desk.operator_chat_id,
        admin_ids=desk.settings.admin_ids,
    )
    return may(role, privilege)
