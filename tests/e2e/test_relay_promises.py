"""The relay's promises that need no fault: internal stays internal, an update handled twice
acts once, names cannot forge lines, and every press and command gets an answer."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from emulator import buttons, text_of
from emulator.faults import unparseable_update
from storage.db import create_engine, create_sessionmaker
from storage.models import InboxUpdate
from tests.e2e.conftest import Desk


def update_of(desk: Desk, chat_id: int, message_id: int) -> int:
    """The update that carried a message, to have Telegram deliver it again."""
    for update_id, update in desk.emu.state.update_history.items():
        message = update.get("message") or {}
        if (
            message.get("chat", {}).get("id") == chat_id
            and message.get("message_id") == message_id
        ):
            return int(update_id)
    raise KeyError(message_id)


async def info_text(desk: Desk, number: int) -> str:
    mark = desk.last_id(desk.group, desk.topic(number))
    desk.engineer_command(desk.engineers[0], number, "/info")
    info = await desk.bot_says(
        desk.group, "Сообщений в переписке", thread_id=desk.topic(number), after=mark
    )
    return text_of(info)


# --- internal stays internal --------------------------------------------------------------------


async def test_a_file_captioned_note_stays_internal(desk: Desk) -> None:
    client = desk.client()
    engineer = desk.engineers[0]
    number = await desk.register(client)
    mark = desk.last_id(client)
    photo = desk.emu.send_photo(
        desk.group, engineer, caption="/note скриншот для нас", thread_id=desk.topic(number)
    )
    await desk.emu.wait_for(lambda: desk.emu.reactions(desk.group, photo["message_id"]))
    assert "заметки: 1" in await info_text(desk, number)
    assert [m for m in desk.emu.messages(client) if m["message_id"] > mark] == []


async def test_a_file_captioned_with_another_command_is_not_relayed(desk: Desk) -> None:
    client = desk.client()
    number = await desk.register(client)
    mark = desk.last_id(client)
    desk.emu.send_photo(
        desk.group, desk.engineers[0], caption="/solve вот решение", thread_id=desk.topic(number)
    )
    await desk.bot_says(desk.group, "Команда в подписи", thread_id=desk.topic(number))
    assert [m for m in desk.emu.messages(client) if m["message_id"] > mark] == []


async def test_an_answer_edited_into_a_note_leaves_the_clients_copy_as_it_was(desk: Desk) -> None:
    client = desk.client()
    engineer = desk.engineers[0]
    number = await desk.register(client)
    mark = desk.last_id(client)
    sent = desk.engineer_says(engineer, number, "Перезагрузите сервер")
    copy = await desk.bot_says(client, "Перезагрузите сервер", after=mark)
    desk.emu.edit_text(desk.group, engineer, sent["message_id"], "/note клиент сам виноват")
    await desk.bot_says(desk.group, "правка", thread_id=desk.topic(number))
    await asyncio.sleep(0.3)
    assert text_of(desk.emu.get_message(client, copy["message_id"])) == "Перезагрузите сервер"
    assert not any("виноват" in text_of(m) for m in desk.emu.messages(client))


async def test_an_unknown_command_in_a_topic_is_not_relayed_and_said_so(desk: Desk) -> None:
    client = desk.client()
    number = await desk.register(client)
    mark = desk.last_id(client)
    desk.engineer_command(desk.engineers[0], number, "/sovle опечатка в команде")
    await desk.bot_says(desk.group, "Такой команды нет", thread_id=desk.topic(number))
    assert [m for m in desk.emu.messages(client) if m["message_id"] > mark] == []


# --- each update once ----------------------------------------------------------------------------


async def test_updates_delivered_twice_act_once(desk: Desk) -> None:
    client = desk.client()
    engineer = desk.engineers[0]
    number = await desk.register(client)
    emu = desk.emu

    asked = emu.send_text(client, client, "Вопрос клиента")
    await emu.wait_for(
        lambda: any(text_of(m) == "Вопрос клиента" for m in desk.thread_messages(number))
    )
    emu.repeat_update(update_of(desk, client, asked["message_id"]))

    mark = desk.last_id(client)
    answer = desk.engineer_says(engineer, number, "Ответ инженера")
    await desk.bot_says(client, "Ответ инженера", after=mark)
    emu.repeat_update(update_of(desk, desk.group, answer["message_id"]))

    note = desk.engineer_command(engineer, number, "/note только для нас")
    await emu.wait_for(lambda: emu.reactions(desk.group, note["message_id"]))
    emu.repeat_update(update_of(desk, desk.group, note["message_id"]))

    start = emu.send_command(client, client, "/start")
    await desk.bot_says(client, "Здравствуйте", after=start["message_id"])
    emu.repeat_update(update_of(desk, client, start["message_id"]))

    await emu.wait_for(
        lambda: all(
            emu.delivery_count(update_of(desk, chat, m["message_id"])) >= 2
            for chat, m in ((client, asked), (desk.group, answer), (desk.group, note))
        )
    )
    await asyncio.sleep(0.8)
    assert sum(text_of(m) == "Вопрос клиента" for m in desk.thread_messages(number)) == 1
    assert sum(text_of(m) == "Ответ инженера" for m in emu.messages(client)) == 1
    assert sum("Здравствуйте" in text_of(m) for m in emu.messages(client)) == 1
    assert "заметки: 1" in await info_text(desk, number)


async def test_an_update_the_library_cannot_read_is_kept_and_the_bot_moves_on(
    desk: Desk, database_url: str
) -> None:
    client = desk.client()
    raw = desk.emu.push_raw_update(unparseable_update(client))
    mark = desk.last_id(client)
    desk.emu.send_command(client, client, "/help")
    await desk.bot_says(client, "", after=mark)
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            stored = (
                await session.execute(
                    select(InboxUpdate).where(InboxUpdate.update_id == raw["update_id"])
                )
            ).scalar_one()
    finally:
        await engine.dispose()
    assert stored.state == "unparseable" and '"chat"' in stored.payload


# --- names on one line, edits before Done, buttons ---------------------------------------------


async def test_a_name_cannot_add_lines_or_turn_the_text_around(desk: Desk) -> None:
    client = desk.client("Иван\nТип: Критический", last_name="\u202eвортеП")
    number = await desk.register(client)
    card = text_of(desk.header(number))
    title = desk.topic_info(number)["name"]
    assert "\u202e" not in card and "\u202e" not in title and "\n" not in title
    client_line = next(line for line in card.splitlines() if line.startswith("Клиент:"))
    assert "Иван Тип: Критический" in client_line
    assert not any(line.startswith("Тип: Критический") for line in card.splitlines())


async def test_a_description_edited_before_done_is_what_both_sides_see(desk: Desk) -> None:
    client = desk.client()
    emu = desk.emu
    emu.send_command(client, client, "/new")
    step = await desk.bot_says(client, "Шаг 1 из 3")
    await desk.press(client, step, "Пожелание / предложение")
    prompt = await desk.bot_says(client, "Шаг 3 из 3")
    part = emu.send_text(client, client, "Хочу выгрузку в Word")
    await desk.bot_says(client, "Принято", after=prompt["message_id"])
    emu.edit_text(client, client, part["message_id"], "Хочу выгрузку в Excel")
    await asyncio.sleep(0.3)
    await desk.press(client, prompt, "✅ Готово")
    summary = await desk.bot_says(client, "Проверьте заявку", after=prompt["message_id"])
    assert "Excel" in text_of(summary) and "Word" not in text_of(summary)
    await desk.press(client, summary, "✅ Отправить")
    done = await desk.bot_says(client, "зарегистрирована", after=summary["message_id"] - 1)
    number = int(text_of(done).split("#")[1].split()[0])
    card = await emu.wait_for(lambda: desk.find_header(number))
    assert "Excel" in text_of(card) and "Word" not in text_of(card)


async def test_a_press_of_an_unknown_button_is_answered(desk: Desk) -> None:
    client = desk.client()
    desk.emu.send_command(client, client, "/start")
    menu = await desk.bot_says(client, "Здравствуйте")
    assert buttons(menu)
    desk.forge_press(client, "zz:unknown:1")
    # Telegram would stop the button's spinner: the bot answered the press.
    await desk.emu.wait_for(
        lambda: any(
            c.get("callback_query_id") == "forged-zz:unknown:1"
            for c in desk.emu.calls_of("answerCallbackQuery")
        )
    )
