"""The Bot API emulator behaves like Telegram for a real python-telegram-bot client."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import telegram
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    ReactionTypeEmoji,
    ReplyParameters,
)
from telegram.error import BadRequest, Forbidden, RetryAfter, TimedOut
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from emulator import (
    ApiError,
    BotApiEmulator,
    buttons,
    parse_html,
    parse_markdown_v2,
    text_of,
    utf16_len,
)
from emulator.html_entities import EntityParseError
from emulator.params import normalize_params

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    e = BotApiEmulator(
        token="123456:TEST", bot_username="support_test_bot", bot_first_name="Support"
    )
    await e.start(host="127.0.0.1", port=0)
    try:
        yield e
    finally:
        await e.stop()


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[telegram.Bot]:
    b = telegram.Bot(
        emu.token,
        base_url=f"{emu.api_url}/bot",
        base_file_url=f"{emu.api_url}/file/bot",
    )
    async with b:
        yield b


def started_user(emu: BotApiEmulator, **kwargs: Any) -> int:
    u = emu.add_user(first_name="Иван", last_name="Петров", username="ivan", language_code="ru")
    emu.send_command(u, u, "/start")
    emu.state.updates.clear()
    return u


def retry_seconds(err: RetryAfter) -> float:
    with warnings.catch_warnings():  # int vs timedelta deprecation dance in PTB 22
        warnings.simplefilter("ignore")
        value: Any = err.retry_after
    return float(value.total_seconds() if hasattr(value, "total_seconds") else value)


def msg_of(update: telegram.Update) -> telegram.Message:
    assert update.message is not None
    return update.message


def forum(emu: BotApiEmulator, **kwargs: Any) -> int:
    return emu.add_group(title="Support team", is_forum=True, bot_is_admin=True, **kwargs)


# --------------------------------------------------------------------------- basics


async def test_get_me_and_auth(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    me = await bot.get_me()
    assert me.id == emu.bot_id == 123456
    assert me.username == "support_test_bot"
    assert me.is_bot
    async with httpx.AsyncClient() as client:
        r = await client.post(f"{emu.api_url}/bot999:WRONG/getMe")
        assert r.status_code == 401
        assert r.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
        r = await client.post(f"{emu.api_url}/bot{emu.token}/noSuchMethod")
        assert r.status_code == 404
        assert r.json()["description"] == "Not Found"
        # JSON bodies work too, method names are case-insensitive
        r = await client.post(
            f"{emu.api_url}/bot{emu.token}/getme", json={}, headers={"X-Any": "1"}
        )
        assert r.json()["ok"] is True


async def test_updates_offsets_and_long_poll(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    u = emu.add_user(first_name="Иван", username="ivan", language_code="ru")
    assert u > 2**32
    sent = emu.send_text(u, u, "true")  # must stay a string
    emu.send_text(u, u, "123")
    updates = await bot.get_updates(timeout=0)
    assert [msg_of(up).text for up in updates] == ["true", "123"]
    assert msg_of(updates[0]).message_id == sent["message_id"] == 1
    assert msg_of(updates[0]).from_user.id == u  # type: ignore[union-attr]
    assert msg_of(updates[0]).chat.type == "private"
    # not confirmed yet -> delivered again
    again = await bot.get_updates(timeout=0)
    assert [up.update_id for up in again] == [up.update_id for up in updates]
    # confirm by offset
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()
    # long poll returns promptly when an update is pushed
    loop = asyncio.get_running_loop()
    loop.call_later(0.1, emu.send_text, u, u, "hello")
    t0 = loop.time()
    got = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=5)
    assert loop.time() - t0 < 2
    assert [msg_of(up).text for up in got] == ["hello"]
    # empty long poll times out with []
    t0 = loop.time()
    assert await bot.get_updates(offset=got[-1].update_id + 1, timeout=1) == ()
    assert loop.time() - t0 >= 0.9
    # the bot's own messages never produce updates
    await bot.send_message(u, "hi")
    assert await bot.get_updates(offset=got[-1].update_id + 1, timeout=0) == ()


async def test_html_entities_utf16(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    u = started_user(emu)
    msg = await bot.send_message(
        u, "👍 <b>Жирный</b> &amp; <a href='https://x.org'>link</a>", parse_mode="HTML"
    )
    assert msg.text == "👍 Жирный & link"
    bold, link = msg.entities
    assert (bold.type, bold.offset, bold.length) == ("bold", 3, 6)  # emoji = 2 UTF-16 units
    assert (link.type, link.offset, link.length, link.url) == ("text_link", 12, 4, "https://x.org")
    assert msg.parse_entity(bold) == "Жирный"
    stored = emu.last_message(u)
    assert stored is not None
    assert stored["_html"].startswith("👍 <b>Жирный</b>")  # test-facing extra: HTML source
    assert stored["entities"][0] == {
        "type": "bold",
        "offset": 3,
        "length": 6,
    }
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(u, "<b>unclosed", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(u, "1 < 2", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(u, "<div>x</div>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)Message is too long"):
        await bot.send_message(u, "x" * 4097)
    # 2048 emoji = 4096 UTF-16 units: fits; one more does not
    await bot.send_message(u, "😀" * 2048)
    with pytest.raises(BadRequest, match=r"(?i)Message is too long"):
        await bot.send_message(u, "😀" * 2049)
    # the limit applies after entity parsing
    await bot.send_message(u, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)Message text is empty"):
        await bot.send_message(u, "<b></b>", parse_mode="HTML")
    md = await bot.send_message(u, "*bold* and _it_ 1\\.5", parse_mode="MarkdownV2")
    assert md.text == "bold and it 1.5"
    assert [e.type for e in md.entities] == ["bold", "italic"]
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(u, "1.5", parse_mode="MarkdownV2")


async def test_errors_blocked_unknown_and_injected(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    u = started_user(emu)
    stranger = emu.add_user(first_name="Never", language_code="en")
    with pytest.raises(Forbidden, match=r"(?i)bot can't initiate conversation with a user"):
        await bot.send_message(stranger, "hi")
    emu.block_bot(u)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(u, "hi")
    emu.unblock_bot(u)
    await bot.send_message(u, "hi again")
    with pytest.raises(BadRequest, match=r"(?i)Chat not found"):
        await bot.send_message(-100123, "hi")

    emu.inject_error("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(u, "x")
    assert retry_seconds(info.value) == 7
    await bot.send_message(u, "only once")

    emu.inject_error(
        "sendMessage", 400, "Bad Request: boom", times=2, when=lambda p: p["text"] == "bad"
    )
    await bot.send_message(u, "good")
    for _ in range(2):
        with pytest.raises(BadRequest, match=r"(?i)boom"):
            await bot.send_message(u, "bad")
    await bot.send_message(u, "bad")

    emu.inject_delay("sendMessage", 1.0)
    with pytest.raises(TimedOut):
        await bot.send_message(u, "slow", read_timeout=0.2)

    async with httpx.AsyncClient() as client:
        r = await client.post(f"{emu.api_url}/bot{emu.token}/sendMessage", data={"chat_id": "-1"})
        assert r.status_code == 400
        assert r.json() == {
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: chat not found",
        }


async def test_raw_http_error_shapes(emu: BotApiEmulator) -> None:
    u = started_user(emu)
    emu.inject_error("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3)
    async with httpx.AsyncClient() as client:
        url = f"{emu.api_url}/bot{emu.token}/sendMessage"
        r = await client.post(url, data={"chat_id": str(u), "text": "x"})
        assert r.status_code == 429
        assert r.json() == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 3",
            "parameters": {"retry_after": 3},
        }
        emu.block_bot(u)
        r = await client.post(url, data={"chat_id": str(u), "text": "x"})
        assert r.status_code == 403
        assert r.json()["description"] == "Forbidden: bot was blocked by the user"


async def test_reply_parameters(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    u = started_user(emu)
    user_msg = emu.send_text(u, u, "question?")
    reply = await bot.send_message(
        u, "answer", reply_parameters=ReplyParameters(message_id=user_msg["message_id"])
    )
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.text == "question?"
    assert reply.reply_to_message.from_user.id == u  # type: ignore[union-attr]
    with pytest.raises(BadRequest, match=r"(?i)Message to be replied not found"):
        await bot.send_message(u, "x", reply_parameters=ReplyParameters(message_id=999))
    ok = await bot.send_message(
        u,
        "x",
        reply_parameters=ReplyParameters(message_id=999, allow_sending_without_reply=True),
    )
    assert ok.reply_to_message is None
    # the user replies to the bot
    user_reply = emu.send_text(u, u, "thanks", reply_to=reply.message_id)
    assert user_reply["reply_to_message"]["message_id"] == reply.message_id
    assert "reply_to_message" not in user_reply["reply_to_message"]  # one level only


# --------------------------------------------------------------------------- forum topics


async def test_forum_topics(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    g = forum(emu)
    assert g < -1_000_000_000_000
    topic = await bot.create_forum_topic(g, "Ticket #1 — Иван", icon_color=0x6FB9F0)
    tid = topic.message_thread_id
    assert topic.name == "Ticket #1 — Иван"
    assert emu.topics(g) == {
        tid: {
            "name": "Ticket #1 — Иван",
            "icon_color": 0x6FB9F0,
            "closed": False,
        }
    }
    service = emu.get_message(g, tid)
    assert service is not None
    assert service["forum_topic_created"] == {"name": "Ticket #1 — Иван", "icon_color": 0x6FB9F0}

    card = await bot.send_message(g, "New ticket", message_thread_id=tid)
    assert card.message_thread_id == tid
    assert card.is_topic_message
    assert card.reply_to_message is not None
    assert card.reply_to_message.forum_topic_created is not None  # like real Telegram

    eng = emu.add_user(first_name="Eng", username="eng")
    emu.add_member(g, eng)
    staff = emu.send_text(g, eng, "on it", thread_id=tid)
    assert staff["message_thread_id"] == tid and staff["is_topic_message"] is True
    upd = await bot.get_updates(timeout=0)
    assert upd[-1].message.message_thread_id == tid  # type: ignore[union-attr]
    assert [m["text"] for m in emu.messages(g, thread_id=tid)] == ["New ticket", "on it"]
    assert emu.last_message(g, thread_id=tid)["text"] == "New ticket"  # type: ignore[index]

    # a reply without thread id lands in the topic of the replied message
    r = await bot.send_message(
        g, "re", reply_parameters=ReplyParameters(message_id=staff["message_id"])
    )
    assert r.message_thread_id == tid

    await bot.edit_forum_topic(g, tid, name="Ticket #1 [closed]")
    await bot.close_forum_topic(g, tid)
    assert emu.topics(g)[tid]["closed"] is True
    await bot.send_message(g, "bot can still post", message_thread_id=tid)
    await bot.reopen_forum_topic(g, tid)
    with pytest.raises(BadRequest, match=r"(?i)Topic_not_modified"):
        await bot.reopen_forum_topic(g, tid)

    with pytest.raises(BadRequest, match=r"(?i)Topic_name_invalid"):
        await bot.create_forum_topic(g, "x" * 129)
    await bot.delete_forum_topic(g, tid)
    assert emu.topics(g) == {}
    assert emu.messages(g, thread_id=tid) == []
    with pytest.raises(BadRequest, match=r"(?i)Message thread not found"):
        await bot.send_message(g, "x", message_thread_id=tid)

    t2 = (await bot.create_forum_topic(g, "second")).message_thread_id
    emu.delete_topic(g, t2)  # staff deleted it
    with pytest.raises(BadRequest, match=r"(?i)Message thread not found"):
        await bot.send_message(g, "x", message_thread_id=t2)

    plain = emu.add_group(title="Plain", is_forum=False)
    with pytest.raises(BadRequest, match=r"(?i)The chat is not a forum"):
        await bot.create_forum_topic(plain, "x")
    m = await bot.send_message(plain, "thread id ignored", message_thread_id=77)
    assert m.message_thread_id is None
    weak = emu.add_group(title="No rights", is_forum=True, bot_is_admin=False)
    with pytest.raises(BadRequest, match=r"(?i)Not enough rights to create a topic"):
        await bot.create_forum_topic(weak, "x")

    member = await bot.get_chat_member(g, emu.bot_id)
    assert member.status == "administrator"
    assert member.can_manage_topics is True  # type: ignore[attr-defined]
    assert (await bot.get_chat_member(weak, emu.bot_id)).status == "member"
    chat = await bot.get_chat(g)
    assert chat.is_forum and chat.type == "supergroup"
    admins = await bot.get_chat_administrators(g)
    assert [a.user.id for a in admins] == [emu.bot_id]


async def test_a_closed_topic_takes_messages_from_admins_only(
    emu: BotApiEmulator, bot: telegram.Bot
) -> None:
    g = forum(emu)
    tid = (await bot.create_forum_topic(g, "Ticket #2")).message_thread_id
    card = await bot.send_message(g, "card", message_thread_id=tid)
    member = emu.add_user(first_name="Eng", username="eng")
    emu.add_member(g, member)
    admin = emu.add_user(first_name="Lead", username="lead")
    emu.add_member(g, admin, "administrator")
    assert await bot.close_forum_topic(g, tid)
    assert emu.topics(g)[tid]["closed"] is True
    with pytest.raises(BadRequest, match=r"(?i)Topic_not_modified"):
        await bot.close_forum_topic(g, tid)
    before = len(emu.messages(g))
    # Like Telegram: a member cannot write in a closed topic, not even by replying to one
    # of its messages from elsewhere; nothing reaches the chat or the bot.
    with pytest.raises(ApiError, match="TOPIC_CLOSED"):
        emu.send_text(g, member, "/reopen", thread_id=tid)
    with pytest.raises(ApiError, match="TOPIC_CLOSED"):
        emu.send_text(g, member, "/reopen", reply_to=card.message_id)
    assert len(emu.messages(g)) == before
    # Admins, and the bot as one, still can; the General topic stays open to everyone.
    emu.send_text(g, admin, "still here", thread_id=tid)
    await bot.send_message(g, "bot can still post", message_thread_id=tid)
    emu.send_text(g, member, "/reopen 2")
    assert await bot.reopen_forum_topic(g, tid)
    emu.send_text(g, member, "open again", thread_id=tid)
    # A bot that is no longer an admin cannot write in a closed topic either.
    assert await bot.close_forum_topic(g, tid)
    emu.set_bot_status(g, "member")
    with pytest.raises(BadRequest, match=r"(?i)Topic_closed"):
        await bot.send_message(g, "x", message_thread_id=tid)
    # The methods count against the group's budget like any send.
    emu.set_bot_status(g, "administrator")
    emu.enforce_limits(per_group_per_minute=1)
    assert await bot.reopen_forum_topic(g, tid)
    with pytest.raises(RetryAfter):
        await bot.close_forum_topic(g, tid)


# --------------------------------------------------------------------------- copy / media


async def test_copy_and_forward(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    u = started_user(emu)
    g = forum(emu)
    tid = (await bot.create_forum_topic(g, "T")).message_thread_id
    src = emu.send_text(u, u, "hello world", entities=[{"type": "bold", "offset": 0, "length": 5}])
    copied = await bot.copy_message(g, u, src["message_id"], message_thread_id=tid)
    new = emu.get_message(g, copied.message_id)
    assert new is not None
    assert new["text"] == "hello world"
    assert new["entities"] == [{"type": "bold", "offset": 0, "length": 5}]
    assert new["from"]["id"] == emu.bot_id
    assert new["message_thread_id"] == tid
    assert "forward_origin" not in new

    photo = emu.send_photo(u, u, caption="screen", data=b"PNGDATA")
    c2 = await bot.copy_message(
        g,
        u,
        photo["message_id"],
        message_thread_id=tid,
        caption="<i>from Иван</i>",
        parse_mode="HTML",
    )
    copied_photo = emu.get_message(g, c2.message_id)
    assert copied_photo is not None
    assert copied_photo["caption"] == "from Иван"
    assert copied_photo["caption_entities"][0]["type"] == "italic"
    assert copied_photo["photo"] == photo["photo"]

    with pytest.raises(BadRequest, match=r"(?i)Message to copy not found"):
        await bot.copy_message(g, u, 999)
    with pytest.raises(BadRequest, match=r"(?i)Message can't be copied"):
        await bot.copy_message(u, g, tid)  # the topic-created service message

    album = emu.send_album(
        u, u, [("photo", b"a", "first"), ("photo", b"b", None), ("document", b"c", None)]
    )
    assert len({m["media_group_id"] for m in album}) == 1
    note = emu.send_text(u, u, "after album")
    ids = [m["message_id"] for m in album] + [note["message_id"], 999]
    result = await bot.copy_messages(g, u, ids, message_thread_id=tid)
    assert len(result) == 4  # missing id skipped
    copies = [emu.get_message(g, r.message_id) for r in result]
    groups = [c.get("media_group_id") for c in copies if c]
    assert groups[0] == groups[1] == groups[2] is not None
    assert groups[0] != album[0]["media_group_id"]
    assert groups[3] is None
    assert [text_of(c) for c in copies] == ["first", "", "", "after album"]

    fwd = await bot.forward_message(g, u, src["message_id"], message_thread_id=tid)
    assert fwd.forward_origin is not None
    assert fwd.forward_origin.sender_user.id == u  # type: ignore[attr-defined]


async def test_media_file_ids_and_download(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    u = started_user(emu)
    doc_msg = emu.send_document(u, u, file_name="log.txt", data=b"line1\nline2", caption="logs")
    file_id = doc_msg["document"]["file_id"]
    assert doc_msg["document"]["file_name"] == "log.txt"
    assert doc_msg["document"]["mime_type"] == "text/plain"
    sent = await bot.send_document(u, file_id, caption="true")
    assert sent.document is not None and sent.document.file_id == file_id
    assert sent.caption == "true"  # free text is never JSON-decoded
    f = await bot.get_file(file_id)
    assert f.file_size == len(b"line1\nline2")
    assert bytes(await f.download_as_bytearray()) == b"line1\nline2"
    assert emu.file_bytes(file_id) == b"line1\nline2"

    up = await bot.send_photo(u, b"\x89PNGrealbytes", caption="x" * 1024)
    assert len(up.photo) >= 2
    biggest = up.photo[-1]
    assert emu.file_bytes(biggest.file_id) == b"\x89PNGrealbytes"
    again = await bot.send_photo(u, biggest.file_id)
    assert again.photo[-1].file_unique_id == biggest.file_unique_id
    with pytest.raises(BadRequest, match=r"(?i)Message caption is too long"):
        await bot.send_photo(u, biggest.file_id, caption="x" * 1025)
    with pytest.raises(BadRequest, match=r"(?i)Wrong file identifier/http url specified"):
        await bot.send_document(u, "AAAA-no-such-file")
    with pytest.raises(BadRequest, match=r"(?i)Invalid file_id"):
        await bot.get_file("nope")

    for kind in ("voice", "video", "audio", "animation", "sticker", "video_note"):
        m = emu.send_media(u, u, kind, caption="c")
        obj = m[kind]
        resent = await getattr(bot, f"send_{kind}")(u, obj["file_id"])
        assert getattr(resent, kind).file_id == obj["file_id"]
    loc = emu.send_media(u, u, "location")
    contact = emu.send_media(u, u, "contact")
    assert "location" in loc and contact["contact"]["user_id"] == u
    updates = await bot.get_updates(timeout=0)
    assert updates[-1].message.contact is not None  # type: ignore[union-attr]

    group = await bot.send_media_group(
        u,
        [
            InputMediaPhoto(b"p1", caption="<b>one</b>", parse_mode="HTML"),
            InputMediaPhoto(biggest.file_id),
        ],
    )
    assert len(group) == 2
    assert group[0].media_group_id == group[1].media_group_id is not None
    assert group[0].caption == "one" and group[0].caption_entities[0].type == "bold"
    with pytest.raises(BadRequest):
        await bot.send_media_group(
            u, [InputMediaDocument(b"d1", filename="a.txt"), InputMediaPhoto(b"p")]
        )
    loc_sent = await bot.send_location(u, latitude=55.7, longitude=37.6)
    assert loc_sent.location is not None and loc_sent.location.latitude == pytest.approx(55.7)


# --------------------------------------------------------------------------- buttons / edits


async def test_buttons_callbacks_and_edits(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    u = started_user(emu)
    kb = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Да ✅", callback_data="yes:1")],
            [InlineKeyboardButton("Site", url="https://example.org")],
        ]
    )
    msg = await bot.send_message(u, "Closed?", reply_markup=kb)
    stored = emu.get_message(u, msg.message_id)
    assert buttons(stored) == ["Да ✅", "Site"]
    with pytest.raises(BadRequest, match=r"(?i)Button_data_invalid"):
        await bot.send_message(
            u,
            "x",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("a", callback_data="x" * 65)]]
            ),
        )
    with pytest.raises(AssertionError, match=r"(?i)available buttons"):
        emu.press_button(u, u, msg.message_id, "Nope")

    qid = emu.press_button(u, u, msg.message_id, "Да ✅")
    (update,) = await bot.get_updates(timeout=0)
    query = update.callback_query
    assert query is not None and query.id == qid and query.data == "yes:1"
    assert query.message is not None and query.message.message_id == msg.message_id
    assert await bot.answer_callback_query(qid, text="Done", show_alert=True)
    assert emu.callback_answers == [{"id": qid, "text": "Done", "show_alert": True}]
    with pytest.raises(BadRequest, match=r"(?i)Query is too old"):
        await bot.answer_callback_query(qid)
    with pytest.raises(BadRequest, match=r"(?i)Query is too old"):
        await bot.answer_callback_query("12345")
    # press by callback data works as well
    emu.press_button(u, u, msg.message_id, "yes:1")

    # identical text + markup -> not modified
    with pytest.raises(BadRequest, match=r"(?i)Message is not modified"):
        await bot.edit_message_text(
            "Closed?", chat_id=u, message_id=msg.message_id, reply_markup=kb
        )
    edited = await bot.edit_message_text("Closed ✔", chat_id=u, message_id=msg.message_id)
    assert isinstance(edited, telegram.Message)
    assert edited.message_id == msg.message_id and edited.edit_date is not None
    assert edited.reply_markup is None  # editing without markup removes the keyboard
    # a client still showing the old keyboard can press a stale button
    assert emu.press_button(u, u, msg.message_id, "Да ✅")
    with pytest.raises(BadRequest, match=r"(?i)Message to edit not found"):
        await bot.edit_message_text("x", chat_id=u, message_id=999)
    await bot.edit_message_reply_markup(chat_id=u, message_id=msg.message_id, reply_markup=kb)
    assert buttons(emu.get_message(u, msg.message_id)) == ["Да ✅", "Site"]
    with pytest.raises(BadRequest, match=r"(?i)Message is not modified"):
        await bot.edit_message_reply_markup(chat_id=u, message_id=msg.message_id, reply_markup=kb)

    photo = await bot.send_photo(u, b"img", caption="old")
    await bot.edit_message_caption(chat_id=u, message_id=photo.message_id, caption="new")
    assert text_of(emu.get_message(u, photo.message_id)) == "new"

    assert await bot.set_message_reaction(u, msg.message_id, [ReactionTypeEmoji("👍")])
    assert emu.reactions(u, msg.message_id) == [{"type": "emoji", "emoji": "👍"}]
    assert await bot.send_chat_action(u, "typing")
    assert await bot.delete_message(u, msg.message_id)
    assert emu.get_message(u, msg.message_id) is None
    with pytest.raises(BadRequest, match=r"(?i)Message to delete not found"):
        await bot.delete_message(u, msg.message_id)


async def test_commands_and_calls_log(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    assert await bot.set_my_commands([("start", "Start"), ("help", "Помощь")], language_code="ru")
    cmds = await bot.get_my_commands(language_code="ru")
    assert [c.command for c in cmds] == ["start", "help"]
    assert await bot.get_my_commands() == ()
    assert await bot.delete_my_commands(language_code="ru")
    assert await bot.get_my_commands(language_code="ru") == ()
    assert await bot.get_forum_topic_icon_stickers() == ()
    methods = [m for m, _ in emu.calls]
    assert methods[:2] == ["getMe", "setMyCommands"] or "setMyCommands" in methods
    params = emu.calls_of("setMyCommands")[0]
    assert params["language_code"] == "ru"
    assert params["commands"][0] == {"command": "start", "description": "Start"}


# --------------------------------------------------------------------------- real Application


async def test_application_polling_end_to_end(emu: BotApiEmulator) -> None:
    async def start(update: telegram.Update, context: Any) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_html(
            f"Hi <b>{update.effective_user.first_name}</b>",  # type: ignore[union-attr]
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("Ping", callback_data="ping")]]
            ),
        )

    async def echo(update: telegram.Update, context: Any) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"echo: {update.effective_message.text}")

    async def on_button(update: telegram.Update, context: Any) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer("pong")
        await update.callback_query.edit_message_text("pressed")

    app = (
        Application.builder()
        .token(emu.token)
        .base_url(f"{emu.api_url}/bot")
        .base_file_url(f"{emu.api_url}/file/bot")
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            u = emu.add_user(first_name="Иван", language_code="ru")
            emu.send_command(u, u, "/start")
            hi = await emu.wait_message(u, contains="Hi Иван")
            assert hi["entities"] == [{"type": "bold", "offset": 3, "length": 4}]
            emu.send_text(u, u, "true")
            reply = await emu.wait_message(u, contains="echo:", after=hi["message_id"])
            assert reply["text"] == "echo: true"
            emu.press_button(u, u, hi["message_id"], "Ping")
            await emu.wait_for(lambda: text_of(emu.get_message(u, hi["message_id"])) == "pressed")
            assert emu.callback_answers[-1]["text"] == "pong"
            with pytest.raises(TimeoutError, match=r"(?i)nothing-like-this"):
                await emu.wait_message(u, contains="nothing-like-this", timeout=0.2)
        finally:
            await app.updater.stop()
            await app.stop()


# --------------------------------------------------------------------------- control API, limits


async def test_control_api(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    u = emu.add_user(first_name="Web", username="web")
    async with httpx.AsyncClient(base_url=emu.api_url) as client:
        r = await client.post(f"/_emu/chats/{u}/send", json={"from": u, "text": "/start"})
        assert r.status_code == 200
        assert r.json()["result"]["entities"][0]["type"] == "bot_command"
        kb = InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data="ok")]])
        m = await bot.send_message(u, "hello", reply_markup=kb)
        r = await client.get(f"/_emu/chats/{u}/messages")
        assert [x["text"] for x in r.json()["result"]] == ["/start", "hello"]
        r = await client.post(
            "/_emu/press",
            json={"chat_id": u, "from": u, "message_id": m.message_id, "button": "OK"},
        )
        assert r.json()["result"]["callback_query_id"]
        state = (await client.get("/_emu/state")).json()["result"]
        assert state["users"][0]["id"] == u
        assert state["pending_updates"] == 2
        r = await client.post(
            "/_emu/press", json={"chat_id": u, "from": u, "message_id": 1, "button": "X"}
        )
        assert r.status_code == 400


async def test_rate_limits_optional(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    u = started_user(emu)
    for _ in range(3):
        await bot.send_message(u, "burst")  # not enforced by default
    emu.enforce_limits(per_chat_per_second=1, per_group_per_minute=20, global_per_second=30)
    await bot.send_message(u, "one")
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(u, "two")
    assert retry_seconds(info.value) >= 1
    # groups: 20 per minute (fake clock so the test stays fast)
    now = [1000.0]
    emu.state.monotonic = lambda: now[0]
    g = emu.add_group(title="G")
    for _ in range(20):
        now[0] += 1.5
        await bot.send_message(g, "ok")
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(g, "21st in a minute")
    assert 1 <= retry_seconds(info.value) <= 60
    # failed sends are not counted; after the window passes sending works again
    now[0] += 60
    await bot.send_message(g, "later")
    emu.disable_limits()


async def test_edits_and_topics_count_against_a_groups_limit(
    emu: BotApiEmulator, bot: telegram.Bot
) -> None:
    now = [1000.0]
    emu.state.monotonic = lambda: now[0]
    g = emu.add_group(title="Forum", is_forum=True)
    emu.enforce_limits(per_chat_per_second=1, per_group_per_minute=3, global_per_second=30)
    topic = await bot.create_forum_topic(g, "One")
    sent = await bot.send_message(g, "card", message_thread_id=topic.message_thread_id)
    await bot.edit_message_text("card, edited", chat_id=g, message_id=sent.message_id)
    with pytest.raises(RetryAfter):
        await bot.edit_forum_topic(g, topic.message_thread_id, name="Two")
    # An album or a batch copy counts each message.
    now[0] += 61
    u = started_user(emu)
    first = await bot.send_message(u, "a")
    now[0] += 2
    second = await bot.send_message(u, "b")
    now[0] += 2
    await bot.copy_messages(g, u, [first.message_id, second.message_id])
    with pytest.raises(RetryAfter):
        await bot.copy_messages(g, u, [first.message_id, second.message_id])
    emu.disable_limits()


# --------------------------------------------------------------------------- pure units


def test_parsers_and_params() -> None:
    assert utf16_len("a😀") == 3
    text, ents = parse_html(
        '<pre><code class="language-python">x = 1</code></pre><tg-spoiler>s</tg-spoiler>'
        "<blockquote expandable>q</blockquote>&#128512;"
    )
    assert text == "x = 1sq😀"
    assert ents == [
        {"type": "pre", "offset": 0, "length": 5, "language": "python"},
        {"type": "spoiler", "offset": 5, "length": 1},
        {"type": "expandable_blockquote", "offset": 6, "length": 1},
    ]
    for bad in ("<b>x</i>", "<b>x", "</b>", "a < b", '<span class="x">y</span>'):
        with pytest.raises(EntityParseError):
            parse_html(bad)
    text, ents = parse_markdown_v2("__u__ ~s~ ||sp|| [l](https://a.b) `c\\`d`")
    assert text == "u s sp l c`d"
    assert [e["type"] for e in ents] == [
        "underline",
        "strikethrough",
        "spoiler",
        "text_link",
        "code",
    ]
    with pytest.raises(EntityParseError):
        parse_markdown_v2("oops!")
    p = normalize_params(
        {
            "chat_id": "-1001234",
            "text": "true",
            "caption": "123",
            "message_thread_id": "5",
            "disable_notification": "true",
            "reply_markup": '{"inline_keyboard": []}',
            "photo": "AgAC123",
        }
    )
    assert p == {
        "chat_id": -1001234,
        "text": "true",
        "caption": "123",
        "message_thread_id": 5,
        "disable_notification": True,
        "reply_markup": {"inline_keyboard": []},
        "photo": "AgAC123",
    }
    assert normalize_params({"chat_id": "@channel"})["chat_id"] == "@channel"


async def test_added_to_a_group_and_leaving_it(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    u = emu.add_user(first_name="Иван", language_code="ru")
    group = emu.add_group(title="Чужая", bot_is_admin=False, chat_type="group")
    emu.add_bot_to_group(group, u)
    (added,) = await bot.get_updates(timeout=0)
    change = added.my_chat_member
    assert change is not None and change.chat.id == group and change.from_user.id == u
    assert (change.old_chat_member.status, change.new_chat_member.status) == ("left", "member")
    assert change.new_chat_member.user.id == emu.bot_id

    assert await bot.leave_chat(group) is True
    (left,) = await bot.get_updates(offset=added.update_id + 1, timeout=0)
    assert left.my_chat_member is not None
    assert left.my_chat_member.new_chat_member.status == "left"
    with pytest.raises(Forbidden, match="not a member"):
        await bot.send_message(group, "still here?")
    with pytest.raises(Forbidden, match="not a member"):
        await bot.leave_chat(group)
    emu.send_text(u, u, "hi")
    with pytest.raises(BadRequest, match="private chats"):
        await bot.leave_chat(u)


async def test_channel_posts_and_plain_content(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    u = emu.add_user(first_name="Иван", language_code="ru")
    channel = emu.add_group(title="Новости", chat_type="channel")
    emu.channel_post(channel, "пост")
    for kind in ("dice", "poll", "venue"):
        emu.send_media(u, u, kind)
    emu.send_forward(u, u, "переслано", sender_name="Тайный")
    post, dice, poll, venue, forward = await bot.get_updates(timeout=0)
    assert post.channel_post is not None and post.channel_post.text == "пост"
    assert post.channel_post.sender_chat is not None and post.channel_post.from_user is None
    assert msg_of(dice).dice is not None and msg_of(dice).dice.value == 4  # type: ignore[union-attr]
    assert msg_of(poll).poll is not None and len(msg_of(poll).poll.options) == 2  # type: ignore[union-attr]
    assert msg_of(venue).venue is not None and msg_of(venue).location is not None
    origin = msg_of(forward).forward_origin
    assert isinstance(origin, telegram.MessageOriginHiddenUser)
    assert origin.sender_user_name == "Тайный"
