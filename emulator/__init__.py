"""A Telegram Bot API emulator for end-to-end tests.

The real bot (python-telegram-bot) talks to it over loopback HTTP; tests act as Telegram users
through :class:`BotApiEmulator` and read what every chat shows.

    emu = BotApiEmulator()
    await emu.start()
    bot = telegram.Bot(emu.token, base_url=f"{emu.api_url}/bot",
                       base_file_url=f"{emu.api_url}/file/bot")

Telegram misbehaving (see "faults" below and :mod:`emulator.faults`): ``inject_error``
(429 storms, 5xx), ``inject_delay``, ``refuse_connections``/``accept_connections``, ``hang``,
``inject_lost_answer``, ``inject_late_answer``, ``hold``, ``repeat_update``/``redeliver``,
``push_raw_update``, ``clear_faults``.
"""

from __future__ import annotations

import asyncio
import copy
import json
import time
from collections.abc import Callable, Iterable
from typing import Any

from .faults import HangWindow, Hold, unparseable_update
from .html_entities import EntityParseError, parse_html, parse_markdown_v2, utf16_len
from .state import ApiError, EmulatorState, UploadedFile, _is_service

__all__ = [
    "ApiError",
    "BotApiEmulator",
    "EntityParseError",
    "HangWindow",
    "Hold",
    "UploadedFile",
    "buttons",
    "parse_html",
    "parse_markdown_v2",
    "text_of",
    "unparseable_update",
    "utf16_len",
]

JsonDict = dict[str, Any]

_FAKE_DATA = {
    "photo": b"\xff\xd8\xff\xe0fake-jpeg",
    "document": b"fake document",
    "video": b"\x00\x00\x00\x18ftypmp42fake-video",
    "audio": b"ID3fake-audio",
    "voice": b"OggSfake-voice",
    "animation": b"\x00\x00\x00\x18ftypmp42fake-gif",
    "sticker": b"RIFFfakeWEBP",
    "video_note": b"\x00\x00\x00\x18ftypmp42fake-note",
}

# What a user sends that carries no file: a venue, a dice roll, a poll.
_PLAIN_CONTENT: dict[str, JsonDict] = {
    "venue": {
        "location": {"latitude": 55.7539, "longitude": 37.6208},
        "venue": {
            "location": {"latitude": 55.7539, "longitude": 37.6208},
            "title": "Красная площадь",
            "address": "Москва, Красная площадь, 1",
        },
    },
    "dice": {"dice": {"emoji": "🎲", "value": 4}},
    "poll": {
        "poll": {
            "id": "5001",
            "question": "Когда обновление?",
            "options": [
                {"persistent_id": "1", "text": "Сегодня", "voter_count": 0},
                {"persistent_id": "2", "text": "Завтра", "voter_count": 0},
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
            "allows_revoting": False,
            "members_only": False,
        }
    },
}


def text_of(msg: JsonDict | None) -> str:
    """The message text, else its caption, else ``""``."""
    if not msg:
        return ""
    return str(msg.get("text") or msg.get("caption") or "")


def buttons(msg: JsonDict | None) -> list[str]:
    """Texts of the inline keyboard buttons of ``msg``, row-major."""
    if not msg:
        return []
    rows = (msg.get("reply_markup") or {}).get("inline_keyboard") or []
    return [str(b.get("text", "")) for row in rows for b in row]


class BotApiEmulator:
    """Test-facing facade: world building, acting as users, reading chats, HTTP server."""

    def __init__(
        self,
        token: str = "123456:TEST",
        bot_username: str = "support_test_bot",
        bot_first_name: str = "Support",
    ) -> None:
        self.state = EmulatorState(token, bot_username, bot_first_name)
        self._server: Any = None

    # ------------------------------------------------------------------ server

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        from .server import EmulatorServer

        self.state.closing = False
        self.state.shutdown_event = asyncio.Event()  # bound to this loop
        self._server = EmulatorServer(self)
        await self._server.start(host, port)

    async def stop(self) -> None:
        """Stops serving: long polls return, requests parked by a fault are dropped, the
        connections are closed and the requests in flight have ended when it returns."""
        self.state.closing = True
        self.state.shutdown_event.set()
        self.state.wake()
        if self._server is not None:
            await self._server.stop()
            self._server = None

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def api_url(self) -> str:
        if self._server is None:
            raise RuntimeError("emulator is not started")
        return f"http://{self._server.host}:{self._server.port}"

    @property
    def token(self) -> str:
        return self.state.token

    @property
    def bot_id(self) -> int:
        return self.state.bot_id

    @property
    def bot_username(self) -> str:
        return self.state.bot.username or ""

    # ------------------------------------------------------------------ world

    def add_user(
        self,
        first_name: str = "User",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        **kwargs: Any,
    ) -> int:
        return self.state.add_user(first_name, last_name, username, language_code, **kwargs)

    def add_group(
        self,
        title: str = "Group",
        is_forum: bool = False,
        bot_is_admin: bool = True,
        can_manage_topics: bool = True,
        **kwargs: Any,
    ) -> int:
        return self.state.add_group(title, is_forum, bot_is_admin, can_manage_topics, **kwargs)

    def add_member(self, chat_id: int, user_id: int, status: str = "member") -> None:
        self.state.add_member(chat_id, user_id, status)

    def set_bot_status(self, chat_id: int, status: str, **rights: bool) -> None:
        self.state.set_bot_status(chat_id, status, **rights)

    def block_bot(self, user_id: int) -> None:
        self.state.block_bot(user_id, True)

    def unblock_bot(self, user_id: int) -> None:
        self.state.block_bot(user_id, False)

    # ------------------------------------------------------------------ errors & limits

    def inject_error(
        self,
        method: str,
        error_code: int,
        description: str,
        *,
        retry_after: int | None = None,
        times: int = 1,
        when: Callable[[JsonDict], bool] | None = None,
    ) -> None:
        """Answer the next ``times`` requests of ``method`` (matching ``when(params)``) with
        a Bot API error, without processing them: HTTP status ``error_code`` and the JSON
        body ``{"ok": false, "error_code", "description", "parameters"?: {"retry_after"}}``.

        A 429 storm: ``inject_error("sendMessage", 429, "Too Many Requests: retry after 5",
        retry_after=5, times=50)`` (PTB: ``RetryAfter``). A 5xx: ``inject_error(m, 502,
        "Bad Gateway")`` or ``500, "Internal Server Error"`` (PTB: ``NetworkError`` whose
        message is the description and whose ``__cause__`` is ``None``)."""
        self.state.inject_error(
            method, error_code, description, retry_after=retry_after, times=times, when=when
        )

    def inject_delay(
        self,
        method: str,
        seconds: float,
        times: int = 1,
        when: Callable[[JsonDict], bool] | None = None,
    ) -> None:
        """Wait ``seconds`` before processing the next ``times`` requests of ``method``
        (processed even if the client gave up meanwhile; not if the emulator stops)."""
        self.state.inject_delay(method, seconds, times, when)

    # ------------------------------------------------------------------ faults
    #
    # How each fault looks from python-telegram-bot (HTTPXRequest):
    #   refused connection  -> NetworkError("httpx.ConnectError: ..."), __cause__ ConnectError
    #   hang / late answer  -> TimedOut, __cause__ httpx.ReadTimeout (the client's read timeout)
    #   lost answer, hold dropped, connection cut
    #                       -> NetworkError("httpx.RemoteProtocolError: Server disconnected
    #                          without sending a response."), __cause__ RemoteProtocolError
    #   5xx inject_error    -> NetworkError("<description>"), no __cause__ (the JSON body
    #                          parsed; a non-JSON body would chain a TelegramError)
    #   429 inject_error    -> RetryAfter (retry_after from "parameters")

    def refuse_connections(self, seconds: float | None = None) -> None:
        """Telegram unreachable: stop listening and close every open connection now.

        Keep-alive connections, long polls and requests parked by other faults end at once
        (the clients see the server disconnect); new connections are refused, so the next
        requests fail with ``httpx.ConnectError`` (PTB: ``NetworkError`` caused by it): the
        request certainly never reached Telegram. After ``seconds`` (``None``: only on
        :meth:`accept_connections` or :meth:`stop`) the emulator listens again on the same
        host and port.
        """
        if self._server is None:
            raise RuntimeError("emulator is not started")
        self._server.refuse(seconds)
        self.state.fault_log.append(("refuse", "", {"seconds": seconds}))

    def accept_connections(self) -> None:
        """Ends :meth:`refuse_connections`: listen again on the same host and port."""
        if self._server is None:
            raise RuntimeError("emulator is not started")
        self._server.accept()

    @property
    def refusing(self) -> bool:
        """Connections are being refused (:meth:`refuse_connections`)."""
        return self._server is not None and self._server.refusing

    def hang(
        self,
        seconds: float,
        *,
        methods: set[str] | None = None,
        except_methods: Iterable[str] = ("getUpdates",),
    ) -> HangWindow:
        """A hanging outage for ``seconds`` from now.

        Every request of ``methods`` (all methods if ``None``; names in any case) except
        ``except_methods`` that arrives during the window is accepted and recorded in
        :attr:`calls`, but never processed: it is held until the window ends, then its
        connection is closed without an answer. A client with a shorter read timeout sees
        ``TimedOut`` (its request certainly did nothing); a longer one sees the server
        disconnect. getUpdates keeps working by default. Returns the window
        (``window.end()`` ends it early; ``window.held`` counts the requests it caught).
        """
        return self.state.hang(seconds, methods=methods, except_methods=except_methods)

    def inject_lost_answer(
        self,
        method: str,
        *,
        times: int = 1,
        when: Callable[[JsonDict], bool] | None = None,
    ) -> None:
        """The next ``times`` successful requests of ``method`` (matching ``when(params)``)
        are processed - the message is in the chat - but their connection is then closed
        without an answer: the client sees a broken connection (PTB: ``NetworkError`` caused
        by ``httpx.RemoteProtocolError``) and cannot know the message arrived. Requests that
        fail (400, 429...) are answered normally and do not count."""
        self.state.inject_lost_answer(method, times=times, when=when)

    def inject_late_answer(
        self,
        method: str,
        seconds: float,
        *,
        times: int = 1,
        when: Callable[[JsonDict], bool] | None = None,
    ) -> None:
        """The next ``times`` successful requests of ``method`` are processed at once, and
        their answer is written only after ``seconds``. With ``seconds`` above the client's
        read timeout the client gives up (PTB: ``TimedOut``) while the message did arrive.
        Unlike :meth:`inject_delay` (which waits *before* processing), the effect is visible
        in the chat at once."""
        self.state.inject_late_answer(method, seconds, times=times, when=when)

    def hold(
        self,
        method: str,
        *,
        when: Callable[[JsonDict], bool] | None = None,
        timeout: float = 60.0,
    ) -> Hold:
        """Hold back the answer to the next successful request of ``method``.

        The request is processed (the message is in the chat: Telegram accepted it) and its
        answer waits for ``hold.release()``. ``await hold.arrived()`` /
        ``await hold.wait_arrived(timeout)`` return (the result) once such a request was
        processed: the moment to SIGKILL a bot "after Telegram accepted the send but before
        the bot recorded it". If the client disconnects while held, or ``timeout`` seconds
        pass, or the emulator stops, the connection is closed without an answer
        (``hold.outcome == "dropped"``).
        """
        return self.state.hold(method, when=when, timeout=timeout)

    def clear_faults(self) -> None:
        """Back to a healthy Telegram: pending injections (errors, delays, lost and late
        answers, unused holds) are forgotten, hang windows end (their requests are dropped),
        held answers are released and connections are accepted again."""
        self.state.clear_faults()
        if self._server is not None and self._server.refusing:
            self._server.accept()

    @property
    def fault_log(self) -> list[tuple[str, str, JsonDict]]:
        """``(kind, method, params)`` of every fault applied so far: ``refuse``, ``hang``,
        ``lost``, ``late``, ``hold`` (injected errors and delays are not listed)."""
        return self.state.fault_log

    def faults_snapshot(self) -> JsonDict:
        """What is armed now (for the control API)."""
        s = self.state
        return {
            "refusing": self.refusing,
            "hangs": [
                {"remaining": round(w.remaining(), 3), "held": w.held} for w in s.hangs if w.active
            ],
            "holds": [
                {
                    "hold_id": h.id,
                    "method": h.method,
                    "arrived": h.is_arrived,
                    "outcome": h.outcome,
                }
                for h in s.holds.values()
            ],
            "injections": [
                {"method": i.method, "kind": i.kind, "remaining": i.remaining}
                for i in s.injections
            ],
            "log": [{"kind": k, "method": m} for k, m, _p in s.fault_log[-50:]],
        }

    def enforce_limits(
        self,
        per_chat_per_second: int = 1,
        per_group_per_minute: int = 20,
        global_per_second: int = 30,
    ) -> None:
        self.state.enforce_limits(per_chat_per_second, per_group_per_minute, global_per_second)

    def disable_limits(self) -> None:
        self.state.disable_limits()

    # ------------------------------------------------------------------ acting as users

    def send_text(
        self,
        chat_id: int,
        from_user: int,
        text: str,
        *,
        entities: list[JsonDict] | None = None,
        reply_to: int | None = None,
        thread_id: int | None = None,
    ) -> JsonDict:
        content: JsonDict = {"text": text}
        if entities:
            content["entities"] = copy.deepcopy(entities)
        return self.state.user_message(
            chat_id, from_user, content, reply_to=reply_to, thread_id=thread_id
        )

    def send_command(
        self,
        chat_id: int,
        from_user: int,
        command: str,
        *,
        thread_id: int | None = None,
        reply_to: int | None = None,
    ) -> JsonDict:
        if not command.startswith("/"):
            command = "/" + command
        word = command.split(maxsplit=1)[0] if command.strip() else command
        entity = {"type": "bot_command", "offset": 0, "length": utf16_len(word)}
        return self.send_text(
            chat_id, from_user, command, entities=[entity], reply_to=reply_to, thread_id=thread_id
        )

    def _media_message(
        self,
        chat_id: int,
        from_user: int,
        kind: str,
        data: bytes | None,
        *,
        caption: str | None = None,
        file_name: str | None = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
        media_group_id: str | None = None,
        mime_type: str | None = None,
    ) -> JsonDict:
        obj = self.state.make_media(
            kind,
            _FAKE_DATA.get(kind, b"data") if data is None else data,
            file_name=file_name,
            mime_type=mime_type,
        )
        content: JsonDict = {kind: obj}
        if caption:
            content["caption"] = caption
        return self.state.user_message(
            chat_id,
            from_user,
            content,
            reply_to=reply_to,
            thread_id=thread_id,
            media_group_id=media_group_id,
        )

    def send_photo(
        self,
        chat_id: int,
        from_user: int,
        *,
        caption: str | None = None,
        data: bytes | None = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
        media_group_id: str | None = None,
    ) -> JsonDict:
        return self._media_message(
            chat_id,
            from_user,
            "photo",
            data,
            caption=caption,
            thread_id=thread_id,
            reply_to=reply_to,
            media_group_id=media_group_id,
        )

    def send_document(
        self,
        chat_id: int,
        from_user: int,
        *,
        file_name: str = "log.txt",
        data: bytes | None = None,
        caption: str | None = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
        media_group_id: str | None = None,
        mime_type: str | None = None,
    ) -> JsonDict:
        return self._media_message(
            chat_id,
            from_user,
            "document",
            data,
            caption=caption,
            file_name=file_name,
            thread_id=thread_id,
            reply_to=reply_to,
            media_group_id=media_group_id,
            mime_type=mime_type,
        )

    def send_media(
        self,
        chat_id: int,
        from_user: int,
        kind: str,
        *,
        caption: str | None = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
        data: bytes | None = None,
    ) -> JsonDict:
        """``kind``: voice, video, audio, animation, sticker, video_note, location, venue,
        contact, dice, poll (also photo, document)."""
        if kind in _PLAIN_CONTENT:
            return self.state.user_message(
                chat_id,
                from_user,
                copy.deepcopy(_PLAIN_CONTENT[kind]),
                reply_to=reply_to,
                thread_id=thread_id,
            )
        if kind == "location":
            content: JsonDict = {"location": {"latitude": 55.751244, "longitude": 37.618423}}
            return self.state.user_message(
                chat_id, from_user, content, reply_to=reply_to, thread_id=thread_id
            )
        if kind == "contact":
            user = self.state.users[from_user]
            contact = {
                "phone_number": "+79990001122",
                "first_name": user.first_name,
                "user_id": user.id,
            }
            if user.last_name:
                contact["last_name"] = user.last_name
            return self.state.user_message(
                chat_id, from_user, {"contact": contact}, reply_to=reply_to, thread_id=thread_id
            )
        file_names = {
            "audio": "track.mp3",
            "animation": "animation.mp4",
            "video": "video.mp4",
            "document": "file.bin",
        }
        if kind not in _FAKE_DATA:
            raise ValueError(f"unsupported media kind {kind!r}")
        return self._media_message(
            chat_id,
            from_user,
            kind,
            data,
            caption=caption if kind not in ("sticker", "video_note") else None,
            file_name=file_names.get(kind),
            thread_id=thread_id,
            reply_to=reply_to,
        )

    def send_album(
        self,
        chat_id: int,
        from_user: int,
        items: Iterable[tuple[str, bytes | None, str | None]],
        *,
        thread_id: int | None = None,
    ) -> list[JsonDict]:
        group_id = self.state.new_media_group_id()
        out = []
        for n, (kind, data, caption) in enumerate(items):
            out.append(
                self._media_message(
                    chat_id,
                    from_user,
                    kind,
                    data,
                    caption=caption,
                    file_name=f"file{n + 1}.bin" if kind == "document" else None,
                    thread_id=thread_id,
                    media_group_id=group_id,
                )
            )
        return out

    def send_forward(
        self, chat_id: int, from_user: int, text: str, *, sender_name: str = "Скрытый"
    ) -> JsonDict:
        """`from_user` forwards a text whose author hides their account (``forward_origin``
        of type ``hidden_user``)."""
        origin = {"type": "hidden_user", "sender_user_name": sender_name, "date": 1}
        return self.state.user_message(
            chat_id, from_user, {"text": text, "forward_origin": origin}
        )

    def add_bot_to_group(self, chat_id: int, by_user: int) -> None:
        """`by_user` adds the bot to the group `chat_id` (a ``my_chat_member`` update)."""
        self.state.add_bot_to_group(chat_id, by_user)

    def channel_post(self, chat_id: int, text: str) -> JsonDict:
        """A post in the channel `chat_id` (a ``channel_post`` update)."""
        return self.state.channel_post(chat_id, text)

    def edit_text(self, chat_id: int, from_user: int, message_id: int, text: str) -> JsonDict:
        """The user edits their own text message (``edited_message`` update)."""
        msg = self.state.chats[chat_id].messages.get(message_id)
        if msg is None or msg.get("from", {}).get("id") != from_user or "text" not in msg:
            raise AssertionError(f"user {from_user} has no text message {message_id} here")
        msg["text"] = text
        msg.pop("entities", None)
        msg["edit_date"] = self.state.now()
        self.state.push_update({"edited_message": copy.deepcopy(msg)})
        return copy.deepcopy(msg)

    def press_button(
        self, chat_id: int, from_user: int, message_id: int, button_text_or_callback_data: str
    ) -> str:
        return self.state.press_button(
            chat_id, from_user, message_id, button_text_or_callback_data
        )

    def expire_callback_query(self, query_id: str) -> None:
        self.state.callback_queries[query_id].expired = True

    def delete_topic(self, chat_id: int, thread_id: int) -> None:
        self.state.delete_topic(chat_id, thread_id)

    def push_update(self, payload: JsonDict) -> JsonDict:
        """Enqueue a raw update (``update_id`` is added)."""
        return self.state.push_update(payload)

    def push_raw_update(self, payload: JsonDict) -> JsonDict:
        """Enqueue ``payload`` untouched and unvalidated, except for a fresh ``update_id``
        (one in ``payload`` is replaced); delivered whatever ``allowed_updates`` says.
        Returns the queued update.

        For an update python-telegram-bot cannot parse, use :func:`unparseable_update`:
        ``{"message": {"message_id": 1, "date": 0, "chat": {"id": chat_id}}}`` (a chat
        without ``type``) makes ``telegram.Update.de_json`` raise ``TypeError`` with PTB
        22.8. PTB's Updater then logs "Something went wrong processing the data received
        from Telegram" and polls again with the same offset: the batch holding it, and so
        every later update, is fetched again and again and never handled.
        """
        return self.state.push_raw_update(payload)

    def repeat_update(self, update_id: int) -> JsonDict:
        """Deliver the update ``update_id`` again, with the SAME ``update_id``.

        As after a crash before the bot confirmed its offset, or a webhook retry. The
        emulator keeps every queued update by id (the last 10,000). The copy goes ahead of
        the pending updates and is delivered once even if the bot's offset already confirmed
        that id; the next offset confirms it. Returns the queued copy.
        """
        return self.state.repeat_update(update_id)

    def redeliver(self, update: JsonDict) -> JsonDict:
        """Deliver ``update`` (a dict with its ``update_id``, e.g. from
        :meth:`pending_updates` or ``push_update``) again, like :meth:`repeat_update`."""
        return self.state.redeliver(update)

    def delivery_count(self, update_id: int) -> int:
        """How many getUpdates answers carried the update ``update_id``."""
        return self.state.deliveries[update_id]

    # ------------------------------------------------------------------ reading

    def messages(
        self,
        chat_id: int,
        *,
        thread_id: int | None = None,
        from_bot: bool | None = None,
        include_service: bool = False,
    ) -> list[JsonDict]:
        chat = self.state.chats.get(chat_id)
        if chat is None:
            raise KeyError(f"unknown chat {chat_id}")
        out = []
        for msg in chat.messages.values():
            if thread_id is not None and msg.get("message_thread_id") != thread_id:
                continue
            is_bot = msg.get("from", {}).get("id") == self.bot_id
            if from_bot is not None and is_bot != from_bot:
                continue
            if not include_service and _is_service(msg):
                continue
            out.append(self._view(chat_id, msg))
        return out

    def _view(self, chat_id: int, msg: JsonDict) -> JsonDict:
        """A copy of a stored message for tests; adds ``_html`` (the HTML source the bot
        sent with parse_mode=HTML) when there is one."""
        view = copy.deepcopy(msg)
        html = self.state.html_sources.get((chat_id, msg["message_id"]))
        if html is not None:
            view["_html"] = html
        return view

    def last_message(
        self, chat_id: int, *, thread_id: int | None = None, from_bot: bool | None = True
    ) -> JsonDict | None:
        msgs = self.messages(chat_id, thread_id=thread_id, from_bot=from_bot)
        return msgs[-1] if msgs else None

    def get_message(self, chat_id: int, message_id: int) -> JsonDict | None:
        chat = self.state.chats.get(chat_id)
        msg = chat.messages.get(message_id) if chat else None
        return self._view(chat_id, msg) if msg is not None else None

    def topics(self, chat_id: int) -> dict[int, JsonDict]:
        chat = self.state.chats[chat_id]
        return {
            tid: {"name": t.name, "icon_color": t.icon_color, "closed": t.closed}
            for tid, t in chat.topics.items()
        }

    @property
    def callback_answers(self) -> list[JsonDict]:
        return self.state.callback_answers

    def reactions(self, chat_id: int, message_id: int) -> list[JsonDict]:
        return copy.deepcopy(self.state.reactions_store.get((chat_id, message_id), []))

    @property
    def calls(self) -> list[tuple[str, JsonDict]]:
        """Bot API calls as (method, params), getUpdates excluded (see :attr:`polls`)."""
        return self.state.calls

    @property
    def polls(self) -> int:
        """getUpdates requests received so far (including ones a fault held or dropped)."""
        return self.state.polls

    def polls_of(self, client: str | None) -> int:
        """getUpdates requests of the client tagged ``client`` (its base URL is
        ``{api_url}/_client/<client>/bot``); ``None``: untagged clients."""
        return self.state.polls_by_client[client]

    def calls_from(self, client: str | None) -> list[tuple[str, JsonDict]]:
        """Bot API calls (getUpdates excluded) of the client tagged ``client``."""
        return list(self.state.calls_by_client.get(client, []))

    def client_url(self, client: str) -> str:
        """The API root for a tagged client: use it where :attr:`api_url` would go (e.g. a
        bot's TELEGRAM_API_URL) to tell two bot processes apart."""
        if not client or "/" in client:
            raise ValueError("a client tag is a non-empty word without '/'")
        return f"{self.api_url}/_client/{client}"

    @property
    def errors(self) -> list[tuple[str, JsonDict, ApiError]]:
        """Bot API calls that were answered with an error: (method, params, error)."""
        return self.state.errors

    def calls_of(self, method: str) -> list[JsonDict]:
        """Params of every call of ``method`` (case-insensitive)."""
        low = method.lower()
        return [p for m, p in self.state.calls if m.lower() == low]

    def commands(self, scope: JsonDict | None = None, language_code: str = "") -> list[JsonDict]:
        key = (json.dumps(scope or {"type": "default"}, sort_keys=True), language_code)
        return copy.deepcopy(self.state.commands.get(key, []))

    def reply_keyboard(self, chat_id: int) -> JsonDict | None:
        """The last reply keyboard (``ReplyKeyboardMarkup``/``ForceReply``) sent to the chat."""
        return copy.deepcopy(self.state.chats[chat_id].reply_keyboard)

    def pending_updates(self) -> list[JsonDict]:
        """Updates not yet confirmed by the bot."""
        return copy.deepcopy(self.state.updates)

    def file_bytes(self, file_id: str) -> bytes:
        stored = self.state.files.get(file_id)
        if stored is None:
            raise KeyError(f"unknown file_id {file_id}")
        return stored.data

    def snapshot(self) -> JsonDict:
        s = self.state
        return {
            "bot": s.bot.to_dict(),
            "users": [
                u.to_dict() | {"blocked": u.blocked, "started": u.started}
                for u in s.users.values()
            ],
            "chats": [
                c.to_dict()
                | {
                    "topics": [t.to_dict() | {"closed": t.closed} for t in c.topics.values()],
                    "message_count": len(c.messages),
                }
                for c in s.chats.values()
            ],
            "pending_updates": len(s.updates),
        }

    # ------------------------------------------------------------------ waiting

    def _dump_calls(self, n: int = 15) -> str:
        lines = []
        for method, params in self.state.calls[-n:]:
            shown = {k: v for k, v in params.items() if k not in ("reply_markup",)}
            text = json.dumps(shown, ensure_ascii=False, default=repr)
            lines.append(f"  {method} {text[:300]}")
        for method, _params, err in self.state.errors[-5:]:
            lines.append(f"  ! {method} -> {err.error_code} {err.description}")
        return "\n".join(lines) or "  (no calls)"

    async def wait_for(
        self,
        predicate: Callable[[], Any],
        timeout: float = 5.0,  # noqa: ASYNC109 - part of the test API
    ) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(
                    f"condition not met within {timeout}s; recent bot calls:\n{self._dump_calls()}"
                )
            event = self.state.change_event()
            try:
                await asyncio.wait_for(event.wait(), min(0.05, remaining))
            except TimeoutError:
                pass

    async def wait_message(
        self,
        chat_id: int,
        *,
        thread_id: int | None = None,
        contains: str | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
        after: int | None = None,
    ) -> JsonDict:
        def find() -> JsonDict | None:
            for msg in self.messages(chat_id, thread_id=thread_id, from_bot=True):
                if after is not None and msg["message_id"] <= after:
                    continue
                if contains is not None and contains not in text_of(msg):
                    continue
                return msg
            return None

        try:
            return await self.wait_for(find, timeout=timeout)  # type: ignore[no-any-return]
        except TimeoutError as exc:
            shown = [
                f"  #{m['message_id']} {'bot' if m.get('from', {}).get('id') == self.bot_id else 'user'}: "  # noqa: E501
                f"{text_of(m)[:120]!r}"
                for m in self.messages(chat_id, thread_id=thread_id)[-10:]
            ]
            raise TimeoutError(
                f"no bot message in chat {chat_id}"
                + (f" thread {thread_id}" if thread_id is not None else "")
                + (f" containing {contains!r}" if contains is not None else "")
                + (f" after #{after}" if after is not None else "")
                + f" within {timeout}s.\nChat shows:\n"
                + ("\n".join(shown) or "  (nothing)")
                + f"\n{exc}"
            ) from None
