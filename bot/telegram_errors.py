"""What Telegram's errors mean: sorted into what to do about them, and whether a failed
request certainly never reached Telegram. Used by the dispatcher (``bot/dispatcher.py``) and
the announcement sender (``bot/broadcast.py``)."""

from __future__ import annotations

import httpx
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

THREAD_GONE = ("message thread not found", "topic_deleted", "topic_id_invalid", "thread not found")
REPLY_GONE = ("message to be replied not found", "replied message not found")


def classify(exc: TelegramError) -> str:
    """Sorts an error into what to do about it."""
    if isinstance(exc, RetryAfter):
        return "retry"
    if isinstance(exc, Forbidden):
        return "blocked"
    if isinstance(exc, BadRequest):
        message = exc.message.lower()
        if any(part in message for part in THREAD_GONE):
            return "thread_gone"
        if any(part in message for part in REPLY_GONE):
            return "reply_gone"
        return "bad"
    if isinstance(exc, TimedOut):
        return "timeout"
    if isinstance(exc, NetworkError):
        return "retry"
    return "bad"


def request_never_left(exc: TelegramError) -> bool:
    """Whether a failed request certainly did not reach Telegram: no connection could be
    made, or the connection pool gave no socket. Anything else may have arrived."""
    cause = exc.__cause__
    if isinstance(cause, httpx.ConnectTimeout | httpx.PoolTimeout | httpx.ConnectError):
        return True
    return isinstance(exc, TimedOut) and cause is None and "pool timeout" in exc.message.lower()
