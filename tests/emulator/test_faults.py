"""Fault injection: the emulator misbehaves like Telegram in production, and a real
python-telegram-bot client sees what it would see there."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import telegram
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from emulator import BotApiEmulator, text_of, unparseable_update

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    e = BotApiEmulator(token="123456:TEST", bot_username="support_test_bot")
    await e.start()
    try:
        yield e
    finally:
        await e.stop()


def make_bot(emu: BotApiEmulator, timeout: float = 0.4, *, api_url: str | None = None) -> Any:
    """A PTB bot with small timeouts (``timeout`` for connect and read) pointed at ``emu``."""
    url = api_url or emu.api_url

    def request() -> HTTPXRequest:
        return HTTPXRequest(
            connect_timeout=timeout,
            read_timeout=timeout,
            write_timeout=timeout,
            pool_timeout=timeout,
        )

    return telegram.Bot(
        emu.token,
        base_url=f"{url}/bot",
        base_file_url=f"{url}/file/bot",
        request=request(),
        get_updates_request=HTTPXRequest(read_timeout=10, connect_timeout=timeout),
    )


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[telegram.Bot]:
    async with make_bot(emu) as b:
        yield b


@pytest.fixture
async def patient_bot(emu: BotApiEmulator) -> AsyncIterator[telegram.Bot]:
    """A client whose read timeout (3 s) outlasts the faults below."""
    async with make_bot(emu, timeout=3.0) as b:
        yield b


def started_user(emu: BotApiEmulator) -> int:
    user = emu.add_user(first_name="Анна", language_code="ru", started=True)
    return user


def texts(emu: BotApiEmulator, chat: int) -> list[str]:
    return [text_of(m) for m in emu.messages(chat, from_bot=True)]


# --------------------------------------------------------------------------- refuse


async def test_refused_connections_fail_to_connect_and_cut_open_ones(
    emu: BotApiEmulator, bot: telegram.Bot
) -> None:
    user = started_user(emu)
    await bot.send_message(user, "before")  # a keep-alive connection is open now
    port = emu.api_url
    polls = emu.polls
    long_poll = asyncio.create_task(bot.get_updates(timeout=5))
    await emu.wait_for(lambda: emu.polls > polls)

    emu.refuse_connections()
    assert emu.refusing
    # the long poll in progress ends at once (the server hung up on it)
    with pytest.raises(NetworkError) as cut:
        await asyncio.wait_for(long_poll, 2)
    assert not isinstance(cut.value, TimedOut)
    assert isinstance(cut.value.__cause__, httpx.RemoteProtocolError | httpx.ReadError)

    # new requests never reach Telegram: ConnectError, at once
    started = time.monotonic()
    with pytest.raises(NetworkError) as refused:
        await bot.send_message(user, "during")
    assert isinstance(refused.value.__cause__, httpx.ConnectError)
    assert not isinstance(refused.value, TimedOut)
    assert time.monotonic() - started < 1.0  # no waiting for a timeout
    assert texts(emu, user) == ["before"]
    assert [p["text"] for p in emu.calls_of("sendMessage")] == ["before"]

    emu.accept_connections()
    assert not emu.refusing and emu.api_url == port  # same host and port
    await bot.send_message(user, "after")
    assert texts(emu, user) == ["before", "after"]


async def test_refusal_ends_by_itself(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    user = started_user(emu)
    emu.refuse_connections(0.3)
    with pytest.raises(NetworkError) as refused:
        await bot.get_me()
    assert isinstance(refused.value.__cause__, httpx.ConnectError)
    await asyncio.sleep(0.4)
    assert not emu.refusing
    await bot.send_message(user, "back")
    assert texts(emu, user) == ["back"]
    assert [kind for kind, _m, _p in emu.fault_log] == ["refuse"]


# --------------------------------------------------------------------------- hang


async def test_hang_holds_requests_unprocessed_and_drops_them(
    emu: BotApiEmulator, bot: telegram.Bot, patient_bot: telegram.Bot
) -> None:
    user = started_user(emu)
    emu.send_text(user, user, "hi")
    window = emu.hang(0.8)
    started = time.monotonic()
    # a client that gives up before the window ends: TimedOut, nothing happened
    with pytest.raises(TimedOut) as timed_out:
        await bot.send_message(user, "impatient")
    assert isinstance(timed_out.value.__cause__, httpx.ReadTimeout)
    # getUpdates keeps working meanwhile
    updates = await bot.get_updates(timeout=0)
    assert [u.message.text for u in updates if u.message] == ["hi"]
    # several patient requests in flight: all dropped when the window ends, none processed
    results = await asyncio.gather(
        *(patient_bot.send_message(user, f"patient {n}") for n in range(3)),
        return_exceptions=True,
    )
    elapsed = time.monotonic() - started
    assert 0.7 < elapsed < 2.0
    for result in results:
        assert isinstance(result, NetworkError) and not isinstance(result, TimedOut)
        assert isinstance(result.__cause__, httpx.RemoteProtocolError)
    assert texts(emu, user) == []
    assert window.held == 4
    assert len(emu.calls_of("sendMessage")) == 4  # they did reach Telegram
    # after the window Telegram works again
    await bot.send_message(user, "after")
    assert texts(emu, user) == ["after"]


async def test_hang_only_some_methods(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    user = started_user(emu)
    window = emu.hang(5, methods={"sendmessage"})
    assert (await bot.get_me()).id == emu.bot_id
    with pytest.raises(TimedOut):
        await bot.send_message(user, "lost in the outage")
    window.end()
    await bot.send_message(user, "fine")
    assert texts(emu, user) == ["fine"]


# --------------------------------------------------------------------------- lost / late


async def test_lost_answer_message_arrives_client_sees_broken_connection(
    emu: BotApiEmulator, bot: telegram.Bot
) -> None:
    user = started_user(emu)
    emu.inject_lost_answer("sendMessage", when=lambda p: p.get("text") == "first")
    with pytest.raises(NetworkError) as lost:
        await bot.send_message(user, "first")
    assert not isinstance(lost.value, TimedOut)
    assert isinstance(lost.value.__cause__, httpx.RemoteProtocolError)
    assert texts(emu, user) == ["first"]  # it did arrive
    sent = await bot.send_message(user, "second")  # once only
    assert sent.text == "second"
    assert texts(emu, user) == ["first", "second"]
    assert [(k, m) for k, m, _p in emu.fault_log] == [("lost", "sendMessage")]


async def test_late_answer_client_times_out_message_arrived(
    emu: BotApiEmulator, bot: telegram.Bot, patient_bot: telegram.Bot
) -> None:
    user = started_user(emu)
    emu.inject_late_answer("sendMessage", 1.0, times=2)
    started = time.monotonic()
    with pytest.raises(TimedOut) as late:
        await bot.send_message(user, "late")
    assert isinstance(late.value.__cause__, httpx.ReadTimeout)
    assert time.monotonic() - started < 0.9
    assert texts(emu, user) == ["late"]  # processed at once
    # a patient client gets the answer, late
    started = time.monotonic()
    msg = await patient_bot.send_message(user, "later")
    assert 0.9 < time.monotonic() - started < 2.5
    assert msg.message_id == emu.last_message(user)["message_id"]  # type: ignore[index]


# --------------------------------------------------------------------------- hold


async def test_hold_answers_on_release(emu: BotApiEmulator, patient_bot: telegram.Bot) -> None:
    user = started_user(emu)
    other = started_user(emu)
    hold = emu.hold("sendMessage", when=lambda p: p.get("chat_id") == user)
    await patient_bot.send_message(other, "not this one")
    send = asyncio.create_task(patient_bot.send_message(user, "accepted"))
    result = await hold.wait_arrived(2)
    assert result["text"] == "accepted" and texts(emu, user) == ["accepted"]
    await asyncio.sleep(0.2)
    assert not send.done()  # the answer is held back
    hold.release()
    msg = await asyncio.wait_for(send, 2)
    assert msg.message_id == result["message_id"]
    assert await hold.wait_settled() == "answered"


async def test_hold_dropped_when_client_goes_away(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    user = started_user(emu)
    hold = emu.hold("sendMessage")
    with pytest.raises(TimedOut):
        await bot.send_message(user, "sent, then the bot died")
    assert hold.is_arrived and texts(emu, user) == ["sent, then the bot died"]
    assert await hold.wait_settled(2) == "dropped"
    hold.release()  # too late: nothing happens
    await bot.send_message(user, "next")
    assert texts(emu, user) == ["sent, then the bot died", "next"]


async def test_hold_released_before_arrival_is_cancelled(
    emu: BotApiEmulator, bot: telegram.Bot
) -> None:
    user = started_user(emu)
    hold = emu.hold("sendMessage")
    hold.release()
    await bot.send_message(user, "not held")
    assert not hold.is_arrived


# --------------------------------------------------------------------------- updates


async def test_repeat_update_delivers_the_same_id_again(
    emu: BotApiEmulator, bot: telegram.Bot
) -> None:
    user = started_user(emu)
    emu.send_text(user, user, "one")
    emu.send_text(user, user, "two")
    first = await bot.get_updates(timeout=0)
    last = first[-1].update_id
    assert await bot.get_updates(offset=last + 1, timeout=0) == ()  # confirmed

    emu.repeat_update(first[0].update_id)
    emu.send_text(user, user, "three")
    again = await bot.get_updates(offset=last + 1, timeout=0)
    assert [(u.update_id, u.message.text) for u in again if u.message] == [
        (first[0].update_id, "one"),
        (last + 1, "three"),
    ]
    assert emu.delivery_count(first[0].update_id) == 2
    # delivered once: the next offset confirms it
    assert await bot.get_updates(offset=again[-1].update_id + 1, timeout=0) == ()

    # redeliver() takes the update itself, e.g. one still pending
    emu.send_text(user, user, "four")
    pending = emu.pending_updates()[0]
    emu.redeliver(pending)
    twice = await bot.get_updates(offset=again[-1].update_id + 1, timeout=0)
    assert [u.update_id for u in twice] == [pending["update_id"]] * 2
    with pytest.raises(KeyError):
        emu.repeat_update(10_000)


async def test_raw_update_that_ptb_cannot_parse(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    user = started_user(emu)
    payload = unparseable_update(user)
    queued = emu.push_raw_update(payload)
    assert queued == {"update_id": queued["update_id"], **payload}
    with pytest.raises(TypeError, match="type"):
        telegram.Update.de_json(queued, bot)
    with pytest.raises(TypeError):
        await bot.get_updates(timeout=0, allowed_updates=["message"])
    # unknown kinds are not filtered out by allowed_updates
    odd = emu.push_raw_update({"brand_new_kind": {"x": 1}, "update_id": 1})
    assert odd["update_id"] == queued["update_id"] + 1
    raw = await emu.state.call("getUpdates", {"offset": odd["update_id"], "timeout": 0})
    assert raw == [odd]


# --------------------------------------------------------------------------- errors


async def test_5xx_and_429_storm(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    user = started_user(emu)
    emu.inject_error("sendMessage", 500, "Internal Server Error")
    with pytest.raises(NetworkError) as err:
        await bot.send_message(user, "x")
    assert str(err.value) == "Internal Server Error" and err.value.__cause__ is None
    emu.inject_error("sendMessage", 502, "Bad Gateway")
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(user, "x")
    async with httpx.AsyncClient() as client:
        emu.inject_error("getMe", 503, "Service Unavailable")
        r = await client.post(f"{emu.api_url}/bot{emu.token}/getMe")
    assert r.status_code == 503
    assert r.json() == {"ok": False, "error_code": 503, "description": "Service Unavailable"}

    emu.inject_error(
        "sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3, times=3
    )
    for _ in range(3):
        with pytest.raises(RetryAfter):
            await bot.send_message(user, "x")
    await bot.send_message(user, "through")
    assert texts(emu, user) == ["through"]


# --------------------------------------------------------------------------- lifecycle


async def test_stop_ends_every_parked_request_without_leaking_tasks() -> None:
    emu = BotApiEmulator()
    await emu.start()
    user = started_user(emu)
    async with make_bot(emu, timeout=5) as client:
        emu.hang(30, methods={"getMe"})
        emu.inject_late_answer("sendMessage", 30, when=lambda p: p["text"] == "late")
        emu.hold("sendMessage", when=lambda p: p["text"] == "held")
        emu.inject_delay("sendMessage", 30, when=lambda p: p["text"] == "delayed")
        calls = [
            asyncio.create_task(coro)
            for coro in (
                client.get_me(),
                client.send_message(user, "late"),
                client.send_message(user, "held"),
                client.send_message(user, "delayed"),
                client.get_updates(timeout=30),
            )
        ]
        await emu.wait_for(lambda: len(emu.calls) >= 4 and emu.polls >= 1)
        started = time.monotonic()
        await emu.stop()
        assert time.monotonic() - started < 2
        results = await asyncio.gather(*calls, return_exceptions=True)
    assert all(isinstance(r, NetworkError | tuple) for r in results), results
    assert texts(emu, user) == ["late", "held"]  # the delayed one never got processed
    current = asyncio.current_task()
    await asyncio.sleep(0)
    assert {t for t in asyncio.all_tasks() if t is not current and not t.done()} == set()


async def test_stop_while_refusing() -> None:
    emu = BotApiEmulator()
    await emu.start()
    emu.refuse_connections(30)
    await emu.stop()
    current = asyncio.current_task()
    assert {t for t in asyncio.all_tasks() if t is not current and not t.done()} == set()
    await emu.start()  # and it can start again
    async with make_bot(emu) as client:
        await client.get_me()
    await emu.stop()


async def test_clear_faults(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    user = started_user(emu)
    emu.inject_lost_answer("sendMessage", times=5)
    emu.inject_error("getMe", 500, "Internal Server Error", times=5)
    emu.hang(30, methods={"getChat"})
    emu.refuse_connections()
    emu.clear_faults()
    assert not emu.refusing
    await bot.get_me()
    await bot.send_message(user, "ok")
    await bot.get_chat(user)


async def test_tagged_clients_and_control_api(emu: BotApiEmulator) -> None:
    user = started_user(emu)
    async with make_bot(emu, api_url=emu.client_url("bot-1")) as one:
        await one.get_updates(timeout=0)
        await one.send_message(user, "from one")
        assert emu.polls_of("bot-1") == 1 and emu.polls_of(None) == 0
        assert [m for m, _p in emu.calls_from("bot-1")] == ["getMe", "sendMessage"]
        assert emu.calls_from(None) == []

        async with httpx.AsyncClient(base_url=f"{emu.api_url}/_emu") as ctl:
            r = await ctl.post("/faults/lost", json={"method": "sendMessage"})
            assert r.json() == {"ok": True, "result": True}
            with pytest.raises(NetworkError):
                await one.send_message(user, "lost")
            hold_id = (await ctl.post("/faults/hold", json={"method": "sendMessage"})).json()[
                "result"
            ]["hold_id"]
            send = asyncio.create_task(one.send_message(user, "held"))
            await emu.wait_for(lambda: emu.state.holds[hold_id].is_arrived)
            state = (await ctl.get("/faults")).json()["result"]
            assert state["holds"][0]["arrived"] and state["refusing"] is False
            await ctl.post(f"/faults/holds/{hold_id}/release")
            assert (await send).text == "held"
            emu.send_text(user, user, "hi")
            update = emu.pending_updates()[-1]
            r = await ctl.post("/faults/repeat", json={"update_id": update["update_id"]})
            assert r.json()["result"] == update
            assert r.json()["result"] in emu.pending_updates()
            r = await ctl.post("/faults/raw_update", json={"payload": {"message": "x"}})
            assert r.json()["result"]["message"] == "x"
            r = await ctl.post("/faults/refuse", json={"seconds": 0.3})
            assert r.json() == {"ok": True, "result": True}
            assert emu.refusing
            await asyncio.sleep(0.4)
            assert not emu.refusing
            r = await ctl.post("/faults/refuse", json={})
            assert r.status_code == 400
    assert texts(emu, user) == ["from one", "lost", "held"]
