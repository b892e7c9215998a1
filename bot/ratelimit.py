"""Outgoing rate limits for the bot: interactive replies first, a broadcast in the gaps.

Telegram limits what a bot may send: about 30 messages per second overall, about one message
per second to one private chat (short bursts are tolerated) and 20 messages per minute to one
group. Going over earns a 429 ``RetryAfter`` and, when repeated, longer bans.

PTB's ``AIORateLimiter`` covers the overall and the group limits, but it has no notion of
priority and does not space messages to one private chat. A release-news broadcast sent through
it fills the shared budget, and every reply to a client then queues behind thousands of
broadcast messages. :class:`DeskRateLimiter` shares the same ceiling differently:

* only requests that put a message into a chat count (see :func:`counts_against_limits`);
  everything else (polling, callback answers, lookups, deletions) goes out at once;
* counted requests get *slots* spaced evenly, ``1 / overall_per_second`` apart, so Telegram's
  sliding one-second window is never crossed even with some network jitter;
* each slot goes, when it comes due, to the oldest waiting interactive request, and only when
  none waits to the oldest broadcast request (``rate_limit_args={"broadcast": True}``). A reply
  thus waits at most about one slot behind a busy broadcast, and a broadcast alone still gets
  the full rate;
* group and channel chats get a sliding window of ``group_per_minute`` messages per minute, and
  a broadcast message to a private chat waits until ``private_interval`` has passed since the
  last message to that chat. These waits happen before queueing for a slot, so a request held by
  its chat never holds a slot;
* a ``RetryAfter`` pauses every counted request for the time Telegram asked, then the request is
  retried (up to ``max_retries`` times).

The dispatcher is a single timer on the event loop (``loop.call_at``), armed only while
requests wait; there is no background task.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

logger = logging.getLogger(__name__)

JSONDict = dict[str, Any]
Result = bool | JSONDict | list[JSONDict]

#: Endpoints that do not start with ``send`` but still put (or change) a message in a chat.
LIMITED_ENDPOINTS = frozenset(
    {
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
        "editMessageText",
        "editMessageCaption",
        "editMessageMedia",
        "editMessageReplyMarkup",
        "createForumTopic",
        "editForumTopic",
        "closeForumTopic",
        "reopenForumTopic",
    }
)

#: ``send…`` endpoints that Telegram does not count as messages.
UNLIMITED_SEND_ENDPOINTS = frozenset({"sendChatAction"})


def counts_against_limits(endpoint: str) -> bool:
    """Whether a Bot API method puts a message into a chat and so is rate limited."""
    if endpoint in UNLIMITED_SEND_ENDPOINTS:
        return False
    return endpoint.startswith("send") or endpoint in LIMITED_ENDPOINTS


def retry_after_seconds(exc: RetryAfter) -> float:
    """The pause Telegram asked for, in seconds, whether PTB gives it as int or timedelta."""
    # PTB >= 22.2 keeps a timedelta in ``_retry_after``; reading it avoids the deprecation
    # warning that the public ``retry_after`` emits while it still returns an int.
    value: Any = getattr(exc, "_retry_after", None)
    if value is None:
        value = exc.retry_after
    if isinstance(value, dtm.timedelta):
        return max(0.0, value.total_seconds())
    return max(0.0, float(value))


def _mark_started(rate_limit_args: dict[str, Any] | None) -> None:
    """Tells a caller that asked (``{"started": False}``) that its request is leaving now:
    until then, cancelling it certainly sent nothing."""
    if rate_limit_args is not None and "started" in rate_limit_args:
        rate_limit_args["started"] = True


def _messages_in(endpoint: str, data: dict[str, Any]) -> int:
    """How many messages a request puts into the chat: an album or a batch copy counts each."""
    key = {
        "sendMediaGroup": "media",
        "copyMessages": "message_ids",
        "forwardMessages": "message_ids",
    }
    items = data.get(key.get(endpoint, ""))
    return max(len(items), 1) if isinstance(items, list | tuple) else 1


def _chat_target(data: dict[str, Any]) -> tuple[int | str | None, int | None]:
    """The group key and the private chat id of a request (at most one of them is set).

    As in PTB's ``AIORateLimiter``: a negative chat id or a ``@username`` is a group, supergroup
    or channel; a positive chat id is a private chat; integer ids given as strings count as ids.
    """
    raw = data.get("chat_id")
    chat_id: int
    if isinstance(raw, str):
        try:
            chat_id = int(raw)
        except ValueError:
            return raw.lower(), None
    elif isinstance(raw, int) and not isinstance(raw, bool):
        chat_id = raw
    else:
        return None, None
    return (chat_id, None) if chat_id < 0 else (None, chat_id)


class DeskRateLimiter(BaseRateLimiter[dict[str, Any]]):
    """Rate limiter with priority for interactive replies over a broadcast.

    Pass ``rate_limit_args={"broadcast": True}`` to the bot method to send at low priority;
    anything else (including no ``rate_limit_args``) is interactive.

    Args:
        overall_per_second: Counted requests per second for the whole bot; slots are spaced
            ``1 / overall_per_second`` seconds apart.
        group_per_minute: Counted requests per ``group_period`` to one group or channel.
        private_interval: Minimal gap, in seconds, before a broadcast message to a private chat
            after the previous message to that chat.
        max_retries: How many times a request is retried after a ``RetryAfter``.
        group_period: The window of the group limit, in seconds (60 for Telegram; smaller in
            tests).

    Attributes:
        retry_after_count: How many ``RetryAfter`` errors the callbacks have raised.
    """

    def __init__(
        self,
        *,
        overall_per_second: float = 29.0,
        group_per_minute: int = 20,
        private_interval: float = 1.0,
        max_retries: int = 3,
        group_period: float = 60.0,
    ) -> None:
        if overall_per_second <= 0:
            raise ValueError("overall_per_second must be positive")
        if group_per_minute < 1:
            raise ValueError("group_per_minute must be at least 1")
        if private_interval < 0 or group_period < 0:
            raise ValueError("private_interval and group_period must not be negative")
        if max_retries < 0:
            raise ValueError("max_retries must not be negative")
        self._interval = 1.0 / overall_per_second
        # How late a slot may be used without pushing the next one back: the event loop wakes
        # a little after the timer, and without this allowance every slot would inherit that
        # lateness and the rate would drift below the ceiling. A slot used late still counts
        # from its due time, so no one-second window ever holds more than the ceiling.
        self._slack = min(0.005, self._interval / 4)
        self._group_limit = group_per_minute
        self._group_period = group_period
        self._private_interval = private_interval
        self._max_retries = max_retries
        self.retry_after_count: int = 0

        # Waiters for a slot, one queue per priority: index 0 interactive, 1 broadcast.
        self._queues: tuple[deque[asyncio.Future[None]], deque[asyncio.Future[None]]] = (
            deque(),
            deque(),
        )
        self._waiting = [0, 0]  # requests inside _acquire, per priority
        self._next_slot = float("-inf")  # earliest time of the next slot
        self._paused_until = float("-inf")  # set by RetryAfter
        self._timer: asyncio.TimerHandle | None = None
        # The slot granted last and not yet used, with the slot time it replaced, so that a
        # request cancelled (or sent back by its chat rule) right after the grant returns it.
        self._granted: asyncio.Future[None] | None = None
        self._granted_prev = float("-inf")

        # Last sends per chat, ordered by the time of the last send so the stale ones are at
        # the front and pruning is cheap. Groups keep their last ``group_per_minute`` sends.
        self._group_sends: dict[int | str, deque[float]] = {}
        self._private_sends: dict[int, float] = {}

    async def initialize(self) -> None:
        """Nothing to set up: the dispatcher timer is armed only while requests wait."""

    async def shutdown(self) -> None:
        """Forgets the per-chat history; requests still waiting keep being served."""
        self._group_sends.clear()
        self._private_sends.clear()
        if not any(self._queues) and self._timer is not None:
            self._timer.cancel()
            self._timer = None

    @property
    def interactive_waiting(self) -> int:
        """Interactive requests waiting for their turn (a group window, a pause or a slot)."""
        return self._waiting[0]

    @property
    def broadcast_waiting(self) -> int:
        """Broadcast requests waiting for their turn (a chat rule, a pause or a slot)."""
        return self._waiting[1]

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> Result:
        """Calls ``callback`` when the limits allow; see the module docstring for the rules.

        Args:
            callback: The coroutine function making the request.
            args: Its positional arguments.
            kwargs: Its keyword arguments.
            endpoint: The Bot API method, e.g. ``"sendMessage"``.
            data: The method's parameters; ``chat_id`` decides the per-chat rules.
            rate_limit_args: ``{"broadcast": True}`` for a low-priority request (a 429 is then
                raised at once, for the broadcast to reschedule), plus ``"acquired": True`` when
                :meth:`acquire` already took the turn; else ``None``.

        Raises:
            telegram.error.RetryAfter: When Telegram still refuses after ``max_retries`` retries.
        """
        if not counts_against_limits(endpoint):
            _mark_started(rate_limit_args)
            return await callback(*args, **kwargs)

        broadcast = bool(rate_limit_args and rate_limit_args.get("broadcast"))
        # A broadcast sender that took its turn with acquire() before claiming its row.
        acquired = bool(rate_limit_args and rate_limit_args.get("acquired"))
        # The outbox dispatcher decides itself what a 429 holds back (one chat, the group or
        # everything): its requests are not retried here and do not pause the others.
        outbox = bool(rate_limit_args and rate_limit_args.get("outbox"))
        # A refused broadcast send goes back to its queue in the database instead.
        retries = 0 if broadcast or outbox else self._max_retries
        group, private = _chat_target(data)
        attempt = 0
        while True:
            if acquired and attempt == 0:
                # The turn was taken a moment ago and the caller did some work since: the
                # next slot counts from now, so that work never squeezes two sends together.
                self._restamp(asyncio.get_running_loop().time(), private)
            else:
                for _ in range(_messages_in(endpoint, data)):
                    await self._acquire(broadcast, group, private, retry=attempt > 0)
            try:
                _mark_started(rate_limit_args)
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                self.retry_after_count += 1
                if outbox:
                    raise
                pause = retry_after_seconds(exc)
                loop = asyncio.get_running_loop()
                self._paused_until = max(self._paused_until, loop.time() + pause)
                self._pump()
                if attempt >= retries:
                    logger.warning(
                        "%s: rate limit hit, giving up after %d retries", endpoint, attempt
                    )
                    raise
                attempt += 1
                logger.info("%s: rate limit hit, all sends paused for %.1f s", endpoint, pause)

    # -- what the outbox dispatcher reads and asks ----------------------------------------------

    @property
    def group_limit(self) -> int:
        """Messages per `group_period` into one group."""
        return self._group_limit

    @property
    def group_period(self) -> float:
        """The window of the group limit, in seconds."""
        return self._group_period

    def group_recent(self, chat_id: int) -> list[float]:
        """Loop times of the recent sends into a group (within its window)."""
        sends = self._group_sends.get(chat_id)
        if sends is None:
            return []
        now = asyncio.get_running_loop().time()
        return [t for t in sends if t > now - self._group_period]

    def sent_last_second(self) -> int:
        """How many counted sends the bot made in the last second (all chats): tells a 429
        from the overall ceiling from one of a single chat."""
        now = asyncio.get_running_loop().time()
        recent = sum(1 for t in self._private_sends.values() if t > now - 1.0)
        for sends in self._group_sends.values():
            recent += sum(1 for t in sends if t > now - 1.0)
        return recent

    def pause(self, seconds: float) -> None:
        """Holds every counted send for `seconds` (Telegram's overall ceiling was hit)."""
        loop = asyncio.get_running_loop()
        self._paused_until = max(self._paused_until, loop.time() + seconds)
        self._pump()

    async def acquire(self, chat_id: int | str, *, broadcast: bool = False) -> None:
        """Waits for a turn to send to `chat_id` and records it as taken.

        For a sender that must do something between its turn and the request (the broadcast
        claims its database row there, so that a row is marked in flight only when its request
        leaves at once); the request then passes ``rate_limit_args={"acquired": True}``.
        """
        group, private = _chat_target({"chat_id": chat_id})
        await self._acquire(broadcast, group, private, retry=False)

    # -- waiting for a turn -------------------------------------------------------------------

    async def _acquire(
        self, broadcast: bool, group: int | str | None, private: int | None, *, retry: bool
    ) -> None:
        """Waits for the chat rules and then for a slot; returns with the send recorded.

        Returns without yielding to the loop after the slot is granted, so the caller's request
        starts at the recorded time.
        """
        loop = asyncio.get_running_loop()
        priority = 1 if broadcast else 0
        front = retry
        self._waiting[priority] += 1
        try:
            while True:
                delay = self._chat_delay(broadcast, group, private, loop.time())
                if delay > 0:
                    await asyncio.sleep(delay)
                    continue
                slot = await self._take_slot(priority, front=front)
                now = loop.time()
                if now >= self._paused_until and (
                    self._chat_delay(broadcast, group, private, now) <= 0
                ):
                    self._record_send(now, group, private)
                    return
                # Something was sent to this chat, or a RetryAfter came, while we waited for
                # the slot: hand it on and queue again, ahead of later requests.
                self._give_back(slot)
                front = True
        finally:
            self._waiting[priority] -= 1

    def _restamp(self, now: float, private: int | None) -> None:
        """Moves the record of the send taken last to `now`, when it really leaves."""
        self._next_slot = max(self._next_slot, now - self._slack + self._interval)
        if private is not None and private in self._private_sends:
            self._private_sends[private] = max(self._private_sends[private], now)
        self._pump()

    def _chat_delay(
        self, broadcast: bool, group: int | str | None, private: int | None, now: float
    ) -> float:
        """Seconds until the per-chat rules let this request go (0 or less: now)."""
        if group is not None:
            sends = self._group_sends.get(group)
            if sends is not None and len(sends) >= self._group_limit:
                return sends[0] + self._group_period - now
        elif broadcast and private is not None:
            last = self._private_sends.get(private)
            if last is not None:
                return last + self._private_interval - now
        return 0.0

    def _record_send(self, now: float, group: int | str | None, private: int | None) -> None:
        """Marks the granted slot used and remembers the send for the per-chat rules."""
        self._granted = None
        self._next_slot = max(self._next_slot, now - self._slack + self._interval)
        if group is not None:
            sends = self._group_sends.pop(group, None)
            if sends is None:
                sends = deque(maxlen=self._group_limit)
            sends.append(now)
            self._group_sends[group] = sends  # re-inserted: the dict stays ordered by last send
            while self._group_sends:
                key, stale = next(iter(self._group_sends.items()))
                if stale[-1] > now - self._group_period:
                    break
                del self._group_sends[key]
        elif private is not None:
            self._private_sends.pop(private, None)
            self._private_sends[private] = now
            while self._private_sends:
                key_id, last = next(iter(self._private_sends.items()))
                if last > now - self._private_interval:
                    break
                del self._private_sends[key_id]

    async def _take_slot(self, priority: int, *, front: bool) -> asyncio.Future[None]:
        """Queues for a slot at ``priority``; returns the waiter once the slot is granted."""
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._queues[priority]
        if front:
            queue.appendleft(fut)
        else:
            queue.append(fut)
        self._pump()
        try:
            await fut
        except asyncio.CancelledError:
            if not fut.cancelled():  # granted, then cancelled before it could be used
                self._give_back(fut)
            raise
        return fut

    def _give_back(self, fut: asyncio.Future[None] | None) -> None:
        """Returns an unused slot, so the next waiter gets it at once."""
        if fut is not None and fut is self._granted:
            self._granted = None
            self._next_slot = self._granted_prev
        self._pump()

    # -- the dispatcher -----------------------------------------------------------------------

    def _head(self) -> deque[asyncio.Future[None]] | None:
        """The queue whose first waiter gets the next slot, skipping cancelled waiters."""
        for queue in self._queues:
            while queue and queue[0].done():
                queue.popleft()
            if queue:
                return queue
        return None

    def _pump(self) -> None:
        """Grants the slot if it is due, and arms the timer for the next one if anyone waits."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        queue = self._head()
        if queue is None:
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        due = max(self._next_slot, self._paused_until)
        if now >= due:
            fut = queue.popleft()
            fut.set_result(None)
            self._granted, self._granted_prev = fut, self._next_slot
            self._next_slot = max(due, now - self._slack) + self._interval
            if self._head() is None:
                return
            due = max(self._next_slot, self._paused_until)
        self._timer = loop.call_at(due, self._pump)
