"""The logs of a whole scenario, in both formats and at DEBUG: never the token or the webhook
secret (nor in what engineers or the operator are told), and JSON lines that name the update,
the chat and the ticket."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from bot.app import StartupError, serve
from bot.logs import prepare, redact
from emulator import BotApiEmulator, text_of
from storage.db import DatabaseInUse, sqlite_file
from tests.conftest import make_settings
from tests.e2e.conftest import running_desk

SECRET = "whsec-Do-Not-Log-42"


class Captured:
    """What the root logger wrote, through the bot's own handlers, in each format."""

    def __init__(self) -> None:
        self.streams = {"text": io.StringIO(), "json": io.StringIO()}

    def text(self) -> str:
        return self.streams["text"].getvalue()

    def json_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.streams["json"].getvalue().splitlines()]


@pytest.fixture
def captured() -> Iterator[Captured]:
    """Both formats at DEBUG, and httpx's request lines (with the token in the URL) on."""
    found = Captured()
    root = logging.getLogger()
    handlers = [prepare(logging.StreamHandler(s), fmt) for fmt, s in found.streams.items()]
    levels = {name: logging.getLogger(name).level for name in ("", "httpx")}
    root.setLevel(logging.DEBUG)
    logging.getLogger("httpx").setLevel(logging.INFO)
    for handler in handlers:
        root.addHandler(handler)
    try:
        yield found
    finally:
        for handler in handlers:
            root.removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_a_scenario_logs_no_secret_and_names_update_chat_and_ticket(
    emu: BotApiEmulator, database_url: str, captured: Captured
) -> None:
    token = emu.token
    told: list[str] = []  # what people read: the engineers' group, the operator's terminal
    async with running_desk(emu, database_url, webhook_secret=SECRET) as desk:
        client = desk.client()
        number = await desk.register(client)
        engineer = desk.engineers[0]

        # A 429 towards the group, then Telegram briefly unreachable.
        emu.inject_error("copyMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
        desk.emu.send_text(client, client, "Под лимитом")
        await emu.wait_for(
            lambda: any(text_of(m) == "Под лимитом" for m in desk.thread_messages(number)),
            timeout=15,
        )
        emu.refuse_connections(1.5)
        await asyncio.sleep(2.5)

        # The engineer answers; Telegram refuses the copy with an answer that quotes the
        # request's URL, token included: the engineers are told why, without the token.
        emu.inject_error(
            "copyMessage",
            400,
            f"Bad Request: message is too long (POST /bot{token}/copyMessage)",
            when=lambda p: p.get("chat_id") == client,
        )
        desk.engineer_says(engineer, number, "Очень длинный ответ")
        notice = await desk.bot_says(
            desk.group, "Не доставлено клиенту", thread_id=desk.topic(number), timeout=15
        )
        assert "Message is too long (post /bot***/copymessage)" in text_of(notice)
        desk.engineer_says(engineer, number, "Перезапустите, пожалуйста")
        await desk.bot_says(client, "Перезапустите, пожалуйста", timeout=15)

        # Start-up failures: a second bot on the same SQLite file; Telegram unreachable.
        group = desk.group
        if sqlite_file(database_url) is not None:
            second = make_settings(emu, group, database_url, webhook_secret=SECRET)
            with pytest.raises(DatabaseInUse) as in_use:
                await asyncio.wait_for(serve(second, stop=asyncio.Event()), timeout=30)
            told.append(redact(str(in_use.value)))
        for chat in (group, client):
            told.extend(text_of(m) for m in emu.messages(chat))

    away = make_settings(
        emu, group, database_url, telegram_api_url=f"http://127.0.0.1:{closed_port()}"
    )
    with pytest.raises(StartupError) as unreachable:
        await asyncio.wait_for(serve(away, stop=asyncio.Event()), timeout=30)
    told.append(redact(str(unreachable.value)))

    text, lines = captured.text(), captured.json_lines()
    everything = "\n".join([text, captured.streams["json"].getvalue(), *told])
    for secret in (token, quote(token, safe=""), SECRET):
        assert secret not in everything
    # It was there to leak: httpx writes every request's URL, the token masked.
    assert "/bot***/getUpdates" in text
    assert any("***" in line["message"] for line in lines if line["logger"] == "httpx")

    # One JSON object a line, in UTC, with what each line is about where there is one.
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    assert all(line["time"].endswith("Z") for line in lines)
    about_ticket = [line for line in lines if line.get("ticket") == number]
    assert any(line.get("chat_id") == client and "update_id" in line for line in about_ticket)
    assert any(line.get("chat_id") == desk.group for line in about_ticket)
    assert any("429" in line["message"] and line.get("ticket") == number for line in lines)
    assert "getUpdates failed" in text or "Telegram did not answer" in text
