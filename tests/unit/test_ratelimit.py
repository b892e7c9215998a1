"""DeskRateLimiter through process_request, with fake callbacks that record when they run.

The machine running these may be busy: lower bounds on waits are tight (a few ms of slack),
upper bounds are loose.
"""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import BadRequest, RetryAfter

from bot.ratelimit import DeskRateLimiter, counts_against_limits, retry_after_seconds

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

TOL = 0.002  # clock and scheduling slack allowed below a lower bound

Log = list[tuple[str, float]]


async def call(
    limiter: DeskRateLimiter,
    log: Log,
    tag: str,
    *,
    endpoint: str = "sendMessage",
    chat_id: int | str | None = 1,
    broadcast: bool = False,
    acquired: bool = False,
    media: int = 0,
    fail: list[BaseException] | None = None,
) -> Any:
    """One request through the limiter; its callback logs (tag, loop time) and may raise.

    `acquired`: the caller took its turn with ``acquire()`` first; `media`: an album of so many.
    """
    loop = asyncio.get_running_loop()

    async def callback() -> bool:
        log.append((tag, loop.time()))
        if fail:
            raise fail.pop(0)
        return True

    data: dict[str, Any] = {} if chat_id is None else {"chat_id": chat_id, "text": tag}
    if media:
        data["media"] = [{"type": "photo"}] * media
    args: dict[str, Any] | None = None
    if broadcast or acquired:
        args = {"broadcast": broadcast, "acquired": acquired}
    return await limiter.process_request(callback, (), {}, endpoint, data, args)


def gaps(times: list[float]) -> list[float]:
    ordered = sorted(times)
    return [b - a for a, b in itertools.pairwise(ordered)]


def assert_spaced(times: list[float], interval: float) -> None:
    """No run of sends is denser than the ceiling: k sends span at least (k - 1) intervals,
    less the limiter's small allowance for a late timer, which never accumulates."""
    slack = min(0.005, interval / 4)
    ordered = sorted(times)
    for i, first in enumerate(ordered):
        for j in range(i + 1, len(ordered)):
            assert ordered[j] - first >= (j - i) * interval - slack - TOL, (i, j)


def times_of(log: Log, prefix: str) -> list[float]:
    return [t for tag, t in log if tag.startswith(prefix)]


@pytest.mark.parametrize(
    ("endpoint", "limited"),
    [
        ("sendMessage", True),
        ("sendPhoto", True),
        ("sendDocument", True),
        ("sendMediaGroup", True),
        ("copyMessage", True),
        ("copyMessages", True),
        ("forwardMessage", True),
        ("forwardMessages", True),
        ("editMessageText", True),
        ("editMessageCaption", True),
        ("editMessageMedia", True),
        ("editMessageReplyMarkup", True),
        ("createForumTopic", True),
        ("editForumTopic", True),
        ("sendChatAction", False),
        ("getUpdates", False),
        ("getMe", False),
        ("getChat", False),
        ("getChatMember", False),
        ("answerCallbackQuery", False),
        ("setMyCommands", False),
        ("deleteMessage", False),
        ("setMessageReaction", False),
        ("getFile", False),
    ],
)
def test_which_endpoints_count(endpoint: str, limited: bool) -> None:
    assert counts_against_limits(endpoint) is limited


def test_retry_after_in_seconds_from_int_or_timedelta() -> None:
    assert retry_after_seconds(RetryAfter(3)) == 3.0
    assert retry_after_seconds(RetryAfter(timedelta(milliseconds=250))) == pytest.approx(0.25)


def test_rejects_nonsense_settings() -> None:
    with pytest.raises(ValueError):
        DeskRateLimiter(overall_per_second=0)
    with pytest.raises(ValueError):
        DeskRateLimiter(group_per_minute=0)
    with pytest.raises(ValueError):
        DeskRateLimiter(max_retries=-1)


async def test_limited_requests_are_evenly_spaced_and_others_pass_at_once() -> None:
    limiter = DeskRateLimiter(overall_per_second=100)
    log: Log = []
    tasks = [
        asyncio.create_task(call(limiter, log, f"msg{i}", chat_id=1000 + i)) for i in range(20)
    ]
    tasks += [
        asyncio.create_task(call(limiter, log, f"bc{i}", chat_id=2000 + i, broadcast=True))
        for i in range(10)
    ]
    # No chat at all (an inline message edit) still takes a slot.
    tasks += [
        asyncio.create_task(
            call(limiter, log, f"inline{i}", endpoint="editMessageText", chat_id=None)
        )
        for i in range(5)
    ]
    await asyncio.sleep(0.05)
    assert limiter.interactive_waiting > 0

    loop = asyncio.get_running_loop()
    for endpoint in ("getUpdates", "answerCallbackQuery", "sendChatAction", "deleteMessage"):
        before = loop.time()
        assert await call(limiter, log, f"free-{endpoint}", endpoint=endpoint) is True
        assert times_of(log, f"free-{endpoint}")[0] - before < 0.01
    assert limiter.interactive_waiting > 0

    await asyncio.gather(*tasks)
    limited = [t for tag, t in log if not tag.startswith("free")]
    assert len(limited) == 35
    assert_spaced(limited, 0.01)
    assert limiter.interactive_waiting == 0
    assert limiter.broadcast_waiting == 0


async def test_interactive_request_overtakes_a_queued_broadcast() -> None:
    limiter = DeskRateLimiter(overall_per_second=100)
    log: Log = []
    loop = asyncio.get_running_loop()
    broadcast = [
        asyncio.create_task(call(limiter, log, f"bc{i}", chat_id=100 + i, broadcast=True))
        for i in range(40)
    ]
    await asyncio.sleep(0.03)
    sent_before = len(log)
    submitted = loop.time()
    replies = [asyncio.create_task(call(limiter, log, f"reply{i}", chat_id=7)) for i in range(3)]
    await replies[0]
    assert times_of(log, "reply0")[0] - submitted < 0.1  # about two slots; loose for busy CI
    await asyncio.gather(*replies, *broadcast)

    after = [tag for tag, _ in log[sent_before:]]
    # At most the broadcast already granted its slot goes first, then all the replies.
    assert {"reply0", "reply1", "reply2"} <= set(after[:4])
    assert sum(tag.startswith("bc") for tag in after[4:]) >= 25
    assert_spaced([t for _, t in log], 0.01)


async def test_broadcast_alone_runs_at_the_full_rate() -> None:
    rate = 50.0
    limiter = DeskRateLimiter(overall_per_second=rate)
    log: Log = []
    await asyncio.gather(
        *(call(limiter, log, f"bc{i}", chat_id=100 + i, broadcast=True) for i in range(40))
    )
    times = sorted(t for _, t in log)
    assert_spaced(times, 1 / rate)
    measured = (len(times) - 1) / (times[-1] - times[0])
    assert measured >= 0.9 * rate


@pytest.mark.parametrize("group", [-100123, "-100123", "@DeskNews"])
async def test_group_window_holds_only_that_group(group: int | str) -> None:
    limiter = DeskRateLimiter(overall_per_second=100, group_per_minute=5, group_period=0.3)
    log: Log = []
    loop = asyncio.get_running_loop()
    tasks = [asyncio.create_task(call(limiter, log, f"g{i}", chat_id=group)) for i in range(6)]
    await asyncio.sleep(0.1)
    assert len(times_of(log, "g")) == 5
    assert limiter.interactive_waiting == 1  # the sixth, waiting for the window

    before = loop.time()
    await call(limiter, log, "other", chat_id=-200)
    await call(limiter, log, "private", chat_id=5)
    assert loop.time() - before < 0.1
    assert len(times_of(log, "g")) == 5

    await asyncio.gather(*tasks)
    g = times_of(log, "g")
    assert g[5] - g[0] >= 0.3 - TOL
    assert g[5] > times_of(log, "other")[0]


async def test_broadcast_to_a_private_chat_keeps_the_interval() -> None:
    limiter = DeskRateLimiter(overall_per_second=100, private_interval=0.2)
    log: Log = []
    # Three broadcast messages to one client at once, one to another client.
    await asyncio.gather(
        *(call(limiter, log, f"same{i}", chat_id=42, broadcast=True) for i in range(3)),
        call(limiter, log, "elsewhere", chat_id=43, broadcast=True),
    )
    same = times_of(log, "same")
    assert min(gaps(same)) >= 0.2 - TOL
    assert times_of(log, "elsewhere")[0] - same[0] < 0.1


async def test_interactive_replies_to_a_private_chat_are_not_held_but_hold_broadcast() -> None:
    limiter = DeskRateLimiter(overall_per_second=100, private_interval=0.2)
    log: Log = []
    await asyncio.gather(*(call(limiter, log, f"reply{i}", chat_id=42) for i in range(3)))
    replies = times_of(log, "reply")
    assert replies[-1] - replies[0] < 0.15
    assert_spaced(replies, 0.01)

    await call(limiter, log, "news", chat_id=42, broadcast=True)
    assert times_of(log, "news")[0] - replies[-1] >= 0.2 - TOL


async def test_retry_after_pauses_everything_and_is_retried() -> None:
    limiter = DeskRateLimiter(overall_per_second=100, max_retries=3)
    log: Log = []
    loop = asyncio.get_running_loop()
    pause = 0.15
    flooded = asyncio.create_task(
        call(limiter, log, "flooded", fail=[RetryAfter(timedelta(seconds=pause))])
    )
    await asyncio.sleep(0)  # the first request is sent at once, and refused
    assert len(log) == 1
    refused_at = log[0][1]
    assert limiter.retry_after_count == 1

    others = [
        asyncio.create_task(call(limiter, log, "reply", chat_id=2)),
        asyncio.create_task(call(limiter, log, "bc", chat_id=3, broadcast=True)),
    ]
    before = loop.time()
    await call(limiter, log, "free", endpoint="getUpdates")
    assert loop.time() - before < 0.01  # not limited, not paused

    assert await flooded is True
    await asyncio.gather(*others)
    flooded_times = times_of(log, "flooded")
    assert len(flooded_times) == 2
    for t in (flooded_times[1], *times_of(log, "reply"), *times_of(log, "bc")):
        assert t - refused_at >= pause - TOL
    assert limiter.retry_after_count == 1


async def test_retry_after_gives_up_after_max_retries() -> None:
    limiter = DeskRateLimiter(overall_per_second=100, max_retries=2)
    log: Log = []
    errors: list[BaseException] = [RetryAfter(timedelta(milliseconds=50)) for _ in range(5)]
    with pytest.raises(RetryAfter):
        await call(limiter, log, "flooded", fail=errors)
    times = times_of(log, "flooded")
    assert len(times) == 3
    assert min(gaps(times)) >= 0.05 - TOL
    assert limiter.retry_after_count == 3
    # The limiter still serves requests afterwards.
    assert await call(limiter, log, "later") is True


async def test_other_errors_propagate_unchanged() -> None:
    limiter = DeskRateLimiter(overall_per_second=100)
    log: Log = []
    error = BadRequest("Chat not found")
    with pytest.raises(BadRequest) as caught:
        await call(limiter, log, "bad", fail=[error])
    assert caught.value is error
    assert len(log) == 1
    assert limiter.retry_after_count == 0
    assert limiter.interactive_waiting == 0


async def test_cancelled_waiters_do_not_block_the_queue() -> None:
    limiter = DeskRateLimiter(overall_per_second=50, group_per_minute=1, group_period=5.0)
    log: Log = []
    tasks = [asyncio.create_task(call(limiter, log, f"m{i}", chat_id=10 + i)) for i in range(10)]
    tasks += [
        asyncio.create_task(call(limiter, log, f"b{i}", chat_id=50 + i, broadcast=True))
        for i in range(5)
    ]
    # Two requests to one group: the second waits for the window (not for a slot).
    tasks += [asyncio.create_task(call(limiter, log, f"g{i}", chat_id=-5)) for i in range(2)]
    await asyncio.sleep(0)  # all queued; only m0 has been sent
    assert [tag for tag, _ in log] == ["m0"]
    cancelled = {3, 4, 5, 9, 11, 16}
    for i in cancelled:
        tasks[i].cancel()
    results = await asyncio.gather(*tasks, return_exceptions=True)

    for i, result in enumerate(results):
        if i in cancelled:
            assert isinstance(result, asyncio.CancelledError)
        else:
            assert result is True
    assert {tag for tag, _ in log} == {
        "m0", "m1", "m2", "m6", "m7", "m8", "b0", "b2", "b3", "b4", "g0",
    }  # fmt: skip
    assert_spaced([t for _, t in log], 0.02)
    assert limiter.interactive_waiting == 0
    assert limiter.broadcast_waiting == 0

    # Everyone cancelled: the next request still gets the next slot.
    loop = asyncio.get_running_loop()
    waiting = [asyncio.create_task(call(limiter, log, f"x{i}", chat_id=100 + i)) for i in range(5)]
    await asyncio.sleep(0)
    for task in waiting:
        task.cancel()
    await asyncio.gather(*waiting, return_exceptions=True)
    before = loop.time()
    assert await call(limiter, log, "after") is True
    assert loop.time() - before < 0.1


async def test_a_slot_granted_to_a_request_cancelled_at_that_moment_is_passed_on() -> None:
    interval = 0.1
    limiter = DeskRateLimiter(overall_per_second=1 / interval)
    log: Log = []
    loop = asyncio.get_running_loop()
    await call(limiter, log, "first")
    doomed = asyncio.create_task(call(limiter, log, "doomed", chat_id=2))
    later = asyncio.create_task(call(limiter, log, "later", chat_id=3))
    await asyncio.sleep(0)
    timer = limiter._timer  # the dispatcher's next wake-up: when "doomed" gets its slot
    assert timer is not None
    due = timer.when()
    # Cancel right at the grant: before or just after it, the slot must go to "later" then.
    loop.call_at(due, doomed.cancel)
    await asyncio.gather(doomed, later, return_exceptions=True)

    assert doomed.cancelled()
    assert [tag for tag, _ in log] == ["first", "later"]
    assert times_of(log, "later")[0] - due < interval / 2


async def test_acquire_then_send_takes_one_slot() -> None:
    """The broadcast takes its turn first, then claims its row, then sends without waiting."""
    limiter = DeskRateLimiter(overall_per_second=50)
    loop = asyncio.get_running_loop()
    log: Log = []
    for chat in range(1, 6):
        await limiter.acquire(chat, broadcast=True)
        before = loop.time()
        await call(limiter, log, "bc", chat_id=chat, broadcast=True, acquired=True)
        assert loop.time() - before < 0.01  # no second wait for the same send
    assert_spaced(times_of(log, "bc"), 1 / 50)
    # An interactive request after them still keeps the spacing from the last one.
    await call(limiter, log, "reply", chat_id=99)
    assert times_of(log, "reply")[0] - times_of(log, "bc")[-1] >= 1 / 50 - 0.005 - TOL


async def test_a_refused_broadcast_send_is_raised_at_once_and_pauses_the_rest() -> None:
    limiter = DeskRateLimiter(overall_per_second=100, max_retries=3)
    log: Log = []
    pause = 0.1
    with pytest.raises(RetryAfter):
        await call(limiter, log, "bc", broadcast=True, fail=[RetryAfter(timedelta(seconds=pause))])
    refused_at = times_of(log, "bc")[0]
    assert len(times_of(log, "bc")) == 1  # not retried here: the sender reschedules its row
    await call(limiter, log, "reply", chat_id=7)
    assert times_of(log, "reply")[0] - refused_at >= pause - TOL


async def test_an_album_takes_a_slot_per_message() -> None:
    limiter = DeskRateLimiter(overall_per_second=50)
    log: Log = []
    await call(limiter, log, "before", chat_id=6)
    await call(limiter, log, "album", chat_id=5, endpoint="sendMediaGroup", media=4)
    await call(limiter, log, "after", chat_id=6)
    # Four messages go out at once: they take four slots, so from the send before the album
    # to the send after it there are five intervals, not two.
    assert times_of(log, "after")[0] - times_of(log, "before")[0] >= 5 / 50 - 0.005 - TOL


async def test_work_between_the_turn_and_the_send_pushes_the_next_slot() -> None:
    limiter = DeskRateLimiter(overall_per_second=50)
    log: Log = []
    await limiter.acquire(1, broadcast=True)
    await asyncio.sleep(0.05)  # e.g. a slow database write before the request leaves
    await call(limiter, log, "bc", chat_id=1, broadcast=True, acquired=True)
    await call(limiter, log, "reply", chat_id=2)
    assert times_of(log, "reply")[0] - times_of(log, "bc")[0] >= 1 / 50 - 0.005 - TOL
