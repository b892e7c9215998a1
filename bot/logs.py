"""Logging set up once, at start: one format, quiet libraries, no floods, no secrets.

A failure that repeats (Telegram unreachable for an hour, a poll refused again and again)
must not fill the disk: an identical line (same logger, level, message and values) is
written once a minute at most, and the next one written says how many were held back.

``LOG_FORMAT=json`` writes one JSON object a line: time (UTC), level, logger, message, and
the update, chat and ticket the work is about when there is one (carried in context
variables: :func:`bind_update` where an update's handling begins, :func:`bind_ticket` where
a ticket is known). The bot token and the webhook secret never reach a line: every handler
replaces them with ``***`` (:class:`RedactFilter`), and so does :func:`redact` for error
messages shown to a person.
"""

from __future__ import annotations

import json
import logging
import re
import time
import traceback
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

#: What the work in this task is about: the Telegram update, its chat, the ticket's number.
UPDATE_ID: ContextVar[int | None] = ContextVar("log_update_id", default=None)
CHAT_ID: ContextVar[int | None] = ContextVar("log_chat_id", default=None)
TICKET: ContextVar[int | None] = ContextVar("log_ticket", default=None)

MASK = "***"
_secrets: set[str] = set()


def keep_secret(*values: str | None) -> None:
    """Adds values (the token, the webhook secret) that no log line or error text may show."""
    for value in values:
        if value and len(value) >= 6:  # a short value would mask ordinary words
            _secrets.add(value)
            _secrets.add(quote(value, safe=""))


def redact(text: str) -> str:
    """`text` with every kept secret replaced by ``***``, in any case (python-telegram-bot
    lower-cases the error texts it capitalises)."""
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret.lower() in text.lower():
            text = re.sub(re.escape(secret), MASK, text, flags=re.IGNORECASE)
    return text


def bind_update(update_id: int | None, chat_id: int | None) -> None:
    """Marks this task's log lines with the update being handled and its chat."""
    UPDATE_ID.set(update_id)
    CHAT_ID.set(chat_id)
    TICKET.set(None)


def bind_chat(chat_id: int | None) -> None:
    """Marks this task's log lines with the chat the work is for."""
    CHAT_ID.set(chat_id)


def bind_ticket(number: int | None) -> None:
    """Marks this task's log lines with the ticket the work is about (its number)."""
    TICKET.set(number)


class ContextFilter(logging.Filter):
    """Puts the update id, chat id and ticket number of the running task on the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always true: only adds attributes."""
        record.update_id = UPDATE_ID.get()
        record.chat_id = CHAT_ID.get()
        record.ticket = TICKET.get()
        return True


class RedactFilter(logging.Filter):
    """Replaces the kept secrets by ``***`` in a record's message and values."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always true: only rewrites the record."""
        if not _secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format: the handler reports it as usual
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


def _context(record: logging.LogRecord) -> dict[str, int]:
    found = {
        "update_id": getattr(record, "update_id", None),
        "chat_id": getattr(record, "chat_id", None),
        "ticket": getattr(record, "ticket", None),
    }
    return {key: value for key, value in found.items() if value is not None}


class TextFormatter(logging.Formatter):
    """The plain line, with the context in brackets at the end, secrets masked."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        """One record as text (a traceback on the lines after it)."""
        line = super().format(record)
        context = _context(record)
        if context:
            head, sep, rest = line.partition("\n")
            tags = " ".join(f"{key}={value}" for key, value in context.items())
            line = f"{head} [{tags}]{sep}{rest}"
        return redact(line)


class JsonFormatter(logging.Formatter):
    """One JSON object a line; an exception as fields, its traceback as one string."""

    def format(self, record: logging.LogRecord) -> str:
        """One record as a JSON line."""
        when = datetime.fromtimestamp(record.created, UTC)
        entry: dict[str, Any] = {
            "time": when.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_context(record),
        }
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            entry["exc_type"] = type(exc).__name__
            entry["exc"] = str(exc)
            entry["traceback"] = "".join(traceback.format_exception(exc)).rstrip()
        elif record.exc_text:
            entry["traceback"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return redact(json.dumps(entry, ensure_ascii=False, default=str))


class RepeatFilter(logging.Filter):
    """Lets an identical log line through once per `window` seconds."""

    def __init__(self, window: float = 60.0, max_keys: int = 10_000) -> None:
        super().__init__()
        self.window = window
        self.max_keys = max_keys
        self._seen: dict[tuple[str, int, str, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        """True to write the record (possibly noting how many copies were held back)."""
        key = (record.name, record.levelno, str(record.msg), repr(record.args)[:300])
        now = time.monotonic()
        last = self._seen.get(key)
        if last is not None and now - last[0] < self.window:
            self._seen[key] = (last[0], last[1] + 1)
            return False
        held = last[1] if last is not None else 0
        if len(self._seen) >= self.max_keys:
            self._seen.clear()
        self._seen[key] = (now, 0)
        if held:
            record.msg = f"{record.msg} (and {held} more like it in the last minute)"
        return True


def prepare(
    handler: logging.Handler, fmt: str = "text", repeat: RepeatFilter | None = None
) -> logging.Handler:
    """Gives a handler the format, the context, the masking and the repeat filter."""
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    # In this order: masked before a line is compared with the ones before it.
    handler.addFilter(ContextFilter())
    handler.addFilter(RedactFilter())
    handler.addFilter(repeat or RepeatFilter())
    return handler


def setup_logging(level: str, fmt: str = "text", secrets: tuple[str | None, ...] = ()) -> None:
    """Configures logging once, at start; httpx and friends are quiet below WARNING.

    `fmt` is ``text`` or ``json``; `secrets` (the token, the webhook secret) are masked."""
    keep_secret(*secrets)
    logging.basicConfig(level=level.upper())
    repeat = RepeatFilter()
    for handler in logging.getLogger().handlers:
        prepare(handler, fmt, repeat)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
