"""Organizations: admins keep them with /orgs in the operator group and hand clients
invitation links; engineers see unverified clients on the header card and link them."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from desk.clock import ManualClock
from desk.organizations import OrgKind
from emulator import BotApiEmulator, buttons, text_of
from storage import invitations, orgs
from storage.db import create_engine, create_sessionmaker
from storage.models import Client, Ticket
from tests.e2e.conftest import ClockDesk, running_desk
from tests.e2e.test_announcements import NewsDesk

MSK = ZoneInfo("Europe/Moscow")
MONDAY = datetime(2026, 11, 2, 10, 0, tzinfo=MSK)
GREETING = {"ru": "Здравствуйте, ", "en": "Hello, "}
LINK = re.compile(r"https://t\.me/\w+\?start=([A-Za-z0-9_-]+)")


@dataclass
class OrgDesk(NewsDesk):
    """A running desk (its clock moved by the test) with an admin in the operator group."""

    desk: ClockDesk

    # --- the panel
    async def open_panel(self, user: int | None = None) -> dict[str, Any]:
        mark = self.desk.last_id(self.group)
        self.emu.send_command(self.group, user or self.admin, "/orgs")
        return await self.desk.bot_says(self.group, "Организации", after=mark)

    def shown(self, panel: dict[str, Any]) -> dict[str, Any]:
        current = self.emu.get_message(self.group, panel["message_id"])
        assert current is not None
        return current

    async def panel_shows(self, panel: dict[str, Any], contains: str) -> dict[str, Any]:
        """Waits until the panel (edited in place) shows `contains`."""
        found: dict[str, Any] = await self.emu.wait_for(
            lambda: ((m := self.shown(panel)) is not None and contains in text_of(m) and m) or None
        )
        return found

    async def press(self, panel: dict[str, Any], label: str, *, user: int | None = None) -> None:
        """Presses the panel's button whose label starts with `label`, once it shows one."""
        exact: str = await self.emu.wait_for(
            lambda: next((b for b in buttons(self.shown(panel)) if b.startswith(label)), None)
        )
        self.emu.press_button(self.group, user or self.admin, panel["message_id"], exact)

    async def go(self, panel: dict[str, Any], label: str, shows: str) -> dict[str, Any]:
        """Presses a button of the panel and waits until it shows `shows`."""
        await self.press(panel, label)
        return await self.panel_shows(panel, shows)

    async def answer(self, panel: dict[str, Any], label: str, value: str, shows: str) -> None:
        """Presses a field's button, waits for the question, writes the value."""
        await self.go(panel, label, "пришлите")
        self.emu.send_text(self.group, self.admin, value)
        await self.panel_shows(panel, shows)

    async def refused(self, value: str, says: str) -> str:
        """The admin writes a value the bot cannot take; the reason it answers with."""
        mark = self.desk.last_id(self.group)
        self.emu.send_text(self.group, self.admin, value)
        return text_of(await self.desk.bot_says(self.group, says, after=mark))

    # --- the database, for what a test sets up beforehand
    async def run(self, work: Any) -> Any:
        engine = create_engine(self.database_url)
        try:
            async with create_sessionmaker(engine)() as session, session.begin():
                return await work(session)
        finally:
            await engine.dispose()

    async def organization(
        self,
        name: str,
        *,
        kind: OrgKind = OrgKind.DIRECT,
        partner: str | None = None,
        contract_until: date | None = None,
    ) -> int:
        async def work(session: Any) -> int:
            org = await orgs.create(session, name, now=MONDAY, kind=kind)
            org.partner_name, org.contract_until = partner, contract_until
            return org.id

        return int(await self.run(work))

    async def invitation(
        self, org_id: int, *, days: int = 30, max_uses: int | None = None, revoked: bool = False
    ) -> str:
        token = f"tok{org_id}x{days}x{max_uses}x{int(revoked)}".ljust(22, "0")

        async def work(session: Any) -> None:
            row = await invitations.create(
                session,
                token=token,
                organization_id=org_id,
                created_by=self.admin,
                now=MONDAY,
                expires_at=MONDAY + timedelta(days=days),
                max_uses=max_uses,
            )
            row.revoked_at = MONDAY if revoked else None

        await self.run(work)
        return token

    async def card_known(self, number: int, message_id: int) -> None:
        """Waits until the desk has recorded the header card it sent (a press can only come
        after Telegram shows the card, but a test presses sooner than a person could)."""

        async def work(session: Any) -> int | None:
            found = await session.execute(
                select(Ticket.header_message_id).where(Ticket.number == number)
            )
            return found.scalar_one_or_none()  # type: ignore[no-any-return]

        deadline = asyncio.get_running_loop().time() + 5
        while await self.run(work) != message_id:
            assert asyncio.get_running_loop().time() < deadline, "the card was never recorded"
            await asyncio.sleep(0.05)

    async def client_org(self, client: int) -> str | None:
        async def work(session: Any) -> str | None:
            row = await session.get(Client, client)
            return row.organization if row is not None else None

        return await self.run(work)  # type: ignore[no-any-return]

    async def link(self, client: int, org_id: int) -> None:
        """The client (who has opened the bot) works for that organization."""
        mark = self.desk.last_id(client)
        self.emu.send_command(client, client, "/start")
        await self.desk.bot_says(client, GREETING["ru"], after=mark)

        async def work(session: Any) -> None:
            row = await session.get(Client, client)
            orgs.link(row, await orgs.get(session, org_id))

        await self.run(work)

    # --- clients
    async def opens(self, client: int, token: str, says: str, *, lang: str = "ru") -> str:
        """The client opens an invitation link (``/start <token>``); what the bot says of it.
        The ordinary greeting and menu follow in any case."""
        mark = self.desk.last_id(client)
        self.emu.send_command(client, client, f"/start {token}")
        told = await self.desk.bot_says(client, says, after=mark)
        greeting = await self.desk.bot_says(client, GREETING[lang], after=mark)
        assert greeting["message_id"] > told["message_id"] and buttons(greeting)
        return text_of(told)

    def forge(self, user: int, data: str, message: dict[str, Any], name: str = "?") -> None:
        """A press with data the user made up, under a message of the group."""
        self.emu.push_update(
            {
                "callback_query": {
                    "id": f"forged-{user}-{data}",
                    "from": {"id": user, "is_bot": False, "first_name": name},
                    "chat_instance": "x",
                    "data": data,
                    "message": message,
                }
            }
        )

    def alerts(self) -> list[str]:
        """What the bot answered presses with as alerts (forged presses included)."""
        answers = self.emu.calls_of("answerCallbackQuery")
        return [str(a.get("text")) for a in answers if a.get("show_alert")]


@pytest.fixture
async def od(emu: BotApiEmulator, database_url: str) -> AsyncIterator[OrgDesk]:
    admin = emu.add_user(first_name="Анна", last_name="Админ", username=None, language_code="ru")
    async with running_desk(
        emu, database_url, clock=ManualClock(MONDAY), admin_ids=frozenset({admin})
    ) as desk:
        assert isinstance(desk, ClockDesk)
        emu.add_member(desk.group, admin)
        yield OrgDesk(desk=desk, admin=admin, database_url=database_url)


# --- /orgs -----------------------------------------------------------------------------------


async def test_an_admin_adds_and_edits_an_organization_in_one_panel(od: OrgDesk) -> None:
    panel = await od.open_panel()
    assert "Организаций пока нет" in text_of(panel)

    await od.go(panel, "➕ Добавить", "название новой организации")
    od.emu.send_text(od.group, od.admin, "ООО «Ромашка»")
    card = await od.panel_shows(panel, "Организация добавлена")
    assert "🏢 ООО «Ромашка»" in text_of(card) and "прямой клиент" in text_of(card)

    await od.go(panel, "🔁 Сделать клиентом партнёра", "Тип: клиент партнёра")
    await od.answer(panel, "🤝 Партнёр", "ИнтегроСофт", "Партнёр: ИнтегроСофт")
    await od.answer(
        panel, "☎️ Контакты", "+7 495 000-00-00, help@integro.example", "help@integro.example"
    )
    await od.answer(panel, "👔 Менеджер", "Пётр Менеджеров", "Менеджер: Пётр Менеджеров")

    # A bad value is answered with the reason; the question stays for the next message.
    await od.go(panel, "📅 Контракт до", "дату окончания")
    assert "ДД.ММ.ГГГГ" in await od.refused("31.02.2027", "Не понял дату «31.02.2027»")
    od.emu.send_text(od.group, od.admin, "2027-03-31")
    await od.panel_shows(panel, "Контракт: до 31.03.2027")

    await od.go(panel, "🆔 Telegram id", "Telegram id менеджера")
    await od.refused("@petr", "не Telegram id")
    od.emu.send_text(od.group, od.admin, "555000111")
    shown = await od.panel_shows(panel, "(id 555000111)")
    assert "Пётр Менеджеров" in text_of(shown)

    await od.answer(panel, "📝 Заметки", "Ключевой клиент", "Заметки: Ключевой клиент")
    await od.answer(panel, "🆔 Telegram id", "-", "Менеджер: Пётр Менеджеров\n")

    # A second organization cannot take the first one's name, however it is written.
    await od.go(panel, "◀️ К списку", "Организации: 1")
    await od.go(panel, "➕ Добавить", "название новой организации")
    await od.refused("ооо  ромашка", "уже есть")
    od.emu.send_text(od.group, od.admin, "Northwind Ltd")
    await od.panel_shows(panel, "🏢 Northwind Ltd")
    await od.answer(panel, "✏️ Название", "Northwind Limited", "🏢 Northwind Limited")
    await od.press(panel, "◀️ К списку")
    listed = await od.panel_shows(panel, "Организации: 2")
    assert sorted(buttons(listed)[:2]) == ["Northwind Limited · 👤 0", "ООО «Ромашка» · 👤 0"]

    # All of it was one message in the group, edited, plus the three refusals.
    from_bot = od.emu.messages(od.group, from_bot=True)
    assert len([m for m in from_bot if m["message_id"] >= panel["message_id"]]) == 4


async def test_a_question_waits_only_for_its_admin_in_its_thread(od: OrgDesk) -> None:
    await od.organization("ООО «Ромашка»")
    panel = await od.open_panel()
    await od.go(panel, "ООО «Ромашка»", "Клиентов: 0")
    await od.go(panel, "📝 Заметки", "пришлите заметки")
    # An engineer's message in General is staff chatter, not the admin's answer.
    engineer = od.desk.engineers[0]
    od.emu.send_text(od.group, engineer, "пойду пообедаю")
    # Cancel goes back to the card; the admin's next message is chatter again.
    await od.go(panel, "✖️ Отмена", "Заметки: —")
    od.emu.send_text(od.group, od.admin, "всем привет")
    await od.go(panel, "◀️ К списку", "Организации: 1")
    assert "Заметки" not in text_of(od.shown(panel))


async def test_a_plain_engineer_can_neither_open_nor_press_the_panel(od: OrgDesk) -> None:
    org_id = await od.organization("ООО «Ромашка»")
    engineer = od.desk.engineers[0]
    mark = od.desk.last_id(od.group)
    od.emu.send_command(od.group, engineer, "/orgs")
    await od.desk.bot_says(od.group, "только для администраторов", after=mark)

    panel = await od.open_panel()
    await od.press(panel, "ООО «Ромашка»", user=engineer)
    await od.emu.wait_for(lambda: "Эта команда только для администраторов." in od.alerts())
    # Forged presses get the same refusal, and nothing is asked or changed.
    for data in (f"org:ed:{org_id}:name", f"org:kind:{org_id}:partner", f"org:invd:{org_id}:0:90"):
        od.forge(engineer, data, od.shown(panel))
    await od.emu.wait_for(lambda: len(od.alerts()) == 4)
    assert "Организации: 1" in text_of(od.shown(panel))
    od.emu.send_text(od.group, engineer, "Новое имя")
    panel_again = await od.open_panel()
    assert buttons(panel_again)[0] == "ООО «Ромашка» · 👤 0"
    # Garbage of the family is only answered, even for an admin.
    od.forge(od.admin, "org:ed:1:colour", od.shown(panel))
    forged = f"forged-{od.admin}-org:ed:1:colour"
    await od.emu.wait_for(
        lambda: any(
            a["callback_query_id"] == forged for a in od.emu.calls_of("answerCallbackQuery")
        )
    )


# --- invitations -----------------------------------------------------------------------------


async def test_an_invitation_made_in_the_panel_links_the_client_once(od: OrgDesk) -> None:
    await od.organization("ООО «Ромашка»")
    panel = await od.open_panel()
    await od.press(panel, "ООО «Ромашка»")
    await od.go(panel, "✉️ Приглашения", "Приглашений пока нет")
    await od.go(panel, "➕ Новое приглашение", "сколько клиентов")
    await od.go(panel, "1 клиент", "сколько дней")
    await od.press(panel, "7 дней")
    made = await od.panel_shows(panel, "Приглашение создано")
    match = LINK.search(text_of(made))
    assert match is not None
    token = match.group(1)
    assert "✅ действует · до 09.11.2026 10:00 · использовано 0 из 1" in text_of(made)

    ivan = od.desk.client("Иван")
    told = await od.opens(ivan, token, "Вы подключены к организации")
    assert "«ООО «Ромашка»»" in told
    assert await od.client_org(ivan) == "ООО «Ромашка»"
    # The same link again: no second use, and the client hears they are linked already.
    await od.opens(ivan, token, "Вы уже подключены к организации «ООО «Ромашка»»")
    # Used up: a second client is not linked, is told why, and still gets the greeting.
    petr = od.desk.client("Пётр")
    told = await od.opens(petr, token, "ссылка-приглашение не работает")
    assert "столько клиентов, сколько было можно" in told and "менеджера" in told
    assert await od.client_org(petr) is None

    await od.press(panel, "◀️ К организации")
    await od.press(panel, "✉️ Приглашения")
    listed = await od.panel_shows(panel, "использовано полностью")
    assert "использовано 1 из 1" in text_of(listed)
    await od.go(panel, "◀️ К организации", "Клиентов: 1")


async def test_an_english_client_is_told_in_english(od: OrgDesk) -> None:
    token = await od.invitation(await od.organization("Northwind Ltd"), max_uses=10)
    john = od.desk.client("John", last_name="Smith", language_code="en")
    told = await od.opens(john, token, "You are now linked to the organization", lang="en")
    assert "“Northwind Ltd”" in told
    again = await od.opens(john, token, "already linked to the organization", lang="en")
    assert "Northwind" in again
    kate = od.desk.client("Kate", last_name=None, language_code="en")
    told = await od.opens(
        kate, "NoSuchLinkAtAll_123456", "This invitation link does not work", lang="en"
    )
    assert "there is no such link" in told and "manager" in told


async def test_expired_revoked_and_forged_links_say_they_do_not_work(od: OrgDesk) -> None:
    org_id = await od.organization("ООО «Ромашка»")
    short = await od.invitation(org_id, days=7)
    revoked = await od.invitation(org_id, revoked=True)
    ivan = od.desk.client("Иван")
    told = await od.opens(ivan, revoked, "не работает")
    assert "её отозвали" in told
    told = await od.opens(ivan, "x" * 30, "не работает")
    assert "такой ссылки нет" in told
    told = await od.opens(ivan, "../../etc", "не работает")
    assert "такой ссылки нет" in told
    od.desk.advance_to(MONDAY + timedelta(days=7, minutes=1))
    told = await od.opens(ivan, short, "не работает")
    assert "срок её действия истёк" in told
    assert await od.client_org(ivan) is None
    # Unverified, the client is served as usual: the knowledge base and tickets work.
    number = await od.desk.register(ivan)
    assert "⚠️ не подтверждён" in text_of(od.desk.header(number))


async def test_a_client_of_another_organization_is_not_moved(od: OrgDesk) -> None:
    first = await od.organization("ООО «Ромашка»")
    second = await od.organization("Northwind Ltd")
    token = await od.invitation(second, max_uses=10)
    ivan = od.desk.client("Иван")
    await od.link(ivan, first)
    told = await od.opens(ivan, token, "Вы уже подключены к организации «ООО «Ромашка»»")
    assert "инженер поменяет" in told
    assert await od.client_org(ivan) == "ООО «Ромашка»"
    panel = await od.open_panel()
    await od.press(panel, "Northwind Ltd")
    await od.press(panel, "✉️ Приглашения")
    assert "использовано 0 из 10" in text_of(await od.panel_shows(panel, "Приглашения «"))
    # Revoked from the panel, the link stops working at once.
    await od.go(panel, "🚫 Отозвать № 1", "🚫 отозвано")
    petr = od.desk.client("Пётр")
    assert "её отозвали" in await od.opens(petr, token, "не работает")


# --- the header card and /org ----------------------------------------------------------------


async def test_an_unverified_client_is_linked_from_the_header_card(od: OrgDesk) -> None:
    await od.organization("ООО «Ромашка»", kind=OrgKind.PARTNER, partner="ИнтегроСофт")
    await od.organization("Northwind Ltd")
    ivan = od.desk.client("Иван")
    number = await od.desk.register(ivan)
    header = od.desk.header(number)
    assert "Организация: ⚠️ не подтверждён" in text_of(header)
    assert buttons(header) == ["🏢 Привязать к организации"]

    engineer = od.desk.engineers[0]
    await od.card_known(number, header["message_id"])
    await od.desk.press_as(od.group, engineer, header, "🏢 Привязать к организации")
    listing = await od.emu.wait_for(
        lambda: (
            "ООО «Ромашка»" in buttons(m := od.emu.get_message(od.group, header["message_id"]))
            and m
        )
    )
    assert buttons(listing) == ["Northwind Ltd", "ООО «Ромашка»", "◀️ Назад"]
    assert text_of(listing) == text_of(header)  # only the buttons changed
    await od.desk.press_as(od.group, engineer, listing, "ООО «Ромашка»")
    card = await od.emu.wait_for(
        lambda: (
            "клиент партнёра «ИнтегроСофт»"
            in text_of(m := od.emu.get_message(od.group, header["message_id"]))
            and m
        )
    )
    assert "Организация: ООО «Ромашка» (клиент партнёра «ИнтегроСофт»)" in text_of(card)
    assert buttons(card) == []
    await od.emu.wait_for(lambda: "· ООО «Ромашка» ·" in str(od.desk.topic_info(number)["name"]))
    assert await od.client_org(ivan) == "ООО «Ромашка»"


async def test_the_header_card_says_the_contract_has_ended(od: OrgDesk) -> None:
    org_id = await od.organization("ООО «Ромашка»", contract_until=date(2026, 10, 31))
    ivan = od.desk.client("Иван")
    await od.link(ivan, org_id)
    number = await od.desk.register(ivan)
    text = text_of(od.desk.header(number))
    assert "Организация: ООО «Ромашка» (прямой клиент)" in text
    assert "⛔ Контракт закончился 31.10.2026" in text
    assert buttons(od.desk.header(number)) == []


async def test_org_links_existing_organizations_and_only_admins_create(od: OrgDesk) -> None:
    await od.organization("ООО «Ромашка»")
    engineer = od.desk.engineers[0]
    ivan = od.desk.client("Иван")
    number = await od.desk.register(ivan)
    thread = od.desk.topic(number)

    od.desk.engineer_command(engineer, number, "/org Рога и копыта")
    refused = await od.desk.bot_says(od.group, "Организации «Рога и копыта» нет", thread_id=thread)
    assert "/orgs" in text_of(refused)
    assert await od.client_org(ivan) is None

    od.desk.engineer_command(engineer, number, "/org ооо ромашка")
    await od.desk.bot_says(od.group, "из организации «ООО «Ромашка»»", thread_id=thread)
    await od.emu.wait_for(lambda: "(прямой клиент)" in text_of(od.desk.header(number)))

    od.emu.send_command(od.group, od.admin, "/org Рога и копыта", thread_id=thread)
    await od.desk.bot_says(od.group, "Организация «Рога и копыта» создана", thread_id=thread)
    assert await od.client_org(ivan) == "Рога и копыта"

    # /org alone offers the list; a choice edits that answer.
    od.desk.engineer_command(engineer, number, "/org")
    offer = await od.desk.bot_says(od.group, "Выберите организацию клиента", thread_id=thread)
    assert buttons(offer) == ["ООО «Ромашка»", "Рога и копыта"]
    await od.desk.press_as(od.group, engineer, offer, "ООО «Ромашка»")
    await od.emu.wait_for(lambda: any("уже в организации" in a for a in od.alerts()))
    assert await od.client_org(ivan) == "Рога и копыта"


async def test_org_alone_links_an_unverified_client_from_a_list(od: OrgDesk) -> None:
    engineer = od.desk.engineers[0]
    ivan = od.desk.client("Иван")
    number = await od.desk.register(ivan)
    thread = od.desk.topic(number)
    od.desk.engineer_command(engineer, number, "/org")
    await od.desk.bot_says(od.group, "Организаций ещё нет", thread_id=thread)
    await od.organization("ООО «Ромашка»")
    od.desk.engineer_command(engineer, number, "/org")
    offer = await od.desk.bot_says(od.group, "Выберите организацию клиента", thread_id=thread)
    await od.desk.press_as(od.group, engineer, offer, "ООО «Ромашка»")
    await od.emu.wait_for(
        lambda: (
            "из организации «ООО «Ромашка»»"
            in text_of(od.emu.get_message(od.group, offer["message_id"]))
        )
    )
    await od.emu.wait_for(lambda: "(прямой клиент)" in text_of(od.desk.header(number)))
