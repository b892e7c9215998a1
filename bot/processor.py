"""Updates of one chat in order, different chats at the same time."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def ordering_key(update: object) -> tuple[int, int] | None:
    """The queue an update waits in: its chat, and in a forum its topic."""
    if not isinstance(update, Update):
        return None
    message = update.effective_message
    chat = update.effective_chat
    if chat is None:
        return None
    thread = 0
    if message is not None and message.is_topic_message and message.message_thread_id:
        thread = message.message_thread_id
    return (chat.id, thread)


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Processes updates concurrently across chats but strictly in order within one.

    A client's messages must reach the engineers in the order they were written, and a
    slow send into the rate-limited operator group must not hold up every other client.
    """

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[tuple[int, int] | None, asyncio.Lock] = {}
        self._waiting: dict[tuple[int, int] | None, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Waits for the chat's earlier updates, then runs this one."""
        key = ordering_key(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if self._waiting[key] == 0:
                del self._waiting[key]
                self._locks.pop(key, None)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
