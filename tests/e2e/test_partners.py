"""Partners' clients and contracts: a partner's client asking for a consultation is sent to
the partner before any ticket exists; a client whose contract has ended is told so with the
ticket taken; a ticket changed to a consultation is announced as paid."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from desk.organizations import OrgKind
from emulator import buttons, text_of
from storage import orgs
from storage.db import create_engine, create_sessionmaker
from storage.models import Client
from tests.e2e.conftest import Desk


async def member(
    desk: Desk,
    database_url: str,
    organization: str,
    *,
    lang: str = "ru",
    kind: OrgKind = OrgKind.DIRECT,
    **fields: object,
) -> int:
    """A client who opened the bot and works for a new organization with these fields (put
    in the database directly: the admins' screens are not what these tests are about)."""
    client = desk.client(language_code=lang)
    desk.emu.send_command(client, client, "/start")
    await desk.bot_says(client, "")
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            org = await orgs.create(session, organization, now=datetime.now(UTC), kind=kind)
            for name, value in fields.items():
                setattr(org, name, value)
            row = await session.get(Client, client)
            assert row is not None
            orgs.link(row, org)
    finally:
        await engine.dispose()
    return client


async def partners_client(desk: Desk, database_url: str) -> int:
    """A client of АО Лютик, a partner's (ИнтегроСофт) client."""
    return await member(
        desk,
        database_url,
        "АО Лютик",
        kind=OrgKind.PARTNER,
        partner_name="ИнтегроСофт",
        partner_contacts="+7 495 000-00-00, help@integro.example",
    )


def confirmations(desk: Desk, client: int) -> list[str]:
    return [text_of(m) for m in desk.emu.messages(client, from_bot=True) if "✅" in text_of(m)]


async def test_a_partners_client_asking_for_a_consultation_is_sent_to_the_partner(
    desk: Desk, database_url: str
) -> None:
    client = await partners_client(desk, database_url)
    mark = desk.last_id(client)
    desk.emu.send_command(client, client, "/new")
    step1 = await desk.bot_says(client, "Шаг 1 из 3", after=mark)
    await desk.press(client, step1, "Консультация (платная)")

    # The prompt becomes the partner's name and contacts (they stay in the chat), and the
    # type is asked again, Cancel included.
    told = await desk.bot_says(client, "ИнтегроСофт")
    assert told["message_id"] == step1["message_id"]
    assert "help@integro.example" in text_of(told) and "Заявка не создана" in text_of(told)
    again = await desk.bot_says(client, "Шаг 1 из 3", after=step1["message_id"])
    assert "✖️ Отменить" in buttons(again)
    # No ticket: no number, nothing in the group.
    assert confirmations(desk, client) == []
    assert desk.emu.topics(desk.group) == {}
    assert desk.emu.messages(desk.group, from_bot=True) == []

    # Another type goes to the desk as usual.
    await desk.press(client, again, "Инцидент")
    prompt = await desk.bot_says(client, "Шаг 2 из 3", after=again["message_id"])
    await desk.press(client, prompt, next(b for b in buttons(prompt) if "Высокий" in b))
    prompt = await desk.bot_says(client, "Шаг 3 из 3", after=prompt["message_id"])
    mark = desk.last_id(client)
    desk.emu.send_text(client, client, "Не проводится документ")
    await desk.bot_says(client, "Принято", after=mark)
    await desk.press(client, prompt, "✅ Готово")
    summary = await desk.bot_says(client, "Проверьте заявку", after=mark)
    await desk.press(client, summary, "✅ Отправить")
    done = await desk.bot_says(client, "зарегистрирована", after=summary["message_id"] - 1)
    assert "#1001" in text_of(done) and "Инцидент" in text_of(done)
    await desk.emu.wait_for(lambda: desk.topic(1001) is not None)


async def test_a_direct_clients_consultation_is_registered_as_paid(
    desk: Desk, database_url: str
) -> None:
    client = await member(desk, database_url, "ООО Ромашка")
    number = await desk.register(client, kind="consultation", description="Как настроить отчёт?")
    assert number == 1001
    (confirmation,) = confirmations(desk, client)
    assert "консультации платные" in confirmation
    assert "партнёр" not in confirmation


async def test_a_client_whose_contract_has_ended_is_told_and_the_ticket_is_taken(
    desk: Desk, database_url: str
) -> None:
    ended = date.today() - timedelta(days=10)
    client = await member(desk, database_url, "ООО Ромашка", contract_until=ended)
    number = await desk.register(client)
    (confirmation,) = confirmations(desk, client)
    assert f"#{number}" in confirmation
    assert f"Срок договора на поддержку «ООО Ромашка» истёк {ended:%d.%m.%Y}" in confirmation
    assert desk.topic(number) is not None

    # In English too; a contract that still runs says nothing of it.
    english = await member(desk, database_url, "Acme Ltd", lang="en", contract_until=ended)
    await desk.register(english, lang="en")
    (confirmation,) = confirmations(desk, english)
    assert f"The support contract of Acme Ltd ended on {ended.isoformat()}" in confirmation
    running = await member(
        desk, database_url, "АО Лютик", contract_until=date.today() + timedelta(days=10)
    )
    await desk.register(running)
    (confirmation,) = confirmations(desk, running)
    assert "договор" not in confirmation.lower()


@pytest.mark.parametrize(
    ("lang", "paid"),
    [
        ("ru", "Консультации платные: время инженера учитывается по часам"),
        ("en", "Consultations are paid: the engineer's time is counted in hours"),
    ],
)
async def test_a_ticket_changed_to_a_consultation_is_announced_as_paid(
    desk: Desk, database_url: str, lang: str, paid: str
) -> None:
    client = desk.client(language_code=lang)
    engineer = desk.engineers[0]
    number = await desk.register(client, lang=lang)
    thread = desk.topic(number)
    desk.engineer_command(engineer, number, "/type")
    prompt = await desk.bot_says(desk.group, "Выберите тип", thread_id=thread)
    mark = desk.last_id(client)
    await desk.press_as(desk.group, engineer, prompt, "Консультация (платная)")
    told = await desk.bot_says(client, paid, after=mark)
    assert f"#{number}" in text_of(told)
    # A direct client (or one without an organization): no word about partners for the
    # engineer.
    changed = await desk.bot_says(desk.group, "Консультация", thread_id=thread)
    assert "партнёр" not in text_of(changed)


async def test_engineers_changing_a_partners_ticket_to_a_consultation_hear_of_the_partner(
    desk: Desk, database_url: str
) -> None:
    client = await partners_client(desk, database_url)
    engineer = desk.engineers[0]
    number = await desk.register(client)
    thread = desk.topic(number)
    desk.engineer_command(engineer, number, "/type")
    prompt = await desk.bot_says(desk.group, "Выберите тип", thread_id=thread)
    mark = desk.last_id(client)
    await desk.press_as(desk.group, engineer, prompt, "Консультация (платная)")
    # The engineer's answer to the buttons carries the note (one edit, no new message);
    # the client is told it is paid as usual: going on is the engineer's decision.
    await desk.bot_says(client, "Консультации платные", after=mark)
    note = await desk.bot_says(desk.group, "клиент партнёра ИнтегроСофт", thread_id=thread)
    assert note["message_id"] == prompt["message_id"]
    assert "партнёр" not in text_of(await desk.bot_says(client, "Тип заявки", after=mark))
