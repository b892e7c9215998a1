"""Engineers run a ticket from the operator group; clients hear about it in plain words."""

from __future__ import annotations

from emulator import buttons, text_of
from tests.e2e.conftest import Desk


def title(desk: Desk, number: int) -> str:
    thread = desk.topic(number)
    assert thread is not None
    return str(desk.emu.topics(desk.group)[thread]["name"])


async def test_take_assigns_recolours_and_tells_the_client(desk: Desk) -> None:
    client = desk.client()
    engineer = desk.engineers[0]
    number = await desk.register(client)
    mark = desk.last_id(client)
    desk.engineer_command(engineer, number, "/take")
    told = await desk.bot_says(client, "в работе", after=mark)
    assert f"#{number}" in text_of(told) and "Ольга Инженер" in text_of(told)
    # The topic's title carries the colour and the assignee; the command gets a reaction,
    # not a message: the group's budget goes to what engineers need to read.
    await desk.emu.wait_for(lambda: title(desk, number).startswith(f"🟡 #{number}"))
    assert "→ Ольга Инженер" in title(desk, number)
    await desk.emu.wait_for(
        lambda: any(
            c["chat_id"] == desk.group and c["reaction"][0]["emoji"] == "👍"
            for c in desk.emu.calls_of("setMessageReaction")
        )
    )
    assert [text_of(m) for m in desk.thread_messages(number, from_bot=True)][1:] == []


async def test_type_and_priority_by_buttons(desk: Desk) -> None:
    client = desk.client()
    engineer = desk.engineers[0]
    number = await desk.register(client, kind="wish", description="Хочу выгрузку в Excel")
    thread = desk.topic(number)
    desk.engineer_command(engineer, number, "/type")
    prompt = await desk.bot_says(desk.group, "Выберите тип", thread_id=thread)
    mark = desk.last_id(client)
    await desk.press_as(desk.group, engineer, prompt, "Консультация (платная)")
    told = await desk.bot_says(client, "Тип заявки", after=mark)
    assert "Консультация (платная)" in text_of(told) and "платные" in text_of(told)
    await desk.emu.wait_for(lambda: "Консультация" in title(desk, number))

    desk.engineer_command(engineer, number, "/priority")
    prompt = await desk.bot_says(desk.group, "Выберите приоритет", thread_id=thread)
    mark = desk.last_id(client)
    await desk.press_as(
        desk.group, engineer, prompt, next(b for b in buttons(prompt) if "Критический" in b)
    )
    told = await desk.bot_says(client, "Приоритет заявки", after=mark)
    assert "Критический" in text_of(told)


async def test_close_and_reopen(desk: Desk) -> None:
    client = desk.client()
    engineer = desk.engineers[0]
    number = await desk.register(client)
    mark = desk.last_id(client)
    desk.engineer_command(engineer, number, "/close")
    await desk.bot_says(client, "закрыта", after=mark)
    # The topic is closed: its lock says so (its title keeps the colour it had).
    await desk.emu.wait_for(lambda: desk.topic_info(number)["closed"])
    assert title(desk, number).startswith(f"🔵 #{number}")

    # Closing twice is refused with the reason (an admin still writes in a closed topic).
    admin = desk.emu.add_user(first_name="Админ", username=None, language_code="ru")
    desk.emu.add_member(desk.group, admin, "administrator")
    desk.engineer_command(admin, number, "/close")
    await desk.bot_says(desk.group, "Нельзя", thread_id=desk.topic(number))

    # A client's new message no longer lands in the closed ticket: a new one starts.
    mark = desk.last_id(client)
    desk.emu.send_text(client, client, "снова то же самое с отчётом zqx")
    await desk.bot_says(client, "Шаг 1 из 3", after=mark)
    desk.emu.send_command(client, client, "/cancel")

    mark = desk.last_id(client)
    desk.engineer_command(admin, number, "/reopen")
    await desk.bot_says(client, "снова открыта", after=mark)
    await desk.emu.wait_for(lambda: title(desk, number).startswith(f"🟡 #{number}"))
    assert not desk.topic_info(number)["closed"]


async def test_info_shows_the_card(desk: Desk) -> None:
    client = desk.client()
    engineer = desk.engineers[0]
    number = await desk.register(client)
    desk.engineer_command(engineer, number, "/info")
    card = await desk.bot_says(desk.group, "Сообщений", thread_id=desk.topic(number))
    assert f"#{number}" in text_of(card) and "клиент: 1" in text_of(card)


async def test_commands_outside_a_ticket_are_explained(desk: Desk) -> None:
    engineer = desk.engineers[0]
    desk.emu.send_command(desk.group, engineer, "/take")
    await desk.bot_says(desk.group, "внутри темы заявки")


async def test_client_cannot_run_engineer_commands(desk: Desk) -> None:
    client = desk.client()
    number = await desk.register(client)
    for command in ("/close", "/take", "/note секрет", f"/reopen {number}"):
        mark = desk.last_id(client)
        desk.emu.send_command(client, client, command)
        await desk.bot_says(client, "только инженерам", after=mark)
    assert title(desk, number).startswith(f"🔵 #{number}")  # still new, untouched
    assert not any("секрет" in text_of(m) for m in desk.emu.messages(desk.group))


async def test_other_groups_are_ignored(desk: Desk) -> None:
    client = desk.client()
    number = await desk.register(client)
    stranger_group = desk.emu.add_group(title="Чужая группа", is_forum=False, bot_is_admin=False)
    outsider = desk.emu.add_user(first_name="Чужой")
    desk.emu.add_member(stranger_group, outsider)
    desk.emu.send_command(stranger_group, outsider, "/close")
    desk.emu.send_text(stranger_group, outsider, "привет")
    # The real group still works and the ticket is untouched.
    desk.engineer_command(desk.engineers[0], number, "/info")
    await desk.bot_says(desk.group, "Сообщений", thread_id=desk.topic(number))
    assert desk.emu.messages(stranger_group, from_bot=True) == []
    assert title(desk, number).startswith(f"🔵 #{number}")


async def test_forged_operator_button_from_a_private_chat_is_ignored(desk: Desk) -> None:
    client = desk.client()
    number = await desk.register(client)
    before = desk.header(number)
    # A client cannot press group buttons, but could send crafted callback data; the bot
    # must refuse it. The emulator lets us push such an update directly.
    desk.forge_press(client, "o:type:1:consultation")
    desk.engineer_command(desk.engineers[0], number, "/info")
    card = await desk.bot_says(desk.group, "Сообщений", thread_id=desk.topic(number))
    assert "Инцидент" in text_of(card)
    assert text_of(desk.header(number)) == text_of(before)


async def test_a_reply_to_the_bot_outside_any_ticket_is_explained(desk: Desk) -> None:
    engineer = desk.engineers[0]
    desk.emu.send_command(desk.group, engineer, "/kbstats")
    stats = await desk.bot_says(desk.group, "База знаний")
    desk.emu.send_text(desk.group, engineer, "а по заявкам?", reply_to=stats["message_id"])
    await desk.bot_says(desk.group, "Ответьте на сообщение заявки", after=stats["message_id"])
