"""Hours: engineers log time in a ticket's topic with /time, list and delete entries; clients
see the hours in My tickets and in the ticket's card."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from emulator import BotApiEmulator, buttons, text_of
from tests.e2e.conftest import Desk, running_desk, t


def today(desk: Desk) -> date:
    return datetime.now(desk.bot.settings.zone).date()


async def command(desk: Desk, engineer: int, number: int, text: str, says: str) -> dict[str, Any]:
    """An engineer's command in the ticket's thread and the bot's answer to it."""
    mark = desk.last_id(desk.group)
    desk.engineer_command(engineer, number, text)
    return await desk.bot_says(desk.group, says, after=mark, thread_id=desk.topic(number))


def answers_after(desk: Desk, mark: int) -> list[str]:
    return [
        text_of(m) for m in desk.emu.messages(desk.group, from_bot=True) if m["message_id"] > mark
    ]


async def test_engineer_logs_time_in_every_syntax_and_lists_it(any_desk: Desk) -> None:
    desk = any_desk
    client = desk.client()
    engineer = desk.engineers[0]
    number = await desk.register(client, kind="consultation", description="Настроить обмен")

    logged = await command(desk, engineer, number, "/time 1h30m настройка обмена", "⏱")
    shown = text_of(logged)
    day = today(desk).strftime("%d.%m.%Y")
    assert f"Ольга Инженер: 1 ч 30 мин за {day} — настройка обмена" in shown
    assert f"Всего по заявке #{number}: 1 ч 30 мин (1,5 ч)" in shown

    logged = await command(desk, engineer, number, "/time 90m", "Всего")
    assert f"Ольга Инженер: 1 ч 30 мин за {day}\n" in text_of(logged)
    assert f"#{number}: 3 ч (3 ч)" in text_of(logged)

    logged = await command(desk, engineer, number, "/time 1,5", "Всего")
    assert f"#{number}: 4 ч 30 мин (4,5 ч)" in text_of(logged)

    past = today(desk) - timedelta(days=3)
    logged = await command(
        desk, engineer, number, f"/time 0.25 {past.isoformat()} созвон 2 раза", "Всего"
    )
    assert f"15 мин за {past.strftime('%d.%m.%Y')} — созвон 2 раза" in text_of(logged)
    assert f"#{number}: 4 ч 45 мин (4,75 ч)" in text_of(logged)

    listing = await command(desk, engineer, number, "/time", "Время по заявке")
    lines = text_of(listing).splitlines()
    assert lines[0] == f"⏱ Время по заявке #{number}: 4 записи"
    # By work date: the entry for three days ago comes first.
    assert lines[1] == f"{past.strftime('%d.%m.%Y')} · Ольга Инженер · 15 мин — созвон 2 раза"
    assert lines[2] == f"{day} · Ольга Инженер · 1 ч 30 мин — настройка обмена"
    assert lines[3] == f"{day} · Ольга Инженер · 1 ч 30 мин"
    assert lines[4] == f"{day} · Ольга Инженер · 1 ч 30 мин"
    assert lines[5] == "Всего: 4 ч 45 мин (4,75 ч)"
    assert buttons(listing) == [
        f"🗑 {past.strftime('%d.%m.%Y')} · Ольга Инженер · 15 мин",
        *[f"🗑 {day} · Ольга Инженер · 1 ч 30 мин"] * 3,
    ]
    # Commands are the desk's business: the client got none of it.
    assert not any("настройка обмена" in text_of(m) for m in desk.emu.messages(client))


async def test_unreasonable_time_is_refused_with_the_reason(desk: Desk) -> None:
    client = desk.client()
    engineer = desk.engineers[0]
    number = await desk.register(client)
    tomorrow = (today(desk) + timedelta(days=1)).strftime("%d.%m.%Y")
    refused = {
        "/time 0": "Нулевое время не записывается: «0»",
        "/time 0m": "Нулевое время не записывается: «0m»",
        "/time -1": "Время не может быть отрицательным: «-1»",
        "/time 25h долго": "Больше 24 часов в одной записи быть не может: «25h»",
        "/time 24h1m": "Больше 24 часов",
        f"/time 1h {tomorrow} заранее": f"Дата ещё не наступила: «{tomorrow}»",
        "/time 1h 31.02": "Такой даты нет: «31.02»",
        "/time 1h 01.01.2020": "Дата больше года назад",
        "/time полтора часа": "Не понял, сколько времени записать: «полтора часа»",
        "/time 1.5.2": "Не понял",
    }
    for text, reason in refused.items():
        mark = desk.last_id(desk.group)
        answer = await command(desk, engineer, number, text, "⚠️")
        assert reason in text_of(answer), text
        assert answers_after(desk, mark) == [text_of(answer)]  # one message, nothing else

    listing = await command(desk, engineer, number, "/time", "время ещё не записано")
    assert buttons(listing) == []


async def test_an_engineer_deletes_only_their_own_entry(desk: Desk) -> None:
    client = desk.client()
    olga = desk.engineers[0]
    pavel = desk.engineer("Павел")
    number = await desk.register(client)
    day = today(desk).strftime("%d.%m.%Y")
    await command(desk, olga, number, "/time 2h диагностика", "Всего")
    await command(desk, pavel, number, "/time 30m звонок", "Всего")
    listing = await command(desk, olga, number, "/time", "Время по заявке")
    olgas = f"🗑 {day} · Ольга Инженер · 2 ч"
    pavels = f"🗑 {day} · Павел Инженер · 30 мин"
    assert buttons(listing) == [olgas, pavels]

    # Pavel presses Olga's entry: refused, the list stays as it was.
    answered = len(desk.emu.callback_answers)
    await desk.press_as(desk.group, pavel, listing, olgas)
    await desk.emu.wait_for(lambda: len(desk.emu.callback_answers) > answered)
    refusal = desk.emu.callback_answers[-1]
    assert "только её автор или администратор" in refusal["text"] and refusal["show_alert"]
    assert text_of(desk.emu.get_message(desk.group, listing["message_id"])) == text_of(listing)

    # Olga deletes her own: the list is redrawn in place, no new message in the group.
    mark = desk.last_id(desk.group)
    answered = len(desk.emu.callback_answers)
    await desk.press_as(desk.group, olga, listing, olgas)
    edited = await desk.emu.wait_for(
        lambda: (
            "1 запись" in text_of(m := desk.emu.get_message(desk.group, listing["message_id"]))
            and m
        )
    )
    assert "Всего: 30 мин (0,5 ч)" in text_of(edited)
    assert "диагностика" not in text_of(edited)
    assert buttons(edited) == [pavels]
    await desk.emu.wait_for(lambda: len(desk.emu.callback_answers) > answered)
    assert desk.emu.callback_answers[-1]["text"] == f"Запись удалена: {day} · 2 ч"
    assert answers_after(desk, mark) == []

    # The same button pressed again (an old copy of the list): the entry is gone.
    answered = len(desk.emu.callback_answers)
    await desk.press_as(desk.group, olga, listing, olgas)
    await desk.emu.wait_for(lambda: len(desk.emu.callback_answers) > answered)
    assert desk.emu.callback_answers[-1]["text"] == "Этой записи уже нет."


async def test_a_desk_admin_deletes_anyones_entry(emu: BotApiEmulator, database_url: str) -> None:
    admin = emu.add_user(first_name="Анна", last_name="Админ", username=None, language_code="ru")
    async with running_desk(emu, database_url, admin_ids=frozenset({admin})) as desk:
        emu.add_member(desk.group, admin)
        client = desk.client()
        olga = desk.engineers[0]
        number = await desk.register(client)
        await command(desk, olga, number, "/time 45m", "Всего")
        listing = await command(desk, admin, number, "/time", "Время по заявке")
        await desk.press_as(desk.group, admin, listing, buttons(listing)[0])
        await desk.emu.wait_for(
            lambda: (
                "время ещё не записано"
                in text_of(desk.emu.get_message(desk.group, listing["message_id"]))
            )
        )


def forged_group_press(desk: Desk, user: int, message: dict[str, Any], data: str) -> None:
    desk.emu.push_update(
        {
            "callback_query": {
                "id": f"forged-{data}",
                "from": {"id": user, "is_bot": False, "first_name": "?"},
                "chat_instance": "x",
                "data": data,
                "message": message,
            }
        }
    )


async def test_forged_delete_buttons_delete_nothing(desk: Desk) -> None:
    client = desk.client()
    olga = desk.engineers[0]
    number = await desk.register(client)
    await command(desk, olga, number, "/time 1h", "Всего")
    listing = await command(desk, olga, number, "/time", "Время по заявке")
    for data in ("o:time:del:999999", "o:time:del:x", "o:time:del:-1"):
        answered = len(desk.emu.calls_of("answerCallbackQuery"))
        forged_group_press(desk, olga, listing, data)

        def answered_again(before: int = answered) -> bool:
            return len(desk.emu.calls_of("answerCallbackQuery")) > before

        await desk.emu.wait_for(answered_again)
    assert desk.emu.calls_of("answerCallbackQuery")[-3]["text"] == "Этой записи уже нет."
    # A client pressing a group button from their own chat gets nothing either.
    mark = desk.last_id(client)
    desk.forge_press(client, buttons_data(listing)[0])
    listing_again = await command(desk, olga, number, "/time", "Время по заявке")
    assert "1 запись" in text_of(listing_again)
    assert desk.last_id(client) == mark


def buttons_data(message: dict[str, Any]) -> list[str]:
    return [
        button["callback_data"]
        for row in message["reply_markup"]["inline_keyboard"]
        for button in row
    ]


async def open_card(desk: Desk, client: int, number: int, lang: str = "ru") -> tuple[str, str]:
    """The client's My tickets line for the ticket, and its card."""
    mark = desk.last_id(client)
    desk.emu.send_command(client, client, "/tickets")
    listing = await desk.bot_says(client, t(lang, "tickets.title").split("{")[0], after=mark)
    line = next(x for x in text_of(listing).splitlines() if f"#{number} ·" in x)
    label = next(b for b in buttons(listing) if b.endswith(f"#{number}"))
    await desk.press(client, listing, label)
    card = await desk.emu.wait_for(
        lambda: (
            f"#{number}" in text_of(m := desk.emu.get_message(client, listing["message_id"]))
            and t(lang, "tickets.history") in buttons(m)
            and m
        )
    )
    return line, text_of(card)


async def test_the_client_sees_a_consultations_hours_and_what_is_billed(desk: Desk) -> None:
    client = desk.client()
    engineer = desk.engineers[0]
    number = await desk.register(client, kind="consultation", description="Как закрыть месяц")

    line, card = await open_card(desk, client, number)
    assert line.endswith("Как закрыть месяц · ⏱ 0 ч")
    assert "⏱ Затрачено: 0 ч" in card and "💳 К оплате: 0 ч" in card

    await command(desk, engineer, number, "/time 1h30m разбор", "Всего")
    await command(desk, engineer, number, "/time 20m", "Всего")
    line, card = await open_card(desk, client, number)
    assert line.endswith("Как закрыть месяц · ⏱ 1,83 ч")
    assert "⏱ Затрачено: 1 ч 50 мин" in card and "💳 К оплате: 1,83 ч" in card
    assert "разбор" not in card  # engineers' comments are theirs


async def test_an_english_client_sees_hours_the_english_way(desk: Desk) -> None:
    client = desk.client("John", last_name="Smith", username="john", language_code="en")
    engineer = desk.engineers[0]
    number = await desk.register(
        client, kind="consultation", description="Month closing", lang="en"
    )
    await command(desk, engineer, number, "/time 1,5", "Всего")
    line, card = await open_card(desk, client, number, "en")
    assert line.endswith("Month closing · ⏱ 1.5 h")
    assert "⏱ Time spent: 1 h 30 min" in card and "💳 To be billed: 1.5 h" in card


async def test_an_incident_shows_hours_once_logged_and_bills_nothing(desk: Desk) -> None:
    client = desk.client()
    english = desk.client("John", last_name="Smith", username="john", language_code="en")
    engineer = desk.engineers[0]
    number = await desk.register(client, description="Не печатает счёт")
    theirs = await desk.register(english, description="Printing fails", lang="en")

    line, card = await open_card(desk, client, number)
    assert "⏱" not in line and "Затрачено" not in card

    await command(desk, engineer, number, "/time 45m", "Всего")
    await command(desk, engineer, theirs, "/time 2h", "Всего")
    line, card = await open_card(desk, client, number)
    assert line.endswith("Не печатает счёт · ⏱ 0,75 ч")
    assert "⏱ Затрачено: 45 мин" in card and "К оплате" not in card
    line, card = await open_card(desk, english, theirs, "en")
    assert line.endswith("Printing fails · ⏱ 2 h")
    assert "⏱ Time spent: 2 h" in card and "To be billed" not in card
