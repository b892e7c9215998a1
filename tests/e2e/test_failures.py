"""When Telegram says no: nothing is lost, and whoever wrote is told why."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from emulator import BotApiEmulator, text_of
from tests.e2e.conftest import Desk, running_desk


async def test_blocked_client_is_reported_to_the_engineer(desk: Desk) -> None:
    client = desk.client()
    engineer = desk.engineers[0]
    number = await desk.register(client)
    desk.emu.block_bot(client)
    desk.engineer_says(engineer, number, "Попробуйте перезапустить сервер")
    notice = await desk.bot_says(desk.group, "заблокировал бота", thread_id=desk.topic(number))
    assert "сохранено" in text_of(notice)

    # The client comes back: their message reaches the ticket again.
    desk.emu.unblock_bot(client)
    desk.emu.send_text(client, client, "Я вернулся, что там?")
    await desk.emu.wait_for(
        lambda: any(text_of(m) == "Я вернулся, что там?" for m in desk.thread_messages(number))
    )


async def test_deleted_topic_is_recreated_and_nothing_is_lost(desk: Desk) -> None:
    client = desk.client()
    number = await desk.register(client)
    old_thread = desk.topic(number)
    assert old_thread is not None
    desk.emu.delete_topic(desk.group, old_thread)
    desk.emu.send_text(client, client, "Есть новости?")
    new_thread = await desk.emu.wait_for(lambda: desk.topic(number))
    assert new_thread != old_thread
    messages = await desk.emu.wait_for(
        lambda: (
            (ms := desk.emu.messages(desk.group, thread_id=new_thread))
            and any(text_of(m) == "Есть новости?" for m in ms)
            and ms
        )
    )
    texts = [text_of(m) for m in messages]
    assert any(f"#{number}" in x and "Клиент" in x for x in texts)  # a fresh header card
    assert any("создана заново" in x for x in texts)

    # Engineers answer in the new topic and the client gets it.
    mark = desk.last_id(client)
    desk.emu.send_text(desk.group, desk.engineers[0], "Да, исправлено", thread_id=new_thread)
    await desk.bot_says(client, "Да, исправлено", after=mark)


async def test_rate_limit_answer_is_waited_out(desk: Desk) -> None:
    client = desk.client()
    number = await desk.register(client)
    desk.emu.inject_error("copyMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    desk.emu.send_text(client, client, "Сообщение под лимитом")
    await desk.emu.wait_for(
        lambda: any(text_of(m) == "Сообщение под лимитом" for m in desk.thread_messages(number)),
        timeout=10,
    )
    assert desk.emu.errors and desk.emu.errors[-1][2].error_code == 429


async def test_unreachable_group_keeps_the_message_and_delivers_later(desk: Desk) -> None:
    client = desk.client()
    number = await desk.register(client)
    group = desk.group
    desk.emu.inject_error(
        "copyMessage",
        403,
        "Forbidden: bot was kicked from the supergroup chat",
        times=3,
        when=lambda p: p.get("chat_id") == group,
    )
    mark = desk.last_id(client)
    desk.emu.send_text(client, client, "Срочно: сервер упал")
    await desk.bot_says(client, "будет доставлено автоматически", after=mark)
    await desk.emu.wait_for(
        lambda: any(text_of(m) == "Срочно: сервер упал" for m in desk.thread_messages(number)),
        timeout=15,
    )
    copies = [m for m in desk.thread_messages(number) if text_of(m) == "Срочно: сервер упал"]
    assert len(copies) == 1


async def test_permanent_refusal_is_shown_to_the_engineer(desk: Desk) -> None:
    client = desk.client()
    number = await desk.register(client)
    desk.emu.inject_error(
        "copyMessage",
        400,
        "Bad Request: message is too long",
        when=lambda p: p.get("chat_id") == client,
    )
    desk.engineer_says(desk.engineers[0], number, "Очень длинный ответ")
    notice = await desk.bot_says(desk.group, "Не доставлено клиенту", thread_id=desk.topic(number))
    assert "message is too long" in text_of(notice).lower()


@pytest.fixture
async def impatient_desk(emu: BotApiEmulator, database_url: str) -> AsyncIterator[Desk]:
    """A desk whose requests time out after one second."""
    async with running_desk(emu, database_url, request_timeout=1.0) as desk:
        yield desk


async def test_timeout_towards_the_client_is_not_resent_but_reported(impatient_desk: Desk) -> None:
    desk = impatient_desk
    client = desk.client()
    number = await desk.register(client)
    desk.emu.inject_delay("copyMessage", 2.5, when=lambda p: p.get("chat_id") == client)
    desk.engineer_says(desk.engineers[0], number, "Ответ, который задержится")
    notice = await desk.bot_says(
        desk.group, "могло не дойти", thread_id=desk.topic(number), timeout=15
    )
    assert notice
    # The slow copy did land; no second copy follows.
    await desk.emu.wait_for(
        lambda: any(text_of(m) == "Ответ, который задержится" for m in desk.emu.messages(client))
    )
    copies = [m for m in desk.emu.messages(client) if text_of(m) == "Ответ, который задержится"]
    assert len(copies) == 1
