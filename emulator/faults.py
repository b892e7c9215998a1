"""Fault injection of the emulator: Telegram misbehaving the way it does in production.

The pieces here are plain objects shared by :mod:`emulator.state` (which decides, per request,
which fault applies) and :mod:`emulator.server` (which carries the fault out on the HTTP
connection: holding it, closing it without an answer, answering late). Tests use them through
:class:`emulator.BotApiEmulator`: ``hang``, ``inject_lost_answer``, ``inject_late_answer``,
``hold``, ``refuse_connections``, ``repeat_update``, ``push_raw_update``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "AnswerFault",
    "HangWindow",
    "Hold",
    "RequestDropped",
    "unparseable_update",
]

JsonDict = dict[str, Any]


class RequestDropped(Exception):
    """The request must end with its connection closed and no answer written (the emulator is
    stopping while the request waited)."""


def unparseable_update(chat_id: int = 1) -> JsonDict:
    """An update payload (without ``update_id``) that python-telegram-bot 22.8 cannot parse.

    It is a ``message`` whose ``chat`` lacks the required ``type``: ``Update.de_json`` raises
    ``TypeError: _ChatBase.__init__() missing 1 required positional argument: 'type'``.
    ``Bot.get_updates`` logs it and re-raises, and ``Updater`` logs "Something went wrong
    processing the data received from Telegram" and polls again *with the same offset*, so
    the whole batch containing it is fetched again and again (PTB never skips it).
    ``{"message": "not an object"}`` fails too (``AttributeError``).
    """
    return {"message": {"message_id": 1, "date": 0, "chat": {"id": chat_id}}}


class HangWindow:
    """A hanging outage (see :meth:`emulator.BotApiEmulator.hang`).

    Matching requests that arrive while it is active are recorded but never processed; each
    is held until the window ends (or its client gives up), then its connection is closed
    without an answer.
    """

    def __init__(
        self,
        seconds: float,
        methods: Iterable[str] | None,
        except_methods: Iterable[str],
    ) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.methods = frozenset(m.lower() for m in methods) if methods is not None else None
        self.except_methods = frozenset(m.lower() for m in except_methods)
        self.ended = asyncio.Event()
        self.held = 0  # requests caught by the window

    @property
    def active(self) -> bool:
        return not self.ended.is_set() and time.monotonic() < self.deadline

    def remaining(self) -> float:
        """Seconds until the window ends (0 once it has)."""
        return 0.0 if self.ended.is_set() else max(0.0, self.deadline - time.monotonic())

    def matches(self, method: str) -> bool:
        """Whether a request of ``method`` (any case) arriving now is caught."""
        low = method.lower()
        if low in self.except_methods:
            return False
        return self.methods is None or low in self.methods

    def end(self) -> None:
        """Ends the window now: the held requests are dropped, new ones are served."""
        self.ended.set()


class Hold:
    """One request whose answer is held back (see :meth:`emulator.BotApiEmulator.hold`).

    The request is processed (Telegram accepted it: the message is in the chat) and its answer
    waits for :meth:`release`. If the client disconnects first (killed, timed out), or
    ``timeout`` seconds pass, or the emulator stops, the connection is closed without an
    answer and :attr:`outcome` is ``"dropped"``; after a release it is ``"answered"``.
    """

    def __init__(self, hold_id: int, method: str, timeout: float) -> None:
        self.id = hold_id
        self.method = method
        self.timeout = timeout
        self.params: JsonDict | None = None  # the held request's parameters
        self.result: Any = None  # what Telegram answered (e.g. the sent Message)
        self.outcome: str | None = None  # None while pending; "answered" | "dropped"
        self._arrived = asyncio.Event()
        self._released = asyncio.Event()
        self._settled = asyncio.Event()

    def __repr__(self) -> str:
        state = self.outcome or ("held" if self.is_arrived else "waiting")
        return f"<Hold #{self.id} {self.method} {state}>"

    @property
    def is_arrived(self) -> bool:
        """A matching request came and was processed."""
        return self._arrived.is_set()

    @property
    def released(self) -> bool:
        return self._released.is_set()

    async def arrived(self) -> Any:
        """Waits until a matching request came and was processed; returns its result."""
        await self._arrived.wait()
        return self.result

    async def wait_arrived(self, timeout: float = 5.0) -> Any:  # noqa: ASYNC109
        """:meth:`arrived` with a bound: ``TimeoutError`` when nothing came in time."""
        try:
            return await asyncio.wait_for(self.arrived(), timeout)
        except TimeoutError:
            raise TimeoutError(f"no {self.method} request was held within {timeout}s") from None

    def release(self) -> None:
        """Writes the held answer (if the client is still there). Before the request came,
        the hold is cancelled: the next matching request is answered normally."""
        self._released.set()

    async def wait_settled(self, timeout: float = 5.0) -> str:  # noqa: ASYNC109
        """Waits until the held request was answered or dropped; returns :attr:`outcome`."""
        await asyncio.wait_for(self._settled.wait(), timeout)
        assert self.outcome is not None
        return self.outcome

    def _arrive(self, params: JsonDict, result: Any) -> None:
        self.params = params
        self.result = result
        self._arrived.set()

    def _settle(self, outcome: str) -> None:
        if self.outcome is None:
            self.outcome = outcome
            self._settled.set()


@dataclass
class AnswerFault:
    """What the HTTP layer must do with one request instead of answering it at once.

    ``kind``: ``"hang"`` (not processed; hold until ``window`` ends, then drop), ``"lost"``
    (processed; drop), ``"late"`` (processed; answer after ``seconds``), ``"hold"``
    (processed; answer when ``hold`` is released).
    """

    kind: str
    seconds: float = 0.0
    window: HangWindow | None = None
    hold: Hold | None = None
