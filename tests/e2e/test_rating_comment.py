"""After rating a ticket the client's next message, within RATING_COMMENT_MINUTES, is the
comment: no reply gesture needed, and a restart in between loses nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from desk.clock import ManualClock
from emulator import BotApiEmulator, text_of
from tests.e2e.conftest import ClockDesk, running_desk

MSK = ZoneInfo("Europe/Moscow")
FRIDAY = datetime(2025, 3, 14, 15, 0, tzinfo=MSK)


@pytest.fixture
async def cdesk(emu: BotApiEmulator, database_url: str) -> AsyncIterator[ClockDesk]:
    async with running_desk(emu, database_url, clock=ManualClock(FRIDAY)) as d:
        assert isinstance(d, ClockDesk)
        yield d


async def rated(desk: ClockDesk) -> tuple[int, int, dict[str, Any]]:
    """A client whose ticket an engineer closed and who pressed four stars: the client,
    the number, and the bot's thanks for the rating."""
    client = desk.client()
    number = await desk.register(client)
    mark = desk.last_id(client)
    desk.engineer_command(desk.engineers[0], number, "/close")
    rate = await desk.bot_says(client, "Оцените", after=mark)
    await desk.press(client, rate, "⭐⭐⭐⭐")
    thanks = await desk.bot_says(client, "Спасибо за оценку", after=rate["message_id"])
    assert "следующим сообщением" in text_of(thanks)
    await desk.bot_says(desk.group, "(4/5)", thread_id=desk.topic(number))
    return client, number, thanks


async def test_the_next_plain_message_is_the_comment(cdesk: ClockDesk) -> None:
    desk = cdesk
    client, number, thanks = await rated(desk)
    desk.advance_to(FRIDAY + timedelta(minutes=9))
    desk.emu.send_text(client, client, "Всё отлично, спасибо Ольге")  # not a reply
    saved = await desk.bot_says(client, "комментарий передан", after=thanks["message_id"])
    feedback = await desk.bot_says(
        desk.group, "Всё отлично, спасибо Ольге", thread_id=desk.topic(number)
    )
    assert "(4/5)" in text_of(feedback)  # the same feedback message, edited
    # It was taken as the comment, not as a question for the knowledge base.
    assert not any(
        "Пожалуйста" in text_of(m) or "Шаг 1 из 3" in text_of(m)
        for m in desk.emu.messages(client)
        if m["message_id"] > thanks["message_id"]
    )
    # The window is over once the comment is in: the next message goes the usual way.
    desk.emu.send_text(client, client, "спасибо")
    await desk.bot_says(client, "Пожалуйста", after=saved["message_id"])


async def test_the_comment_window_survives_a_restart(cdesk: ClockDesk) -> None:
    desk = cdesk
    client, number, thanks = await rated(desk)
    await desk.bot.restart()
    desk.emu.send_text(client, client, "Долго ждали первого ответа")
    await desk.bot_says(client, "комментарий передан", after=thanks["message_id"])
    await desk.bot_says(desk.group, "Долго ждали первого ответа", thread_id=desk.topic(number))


async def test_a_message_after_the_window_is_an_ordinary_message(cdesk: ClockDesk) -> None:
    desk = cdesk
    client, number, thanks = await rated(desk)
    desk.advance_to(FRIDAY + timedelta(minutes=11))
    desk.emu.send_text(client, client, "спасибо")
    await desk.bot_says(client, "Пожалуйста", after=thanks["message_id"])
    await asyncio.sleep(0.5)
    assert not any("комментарий передан" in text_of(m) for m in desk.emu.messages(client))
    assert not any(
        "Комментарий клиента" in text_of(m) for m in desk.thread_messages(number, from_bot=True)
    )


async def test_a_command_in_the_window_acts_as_a_command_and_ends_it(cdesk: ClockDesk) -> None:
    desk = cdesk
    client, _number, thanks = await rated(desk)
    desk.emu.send_command(client, client, "/tickets")
    listing = await desk.bot_says(client, "Ваши заявки", after=thanks["message_id"])
    desk.emu.send_text(client, client, "спасибо")
    await desk.bot_says(client, "Пожалуйста", after=listing["message_id"])
    await asyncio.sleep(0.5)
    assert not any("комментарий передан" in text_of(m) for m in desk.emu.messages(client))


async def test_a_reply_to_the_rating_still_comments(cdesk: ClockDesk) -> None:
    desk = cdesk
    client, number, thanks = await rated(desk)
    desk.advance_to(FRIDAY + timedelta(hours=2))  # a reply says what it answers: no window
    desk.emu.send_text(client, client, "Поздно, но спасибо", reply_to=thanks["message_id"])
    await desk.bot_says(client, "комментарий передан", after=thanks["message_id"])
    await desk.bot_says(desk.group, "Поздно, но спасибо", thread_id=desk.topic(number))
