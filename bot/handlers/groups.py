"""Updates from chats the desk does not serve: another group the bot was added to is left,
a channel's posts are ignored. Runs before every other handler."""

from __future__ import annotations

from telegram import Chat, Update
from telegram.constants import ChatMemberStatus
from telegram.ext import ApplicationHandlerStop

from bot.context import DeskContext
from bot.service import groups

_GONE = (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED)


async def foreign_chat(update: Update, context: DeskContext) -> None:
    """Leaves a group or supergroup other than the operator group (once), ignores channels;
    updates from private chats and the operator group pass on to the other handlers."""
    chat = update.effective_chat
    if chat is None or chat.type == Chat.PRIVATE or chat.id == context.desk.operator_chat_id:
        return
    member = update.my_chat_member
    removed = member is not None and member.new_chat_member.status in _GONE
    if chat.type in (Chat.GROUP, Chat.SUPERGROUP) and not removed:
        await groups.leave(context.desk, chat.id, chat.title)
    raise ApplicationHandlerStop
