"""A failure that repeats fills no disk: identical log lines are held back for a minute."""

from __future__ import annotations

import logging

from bot.logs import RepeatFilter


def record(msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("bot.x", logging.WARNING, __file__, 1, msg, args, None)


def test_identical_lines_are_written_once_a_window_and_counted() -> None:
    repeat = RepeatFilter(window=60)
    assert repeat.filter(record("getUpdates failed: %s", "refused"))
    assert not any(repeat.filter(record("getUpdates failed: %s", "refused")) for _ in range(500))
    # A different line is not held back by the first.
    assert repeat.filter(record("getUpdates failed: %s", "timed out"))


def test_after_the_window_the_line_says_how_many_were_held_back() -> None:
    repeat = RepeatFilter(window=0.0)
    assert repeat.filter(record("probe failed"))
    repeat.window = 60
    held = record("probe failed")
    assert not repeat.filter(held)
    repeat.window = 0.0
    again = record("probe failed")
    assert repeat.filter(again)
    assert "1 more like it" in again.getMessage()
