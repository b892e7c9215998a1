"""Everything a client can send, with no ticket open and with one: each gets a sensible answer
or is rightly ignored, and nothing crashes."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from emulator import buttons, text_of
from tests.e2e.conftest import Desk, t

HINT = t("ru", "kb.no_words")
STARTED = t("ru", "reg.no_open_ticket").split("\n")[0]

#: Texts with nothing wordlike in them once the invisible characters are gone.
WORDLESS_TEXTS = {
    "spaces": "   ",
    "emoji": "👍🙂👨‍💻",
    "zero-width": "\u200b\u200c\u200d\u2060\ufeff\u00ad",
    "bidi marks": "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
}
#: What a client sends that the desk keeps: files, voice, places, contacts.
KEPT_KINDS = [
    "photo",
    "document",
    "video",
    "audio",
    "voice",
    "video_note",
    "location",
    "venue",
    "contact",
    "album",
]
LOOK_ALIKES = "<b>жирный</b> &amp; &lt; *bold* _it_ [x](http://y) `code`"


@pytest.fixture(autouse=True)
def no_tracebacks(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """The bot runs in this process: whatever it logs at ERROR (a handler's crash, a send it
    could not render) fails the test."""
    caplog.set_level(logging.INFO)
    yield
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert errors == [], [r.getMessage() for r in errors]


def send(desk: Desk, chat: int, kind: str) -> None:
    """The client sends a message of `kind` (a media kind, ``album``, or a wordless text's
    name)."""
    emu = desk.emu
    if kind in WORDLESS_TEXTS:
        emu.send_text(chat, chat, WORDLESS_TEXTS[kind])
    elif kind == "photo":
        emu.send_photo(chat, chat)
    elif kind == "document":
        emu.send_document(chat, chat)
    elif kind == "album":
        emu.send_album(chat, chat, [("photo", None, None), ("photo", None, None)])
    else:
        emu.send_media(chat, chat, kind)


def no_bad_requests(desk: Desk) -> None:
    """Telegram refused nothing the bot formatted (an unescaped ``<`` would be refused)."""
    refused = [(m, e) for m, _p, e in desk.emu.errors if "parse" in str(e).lower()]
    assert refused == []


async def test_a_wordless_first_message_gets_the_menu_and_a_hint(desk: Desk) -> None:
    for kind in ["sticker", "animation", "dice", "poll", *WORDLESS_TEXTS]:
        client = desk.client(first_name=kind)
        mark = desk.last_id(client)
        send(desk, client, kind)
        hint = await desk.bot_says(client, HINT, after=mark)
        assert t("ru", "menu.new") in buttons(hint), kind
        # No registration was started with it as the description.
        said = [text_of(m) for m in desk.emu.messages(client, from_bot=True)]
        assert said == [text_of(hint)], kind
    # The menu works from there.
    await desk.press(client, hint, t("ru", "menu.new"))
    await desk.bot_says(client, t("ru", "reg.choose_type").split("\n")[-1], after=mark)


async def test_the_hint_speaks_the_clients_language(desk: Desk) -> None:
    client = desk.client(first_name="Ann", language_code="en")
    desk.emu.send_media(client, client, "sticker")
    hint = await desk.bot_says(client, t("en", "kb.no_words"))
    assert t("en", "menu.new") in buttons(hint)


async def test_words_hidden_behind_zero_width_characters_are_searched(desk: Desk) -> None:
    client = desk.client()
    desk.emu.send_text(client, client, "как уста\u200bновить настоль\u200cный\u00ad клиент\ufeff")
    found = await desk.bot_says(client, "Установка настольного клиента ДокСфера")
    assert STARTED not in text_of(found)


async def test_every_kept_kind_of_first_message_starts_a_ticket(desk: Desk) -> None:
    for kind in KEPT_KINDS:
        client = desk.client(first_name=kind)
        send(desk, client, kind)
        await desk.bot_says(client, STARTED)
    no_bad_requests(desk)


async def test_texts_commands_and_forwards_with_no_ticket_get_an_answer(desk: Desk) -> None:
    texts = {
        "4096 characters": ("не работает поиск " * 300)[:4096],
        "look-alikes": LOOK_ALIKES,
        "right-to-left": "\u202eне работает поиск\u202c \u2067שלום\u2069",
    }
    for name, text in texts.items():
        client = desk.client(first_name=name)
        desk.emu.send_text(client, client, text)
        await desk.bot_says(client, "")
    client = desk.client(first_name="forward")
    desk.emu.send_forward(client, client, "не работает поиск по документам")
    await desk.bot_says(client, "")
    mark = desk.last_id(client)
    desk.emu.send_command(client, client, "/foo")
    await desk.bot_says(client, t("ru", "unknown_command"), after=mark)
    # An edit of the question already answered changes nothing and breaks nothing.
    question = desk.emu.messages(client)[0]
    desk.emu.edit_text(client, client, question["message_id"], "\u200b")
    mark = desk.last_id(client)
    desk.emu.send_text(client, client, "спасибо")
    await desk.bot_says(client, "", after=mark)
    no_bad_requests(desk)


async def test_every_kind_of_message_reaches_the_open_ticket(desk: Desk) -> None:
    client = desk.client()
    number = await desk.register(client)
    kinds = ["sticker", "animation", "dice", "poll", *KEPT_KINDS, *WORDLESS_TEXTS]
    for kind in kinds:
        before = len(desk.thread_messages(number))
        send(desk, client, kind)

        def grew(before: int = before) -> bool:
            return len(desk.thread_messages(number)) > before

        await desk.emu.wait_for(grew)
    desk.emu.send_forward(client, client, "переслано от скрытого")
    desk.emu.send_text(client, client, LOOK_ALIKES)
    await desk.emu.wait_for(
        lambda: any(text_of(m) == LOOK_ALIKES for m in desk.thread_messages(number))
    )
    assert any("переслано от скрытого" in text_of(m) for m in desk.thread_messages(number))
    no_bad_requests(desk)


async def test_a_client_text_of_4096_characters_reaches_the_engineers_whole(
    any_desk: Desk,
) -> None:
    desk = any_desk
    client = desk.client(first_name="<b>Иван</b> &amp;", last_name="*bold* [x](http://y)")
    number = await desk.register(client)
    assert "<b>Иван</b> &amp; *bold* [x](http://y)" in text_of(desk.header(number))
    words = [f"слово{n}" for n in range(600)]
    text = " ".join(words)[:4096]
    assert len(text) == 4096
    last = text.split()[-1]
    desk.emu.send_text(client, client, text)

    def shown() -> str:
        return " ".join(text_of(m) for m in desk.thread_messages(number))

    await desk.emu.wait_for(lambda: f" {last}" in shown(), timeout=8)
    assert all(w in shown() for w in text.split())
    no_bad_requests(desk)


async def test_the_bot_leaves_other_groups_and_ignores_channels(desk: Desk) -> None:
    emu = desk.emu
    stranger = desk.client(first_name="Чужой")
    # A group the bot already sits in: a message there makes it leave, unanswered.
    other = emu.add_group(title="Чужая группа", bot_is_admin=False)
    emu.send_text(other, stranger, "привет, бот, открой заявку")
    await emu.wait_for(lambda: emu.calls_of("leaveChat"))
    # A group the bot is added to: it leaves at once.
    added = emu.add_group(title="Ещё группа", bot_is_admin=False, chat_type="group")
    emu.add_bot_to_group(added, stranger)
    await emu.wait_for(lambda: len(emu.calls_of("leaveChat")) == 2)
    # A channel's posts are ignored.
    channel = emu.add_group(title="Канал", chat_type="channel")
    emu.channel_post(channel, "новость")
    mark = desk.last_id(stranger)
    emu.send_command(stranger, stranger, "/start")
    await desk.bot_says(stranger, "", after=mark)  # the bot got past all of it

    assert [c["chat_id"] for c in emu.calls_of("leaveChat")] == [other, added]
    for chat in (other, added, channel):
        assert emu.messages(chat, from_bot=True) == []
