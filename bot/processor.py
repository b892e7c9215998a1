"""Updates of one chat in order, different chats at the same time, each update once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.context import CURRENT_UPDATE, UpdateScope
from bot.failpoints import failpoint
from bot.logs import bind_update
from storage import outbox as records

if TYPE_CHECKING:
    from bot.context import Desk

logger = logging.getLogger(__name__)


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
    """Processes updates concurrently across chats but strictly in order within one, and
    each stored update at most once (see ``bot/inbox.py``).

    A client's messages must reach the engineers in the order they were written, and a
    slow chat must not hold up every other one.
    """

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[tuple[int, int] | None, asyncio.Lock] = {}
        self._waiting: dict[tuple[int, int] | None, int] = {}
        self.desk: Desk | None = None
        self.in_progress: set[asyncio.Task[Any]] = set()
        # Updates this process stored itself: it holds their claim already.
        self.claimed: set[int] = set()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Waits for the chat's earlier updates, then handles this one unless it was."""
        key = ordering_key(update)
        if isinstance(update, Update):  # this task's log lines name the update and its chat
            bind_update(update.update_id, key[0] if key else None)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                if isinstance(update, Update) and self.desk is not None:
                    await self._handle_once(update, coroutine)
                else:
                    await coroutine
        finally:
            self._waiting[key] -= 1
            if self._waiting[key] == 0:
                del self._waiting[key]
                self._locks.pop(key, None)

    async def _handle_once(self, update: Update, coroutine: Awaitable[Any]) -> None:
        desk = self.desk
        assert desk is not None
        claimed = update.update_id in self.claimed
        self.claimed.discard(update.update_id)
        if not claimed:  # one stored before a restart, or by another process
            live = desk.dispatcher._live if desk.dispatcher is not None else [desk.instance_id]
            async with desk.sessions() as session, session.begin():
                claimed = await records.claim_update(
                    session,
                    update_id=update.update_id,
                    instance=desk.instance_id,
                    live=live,
                    now=datetime.now(UTC),
                )
        if not claimed:
            logger.info("update %s was handled already: ignored", update.update_id)
            if asyncio.iscoroutine(coroutine):
                coroutine.close()
            return
        logger.debug("handling update %s", update.update_id)
        scope = UpdateScope(update.update_id)
        token = CURRENT_UPDATE.set(scope)
        try:
            await coroutine
        finally:
            CURRENT_UPDATE.reset(token)
        if scope.error or not scope.handled:
            # No unit marked it (a handler that changed nothing), or it failed: close it.
            async with desk.sessions() as session, session.begin():
                await records.finish_update(
                    session,
                    update_id=update.update_id,
                    instance=desk.instance_id,
                    state="failed" if scope.error else "done",
                    error=scope.error,
                    now=datetime.now(UTC),
                )
        failpoint("update_handled", str(update.update_id))

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
