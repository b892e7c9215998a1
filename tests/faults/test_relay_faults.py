"""The relay's promise under faults, proved on the real process (``python -m bot run``).

Each test makes Telegram (the emulator) misbehave the way it does in production, or kills the
bot with SIGKILL at the worst moment, and then checks both directions: every message is
delivered exactly once and in order, or is shown to engineers marked as a possible repeat
(``↻``), or is reported to the engineer as possibly not delivered, with a Resend button. And
nothing is only in a log.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import pytest

from emulator import buttons, text_of
from tests.conftest import PG_URL
from tests.faults.conftest import FaultDesk

pytestmark = pytest.mark.faults

REPEAT = "↻"
# SQLite is for one process: a second one on the file is refused (test_sqlite_lock.py).
SEVERAL_PROCESSES = pytest.mark.skipif(
    not PG_URL, reason="several processes on one database need PostgreSQL (TEST_DATABASE_URL)"
)
MAYBE_LOST = "могло не дойти"
RESEND = "🔁 Отправить ещё раз"


# --- what both sides see ----------------------------------------------------------------------


def in_topic(fd: FaultDesk, number: int, text: str) -> list[dict[str, Any]]:
    """The bot's messages in the ticket's topic that carry `text` (a copy or a repeat)."""
    thread = fd.topic(number)
    if thread is None:
        return []
    return [m for m in fd.emu.messages(fd.group, thread_id=thread) if text in text_of(m)]


def plain_copies(fd: FaultDesk, number: int, text: str) -> list[dict[str, Any]]:
    return [m for m in in_topic(fd, number, text) if REPEAT not in text_of(m)]


def at_client(fd: FaultDesk, client: int, text: str) -> list[dict[str, Any]]:
    return [m for m in fd.emu.messages(client) if text_of(m) == text]


def order_in_topic(fd: FaultDesk, number: int, texts: list[str]) -> list[str]:
    """`texts` in the order their first plain copy (or, failing that, repeat) appears."""
    thread = fd.topic(number)
    assert thread is not None
    seen: list[str] = []
    for message in fd.emu.messages(fd.group, thread_id=thread):
        for text in texts:
            if text in text_of(message) and text not in seen:
                seen.append(text)
    return seen


async def settle(seconds: float = 1.5) -> None:
    """Time for anything wrongly resent to show up before counting copies."""
    await asyncio.sleep(seconds)


# --- the engineer's answer -------------------------------------------------------------------


async def test_an_answer_lost_in_a_hanging_outage_is_reported_and_resent_on_request(
    fault_desk: FaultDesk,
) -> None:
    fd = fault_desk
    emu = fd.emu
    await fd.start_bot(request_timeout=2)
    client = fd.client("Анна", "ru")
    number = await fd.register(client)
    thread = fd.topic(number)
    started = time.monotonic()
    emu.hang(25)  # Telegram slow, not refusing: every request but getUpdates hangs, dropped
    emu.send_text(fd.group, fd.engineer, "Перезапустите службу DocSphere", thread_id=thread)
    notice = await emu.wait_message(fd.group, thread_id=thread, contains=MAYBE_LOST, timeout=90)
    # The notice waited for the group to be reachable again: it is not lost in the outage.
    assert time.monotonic() - started >= 20
    assert "Перезапустите службу" in text_of(notice) and RESEND in buttons(notice)
    await settle()
    # The dropped request was not repeated silently.
    assert at_client(fd, client, "Перезапустите службу DocSphere") == []

    emu.press_button(fd.group, fd.engineer, notice["message_id"], RESEND)
    await emu.wait_message(client, contains="Перезапустите службу DocSphere", timeout=20)
    # A second press of the same button sends nothing more.
    emu.press_button(fd.group, fd.engineer, notice["message_id"], RESEND)
    await settle()
    assert len(at_client(fd, client, "Перезапустите службу DocSphere")) == 1


async def test_kill9_after_telegram_accepted_an_answer_reports_it_and_does_not_resend(
    fault_desk: FaultDesk,
) -> None:
    fd = fault_desk
    emu = fd.emu
    bot = await fd.start_bot()
    client = fd.client("Анна", "ru")
    number = await fd.register(client)
    hold = emu.hold("copyMessage", when=lambda p: p.get("chat_id") == client)
    emu.send_text(fd.group, fd.engineer, "Ответ перед падением", thread_id=fd.topic(number))
    await hold.wait_arrived(timeout=15)  # Telegram has it; the bot has not recorded it
    bot.kill9()
    hold.release()
    await bot.start()
    notice = await emu.wait_message(
        fd.group, thread_id=fd.topic(number), contains=MAYBE_LOST, timeout=40
    )
    assert "Ответ перед падением" in text_of(notice)
    await settle()
    assert len(at_client(fd, client, "Ответ перед падением")) == 1


async def test_an_answer_whose_reply_came_too_late_is_not_resent_but_reported(
    fault_desk: FaultDesk,
) -> None:
    fd = fault_desk
    emu = fd.emu
    await fd.start_bot(request_timeout=1)
    client = fd.client("Анна", "ru")
    number = await fd.register(client)
    emu.inject_late_answer("copyMessage", 3, when=lambda p: p.get("chat_id") == client)
    emu.send_text(fd.group, fd.engineer, "Медленный ответ", thread_id=fd.topic(number))
    await emu.wait_message(fd.group, thread_id=fd.topic(number), contains=MAYBE_LOST, timeout=30)
    await settle()
    assert len(at_client(fd, client, "Медленный ответ")) == 1


# --- the client's message ----------------------------------------------------------------------


async def test_kill9_after_a_client_copy_was_accepted_shows_it_again_marked(
    fault_desk: FaultDesk,
) -> None:
    fd = fault_desk
    emu = fd.emu
    bot = await fd.start_bot()
    client = fd.client("Анна", "ru")
    number = await fd.register(client)
    hold = emu.hold("copyMessage", when=lambda p: p.get("chat_id") == fd.group)
    emu.send_text(client, client, "Сервер упал в 10:05")
    await hold.wait_arrived(timeout=15)
    bot.kill9()
    hold.release()
    await bot.start()
    await emu.wait_for(lambda: len(in_topic(fd, number, "Сервер упал в 10:05")) >= 2, timeout=40)
    await settle()
    copies = in_topic(fd, number, "Сервер упал в 10:05")
    # The first copy arrived before the crash; the second says it may be a repeat.
    assert len(copies) == 2
    assert REPEAT not in text_of(copies[0]) and REPEAT in text_of(copies[1])


async def test_a_client_copy_answered_after_the_timeout_is_resent_marked_not_blindly(
    fault_desk: FaultDesk,
) -> None:
    fd = fault_desk
    emu = fd.emu
    await fd.start_bot(request_timeout=1)
    client = fd.client("Анна", "ru")
    number = await fd.register(client)
    emu.inject_late_answer("copyMessage", 3, when=lambda p: p.get("chat_id") == fd.group)
    emu.send_text(client, client, "Не печатает принтер")
    await emu.wait_for(lambda: len(in_topic(fd, number, "Не печатает принтер")) >= 2, timeout=30)
    await settle()
    assert len(plain_copies(fd, number, "Не печатает принтер")) == 1
    assert len(in_topic(fd, number, "Не печатает принтер")) == 2


@pytest.mark.parametrize("fault", ["one 500", "ten 429s"])
async def test_a_temporary_failure_never_reorders_a_tickets_messages(
    fault_desk: FaultDesk, fault: str
) -> None:
    fd = fault_desk
    emu = fd.emu
    await fd.start_bot()
    client = fd.client("Анна", "ru")
    number = await fd.register(client)
    to_group = lambda p: p.get("chat_id") == fd.group  # noqa: E731
    if fault == "one 500":
        emu.inject_error("copyMessage", 500, "Internal Server Error", when=to_group)
    else:
        emu.inject_error(
            "copyMessage",
            429,
            "Too Many Requests: retry after 1",
            retry_after=1,
            times=10,
            when=to_group,
        )
    texts = ["Первое: ошибка 1603", "Второе: журнал приложу", "Третье: срочно"]
    for text in texts:
        emu.send_text(client, client, text)
    await emu.wait_for(lambda: all(in_topic(fd, number, text) for text in texts), timeout=60)
    await settle()
    assert order_in_topic(fd, number, texts) == texts
    for text in texts:
        assert len(plain_copies(fd, number, text)) <= 1
        assert len(in_topic(fd, number, text)) == 1  # a 500 resends marked: still one copy


async def test_a_refusing_outage_loses_nothing_and_keeps_the_order(fault_desk: FaultDesk) -> None:
    fd = fault_desk
    emu = fd.emu
    await fd.start_bot()
    client = fd.client("Анна", "ru")
    number = await fd.register(client)
    hold = emu.hold("copyMessage", when=lambda p: p.get("chat_id") == fd.group)
    emu.send_text(client, client, "Раз: до обрыва")
    await hold.wait_arrived(timeout=15)
    emu.refuse_connections(25)  # the held answer's connection breaks: the outcome is unknown
    emu.send_text(client, client, "Два: во время обрыва")
    emu.send_text(client, client, "Три: тоже")
    texts = ["Раз: до обрыва", "Два: во время обрыва", "Три: тоже"]
    await emu.wait_for(lambda: all(in_topic(fd, number, t) for t in texts), timeout=90)
    await settle(2)
    assert order_in_topic(fd, number, texts) == texts
    assert len(plain_copies(fd, number, "Раз: до обрыва")) == 1
    assert len(in_topic(fd, number, "Два: во время обрыва")) == 1
    assert len(in_topic(fd, number, "Три: тоже")) == 1


# --- kill -9 at each moment of handling an update ----------------------------------------------


@pytest.mark.parametrize("point", ["update_stored", "record_stored", "update_handled"])
async def test_kill9_while_handling_a_client_message_loses_and_repeats_nothing(
    fault_desk: FaultDesk, point: str
) -> None:
    fd = fault_desk
    emu = fd.emu
    first = await fd.start_bot("first")
    client = fd.client("Анна", "ru")
    number = await fd.register(client)
    first.kill9()
    doomed = await fd.start_bot("doomed", bot_failpoint=point)
    emu.send_text(client, client, "Сообщение в момент падения")
    await emu.wait_for(lambda: not doomed.running, timeout=20)
    assert doomed.returncode == -9, doomed.log_tail()
    await fd.start_bot("after")
    await emu.wait_for(lambda: in_topic(fd, number, "Сообщение в момент падения"), timeout=30)
    emu.send_text(client, client, "Следующее сообщение")
    await emu.wait_for(lambda: in_topic(fd, number, "Следующее сообщение"), timeout=30)
    await settle()
    assert len(in_topic(fd, number, "Сообщение в момент падения")) == 1
    assert order_in_topic(fd, number, ["Сообщение в момент падения", "Следующее сообщение"]) == [
        "Сообщение в момент падения",
        "Следующее сообщение",
    ]
    # The client was acknowledged once, whatever the crash.
    message = next(m for m in emu.messages(client) if text_of(m) == "Сообщение в момент падения")
    assert len(emu.reactions(client, message["message_id"])) <= 1


async def test_a_repeated_update_on_the_real_process_is_handled_once(
    fault_desk: FaultDesk,
) -> None:
    fd = fault_desk
    emu = fd.emu
    await fd.start_bot()
    client = fd.client("Анна", "ru")
    number = await fd.register(client)
    sent = emu.send_text(client, client, "Один раз, пожалуйста")
    await emu.wait_for(lambda: in_topic(fd, number, "Один раз, пожалуйста"), timeout=20)
    emu.repeat_update(fd.update_of(client, sent["message_id"]))
    answer = emu.send_text(fd.group, fd.engineer, "Ответ один", thread_id=fd.topic(number))
    await emu.wait_message(client, contains="Ответ один", timeout=20)
    emu.repeat_update(fd.update_of(fd.group, answer["message_id"]))
    await emu.wait_for(
        lambda: emu.delivery_count(fd.update_of(fd.group, answer["message_id"])) >= 2
    )
    await settle(2)
    assert len(in_topic(fd, number, "Один раз, пожалуйста")) == 1
    assert len(at_client(fd, client, "Ответ один")) == 1


# --- two processes on one database ---------------------------------------------------------------


@SEVERAL_PROCESSES
async def test_two_processes_deliver_a_postponed_message_once(fault_desk: FaultDesk) -> None:
    fd = fault_desk
    emu = fd.emu
    await fd.start_bot("one")
    client = fd.client("Анна", "ru")
    number = await fd.register(client)
    await fd.start_bot("two")
    emu.inject_error(
        "copyMessage",
        429,
        "Too Many Requests: retry after 1",
        retry_after=1,
        times=6,
        when=lambda p: p.get("chat_id") == fd.group,
    )
    emu.send_text(client, client, "Под шквалом 429")
    await emu.wait_for(lambda: in_topic(fd, number, "Под шквалом 429"), timeout=60)
    await settle(3)
    assert len(in_topic(fd, number, "Под шквалом 429")) == 1
    # Both processes were running all along, each with its own dispatcher on the database.
    assert emu.polls_of("one") > 0 and emu.polls_of("two") > 0


@SEVERAL_PROCESSES
async def test_a_surviving_process_takes_over_what_a_killed_one_had_in_flight(
    fault_desk: FaultDesk,
) -> None:
    fd = fault_desk
    emu = fd.emu
    one = await fd.start_bot("one")
    client = fd.client("Анна", "ru")
    number = await fd.register(client)
    two = await fd.start_bot("two")
    hold = emu.hold(
        "copyMessage",
        when=lambda p: p.get("chat_id") == fd.group and p.get("message_id") is not None,
    )
    emu.send_text(client, client, "Пока один из двух падает")
    await hold.wait_arrived(timeout=20)

    def sent_it(name: str) -> bool:
        return any(
            method == "copyMessage" and params.get("chat_id") == fd.group
            for method, params in emu.calls_from(name)
        )

    doomed, survivor = (one, two) if sent_it("one") else (two, one)
    doomed.kill9()
    hold.release()
    # The other process, still running, judges the record the dead one had in flight: its
    # outcome is unknown, so the engineers get it again, marked.
    await emu.wait_for(
        lambda: len(in_topic(fd, number, "Пока один из двух падает")) >= 2, timeout=40
    )
    await settle(2)
    copies = in_topic(fd, number, "Пока один из двух падает")
    assert len(copies) == 2 and REPEAT in text_of(copies[1])
    assert survivor.running


# --- the process itself --------------------------------------------------------------------------


async def test_an_unparseable_update_is_set_aside_and_the_bot_moves_on(
    fault_desk: FaultDesk,
) -> None:
    from emulator.faults import unparseable_update

    fd = fault_desk
    emu = fd.emu
    bot = await fd.start_bot()
    client = fd.client("Анна", "ru")
    emu.push_raw_update(unparseable_update(client))
    emu.send_command(client, client, "/help")
    await emu.wait_message(client, timeout=15)
    await asyncio.sleep(3)
    log = bot.log_text()
    assert len(re.findall(r"could not be read", log)) == 1
    assert len(log) < 200_000  # no tight loop filling the disk


async def test_shutdown_is_quick_when_telegram_hangs_and_nothing_is_lost(
    fault_desk: FaultDesk,
) -> None:
    fd = fault_desk
    emu = fd.emu
    bot = await fd.start_bot(request_timeout=10)
    client = fd.client("Анна", "ru")
    number = await fd.register(client)
    window = emu.hang(120)
    texts = [f"Сообщение {n} в зависший Telegram" for n in range(1, 4)]
    for text in texts:
        emu.send_text(client, client, text)
    await asyncio.sleep(2)  # received and stored; their copies hang
    seconds = await bot.terminate()
    assert seconds < 10, bot.log_tail()
    assert bot.returncode == 0
    window.end()
    await bot.start()
    await emu.wait_for(lambda: all(in_topic(fd, number, t) for t in texts), timeout=60)
    await settle()
    assert order_in_topic(fd, number, texts) == texts
    for text in texts:
        # Once each: the copy cut off in flight by the stop is shown marked as a possible
        # repeat (the bot cannot know the hanging request was dropped), the others plainly.
        assert len(in_topic(fd, number, text)) == 1
    assert len(plain_copies(fd, number, texts[2])) == 1
