"""Logging set up once, at start: one format, quiet libraries, no floods.

A failure that repeats (Telegram unreachable for an hour, a poll refused again and again)
must not fill the disk: an identical line (same logger, level, message and values) is
written once a minute at most, and the next one written says how many were held back.
"""

from __future__ import annotations

import logging
import time


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


def setup_logging(level: str) -> None:
    """Configures logging once, at start; httpx and friends are quiet below WARNING."""
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    repeat = RepeatFilter()
    for handler in logging.getLogger().handlers:
        handler.addFilter(repeat)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
