"""The conversation of a ticket: client and engineers, in both operator-group modes."""

from __future__ import annotations

from emulator import text_of
from tests.e2e.conftest import Desk


async def test_client_and_engineer_talk_through_the_ticket(any_desk: Desk) -> None:
    desk = any_desk
    client = desk.client()
    engineer = desk.engineers[0]
    number = await desk.register(client)
    # The ticket's first appearance is one card carrying the client's description.
    card = desk.header(number)
    assert "Не открывается карточка документа" in text_of(card)

    desk.emu.send_text(client, client, "Забыл добавить: версия 5.2")
    await desk.emu.wait_for(
        lambda: any(
            text_of(m) == "Забыл добавить: версия 5.2" for m in desk.thread_messages(number)
        )
    )
    # The client's plain message was acknowledged unobtrusively.
    await desk.emu.wait_for(lambda: desk.emu.calls_of("setMessageReaction"))

    mark = desk.last_id(client)
    desk.engineer_says(engineer, number, "Обновите, пожалуйста, клиент до 5.2.1")
    copy = await desk.bot_says(client, "Обновите, пожалуйста", after=mark)
    assert "forward_origin" not in copy
    # The client is already in this ticket's context: no "#1001" header before the answer.
    assert [m["message_id"] for m in desk.emu.messages(client) if m["message_id"] > mark] == [
        copy["message_id"]
    ]


async def test_formatting_survives_the_relay(desk: Desk) -> None:
    client = desk.client()
    engineer = desk.engineers[0]
    number = await desk.register(client)
    mark = desk.last_id(client)
    entities = [
        {"type": "bold", "offset": 0, "length": 7},
        {"type": "code", "offset": 8, "length": 9},
    ]
    desk.emu.send_text(
        desk.group, engineer, "Команда: setup.exe", entities=entities, thread_id=desk.topic(number)
    )
    copy = await desk.bot_says(client, "setup.exe", after=mark)
    assert copy.get("entities") == entities


async def test_internal_notes_never_reach_the_client(desk: Desk) -> None:
    client = desk.client()
    engineer = desk.engineers[0]
    number = await desk.register(client)
    mark = desk.last_id(client)
    desk.engineer_command(engineer, number, "/note клиент на старой версии, не говорить про 6.0")
    await desk.emu.wait_for(
        lambda: (
            desk.emu.calls_of("setMessageReaction")
            and any(c["chat_id"] == desk.group for c in desk.emu.calls_of("setMessageReaction"))
        )
    )
    desk.engineer_says(engineer, number, "Проверьте версию клиента")
    await desk.bot_says(client, "Проверьте версию клиента", after=mark)
    assert not any("старой версии" in text_of(m) for m in desk.emu.messages(client))


async def test_media_both_ways(any_desk: Desk) -> None:
    desk = any_desk
    client = desk.client()
    engineer = desk.engineers[0]
    number = await desk.register(client)
    photo = desk.emu.send_photo(client, client, caption="ошибка", data=b"PNG1")
    desk.emu.send_media(client, client, "voice")
    await desk.emu.wait_for(
        lambda: (
            any("photo" in m and text_of(m) == "ошибка" for m in desk.thread_messages(number))
            and any("voice" in m for m in desk.thread_messages(number))
        )
    )
    copied = next(m for m in desk.thread_messages(number) if "photo" in m)
    assert copied["photo"][-1]["file_id"] == photo["photo"][-1]["file_id"]

    mark = desk.last_id(client)
    kwargs = (
        {"thread_id": desk.topic(number)}
        if desk.forum
        else {"reply_to": desk.header(number)["message_id"]}
    )
    desk.emu.send_document(
        desk.group,
        engineer,
        file_name="fix.reg",
        data=b"REGEDIT4",
        caption="Примените этот файл",
        **kwargs,
    )
    got = await desk.bot_says(client, "Примените этот файл", after=mark)
    assert got["document"]["file_name"] == "fix.reg"


async def test_albums_stay_albums(desk: Desk) -> None:
    client = desk.client()
    engineer = desk.engineers[0]
    number = await desk.register(client)
    desk.emu.send_album(
        client,
        client,
        items=[("photo", b"a", "шаг 1"), ("photo", b"b", None), ("photo", b"c", None)],
    )
    thread = desk.topic(number)
    album = await desk.emu.wait_for(
        lambda: (
            (ms := [m for m in desk.emu.messages(desk.group, thread_id=thread) if "photo" in m])
            and len(ms) == 3
            and ms
        )
    )
    assert len({m.get("media_group_id") for m in album}) == 1 and album[0].get("media_group_id")

    mark = desk.last_id(client)
    desk.emu.send_album(
        desk.group,
        engineer,
        items=[("photo", b"x", "как настроить"), ("photo", b"y", None)],
        thread_id=thread,
    )
    got = await desk.emu.wait_for(
        lambda: (
            (
                ms := [
                    m
                    for m in desk.emu.messages(client, from_bot=True)
                    if m["message_id"] > mark and "photo" in m
                ]
            )
            and len(ms) == 2
            and ms
        )
    )
    assert got[0].get("media_group_id") and got[0]["media_group_id"] == got[1]["media_group_id"]


async def test_reply_to_a_bot_message_goes_to_that_ticket(desk: Desk) -> None:
    client = desk.client()
    engineer = desk.engineers[0]
    first = await desk.register(client, description="Первая проблема")
    second = await desk.register(client, description="Вторая проблема")
    mark = desk.last_id(client)
    desk.engineer_says(engineer, first, "Уточните версию для первой")
    question = await desk.bot_says(client, "Уточните версию", after=mark)

    desk.emu.send_text(client, client, "Версия 5.2", reply_to=question["message_id"])
    await desk.emu.wait_for(
        lambda: any(text_of(m) == "Версия 5.2" for m in desk.thread_messages(first))
    )
    assert not any(text_of(m) == "Версия 5.2" for m in desk.thread_messages(second))


async def test_plain_message_goes_to_the_active_ticket_and_says_which(desk: Desk) -> None:
    client = desk.client()
    engineer = desk.engineers[0]
    first = await desk.register(client, description="Первая")
    second = await desk.register(client, description="Вторая")
    mark = desk.last_id(client)
    desk.emu.send_text(client, client, "дополнение ко второй")
    await desk.emu.wait_for(
        lambda: any(text_of(m) == "дополнение ко второй" for m in desk.thread_messages(second))
    )
    # An answer in the first ticket comes under a header naming it, and makes it active.
    mark = desk.last_id(client)
    desk.engineer_says(engineer, first, "Ответ по первой")
    header = await desk.bot_says(client, f"#{first}", after=mark)
    assert "ответ поддержки" in text_of(header)
    await desk.bot_says(client, "Ответ по первой", after=header["message_id"])
    desk.emu.send_text(client, client, "спасибо, а ещё вопрос")
    await desk.emu.wait_for(
        lambda: any(text_of(m) == "спасибо, а ещё вопрос" for m in desk.thread_messages(first))
    )


async def test_chatter_in_the_group_is_not_relayed(any_desk: Desk) -> None:
    desk = any_desk
    client = desk.client()
    engineer = desk.engineers[0]
    number = await desk.register(client)
    desk.emu.send_text(desk.group, engineer, "коллеги, кто на смене?")  # General / no reply
    mark = desk.last_id(client)
    desk.engineer_says(engineer, number, "Смотрим")
    await desk.bot_says(client, "Смотрим", after=mark)
    assert not any("кто на смене" in text_of(m) for m in desk.emu.messages(client))


async def test_edits_follow_the_message_both_ways(any_desk: Desk) -> None:
    desk = any_desk
    client = desk.client()
    engineer = desk.engineers[0]
    number = await desk.register(client)
    original = desk.emu.send_text(client, client, "Версия 5.1")
    copy = await desk.emu.wait_for(
        lambda: next((m for m in desk.thread_messages(number) if text_of(m) == "Версия 5.1"), None)
    )
    desk.emu.edit_text(client, client, original["message_id"], "Версия 5.2")
    await desk.emu.wait_for(
        lambda: text_of(desk.emu.get_message(desk.group, copy["message_id"])) == "Версия 5.2"
    )

    mark = desk.last_id(client)
    answer = desk.engineer_says(engineer, number, "Обновите до 5.3")
    got = await desk.bot_says(client, "Обновите до 5.3", after=mark)
    desk.emu.edit_text(desk.group, engineer, answer["message_id"], "Обновите до 5.4")
    await desk.emu.wait_for(
        lambda: text_of(desk.emu.get_message(client, got["message_id"])) == "Обновите до 5.4"
    )


async def test_an_edited_command_does_not_run_again(desk: Desk) -> None:
    client = desk.client()
    number = await desk.register(client)
    note = desk.engineer_command(desk.engineers[0], number, "/note первая версия заметки")
    await desk.emu.wait_for(lambda: desk.emu.calls_of("setMessageReaction"))
    reactions = len(desk.emu.calls_of("setMessageReaction"))
    desk.emu.edit_text(desk.group, desk.engineers[0], note["message_id"], "/note исправленная")
    desk.engineer_command(desk.engineers[0], number, "/info")
    card = await desk.bot_says(desk.group, "Сообщений", thread_id=desk.topic(number))
    assert "заметки: 1" in text_of(card)
    assert len(desk.emu.calls_of("setMessageReaction")) == reactions
