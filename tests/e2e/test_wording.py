"""What people read: command menus with a real line per command, and messages that speak of
an engineer in the grammar they chose."""

from __future__ import annotations

from typing import Any

from bot.commands import COMMANDS, Audience
from emulator import text_of
from tests.e2e.conftest import Desk


def _menus(desk: Desk) -> dict[tuple[str, str | None], dict[str, str]]:
    """The published menus by (scope, language): command → description."""
    menus: dict[tuple[str, str | None], dict[str, str]] = {}
    for call in desk.emu.calls_of("setMyCommands"):
        scope = call.get("scope") or {"type": "default"}
        key = (scope["type"], call.get("language_code"))
        menus[key] = {c["command"]: c["description"] for c in call["commands"]}
    return menus


async def test_both_menus_describe_every_command_in_both_languages(desk: Desk) -> None:
    await desk.emu.wait_for(lambda: len(_menus(desk)) >= 4)
    menus = _menus(desk)
    clients = [c.name for c in COMMANDS if c.audience is Audience.CLIENT]
    staff = [c.name for c in COMMANDS if c.audience is not Audience.CLIENT]
    private_ru, private_en = menus[("all_private_chats", None)], menus[("all_private_chats", "en")]
    group_ru, group_en = menus[("chat", None)], menus[("chat", "en")]
    assert list(private_ru) == clients and list(private_en) == clients
    assert list(group_ru) == staff and list(group_en) == staff
    assert {"solve", "ask", "me"} <= set(group_ru)
    for menu in (private_ru, private_en, group_ru, group_en):
        for command, description in menu.items():
            # A line a person can act on, not the command's own name.
            assert description.lower() != command and len(description) >= 8, command
    assert private_ru["new"] != private_en["new"]
    assert group_ru["solve"] != group_en["solve"]


async def test_the_topic_hint_names_solve_and_ask(desk: Desk) -> None:
    client = desk.client()
    number = await desk.register(client)
    header = text_of(desk.header(number))
    assert "/solve" in header and "/ask" in header


def _answer_to(desk: Desk, engineer: int, command: str) -> Any:
    return desk.emu.send_command(desk.group, engineer, command)


async def test_an_engineer_tells_the_bot_how_to_speak_of_her(desk: Desk) -> None:
    engineer = desk.engineers[0]
    _answer_to(desk, engineer, "/me")
    shown = await desk.bot_says(desk.group, "нейтрально")
    assert "Ольга Инженер" in text_of(shown)
    _answer_to(desk, engineer, "/me женский")
    await desk.bot_says(desk.group, "Ольга Инженер взяла заявку")
    _answer_to(desk, engineer, "/me робот")
    await desk.bot_says(desk.group, "Не понял «робот»")
    mark = desk.last_id(desk.group)
    _answer_to(desk, engineer, "/me")
    shown = await desk.bot_says(desk.group, "в женском роде", after=mark)
    assert "Ольга Инженер" in text_of(shown)
