"""Logs: a failure that repeats fills no disk (identical lines are held back for a minute),
JSON lines carry what they are about, and secrets never reach a line."""

from __future__ import annotations

import contextvars
import io
import json
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest

from bot.logs import (
    RedactFilter,
    RepeatFilter,
    bind_ticket,
    bind_update,
    keep_secret,
    prepare,
    redact,
)


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


# --- JSON lines, context, secrets --------------------------------------------------------------

TOKEN = "424242:Secret-Token_value"


@pytest.fixture
def lines() -> Iterator[tuple[logging.Logger, io.StringIO, io.StringIO]]:
    """A logger writing through the bot's handlers in both formats."""
    keep_secret(TOKEN, "hook-secret-1")
    text, js = io.StringIO(), io.StringIO()
    logger = logging.getLogger("bot.test_logs")
    handlers = [prepare(logging.StreamHandler(text)), prepare(logging.StreamHandler(js), "json")]
    for handler in handlers:
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield logger, text, js
    finally:
        for handler in handlers:
            logger.removeHandler(handler)


def run_in_task(work: Callable[[], None]) -> None:
    """Runs `work` in its own context, as an update's task does."""
    contextvars.copy_context().run(work)


def test_a_json_line_has_time_level_logger_message_and_the_context(
    lines: tuple[logging.Logger, io.StringIO, io.StringIO],
) -> None:
    logger, text, js = lines

    def handle() -> None:
        bind_update(812, 5012)
        logger.info("client wrote %s", "hi")
        bind_ticket(1042)
        logger.warning("relayed")

    run_in_task(handle)
    logger.info("outside any update")
    first, second, third = (json.loads(line) for line in js.getvalue().splitlines())
    assert first["level"] == "INFO" and first["logger"] == "bot.test_logs"
    assert first["message"] == "client wrote hi"
    assert (first["update_id"], first["chat_id"]) == (812, 5012) and "ticket" not in first
    assert (second["update_id"], second["chat_id"], second["ticket"]) == (812, 5012, 1042)
    assert {"update_id", "chat_id", "ticket"}.isdisjoint(third)
    moment = datetime.fromisoformat(first["time"].replace("Z", "+00:00"))
    assert moment.utcoffset() == timedelta(0)
    assert abs((datetime.now(UTC) - moment).total_seconds()) < 60
    assert (
        text.getvalue()
        .splitlines()[1]
        .endswith("relayed [update_id=812 chat_id=5012 ticket=1042]")
    )


def test_an_exception_is_fields_on_one_line(
    lines: tuple[logging.Logger, io.StringIO, io.StringIO],
) -> None:
    logger, _text, js = lines
    try:
        raise ValueError("bad value\non two lines")
    except ValueError:
        logger.exception("could not send")
    (line,) = js.getvalue().splitlines()
    entry = json.loads(line)
    assert entry["exc_type"] == "ValueError"
    assert entry["exc"] == "bad value\non two lines"
    assert entry["traceback"].startswith("Traceback (most recent call last):")
    assert entry["level"] == "ERROR" and entry["message"] == "could not send"


def test_secrets_are_masked_in_messages_values_and_tracebacks(
    lines: tuple[logging.Logger, io.StringIO, io.StringIO],
) -> None:
    logger, text, js = lines
    logger.info("HTTP Request: POST http://t/bot%s/getMe", TOKEN)
    logger.info("header %s", {"secret": "hook-secret-1"})
    logger.info("lower-cased by the library: %s", TOKEN.lower())
    logger.info("quoted: %s", quote(TOKEN, safe=""))
    try:
        raise RuntimeError(f"url /bot{TOKEN}/sendMessage")
    except RuntimeError:
        logger.exception("failed")
    written = text.getvalue() + js.getvalue()
    for secret in (TOKEN, TOKEN.lower(), quote(TOKEN, safe=""), "hook-secret-1"):
        assert secret not in written
    assert "POST http://t/bot***/getMe" in written
    assert redact(f"Conflict at /bot{TOKEN}/getUpdates") == "Conflict at /bot***/getUpdates"


def test_masking_happens_before_lines_are_compared() -> None:
    keep_secret(TOKEN)
    message = logging.LogRecord("httpx", logging.INFO, __file__, 1, "GET /bot%s/x", (TOKEN,), None)
    assert RedactFilter().filter(message)
    assert message.getMessage() == "GET /bot***/x"
    assert message.args is None


def test_a_short_value_is_not_taken_for_a_secret() -> None:
    keep_secret("", None, "ab")
    assert redact("about a bug") == "about a bug"
