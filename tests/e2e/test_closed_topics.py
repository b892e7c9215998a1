"""A closed ticket's topic is closed too, and opens again with the ticket; engineers who are
not admins reopen a ticket from General with ``/reopen <number>``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from desk.clock import ManualClock
from emulator import ApiError, BotApiEmulator, text_of
from tests.e2e.conftest import ClockDesk, Desk, running_desk

MSK = ZoneInfo("Europe/Moscow")
FRIDAY = datetime(2025, 3, 14, 15, 0, tzinfo=MSK)


def topic(desk: Desk, number: int) -> dict[str, Any]:
    thread = desk.topic(number)
    assert thread is not None
    return desk.emu.topics(desk.group)[thread]


async def closed(desk: Desk, number: int, state: bool = True) -> None:
    await desk.emu.wait_for(lambda: topic(desk, number)["closed"] is state)


async def test_close_locks_the_topic_and_reopen_from_general_opens_it(desk: Desk) -> None:
    client = desk.client()
    engineer = desk.engineers[0]  # an ordinary member of the group, not an admin
    number = await desk.register(client)
    desk.engineer_command(engineer, number, "/take")
    await desk.emu.wait_for(lambda: topic(desk, number)["name"].startswith("🟡"))
    mark = desk.last_id(client)
    desk.engineer_command(engineer, number, "/close")
    await desk.bot_says(client, "закрыта", after=mark)
    await closed(desk, number)
    # The lock says "closed": the title keeps its colour, no rename is spent on it.
    assert topic(desk, number)["name"].startswith(f"🟡 #{number}")
    assert not desk.emu.calls_of("editForumTopic")[1:]

    # The bot still posts into the closed topic (the client's rating arrives there) ...
    rate = await desk.bot_says(client, "Оцените", after=mark)
    await desk.press(client, rate, "⭐⭐⭐")
    await desk.bot_says(desk.group, "(3/5)", thread_id=desk.topic(number))
    # ... while an engineer who is not an admin can no longer write in it.
    with pytest.raises(ApiError, match="TOPIC_CLOSED"):
        desk.engineer_command(engineer, number, "/reopen")
    with pytest.raises(ApiError, match="TOPIC_CLOSED"):
        desk.emu.send_text(
            desk.group, engineer, "/reopen", reply_to=desk.header(number)["message_id"]
        )

    # From General, the ticket's number says which one.
    mark = desk.last_id(client)
    desk.emu.send_command(desk.group, engineer, f"/reopen {number}")
    await desk.bot_says(client, "снова открыта", after=mark)
    await closed(desk, number, False)
    desk.engineer_says(engineer, number, "Продолжаем")
    await desk.bot_says(client, "Продолжаем", after=mark)


async def test_reopen_from_general_names_a_ticket_that_exists(desk: Desk) -> None:
    engineer = desk.engineers[0]
    desk.emu.send_command(desk.group, engineer, "/reopen")
    said = await desk.bot_says(desk.group, "укажите её номер")
    assert "/reopen 1042" in text_of(said)
    desk.emu.send_command(desk.group, engineer, "/reopen 9999")
    await desk.bot_says(desk.group, "Заявки #9999 нет", after=said["message_id"])


async def test_the_client_writing_to_a_closed_ticket_opens_its_topic(desk: Desk) -> None:
    client = desk.client()
    engineer = desk.engineers[0]
    number = await desk.register(client)
    mark = desk.last_id(client)
    desk.engineer_says(engineer, number, "Готово, проверьте")
    answer = await desk.bot_says(client, "Готово, проверьте", after=mark)
    desk.engineer_command(engineer, number, "/close")
    await closed(desk, number)
    again = desk.emu.send_text(client, client, "Нет, снова падает", reply_to=answer["message_id"])
    await desk.bot_says(client, "снова открыта", after=answer["message_id"])
    await closed(desk, number, False)
    await desk.emu.wait_for(
        lambda: any(text_of(m) == "Нет, снова падает" for m in desk.thread_messages(number))
    )
    # In order: the topic opened before the client's words arrived in it.
    calls = desk.emu.calls
    reopened = next(i for i, (m, _p) in enumerate(calls) if m == "reopenForumTopic")
    copied = next(
        i
        for i, (m, p) in enumerate(calls)
        if m == "copyMessage" and p.get("message_id") == again["message_id"]
    )
    assert reopened < copied


async def test_a_topic_already_closed_counts_as_closed(desk: Desk) -> None:
    client = desk.client()
    number = await desk.register(client)
    thread = desk.topic(number)
    assert thread is not None
    desk.emu.state.chats[desk.group].topics[thread].closed = True  # closed by hand
    admin = desk.emu.add_user(first_name="Админ", username=None, language_code="ru")
    desk.emu.add_member(desk.group, admin, "administrator")  # admins write in closed topics
    mark = desk.last_id(client)
    desk.engineer_command(admin, number, "/close")
    await desk.bot_says(client, "закрыта", after=mark)
    await desk.emu.wait_for(
        lambda: any(
            m == "closeForumTopic" and "TOPIC_NOT_MODIFIED" in str(e)
            for m, _p, e in desk.emu.errors
        )
    )
    await asyncio.sleep(0.5)
    # Telegram's "not modified" means done: the record is not retried and nobody is told.
    assert len(desk.emu.calls_of("closeForumTopic")) == 1
    assert not any("не принял" in text_of(m) for m in desk.emu.messages(desk.group))


@pytest.fixture
async def cdesk(emu: BotApiEmulator, database_url: str) -> AsyncIterator[ClockDesk]:
    async with running_desk(emu, database_url, clock=ManualClock(FRIDAY), sweep_interval=0.2) as d:
        assert isinstance(d, ClockDesk)
        yield d


async def test_auto_close_closes_the_topic_after_its_notice(cdesk: ClockDesk) -> None:
    desk = cdesk
    client = desk.client()
    number = await desk.register(client)
    desk.engineer_command(desk.engineers[0], number, "/ask Пришлите журнал")
    await desk.bot_says(client, "нужна информация")
    desk.advance_to(datetime(2025, 3, 21, 15, 1, tzinfo=MSK))
    closed_notice = await desk.bot_says(client, "закрыта автоматически")
    await desk.bot_says(desk.group, "закрыта автоматически", thread_id=desk.topic(number))
    await closed(desk, number)
    # In order: the engineers' notice first, then the lock.
    calls = desk.emu.calls
    notice = next(
        i
        for i, (m, p) in enumerate(calls)
        if m == "sendMessage"
        and "закрыта автоматически" in str(p.get("text"))
        and p.get("chat_id") == desk.group
    )
    locked = next(i for i, (m, _p) in enumerate(calls) if m == "closeForumTopic")
    assert notice < locked
    await desk.press(client, closed_notice, "🔄 Переоткрыть")
    await desk.bot_says(client, "снова открыта", after=closed_notice["message_id"])
    await closed(desk, number, False)


async def test_a_group_without_topics_is_unaffected(
    emu: BotApiEmulator, database_url: str
) -> None:
    async with running_desk(emu, database_url, forum=False) as desk:
        client = desk.client()
        number = await desk.register(client)
        mark = desk.last_id(client)
        desk.engineer_command(desk.engineers[0], number, "/close")
        await desk.bot_says(client, "закрыта", after=mark)
        mark = desk.last_id(client)
        desk.engineer_command(desk.engineers[0], number, "/reopen")
        await desk.bot_says(client, "снова открыта", after=mark)
        await asyncio.sleep(0.5)
        assert not desk.emu.calls_of("closeForumTopic")
        assert not desk.emu.calls_of("reopenForumTopic")
