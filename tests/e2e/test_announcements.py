"""Release announcements: an admin composes one in the operator group; every subscribed client
gets it exactly once, with "Request this version" and "Unsubscribe" under it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from emulator import BotApiEmulator, buttons, text_of
from storage import orgs
from storage.db import create_engine, create_sessionmaker
from storage.models import Announcement, Client, Delivery, Ticket
from tests.e2e.conftest import Desk, running_desk

FAST = {
    "broadcast_progress_interval": 3.0,
    "broadcast_idle_poll": 0.3,
    "broadcast_retry_base": 0.2,
    "broadcast_lease": 21.0,
}


@dataclass
class NewsDesk:
    """A running desk with an admin in the operator group."""

    desk: Desk
    admin: int
    database_url: str

    @property
    def emu(self) -> BotApiEmulator:
        return self.desk.emu

    @property
    def group(self) -> int:
        return self.desk.group

    async def subscriber(
        self, name: str = "Иван", *, lang: str = "ru", organization: str | None = None
    ) -> int:
        """A client who subscribed with /subscribe (and works for `organization`)."""
        client = self.desk.client(name, language_code=lang)
        self.emu.send_command(client, client, "/subscribe")
        await self.desk.bot_says(client, "🔔")
        if organization is not None:
            await self.join(client, organization)
        return client

    async def join(self, client: int, organization: str) -> None:
        """Links the client to the organization of that name, creating it."""
        engine = create_engine(self.database_url)
        try:
            async with create_sessionmaker(engine)() as session, session.begin():
                now = datetime.now(UTC)
                org = await orgs.find(session, organization)
                org = org or await orgs.create(session, organization, now=now)
                row = await session.get(Client, client)
                assert row is not None
                orgs.link(row, org)
        finally:
            await engine.dispose()

    async def sql(self, statement: Any) -> Any:
        engine = create_engine(self.database_url)
        try:
            async with create_sessionmaker(engine)() as session, session.begin():
                result = await session.execute(statement)
                return result.all() if statement.is_select else None
        finally:
            await engine.dispose()

    def bot_in_group(self, after: int) -> list[dict[str, Any]]:
        return [m for m in self.emu.messages(self.group, from_bot=True) if m["message_id"] > after]

    async def compose(
        self,
        send: Any,
        *,
        audience: str = "all",
        orgs: tuple[str, ...] = (),
        version: str | None = None,
    ) -> dict[str, Any]:
        """/announce → the message (sent by `send`) → audience → version; returns the
        control message under the preview."""
        desk = self.desk
        mark = desk.last_id(self.group)
        self.emu.send_command(self.group, self.admin, "/announce")
        await desk.bot_says(self.group, "Пришлите сообщение для клиентов", after=mark)
        send()
        ask = await desk.bot_says(self.group, "Кому отправить?", after=mark)
        if audience == "all":
            label = next(b for b in buttons(ask) if b.startswith("👥"))
            await desk.press_as(self.group, self.admin, ask, label)
        else:
            await desk.press_as(self.group, self.admin, ask, "🏢 Выбрать организации")
            for name in orgs:

                def unticked(n: str = name) -> bool:
                    shown = buttons(self.emu.get_message(self.group, ask["message_id"]))
                    return any(n in b and b.startswith("▫️") for b in shown)

                await self.emu.wait_for(unticked)
                current = self.emu.get_message(self.group, ask["message_id"])
                assert current is not None
                label = next(b for b in buttons(current) if name in b)
                await desk.press_as(self.group, self.admin, current, label)
            await self.emu.wait_for(
                lambda: (
                    f"выбрано: {len(orgs)}"
                    in " ".join(buttons(self.emu.get_message(self.group, ask["message_id"])))
                )
            )
            current = self.emu.get_message(self.group, ask["message_id"])
            assert current is not None
            await desk.press_as(self.group, self.admin, current, f"Готово, выбрано: {len(orgs)}")
        ask = await desk.bot_says(self.group, "Номер версии?", after=ask["message_id"])
        if version is None:
            await desk.press_as(self.group, self.admin, ask, "Без версии")
        else:
            self.emu.send_text(self.group, self.admin, version)
        return await desk.bot_says(
            self.group, "Так рассылку увидят клиенты", after=ask["message_id"]
        )

    async def send_and_wait(self, control: dict[str, Any], timeout: float = 20.0) -> str:  # noqa: ASYNC109
        """Presses Send and waits for the final summary; returns the progress message's text."""
        label = next(b for b in buttons(control) if b.startswith("🚀"))
        await self.desk.press_as(self.group, self.admin, control, label)
        await self.desk.bot_says(
            self.group, "завершена: доставлено", after=control["message_id"], timeout=timeout
        )
        started = next(
            m
            for m in self.bot_in_group(control["message_id"])
            if text_of(m).startswith("✅ Рассылка")
        )
        return text_of(started)

    def received(self, client: int, contains: str) -> list[dict[str, Any]]:
        return [m for m in self.emu.messages(client, from_bot=True) if contains in text_of(m)]


@asynccontextmanager
async def news_desk(
    emu: BotApiEmulator, database_url: str, **settings: Any
) -> AsyncIterator[NewsDesk]:
    """The bot running with these settings, and an admin in its operator group."""
    admin = emu.add_user(first_name="Анна", last_name="Админ", username=None, language_code="ru")
    async with running_desk(emu, database_url, admin_ids=frozenset({admin}), **settings) as desk:
        emu.add_member(desk.group, admin)
        yield NewsDesk(desk=desk, admin=admin, database_url=database_url)


@pytest.fixture
async def news(emu: BotApiEmulator, database_url: str) -> AsyncIterator[NewsDesk]:
    async with news_desk(emu, database_url, **FAST) as desk:
        yield desk


BOLD_NEWS = "Вышла версия 3.2: быстрый поиск"


def bold_text(news: NewsDesk) -> Any:
    return lambda: news.emu.send_text(
        news.group,
        news.admin,
        BOLD_NEWS,
        entities=[{"type": "bold", "offset": 0, "length": 12}],
    )


async def test_an_announcement_reaches_every_subscriber_once(news: NewsDesk) -> None:
    ru = await news.subscriber("Иван")
    en = await news.subscriber("John", lang="en")
    other = await news.subscriber("Пётр")
    quiet = news.desk.client("Молчун")  # never subscribed
    news.emu.send_command(other, other, "/unsubscribe")
    await news.desk.bot_says(other, "🔕")

    control = await news.compose(bold_text(news))
    preview = news.bot_in_group(control["message_id"] - 2)[0]
    # The preview is what clients get: the same text, formatting and buttons.
    assert text_of(preview) == BOLD_NEWS
    assert preview["entities"][0]["type"] == "bold"
    assert buttons(preview) == ["🔕 Отписаться от новостей"]
    assert "Получателей: 2" in text_of(control)

    summary = await news.send_and_wait(control)
    assert "Доставлено: 2 из 2" in summary
    for client, unsubscribe in (
        (ru, "🔕 Отписаться от новостей"),
        (en, "🔕 Unsubscribe from news"),
    ):
        got = news.received(client, BOLD_NEWS)
        assert len(got) == 1
        assert got[0]["entities"][0]["type"] == "bold"
        assert buttons(got[0]) == [unsubscribe]
    assert news.received(other, BOLD_NEWS) == []
    assert news.received(quiet, BOLD_NEWS) == []


async def test_only_admins_announce(news: NewsDesk) -> None:
    engineer = news.desk.engineers[0]
    mark = news.desk.last_id(news.group)
    news.emu.send_command(news.group, engineer, "/announce")
    await news.desk.bot_says(news.group, "только для администраторов", after=mark)
    # An engineer pressing the admin's buttons is refused too.
    await news.subscriber()
    mark = news.desk.last_id(news.group)
    news.emu.send_command(news.group, news.admin, "/announce")
    ask = await news.desk.bot_says(news.group, "Пришлите сообщение", after=mark)
    await news.desk.press_as(news.group, engineer, ask, "✖️ Отмена")
    await news.emu.wait_for(
        lambda: any(
            "только для администраторов" in (a.get("text") or "")
            for a in news.emu.callback_answers
        )
    )
    assert buttons(news.emu.get_message(news.group, ask["message_id"])) == ["✖️ Отмена"]


async def test_cancel_sends_nothing(news: NewsDesk) -> None:
    client = await news.subscriber()
    mark = news.desk.last_id(news.group)
    news.emu.send_command(news.group, news.admin, "/announce")
    ask = await news.desk.bot_says(news.group, "Пришлите сообщение", after=mark)
    news.emu.send_text(news.group, news.admin, "Черновик")
    ask = await news.desk.bot_says(news.group, "Кому отправить?", after=ask["message_id"])
    await news.desk.press_as(news.group, news.admin, ask, "✖️ Отмена")
    await news.desk.bot_says(news.group, "отменена", after=ask["message_id"])
    # The admin's next words are ordinary chatter again, not an announcement.
    news.emu.send_text(news.group, news.admin, "Коллеги, всем привет")
    assert news.received(client, "Черновик") == []


async def test_audience_by_organization(news: NewsDesk) -> None:
    romashka = await news.subscriber("Иван", organization="ООО Ромашка")
    lutik = await news.subscriber("Пётр", organization="АО Лютик")
    nobody = await news.subscriber("Сергей")

    control = await news.compose(
        lambda: news.emu.send_text(news.group, news.admin, "Только для Ромашки"),
        audience="orgs",
        orgs=("ООО Ромашка",),
    )
    assert "Получателей: 1" in text_of(control)
    assert "ООО Ромашка" in text_of(control)
    summary = await news.send_and_wait(control)
    assert "Доставлено: 1 из 1" in summary
    assert len(news.received(romashka, "Только для Ромашки")) == 1
    assert news.received(lutik, "Только для Ромашки") == []
    assert news.received(nobody, "Только для Ромашки") == []


async def test_a_photo_with_its_caption(news: NewsDesk) -> None:
    client = await news.subscriber()
    control = await news.compose(
        lambda: news.emu.send_photo(news.group, news.admin, caption="Новый интерфейс 4.0"),
        version="4.0",
    )
    await news.send_and_wait(control)
    got = news.received(client, "Новый интерфейс 4.0")
    assert len(got) == 1 and got[0].get("photo")
    assert buttons(got[0]) == ["📦 Запросить версию 4.0", "🔕 Отписаться от новостей"]


async def test_request_this_version_registers_one_ticket(news: NewsDesk) -> None:
    client = await news.subscriber()
    outsider = news.desk.client("Чужой")
    control = await news.compose(bold_text(news), version="3.2.1")
    await news.send_and_wait(control)
    announcement = news.received(client, BOLD_NEWS)[0]
    assert buttons(announcement)[0] == "📦 Запросить версию 3.2.1"

    await news.desk.press(client, announcement, "📦 Запросить версию 3.2.1")
    done = await news.desk.bot_says(client, "зарегистрирована", after=announcement["message_id"])
    assert "Новая версия системы" in text_of(done) and "3.2.1" in text_of(done)
    number = int(text_of(done).split("#")[1].split()[0])
    await news.emu.wait_for(lambda: news.desk.topic(number) is not None)
    await news.desk.bot_says(
        news.group, "запросил версию 3.2.1", thread_id=news.desk.topic(number)
    )

    # A second tap opens no second ticket and says which one there is.
    answers = len(news.emu.callback_answers)
    await news.desk.press(client, announcement, "📦 Запросить версию 3.2.1")
    await news.emu.wait_for(lambda: len(news.emu.callback_answers) > answers)
    assert f"#{number}" in (news.emu.callback_answers[-1].get("text") or "")
    tickets = await news.sql(select(Ticket.number, Ticket.type).where(Ticket.client_id == client))
    assert tickets == [(number, "version")]

    # Somebody who did not get the announcement cannot ask through forged button data.
    (row,) = await news.sql(select(Announcement.id))
    news.emu.send_command(outsider, outsider, "/start")
    await news.desk.bot_says(outsider, "Здравствуйте")
    news.desk.forge_press(outsider, f"v:req:{row[0]}")
    await news.emu.wait_for(
        lambda: any(
            p["callback_query_id"].startswith("forged-v:req")
            for p in news.emu.calls_of("answerCallbackQuery")
        )
    )
    assert await news.sql(select(Ticket.id).where(Ticket.client_id == outsider)) == []


async def test_the_unsubscribe_button_under_an_announcement(news: NewsDesk) -> None:
    client = await news.subscriber()
    control = await news.compose(bold_text(news))
    await news.send_and_wait(control)
    announcement = news.received(client, BOLD_NEWS)[0]
    await news.desk.press(client, announcement, "🔕 Отписаться от новостей")
    await news.desk.bot_says(client, "Вы отписаны", after=announcement["message_id"])
    assert await news.sql(select(Client.subscribed).where(Client.id == client)) == [(False,)]


async def test_blocked_clients_are_counted_and_unsubscribed(news: NewsDesk) -> None:
    fine = await news.subscriber("Иван")
    gone = await news.subscriber("Ушедший")
    news.emu.block_bot(gone)
    control = await news.compose(bold_text(news))
    summary = await news.send_and_wait(control)
    assert "Доставлено: 1 из 2" in summary
    assert "заблокировали бота: 1" in summary
    assert len(news.received(fine, BOLD_NEWS)) == 1
    assert await news.sql(select(Client.subscribed).where(Client.id == gone)) == [(False,)]


async def test_429_is_waited_out_and_nobody_gets_two(news: NewsDesk) -> None:
    clients = [await news.subscriber(f"Клиент {n}") for n in range(3)]
    target = clients[1]
    news.emu.inject_error(
        "sendMessage",
        429,
        "Too Many Requests: retry after 1",
        retry_after=1,
        times=2,
        when=lambda p: p.get("chat_id") == target,
    )
    control = await news.compose(bold_text(news))
    summary = await news.send_and_wait(control)
    assert "Доставлено: 3 из 3" in summary
    for client in clients:
        assert len(news.received(client, BOLD_NEWS)) == 1
    assert sum(1 for m, p, e in news.emu.state.errors if e.error_code == 429) == 2


async def test_a_permanent_refusal_is_reported_with_its_reason(news: NewsDesk) -> None:
    fine = await news.subscriber("Иван")
    odd = await news.subscriber("Странный")
    news.emu.inject_error(
        "sendMessage", 400, "Bad Request: chat not found", when=lambda p: p.get("chat_id") == odd
    )
    control = await news.compose(bold_text(news))
    summary = await news.send_and_wait(control)
    assert "Доставлено: 1 из 2" in summary
    assert "Telegram отказал: 1 — Bad Request: chat not found" in summary or (
        "Telegram отказал: 1 — Chat not found" in summary
    )
    assert len(news.received(fine, BOLD_NEWS)) == 1


async def test_news_shows_the_announcements_meant_for_the_client(news: NewsDesk) -> None:
    client = await news.subscriber("Иван", organization="ООО Ромашка")
    stranger = await news.subscriber("Пётр", organization="АО Лютик")
    control = await news.compose(bold_text(news), version="3.2")
    await news.send_and_wait(control)
    control = await news.compose(
        lambda: news.emu.send_text(news.group, news.admin, "Секрет для Лютика"),
        audience="orgs",
        orgs=("АО Лютик",),
    )
    await news.send_and_wait(control)

    mark = news.desk.last_id(client)
    news.emu.send_command(client, client, "/news")
    shown = await news.desk.bot_says(client, "Новости", after=mark)
    assert BOLD_NEWS in text_of(shown) and "версия 3.2" in text_of(shown)
    assert "Секрет для Лютика" not in text_of(shown)
    assert "Вы получаете новости" in text_of(shown)
    titles = buttons(shown)
    assert "📄 Обновление до новой версии" in titles or any("верси" in b for b in titles)
    await news.desk.press(client, shown, titles[0])
    article = await news.desk.bot_says(
        client, titles[0].removeprefix("📄 "), after=shown["message_id"]
    )
    assert "Помогло" in " ".join(buttons(article))

    mark = news.desk.last_id(stranger)
    news.emu.send_command(stranger, stranger, "/news")
    shown = await news.desk.bot_says(stranger, "Новости", after=mark)
    assert "Секрет для Лютика" in text_of(shown)


async def _delivery_states(news: NewsDesk) -> dict[int, str]:
    rows = await news.sql(select(Delivery.client_id, Delivery.state))
    return {client: state for client, state in rows}


@pytest.mark.parametrize("restart_at", [3])
async def test_a_restart_resumes_without_repeating_anyone(news: NewsDesk, restart_at: int) -> None:
    clients = [await news.subscriber(f"Клиент {n}") for n in range(12)]
    # Slow the broadcast so the restart lands in the middle of it.
    news.emu.inject_delay(
        "sendMessage", 0.3, times=100, when=lambda p: p.get("chat_id") in clients
    )
    control = await news.compose(bold_text(news))
    label = next(b for b in buttons(control) if b.startswith("🚀"))
    await news.desk.press_as(news.group, news.admin, control, label)
    await news.emu.wait_for(
        lambda: sum(len(news.received(c, BOLD_NEWS)) for c in clients) >= restart_at, timeout=10
    )
    await news.desk.bot.restart()
    await news.desk.bot_says(
        news.group, "завершена: доставлено", after=control["message_id"], timeout=30
    )
    for client in clients:
        assert len(news.received(client, BOLD_NEWS)) == 1, client
    assert set((await _delivery_states(news)).values()) == {"sent"}


async def test_sends_left_in_flight_by_a_dead_process_are_reported_not_resent(
    emu: BotApiEmulator, database_url: str
) -> None:
    """The state a hard kill leaves behind, written directly: a row claimed long ago and never
    recorded. The restarted bot reports it as unknown and does not send it again."""
    async with news_desk(emu, database_url, **FAST) as news:
        desk, admin = news.desk, news.admin
        limbo = await news.subscriber("Иван")
        waiting = await news.subscriber("Пётр")
        await desk.bot.stop()
        from datetime import UTC, datetime, timedelta

        long_ago = datetime.now(UTC) - timedelta(minutes=5)
        engine = create_engine(database_url)
        try:
            async with create_sessionmaker(engine)() as session, session.begin():
                progress = emu.send_text(desk.group, admin, "(тут было сообщение о ходе)")
                row = Announcement(
                    author_id=admin,
                    status="sending",
                    step="sent",
                    kind="text",
                    text_html=BOLD_NEWS,
                    total=2,
                    created_at=long_ago,
                    started_at=long_ago,
                    progress_message_id=progress["message_id"],
                )
                session.add(row)
                await session.flush()
                session.add_all(
                    [
                        Delivery(
                            announcement_id=row.id,
                            client_id=limbo,
                            state="sending",
                            attempts=1,
                            claimed_at=long_ago,
                        ),
                        Delivery(
                            announcement_id=row.id, client_id=waiting, state="pending", attempts=0
                        ),
                    ]
                )
        finally:
            await engine.dispose()
        mark = desk.last_id(desk.group)
        await desk.bot.start()
        await desk.bot_says(desk.group, "завершена: доставлено 1 из 2", after=mark, timeout=20)
        assert len(news.received(waiting, BOLD_NEWS)) == 1
        assert news.received(limbo, BOLD_NEWS) == []
        assert await _delivery_states(news) == {limbo: "unknown", waiting: "sent"}


async def test_a_timed_out_send_is_unknown_and_not_resent(
    emu: BotApiEmulator, database_url: str
) -> None:
    async with news_desk(
        emu, database_url, **{**FAST, "request_timeout": 1.0, "broadcast_lease": 5.0}
    ) as news:
        slow = await news.subscriber("Медленный")
        fine = await news.subscriber("Быстрый")
        # The request arrives and is delivered, but the answer comes after the timeout.
        emu.inject_delay("sendMessage", 2.0, when=lambda p: p.get("chat_id") == slow)
        control = await news.compose(bold_text(news))
        summary = await news.send_and_wait(control)
        assert "Доставлено: 1 из 2" in summary
        assert "исход неизвестен: 1" in summary
        await emu.wait_for(lambda: len(news.received(slow, BOLD_NEWS)) == 1)
        assert len(news.received(slow, BOLD_NEWS)) == 1
        assert len(news.received(fine, BOLD_NEWS)) == 1
        assert (await _delivery_states(news))[slow] == "unknown"


async def test_an_ambiguous_failure_is_resent_only_when_the_admin_asks(news: NewsDesk) -> None:
    """Telegram's 502 may come after the server acted: the row is unknown and not resent until
    the admin presses the summary's button (which says some may get it twice)."""
    clients = [await news.subscriber(f"Клиент {n}") for n in range(2)]
    news.emu.inject_error(
        "sendMessage", 502, "Bad Gateway", when=lambda p: p.get("chat_id") == clients[0]
    )
    control = await news.compose(bold_text(news))
    summary = await news.send_and_wait(control)
    assert "Доставлено: 1 из 2" in summary and "исход неизвестен: 1" in summary
    assert news.received(clients[0], BOLD_NEWS) == []
    progress = next(
        m for m in news.bot_in_group(control["message_id"]) if text_of(m).startswith("✅")
    )
    assert buttons(progress) == ["🔁 Отправить ещё раз 1 (кто-то может получить дважды)"]
    # Engineers may not choose it.
    await news.desk.press_as(news.group, news.desk.engineers[0], progress, buttons(progress)[0])
    mark = news.desk.last_id(news.group)
    await news.desk.press_as(news.group, news.admin, progress, buttons(progress)[0])
    await news.desk.bot_says(news.group, "завершена: доставлено 2 из 2", after=mark)
    for client in clients:
        assert len(news.received(client, BOLD_NEWS)) == 1


async def test_a_client_who_unsubscribes_before_their_turn_is_skipped(
    emu: BotApiEmulator, database_url: str
) -> None:
    async with news_desk(emu, database_url, **{**FAST, "broadcast_workers": 1}) as news:
        desk, admin = news.desk, news.admin
        clients = [await news.subscriber(f"Клиент {n}") for n in range(4)]
        emu.inject_delay("sendMessage", 1.0, times=4, when=lambda p: p.get("chat_id") in clients)
        control = await news.compose(bold_text(news))
        label = next(b for b in buttons(control) if b.startswith("🚀"))
        await desk.press_as(desk.group, admin, control, label)
        # The progress message says the broadcast has begun.
        await desk.bot_says(desk.group, "отправляю 4", after=control["message_id"])
        late = clients[-1]
        mark = desk.last_id(late)
        emu.send_command(late, late, "/unsubscribe")
        await desk.bot_says(late, "Вы отписаны", after=mark)
        await desk.bot_says(desk.group, "завершена", after=control["message_id"], timeout=30)
        progress = next(
            m for m in news.bot_in_group(control["message_id"]) if text_of(m).startswith("✅")
        )
        assert "Доставлено: 3 из 4" in text_of(progress)
        assert "отписались до своей очереди: 1" in text_of(progress)
        assert news.received(late, BOLD_NEWS) == []


async def test_the_admin_watches_progress_in_one_message(
    emu: BotApiEmulator, database_url: str
) -> None:
    async with news_desk(emu, database_url, **{**FAST, "broadcast_workers": 1}) as news:
        clients = [await news.subscriber(f"Клиент {n}") for n in range(6)]
        emu.inject_delay("sendMessage", 1.2, times=6, when=lambda p: p.get("chat_id") in clients)
        control = await news.compose(bold_text(news))
        await news.send_and_wait(control, timeout=30)
        progress = next(
            m for m in news.bot_in_group(control["message_id"]) if "Рассылка №" in text_of(m)
        )
        edits = [
            p["text"]
            for p in emu.calls_of("editMessageText")
            if p.get("message_id") == progress["message_id"]
        ]
        # While sending: counts, rate and time to finish, in the same message; then the summary.
        assert any("Отправлено:" in e and "из 6" in e and "До конца" in e for e in edits[:-1])
        assert "Доставлено: 6 из 6" in edits[-1]
        assert len(edits) <= 1 + 8 / FAST["broadcast_progress_interval"] + 1


async def test_a_refused_preview_is_never_sent_to_clients(news: NewsDesk) -> None:
    """What Telegram will not take for the preview it will not take for clients either: Send
    asks for another message instead of starting the broadcast."""
    client = await news.subscriber()
    news.emu.inject_error(
        "sendMessage",
        400,
        "Bad Request: message is too long",
        when=lambda p: p.get("chat_id") == news.group and "Вышла версия" in (p.get("text") or ""),
    )
    control = await news.compose(bold_text(news))
    label = next(b for b in buttons(control) if b.startswith("🚀"))
    await news.desk.press_as(news.group, news.admin, control, label)
    await news.desk.bot_says(
        news.group, "Telegram не принял сообщение для рассылки", after=control["message_id"]
    )
    assert news.received(client, BOLD_NEWS) == []
    assert await news.sql(select(Delivery.id)) == []


async def test_a_broadcast_over_before_its_progress_message_is_out_sums_up_alone(
    news: NewsDesk,
) -> None:
    """The group is behind (a 429 holds the progress message back) and the broadcast is over
    first: the summary takes the waiting progress message's place, one message, not two."""
    client = await news.subscriber()
    news.emu.inject_error(
        "sendMessage",
        429,
        "Too Many Requests: retry after 1",
        retry_after=1,
        times=1000,  # held back for as long as the broadcast takes
        when=lambda p: "отправляю" in (p.get("text") or ""),
    )
    control = await news.compose(bold_text(news))
    summary = await news.send_and_wait(control)
    assert "Доставлено: 1 из 1" in summary
    assert len(news.received(client, BOLD_NEWS)) == 1
    errors = [e.error_code for _, _, e in news.emu.state.errors]
    assert set(errors) <= {429}  # the progress message held back, if it was tried at all
    assert not any("отправляю" in text_of(m) for m in news.bot_in_group(control["message_id"]))


async def test_an_answer_faster_than_the_bots_own_bookkeeping_is_not_refused(
    news: NewsDesk,
) -> None:
    # Telegram shows a question before the bot has recorded that it was sent: the admin
    # answers it at once, and the bot's late record of it must not make the next question's
    # buttons look old.
    await news.subscriber("Иван")
    desk, emu = news.desk, news.emu

    def asks(words: str) -> Any:
        return lambda params: words in str(params.get("text", ""))

    mark = desk.last_id(news.group)
    emu.send_command(news.group, news.admin, "/announce")
    await desk.bot_says(news.group, "Пришлите сообщение для клиентов", after=mark)
    audience_sent = emu.hold("sendMessage", when=asks("Кому отправить?"))
    bold_text(news)()
    await audience_sent.wait_arrived(10)
    audience = await desk.bot_says(news.group, "Кому отправить?", after=mark)
    version_sent = emu.hold("sendMessage", when=asks("Номер версии?"))
    label = next(b for b in buttons(audience) if b.startswith("👥"))
    await desk.press_as(news.group, news.admin, audience, label)
    # The next question waits behind the first one's answer; now the first one settles.
    await asyncio.sleep(0.5)
    audience_sent.release()
    await version_sent.wait_arrived(10)
    version = await desk.bot_says(news.group, "Номер версии?", after=audience["message_id"])
    answered = len(emu.calls_of("answerCallbackQuery"))
    await desk.press_as(news.group, news.admin, version, "Без версии")
    # The press is handled (its spinner answered) while the question's send is unsettled.
    await emu.wait_for(lambda: len(emu.calls_of("answerCallbackQuery")) > answered)
    version_sent.release()
    control = await desk.bot_says(
        news.group, "Так рассылку увидят клиенты", after=version["message_id"]
    )
    assert "Получателей: 1" in text_of(control)
    refused = [
        c for c in emu.calls_of("answerCallbackQuery") if "не действует" in str(c.get("text"))
    ]
    assert refused == []


async def test_a_progress_message_in_flight_when_the_broadcast_ends_still_gives_one_summary(
    news: NewsDesk,
) -> None:
    """The progress message is on its way (Telegram slow) when the last client gets the
    announcement, and then Telegram answers 429: the summary does not wait behind it."""
    client = await news.subscriber()

    def progress(params: dict[str, Any]) -> bool:
        return "отправляю" in (params.get("text") or "")

    news.emu.inject_delay("sendMessage", 3.0, when=progress)
    news.emu.inject_error(
        "sendMessage",
        429,
        "Too Many Requests: retry after 1",
        retry_after=1,
        times=1000,
        when=progress,
    )
    control = await news.compose(bold_text(news))
    summary = await news.send_and_wait(control)
    assert "Доставлено: 1 из 1" in summary
    assert len(news.received(client, BOLD_NEWS)) == 1
    assert not any("отправляю" in text_of(m) for m in news.bot_in_group(control["message_id"]))
