"""Telegram messages, as the Bot API gives them, turned into HTML fragments for the sandbox page.

Pure functions: a message dict (or a list of them) and a :class:`View` in, a string of safe
HTML out. Every value taken from a message is escaped; links keep only the http, https, tg and
mailto schemes.

Classes for the page's stylesheet: ``msg`` with ``in`` / ``out`` / ``service``; ``day``;
``sender`` (``bot``; ``data-color`` 0-6), ``forwarded``, ``quote`` with ``quote-name`` and
``quote-text``; ``media`` (``album``, ``blurred``) holding ``item``s with ``photo`` images,
``file`` links (plus the kind: ``document``, ``video``, ``audio``, ``voice``, ``animation``,
``sticker``, ``video_note``) or ``place`` lines (plus ``location``, ``venue``, ``contact``,
``poll``, ``dice``); ``text``; ``keyboard`` / ``row`` / ``btn``; ``footer`` with
``reactions`` / ``reaction``, ``edited``, ``time``; ``reply-btn``. Inside text: ``spoiler``,
``mention``, ``hashtag``, ``command``, ``phone`` spans and ``blockquote.expandable``.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from itertools import pairwise
from typing import Any, Literal

from emulator.state import CONTENT_KEYS, _is_service

__all__ = ["Lang", "View", "album_html", "entities_html", "message_html", "messages_html"]

Lang = Literal["ru", "en"]
Msg = Mapping[str, Any]

#: Keys that make a message a "content" message; a message with none of them is a service one.
#: Keys every message may carry, never the reason it is a service message.
_META_KEYS = frozenset(
    {
        "message_id",
        "from",
        "sender_chat",
        "chat",
        "date",
        "message_thread_id",
        "is_topic_message",
        "reply_to_message",
        "external_reply",
        "quote",
        "media_group_id",
        "edit_date",
        "reply_markup",
        "has_protected_content",
        "forward_origin",
        "author_signature",
        "via_bot",
        "entities",
        "caption",
        "caption_entities",
    }
)
_FILE_ICONS = {
    "document": "📄",
    "video": "🎬",
    "audio": "🎵",
    "voice": "🎤",
    "animation": "🎞",
    "sticker": "🖼",
    "video_note": "📹",
}
_SAFE_SCHEMES = frozenset({"http", "https", "tg", "mailto"})
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]")  # browsers drop these inside a scheme
_LANGUAGE = re.compile(r"[^\w+#.-]")
_MONTHS = {
    "ru": (
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
_TEXTS: dict[str, tuple[str, str]] = {  # key -> (ru, en); str.format fields
    "photo": ("Фото", "Photo"),
    "document": ("Документ", "Document"),
    "video": ("Видео", "Video"),
    "audio": ("Аудио", "Audio"),
    "voice": ("Голосовое сообщение", "Voice message"),
    "animation": ("GIF", "GIF"),
    "sticker": ("Стикер", "Sticker"),
    "video_note": ("Видеосообщение", "Video message"),
    "location": ("Геопозиция", "Location"),
    "venue": ("Место", "Venue"),
    "contact": ("Контакт", "Contact"),
    "poll": ("Опрос", "Poll"),
    "dice": ("Кубик", "Dice"),
    "message": ("Сообщение", "Message"),
    "reply": ("Ответить", "Reply"),
    "edited": ("изменено", "edited"),
    "forwarded": ("Переслано от {name}", "Forwarded from {name}"),
    "quoted": ("«{0}»", "“{0}”"),
    "topic_created": ("Создана тема {name}", "Topic {name} created"),
    "topic_renamed": ("Тема переименована в {name}", "Topic renamed to {name}"),
    "topic_icon": ("Изменена иконка темы", "Topic icon changed"),
    "topic_closed": ("Тема закрыта", "Topic closed"),
    "topic_reopened": ("Тема открыта снова", "Topic reopened"),
    "pinned": ("Закреплено {what}", "Pinned {what}"),
    "joined": ("Вступили в группу: {names}", "{names} joined the group"),
    "left": ("Покинул(а) группу: {name}", "{name} left the group"),
    "title": ("Название группы изменено на {name}", "Group renamed to {name}"),
    "chat_shared": ("Выбран чат", "Chat shared"),
    "users_shared": ("Выбраны пользователи", "Users shared"),
    "service": ("служебное сообщение: {key}", "service message: {key}"),
    "units": ("Б КБ МБ ГБ", "B KB MB GB"),
}
_QUOTE_CHARS = 100
_PIN_CHARS = 50


def _t(lang: Lang, label: str, /, *args: object, **kwargs: object) -> str:
    """The text ``label`` in ``lang``, formatted; plain text (escape it where it goes)."""
    ru, en = _TEXTS[label]
    return (ru if lang == "ru" else en).format(*args, **kwargs)


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _safe_url(url: str) -> str | None:
    """``url`` if its scheme is one a page may follow (no scheme means http), else None."""
    cleaned = _URL_NOISE.sub("", url)
    if not cleaned:
        return None
    m = _SCHEME.match(cleaned)
    if m is None:
        if ":" in cleaned.split("/", 1)[0]:
            return None
        return "http://" + cleaned.lstrip("/")
    return cleaned if m.group(1).lower() in _SAFE_SCHEMES else None


def _link_open(url: object, cls: str = "") -> str:
    """The opening ``<a>`` of an outside link ("" when the URL is missing or refused)."""
    safe = _safe_url(url) if isinstance(url, str) else None
    if safe is None:
        return ""
    klass = f' class="{cls}"' if cls else ""
    return f'<a{klass} href="{_esc(safe)}" target="_blank" rel="noopener noreferrer">'


# --------------------------------------------------------------------------- entities


@dataclass(frozen=True)
class _Span:
    start: int  # python indices into the text
    end: int
    key: tuple[int, int, int, int]  # outer first: start, longer, block-ness, given order
    open: str
    close: str


_SPAN_CLASS = {
    "spoiler": "spoiler",
    "mention": "mention",
    "text_mention": "mention",
    "hashtag": "hashtag",
    "cashtag": "hashtag",
    "bot_command": "command",
    "phone_number": "phone",
}
_SIMPLE_TAGS = {"bold": "b", "italic": "i", "underline": "u", "strikethrough": "s", "code": "code"}
#: Among entities over the same characters: blocks outermost, then links, code innermost.
_RANK = {
    "blockquote": 0,
    "expandable_blockquote": 0,
    "pre": 1,
    "text_link": 2,
    "url": 2,
    "email": 2,
    "code": 4,
}


def _tags(entity: Mapping[str, Any], covered: str) -> tuple[str, str]:
    """(opening, closing) markup of one entity; ("", "") when it adds none."""
    kind = entity.get("type")
    if kind in _SIMPLE_TAGS:
        tag = _SIMPLE_TAGS[str(kind)]
        return f"<{tag}>", f"</{tag}>"
    if kind in _SPAN_CLASS:
        user = entity.get("user")
        data = f' data-user="{_esc(user.get("id", ""))}"' if isinstance(user, Mapping) else ""
        return f'<span class="{_SPAN_CLASS[str(kind)]}"{data}>', "</span>"
    if kind == "pre":
        language = _LANGUAGE.sub("", str(entity.get("language") or ""))
        if language:
            return f'<pre><code class="language-{_esc(language)}">', "</code></pre>"
        return "<pre>", "</pre>"
    if kind in ("blockquote", "expandable_blockquote"):
        klass = ' class="expandable"' if kind == "expandable_blockquote" else ""
        return f"<blockquote{klass}>", "</blockquote>"
    if kind in ("text_link", "url", "email"):
        url = entity.get("url") if kind == "text_link" else covered
        if kind == "email":
            url = f"mailto:{covered}"
        opening = _link_open(url)
        return (opening, "</a>") if opening else ("", "")
    return "", ""  # custom_emoji (its text stands) and anything unknown


def entities_html(text: str, entities: Sequence[Mapping[str, Any]]) -> str:
    """Telegram text + entities (UTF-16 offsets) -> escaped HTML. Entities that overlap without
    nesting are closed and reopened around each other so the markup is always well-formed;
    newlines stay as they are (the page shows text with ``white-space: pre-wrap``)."""
    units = [0]  # UTF-16 offset of each python index
    for ch in text:
        units.append(units[-1] + (2 if ord(ch) > 0xFFFF else 1))
    spans: list[_Span] = []
    for n, entity in enumerate(entities):
        offset, length = entity.get("offset"), entity.get("length")
        if not isinstance(offset, int) or not isinstance(length, int) or length <= 0:
            continue
        start, end = bisect_left(units, max(offset, 0)), bisect_left(units, offset + length)
        start, end = min(start, len(text)), min(end, len(text))
        if start >= end:
            continue
        opening, closing = _tags(entity, text[start:end])
        if opening:
            rank = _RANK.get(str(entity.get("type")), 3)
            spans.append(_Span(start, end, (start, -end, rank, n), opening, closing))
    bounds = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    out: list[str] = []
    stack: list[_Span] = []
    for a, b in pairwise(bounds):
        want = sorted((s for s in spans if s.start <= a and b <= s.end), key=lambda s: s.key)
        keep = 0
        while keep < min(len(stack), len(want)) and stack[keep] is want[keep]:
            keep += 1
        out.extend(s.close for s in reversed(stack[keep:]))
        out.extend(s.open for s in want[keep:])
        stack = want
        out.append(_esc(text[a:b]))
    out.extend(s.close for s in reversed(stack))
    return "".join(out)


# --------------------------------------------------------------------------- the view


def _no_reactions(_message_id: int) -> Sequence[Mapping[str, Any]]:
    return ()


@dataclass(frozen=True)
class View:
    """Who looks at the chat and how: the labels' language, whose messages are "out", how a
    file_id becomes a URL, and the clock used for times and day separators."""

    lang: Lang  # the page's language for labels
    me: int | None  # user id of the person looking (their messages are "out")
    bot_id: int
    file_url: Callable[[str], str]  # file_id -> URL the browser can GET
    show_sender: bool  # group chats: the sender's name above the bubble
    reactions: Callable[[int], Sequence[Mapping[str, Any]]] = _no_reactions
    tz: tzinfo = UTC  # times (HH:MM) and day separators are in this zone


def _name(who: Any) -> str:
    """A user's "First Last", or a chat's title."""
    if not isinstance(who, Mapping):
        return ""
    if who.get("title"):
        return str(who["title"])
    return " ".join(str(who[k]) for k in ("first_name", "last_name") if who.get(k))


def _author(msg: Msg) -> Mapping[str, Any]:
    sender = msg.get("sender_chat") or msg.get("from")
    return sender if isinstance(sender, Mapping) else {}


def _clip(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _media_kind(msg: Msg) -> str | None:
    return next((k for k in CONTENT_KEYS if k != "text" and k in msg), None)


def _summary(msg: Msg, lang: Lang, limit: int) -> str:
    """One line of plain text standing for a message (its text, caption, or what it is)."""
    for key in ("text", "caption"):
        if msg.get(key):
            return _clip(str(msg[key]), limit)
    kind = _media_kind(msg)
    if kind is not None:
        return _t(lang, kind)
    if any(k not in _META_KEYS for k in msg):  # a service message
        return _clip(_service_text(msg, lang), limit)
    return _t(lang, "message")  # e.g. a pinned message the bot can no longer see


def _day(ts: int, view: View) -> datetime:
    return datetime.fromtimestamp(ts, view.tz)


def _size(n: int, lang: Lang) -> str:
    units = _t(lang, "units").split()
    value = float(n)
    unit = 0
    while value >= 1024 and unit < len(units) - 1:
        value /= 1024
        unit += 1
    shown = f"{value:.0f}" if unit == 0 or value >= 10 else f"{value:.1f}"
    if lang == "ru":
        shown = shown.replace(".", ",")
    return f"{shown} {units[unit]}"


def _duration(seconds: int) -> str:
    minutes, secs = divmod(seconds, 60)
    return f"{minutes}:{secs:02d}"


# --------------------------------------------------------------------------- service messages


def _service_text(msg: Msg, lang: Lang) -> str:
    """What a service message says, in plain text."""

    def quoted(value: object) -> str:
        return _t(lang, "quoted", value)

    created, edited = msg.get("forum_topic_created"), msg.get("forum_topic_edited")
    if isinstance(created, Mapping):
        return _t(lang, "topic_created", name=quoted(created.get("name", "")))
    if isinstance(edited, Mapping):
        if edited.get("name"):
            return _t(lang, "topic_renamed", name=quoted(edited["name"]))
        return _t(lang, "topic_icon")
    if "forum_topic_closed" in msg:
        return _t(lang, "topic_closed")
    if "forum_topic_reopened" in msg:
        return _t(lang, "topic_reopened")
    pinned = msg.get("pinned_message")
    if isinstance(pinned, Mapping):
        return _t(lang, "pinned", what=quoted(_summary(pinned, lang, _PIN_CHARS)))
    members = msg.get("new_chat_members")
    if isinstance(members, list) and members:
        return _t(lang, "joined", names=", ".join(_name(m) for m in members))
    if isinstance(msg.get("left_chat_member"), Mapping):
        return _t(lang, "left", name=_name(msg["left_chat_member"]))
    if msg.get("new_chat_title"):
        return _t(lang, "title", name=quoted(msg["new_chat_title"]))
    for key in ("chat_shared", "users_shared"):
        if key in msg:
            return _t(lang, key)
    key = next((k for k in msg if k not in _META_KEYS), "?")
    return _t(lang, "service", key=key)


def _service_html(chat_id: int, msg: Msg, view: View) -> str:
    mid = _esc(msg.get("message_id", ""))
    return (
        f'<div class="msg service" id="m{_esc(chat_id)}-{mid}" data-chat="{_esc(chat_id)}" '
        f'data-message="{mid}">{_esc(_service_text(msg, view.lang))}</div>'
    )


# --------------------------------------------------------------------------- bubble parts


def _sender_html(msg: Msg, view: View) -> str:
    author = _author(msg)
    uid = author.get("id")
    klass = "sender bot" if uid == view.bot_id else "sender"
    color = uid % 7 if isinstance(uid, int) else 0
    return f'<div class="{klass}" data-color="{color}">{_esc(_name(author))}</div>'


def _forward_html(msg: Msg, view: View) -> str:
    origin = msg.get("forward_origin")
    if not isinstance(origin, Mapping):
        return ""
    who = (
        _name(origin.get("sender_user"))
        or str(origin.get("sender_user_name") or "")
        or _name(origin.get("sender_chat"))
        or _name(origin.get("chat"))
    )
    return f'<div class="forwarded">{_esc(_t(view.lang, "forwarded", name=who))}</div>'


def _reply_html(chat_id: int, msg: Msg, view: View) -> str:
    """The quote of the replied-to message; none for the topic's own first message, which
    every message of a forum topic formally replies to."""
    target = msg.get("reply_to_message")
    if not isinstance(target, Mapping):
        return ""
    thread = msg.get("message_thread_id")
    if thread is not None and target.get("message_id") == thread:
        return ""
    quote = msg.get("quote")
    text = (
        _clip(str(quote["text"]), _QUOTE_CHARS)
        if isinstance(quote, Mapping) and quote.get("text")
        else _summary(target, view.lang, _QUOTE_CHARS)
    )
    goto = f"m{chat_id}-{target.get('message_id', '')}"
    return (
        f'<div class="quote" data-goto="{_esc(goto)}">'
        f'<div class="quote-name">{_esc(_name(_author(target)))}</div>'
        f'<div class="quote-text">{_esc(text)}</div></div>'
    )


def _file_html(kind: str, obj: Mapping[str, Any], view: View) -> str:
    """A download link for a non-photo file: icon, name, duration, size."""
    name = obj.get("file_name") or " — ".join(
        str(obj[k]) for k in ("performer", "title") if obj.get(k)
    )
    label = str(name or _t(view.lang, kind))
    if kind == "sticker" and obj.get("emoji"):
        label = f"{label} {obj['emoji']}"
    details = [label]
    if isinstance(obj.get("duration"), int) and kind != "sticker":
        details.append(_duration(obj["duration"]))
    if isinstance(obj.get("file_size"), int):
        details.append(_size(obj["file_size"], view.lang))
    href = _esc(view.file_url(str(obj.get("file_id", ""))))
    download = f' download="{_esc(name)}"' if name else " download"
    return (
        f'<a class="file {_esc(kind)}" href="{href}"{download}>'
        f"{_FILE_ICONS.get(kind, '📎')} {_esc(' · '.join(details))}</a>"
    )


def _photo_html(sizes: Sequence[Mapping[str, Any]], view: View) -> str:
    def area(size: Mapping[str, Any]) -> tuple[int, int]:
        return (int(size.get("width", 0)) * int(size.get("height", 0)), size.get("file_size", 0))

    largest = max(sizes, key=area)
    dims = "".join(
        f' {k}="{_esc(largest[k])}"'
        for k in ("width", "height")
        if isinstance(largest.get(k), int)
    )
    src = _esc(view.file_url(str(largest.get("file_id", ""))))
    return (
        f'<img class="photo" loading="lazy" src="{src}"'
        f' alt="{_esc(_t(view.lang, "photo"))}"{dims}>'
    )


def _media_html(msg: Msg, view: View) -> str:
    """The media of one message: an image, a file link, or a line for a place, contact..."""
    kind = _media_kind(msg)
    if kind is None:
        return ""
    obj = msg[kind]
    if kind == "photo" and isinstance(obj, list) and obj:
        return _photo_html(obj, view)
    if kind in _FILE_ICONS and isinstance(obj, Mapping):
        return _file_html(kind, obj, view)
    line = _t(view.lang, kind)
    if isinstance(obj, Mapping):
        extra = {
            "venue": obj.get("title"),
            "contact": " ".join(str(obj.get(k) or "") for k in ("first_name", "phone_number")),
            "poll": obj.get("question"),
            "dice": f"{obj.get('emoji', '')} {obj.get('value', '')}",
        }.get(kind)
        if extra and str(extra).strip():
            line = f"{line}: {str(extra).strip()}"
    return f'<div class="place {_esc(kind)}">{_esc(line)}</div>'


def _text_html(msg: Msg) -> str:
    for key, ents in (("text", "entities"), ("caption", "caption_entities")):
        if msg.get(key):
            entities = msg.get(ents)
            body = entities_html(str(msg[key]), entities if isinstance(entities, list) else [])
            return f'<div class="text">{body}</div>'
    return ""


def _keyboard_html(chat_id: int, msg: Msg) -> str:
    markup = msg.get("reply_markup")
    rows = markup.get("inline_keyboard") if isinstance(markup, Mapping) else None
    if not isinstance(rows, list) or not rows:
        return ""
    where = f'data-chat="{_esc(chat_id)}" data-message="{_esc(msg.get("message_id", ""))}"'
    out = ['<div class="keyboard">']
    for row in rows:
        out.append('<div class="row">')
        for button in row if isinstance(row, list) else []:
            text = _esc(button.get("text", ""))
            if "callback_data" in button:
                out.append(f'<button class="btn" {where} data-button="{text}">{text}</button>')
            elif opening := _link_open(button.get("url"), "btn"):
                out.append(f"{opening}{text} ↗</a>")
            else:
                out.append(f'<button class="btn" disabled>{text}</button>')
        out.append("</div>")
    out.append("</div>")
    return "".join(out)


def _footer_html(msgs: Sequence[Msg], view: View) -> str:
    last = msgs[-1]
    out = ['<div class="footer">']
    chips = [
        r.get("emoji", "") if r.get("type") == "emoji" else "★"
        for m in msgs
        for r in view.reactions(int(m.get("message_id", 0)))
    ]
    if chips:
        out.append(
            '<span class="reactions">'
            + "".join(f'<span class="reaction">{_esc(c)}</span>' for c in chips)
            + "</span>"
        )
    if any("edit_date" in m for m in msgs):
        out.append(f'<span class="edited">{_esc(_t(view.lang, "edited"))}</span>')
    if isinstance(last.get("date"), int):
        when = _day(last["date"], view)
        out.append(f'<span class="time" title="{when:%Y-%m-%d %H:%M}">{when:%H:%M}</span>')
    out.append("</div>")
    return "".join(out)


def _bubble(chat_id: int, msgs: Sequence[Msg], view: View) -> str:
    """One bubble for one message or an album (``msgs`` share a media_group_id)."""
    first = msgs[0]
    main = next((m for m in msgs if m.get("caption") or m.get("text")), first)
    author = _author(first)
    out_ = view.me is not None and author.get("id") == view.me
    mid = _esc(first.get("message_id", ""))
    ids = " ".join(_esc(m.get("message_id", "")) for m in msgs)
    album = f' data-messages="{ids}"' if len(msgs) > 1 else ""
    parts = [
        f'<div class="msg {"out" if out_ else "in"}" id="m{_esc(chat_id)}-{mid}" '
        f'data-chat="{_esc(chat_id)}" data-message="{mid}"{album}>'
    ]
    if view.show_sender and not out_:
        parts.append(_sender_html(first, view))
    parts.append(_forward_html(first, view))
    parts.append(_reply_html(chat_id, first, view))
    media = [(m, _media_html(m, view)) for m in msgs if _media_kind(m) is not None]
    if media:
        grid = " album" if len(media) > 1 else ""
        spoiler = " blurred" if any(m.get("has_media_spoiler") for m in msgs) else ""
        items = "".join(
            f'<div class="item" id="m{_esc(chat_id)}-{_esc(m.get("message_id", ""))}">{h}</div>'
            if m is not first
            else f'<div class="item">{h}</div>'
            for m, h in media
        )
        media_block = f'<div class="media{grid}{spoiler}">{items}</div>'
        text = _text_html(main)
        above = bool(main.get("show_caption_above_media"))
        parts.extend((text, media_block) if above else (media_block, text))
    else:
        parts.append(_text_html(main))
    parts.append(_keyboard_html(chat_id, main) if len(msgs) == 1 else "")
    parts.append(_footer_html(msgs, view))
    reply_to, label = _esc(main.get("message_id", "")), _esc(_t(view.lang, "reply"))
    parts.append(f'<button class="reply-btn" data-reply="{reply_to}">{label}</button>')
    parts.append("</div>")
    return "".join(parts)


# --------------------------------------------------------------------------- public API


def message_html(chat_id: int, msg: Mapping[str, Any], view: View) -> str:
    """One message: a bubble, or a centred grey line for a service message."""
    if _is_service(msg):
        return _service_html(chat_id, msg, view)
    return _bubble(chat_id, [msg], view)


def album_html(chat_id: int, msgs: Sequence[Mapping[str, Any]], view: View) -> str:
    """Messages of one media group as one bubble: a grid of media and the one caption."""
    if not msgs:
        return ""
    return _bubble(chat_id, msgs, view)


def _day_html(ts: int, view: View, newest_year: int) -> str:
    day = _day(ts, view)
    label = f"{day.day} {_MONTHS[view.lang][day.month - 1]}"
    if day.year != newest_year:
        label += f" {day.year}"
    return f'<div class="day" data-day="{day:%Y-%m-%d}">{_esc(label)}</div>'


def messages_html(
    chat_id: int,
    msgs: Sequence[Mapping[str, Any]],
    view: View,
    *,
    after_date: int | None = None,
) -> str:
    """A list of messages in order: consecutive messages of one media group become one album,
    a day separator goes before the first message of each day (none before the first one when
    ``after_date``, the date of the message shown just before the list, is the same day).
    The year is written for days not in the year of the newest message."""
    groups: list[list[Msg]] = []
    for msg in msgs:
        gid = msg.get("media_group_id")
        if groups and gid is not None and groups[-1][-1].get("media_group_id") == gid:
            groups[-1].append(msg)
        else:
            groups.append([msg])
    dates = [m["date"] for m in msgs if isinstance(m.get("date"), int)]
    newest_year = _day(max(dates), view).year if dates else 0
    shown = _day(after_date, view).date() if after_date is not None else None
    out: list[str] = []
    for group in groups:
        ts = group[0].get("date")
        if isinstance(ts, int) and _day(ts, view).date() != shown:
            shown = _day(ts, view).date()
            out.append(_day_html(ts, view, newest_year))
        if len(group) > 1:
            out.append(album_html(chat_id, group, view))
        else:
            out.append(message_html(chat_id, group[0], view))
    return "".join(out)
