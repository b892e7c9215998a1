"""What people read: command menus with a real line per command, and messages that speak of
an engineer in the grammar they chose."""

from __future__ import annotations

from typing import Any

from bot.commands import COMMANDS, Audience
from desk.people import Gender
from emulator import BotApiEmulator, text_of
from tests.e2e.conftest import Desk, running_desk


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


async def test_a_client_hears_who_took_the_ticket_in_the_engineers_own_grammar(desk: Desk) -> None:
    olga = desk.engineers[0]
    client = desk.client()
    first = await desk.register(client)
    mark = desk.last_id(client)
    desk.engineer_command(olga, first, "/take")
    told = await desk.bot_says(client, "в работе", after=mark)
    # Nobody told the desk Olga's gender: the wording needs none.
    assert text_of(told) == f"🟡 Заявка #{first} в работе. Инженер: Ольга Инженер."
    desk.emu.send_command(desk.group, olga, "/me женский")
    await desk.bot_says(desk.group, "взяла заявку")
    second = await desk.register(client, description="Второй вопрос")
    mark = desk.last_id(client)
    desk.engineer_command(olga, second, "/take")
    told = await desk.bot_says(client, "взяла в работу", after=mark)
    assert text_of(told) == f"🟡 Ольга Инженер взяла в работу вашу заявку #{second}."
    # In the group too: the type prompt becomes "… (изменила Ольга Инженер)".
    thread = desk.topic(second)
    desk.engineer_command(olga, second, "/type")
    prompt = await desk.bot_says(desk.group, "Выберите тип", thread_id=thread)
    await desk.press_as(desk.group, olga, prompt, "Пожелание / предложение")
    await desk.bot_says(desk.group, "(изменила Ольга Инженер)", thread_id=thread)


async def test_the_desks_setting_gives_an_engineers_gender_until_he_says_otherwise(
    emu: BotApiEmulator, database_url: str
) -> None:
    ivan = emu.add_user(first_name="Иван", last_name="Сидоров", username=None, language_code="ru")
    async with running_desk(emu, database_url, engineer_genders={ivan: Gender.MALE}) as desk:
        emu.add_member(desk.group, ivan)
        client = desk.client("Мария")
        number = await desk.register(client)
        mark = desk.last_id(client)
        desk.engineer_command(ivan, number, "/take")
        told = await desk.bot_says(client, "взял в работу", after=mark)
        assert "Иван Сидоров взял в работу вашу заявку" in text_of(told)
        emu.send_command(desk.group, ivan, "/me нейтрально")
        await desk.bot_says(desk.group, "без рода")
        desk.engineer_command(ivan, number, "/close")
        # The rating request follows the closing notice; the notice speaks without a gender
        # in the ticket's history, and the next /take would too.
        second = await desk.register(client, description="Ещё вопрос")
        mark = desk.last_id(client)
        desk.engineer_command(ivan, second, "/take")
        told = await desk.bot_says(client, "в работе", after=mark)
        assert text_of(told) == f"🟡 Заявка #{second} в работе. Инженер: Иван Сидоров."
