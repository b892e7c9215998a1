"""The services handlers use, reached through a typed callback context."""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.ext import Application, CallbackContext, ExtBot

from bot.failpoints import failpoint
from bot.outbox import Out
from desk.calendar import BusinessCalendar
from desk.clock import Clock, SystemClock
from kb.service import KnowledgeBase
from storage import outbox as records

if TYPE_CHECKING:
    from bot.broadcast import Broadcaster
    from bot.config import Settings
    from bot.dispatcher import Dispatcher
    from bot.inbox import Poller


@dataclass
class UpdateScope:
    """The update being handled: its effect marks it done, once."""

    update_id: int
    handled: bool = False
    error: str | None = None


#: The update whose handler is running in this task (None in jobs).
CURRENT_UPDATE: ContextVar[UpdateScope | None] = ContextVar("current_update", default=None)


#: Set while this task holds a transaction: a second one opened inside it would wait for the
#: first (SQLite takes the write lock at BEGIN) and deadlock until the busy timeout.
_IN_TRANSACTION: ContextVar[bool] = ContextVar("in_transaction", default=False)


def _enter_transaction() -> Any:
    if _IN_TRANSACTION.get():
        raise RuntimeError("a transaction was opened inside another one in the same task")
    return _IN_TRANSACTION.set(True)


class AlreadyHandled(Exception):
    """The update was handled already (a repeat, or another process took it over)."""


@dataclass
class Unit:
    """One unit of work: a transaction, and the messages it sends when it commits."""

    session: AsyncSession
    out: Out
    desk: Desk


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
        self._side_tasks: set[asyncio.Future[Any]] = set()
        # The release-announcement sender, once the bot runs.
        self.broadcaster: Broadcaster | None = None
        # The sender of outgoing records, once the bot runs.
        self.dispatcher: Dispatcher | None = None
        # Long polling into the inbox, once the bot runs.
        self.poller: Poller | None = None
        # This process, as its claims on records and updates name it.
        self.instance_id = (
            f"{socket.gethostname()[: 40 - 22]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        )
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
        """A session inside a transaction, committed on success."""
        token = _enter_transaction()
        try:
            async with self.sessions() as session, session.begin():
                yield session
        finally:
            _IN_TRANSACTION.reset(token)

    @asynccontextmanager
    async def unit(self) -> AsyncIterator[Unit]:
        """A transaction whose messages are sent once it commits.

        Inside an update's handler, the first unit marks the update done in the same
        transaction: if it was handled already (a repeat), the unit raises
        :class:`AlreadyHandled` and nothing of it is stored or sent.
        """
        scope = CURRENT_UPDATE.get()
        token = _enter_transaction()
        try:
            async with self.sessions() as session, session.begin():
                out = Out(session, self, scope.update_id if scope else None)
                yield Unit(session=session, out=out, desk=self)
                if scope is not None and not scope.handled:
                    marked = await records.mark_handled(
                        session,
                        update_id=scope.update_id,
                        instance=self.instance_id,
                        now=self.clock.now(),
                    )
                    if not marked:
                        raise AlreadyHandled(scope.update_id)
        finally:
            _IN_TRANSACTION.reset(token)
        if scope is not None:
            scope.handled = True
        if out.count:
            failpoint("record_stored", ",".join(out.methods))
            self.kick()

    def spawn(self, coroutine: Any) -> None:
        """Runs a Telegram call that answers nobody's message (a button's spinner) beside
        the handler, so a slow Telegram never holds a chat's queue."""
        task = asyncio.ensure_future(coroutine)
        self._side_tasks.add(task)
        task.add_done_callback(self._side_tasks.discard)

    def kick(self) -> None:
        """New outgoing records: the dispatcher looks at once."""
        if self.dispatcher is not None:
            self.dispatcher.kick()

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
