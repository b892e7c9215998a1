"""A support desk in a box: the emulator, an operator group, the bot, and helpers that read
like a support conversation."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest

from bot.texts import Raw, variables
from bot.texts import t as _t
from desk.clock import ManualClock
from emulator import BotApiEmulator, buttons, text_of
from tests.conftest import BotProcess, make_settings


def t(lang: str, key: str) -> str:
    """A catalog text as the client sees it: without HTML tags, its values shown as
    ``{name}`` (a test matches the parts around them)."""
    values = {name: Raw(f"{{{name}}}") for name in variables(lang, key) if name != "gender"}
    return re.sub(r"<[^>]+>", "", _t(lang, key, **values))


@dataclass
class Desk:
    """What a test can do: act as clients and engineers, and look at every chat."""

    emu: BotApiEmulator
    group: int
    bot: BotProcess
    forum: bool
    engineers: list[int] = field(default_factory=list)

    # --- people
    def client(
        self,
        first_name: str = "Иван",
        *,
        last_name: str | None = "Петров",
        username: str | None = "ivan",
        language_code: str | None = "ru",
    ) -> int:
        """A new client in a private chat with the bot."""
        return self.emu.add_user(
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )

    def engineer(self, first_name: str = "Ольга") -> int:
        """A new engineer in the operator group."""
        user = self.emu.add_user(
            first_name=first_name, last_name="Инженер", username=None, language_code="ru"
        )
        self.emu.add_member(self.group, user)
        self.engineers.append(user)
        return user

    # --- the client's side
    def last_id(self, chat: int, thread_id: int | None = None) -> int:
        """The newest message id in a chat (to wait only for what comes after it)."""
        msgs = self.emu.messages(chat, thread_id=thread_id)
        return msgs[-1]["message_id"] if msgs else 0

    async def bot_says(
        self,
        chat: int,
        contains: str,
        *,
        after: int | None = None,
        thread_id: int | None = None,
        timeout: float = 8.0,  # noqa: ASYNC109 - part of the test vocabulary
    ) -> dict[str, Any]:
        """Waits for the bot to show a message containing `contains`."""
        return await self.emu.wait_message(
            chat, thread_id=thread_id, contains=contains, after=after, timeout=timeout
        )

    async def press(self, chat: int, message: dict[str, Any], button: str) -> None:
        """Presses an inline button under a bot message."""
        self.emu.press_button(
            chat, chat if chat > 0 else self.engineers[0], message["message_id"], button
        )

    async def press_as(self, chat: int, user: int, message: dict[str, Any], button: str) -> None:
        """Presses a button as a given user (engineers in the group)."""
        self.emu.press_button(chat, user, message["message_id"], button)

    async def register(
        self,
        client: int,
        *,
        kind: str = "incident",
        priority: str = "high",
        description: str = "Не открывается карточка документа",
        lang: str = "ru",
        appear: bool = True,
    ) -> int:
        """Registers a ticket through the whole conversation; returns its number once its
        topic and card are in the group (at once with `appear` false)."""
        mark = self.last_id(client)
        self.emu.send_command(client, client, "/new")
        prompt = await self.bot_says(
            client, t(lang, "reg.choose_type").split("\n")[-1], after=mark
        )
        await self.press(client, prompt, t(lang, f"type.{kind}"))
        if kind == "incident":
            prompt = await self.bot_says(
                client, t(lang, "reg.choose_priority").split("\n")[0], after=prompt["message_id"]
            )
            label = next(b for b in buttons(prompt) if t(lang, f"prio.{priority}") in b)
            await self.press(client, prompt, label)
        prompt = await self.bot_says(
            client, t(lang, "reg.describe")[:20], after=prompt["message_id"]
        )
        mark = self.last_id(client)
        self.emu.send_text(client, client, description)
        await self.bot_says(client, t(lang, "reg.describe_more")[:10], after=mark)
        await self.press(client, prompt, t(lang, "reg.done"))
        summary = await self.bot_says(client, t(lang, "reg.summary")[:10], after=mark)
        await self.press(client, summary, t(lang, "reg.confirm"))
        done = await self.bot_says(client, "✅", after=summary["message_id"] - 1)
        number = int(text_of(done).split("#")[1].split()[0])
        if not appear:
            return number
        await self.emu.wait_for(
            lambda: (
                self.find_header(number) is not None
                and (not self.forum or self.topic(number) is not None)
            )
        )
        return number

    # --- the operator group
    def topic(self, number: int) -> int | None:
        """The thread id of a ticket's topic, by its number in the title."""
        for thread_id, info in self.emu.topics(self.group).items():
            if f"#{number} " in info["name"]:
                return thread_id
        return None

    def topic_info(self, number: int) -> dict[str, Any]:
        """A ticket's topic as the group shows it (its name, whether it is closed)."""
        for info in self.emu.topics(self.group).values():
            if f"#{number} " in info["name"]:
                return dict(info)
        raise AssertionError(f"no topic for ticket #{number}")

    def find_header(self, number: int) -> dict[str, Any] | None:
        """The ticket's header card in the group (the first one), if posted."""
        for msg in self.emu.messages(self.group, from_bot=True):
            text = text_of(msg)
            if f"#{number} ·" in text.split("\n")[0] and "id " in text and "Сообщений" not in text:
                return msg
        return None

    def header(self, number: int) -> dict[str, Any]:
        """The ticket's header card in the group."""
        found = self.find_header(number)
        assert found is not None, f"no header card for #{number}"
        return found

    def thread_messages(
        self, number: int, *, from_bot: bool | None = None
    ) -> list[dict[str, Any]]:
        """What engineers see for a ticket: its topic, or replies to its header card."""
        if self.forum:
            thread = self.topic(number)
            if thread is None:
                return []
            return self.emu.messages(self.group, thread_id=thread, from_bot=from_bot)
        head = self.find_header(number)
        if head is None:
            return []
        out = [head]
        for msg in self.emu.messages(self.group, from_bot=from_bot):
            reply = msg.get("reply_to_message")
            if reply and reply["message_id"] == head["message_id"]:
                out.append(msg)
        return out

    def engineer_says(
        self, engineer: int, number: int, text: str, *, reply_to: int | None = None
    ) -> dict[str, Any]:
        """An engineer writes in the ticket's topic (or replies to its header card)."""
        if self.forum:
            return self.emu.send_text(
                self.group, engineer, text, thread_id=self.topic(number), reply_to=reply_to
            )
        return self.emu.send_text(
            self.group, engineer, text, reply_to=reply_to or self.header(number)["message_id"]
        )

    def forge_press(self, user: int, data: str) -> None:
        """A button press with data the user made up (a modified client can send any)."""
        self.emu.push_update(
            {
                "callback_query": {
                    "id": f"forged-{data}",
                    "from": {"id": user, "is_bot": False, "first_name": "?"},
                    "chat_instance": "x",
                    "data": data,
                    "message": self.emu.messages(user, from_bot=True)[-1],
                }
            }
        )

    def engineer_command(self, engineer: int, number: int, command: str) -> dict[str, Any]:
        """An engineer runs a command for a ticket."""
        if self.forum:
            return self.emu.send_command(
                self.group, engineer, command, thread_id=self.topic(number)
            )
        return self.emu.send_command(
            self.group, engineer, command, reply_to=self.header(number)["message_id"]
        )


class ClockDesk(Desk):
    """A desk whose clock only the test moves."""

    clock: ManualClock
    manager: int  # set by tests that have a manager

    def advance_to(self, moment: datetime) -> None:
        """Moves the desk's clock; the sweep notices within a fraction of a second."""
        self.clock.advance(moment - self.clock.now())


@asynccontextmanager
async def running_desk(
    emu: BotApiEmulator,
    database_url: str,
    *,
    forum: bool = True,
    clock: ManualClock | None = None,
    **overrides: object,
) -> AsyncIterator[Desk]:
    """An operator group, the bot started on it with these settings, and one engineer."""
    group = emu.add_group(
        title="Поддержка", is_forum=forum, bot_is_admin=True, can_manage_topics=forum
    )
    bot = BotProcess(make_settings(emu, group, database_url, **overrides), emu, clock=clock)
    await bot.start()
    desk: Desk
    if clock is None:
        desk = Desk(emu=emu, group=group, bot=bot, forum=forum)
    else:
        desk = ClockDesk(emu=emu, group=group, bot=bot, forum=forum)
        desk.clock = clock
    desk.engineer()
    try:
        yield desk
    finally:
        await bot.stop()


async def _desk(emu: BotApiEmulator, database_url: str, *, forum: bool) -> AsyncIterator[Desk]:
    async with running_desk(emu, database_url, forum=forum) as desk:
        yield desk


@pytest.fixture
async def desk(emu: BotApiEmulator, database_url: str) -> AsyncIterator[Desk]:
    """A desk whose operator group has forum topics."""
    async for d in _desk(emu, database_url, forum=True):
        yield d


@pytest.fixture(params=["topics", "replies"])
async def any_desk(
    request: pytest.FixtureRequest, emu: BotApiEmulator, database_url: str
) -> AsyncIterator[Desk]:
    """The desk in both operator modes: forum topics, and a plain group with replies."""
    async for d in _desk(emu, database_url, forum=request.param == "topics"):
        yield d
