"""A client's History: what was said to the client, in the client's language, shown once as
written; nothing of the engineers' own notices or notes."""

from __future__ import annotations

from emulator import text_of
from tests.e2e.conftest import Desk


async def open_history(desk: Desk, client: int, number: int, *, lang: str = "ru") -> str:
    """My tickets → the ticket → History: the first page as the client reads it."""
    tickets, history, page = (
        ("Ваши заявки", "🗂 История", "стр. 1 из")
        if lang == "ru"
        else ("Your tickets", "🗂 History", "page 1 of")
    )
    mark = desk.last_id(client)
    desk.emu.send_command(client, client, "/tickets")
    listing = await desk.bot_says(client, tickets, after=mark)
    button = next(b for b in listing["reply_markup"]["inline_keyboard"][0] if "#" in b["text"])
    await desk.press(client, listing, button["text"])
    card = await desk.emu.wait_for(
        lambda: (
            history in str((m := desk.emu.get_message(client, listing["message_id"])) or "") and m
        )
    )
    await desk.press(client, card, history)
    shown = await desk.emu.wait_for(
        lambda: page in text_of(m := desk.emu.get_message(client, listing["message_id"])) and m
    )
    assert f"#{number}" in text_of(shown)
    return text_of(shown)


async def test_a_proposed_solution_reads_in_the_history_as_the_client_got_it(
    desk: Desk,
) -> None:
    client = desk.client()
    number = await desk.register(client)
    mark = desk.last_id(client)
    desk.engineer_command(
        desk.engineers[0], number, "/solve Откройте «Параметры» > «Сеть» & перезапустите <службу>"
    )
    proposal = await desk.bot_says(client, "предлагает решение", after=mark)
    assert "> «Сеть» & перезапустите <службу>" in text_of(proposal)

    history = await open_history(desk, client, number)
    assert f"💡 #{number} · инженер предлагает решение" in history
    assert "Откройте «Параметры» > «Сеть» & перезапустите <службу>" in history
    for markup in ("<b>", "</b>", "&gt;", "&amp;", "&lt;"):
        assert markup not in history


async def test_an_english_clients_history_holds_what_the_client_was_told_in_english(
    desk: Desk,
) -> None:
    client = desk.client("John", last_name="Smith", username="john", language_code="en")
    number = await desk.register(client, description="The document card does not open", lang="en")
    engineer = desk.engineers[0]
    mark = desk.last_id(client)
    desk.engineer_command(engineer, number, "/take")
    await desk.bot_says(client, "is now working on", after=mark)
    desk.engineer_command(engineer, number, "/note the client is on 5.2, do not tell him")
    desk.engineer_says(engineer, number, "Please update the client to 5.2.1")
    await desk.bot_says(client, "Please update", after=mark)
    desk.engineer_command(engineer, number, "/close")
    await desk.bot_says(client, "is closed", after=mark)

    history = await open_history(desk, client, number, lang="en")
    # What the client wrote, what the engineer answered, what the bot told the client.
    assert "The document card does not open" in history
    assert "Please update the client to 5.2.1" in history
    assert f"Ольга Инженер is now working on your ticket #{number}" in history
    assert f"Ticket #{number} is closed" in history
    # Not the operator group's notices (in its own language), nor the engineers' notes.
    assert "взял(а)" not in history and "закрыл(а)" not in history
    assert "do not tell him" not in history
    positions = [
        history.index(part)
        for part in (
            "The document card does not open",
            "is now working on",
            "Please update the client",
            "is closed",
        )
    ]
    assert positions == sorted(positions)
