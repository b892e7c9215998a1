"""Chats the desk does not serve: a group or supergroup other than the operator group is left,
and nothing from it is handled."""

from __future__ import annotations

import logging

from bot.context import Desk

logger = logging.getLogger(__name__)

# Groups this process has logged leaving (a burst of updates from one group logs once).
_logged: set[int] = set()


async def leave(desk: Desk, chat_id: int, title: str | None) -> None:
    """Queues the bot's leaving of group `chat_id`: a durable record, sent like any other,
    one while it waits however many updates the group sends meanwhile."""
    async with desk.unit() as unit:
        await unit.out.leave(chat_id)
    if chat_id not in _logged:
        if len(_logged) < 10_000:
            _logged.add(chat_id)
        logger.info("leaving chat %s (%r): it is not the operator group", chat_id, title)
