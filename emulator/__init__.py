"""A Telegram Bot API emulator for end-to-end tests.

The real bot (python-telegram-bot) talks to it over loopback HTTP; tests act as Telegram users
through :class:`BotApiEmulator` and read what every chat shows.

    emu = BotApiEmulator()
    await emu.start()
    bot = telegram.Bot(emu.token, base_url=f"{emu.api_url}/bot",
                       base_file_url=f"{emu.api_url}/file/bot")
"""

from __future__ import annotations

import asyncio
import copy
import json
import time
from collections.abc import Callable, Iterable
from typing import Any

from .html_entities import EntityParseError, parse_html, parse_markdown_v2, utf16_len
from .state import ApiError, EmulatorState, UploadedFile, _is_service

__all__ = [
    "ApiError",
    "BotApiEmulator",
    "EntityParseError",
    "UploadedFile",
    "buttons",
    "parse_html",
    "parse_markdown_v2",
    "text_of",
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
        self._server = EmulatorServer(self)
        await self._server.start(host, port)

    async def stop(self) -> None:
        self.state.closing = True
        self.state.changed()
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
        self.state.inject_delay(method, seconds, times, when)

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
        """``kind``: voice, video, audio, animation, sticker, video_note, location, contact
        (also photo, document)."""
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
        return self.state.calls

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
