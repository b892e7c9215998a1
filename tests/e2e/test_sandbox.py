"""The sandbox as its page uses it: the real bot behind the emulator, the page's HTTP API.

Each test runs ``sandbox.runner.run`` in this process (the same function ``support-bot
sandbox`` runs), on a temporary data folder, and talks to the page over loopback HTTP as the
browser's script does: panes are HTML, actions are JSON posts. The browser itself is
``tests/browser``.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulator import buttons
from sandbox.runner import Options, Sandbox, run
from sandbox.web import Page
from sandbox.world import CLIENTS, ENGINEERS, Person
from tests.e2e.conftest import t

FAST = (("kb_semantic", False), ("poll_timeout", 1), ("cosmetic_settle", 0.1))
ANNA, JOHN = CLIENTS[0], CLIENTS[1]
MARIA = ENGINEERS[0]
ARTICLE_LINE = "Очередь уведомлений"  # a line of kb/articles/notifications-not-arriving.md


@dataclass
class Running:
    sandbox: Sandbox
    page: Page
    http: httpx.AsyncClient

    async def pane(self, which: str, **params: str) -> str:
        answer = await self.http.get(f"/pane/{which}", params=params)
        assert answer.status_code == 200
        return answer.text

    async def post(self, path: str, **body: Any) -> Any:
        answer = await self.http.post(path, json=body)
        data = answer.json()
        assert data["ok"], data
        return data["result"]

    async def send(self, person: Person, text: str, **extra: Any) -> Any:
        """``person`` writes ``text`` on the page: a client in their chat, an engineer in the
        group (``topic=`` or ``reply_to=`` as the page sends them)."""
        where = "group" if person in ENGINEERS else "client"
        return await self.post("/api/send", who=person.key, where=where, text=text, **extra)

    async def press(self, person: Person, chat_id: int, message_id: int, button: str) -> Any:
        """``person`` presses an inline button on the page."""
        where = "group" if person in ENGINEERS else "client"
        return await self.post(
            "/api/press",
            who=person.key,
            where=where,
            chat_id=chat_id,
            message_id=message_id,
            button=button,
        )

    async def until(self, check: Callable[[], Any], timeout: float = 10.0) -> Any:  # noqa: ASYNC109
        """Waits for ``check()`` (sync or async) to give something true."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            value = check()
            if asyncio.iscoroutine(value):
                value = await value
            if value:
                return value
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("the page never showed it")
            await asyncio.sleep(0.1)

    async def client_shows(self, text: str, client: str = ANNA.key) -> str:
        async def check() -> str | None:
            pane = await self.pane("client", client=client)
            return pane if text in pane else None

        return str(await self.until(check))


@contextlib.asynccontextmanager
async def sandbox(options: Options) -> AsyncIterator[Running]:
    """The sandbox running until the block ends, as Ctrl+C would end it."""
    stop = asyncio.Event()
    got: dict[str, Any] = {}
    ready = asyncio.Event()

    def on_ready(box: Sandbox, page: Page) -> None:
        got.update(sandbox=box, page=page)

    task = asyncio.create_task(run(options, stop, ready=ready, on_ready=on_ready))
    waiter = asyncio.create_task(ready.wait())
    await asyncio.wait({task, waiter}, timeout=60, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        task.result()  # its start-up problem
    assert ready.is_set(), "the sandbox did not start in 60 s"
    page: Page = got["page"]
    async with httpx.AsyncClient(base_url=page.url.rstrip("/"), timeout=10) as http:
        try:
            yield Running(got["sandbox"], page, http)
        finally:
            stop.set()
            await asyncio.wait_for(task, 30)


def options(tmp_path: Path, **kw: Any) -> Options:
    return Options(port=0, data_root=tmp_path, env_file=None, settings=FAST, **kw)


async def test_a_client_question_finds_an_article_and_its_button_opens_it(
    tmp_path: Path,
) -> None:
    async with sandbox(options(tmp_path)) as box:
        page = (await box.http.get("/")).text
        assert "Анна Смирнова" in page and "John Carter" in page  # the client switcher
        assert "Мария Иванова" in page  # acting as an engineer
        await box.send(ANNA, "не приходят уведомления на почту")
        await box.client_shows(html.escape(t("ru", "kb.found")[:20]))
        chat, message, button = await box.until(
            lambda: _with_button(box, ANNA.key, "Не приходят уведомления")
        )
        await box.press(ANNA, chat, message, button)
        await box.client_shows(ARTICLE_LINE)


async def _with_button(box: Running, client: str, label: str) -> tuple[int, int, str] | None:
    """The newest inline button in the client's chat whose text has ``label``."""
    pane = await box.pane("client", client=client)
    found = [
        (int(m[1]), int(m[2]), html.unescape(m[3]))
        for m in re.finditer(
            r'<button class="btn" data-chat="(-?\d+)" data-message="(\d+)" '
            r'data-button="([^"]+)"',
            pane,
        )
        if label in html.unescape(m[3])
    ]
    return found[-1] if found else None


async def test_a_ticket_reaches_the_group_and_the_engineers_answer_reaches_the_client(
    tmp_path: Path,
) -> None:
    async with sandbox(options(tmp_path)) as box:
        emu, world = box.sandbox.emu, box.sandbox.world
        anna = world.user_id(ANNA)
        await _register(box, anna, "Не печатается счёт из 1С")
        topics = await box.until(lambda: emu.topics(world.group_id))
        thread = next(iter(topics))
        group = await box.pane("group", **{"as": MARIA.key, "topic": str(thread)})
        assert 'class="topic active"' in group and "Не печатается счёт" in group
        await box.send(MARIA, "Проверьте, пожалуйста, принтер по умолчанию", topic=thread)
        await box.client_shows("принтер по умолчанию")


async def _register(box: Running, client: int, description: str) -> None:
    """Registers an incident as the client does on the page: every step a press or a message."""
    emu = box.sandbox.emu

    async def says(text: str, after: int) -> dict[str, Any]:
        return await emu.wait_message(client, contains=text, after=after, timeout=10)

    async def press(msg: dict[str, Any], label: str) -> None:
        found = next(b for b in buttons(msg) if label in b)
        await box.press(ANNA, client, msg["message_id"], found)

    await box.send(ANNA, "/new")
    prompt = await says(t("ru", "reg.choose_type").split("\n")[-1], 0)
    await press(prompt, t("ru", "type.incident"))
    prompt = await says(t("ru", "reg.choose_priority").split("\n")[0], prompt["message_id"])
    await press(prompt, t("ru", "prio.high"))
    prompt = await says(t("ru", "reg.describe")[:20], prompt["message_id"])
    mark = prompt["message_id"]
    await box.send(ANNA, description)
    await says(t("ru", "reg.describe_more")[:10], mark)
    await press(prompt, t("ru", "reg.done"))
    summary = await says(t("ru", "reg.summary")[:10], mark)
    await press(summary, t("ru", "reg.confirm"))
    await says("✅", summary["message_id"] - 1)


async def test_moving_the_clock_closes_a_solved_ticket_the_client_left_silent(
    tmp_path: Path,
) -> None:
    async with sandbox(options(tmp_path)) as box:
        emu, world = box.sandbox.emu, box.sandbox.world
        anna = world.user_id(ANNA)
        await _register(box, anna, "Не открывается отчёт")
        thread = next(iter(await box.until(lambda: emu.topics(world.group_id))))
        await box.send(MARIA, "/solve Очистите кэш отчётов", topic=thread)
        await box.client_shows("Очистите кэш отчётов")
        await box.post("/api/clock", amount=4, unit="days")
        await box.client_shows("закроется автоматически")  # the reminder, a day before
        await box.post("/api/clock", amount=1, unit="days")
        await box.client_shows("закрыта автоматически")


async def test_an_uploaded_photo_is_shown_and_downloadable(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 64
    async with sandbox(options(tmp_path)) as box:
        answer = await box.http.post(
            "/api/upload",
            data={"who": JOHN.key, "where": "client", "caption": "screen"},
            files={"file": ("screen.png", png, "image/png")},
        )
        assert answer.json()["ok"]
        pane = await box.client_shows("<img", client=JOHN.key)
        src = re.search(r'<img[^>]+src="([^"]+)"', pane)
        assert src is not None
        image = await box.http.get(src[1])
        assert image.content == png
        assert image.headers["content-type"] == "image/png"


async def test_several_files_are_one_album_and_a_document_downloads_with_its_name(
    tmp_path: Path,
) -> None:
    log = b"2026-11-30 10:00 ERROR smtp: 421 Too many messages\n"
    png = b"\x89PNG\r\n\x1a\n" + b"1" * 32
    async with sandbox(options(tmp_path)) as box:
        answer = await box.http.post(
            "/api/upload",
            data={"who": ANNA.key, "where": "client", "caption": "лог и снимок"},
            files=[
                ("file", ("mail.log", log, "text/plain")),
                ("file", ("screen.png", png, "image/png")),
            ],
        )
        ids = answer.json()["result"]["message_ids"]
        assert len(ids) == 2
        pane = await box.client_shows("mail.log")
        assert pane.count('class="media album"') == 1  # one bubble for both
        link = re.search(r'<a class="file document" href="([^"]+)" download="mail.log"', pane)
        assert link is not None
        document = await box.http.get(link[1])
        assert document.content == log
        assert "mail.log" in document.headers["content-disposition"]


async def test_an_injected_429_is_waited_out_and_the_answer_still_arrives(
    tmp_path: Path,
) -> None:
    async with sandbox(options(tmp_path)) as box:
        emu = box.sandbox.emu
        await box.post("/api/fault", kind="429", who=ANNA.key)
        await box.send(ANNA, "/help")
        anna = box.sandbox.world.user_id(ANNA)
        await emu.wait_message(anna, timeout=30)
        refused = [e for e in emu.errors if e[2].error_code == 429]
        assert len(refused) == 3  # every injected 429 was met, then the message went


async def test_the_clock_moves_by_business_days(tmp_path: Path) -> None:
    async with sandbox(options(tmp_path)) as box:
        before = box.sandbox.clock.now()
        result = await box.post("/api/clock", amount=5, unit="days")
        after = box.sandbox.clock.now()
        calendar = box.sandbox.desk_settings.calendar
        assert calendar.business_days_between(before, after) == 5
        assert (after - before).days >= 7  # five business days are at least a week
        shown = datetime.strptime(result["desk_time"][:16], "%d.%m.%Y %H:%M")
        assert shown.date() == calendar.local(after).date()
        with pytest.raises(AssertionError):
            await box.post("/api/clock", amount=0, unit="days")


async def test_a_blocked_client_is_shown_and_the_desk_keeps_working(tmp_path: Path) -> None:
    async with sandbox(options(tmp_path)) as box:
        await box.post("/api/fault", kind="block", who=JOHN.key)
        await box.client_shows("заблокировал бота", JOHN.key)
        await box.post("/api/fault", kind="unblock", who=JOHN.key)
        await box.send(JOHN, "/start")
        john = box.sandbox.world.user_id(JOHN)
        await box.sandbox.emu.wait_message(john, timeout=10)


async def test_a_second_start_continues_with_the_same_data(tmp_path: Path) -> None:
    async with sandbox(options(tmp_path)) as box:
        await box.send(ANNA, "/start")
        anna = box.sandbox.world.user_id(ANNA)
        first = await box.sandbox.emu.wait_message(anna, timeout=10)
        await box.post("/api/clock", amount=1, unit="days")
        offset = box.sandbox.clock.offset
    async with sandbox(options(tmp_path)) as box:
        assert box.sandbox.world.user_id(ANNA) == anna
        assert box.sandbox.clock.offset == offset
        pane = await box.pane("client", client=ANNA.key)
        assert f'id="m{anna}-{first["message_id"]}"' in pane  # the old conversation is there
        await box.send(ANNA, "/help")
        await box.sandbox.emu.wait_message(anna, timeout=10, after=first["message_id"])
    async with sandbox(replace(options(tmp_path), fresh=True)) as box:
        pane = await box.pane("client", client=ANNA.key)
        assert 'id="m' not in pane  # --fresh forgets


async def test_in_the_plain_group_a_reply_to_the_ticket_reaches_the_client(
    tmp_path: Path,
) -> None:
    async with sandbox(options(tmp_path, plain=True)) as box:
        emu, world = box.sandbox.emu, box.sandbox.world
        assert not world.forum
        anna = world.user_id(ANNA)
        await _register(box, anna, "Не печатается счёт из 1С")
        header = await emu.wait_message(world.group_id, contains="Не печатается счёт", timeout=10)
        group = await box.pane("group", **{"as": MARIA.key})
        assert 'class="topics"' not in group and "без тем" in group
        assert f'data-reply="{header["message_id"]}"' in group  # the reply action
        await box.send(MARIA, "Переустановите драйвер принтера", reply_to=header["message_id"])
        await box.client_shows("Переустановите драйвер принтера")
        group = await box.pane("group", **{"as": MARIA.key})
        assert 'class="quote' in group  # the reply shows what it answers


async def test_events_tell_the_page_when_something_changed(tmp_path: Path) -> None:
    async with sandbox(options(tmp_path)) as box:
        async with box.http.stream("GET", "/events") as events:
            lines = events.aiter_lines()
            first = await anext(lines)
            assert first.startswith("data: ")
            await box.send(ANNA, "привет")
            while True:
                line = await asyncio.wait_for(anext(lines), 10)
                if line.startswith("data: ") and line != first:
                    break


async def test_the_command_menu_is_the_bots(tmp_path: Path) -> None:
    async with sandbox(options(tmp_path)) as box:
        emu = box.sandbox.emu
        await box.until(lambda: emu.calls_of("setMyCommands"))
        await asyncio.sleep(0.5)
        client = await box.http.get("/api/commands", params={"where": "client", "who": "anna"})
        names = {c["command"] for c in client.json()["result"]}
        assert {"new", "tickets"} <= names and "solve" not in names
        group = await box.http.get("/api/commands", params={"where": "group", "who": "maria"})
        names = {c["command"] for c in group.json()["result"]}
        assert {"solve", "close"} <= names


async def test_beyond_loopback_the_page_asks_for_a_password(tmp_path: Path) -> None:
    box_options = replace(options(tmp_path, host="127.0.0.2"), password="s3cret")
    async with sandbox(box_options) as box:
        assert (await box.http.get("/")).status_code == 401
        assert (await box.http.get("/static/page.js")).status_code == 401
        ok = await box.http.get("/", auth=("", "s3cret"))
        assert ok.status_code == 200
        bad = await box.http.get("/", auth=("", "nope"))
        assert bad.status_code == 401


async def test_bad_input_gets_a_clear_answer(tmp_path: Path) -> None:
    async with sandbox(options(tmp_path)) as box:
        cases = [
            ("/api/send", {"who": "nobody", "where": "client", "text": "hi"}, "unknown person"),
            ("/api/send", {"who": ANNA.key, "where": "client", "text": "  "}, "empty message"),
            (
                "/api/send",
                {"who": MARIA.key, "where": "group", "text": "x", "topic": "abc"},
                "topic must be a number",
            ),
            ("/api/clock", {"amount": "soon", "unit": "days"}, "amount must be a number"),
            ("/api/clock", {"amount": 99, "unit": "days"}, "amount 1..60"),
            (
                "/api/press",
                {"who": ANNA.key, "chat_id": 1, "message_id": 999, "button": "x"},
                "cannot press",
            ),
            ("/api/fault", {"kind": "meteor"}, "unknown fault"),
        ]
        for path, body, said in cases:
            answer = await box.http.post(path, json=body)
            assert answer.status_code == 400, (path, body, answer.text)
            assert said in answer.json()["error"], answer.text
        assert (await box.http.get("/file/nope")).status_code == 404
        assert (await box.http.get("/nowhere")).status_code == 404
