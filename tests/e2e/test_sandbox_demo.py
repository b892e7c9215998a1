"""``support-bot sandbox --demo-data``: the real sandbox fills itself by acting as its people,
and the page then shows the desk at work - tickets in every status, ratings, a breached
deadline, an announcement's results, knowledge-base statistics."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from emulator import text_of
from sandbox.demo import DONE_MARKER
from sandbox.runner import Options, Sandbox, run
from sandbox.world import CLIENTS

pytestmark = pytest.mark.slow

FILL_TIMEOUT = 900.0  # the group's budget (20 messages a minute) sets the pace


def texts(sb: Sandbox, chat: int, *, thread_id: int | None = None) -> list[str]:
    return [text_of(m) for m in sb.emu.messages(chat, thread_id=thread_id, from_bot=True)]


@contextlib.asynccontextmanager
async def running(options: Options) -> AsyncIterator[Sandbox]:
    """The sandbox (``support-bot sandbox``'s own ``run``) until the block ends."""
    stop, ready = asyncio.Event(), asyncio.Event()
    got: list[Sandbox] = []
    task = asyncio.create_task(
        run(options, stop, ready=ready, on_ready=lambda sb, _page: got.append(sb))
    )
    try:
        await asyncio.wait_for(ready.wait(), 60)
        yield got[0]
    finally:
        stop.set()
        await asyncio.wait_for(task, 60)


async def test_demo_data_fills_every_corner_of_the_desk(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="sandbox.demo")
    options = Options(port=0, data_root=tmp_path, demo_data=True, env_file=None)
    marker = options.data_dir / DONE_MARKER
    async with running(options) as sb:
        started = time.monotonic()
        while not marker.exists():
            stopped = [r.getMessage() for r in caplog.records if "demo data stopped" in r.msg]
            assert not stopped, stopped
            assert time.monotonic() - started < FILL_TIMEOUT, "the fill did not finish"
            await asyncio.sleep(0.5)
        print(f"demo fill: {time.monotonic() - started:.0f} s")
        check_what_people_see(sb)

    # A second start on the same data adds nothing.
    caplog.clear()
    async with running(options) as sb:
        assert not sb.fresh_world
        anna = sb.world.user_id(CLIENTS[0])
        before = len(sb.emu.messages(anna))
        await asyncio.sleep(2)
        assert len(sb.emu.messages(anna)) == before
        assert any("nothing added" in r.getMessage() for r in caplog.records)


def check_what_people_see(sb: Sandbox) -> None:
    emu, group = sb.emu, sb.world.group_id
    topics = emu.topics(group)
    names = [str(info["name"]) for info in topics.values()]
    assert len(names) >= 8, names
    # Every status shows in the topics' titles: new, in progress, waiting, closed.
    for marker in ("🔵", "🟡", "🟣", "🟢"):
        assert any(name.startswith(marker) for name in names), (marker, names)
    assert any(info["closed"] for info in topics.values())

    everything = "\n".join(
        [*texts(sb, group), *(x for tid in topics for x in texts(sb, group, thread_id=tid))]
    )
    assert "⭐ Оценка клиента: ⭐⭐⭐⭐⭐ (5/5)" in everything
    assert "Всё быстро, спасибо Ивану!" in everything  # the rating's comment
    assert "Клиент подтвердил решение" in everything
    assert "решение не помогло" in everything
    assert re.search(r"Срок первой реакции по заявке #\d+ нарушен", everything)
    assert "из организации «ООО «Ромашка»»" in everything or "ООО «Ромашка»" in everything
    assert "Northwind Ltd" in everything

    general = texts(sb, group)
    stats = next(x for x in general if x.startswith("База знаний за 30"))
    assert re.search(r"Поисков: [1-9]", stats)
    assert re.search(r"«Помогло»: [1-9], «Не помогло»: [1-9]", stats)
    assert "ночной смены" in stats  # the question without an answer
    assert any(re.search(r"Рассылка №\d+ .*завершена за", x) for x in general), general
    assert any("Доставлено: 2 из 2" in x for x in general)

    anna, john, oleg = (sb.world.user_id(p) for p in CLIENTS)
    assert any(re.search(r"Заявка #\d+ зарегистрирована", x) for x in texts(sb, anna))
    assert any(re.search(r"Ticket #\d+ is registered", x) for x in texts(sb, john))
    assert any(
        "You are now linked to the organization “Northwind Ltd”" in x for x in texts(sb, john)
    )
    news = "Вышла версия 5.3"
    assert any(news in x for x in texts(sb, anna))
    assert any(news in x for x in texts(sb, john))
    assert not any(news in x for x in texts(sb, oleg))  # he declined the news
