"""Confirmation, reminders, auto-close after business days, reopening and ratings, with a
clock the test moves."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.app import build_application
from bot.service.sweeps import sweep_waiting
from desk.clock import ManualClock
from emulator import BotApiEmulator, buttons, text_of
from tests.e2e.conftest import ClockDesk, Desk, running_desk

MSK = ZoneInfo("Europe/Moscow")
FRIDAY = datetime(2025, 3, 14, 15, 0, tzinfo=MSK)


@pytest.fixture
async def cdesk(emu: BotApiEmulator, database_url: str) -> AsyncIterator[ClockDesk]:
    async with running_desk(emu, database_url, clock=ManualClock(FRIDAY), sweep_interval=0.2) as d:
        assert isinstance(d, ClockDesk)
        yield d


def title(desk: Desk, number: int) -> str:
    return str(desk.topic_info(number)["name"])


def topic_closed(desk: Desk, number: int) -> bool:
    return bool(desk.topic_info(number)["closed"])


async def test_solution_confirmed_then_rated_with_a_comment(cdesk: ClockDesk) -> None:
    desk = cdesk
    client = desk.client()
    number = await desk.register(client)
    mark = desk.last_id(client)
    desk.engineer_command(desk.engineers[0], number, "/solve Обновите клиент до 5.2.1")
    proposal = await desk.bot_says(client, "предлагает решение", after=mark)
    assert "Обновите клиент до 5.2.1" in text_of(proposal)
    await desk.bot_says(
        desk.group, "закроется сама 21.03.2025 15:00", thread_id=desk.topic(number)
    )
    await desk.emu.wait_for(lambda: title(desk, number).startswith("🟣"))

    await desk.press(client, proposal, "👍 Да, решён")
    await desk.bot_says(client, "Спасибо! Заявка", after=proposal["message_id"])
    await desk.bot_says(desk.group, "подтвердил решение", thread_id=desk.topic(number))
    await desk.emu.wait_for(lambda: topic_closed(desk, number))
    rate = await desk.bot_says(client, "Оцените", after=proposal["message_id"])
    assert buttons(rate) == ["⭐", "⭐⭐", "⭐⭐⭐", "⭐⭐⭐⭐", "⭐⭐⭐⭐⭐"]
    await desk.press(client, rate, "⭐⭐⭐⭐")
    thanks = await desk.bot_says(client, "Спасибо за оценку", after=rate["message_id"])
    await desk.bot_says(desk.group, "(4/5)", thread_id=desk.topic(number))
    desk.emu.send_text(client, client, "Всё быстро, спасибо Ольге", reply_to=thanks["message_id"])
    await desk.bot_says(desk.group, "Всё быстро, спасибо Ольге", thread_id=desk.topic(number))
    await desk.bot_says(client, "комментарий передан", after=thanks["message_id"])


async def test_solution_rejected_goes_back_to_work(cdesk: ClockDesk) -> None:
    desk = cdesk
    client = desk.client()
    number = await desk.register(client)
    mark = desk.last_id(client)
    desk.engineer_command(desk.engineers[0], number, "/solve")
    proposal = await desk.bot_says(client, "считает вопрос решённым", after=mark)
    await desk.press(client, proposal, "👎 Нет, не решён")
    await desk.bot_says(client, "снова в работе", after=proposal["message_id"])
    await desk.bot_says(desk.group, "решение не помогло", thread_id=desk.topic(number))
    await desk.emu.wait_for(lambda: title(desk, number).startswith("🟡"))
    # The clock stopped: a week later nothing closes.
    desk.advance_to(FRIDAY + timedelta(days=14))
    await asyncio.sleep(0.8)
    assert not any("автоматически" in text_of(m) for m in desk.emu.messages(client))


async def test_silence_reminder_autoclose_and_reopen(cdesk: ClockDesk) -> None:
    desk = cdesk
    client = desk.client()
    number = await desk.register(client)
    mark = desk.last_id(client)
    desk.engineer_command(desk.engineers[0], number, "/ask Пришлите, пожалуйста, server.log")
    await desk.bot_says(client, "нужна информация", after=mark)

    desk.advance_to(datetime(2025, 3, 20, 14, 59, tzinfo=MSK))  # a minute before the reminder
    await asyncio.sleep(0.8)
    assert not any("ждём вашего ответа" in text_of(m) for m in desk.emu.messages(client))
    desk.advance_to(datetime(2025, 3, 20, 15, 1, tzinfo=MSK))
    reminder = await desk.bot_says(client, "ждём вашего ответа", after=mark)
    assert "21.03.2025 15:00" in text_of(reminder)

    desk.advance_to(datetime(2025, 3, 21, 15, 1, tzinfo=MSK))
    closed = await desk.bot_says(client, "закрыта автоматически", after=reminder["message_id"])
    assert "не было 5 рабочих дней" in text_of(closed)
    await desk.bot_says(desk.group, "закрыта автоматически", thread_id=desk.topic(number))
    await desk.emu.wait_for(lambda: topic_closed(desk, number))
    assert [text_of(m) for m in desk.emu.messages(client)].count(text_of(reminder)) == 1

    await desk.press(client, closed, "🔄 Переоткрыть")
    await desk.bot_says(client, "снова открыта", after=closed["message_id"])
    await desk.bot_says(desk.group, "переоткрыл", thread_id=desk.topic(number))
    await desk.emu.wait_for(lambda: title(desk, number).startswith("🟡"))


async def test_any_client_message_resets_the_clock(cdesk: ClockDesk) -> None:
    desk = cdesk
    client = desk.client()
    number = await desk.register(client)
    desk.engineer_command(desk.engineers[0], number, "/ask Какая у вас версия?")
    await desk.bot_says(client, "нужна информация")
    desk.advance_to(datetime(2025, 3, 18, 10, tzinfo=MSK))
    desk.emu.send_text(client, client, "Версия 5.2")
    await desk.emu.wait_for(
        lambda: any(text_of(m) == "Версия 5.2" for m in desk.thread_messages(number))
    )
    await desk.emu.wait_for(lambda: title(desk, number).startswith("🟡"))
    desk.advance_to(datetime(2025, 4, 30, 10, tzinfo=MSK))
    await asyncio.sleep(0.8)
    assert not any(
        "автоматически" in text_of(m) or "ждём вашего" in text_of(m)
        for m in desk.emu.messages(client)
    )


async def test_restart_between_reminder_and_close(cdesk: ClockDesk) -> None:
    desk = cdesk
    client = desk.client()
    number = await desk.register(client)
    desk.engineer_command(desk.engineers[0], number, "/solve Перезапустите службу")
    await desk.bot_says(client, "предлагает решение")
    desk.advance_to(datetime(2025, 3, 20, 16, tzinfo=MSK))
    await desk.bot_says(client, "ждём вашего ответа")
    await desk.bot.stop()
    desk.advance_to(datetime(2025, 3, 24, 9, tzinfo=MSK))  # the close was due while it was down
    await desk.bot.start()
    await desk.bot_says(client, "закрыта автоматически", timeout=15)
    texts = [text_of(m) for m in desk.emu.messages(client)]
    assert sum("ждём вашего ответа" in x for x in texts) == 1
    assert sum("закрыта автоматически" in x for x in texts) == 1
    assert number == 1001


async def answered_and_closed(desk: ClockDesk) -> tuple[int, int, dict[str, Any]]:
    """A client's ticket an engineer answered and closed: the client, number, answer."""
    client = desk.client()
    number = await desk.register(client)
    mark = desk.last_id(client)
    desk.engineer_says(desk.engineers[0], number, "Готово, проверьте")
    answer = await desk.bot_says(client, "Готово, проверьте", after=mark)
    desk.engineer_command(desk.engineers[0], number, "/close")
    await desk.bot_says(client, "закрыта", after=answer["message_id"])
    return client, number, answer


async def test_after_the_reopening_window_a_new_ticket_refers_to_the_old(cdesk: ClockDesk) -> None:
    desk = cdesk
    client, number, answer = await answered_and_closed(desk)
    desk.advance_to(FRIDAY + timedelta(days=31))
    mark = desk.last_id(client)
    desk.emu.send_text(client, client, "Опять не работает", reply_to=answer["message_id"])
    offer = await desk.bot_says(client, "переоткрыть её уже нельзя", after=mark)
    assert f"#{number}" in text_of(offer)
    await desk.press(client, offer, "Пожелание / предложение")
    step3 = await desk.bot_says(client, "Шаг 3 из 3", after=offer["message_id"])
    await desk.press(client, step3, "✅ Готово")
    summary = await desk.bot_says(client, "Проверьте заявку", after=step3["message_id"])
    await desk.press(client, summary, "✅ Отправить")
    await desk.emu.wait_for(lambda: desk.find_header(1002) is not None)
    assert f"Продолжение заявки #{number}" in text_of(desk.header(1002))


async def test_reply_within_the_window_reopens_and_delivers(cdesk: ClockDesk) -> None:
    desk = cdesk
    client, number, answer = await answered_and_closed(desk)
    desk.advance_to(FRIDAY + timedelta(days=3))
    desk.emu.send_text(client, client, "Нет, снова падает", reply_to=answer["message_id"])
    await desk.bot_says(client, "снова открыта", after=answer["message_id"])
    await desk.emu.wait_for(
        lambda: any(text_of(m) == "Нет, снова падает" for m in desk.thread_messages(number))
    )


async def test_two_replicas_sweeping_at_once_close_once(cdesk: ClockDesk) -> None:
    desk = cdesk
    client = desk.client()
    number = await desk.register(client)
    desk.engineer_command(desk.engineers[0], number, "/ask Что в журнале?")
    await desk.bot_says(client, "нужна информация")
    await desk.bot.stop()  # only the two replicas below sweep
    settings = desk.bot.settings
    desk.advance_to(datetime(2025, 3, 28, 12, tzinfo=MSK))
    replicas = [build_application(settings, clock=desk.clock) for _ in range(2)]
    for app in replicas:
        await app.initialize()
        app.bot_data.forum = True
    try:
        results = await asyncio.gather(*(sweep_waiting(a.bot_data) for a in replicas))
    finally:
        for app in replicas:
            await app.shutdown()
            await app.bot_data.engine.dispose()
    assert sum(closed for _, closed in results) == 1
    # The close and its message were stored together; the bot sends it once it runs.
    await desk.bot.start()
    await desk.bot_says(client, "закрыта автоматически")
    await asyncio.sleep(0.5)
    texts = [text_of(m) for m in desk.emu.messages(client)]
    assert sum("закрыта автоматически" in x for x in texts) == 1
