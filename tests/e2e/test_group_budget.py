"""The operator group within Telegram's budget (about 20 messages a minute for the whole
group): what a ticket costs, and what engineers see when the group's queue is behind."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest

from emulator import BotApiEmulator, buttons, text_of
from tests.e2e.conftest import Desk, running_desk

#: Bot API methods that put (or change) a message in a chat: Telegram counts them all.
COUNTED = {
    "sendMessage",
    "sendPhoto",
    "sendDocument",
    "sendVideo",
    "sendAudio",
    "sendVoice",
    "sendAnimation",
    "sendSticker",
    "sendMediaGroup",
    "copyMessage",
    "copyMessages",
    "forwardMessage",
    "editMessageText",
    "editMessageCaption",
    "editMessageMedia",
    "editMessageReplyMarkup",
    "createForumTopic",
    "editForumTopic",
    "closeForumTopic",
    "reopenForumTopic",
}


def group_sends(desk: Desk) -> Counter[str]:
    """Messages the bot put into the operator group so far, by method (albums count each)."""
    counts: Counter[str] = Counter()
    for method, params in desk.emu.calls:
        if method in COUNTED and params.get("chat_id") == desk.group:
            items = params.get("media") or params.get("message_ids") or [None]
            counts[method] += len(items) if isinstance(items, list) else 1
    return counts


def visible(desk: Desk, text: str) -> list[dict[str, Any]]:
    """Bot messages anywhere in the group that show `text`."""
    return [m for m in desk.emu.messages(desk.group, from_bot=True) if text in text_of(m)]


async def register_with_screenshot(desk: Desk, client: int, description: str) -> int:
    """Registers an incident whose description is a text and a screenshot."""
    emu = desk.emu
    mark = desk.last_id(client)
    emu.send_command(client, client, "/new")
    step = await desk.bot_says(client, "Шаг 1 из 3", after=mark)
    await desk.press(client, step, "Инцидент")
    step = await desk.bot_says(client, "Шаг 2 из 3", after=step["message_id"])
    await desk.press(client, step, next(b for b in buttons(step) if "Высокий" in b))
    prompt = await desk.bot_says(client, "Шаг 3 из 3", after=step["message_id"])
    emu.send_text(client, client, description)
    await desk.bot_says(client, "Принято", after=prompt["message_id"])
    emu.send_photo(client, client, data=b"\x89PNG-screen")
    await emu.wait_for(lambda: len(emu.calls_of("setMessageReaction")) >= 1)
    await desk.press(client, prompt, "✅ Готово")
    summary = await desk.bot_says(client, "Проверьте заявку", after=prompt["message_id"])
    await desk.press(client, summary, "✅ Отправить")
    done = await desk.bot_says(client, "зарегистрирована", after=summary["message_id"] - 1)
    return int(text_of(done).split("#")[1].split()[0])


async def test_a_tickets_ordinary_life_costs_at_most_eight_group_messages(
    emu: BotApiEmulator, database_url: str
) -> None:
    async with running_desk(emu, database_url, feedback_wait=5) as desk:
        client = desk.client()
        engineer = desk.engineers[0]
        number = await register_with_screenshot(desk, client, "Не открывается карточка договора")
        # The first appearance: the topic, and the card with the description on the screenshot.
        card = await desk.emu.wait_for(lambda: desk.find_header(number))
        assert "photo" in card and "Не открывается карточка договора" in text_of(card)

        desk.engineer_command(engineer, number, "/take")
        await desk.bot_says(client, "в работе")
        desk.engineer_command(engineer, number, "/note клиент на 5.2")
        mark = desk.last_id(client)
        desk.engineer_says(engineer, number, "Обновите клиент до 5.2.1")
        await desk.bot_says(client, "Обновите клиент", after=mark)
        desk.engineer_command(engineer, number, "/info")
        info = await desk.bot_says(
            desk.group, "Сообщений в переписке", thread_id=desk.topic(number)
        )
        assert "заметки: 1" in text_of(info)
        desk.engineer_command(engineer, number, "/solve Обновление помогло?")
        solution = await desk.bot_says(client, "Обновление помогло?")
        solve_ack = await desk.bot_says(
            desk.group, "Решение отправлено", thread_id=desk.topic(number)
        )
        assert "закроется" in text_of(solve_ack)
        await desk.press(client, solution, "👍 Да, решён")
        rate = await desk.bot_says(client, "Оцените", after=solution["message_id"])
        await desk.press(client, rate, "⭐⭐⭐⭐⭐")
        thanks = await desk.bot_says(client, "Спасибо за оценку", after=rate["message_id"])
        desk.emu.send_text(client, client, "Всё быстро, спасибо", reply_to=thanks["message_id"])
        feedback = await desk.bot_says(
            desk.group, "Всё быстро, спасибо", thread_id=desk.topic(number), timeout=15
        )
        # One message tells the engineers the client confirmed, rated and commented.
        assert "подтвердил" in text_of(feedback) and "5/5" in text_of(feedback)
        # The closed topic's lock says the ticket is closed (no rename to 🟢 is spent).
        await desk.emu.wait_for(lambda: desk.topic_info(number)["closed"])
        await asyncio.sleep(1)
        counts = group_sends(desk)
        assert sum(counts.values()) <= 8, counts
        # What engineers read today is all there: who took it (title), the note (a
        # reaction), the status colour at every step (the lock when closed), and the client's
        # verdict.
        title = desk.topic_info(number)["name"]
        assert "→ Ольга Инженер" in title


@pytest.fixture
async def tight_desk(emu: BotApiEmulator, database_url: str) -> AsyncIterator[Desk]:
    """A desk whose group takes two messages every four seconds: always behind."""
    async with running_desk(
        emu, database_url, group_messages_per_minute=2, group_window_seconds=4
    ) as desk:
        yield desk


async def test_a_backlog_of_one_ticket_goes_combined_in_order_with_authors(
    tight_desk: Desk,
) -> None:
    desk = tight_desk
    client = desk.client("<3 Иван", last_name="& Co")  # a name that is not HTML-safe
    number = await desk.register(client)
    before = sum(group_sends(desk).values())
    texts = [f"Деталь {n}: журнал ошибок" for n in range(1, 7)]
    for text in texts:
        desk.emu.send_text(client, client, text)
    await desk.emu.wait_for(lambda: all(visible(desk, t) for t in texts), timeout=30)
    thread = desk.thread_messages(number, from_bot=True)
    combined = [m for m in thread if "Деталь" in text_of(m)]
    assert len(combined) < len(texts)
    body = "\n".join(text_of(m) for m in combined)
    positions = [body.index(t) for t in texts]
    assert positions == sorted(positions)
    assert body.count("<3 Иван & Co") >= len(texts) - 1  # each part says who wrote it
    assert sum(group_sends(desk).values()) - before < len(texts)


async def test_a_long_combined_text_is_split_within_telegrams_limit(tight_desk: Desk) -> None:
    desk = tight_desk
    client = desk.client()
    number = await desk.register(client)
    texts = [f"Лог {n}: " + "ошибка подключения к серверу; " * 50 for n in range(1, 6)]
    for text in texts:
        desk.emu.send_text(client, client, text)
    await desk.emu.wait_for(
        lambda: all(visible(desk, t.split(":")[0] + ":") for t in texts), timeout=40
    )
    parts = [m for m in desk.thread_messages(number, from_bot=True) if "Лог " in text_of(m)]
    assert all(len(text_of(m).encode("utf-16-le")) // 2 <= 4096 for m in parts)
    joined = "\n".join(text_of(m) for m in parts)
    assert [joined.index(f"Лог {n}:") for n in range(1, 6)] == sorted(
        joined.index(f"Лог {n}:") for n in range(1, 6)
    )


async def test_a_busy_ticket_does_not_hold_back_a_new_tickets_first_appearance(
    tight_desk: Desk,
) -> None:
    desk = tight_desk
    busy = desk.client("Пётр", username="petr")
    await desk.register(busy, description="Первая заявка")
    for n in range(30):
        desk.emu.send_text(busy, busy, f"Поток {n}")
    await asyncio.sleep(0.5)
    newcomer = desk.client("Мария", username="maria")
    pressed = time.monotonic()
    number = await desk.register(newcomer, description="Новая заявка Марии", appear=False)
    await desk.emu.wait_for(lambda: visible(desk, "Новая заявка Марии"), timeout=30)
    # Its first appearance (its card, or the "new tickets" message) came within a couple of
    # the group's slots, not after thirty messages.
    assert time.monotonic() - pressed < 12
    await desk.emu.wait_for(lambda: desk.find_header(number) is not None, timeout=30)


async def test_a_429_during_a_drain_is_waited_out_in_order(tight_desk: Desk) -> None:
    desk = tight_desk
    client = desk.client()
    number = await desk.register(client)
    desk.emu.inject_error(
        "sendMessage",
        429,
        "Too Many Requests: retry after 1",
        retry_after=1,
        times=2,
        when=lambda p: p.get("chat_id") == desk.group,
    )
    desk.emu.inject_error(
        "copyMessage",
        429,
        "Too Many Requests: retry after 1",
        retry_after=1,
        times=2,
        when=lambda p: p.get("chat_id") == desk.group,
    )
    texts = [f"Под 429 — {n}" for n in range(1, 5)]
    for text in texts:
        desk.emu.send_text(client, client, text)
    await desk.emu.wait_for(lambda: all(visible(desk, t) for t in texts), timeout=40)
    body = "\n".join(text_of(m) for m in desk.thread_messages(number, from_bot=True))
    assert [body.count(t) for t in texts] == [1, 1, 1, 1]
    assert [body.index(t) for t in texts] == sorted(body.index(t) for t in texts)


async def test_a_restart_with_messages_waiting_for_the_group_loses_and_repeats_nothing(
    tight_desk: Desk,
) -> None:
    desk = tight_desk
    client = desk.client()
    number = await desk.register(client)
    texts = [f"Ждёт очереди {n}" for n in range(1, 6)]
    for text in texts:
        desk.emu.send_text(client, client, text)
    await desk.emu.wait_for(
        lambda: (
            sum(1 for c in desk.emu.calls_of("setMessageReaction") if c["chat_id"] == client) >= 5
        )
    )
    await desk.bot.restart()
    await desk.emu.wait_for(lambda: all(visible(desk, t) for t in texts), timeout=40)
    await asyncio.sleep(1)
    body = "\n".join(text_of(m) for m in desk.thread_messages(number, from_bot=True))
    assert [body.count(t) for t in texts] == [1] * 5
    assert [body.index(t) for t in texts] == sorted(body.index(t) for t in texts)


async def test_new_tickets_are_shown_in_general_at_once_and_can_be_answered_from_there(
    emu: BotApiEmulator, database_url: str
) -> None:
    async with running_desk(
        emu, database_url, group_messages_per_minute=2, group_window_seconds=12
    ) as desk:
        clients = [desk.client(f"Клиент{n}", username=None) for n in range(4)]
        numbers = []
        for n, client in enumerate(clients):
            numbers.append(
                await desk.register(client, description=f"Проблема номер {n}", appear=False)
            )
        preview = await desk.bot_says(desk.group, "Новые заявки", timeout=20)
        assert preview.get("message_thread_id") is None  # the General topic
        shown = [n for n in numbers if f"#{n}" in text_of(preview)]
        assert shown, text_of(preview)
        target = shown[-1]
        who = clients[numbers.index(target)]
        assert f"Проблема номер {numbers.index(target)}" in text_of(preview)
        mark = desk.last_id(who)
        desk.emu.send_text(
            desk.group,
            desk.engineers[0],
            f"#{target} Перезагрузите сервер, пожалуйста",
            reply_to=preview["message_id"],
        )
        answer = await desk.bot_says(who, "Перезагрузите сервер", after=mark, timeout=15)
        assert text_of(answer) == "Перезагрузите сервер, пожалуйста"
        # What the client adds while the topic still waits is shown in General too.
        last = clients[-1]
        assert desk.find_header(numbers[-1]) is None  # its topic is still waiting
        desk.emu.send_text(last, last, "Дополнение: журнал приложу позже")
        more = await desk.bot_says(desk.group, "Дополнение: журнал", timeout=30)
        assert more.get("message_thread_id") is None
        assert f"#{numbers[-1]}" in text_of(more) and "пишет ещё" in text_of(more)


async def test_answers_to_clients_never_wait_for_the_groups_budget(tight_desk: Desk) -> None:
    desk = tight_desk
    client = desk.client()
    number = await desk.register(client)
    for n in range(6):
        desk.emu.send_text(client, client, f"Жду ответа {n}")
    mark = desk.last_id(client)
    started = time.monotonic()
    desk.engineer_says(desk.engineers[0], number, "Уже смотрю")
    await desk.bot_says(client, "Уже смотрю", after=mark, timeout=10)
    assert time.monotonic() - started < 3


async def test_engineers_are_told_once_when_the_groups_queue_falls_behind(
    emu: BotApiEmulator, database_url: str
) -> None:
    async with running_desk(
        emu, database_url, group_messages_per_minute=1, group_window_seconds=3, group_preview=False
    ) as desk:
        for n in range(4):
            await desk.register(desk.client(f"Клиент{n}"), appear=False)
        notice = await desk.bot_says(desk.group, "отстаёт", timeout=30)
        assert notice.get("message_thread_id") is None  # General
        await desk.emu.wait_for(
            lambda: "разобрана" in text_of(desk.emu.get_message(desk.group, notice["message_id"])),
            timeout=90,
        )
        # One notice for the episode, edited when it is over.
        assert len(visible(desk, "отстаёт")) + len(visible(desk, "разобрана")) == 1


async def test_a_429_for_one_private_chat_holds_back_only_that_chat(desk: Desk) -> None:
    slow = desk.client("Медленный", username="slow")
    quick = desk.client("Быстрый", username="quick")
    first = await desk.register(slow, description="Первая")
    second = await desk.register(quick, description="Вторая")
    desk.emu.inject_error(
        "copyMessage",
        429,
        "Too Many Requests: retry after 3",
        retry_after=3,
        when=lambda p: p.get("chat_id") == slow,
    )
    mark_slow, mark_quick = desk.last_id(slow), desk.last_id(quick)
    desk.engineer_says(desk.engineers[0], first, "Ответ медленному")
    started = time.monotonic()
    desk.engineer_says(desk.engineers[0], second, "Ответ быстрому")
    await desk.bot_says(quick, "Ответ быстрому", after=mark_quick)
    assert time.monotonic() - started < 2
    await desk.bot_says(slow, "Ответ медленному", after=mark_slow, timeout=10)
    assert time.monotonic() - started >= 2.5
