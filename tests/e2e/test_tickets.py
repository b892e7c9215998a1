"""The client's own tickets: list, card, history, writing to one of them."""

from __future__ import annotations

from typing import Any

from emulator import buttons, text_of
from tests.e2e.conftest import Desk


async def test_my_tickets_newest_first_with_status_markers(desk: Desk) -> None:
    client = desk.client()
    first = await desk.register(client, description="Первая: не печатает")
    second = await desk.register(client, kind="wish", description="Вторая: тёмная тема")
    desk.engineer_command(desk.engineers[0], first, "/close")
    await desk.bot_says(client, "закрыта")
    mark = desk.last_id(client)
    desk.emu.send_command(client, client, "/tickets")
    listing = await desk.bot_says(client, "Ваши заявки", after=mark)
    lines = text_of(listing).splitlines()
    assert lines[1].startswith(f"🔵 #{second} · Пожелание · Вторая: тёмная тема")
    assert lines[2].startswith(f"🟢 #{first} · Инцидент · Первая: не печатает")
    assert buttons(listing) == [f"🔵 #{second}", f"🟢 #{first}"]

    await desk.press(client, listing, f"🟢 #{first}")
    card = await desk.emu.wait_for(
        lambda: (
            "Статус: Закрыта" in text_of(m := desk.emu.get_message(client, listing["message_id"]))
            and m
        )
    )
    assert "Закрыта:" in text_of(card) and "Первая: не печатает" in text_of(card)
    assert buttons(card) == ["🗂 История", "✍️ Написать", "⬅️ К списку"]


async def test_history_pages_through_a_long_correspondence(desk: Desk) -> None:
    client = desk.client()
    engineer = desk.engineers[0]
    number = await desk.register(client)
    long_text = "Журнал: " + "ошибка подключения к серверу; " * 60  # ~1800 characters
    for i in range(6):
        mark = desk.last_id(client)
        desk.engineer_says(engineer, number, f"Ответ {i}. {long_text}")
        await desk.bot_says(client, f"Ответ {i}.", after=mark)
    desk.engineer_command(engineer, number, "/note внутреннее, клиенту не показывать")
    mark = desk.last_id(client)
    desk.emu.send_command(client, client, "/tickets")
    listing = await desk.bot_says(client, "Ваши заявки", after=mark)
    await desk.press(client, listing, f"🔵 #{number}")
    await desk.emu.wait_for(
        lambda: "Статус" in text_of(desk.emu.get_message(client, listing["message_id"]))
    )
    card = desk.emu.get_message(client, listing["message_id"])
    assert card is not None
    await desk.press(client, card, "🗂 История")
    page = await desk.emu.wait_for(
        lambda: (
            "стр. 1 из" in text_of(m := desk.emu.get_message(client, listing["message_id"])) and m
        )
    )
    total = int(text_of(page).split("стр. 1 из ")[1].split(")")[0])
    assert total >= 3
    seen = text_of(page)
    for n in range(2, total + 1):
        await desk.press(client, page, "▶️")

        def page_shown(n: int = n) -> dict[str, Any] | None:
            shown = desk.emu.get_message(client, listing["message_id"])
            return shown if f"стр. {n} из" in text_of(shown) else None

        page = await desk.emu.wait_for(page_shown)
        seen += text_of(page)
        assert len(text_of(page)) <= 4096
    for i in range(6):
        assert f"Ответ {i}." in seen
    assert "Поддержка" in seen and "Вы" in seen
    assert "клиенту не показывать" not in seen


async def test_write_button_makes_the_ticket_active(desk: Desk) -> None:
    client = desk.client()
    first = await desk.register(client, description="Первая")
    second = await desk.register(client, description="Вторая")
    mark = desk.last_id(client)
    desk.emu.send_command(client, client, "/tickets")
    listing = await desk.bot_says(client, "Ваши заявки", after=mark)
    await desk.press(client, listing, f"🔵 #{first}")
    await desk.emu.wait_for(
        lambda: "Статус" in text_of(desk.emu.get_message(client, listing["message_id"]))
    )
    card = desk.emu.get_message(client, listing["message_id"])
    assert card is not None
    await desk.press(client, card, "✍️ Написать")
    await desk.bot_says(client, f"уйдут в заявку #{first}", after=mark)
    desk.emu.send_text(client, client, "к первой заявке")
    await desk.emu.wait_for(
        lambda: any(text_of(m) == "к первой заявке" for m in desk.thread_messages(first))
    )
    assert not any(text_of(m) == "к первой заявке" for m in desk.thread_messages(second))


async def test_nobody_sees_another_clients_ticket(desk: Desk) -> None:
    owner = desk.client("Ирина", username="irina")
    intruder = desk.client("Пётр", username="petr")
    number = await desk.register(owner, description="Секретный договор не открывается")
    desk.emu.send_command(intruder, intruder, "/tickets")
    await desk.bot_says(intruder, "нет заявок")
    # The intruder forges the buttons of the owner's ticket (ticket id 1).
    for data in ("t:card:1", "t:hist:1:0", "t:write:1"):
        desk.forge_press(intruder, data)
    await desk.emu.wait_for(
        lambda: (
            sum(
                "не найдена" in (c.get("text") or "")
                for c in desk.emu.calls_of("answerCallbackQuery")
            )
            == 3
        )
    )
    assert not any("Секретный" in text_of(m) for m in desk.emu.messages(intruder))
    desk.emu.send_text(intruder, intruder, "пишу в чужую заявку zqx?")
    await desk.bot_says(intruder, "Шаг 1 из 3")
    assert not any("чужую" in text_of(m) for m in desk.thread_messages(number))
