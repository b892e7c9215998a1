"""The sandbox's web page: a client's private chat and the operator group, live.

Server-rendered HTML fragments (``sandbox/render.py``) and a small script
(``sandbox/static/page.js``) that swaps them in when the emulator's revision moves (server-sent
events). The page acts as Telegram users through the emulator's facade, in this process.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hmac
import html
import json
import mimetypes
import time
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import tornado.httpserver
import tornado.iostream
import tornado.web

from sandbox.render import View, messages_html
from sandbox.world import CLIENTS, ENGINEERS, Person

if TYPE_CHECKING:
    from sandbox.runner import Sandbox

STATIC = Path(__file__).parent / "static"
TYPING_SECONDS = 5.0  # how long a sendChatAction shows
IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
MAX_UPLOAD = 20 * 1024 * 1024
HEARTBEAT = 15.0
RETRY_AFTER = 3  # seconds the injected 429s ask the bot to wait

LABELS: dict[str, dict[str, str]] = {
    "ru": {
        "title": "Песочница службы поддержки",
        "client_chat": "Чат клиента с ботом",
        "group": "Группа инженеров",
        "acting_as": "Вы пишете как",
        "general": "General",
        "write": "Сообщение…",
        "send": "Отправить",
        "attach": "Файл",
        "commands": "Команды",
        "reply_to": "Ответ на сообщение",
        "cancel": "Отмена",
        "desk_time": "Время службы",
        "plus": "Вперёд на",
        "hours": "раб. часов",
        "days": "раб. дней",
        "faults": "Сбои Telegram",
        "inject_429": "429 на 3 следующих сообщения бота",
        "block": "Клиент заблокировал бота",
        "unblock": "Клиент разблокировал бота",
        "blocked": "заблокировал бота",
        "clear": "Убрать сбои",
        "typing": "печатает…",
        "admin": "админ",
        "no_messages": "Сообщений пока нет",
        "plain_mode": "Группа без тем: инженеры отвечают на сообщение заявки",
        "other_lang": "English",
    },
    "en": {
        "title": "Support desk sandbox",
        "client_chat": "The client's chat with the bot",
        "group": "Engineers' group",
        "acting_as": "You write as",
        "general": "General",
        "write": "Message…",
        "send": "Send",
        "attach": "File",
        "commands": "Commands",
        "reply_to": "Reply to a message",
        "cancel": "Cancel",
        "desk_time": "Desk time",
        "plus": "Forward by",
        "hours": "working hours",
        "days": "business days",
        "faults": "Telegram faults",
        "inject_429": "429 on the bot's next 3 messages",
        "block": "Client blocked the bot",
        "unblock": "Client unblocked the bot",
        "blocked": "blocked the bot",
        "clear": "Clear faults",
        "typing": "typing…",
        "admin": "admin",
        "no_messages": "No messages yet",
        "plain_mode": "A group without topics: engineers reply to the ticket's message",
        "other_lang": "Русский",
    },
}


def _lang(value: str | None) -> str:
    return "en" if value == "en" else "ru"


def _color(value: int) -> str:
    return f"#{value & 0xFFFFFF:06x}"


class Page:
    """The web server of one sandbox."""

    def __init__(self, sandbox: Sandbox, *, password: str | None = None) -> None:
        self.sandbox = sandbox
        self.password = password
        self.server: tornado.httpserver.HTTPServer | None = None
        self.host = "127.0.0.1"
        self.port = 0
        self.streams: set[EventsHandler] = set()
        self._wake = asyncio.Event()
        sandbox.emu.state.listeners.append(self.wake)

    def wake(self) -> None:
        """Wakes the event streams (the emulator changed, or one of them closed)."""
        self._wake.set()

    async def changed(self, since: int, timeout: float) -> int:  # noqa: ASYNC109
        """Waits until the emulator's revision moves past ``since`` (or ``timeout``)."""
        state = self.sandbox.emu.state
        deadline = time.monotonic() + timeout
        while state.revision == since:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), remaining)
        return state.revision

    # ------------------------------------------------------------------ serving

    def app(self) -> tornado.web.Application:
        init = {"page": self}
        return tornado.web.Application(
            [
                (r"/", IndexHandler, init),
                (r"/pane/client", ClientPaneHandler, init),
                (r"/pane/group", GroupPaneHandler, init),
                (r"/events", EventsHandler, init),
                (r"/api/send", SendHandler, init),
                (r"/api/upload", UploadHandler, init),
                (r"/api/press", PressHandler, init),
                (r"/api/clock", ClockHandler, init),
                (r"/api/fault", FaultHandler, init),
                (r"/api/commands", CommandsHandler, init),
                (r"/file/([^/]+)", FileHandler, init),
                (r"/static/(.*)", StaticHandler, {"path": str(STATIC), "password": self.password}),
            ],
            default_handler_class=NotFound,
            default_handler_args=init,
            log_function=lambda _h: None,
        )

    def listen(self, port: int, host: str) -> None:
        """Starts serving on ``host:port`` (0: any free port)."""
        server = tornado.httpserver.HTTPServer(self.app(), max_body_size=MAX_UPLOAD + 65536)
        sockets = tornado.netutil.bind_sockets(port, host)
        server.add_sockets(sockets)
        self.server = server
        self.host = host
        self.port = sockets[0].getsockname()[1]

    @property
    def url(self) -> str:
        host = self.host if ":" not in self.host else f"[{self.host}]"
        if host in ("0.0.0.0", "[::]"):
            host = "127.0.0.1"
        return f"http://{host}:{self.port}/"

    async def close(self) -> None:
        """Stops serving; open event streams end."""
        if self.server is not None:
            self.server.stop()
            for stream in list(self.streams):
                stream.closing = True
            self._wake.set()
            await self.server.close_all_connections()
            self.server = None
        with contextlib.suppress(ValueError):
            self.sandbox.emu.state.listeners.remove(self.wake)

    # ------------------------------------------------------------------ views

    def person(self, key: str | None, cast: tuple[Person, ...]) -> Person:
        """A member of ``cast`` by key; the first one for an unknown key."""
        for p in cast:
            if p.key == key:
                return p
        return cast[0]

    def view(self, lang: str, chat_id: int, me: int | None, *, group: bool) -> View:
        """How the page shows ``chat_id`` to the person ``me``, in the desk's time zone."""
        emu = self.sandbox.emu
        store = emu.state.reactions_store
        return View(
            lang="en" if lang == "en" else "ru",
            me=me,
            bot_id=emu.bot_id,
            file_url=lambda file_id: f"/file/{quote(file_id, safe='')}",
            show_sender=group,
            reactions=lambda mid: store.get((chat_id, mid), []),
            tz=self.sandbox.desk_settings.zone,
        )

    def typing(self, chat_id: int, thread_id: int | None = None) -> bool:
        """Whether the bot said it is typing into this chat in the last few seconds."""
        said = self.sandbox.emu.state.chat_actions.get((chat_id, thread_id))
        return said is not None and said[0] == "typing" and said[1] > time.time() - TYPING_SECONDS

    def client_pane(self, key: str | None, lang: str) -> str:
        """The client's private chat: header, messages, the bot's reply keyboard."""
        emu, world = self.sandbox.emu, self.sandbox.world
        label = LABELS[lang]
        client = self.person(key, CLIENTS)
        uid = world.user_id(client)
        user = emu.state.users[uid]
        msgs = emu.messages(uid, include_service=True) if uid in emu.state.chats else []
        parts = ['<div class="pane-head">']
        parts.append(f"<b>{html.escape(client.name)}</b> · {client.language}")
        if user.blocked:
            parts.append(f' · <span class="warn">{label["blocked"]}</span>')
        if self.typing(uid):
            parts.append(f' · <span class="typing">{label["typing"]}</span>')
        parts.append("</div>")
        parts.append(_messages(uid, msgs, self.view(lang, uid, uid, group=False), label))
        keyboard = emu.state.chats[uid].reply_keyboard if uid in emu.state.chats else None
        parts.append(_reply_keyboard(keyboard))
        return "".join(parts)

    def group_pane(self, engineer_key: str | None, topic: int | None, lang: str) -> str:
        """The operator group: topic list (forum) and the chosen topic's messages."""
        emu, world = self.sandbox.emu, self.sandbox.world
        label = LABELS[lang]
        engineer = self.person(engineer_key, ENGINEERS)
        chat = emu.state.chats[world.group_id]
        view = self.view(lang, world.group_id, world.user_id(engineer), group=True)
        parts: list[str] = []
        if world.forum:
            parts.append('<nav class="topics">')
            parts.append(_topic_link(None, label["general"], 0x8EEE98, topic is None, False))

            def topic_of(msg: dict[str, Any]) -> int | None:
                """The topic a message is in; None for General."""
                thread = msg.get("message_thread_id")
                return thread if thread in chat.topics else None

            last = {topic_of(msg): mid for mid, msg in chat.messages.items()}
            ordered = sorted(chat.topics.values(), key=lambda t: -last.get(t.thread_id, 0))
            for t in ordered:
                parts.append(
                    _topic_link(t.thread_id, t.name, t.icon_color, topic == t.thread_id, t.closed)
                )
            parts.append("</nav>")
            known = topic if topic in chat.topics else None
            msgs = [
                m
                for m in emu.messages(world.group_id, include_service=True)
                if topic_of(m) == known
            ]
        else:
            parts.append(f'<p class="hint">{label["plain_mode"]}</p>')
            known = None
            msgs = emu.messages(world.group_id, include_service=True)
        parts.append(_messages(world.group_id, msgs, view, label))
        if self.typing(world.group_id, known):
            parts.append(f'<div class="typing">{label["typing"]}</div>')
        return "".join(parts)


def _messages(chat_id: int, msgs: list[dict[str, Any]], view: View, label: dict[str, str]) -> str:
    """A chat's messages, or a line saying there are none yet."""
    inner = (
        messages_html(chat_id, msgs, view)
        if msgs
        else f'<p class="empty">{label["no_messages"]}</p>'
    )
    return f'<div class="messages" data-chat="{chat_id}">{inner}</div>'


def _topic_link(thread: int | None, name: str, color: int, active: bool, closed: bool) -> str:
    cls = "topic active" if active else "topic"
    closed_mark = ' <span class="lock">🔒</span>' if closed else ""
    return (
        f'<a class="{cls}" href="#" data-topic="{thread if thread is not None else ""}">'
        f'<span class="dot" style="background:{_color(color)}"></span>'
        f"{html.escape(name)}{closed_mark}</a>"
    )


def _reply_keyboard(markup: dict[str, Any] | None) -> str:
    rows = (markup or {}).get("keyboard") or []
    if not rows:
        return ""
    out = ['<div class="reply-keyboard">']
    for row in rows:
        out.append('<div class="row">')
        for button in row:
            text = button if isinstance(button, str) else str(button.get("text", ""))
            out.append(
                f'<button class="key" data-text="{html.escape(text)}">{html.escape(text)}</button>'
            )
        out.append("</div>")
    out.append("</div>")
    return "".join(out)


def guard(handler: tornado.web.RequestHandler, password: str | None) -> None:
    """Asks for the password (HTTP basic authentication) when the page has one."""
    if password is None:
        return
    header = handler.request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        with contextlib.suppress(ValueError, UnicodeDecodeError):
            _user, _, given = base64.b64decode(header[6:]).decode().partition(":")
            if hmac.compare_digest(given.encode(), password.encode()):
                return
    handler.set_status(401)
    handler.set_header("WWW-Authenticate", 'Basic realm="support-bot sandbox"')
    handler.finish("password required")


def number(value: Any, name: str) -> int:
    """A whole number from the page, or a 400 naming the field."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise tornado.web.HTTPError(400, f"{name} must be a number") from None


class Base(tornado.web.RequestHandler):
    """Every page request: the password when the page listens beyond loopback."""

    def initialize(self, page: Page) -> None:
        self.page = page

    @property
    def sandbox(self) -> Sandbox:
        return self.page.sandbox

    def prepare(self) -> None:
        guard(self, self.page.password)

    def check_xsrf_cookie(self) -> None:  # the page's own fetch calls; JSON bodies only
        return

    def lang(self) -> str:
        return _lang(self.get_query_argument("lang", None))

    def topic(self) -> int | None:
        """The forum topic the page shows (``?topic=``); None for General."""
        value = self.get_query_argument("topic", "")
        return int(value) if value.isdigit() else None

    def body(self) -> dict[str, Any]:
        try:
            data = json.loads(self.request.body or b"{}")
        except ValueError:
            raise tornado.web.HTTPError(400, "the body is not JSON") from None
        if not isinstance(data, dict):
            raise tornado.web.HTTPError(400, "the body is not a JSON object")
        return data

    def done(self, result: Any = True) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"ok": True, "result": result}, ensure_ascii=False))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        reason = self._reason
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, tornado.web.HTTPError) and exc.log_message:
            reason = exc.log_message
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"ok": False, "error": reason}, ensure_ascii=False))

    def who(self, data: dict[str, Any], cast: tuple[Person, ...]) -> int:
        key = data.get("who")
        for p in cast:
            if p.key == key:
                return self.sandbox.world.user_id(p)
        raise tornado.web.HTTPError(400, f"unknown person {key!r}")

    def place(self, data: dict[str, Any]) -> tuple[int, int, dict[str, Any]]:
        """Who writes, into which chat, and the topic or reply it goes with."""
        world = self.sandbox.world
        extra: dict[str, Any] = {}
        reply = data.get("reply_to")
        if reply:
            extra["reply_to"] = number(reply, "reply_to")
        if data.get("where") == "group":
            user = self.who(data, ENGINEERS)
            topic = data.get("topic")
            if world.forum and topic:
                extra["thread_id"] = number(topic, "topic")
            return world.group_id, user, extra
        user = self.who(data, CLIENTS)
        return user, user, extra


class NotFound(Base):
    def prepare(self) -> None:
        super().prepare()
        if not self._finished:
            raise tornado.web.HTTPError(404, "not found")


class IndexHandler(Base):
    def get(self) -> None:
        lang = self.lang()
        label = LABELS[lang]
        client = self.get_query_argument("client", CLIENTS[0].key)
        engineer = self.get_query_argument("as", ENGINEERS[0].key)
        topic = self.topic()

        def options(cast: tuple[Person, ...], chosen: str, *, clients: bool) -> str:
            out = []
            for p in cast:
                note = ""
                if clients:
                    note = f" ({p.language}{', ' + p.organization if p.organization else ''})"
                elif p.admin:
                    note = f" ({label['admin']})"
                selected = " selected" if p.key == chosen else ""
                out.append(
                    f'<option value="{p.key}"{selected}>{html.escape(p.name + note)}</option>'
                )
            return "".join(out)

        config = {"lang": lang, "client": client, "engineer": engineer, "topic": topic}
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(
            _SHELL.format(
                lang=lang,
                title=label["title"],
                config=html.escape(json.dumps(config, ensure_ascii=False)),
                client_chat=label["client_chat"],
                group=label["group"],
                acting_as=label["acting_as"],
                client_options=options(CLIENTS, client, clients=True),
                engineer_options=options(ENGINEERS, engineer, clients=False),
                client_pane=self.page.client_pane(client, lang),
                group_pane=self.page.group_pane(engineer, topic, lang),
                client_composer=composer("client", label),
                group_composer=composer("group", label),
                desk_time=label["desk_time"],
                now=html.escape(desk_time(self.sandbox, lang)),
                plus=label["plus"],
                hours=label["hours"],
                days=label["days"],
                faults=label["faults"],
                inject_429=label["inject_429"],
                block=label["block"],
                unblock=label["unblock"],
                clear=label["clear"],
                other_lang=label["other_lang"],
                other_lang_code="en" if lang == "ru" else "ru",
            )
        )


WEEKDAYS = {
    "ru": ("пн", "вт", "ср", "чт", "пт", "сб", "вс"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}


def desk_time(sandbox: Sandbox, lang: str) -> str:
    """The desk's clock in its own zone, as the panel shows it: ``01.12.2026 10:30 вт``."""
    moment = sandbox.clock.now().astimezone(sandbox.desk_settings.zone)
    return f"{moment:%d.%m.%Y %H:%M} {WEEKDAYS[lang][moment.weekday()]}"


class ClientPaneHandler(Base):
    def get(self) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("X-Desk-Time", quote(desk_time(self.sandbox, self.lang())))
        self.finish(self.page.client_pane(self.get_query_argument("client", None), self.lang()))


class GroupPaneHandler(Base):
    def get(self) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(
            self.page.group_pane(self.get_query_argument("as", None), self.topic(), self.lang())
        )


class EventsHandler(Base):
    """Server-sent events: the emulator's revision, each time it moves."""

    closing = False

    async def get(self) -> None:
        self.set_header("Content-Type", "text/event-stream")
        self.set_header("Cache-Control", "no-cache")
        self.page.streams.add(self)
        try:
            revision = -1
            while not self.closing:
                current = self.sandbox.emu.state.revision
                if current != revision:
                    revision = current
                    self.write(f"data: {revision}\n\n")
                else:
                    self.write(": still here\n\n")
                await self.flush()
                await self.page.changed(revision, HEARTBEAT)
        except tornado.iostream.StreamClosedError:
            pass
        finally:
            self.page.streams.discard(self)

    def on_connection_close(self) -> None:
        self.closing = True
        self.page.wake()


class SendHandler(Base):
    def post(self) -> None:
        data = self.body()
        chat_id, user, extra = self.place(data)
        text = str(data.get("text", "")).strip()
        if not text:
            raise tornado.web.HTTPError(400, "empty message")
        emu = self.sandbox.emu
        if text.startswith("/"):
            msg = emu.send_command(chat_id, user, text, **extra)
        else:
            msg = emu.send_text(chat_id, user, text, **extra)
        self.done({"message_id": msg["message_id"]})


class UploadHandler(Base):
    """Photos and documents from the page; several files at once are an album."""

    def post(self) -> None:
        fields = {k: self.get_body_argument(k, "") for k in ("who", "where", "topic", "reply_to")}
        chat_id, user, extra = self.place(dict(fields))
        caption = self.get_body_argument("caption", "").strip() or None
        files = self.request.files.get("file", [])
        if not files:
            raise tornado.web.HTTPError(400, "no file")
        emu = self.sandbox.emu
        items = []
        for f in files:
            kind = "photo" if f.content_type in IMAGE_TYPES else "document"
            name = Path(f.filename or "file").name
            items.append((kind, name, f.body, f.content_type))
        group = emu.state.new_media_group_id() if len(items) > 1 else None
        sent = []
        for n, (kind, name, body, mime) in enumerate(items):
            common: dict[str, Any] = {
                "caption": caption if n == 0 else None,
                "data": body,
                "media_group_id": group,
                **extra,
            }
            if kind == "photo":
                sent.append(emu.send_photo(chat_id, user, **common))
            else:
                sent.append(
                    emu.send_document(chat_id, user, file_name=name, mime_type=mime, **common)
                )
        self.done({"message_ids": [m["message_id"] for m in sent]})


class PressHandler(Base):
    def post(self) -> None:
        data = self.body()
        cast = ENGINEERS if data.get("where") == "group" else CLIENTS
        user = self.who(data, cast)
        try:
            qid = self.sandbox.emu.press_button(
                int(data["chat_id"]), user, int(data["message_id"]), str(data["button"])
            )
        except (KeyError, ValueError, AssertionError) as exc:
            raise tornado.web.HTTPError(400, f"cannot press: {exc}") from None
        self.done({"callback_query_id": qid})


class ClockHandler(Base):
    """Moves the desk's clock by working hours or business days."""

    def post(self) -> None:
        data = self.body()
        amount = number(data.get("amount", 0), "amount")
        unit = data.get("unit")
        if not 0 < amount <= 60 or unit not in ("hours", "days"):
            raise tornado.web.HTTPError(400, "amount 1..60 of hours or days")
        sandbox = self.sandbox
        calendar = sandbox.desk_settings.calendar
        now = sandbox.clock.now()
        if unit == "hours":
            target = calendar.add_working_time(now, timedelta(hours=amount))
        else:
            target = calendar.add_business_days(now, amount)
        sandbox.advance(target - now)
        self.done({"desk_time": desk_time(sandbox, self.lang())})


class FaultHandler(Base):
    def post(self) -> None:
        data = self.body()
        kind = data.get("kind")
        emu = self.sandbox.emu
        if kind == "429":
            emu.inject_error(
                "sendMessage",
                429,
                f"Too Many Requests: retry after {RETRY_AFTER}",
                retry_after=RETRY_AFTER,
                times=3,
            )
        elif kind in ("block", "unblock"):
            user = self.who(data, CLIENTS)
            if kind == "block":
                emu.block_bot(user)
            else:
                emu.unblock_bot(user)
        elif kind == "clear":
            emu.clear_faults()
        else:
            raise tornado.web.HTTPError(400, f"unknown fault {kind!r}")
        emu.state.changed()
        self.done()


class CommandsHandler(Base):
    """The bot's command menu where the person writes, in their language."""

    def get(self) -> None:
        emu, world = self.sandbox.emu, self.sandbox.world
        where = self.get_query_argument("where", "client")
        key = self.get_query_argument("who", "")
        if where == "group":
            person = self.page.person(key, ENGINEERS)
            scope: dict[str, Any] = {"type": "chat", "chat_id": world.group_id}
        else:
            person = self.page.person(key, CLIENTS)
            scope = {"type": "all_private_chats"}
        found = emu.commands(scope, person.language) or emu.commands(scope, "")
        self.done(found or emu.commands())


class FileHandler(Base):
    def get(self, file_id: str) -> None:
        stored = self.sandbox.emu.state.files.get(file_id)
        if stored is None:
            raise tornado.web.HTTPError(404, "no such file")
        obj = stored.obj if isinstance(stored.obj, dict) else {}
        name = str(obj.get("file_name") or stored.file_path.rsplit("/", 1)[-1])
        mime = _sniff(stored.data) or obj.get("mime_type") or mimetypes.guess_type(name)[0]
        self.set_header("Content-Type", mime or "application/octet-stream")
        self.set_header("Content-Disposition", f"inline; filename*=UTF-8''{quote(name)}")
        self.finish(stored.data)


_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
)


def _sniff(data: bytes) -> str | None:
    """The image type of an upload by its first bytes (Telegram recompresses photos; the
    emulator keeps them as they came)."""
    for head, mime in _SIGNATURES:
        if data.startswith(head):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


class StaticHandler(tornado.web.StaticFileHandler):
    def initialize(self, path: str, password: str | None = None) -> None:  # type: ignore[override]
        super().initialize(path)
        self.password = password

    def prepare(self) -> None:
        guard(self, self.password)

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-cache")


_SHELL = (STATIC / "shell.html").read_text(encoding="utf-8")
_COMPOSER = (STATIC / "composer.html").read_text(encoding="utf-8")


def composer(where: str, label: dict[str, str]) -> str:
    """The input row under a chat: reply indicator, command menu, attach, text, send."""
    keys = ("reply_to", "cancel", "commands", "attach", "write", "send")
    return _COMPOSER.format(where=where, **{k: label[k] for k in keys})
