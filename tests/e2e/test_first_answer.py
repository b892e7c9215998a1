"""The registration confirmation says when the first answer is due, in working-hours words."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
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


def confirmation(desk: ClockDesk, client: int, number: int) -> str:
    """The message that confirmed the ticket's registration."""
    marks = (f"#{number} зарегистрирована", f"#{number} is registered")
    return next(
        text_of(m) for m in desk.emu.messages(client) if any(x in text_of(m) for x in marks)
    )


async def test_a_high_incident_on_friday_afternoon_is_answered_today(cdesk: ClockDesk) -> None:
    client = cdesk.client()
    number = await cdesk.register(client, priority="high", appear=False)
    assert "Ожидайте первого ответа сегодня до 17:00." in confirmation(cdesk, client, number)


async def test_a_friday_evening_ticket_is_answered_on_monday(cdesk: ClockDesk) -> None:
    cdesk.advance_to(datetime(2025, 3, 14, 17, 30, tzinfo=MSK))
    client = cdesk.client()
    number = await cdesk.register(client, priority="high", appear=False)
    assert "Ожидайте первого ответа в понедельник, 17 марта, до 10:30." in confirmation(
        cdesk, client, number
    )
    english = cdesk.client("John", last_name=None, username="john", language_code="en")
    number = await cdesk.register(english, priority="high", lang="en", appear=False)
    assert "Expect the first answer on Monday, 17 March, by 10:30." in confirmation(
        cdesk, english, number
    )


async def test_a_thursday_evening_ticket_is_answered_tomorrow(cdesk: ClockDesk) -> None:
    cdesk.advance_to(datetime(2025, 3, 20, 17, 30, tzinfo=MSK))
    client = cdesk.client(language_code="en")
    number = await cdesk.register(client, priority="normal", lang="en", appear=False)
    assert "Expect the first answer tomorrow by 12:30." in confirmation(cdesk, client, number)
