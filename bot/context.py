"""The services handlers use, reached through a typed callback context."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.ext import Application, CallbackContext, ExtBot

from desk.calendar import BusinessCalendar
from desk.clock import Clock, SystemClock
from kb.service import KnowledgeBase

if TYPE_CHECKING:
    from bot.broadcast import Broadcaster
    from bot.config import Settings


class Desk:
    """Settings, database and clock of a running bot, plus what was detected at start."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    kb: KnowledgeBase

    def __init__(self) -> None:
        self.clock: Clock = SystemClock()
        # Forum topics per ticket when the operator group has topics and the bot may
        # manage them; otherwise a header card per ticket that engineers reply to.
        self.forum = False
        self.bot_username = ""
        # Held while in use, then forgotten: no lock per ticket ever seen piles up.
        self._ticket_locks: weakref.WeakValueDictionary[int, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )
        self.background: list[asyncio.Task[None]] = []
        # The release-announcement sender, once the bot runs.
        self.broadcaster: Broadcaster | None = None
        self._calendar: BusinessCalendar | None = None

    def configure(
        self,
        *,
        settings: Settings,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        kb: KnowledgeBase,
    ) -> None:
        """Fills in the services once they exist."""
        self.kb = kb
        self.settings = settings
        self.engine = engine
        self.sessions = sessions
        self.clock = clock

    @asynccontextmanager
    async def tx(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: a session inside a transaction, committed on success."""
        async with self.sessions() as session, session.begin():
            yield session

    def ticket_lock(self, ticket_id: int) -> asyncio.Lock:
        """Serialises topic creation and delivery for one ticket within this process."""
        lock = self._ticket_locks.get(ticket_id)
        if lock is None:
            lock = asyncio.Lock()
            self._ticket_locks[ticket_id] = lock
        return lock

    @property
    def operator_chat_id(self) -> int:
        """The engineers' group."""
        return self.settings.operator_chat_id

    @property
    def calendar(self) -> BusinessCalendar:
        """Business days and working hours."""
        if self._calendar is None:
            self._calendar = self.settings.calendar
        return self._calendar

    @property
    def op_lang(self) -> str:
        """The language of the operator group."""
        return self.settings.operator_language


class DeskContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], Desk]):
    """Callback context whose ``desk`` is the typed services object."""

    @property
    def desk(self) -> Desk:
        """The running desk's services."""
        return self.bot_data


DeskApp = Application[Any, DeskContext, dict[Any, Any], dict[Any, Any], Desk, Any]
