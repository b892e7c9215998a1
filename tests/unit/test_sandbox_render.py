"""The sandbox page's HTML of Telegram messages: well-formed, escaped, and showing what the
Telegram app shows (formatting at UTF-16 offsets, albums, quotes, service lines, buttons)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import pytest
import telegram
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    ReactionTypeEmoji,
)

from emulator import BotApiEmulator
from emulator.html_entities import utf16_len
from sandbox.render import (
    Lang,
    View,
    album_html,
    entities_html,
    message_html,
    messages_html,
)

CHAT = -1001
BOT = 777
ME = 10
ANNA = {"id": 11, "is_bot": False, "first_name": "Анна", "last_name": "Смирнова"}
SUPPORT = {"id": BOT, "is_bot": True, "first_name": "Support"}
DAY = int(datetime(2026, 11, 30, 9, 15, tzinfo=UTC).timestamp())
VOID = {"img", "br", "hr", "input", "meta", "link", "wbr", "source"}


def view(lang: Lang = "ru", **kw: Any) -> View:
    values: dict[str, Any] = {
        "lang": lang,
        "me": ME,
        "bot_id": BOT,
        "file_url": lambda fid: f"/file/{fid}",
        "show_sender": True,
    }
    values.update(kw)
    return View(**values)


def msg(mid: int, **fields: Any) -> dict[str, Any]:
    """A message of Anna in the group, Bot API shaped; ``fields`` add or replace."""
    base: dict[str, Any] = {
        "message_id": mid,
        "from": ANNA,
        "chat": {"id": CHAT, "type": "supergroup", "title": "Support"},
        "date": DAY,
    }
    base.update(fields)
    return base


class Tree(HTMLParser):
    """Parses a fragment; fails on a closing tag that does not close the innermost open one.
    Collects every character of text with the tags (and their attributes) around it."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.chars: list[tuple[str, tuple[tuple[str, dict[str, str]], ...]]] = []
        self.starts: list[tuple[str, dict[str, str]]] = []
        self.feed(markup)
        self.close()
        assert not self.stack, f"unclosed tags {self.stack} in {markup!r}"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = (tag, {k: v or "" for k, v in attrs})
        self.starts.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1][0] == tag, f"</{tag}> closes {self.stack}"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.chars.extend((ch, tuple(self.stack)) for ch in data)

    @property
    def text(self) -> str:
        return "".join(ch for ch, _ in self.chars)

    def within(self, tag: str, **attrs: str) -> str:
        """The characters inside ``tag`` (with these attribute values), in order."""
        return "".join(
            ch
            for ch, around in self.chars
            if any(t == tag and all(a.get(k) == v for k, v in attrs.items()) for t, a in around)
        )

    def all(self, tag: str) -> list[dict[str, str]]:
        return [a for t, a in self.starts if t == tag]


def classes(markup: str, cls: str) -> int:
    """How many elements carry the class ``cls``."""
    return sum(cls in a.get("class", "").split() for _, a in Tree(markup).starts)


def ent(kind: str, text: str, part: str, nth: int = 0, **extra: Any) -> dict[str, Any]:
    """An entity over the ``nth`` occurrence of ``part`` in ``text``, in UTF-16 units."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(part, at + 1)
    return {
        "type": kind,
        "offset": utf16_len(text[:at]),
        "length": utf16_len(part),
        **extra,
    }


# --------------------------------------------------------------------------- entities


def test_nested_and_overlapping_entities_give_well_formed_html() -> None:
    text = "one two three four five"
    entities = [
        {"type": "bold", "offset": 0, "length": 13},  # one two three
        {"type": "italic", "offset": 4, "length": 14},  # two three four  (overlaps bold)
        {"type": "underline", "offset": 4, "length": 3},  # two  (nested in both)
        {"type": "text_link", "offset": 8, "length": 15, "url": "https://e.org"},  # three…five
        {"type": "spoiler", "offset": 0, "length": 23},  # everything
    ]
    tree = Tree(entities_html(text, entities))
    assert tree.text == text
    assert tree.within("b") == "one two three"
    assert tree.within("i") == "two three four"
    assert tree.within("u") == "two"
    assert tree.within("a", href="https://e.org") == "three four five"
    assert tree.within("span", **{"class": "spoiler"}) == text


def test_entities_at_utf16_offsets_after_emoji() -> None:
    text = "👍🏽 Готово 🇷🇺 😀 слово и 𝒳 ещё"
    html = entities_html(text, [ent("bold", text, "слово"), ent("italic", text, "ещё")])
    assert "<b>слово</b>" in html
    tree = Tree(html)
    assert tree.within("b") == "слово"
    assert tree.within("i") == "ещё"
    assert tree.text == text


def test_an_entity_ending_inside_a_surrogate_pair_keeps_the_character_whole() -> None:
    tree = Tree(entities_html("a😀b", [{"type": "bold", "offset": 0, "length": 2}]))
    assert tree.text == "a😀b"
    assert tree.within("b") == "a😀"


def test_markup_in_text_is_escaped() -> None:
    text = '<script>alert("x")</script> & <b>'
    html = entities_html(text, [ent("italic", text, "alert")])
    assert "<script" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&quot;x&quot;" in html and "&amp;" in html
    assert Tree(html).text == text


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "java\tscript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
    ],
)
def test_a_link_to_an_unsafe_scheme_is_plain_text(url: str) -> None:
    text = "click me"
    html = entities_html(text, [ent("text_link", text, "me", url=url)])
    assert "<a" not in html and "script" not in html
    assert html == "click me"


def test_safe_links_open_in_a_new_tab() -> None:
    text = "site tg mail example.com a@b.org"
    html = entities_html(
        text,
        [
            ent("text_link", text, "site", url='https://e.org/?a=1&b="2"'),
            ent("text_link", text, "tg", url="tg://resolve?domain=x"),
            ent("text_link", text, "mail", url="mailto:x@y.org"),
            ent("url", text, "example.com"),
            ent("email", text, "a@b.org"),
        ],
    )
    links = Tree(html).all("a")
    assert [a["href"] for a in links] == [
        'https://e.org/?a=1&b="2"',
        "tg://resolve?domain=x",
        "mailto:x@y.org",
        "http://example.com",
        "mailto:a@b.org",
    ]
    assert all(a["target"] == "_blank" and a["rel"] == "noopener noreferrer" for a in links)
    assert "&quot;2&quot;" in html  # the quote does not end the attribute


def test_pre_with_a_language_code_and_blocks() -> None:
    text = 'print("hi")\nquote\nmore'
    html = entities_html(
        text,
        [
            ent("pre", text, 'print("hi")', language="python"),
            ent("expandable_blockquote", text, "quote\nmore"),
            ent("code", text, "more"),
        ],
    )
    assert '<pre><code class="language-python">print(&quot;hi&quot;)</code></pre>' in html
    assert '<blockquote class="expandable">quote\n<code>more</code></blockquote>' in html
    assert Tree(html).within("code") == 'print("hi")more'
    hostile = entities_html("x", [{"type": "pre", "offset": 0, "length": 1, "language": '"><i'}])
    assert hostile == '<pre><code class="language-i">x</code></pre>'


def test_spans_for_mentions_hashtags_commands() -> None:
    text = "@anna #help $USD /start Анна ✨"
    html = entities_html(
        text,
        [
            ent("mention", text, "@anna"),
            ent("hashtag", text, "#help"),
            ent("cashtag", text, "$USD"),
            ent("bot_command", text, "/start"),
            ent("text_mention", text, "Анна", user=ANNA),
            ent("custom_emoji", text, "✨", custom_emoji_id="5368324170671202286"),
        ],
    )
    tree = Tree(html)
    assert tree.within("span", **{"class": "mention"}) == "@annaАнна"
    assert tree.within("span", **{"class": "hashtag"}) == "#help$USD"
    assert tree.within("span", **{"class": "command"}) == "/start"
    assert html.endswith(" ✨")


# --------------------------------------------------------------------------- bubbles


def test_a_bubble_names_its_sender_and_direction() -> None:
    mine = message_html(
        CHAT, msg(5, **{"from": {"id": ME, "first_name": "Me"}, "text": "a"}), view()
    )
    theirs = message_html(CHAT, msg(6, text="b"), view())
    bot = message_html(CHAT, msg(7, **{"from": SUPPORT, "text": "c"}), view())
    first = Tree(mine).starts[0][1]
    assert first == {
        "class": "msg out",
        "id": f"m{CHAT}-5",
        "data-chat": str(CHAT),
        "data-message": "5",
    }
    assert Tree(theirs).starts[0][1]["class"] == "msg in"
    assert Tree(theirs).within("div", **{"class": "sender"}) == "Анна Смирнова"
    assert Tree(bot).within("div", **{"class": "sender bot"}) == "Support"
    assert "sender" not in mine  # one's own messages carry no name
    no_names = message_html(CHAT, msg(6, text="b"), view(show_sender=False))
    assert "sender" not in no_names
    tree = Tree(theirs)
    assert tree.all("button")[-1] == {"class": "reply-btn", "data-reply": "6"}
    assert tree.within("button") == "Ответить"
    assert "Reply" in message_html(CHAT, msg(6, text="b"), view("en"))


def test_names_file_names_and_buttons_stay_escaped() -> None:
    evil = '<script>alert("x")</script>'
    message = msg(
        8,
        **{"from": {"id": 12, "first_name": evil}},
        document={"file_id": "D1", "file_name": evil + ".txt", "file_size": 10},
        caption=evil,
        reply_markup={"inline_keyboard": [[{"text": evil, "callback_data": "x"}]]},
        forward_origin={"type": "hidden_user", "date": DAY, "sender_user_name": evil},
        reply_to_message=msg(2, **{"from": {"id": 13, "first_name": evil}}, text=evil),
    )
    html = message_html(CHAT, message, view())
    assert "<script" not in html
    tree = Tree(html)
    assert tree.within("div", **{"class": "sender"}) == evil
    assert evil in tree.within("div", **{"class": "forwarded"})
    assert tree.within("div", **{"class": "quote-name"}) == evil
    assert tree.within("div", **{"class": "quote-text"}) == evil
    assert tree.within("div", **{"class": "text"}) == evil
    assert tree.all("a")[0]["download"] == evil + ".txt"


def test_a_topic_name_stays_escaped() -> None:
    html = message_html(
        CHAT, msg(1, forum_topic_created={"name": "<img src=x onerror=1>"}), view()
    )
    assert "<img" not in html
    assert Tree(html).text == "Создана тема «<img src=x onerror=1>»"


def test_buttons_carry_their_exact_text() -> None:
    texts = ['Да "точно" <b>', "✅ Закрыть & оценить", "Сайт", "javascript", "Оплатить"]
    markup = {
        "inline_keyboard": [
            [
                {"text": texts[0], "callback_data": "yes"},
                {"text": texts[1], "callback_data": "close"},
            ],
            [
                {"text": texts[2], "url": "https://example.com/a?b=1&c=2"},
                {"text": texts[3], "url": "javascript:alert(1)"},
            ],
            [{"text": texts[4], "pay": True}],
        ]
    }
    html = message_html(CHAT, msg(9, **{"from": SUPPORT}, text="?", reply_markup=markup), view())
    tree = Tree(html)
    callbacks = [b for b in tree.all("button") if "data-button" in b]
    assert [b["data-button"] for b in callbacks] == texts[:2]
    assert all(b["data-chat"] == str(CHAT) and b["data-message"] == "9" for b in callbacks)
    assert [a["href"] for a in tree.all("a") if a.get("class") == "btn"] == [
        "https://example.com/a?b=1&c=2"
    ]
    disabled = [b for b in tree.all("button") if "disabled" in b]
    assert len(disabled) == 2  # the refused link and the payment button
    assert classes(html, "row") == 3
    assert "<b>" not in html


def test_a_photo_shows_its_largest_size() -> None:
    sizes = [
        {"file_id": "MID", "file_unique_id": "m", "width": 320, "height": 240, "file_size": 9},
        {"file_id": "BIG", "file_unique_id": "b", "width": 1280, "height": 960, "file_size": 99},
        {"file_id": "TINY", "file_unique_id": "t", "width": 90, "height": 68, "file_size": 1},
    ]
    html = message_html(CHAT, msg(3, photo=sizes, caption="скрин"), view())
    (img,) = Tree(html).all("img")
    assert img["src"] == "/file/BIG" and img["loading"] == "lazy"
    assert (img["width"], img["height"]) == ("1280", "960")
    assert html.index("<img") < html.index("скрин")  # the caption under the media


def test_a_document_is_a_download_link_with_name_and_size() -> None:
    document = {
        "file_id": "DOC1",
        "file_unique_id": "u",
        "file_name": "отчёт.pdf",
        "mime_type": "application/pdf",
        "file_size": 12 * 1024,
    }
    (link,) = Tree(message_html(CHAT, msg(4, document=document), view("en"))).all("a")
    assert link == {"class": "file document", "href": "/file/DOC1", "download": "отчёт.pdf"}
    html = message_html(CHAT, msg(4, document=document), view("en"))
    assert "📄 отчёт.pdf · 12 KB" in html
    voice = message_html(
        CHAT, msg(5, voice={"file_id": "V", "duration": 65, "file_size": 3 * 1024**2}), view()
    )
    assert "🎤 Голосовое сообщение · 1:05 · 3,0 МБ" in voice


def test_an_album_is_one_bubble_with_one_caption() -> None:
    def photo(mid: int, fid: str, **extra: Any) -> dict[str, Any]:
        sizes = [{"file_id": fid + "s", "width": 90, "height": 90}]
        sizes.append({"file_id": fid, "width": 800, "height": 600})
        return msg(mid, photo=sizes, media_group_id="g1", **extra)

    album = [photo(20, "P1"), photo(21, "P2", caption="три фото"), photo(22, "P3")]
    html = messages_html(CHAT, [*album, msg(23, text="после")], view())
    assert classes(html, "msg") == 2
    bubble = album_html(CHAT, album, view())
    assert bubble in html
    tree = Tree(bubble)
    assert [i["src"] for i in tree.all("img")] == ["/file/P1", "/file/P2", "/file/P3"]
    assert tree.within("div", **{"class": "text"}) == "три фото"
    assert bubble.count("три фото") == 1
    assert tree.starts[0][1]["data-messages"] == "20 21 22"
    assert {a.get("id") for _, a in tree.starts} >= {f"m{CHAT}-21", f"m{CHAT}-22"}


def test_a_reply_quotes_the_message_it_answers() -> None:
    long = "Не работает печать " + "очень " * 30
    html = message_html(
        CHAT, msg(31, text="Проверьте драйвер", reply_to_message=msg(30, text=long)), view()
    )
    tree = Tree(html)
    (quote,) = [a for _, a in tree.starts if a.get("class") == "quote"]
    assert quote["data-goto"] == f"m{CHAT}-30"
    quoted = tree.within("div", **{"class": "quote-text"})
    assert quoted.startswith("Не работает печать очень") and quoted.endswith("…")
    assert len(quoted) <= 100
    assert tree.within("div", **{"class": "quote-name"}) == "Анна Смирнова"
    document = msg(30, document={"file_id": "D"})
    en = message_html(CHAT, msg(31, text="ok", reply_to_message=document), view("en"))
    assert Tree(en).within("div", **{"class": "quote-text"}) == "Document"


def test_the_topic_root_is_not_quoted() -> None:
    root = msg(40, **{"from": SUPPORT}, forum_topic_created={"name": "T"}, message_thread_id=40)
    html = message_html(
        CHAT, msg(41, text="x", message_thread_id=40, reply_to_message=root), view()
    )
    assert "quote" not in html


@pytest.mark.parametrize(("lang", "label"), [("ru", "изменено"), ("en", "edited")])
def test_an_edited_message_says_so(lang: Lang, label: str) -> None:
    edited = message_html(CHAT, msg(50, text="v2", edit_date=DAY + 60), view(lang))
    assert Tree(edited).within("span", **{"class": "edited"}) == label
    assert Tree(edited).within("span", **{"class": "time"}) == "09:15"
    assert label not in message_html(CHAT, msg(50, text="v1"), view(lang))


def test_the_time_follows_the_view_zone() -> None:
    from zoneinfo import ZoneInfo

    html = message_html(CHAT, msg(1, text="x"), view(tz=ZoneInfo("Europe/Moscow")))
    assert Tree(html).within("span", **{"class": "time"}) == "12:15"


def test_reactions_are_chips() -> None:
    chosen = {
        51: [{"type": "emoji", "emoji": "👍"}, {"type": "custom_emoji", "custom_emoji_id": "1"}]
    }
    html = message_html(CHAT, msg(51, text="x"), view(reactions=lambda mid: chosen.get(mid, [])))
    assert Tree(html).within("span", **{"class": "reaction"}) == "👍★"
    assert "reaction" not in message_html(CHAT, msg(52, text="x"), view())


SERVICE = [
    (
        {"forum_topic_created": {"name": "Тикет #7", "icon_color": 1}},
        "Создана тема «Тикет #7»",
        "Topic “Тикет #7” created",
    ),
    (
        {"forum_topic_edited": {"name": "Тикет #7 [закрыт]"}},
        "Тема переименована в «Тикет #7 [закрыт]»",
        "Topic renamed to “Тикет #7 [закрыт]”",
    ),
    ({"forum_topic_closed": {}}, "Тема закрыта", "Topic closed"),
    ({"forum_topic_reopened": {}}, "Тема открыта снова", "Topic reopened"),
    (
        {"pinned_message": msg(3, text="Важно: график")},
        "Закреплено «Важно: график»",
        "Pinned “Важно: график”",
    ),
    ({"pinned_message": msg(3, photo=[{"file_id": "p"}])}, "Закреплено «Фото»", "Pinned “Photo”"),
    (
        {"new_chat_members": [ANNA, SUPPORT]},
        "Вступили в группу: Анна Смирнова, Support",
        "Анна Смирнова, Support joined the group",
    ),
    ({"chat_shared": {"request_id": 1, "chat_id": 5}}, "Выбран чат", "Chat shared"),
    (
        {"video_chat_started": {}},
        "служебное сообщение: video_chat_started",
        "service message: video_chat_started",
    ),
]


@pytest.mark.parametrize(("fields", "ru", "en"), SERVICE)
def test_service_messages_are_grey_lines(fields: dict[str, Any], ru: str, en: str) -> None:
    message = msg(60, **fields)
    cases: list[tuple[Lang, str]] = [("ru", ru), ("en", en)]
    for lang, expected in cases:
        html = message_html(CHAT, message, view(lang))
        tree = Tree(html)
        assert tree.starts[0][1]["class"] == "msg service"
        assert tree.text == expected
        assert "reply-btn" not in html


def test_a_day_separator_when_the_day_changes() -> None:
    later = DAY + 3600
    next_day = int(datetime(2026, 12, 1, 8, 0, tzinfo=UTC).timestamp())
    msgs = [msg(1, text="a"), msg(2, text="b", date=later), msg(3, text="c", date=next_day)]
    cases: list[tuple[Lang, list[str]]] = [
        ("ru", ["30 ноября", "1 декабря"]),
        ("en", ["30 November", "1 December"]),
    ]
    for lang, days in cases:
        html = messages_html(CHAT, msgs, view(lang))
        separators = re.findall(r'<div class="day"[^>]*>([^<]*)</div>', html)
        assert separators == days
        assert html.index(days[1]) > html.index(">b<") and html.index(days[1]) < html.index(">c<")
    continued = messages_html(CHAT, msgs[1:], view(), after_date=DAY)
    assert re.findall(r'<div class="day"[^>]*>([^<]*)</div>', continued) == ["1 декабря"]
    old = messages_html(CHAT, [msg(1, text="a", date=DAY - 365 * 86400), msgs[2]], view())
    assert "30 ноября 2025" in old and "1 декабря<" in old


# --------------------------------------------------------------------------- from the emulator


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[telegram.Bot]:
    b = telegram.Bot(emu.token, base_url=f"{emu.api_url}/bot")
    async with b:
        yield b


def emu_view(emu: BotApiEmulator, chat: int, me: int | None, lang: Lang = "ru") -> View:
    def reactions(mid: int) -> list[dict[str, Any]]:
        return emu.reactions(chat, mid)

    return View(
        lang=lang,
        me=me,
        bot_id=emu.bot_id,
        file_url=lambda fid: f"/file/{fid}",
        show_sender=chat < 0,
        reactions=reactions,
    )


HTML_SENT = (
    "Заявка 👋 <b>№1042 <i>срочно</i></b> — "
    '<a href="https://example.com/t?a=1&amp;b=2">открыть</a> '
    "<tg-spoiler>секрет</tg-spoiler> &lt;script&gt;\n"
    '<pre><code class="language-python">print("hi")</code></pre>'
    "<blockquote expandable>цитата <u>клиента</u></blockquote>"
)


async def test_a_private_chat_from_the_emulator(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    client = emu.add_user(first_name="Анна", last_name="<Смирнова>", language_code="ru")
    emu.send_text(client, client, "Привет, не работает 1С")
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Закрыть <тикет>", callback_data="close:1042")]]
    )
    sent = await bot.send_message(client, HTML_SENT, parse_mode="HTML", reply_markup=keyboard)
    await bot.set_message_reaction(client, sent.message_id, [ReactionTypeEmoji("👍")])
    await bot.edit_message_text(
        HTML_SENT + " (изменено)",
        client,
        sent.message_id,
        parse_mode="HTML",
        reply_markup=keyboard,
    )
    emu.send_photo(client, client, caption="скриншот", reply_to=sent.message_id)
    await bot.send_media_group(
        client,
        [
            InputMediaPhoto(b"one", caption="<b>два</b> фото", parse_mode="HTML"),
            InputMediaPhoto(b"two"),
        ],
    )

    msgs = emu.messages(client, include_service=True)
    html = messages_html(client, msgs, emu_view(emu, client, client))
    tree = Tree(html)
    assert classes(html, "msg") == 4  # the album is one bubble
    assert classes(html, "out") == 2 and classes(html, "in") == 2
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "sender" not in html  # a private chat: no names above bubbles

    body = message_html(
        client, emu.get_message(client, sent.message_id) or {}, emu_view(emu, client, client)
    )
    assert "<b>№1042 <i>срочно</i></b>" in body
    assert (
        '<a href="https://example.com/t?a=1&amp;b=2" target="_blank" '
        'rel="noopener noreferrer">открыть</a>'
    ) in body
    assert '<span class="spoiler">секрет</span>' in body
    assert '<pre><code class="language-python">print(&quot;hi&quot;)</code></pre>' in body
    assert '<blockquote class="expandable">цитата <u>клиента</u></blockquote>' in body
    assert "изменено</span>" in body and '<span class="reaction">👍</span>' in body
    (button,) = [b for b in Tree(body).all("button") if "data-button" in b]
    assert button["data-button"] == "Закрыть <тикет>"
    emu.press_button(client, client, sent.message_id, button["data-button"])  # the same text

    (quote,) = [a for _, a in tree.starts if a.get("class") == "quote"]
    assert quote["data-goto"] == f"m{client}-{sent.message_id}"
    assert tree.within("div", **{"class": "quote-text"}).startswith("Заявка 👋 №1042 срочно")
    imgs = tree.all("img")
    assert len(imgs) == 3
    largest = [m["photo"][-1]["file_id"] for m in msgs if "photo" in m]
    assert [i["src"] for i in imgs] == [f"/file/{fid}" for fid in largest]
    assert "<b>два</b> фото" in html and html.count("два") == 1


async def test_an_operator_topic_from_the_emulator(emu: BotApiEmulator, bot: telegram.Bot) -> None:
    group = emu.add_group(title="Support team", is_forum=True, bot_is_admin=True)
    engineer = emu.add_user(first_name="Мария", last_name="Иванова", language_code="ru")
    emu.add_member(group, engineer)
    topic = await bot.create_forum_topic(group, "Тикет #1042 — <Анна>")
    tid = topic.message_thread_id
    card = await bot.send_message(
        group, "<b>Новая заявка</b>", parse_mode="HTML", message_thread_id=tid
    )
    emu.send_text(group, engineer, "Беру", thread_id=tid, reply_to=card.message_id)
    await bot.forward_message(group, group, card.message_id, message_thread_id=tid)
    await bot.edit_forum_topic(group, tid, name="Тикет #1042 [закрыт]")
    await bot.close_forum_topic(group, tid)
    await bot.reopen_forum_topic(group, tid)

    msgs = emu.messages(group, thread_id=tid, include_service=True)
    cases: list[tuple[Lang, list[str]]] = [
        (
            "ru",
            [
                "Создана тема «Тикет #1042 — <Анна>»",
                "Тема переименована в «Тикет #1042 [закрыт]»",
                "Тема закрыта",
                "Тема открыта снова",
            ],
        ),
        (
            "en",
            [
                "Topic “Тикет #1042 — <Анна>” created",
                "Topic renamed to “Тикет #1042 [закрыт]”",
                "Topic closed",
                "Topic reopened",
            ],
        ),
    ]
    for lang, lines in cases:
        html = messages_html(group, msgs, emu_view(emu, group, engineer, lang))
        tree = Tree(html)
        assert tree.within("div", **{"class": "msg service"}) == "".join(lines)
        assert "<Анна>" not in html
    assert classes(html, "msg") == 7
    assert tree.within("div", **{"class": "sender bot"}) == "Support" * 2  # the card, the forward
    assert tree.within("div", **{"class": "quote-text"}) == "Новая заявка"  # only the real reply
    assert tree.within("div", **{"class": "forwarded"}) == "Forwarded from Support"
    assert classes(html, "out") == 1  # Мария's own message
