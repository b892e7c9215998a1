"""Deadlines in working hours: warnings, breaches, the manager, the digest, "No answer?" and
requests to raise a ticket's priority."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.app import build_application
from bot.service.sweeps import post_digest
from desk.clock import ManualClock
from emulator import BotApiEmulator, buttons, text_of
from tests.e2e.conftest import ClockDesk, Desk, running_desk

MSK = ZoneInfo("Europe/Moscow")
MONDAY = datetime(2025, 3, 17, 9, 0, tzinfo=MSK)


@pytest.fixture
async def sdesk(emu: BotApiEmulator, database_url: str) -> AsyncIterator[ClockDesk]:
    manager = emu.add_user(
        first_name="Марина",
        last_name="Руководитель",
        username="boss",
        language_code="ru",
        started=True,
    )
    async with running_desk(
        emu, database_url, clock=ManualClock(MONDAY), sweep_interval=0.2, manager_id=manager
    ) as d:
        assert isinstance(d, ClockDesk)
        d.manager = manager
        yield d


async def open_card(desk: Desk, client: int, number: int) -> dict[str, Any]:
    mark = desk.last_id(client)
    desk.emu.send_command(client, client, "/tickets")
    listing = await desk.bot_says(client, "Ваши заявки", after=mark)
    await desk.press(client, listing, next(b for b in buttons(listing) if f"#{number}" in b))
    card: dict[str, Any] = await desk.emu.wait_for(
        lambda: "Статус" in text_of(m := desk.emu.get_message(client, listing["message_id"])) and m
    )
    return card


async def test_warning_breach_and_the_manager(sdesk: ClockDesk) -> None:
    desk = sdesk
    client = desk.client()
    number = await desk.register(client, kind="incident", priority="critical")
    header = desk.header(number)
    assert "Реакция до: 17.03.2025 10:00" in text_of(header)
    assert "Решение до: 17.03.2025 17:00" in text_of(header)
    thread = desk.topic(number)

    desk.advance_to(datetime(2025, 3, 17, 9, 49, tzinfo=MSK))  # 80 % of one hour
    await desk.bot_says(desk.group, "80% срока первой реакции", thread_id=thread)
    desk.advance_to(datetime(2025, 3, 17, 10, 1, tzinfo=MSK))
    await desk.bot_says(desk.group, "первой реакции по заявке #1001 нарушен", thread_id=thread)

    mark = desk.last_id(client)
    desk.engineer_says(desk.engineers[0], number, "Смотрим логи")
    await desk.bot_says(client, "Смотрим логи", after=mark)
    desk.advance_to(datetime(2025, 3, 17, 15, 25, tzinfo=MSK))  # 80 % of 8 working hours
    await desk.bot_says(desk.group, "80% срока решения", thread_id=thread)
    desk.advance_to(datetime(2025, 3, 17, 17, 1, tzinfo=MSK))
    await desk.bot_says(desk.group, "Руководитель уведомлён", thread_id=thread)
    first_alert = await desk.bot_says(desk.manager, "Просрочена заявка #1001")
    assert "Срок: 17.03.2025 10:00" in text_of(first_alert)
    alert = await desk.bot_says(desk.manager, "Срок: 17.03.2025 17:00")
    assert "Иван Петров" in text_of(alert) and "Статус: Новая" in text_of(alert)
    assert f"https://t.me/c/{str(desk.group)[4:]}/{thread}" in text_of(alert)
    await asyncio.sleep(0.6)  # further sweeps announce nothing twice
    notices = [text_of(m) for m in desk.emu.messages(desk.group, thread_id=thread)]
    assert sum("нарушен" in n for n in notices) == 2
    assert len(desk.emu.messages(desk.manager, from_bot=True)) == 2  # first response, resolution


async def test_waiting_for_the_client_pauses_the_resolution_clock(sdesk: ClockDesk) -> None:
    desk = sdesk
    client = desk.client()
    number = await desk.register(client, kind="incident", priority="critical")
    desk.engineer_command(desk.engineers[0], number, "/ask Пришлите журнал")
    await desk.bot_says(client, "нужна информация")
    card = await open_card(desk, client, number)
    assert "на паузе" in text_of(card)
    desk.advance_to(datetime(2025, 3, 18, 9, 0, tzinfo=MSK))  # 9 working hours later
    await asyncio.sleep(0.6)
    assert not any(
        "нарушен" in text_of(m)
        for m in desk.emu.messages(desk.group, thread_id=desk.topic(number))
    )
    desk.emu.send_text(client, client, "Вот журнал")
    # The client's words arrive in the thread and the topic turns yellow: back in work.
    await desk.emu.wait_for(
        lambda: any(text_of(m) == "Вот журнал" for m in desk.thread_messages(number))
    )
    await desk.emu.wait_for(lambda: desk.topic_info(number)["name"].startswith("🟡"))
    card = await open_card(desk, client, number)
    assert "Срок решения: 18.03.2025 17:00" in text_of(card)  # pushed by the paused day


async def test_no_answer_button(sdesk: ClockDesk) -> None:
    desk = sdesk
    client = desk.client()
    number = await desk.register(client, kind="incident", priority="high")
    card = await open_card(desk, client, number)
    assert "Срок решения:" in text_of(card)
    await desk.press(client, card, "❓ Нет ответа?")
    await desk.bot_says(client, "ещё не прошёл")
    desk.advance_to(datetime(2025, 3, 18, 12, 0, tzinfo=MSK))  # first response was due 11:00
    card = await open_card(desk, client, number)
    mark = desk.last_id(client)
    await desk.press(client, card, "❓ Нет ответа?")
    told = await desk.bot_says(client, "сообщили руководителю", after=mark)
    assert f"#{number}" in text_of(told)
    await desk.bot_says(desk.manager, "почему нет ответа по заявке #1001")


async def test_priority_raise_accepted_and_declined(sdesk: ClockDesk) -> None:
    desk = sdesk
    client = desk.client()
    first = await desk.register(client, kind="incident", priority="normal", description="Первая")
    second = await desk.register(client, kind="incident", priority="low", description="Вторая")
    engineer = desk.engineers[0]

    card = await open_card(desk, client, first)
    await desk.press(client, card, "⬆️ Повысить приоритет")
    await desk.bot_says(client, "Почему заявку")
    mark = desk.last_id(client)
    desk.emu.send_text(client, client, "СРОЧНО!!!")
    await desk.bot_says(client, "не похоже на причину", after=mark)
    desk.emu.send_text(
        client, client, "Не проходит подписание у всего отдела закупок, стоят платежи"
    )
    await desk.bot_says(client, "Просьба передана", after=mark)
    request = await desk.bot_says(desk.group, "просит повысить", thread_id=desk.topic(first))
    assert "Обычный → Высокий" in text_of(request) and "отдела закупок" in text_of(request)
    assert not any("СРОЧНО" in text_of(m) for m in desk.thread_messages(first))
    mark = desk.last_id(client)
    await desk.press_as(desk.group, engineer, request, "✅ Принять")
    await desk.bot_says(client, "повышен: Высокий", after=mark)
    await desk.emu.wait_for(lambda: "Высокий" in text_of(desk.header(first)))

    card = await open_card(desk, client, second)
    await desk.press(client, card, "⬆️ Повысить приоритет")
    await desk.bot_says(client, "Почему заявку", after=mark)
    desk.emu.send_text(client, client, "Отчёты по складу не строятся у трёх бухгалтеров с утра")
    request = await desk.bot_says(desk.group, "просит повысить", thread_id=desk.topic(second))
    mark = desk.last_id(client)
    await desk.press_as(desk.group, engineer, request, "✖️ Отклонить")
    await desk.bot_says(client, "оставлен прежним (Низкий)", after=mark)
    # A second press of a decided request changes nothing.
    await desk.press_as(desk.group, engineer, request, "✅ Принять")
    await asyncio.sleep(0.3)
    assert "Низкий" in text_of(desk.header(second))


async def test_daily_digest_is_posted_once_by_two_replicas(sdesk: ClockDesk) -> None:
    desk = sdesk
    client = desk.client()
    number = await desk.register(client, kind="incident", priority="critical")
    desk.advance_to(datetime(2025, 3, 18, 9, 0, tzinfo=MSK))
    await desk.bot_says(desk.group, "нарушен", thread_id=desk.topic(number))
    replicas = [build_application(desk.bot.settings, clock=desk.clock) for _ in range(2)]
    for app in replicas:
        await app.initialize()
        app.bot_data.forum = True
    try:
        posted = await asyncio.gather(*(post_digest(a.bot_data) for a in replicas))
    finally:
        for app in replicas:
            await app.shutdown()
            await app.bot_data.engine.dispose()
    assert sorted(posted) == [False, True]
    await desk.bot_says(desk.group, "Сводка по срокам")
    await asyncio.sleep(0.5)
    digests = [m for m in desk.emu.messages(desk.group) if "Сводка по срокам" in text_of(m)]
    assert len(digests) == 1
    body = text_of(digests[0])
    assert f"#{number} · Иван Петров" in body.split("Просрочены:")[1]


async def test_organizations_have_their_own_manager(
    emu: BotApiEmulator, database_url: str
) -> None:
    desk_manager = emu.add_user(first_name="Общий", username="desk_boss", started=True)
    org_manager = emu.add_user(first_name="Партнёр", username="acme_boss", started=True)
    async with running_desk(
        emu,
        database_url,
        clock=ManualClock(MONDAY),
        sweep_interval=0.2,
        manager_id=desk_manager,
        organization_managers=f'{{"ООО Ромашка": {org_manager}}}',
    ) as desk:
        assert isinstance(desk, ClockDesk)
        client = desk.client()
        number = await desk.register(client, kind="incident", priority="critical")
        desk.engineer_command(desk.engineers[0], number, "/org ООО Ромашка")
        await desk.bot_says(
            desk.group, "из организации «ООО Ромашка»", thread_id=desk.topic(number)
        )
        await desk.emu.wait_for(lambda: "· ООО Ромашка ·" in str(desk.topic_info(number)["name"]))
        desk.advance_to(datetime(2025, 3, 18, 9, 0, tzinfo=MSK))
        await desk.bot_says(org_manager, "Просрочена заявка #1001")
        assert desk.emu.messages(desk_manager, from_bot=True) == []
