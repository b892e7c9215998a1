"""Clients choose whether to receive release news; a client who blocks the bot stops getting it."""

from __future__ import annotations

from emulator import buttons, text_of
from storage import repo
from storage.db import create_engine, create_sessionmaker
from tests.e2e.conftest import Desk


async def subscribed(database_url: str, client: int) -> bool:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            row = await repo.get_client(session, client_id=client)
            assert row is not None
            return row.subscribed
    finally:
        await engine.dispose()


async def test_the_first_start_asks_once(desk: Desk, database_url: str) -> None:
    client = desk.client()
    desk.emu.send_command(client, client, "/start")
    ask = await desk.bot_says(client, "новости о выходе новых версий")
    assert buttons(ask) == ["🔔 Да, присылать", "Нет, спасибо"]
    await desk.press(client, ask, "🔔 Да, присылать")
    await desk.bot_says(client, "вы будете получать новости", after=ask["message_id"])
    assert await subscribed(database_url, client)
    mark = desk.last_id(client)
    desk.emu.send_command(client, client, "/start")
    await desk.bot_says(client, "Здравствуйте", after=mark)
    await desk.emu.wait_for(lambda: desk.last_id(client) > mark + 1)
    assert not any(
        "новости о выходе" in text_of(m)
        for m in desk.emu.messages(client)
        if m["message_id"] > mark
    )


async def test_subscribe_and_unsubscribe_commands(desk: Desk, database_url: str) -> None:
    client = desk.client(language_code="en")
    desk.emu.send_command(client, client, "/subscribe")
    await desk.bot_says(client, "you will get release news")
    assert await subscribed(database_url, client)
    mark = desk.last_id(client)
    desk.emu.send_command(client, client, "/unsubscribe")
    await desk.bot_says(client, "no longer get release news", after=mark)
    assert not await subscribed(database_url, client)


async def test_a_client_who_blocked_the_bot_is_unsubscribed(desk: Desk, database_url: str) -> None:
    client = desk.client()
    desk.emu.send_command(client, client, "/subscribe")
    await desk.bot_says(client, "вы будете получать")
    number = await desk.register(client)
    desk.emu.block_bot(client)
    desk.engineer_says(desk.engineers[0], number, "Проверьте, пожалуйста")
    await desk.bot_says(desk.group, "заблокировал бота", thread_id=desk.topic(number))
    assert not await subscribed(database_url, client)


async def test_declining_at_the_first_start_is_not_called_unsubscribing(
    desk: Desk, database_url: str
) -> None:
    client = desk.client()
    desk.emu.send_command(client, client, "/start")
    ask = await desk.bot_says(client, "новости о выходе новых версий")
    await desk.press(client, ask, "Нет, спасибо")
    said = await desk.bot_says(client, "новости присылать не будем", after=ask["message_id"])
    assert "/subscribe" in text_of(said)
    assert "отписаны" not in text_of(said)
    assert not await subscribed(database_url, client)

    # /unsubscribe without a subscription says so, too.
    desk.emu.send_command(client, client, "/unsubscribe")
    said = await desk.bot_says(client, "не подписаны", after=said["message_id"])
    assert "отписаны" not in text_of(said)


async def test_subscribing_twice_and_then_unsubscribing(desk: Desk, database_url: str) -> None:
    client = desk.client(language_code="en")
    desk.emu.send_command(client, client, "/start")
    ask = await desk.bot_says(client, "news about new versions")
    await desk.press(client, ask, "No, thanks")
    said = await desk.bot_says(client, "will not send you news", after=ask["message_id"])
    assert "no longer" not in text_of(said)
    desk.emu.send_command(client, client, "/subscribe")
    said = await desk.bot_says(client, "you will get release news", after=said["message_id"])
    desk.emu.send_command(client, client, "/subscribe")
    said = await desk.bot_says(client, "already get release news", after=said["message_id"])
    desk.emu.send_command(client, client, "/unsubscribe")
    await desk.bot_says(client, "no longer get release news", after=said["message_id"])
    assert not await subscribed(database_url, client)
