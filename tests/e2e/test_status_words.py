"""The operator group reads a status from the engineers' side ("waiting for the client"),
the client from theirs ("waiting for your reply")."""

from __future__ import annotations

from emulator import BotApiEmulator, text_of
from tests.e2e.conftest import Desk, running_desk


async def client_card(desk: Desk, client: int, number: int) -> str:
    mark = desk.last_id(client)
    desk.emu.send_command(client, client, "/tickets")
    listing = await desk.bot_says(client, "Ваши заявки", after=mark)
    await desk.press(client, listing, f"🟣 #{number}")
    card = await desk.emu.wait_for(
        lambda: (
            "Статус:" in text_of(m := desk.emu.get_message(client, listing["message_id"])) and m
        )
    )
    return text_of(card)


async def test_the_header_card_in_reply_mode_says_waiting_for_the_client(
    emu: BotApiEmulator, database_url: str
) -> None:
    async with running_desk(emu, database_url, forum=False) as desk:
        client = desk.client()
        number = await desk.register(client)
        desk.engineer_command(desk.engineers[0], number, "/ask Какая у вас версия?")
        await desk.bot_says(client, "нужна информация")
        await desk.emu.wait_for(
            lambda: "Ждёт ответа клиента" in text_of(desk.header(number)), timeout=8
        )
        assert "вашего" not in text_of(desk.header(number))
        assert "Статус: Ждёт вашего ответа" in await client_card(desk, client, number)


async def test_info_in_a_topic_says_waiting_for_the_client(desk: Desk) -> None:
    client = desk.client()
    number = await desk.register(client)
    desk.engineer_command(desk.engineers[0], number, "/solve Обновите клиент")
    await desk.bot_says(client, "предлагает решение")
    desk.engineer_command(desk.engineers[0], number, "/info")
    info = await desk.bot_says(desk.group, "Сообщений в переписке", thread_id=desk.topic(number))
    assert "Ждёт ответа клиента" in text_of(info)
    assert "вашего" not in text_of(info)
