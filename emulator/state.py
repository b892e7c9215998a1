"""Core state of the Telegram Bot API emulator: users, chats, messages, files, updates and the
Bot API methods as plain Python. No HTTP here (see ``server.py``); asyncio is only used for
long polling (``getUpdates``), injected delays and change notifications.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import itertools
import json
import math
import mimetypes
import re
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .faults import AnswerFault, HangWindow, Hold, RequestDropped
from .html_entities import EntityParseError, parse_text, utf16_len
from .params import UploadedFile, normalize_params

__all__ = ["ApiError", "EmulatorState", "UploadedFile"]

JsonDict = dict[str, Any]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
DEFAULT_ICON_COLOR = 7322096
UPDATE_HISTORY = 10_000  # updates kept by id for repeat_update

CONTENT_KEYS = (
    "text",
    "photo",
    "document",
    "video",
    "audio",
    "voice",
    "animation",
    "sticker",
    "video_note",
    "location",
    "venue",
    "contact",
    "poll",
    "dice",
)
MEDIA_KINDS = (
    "photo",
    "document",
    "video",
    "audio",
    "voice",
    "animation",
    "sticker",
    "video_note",
)
COPY_KEYS = (
    *CONTENT_KEYS,
    "entities",
    "link_preview_options",
    "caption",
    "caption_entities",
    "show_caption_above_media",
    "has_media_spoiler",
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
FILE_ID_PREFIX = {
    "photo": "AgACAgIAAxkBAA",
    "document": "BQACAgIAAxkBAA",
    "video": "BAACAgIAAxkBAA",
    "audio": "CQACAgIAAxkBAA",
    "voice": "AwACAgIAAxkBAA",
    "animation": "CgACAgIAAxkBAA",
    "sticker": "CAACAgIAAxkBAA",
    "video_note": "DQACAgIAAxkBAA",
}
FILE_FOLDER = {
    "photo": ("photos", "jpg"),
    "document": ("documents", "bin"),
    "video": ("videos", "mp4"),
    "audio": ("music", "mp3"),
    "voice": ("voice", "oga"),
    "animation": ("animations", "mp4"),
    "sticker": ("stickers", "webp"),
    "video_note": ("video_notes", "mp4"),
}
DEFAULT_MIME = {
    "video": "video/mp4",
    "audio": "audio/mpeg",
    "voice": "audio/ogg",
    "animation": "video/mp4",
    "video_note": "video/mp4",
}
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
SEND_METHODS = frozenset(
    {
        "sendmessage",
        "sendphoto",
        "senddocument",
        "sendvideo",
        "sendaudio",
        "sendvoice",
        "sendanimation",
        "sendsticker",
        "sendvideonote",
        "sendlocation",
        "sendvenue",
        "sendcontact",
        "sendmediagroup",
        "sendpoll",
        "senddice",
        "copymessage",
        "copymessages",
        "forwardmessage",
        "forwardmessages",
    }
)


#: Methods Telegram counts against a group's messages-per-minute although they send nothing new.
GROUP_COUNTED_METHODS = frozenset(
    {
        "editmessagetext",
        "editmessagecaption",
        "editmessagemedia",
        "editmessagereplymarkup",
        "createforumtopic",
        "editforumtopic",
        "closeforumtopic",
        "reopenforumtopic",
    }
)


class ApiError(Exception):
    """A Bot API error, rendered as ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(self, error_code: int, description: str, *, retry_after: int | None = None):
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def to_json(self) -> JsonDict:
        body: JsonDict = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(text: str) -> ApiError:
    return ApiError(400, f"Bad Request: {text}")


@dataclass
class User:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False
    is_premium: bool = False
    started: bool = False
    blocked: bool = False

    def to_dict(self) -> JsonDict:
        d: JsonDict = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            d["last_name"] = self.last_name
        if self.username:
            d["username"] = self.username
        if self.language_code:
            d["language_code"] = self.language_code
        if self.is_premium:
            d["is_premium"] = True
        return d


@dataclass
class Topic:
    thread_id: int
    name: str
    icon_color: int
    icon_custom_emoji_id: str | None = None
    closed: bool = False

    def to_dict(self) -> JsonDict:
        d: JsonDict = {
            "message_thread_id": self.thread_id,
            "name": self.name,
            "icon_color": self.icon_color,
        }
        if self.icon_custom_emoji_id:
            d["icon_custom_emoji_id"] = self.icon_custom_emoji_id
        return d


@dataclass
class Chat:
    id: int
    type: str  # private | group | supergroup | channel
    title: str | None = None
    user: User | None = None  # for private chats
    username: str | None = None
    is_forum: bool = False
    bot_status: str = "member"  # administrator | member | left | kicked
    bot_rights: JsonDict = field(default_factory=dict)
    members: dict[int, str] = field(default_factory=dict)  # user id -> status
    messages: dict[int, JsonDict] = field(default_factory=dict)
    next_message_id: int = 1
    topics: dict[int, Topic] = field(default_factory=dict)
    reply_keyboard: JsonDict | None = None

    def to_dict(self) -> JsonDict:
        if self.type == "private" and self.user is not None:
            d: JsonDict = {"id": self.id, "type": "private", "first_name": self.user.first_name}
            if self.user.last_name:
                d["last_name"] = self.user.last_name
            if self.user.username:
                d["username"] = self.user.username
            return d
        d = {"id": self.id, "title": self.title or "", "type": self.type}
        if self.username:
            d["username"] = self.username
        if self.is_forum:
            d["is_forum"] = True
        return d


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str
    data: bytes
    file_path: str
    obj: Any = None  # the Bot API object (dict, or list of PhotoSize for photos)

    @property
    def file_size(self) -> int:
        return len(self.data)


@dataclass
class Injection:
    method: str  # lower-case
    remaining: int
    error: ApiError | None = None
    delay: float = 0.0  # "delay": before processing; "late": before answering
    when: Callable[[JsonDict], bool] | None = None
    kind: str = "error"  # error | delay | lost | late | hold
    hold: Hold | None = None


ANSWER_FAULTS = ("lost", "late", "hold")


@dataclass
class CallbackQuery:
    id: str
    chat_id: int
    message_id: int
    user_id: int
    data: str
    answered: bool = False
    expired: bool = False


def _is_service(msg: Mapping[str, Any]) -> bool:
    """Whether the message is a service one (a topic created, a member joined...)."""
    return not any(k in msg for k in CONTENT_KEYS)


def _strip_reply(msg: JsonDict) -> JsonDict:
    inner = copy.deepcopy(msg)
    inner.pop("reply_to_message", None)
    return inner


class EmulatorState:
    """All state of the emulated Telegram plus the Bot API methods.

    Call :meth:`call` (async) with a method name and raw parameters; it returns the ``result``
    or raises :class:`ApiError`.
    """

    def __init__(
        self,
        token: str = "123456:TEST",
        bot_username: str = "support_test_bot",
        bot_first_name: str = "Support",
    ) -> None:
        self.token = token
        head = token.split(":", 1)[0]
        self.bot_id = int(head) if head.isdigit() else 123456
        self.bot = User(
            id=self.bot_id, first_name=bot_first_name, username=bot_username, is_bot=True
        )
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.updates: list[JsonDict] = []
        self.allowed_updates: list[str] | None = None
        self.calls: list[tuple[str, JsonDict]] = []
        self.errors: list[tuple[str, JsonDict, ApiError]] = []
        self.callback_answers: list[JsonDict] = []
        self.callback_queries: dict[str, CallbackQuery] = {}
        self.reactions_store: dict[tuple[int, int], list[JsonDict]] = {}
        # the last chat action per (chat, thread) and when: the page's "typing…" hint
        self.chat_actions: dict[tuple[int, int | None], tuple[str, float]] = {}
        # (chat_id, message_id) -> the HTML source the bot sent (parse_mode=HTML)
        self.html_sources: dict[tuple[int, int], str] = {}
        # (chat_id, message_id) -> every inline keyboard the message ever had (stale presses)
        self.markup_history: dict[tuple[int, int], list[JsonDict]] = {}
        self.commands: dict[tuple[str, str], list[JsonDict]] = {}
        self.webhook_url = ""
        self.injections: list[Injection] = []
        self.limits: dict[str, int] | None = None
        self._sent_global: deque[float] = deque()
        self._sent_chat: dict[int, deque[float]] = {}
        self.clock: Callable[[], float] = time.time  # message dates
        self.monotonic: Callable[[], float] = time.monotonic  # rate limit windows
        self._user_ids = itertools.count(5_000_000_001)
        self._group_ids = itertools.count(1_000_000_001)
        self._update_ids = itertools.count(1)
        self._file_counter = itertools.count(1)
        self._media_group_ids = itertools.count(13_900_000_000_000_001)
        self._callback_ids = itertools.count(4_400_000_000_000_000_001)
        self._change_event: asyncio.Event | None = None
        self._change_loop: asyncio.AbstractEventLoop | None = None
        self._poll_generation = 0
        self.listeners: list[Callable[[], None]] = []
        self.closing = False
        # ---- fault injection (see emulator/faults.py)
        # Set when the emulator stops: every request parked by a fault gives up.
        self.shutdown_event = asyncio.Event()
        self.hangs: list[HangWindow] = []
        self.holds: dict[int, Hold] = {}
        self._hold_ids = itertools.count(1)
        # (kind, method, params) of every request a fault was applied to
        self.fault_log: list[tuple[str, str, JsonDict]] = []
        # every update ever queued, by id (bounded), for repeat_update
        self.update_history: OrderedDict[int, JsonDict] = OrderedDict()
        # update id -> how many getUpdates answers carried it
        self.deliveries: Counter[int] = Counter()
        self._forced: list[JsonDict] = []  # re-queued updates: delivered whatever the offset
        self._raw_ids: set[int] = set()  # raw updates: delivered whatever allowed_updates says
        # getUpdates requests received (emu.calls leaves them out), in all and by client tag
        self.polls = 0
        self.polls_by_client: Counter[str | None] = Counter()
        self.last_poll: JsonDict | None = None
        # Bot API calls by client tag (the ``/_client/<tag>/bot...`` URL prefix)
        self.calls_by_client: dict[str | None, list[tuple[str, JsonDict]]] = {}
        # moves on every change of the world (see changed()): when to save it, when a page
        # showing the chats is out of date
        self.revision = 0

    # ------------------------------------------------------------------ notifications

    def changed(self) -> None:
        """Record a change of the world (anything a chat shows, or what a restart must keep:
        :attr:`revision` moves) and wake up long polls and waiters."""
        self.revision += 1
        self.wake()

    def wake(self) -> None:
        """Wake up long polls and waiters without a change of the world (a poll arrived, a
        fault settled, the emulator stops): :attr:`revision` stays."""
        if self._change_event is not None:
            self._change_event.set()
            self._change_event = None
        for listener in list(self.listeners):
            listener()

    def change_event(self) -> asyncio.Event:
        """An event set on the next state change (bound to the running loop)."""
        loop = asyncio.get_running_loop()
        if self._change_event is None or self._change_loop is not loop:
            self._change_event = asyncio.Event()
            self._change_loop = loop
        return self._change_event

    def now(self) -> int:
        return int(self.clock())

    # ------------------------------------------------------------------ world building

    def add_user(
        self,
        first_name: str = "User",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        *,
        is_premium: bool = False,
        started: bool = False,
        user_id: int | None = None,
    ) -> int:
        uid = user_id if user_id is not None else next(self._user_ids)
        user = User(
            id=uid,
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            is_premium=is_premium,
            started=started,
        )
        self.users[uid] = user
        self.chats[uid] = Chat(id=uid, type="private", user=user)
        self.changed()
        return uid

    def add_group(
        self,
        title: str = "Group",
        is_forum: bool = False,
        bot_is_admin: bool = True,
        can_manage_topics: bool = True,
        *,
        can_delete_messages: bool = True,
        can_pin_messages: bool = True,
        username: str | None = None,
        chat_type: str = "supergroup",
        chat_id: int | None = None,
    ) -> int:
        if chat_id is None:
            n = next(self._group_ids)
            chat_id = -(1_000_000_000_000 + n) if chat_type == "supergroup" else -n
        rights = {
            "can_manage_topics": bool(can_manage_topics) and bot_is_admin,
            "can_delete_messages": bool(can_delete_messages) and bot_is_admin,
            "can_pin_messages": bool(can_pin_messages) and bot_is_admin,
        }
        self.chats[chat_id] = Chat(
            id=chat_id,
            type=chat_type,
            title=title,
            username=username,
            is_forum=is_forum and chat_type == "supergroup",
            bot_status="administrator" if bot_is_admin else "member",
            bot_rights=rights,
        )
        self.changed()
        return chat_id

    def add_member(self, chat_id: int, user_id: int, status: str = "member") -> None:
        chat = self._chat(chat_id)
        if user_id not in self.users:
            raise KeyError(f"unknown user {user_id}")
        chat.members[user_id] = status
        self.changed()

    def set_bot_status(self, chat_id: int, status: str, **rights: bool) -> None:
        """``administrator`` / ``member`` / ``left`` / ``kicked``; rights update can_* flags."""
        chat = self._chat(chat_id)
        chat.bot_status = status
        chat.bot_rights.update(rights)
        self.changed()

    def _bot_member_update(self, chat: Chat, by: User, old: str, new: str) -> None:
        """The ``my_chat_member`` update Telegram sends when the bot's status in `chat`
        changes (added to a group by `by`, or leaving it)."""
        self.push_update(
            {
                "my_chat_member": {
                    "chat": chat.to_dict(),
                    "from": by.to_dict(),
                    "date": self.now(),
                    "old_chat_member": {"status": old, "user": self.bot.to_dict()},
                    "new_chat_member": {"status": new, "user": self.bot.to_dict()},
                }
            }
        )

    def add_bot_to_group(self, chat_id: int, by_user: int) -> None:
        """`by_user` adds the bot to the existing group `chat_id` (``my_chat_member``)."""
        chat = self._chat(chat_id)
        chat.bot_status = "member"
        chat.members.setdefault(by_user, "administrator")
        self._bot_member_update(chat, self.users[by_user], "left", "member")
        self.changed()

    def channel_post(self, chat_id: int, text: str) -> JsonDict:
        """A post in channel `chat_id` (``channel_post``: no ``from``, the channel signs)."""
        chat = self._chat(chat_id)
        mid = chat.next_message_id
        chat.next_message_id += 1
        msg: JsonDict = {
            "message_id": mid,
            "sender_chat": chat.to_dict(),
            "chat": chat.to_dict(),
            "date": self.now(),
            "text": text,
        }
        chat.messages[mid] = msg
        self.push_update({"channel_post": copy.deepcopy(msg)})
        return copy.deepcopy(msg)

    def block_bot(self, user_id: int, blocked: bool = True) -> None:
        user = self.users[user_id]
        if user.blocked == blocked:
            return
        user.blocked = blocked
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        self.push_update(
            {
                "my_chat_member": {
                    "chat": self.chats[user_id].to_dict(),
                    "from": user.to_dict(),
                    "date": self.now(),
                    "old_chat_member": {"status": old, "user": self.bot.to_dict()}
                    | ({"until_date": 0} if old == "kicked" else {}),
                    "new_chat_member": {"status": new, "user": self.bot.to_dict()}
                    | ({"until_date": 0} if new == "kicked" else {}),
                }
            }
        )

    # ------------------------------------------------------------------ helpers

    def _chat(self, chat_id: int) -> Chat:
        chat = self.chats.get(chat_id)
        if chat is None:
            raise KeyError(f"unknown chat {chat_id}")
        return chat

    def push_update(self, payload: JsonDict) -> JsonDict:
        update = {"update_id": next(self._update_ids), **payload}
        self.updates.append(update)
        self._remember_update(update)
        self.changed()
        return update

    def _remember_update(self, update: JsonDict) -> None:
        history = self.update_history
        history[update["update_id"]] = copy.deepcopy(update)
        history.move_to_end(update["update_id"])
        while len(history) > UPDATE_HISTORY:
            history.popitem(last=False)

    def push_raw_update(self, payload: JsonDict) -> JsonDict:
        """Queue ``payload`` as it is, with a fresh ``update_id`` (any ``update_id`` in it is
        replaced), delivered whatever ``allowed_updates`` the bot asked for."""
        update = {"update_id": next(self._update_ids)}
        update.update((k, v) for k, v in payload.items() if k != "update_id")
        self._raw_ids.add(update["update_id"])
        self.updates.append(update)
        self._remember_update(update)
        self.changed()
        return update

    def redeliver(self, update: JsonDict) -> JsonDict:
        """Queue ``update`` again with its own ``update_id``, ahead of the pending ones; it is
        delivered once even if the bot's offset already confirmed that id."""
        update_id = update.get("update_id")
        if not isinstance(update_id, int):
            raise ValueError("the update to redeliver has no integer update_id")
        again = copy.deepcopy(update)
        if update_id not in self.update_history:
            self._remember_update(again)
        head = 0
        while head < len(self.updates) and any(self.updates[head] is f for f in self._forced):
            head += 1
        self.updates.insert(head, again)
        self._forced.append(again)
        self.changed()
        return copy.deepcopy(again)

    def repeat_update(self, update_id: int) -> JsonDict:
        """Queue the update ``update_id`` again (see :meth:`redeliver`)."""
        stored = self.update_history.get(update_id)
        if stored is None:
            raise KeyError(
                f"update {update_id} is not in the history (the last {UPDATE_HISTORY} are kept)"
            )
        return self.redeliver(stored)

    def _new_file_id(self, kind: str) -> tuple[str, str]:
        n = next(self._file_counter)
        digest = hashlib.sha1(f"{self.token}:{kind}:{n}".encode()).hexdigest()
        return (
            f"{FILE_ID_PREFIX.get(kind, 'BQACAgIAAxkBAA')}{n:06d}{digest[:24]}",
            f"AQAD{n:04d}{digest[24:32]}",
        )

    def store_file(
        self, kind: str, data: bytes, file_name: str | None = None, ext: str | None = None
    ) -> StoredFile:
        file_id, unique_id = self._new_file_id(kind)
        folder, default_ext = FILE_FOLDER.get(kind, ("documents", "bin"))
        if ext is None and file_name and "." in file_name:
            ext = file_name.rsplit(".", 1)[1]
        path = f"{folder}/file_{len(self.files)}.{ext or default_ext}"
        stored = StoredFile(file_id, unique_id, kind, data, path)
        self.files[file_id] = stored
        self.files_by_path[path] = stored
        return stored

    def make_media(
        self,
        kind: str,
        data: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        extra: JsonDict | None = None,
    ) -> Any:
        """Store uploaded bytes and build the Bot API object for ``kind``."""
        extra = {k: v for k, v in (extra or {}).items() if v is not None}
        if kind == "photo":
            sizes: list[JsonDict] = []
            for w, h in ((90, 68), (320, 240), (800, 600)):
                f = self.store_file("photo", data)
                sizes.append(
                    {
                        "file_id": f.file_id,
                        "file_unique_id": f.file_unique_id,
                        "file_size": f.file_size,
                        "width": w,
                        "height": h,
                    }
                )
            for s in sizes:
                self.files[s["file_id"]].obj = sizes
            return sizes
        stored = self.store_file(kind, data, file_name)
        obj: JsonDict = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
        if kind in ("document", "audio", "video", "animation") and file_name:
            obj["file_name"] = file_name
        if kind in ("document", "audio", "video", "animation", "voice"):
            mt = mime_type if mime_type and mime_type != "application/octet-stream" else None
            if mt is None and file_name:
                mt = mimetypes.guess_type(file_name)[0]
            mt = mt or DEFAULT_MIME.get(kind) or mime_type or "application/octet-stream"
            obj["mime_type"] = mt
        if kind in ("video", "animation"):
            obj.update(width=extra.get("width", 640), height=extra.get("height", 360))
            obj["duration"] = extra.get("duration", 5)
        elif kind in ("audio", "voice"):
            obj["duration"] = extra.get("duration", 3)
            if kind == "audio":
                for key in ("performer", "title"):
                    if key in extra:
                        obj[key] = extra[key]
        elif kind == "sticker":
            obj.update(
                width=512,
                height=512,
                is_animated=False,
                is_video=False,
                type="regular",
                emoji=extra.get("emoji", "👍"),
            )
        elif kind == "video_note":
            obj.update(length=extra.get("length", 240), duration=extra.get("duration", 5))
        obj["file_size"] = stored.file_size
        stored.obj = obj
        return copy.deepcopy(obj)

    def _resolve_media(
        self, kind: str, value: Any, files: dict[str, UploadedFile], extra: JsonDict
    ) -> Any:
        if value is None or value == "":
            raise bad_request(f"there is no {kind} in the request")
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value[len("attach://") :])
            if upload is None:
                raise bad_request(f"file {value} not found in the request")  # as Telegram
            value = upload
        if isinstance(value, UploadedFile):
            return self.make_media(
                kind,
                value.data,
                file_name=value.filename or None,
                mime_type=value.content_type,
                extra=extra,
            )
        if not isinstance(value, str):
            raise bad_request("wrong file identifier/HTTP URL specified")
        if value.startswith(("http://", "https://")):
            name = value.rsplit("/", 1)[-1] or None
            return self.make_media(kind, b"", file_name=name, extra=extra)
        stored = self.files.get(value)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            if "photo" in (stored.kind, kind):
                raise bad_request(
                    f"can't use file of type {stored.kind.title()} as {kind.title()}"
                )
            obj = copy.deepcopy(stored.obj) if isinstance(stored.obj, dict) else {}
            made = self.make_media(kind, stored.data, file_name=obj.get("file_name"), extra=extra)
            return made
        return copy.deepcopy(stored.obj)

    def _format(
        self, text: Any, parse_mode: Any, entities: Any, *, caption: bool = False
    ) -> tuple[str, list[JsonDict]]:
        text = "" if text is None else str(text)
        if parse_mode not in (None, ""):
            if str(parse_mode).lower() not in ("html", "markdown", "markdownv2"):
                raise bad_request(f"unsupported parse_mode {parse_mode}")
            try:
                text, ents = parse_text(text, str(parse_mode))
            except EntityParseError as exc:
                raise bad_request(f"can't parse entities: {exc}") from None
        else:
            if entities is not None and not isinstance(entities, list):
                raise bad_request("can't parse entities JSON object")
            ents = list(entities or [])
        for i, ent in enumerate(ents):
            url = ent.get("url") if isinstance(ent, dict) else None
            if ent.get("type") == "text_link" and isinstance(url, str):
                m = re.fullmatch(r"tg://user\?id=(\d+)", url)
                user = self.users.get(int(m.group(1))) if m else None
                if user is not None:
                    ents[i] = {
                        "type": "text_mention",
                        "offset": ent["offset"],
                        "length": ent["length"],
                        "user": user.to_dict(),
                    }
        if caption:
            if utf16_len(text) > MAX_CAPTION:
                raise bad_request("message caption is too long")
        else:
            if not text.strip():
                raise bad_request("message text is empty")
            if utf16_len(text) > MAX_TEXT:
                raise bad_request("message is too long")
        return text, ents

    def _check_markup(self, markup: Any) -> JsonDict | None:
        if markup is None or markup == "":
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request(
                    "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
                )
            for row in rows:
                for button in row:
                    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                        raise bad_request(
                            "can't parse inline keyboard button: Text must be a String"
                        )
                    if "callback_data" in button:
                        data = button["callback_data"]
                        if (
                            not isinstance(data, str)
                            or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA
                        ):
                            raise bad_request("BUTTON_DATA_INVALID")
                    elif "url" in button:
                        url = button["url"]
                        if not isinstance(url, str) or not url.startswith(
                            ("http://", "https://", "tg://")
                        ):
                            raise bad_request("BUTTON_URL_INVALID")
                    elif not any(
                        k in button
                        for k in (
                            "login_url",
                            "switch_inline_query",
                            "switch_inline_query_current_chat",
                            "switch_inline_query_chosen_chat",
                            "callback_game",
                            "pay",
                            "web_app",
                            "copy_text",
                        )
                    ):
                        raise bad_request("text buttons are unallowed in the inline keyboard")
        return markup

    def _target_chat(self, chat_id: Any, *, for_send: bool = True) -> Chat:
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        chat: Chat | None = None
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            name = chat_id[1:].lower()
            chat = next(
                (
                    c
                    for c in self.chats.values()
                    if c.type != "private" and (c.username or "").lower() == name
                ),
                None,
            )
        elif isinstance(chat_id, int):
            chat = self.chats.get(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        if chat.type == "private" and chat.user is not None:
            if chat.user.blocked and for_send:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if not chat.user.started and for_send:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        elif chat.bot_status == "kicked":
            raise ApiError(403, f"Forbidden: bot was kicked from the {chat.type} chat")
        elif chat.bot_status == "left":
            raise ApiError(403, f"Forbidden: bot is not a member of the {chat.type} chat")
        return chat

    def _thread(self, chat: Chat, thread_id: Any) -> int | None:
        if thread_id in (None, "", 0) or not chat.is_forum:
            return None
        if not isinstance(thread_id, int) or thread_id not in chat.topics:
            raise bad_request("message thread not found")
        return thread_id

    def _writes_in_closed_topics(self, chat: Chat, sender: User) -> bool:
        if sender.id == self.bot.id:
            return self._bot_admin(chat, "can_manage_topics")
        return chat.members.get(sender.id) in ("administrator", "creator")

    def _bot_admin(self, chat: Chat, right: str) -> bool:
        return chat.bot_status == "administrator" and bool(chat.bot_rights.get(right))

    def _reply_target(self, chat: Chat, params: JsonDict) -> tuple[JsonDict | None, JsonDict]:
        """Returns (target message or None, reply parameters dict)."""
        rp = params.get("reply_parameters")
        if isinstance(rp, dict):
            reply: JsonDict = dict(rp)
        elif params.get("reply_to_message_id") not in (None, "", 0):
            reply = {"message_id": params.get("reply_to_message_id")}
        else:
            return None, {}
        if params.get("allow_sending_without_reply"):
            reply.setdefault("allow_sending_without_reply", True)
        mid = reply.get("message_id")
        src_chat = chat
        if reply.get("chat_id") not in (None, chat.id):
            try:
                src_chat = self._target_chat(reply["chat_id"], for_send=False)
            except ApiError:
                src_chat = Chat(id=0, type="private")
        target = src_chat.messages.get(mid) if isinstance(mid, int) else None
        if target is None:
            if reply.get("allow_sending_without_reply"):
                return None, reply
            raise bad_request("message to be replied not found")
        if src_chat is not chat:
            reply["_external_chat"] = src_chat
        return target, reply

    # ------------------------------------------------------------------ message creation

    def create_message(
        self,
        chat: Chat,
        sender: User,
        content: JsonDict,
        *,
        thread_id: int | None = None,
        reply_target: JsonDict | None = None,
        reply_markup: JsonDict | None = None,
        media_group_id: str | None = None,
        extra: JsonDict | None = None,
        external_chat: Chat | None = None,
    ) -> JsonDict:
        if (
            chat.is_forum
            and thread_id is None
            and reply_target is not None
            and external_chat is None
        ):
            thread_id = reply_target.get("message_thread_id")
            if thread_id not in chat.topics:
                thread_id = None
        topic = chat.topics.get(thread_id) if thread_id is not None else None
        if topic is not None and topic.closed and not self._writes_in_closed_topics(chat, sender):
            # Telegram: only administrators (and a bot that is one, with can_manage_topics)
            # write in a closed topic. A user's app refuses the same way.
            raise bad_request("TOPIC_CLOSED")
        mid = chat.next_message_id
        chat.next_message_id += 1
        msg: JsonDict = {"message_id": mid, "from": sender.to_dict(), "chat": chat.to_dict()}
        msg["date"] = self.now()
        if thread_id is not None:
            msg["message_thread_id"] = thread_id
            if reply_target is None:
                reply_target = chat.messages.get(thread_id)
        if reply_target is not None:
            if external_chat is not None:
                msg["external_reply"] = {
                    "origin": self._origin(reply_target),
                    "chat": external_chat.to_dict(),
                    "message_id": reply_target["message_id"],
                    **{
                        k: copy.deepcopy(reply_target[k]) for k in MEDIA_KINDS if k in reply_target
                    },
                }
            else:
                msg["reply_to_message"] = _strip_reply(reply_target)
        if media_group_id is not None:
            msg["media_group_id"] = media_group_id
        msg.update(copy.deepcopy(content))
        if extra:
            msg.update(extra)
        if reply_markup is not None and reply_markup.get("inline_keyboard"):
            msg["reply_markup"] = copy.deepcopy(reply_markup)
            self.markup_history.setdefault((chat.id, mid), []).append(copy.deepcopy(reply_markup))
        if thread_id is not None:
            msg["is_topic_message"] = True
        chat.messages[mid] = msg
        return msg

    def _origin(self, msg: JsonDict) -> JsonDict:
        if "forward_origin" in msg:
            return copy.deepcopy(msg["forward_origin"])
        if "from" in msg:
            return {"type": "user", "date": msg["date"], "sender_user": copy.deepcopy(msg["from"])}
        return {"type": "chat", "date": msg["date"], "sender_chat": copy.deepcopy(msg["chat"])}

    def _bot_send(
        self,
        params: JsonDict,
        content: JsonDict | Callable[[], JsonDict],
        *,
        media_group_id: str | None = None,
        extra: JsonDict | None = None,
    ) -> JsonDict:
        chat = self._target_chat(params.get("chat_id"))
        thread_id = self._thread(chat, params.get("message_thread_id"))
        if callable(content):
            content = content()
        target, reply = self._reply_target(chat, params)
        markup = self._check_markup(params.get("reply_markup"))
        if markup is not None and "inline_keyboard" not in markup:
            chat.reply_keyboard = None if markup.get("remove_keyboard") else markup
        extra = dict(extra or {})
        if params.get("protect_content"):
            extra["has_protected_content"] = True
        msg = self.create_message(
            chat,
            self.bot,
            content,
            thread_id=thread_id,
            reply_target=target,
            reply_markup=markup,
            media_group_id=media_group_id,
            extra=extra,
            external_chat=reply.get("_external_chat"),
        )
        self.changed()
        return msg

    def _caption_content(self, params: JsonDict) -> JsonDict:
        out: JsonDict = {}
        if params.get("caption") not in (None, ""):
            caption, ents = self._format(
                params.get("caption"),
                params.get("parse_mode"),
                params.get("caption_entities"),
                caption=True,
            )
            if caption:
                out["caption"] = caption
                if ents:
                    out["caption_entities"] = ents
        if params.get("show_caption_above_media"):
            out["show_caption_above_media"] = True
        if params.get("has_spoiler"):
            out["has_media_spoiler"] = True
        return out

    # ------------------------------------------------------------------ request pipeline

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
        err = ApiError(error_code, description, retry_after=retry_after)
        self.injections.append(Injection(method.lower(), times, error=err, when=when))

    def inject_delay(
        self,
        method: str,
        seconds: float,
        times: int = 1,
        when: Callable[[JsonDict], bool] | None = None,
    ) -> None:
        self.injections.append(
            Injection(method.lower(), times, delay=seconds, when=when, kind="delay")
        )

    def inject_lost_answer(
        self, method: str, *, times: int = 1, when: Callable[[JsonDict], bool] | None = None
    ) -> None:
        self.injections.append(Injection(method.lower(), times, when=when, kind="lost"))

    def inject_late_answer(
        self,
        method: str,
        seconds: float,
        *,
        times: int = 1,
        when: Callable[[JsonDict], bool] | None = None,
    ) -> None:
        if seconds < 0:
            raise ValueError("seconds must not be negative")
        self.injections.append(
            Injection(method.lower(), times, delay=seconds, when=when, kind="late")
        )

    def hold(
        self,
        method: str,
        *,
        when: Callable[[JsonDict], bool] | None = None,
        timeout: float = 60.0,
    ) -> Hold:
        hold = Hold(next(self._hold_ids), method, timeout)
        self.holds[hold.id] = hold
        self.injections.append(Injection(method.lower(), 1, when=when, kind="hold", hold=hold))
        return hold

    def hang(
        self,
        seconds: float,
        *,
        methods: Iterable[str] | None = None,
        except_methods: Iterable[str] = ("getUpdates",),
    ) -> HangWindow:
        if seconds <= 0:
            raise ValueError("seconds must be positive")
        window = HangWindow(seconds, methods, except_methods)
        self.hangs = [w for w in self.hangs if w.active]
        self.hangs.append(window)
        return window

    def _hang_for(self, method: str) -> HangWindow | None:
        for window in self.hangs:
            if window.active and window.matches(method):
                return window
        return None

    def clear_faults(self) -> None:
        """Forget every pending injection (errors, delays, lost/late answers, holds not yet
        used), end the hang windows and release the held answers."""
        self.injections.clear()
        for window in self.hangs:
            window.end()
        self.hangs.clear()
        for hold in self.holds.values():
            hold.release()

    async def pause(self, seconds: float) -> bool:
        """Sleeps ``seconds``; ``False`` at once if the emulator stops meanwhile."""
        if self.shutdown_event.is_set():
            return False
        try:
            await asyncio.wait_for(self.shutdown_event.wait(), seconds)
        except TimeoutError:
            return True
        return False

    def enforce_limits(
        self,
        per_chat_per_second: int = 1,
        per_group_per_minute: int = 20,
        global_per_second: int = 30,
    ) -> None:
        self.limits = {
            "per_chat_per_second": per_chat_per_second,
            "per_group_per_minute": per_group_per_minute,
            "global_per_second": global_per_second,
        }
        self._sent_global.clear()
        self._sent_chat.clear()

    def disable_limits(self) -> None:
        self.limits = None

    def _take_injection(
        self, method: str, params: JsonDict, kinds: tuple[str, ...]
    ) -> Injection | None:
        for inj in self.injections:
            if inj.method != method or inj.kind not in kinds or inj.remaining <= 0:
                continue
            if inj.when is not None and not inj.when(params):
                continue
            inj.remaining -= 1
            if inj.remaining <= 0:
                self.injections.remove(inj)
            return inj
        return None

    def _check_limits(self, method: str, params: JsonDict) -> Callable[[], None] | None:
        """Raise 429 if sending now would exceed the enforced limits; otherwise return a
        callback that records the send (called only when the request succeeds)."""
        if self.limits is None:
            return None
        chat_id = params.get("chat_id")
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        in_group = chat is not None and chat.type != "private"
        # In a group, editing a message and creating or renaming a topic count as sends too.
        if method not in SEND_METHODS and not (in_group and method in GROUP_COUNTED_METHODS):
            return None
        now = self.monotonic()
        items = params.get("media") if method == "sendmediagroup" else params.get("message_ids")
        count = len(items) if isinstance(items, list) and items else 1
        glob = self._sent_global
        while glob and now - glob[0] >= 1.0:
            glob.popleft()
        if len(glob) + count > self.limits["global_per_second"]:
            raise ApiError(429, "Too Many Requests: retry after 1", retry_after=1)
        queue: deque[float] | None = None
        if chat is not None:
            group = chat.type != "private"
            window = 60.0 if group else 1.0
            limit = (
                self.limits["per_group_per_minute"]
                if group
                else self.limits["per_chat_per_second"]
            )
            queue = self._sent_chat.setdefault(chat.id, deque())
            while queue and now - queue[0] >= window:
                queue.popleft()
            if len(queue) + count > limit:
                retry = max(1, math.ceil(window - (now - queue[0]))) if queue else 1
                raise ApiError(429, f"Too Many Requests: retry after {retry}", retry_after=retry)

        def commit() -> None:
            stamp = self.monotonic()
            glob.extend([stamp] * count)
            if queue is not None:
                queue.extend([stamp] * count)

        return commit

    async def call(
        self,
        method: str,
        raw_params: JsonDict | None = None,
        files: dict[str, UploadedFile] | None = None,
    ) -> Any:
        """Run one Bot API request. Returns the ``result`` or raises :class:`ApiError`.

        Faults that live on the HTTP connection (hangs, lost, late and held answers) are left
        to :meth:`call_http`; injected errors and delays apply here too.
        """
        result, _fault = await self._pipeline(method, raw_params, files, http=False)
        return result

    async def call_http(
        self,
        method: str,
        raw_params: JsonDict | None = None,
        files: dict[str, UploadedFile] | None = None,
        *,
        client: str | None = None,
    ) -> tuple[Any, AnswerFault | None]:
        """:meth:`call` for the HTTP layer: also returns what it must do instead of answering
        at once (``None``: answer now). ``client`` tags the request (URL prefix)."""
        return await self._pipeline(method, raw_params, files, http=True, client=client)

    async def _pipeline(
        self,
        method: str,
        raw_params: JsonDict | None,
        files: dict[str, UploadedFile] | None,
        *,
        http: bool,
        client: str | None = None,
    ) -> tuple[Any, AnswerFault | None]:
        files = files or {}
        params = normalize_params(raw_params or {}, files)
        key = method.lower()
        handler = _METHODS.get(key)
        if handler is None:
            raise ApiError(404, "Not Found")
        canonical = handler.__name__.removeprefix("m_")
        if key == "getupdates":
            self.polls += 1
            self.polls_by_client[client] += 1
            self.last_poll = params
            self.wake()
        else:
            self.calls.append((canonical, params))
            self.calls_by_client.setdefault(client, []).append((canonical, params))
        if http:
            window = self._hang_for(key)
            if window is not None:
                window.held += 1
                self.fault_log.append(("hang", canonical, params))
                return None, AnswerFault("hang", window=window)
        try:
            inj = self._take_injection(key, params, ("delay",))
            if inj is not None and not await self.pause(inj.delay):
                raise RequestDropped(f"{canonical}: the emulator stopped")
            inj = self._take_injection(key, params, ("error",))
            if inj is not None and inj.error is not None:
                raise inj.error
            commit = self._check_limits(key, params)
            if key == "getupdates":
                result = await self.get_updates(params)
            else:
                result = handler(self, params, files)
                if commit is not None:
                    commit()
                self._remember_html(key, params, result)
        except ApiError as err:
            self.errors.append((canonical, params, err))
            raise
        if not http:
            return result, None
        inj = self._take_injection(key, params, ANSWER_FAULTS)
        if inj is None or (inj.hold is not None and inj.hold.released):
            return result, None
        self.fault_log.append((inj.kind, canonical, params))
        if inj.hold is not None:
            inj.hold._arrive(params, result)
            self.wake()
        return result, AnswerFault(inj.kind, seconds=inj.delay, hold=inj.hold)

    def _remember_html(self, method: str, params: JsonDict, result: Any) -> None:
        """Keep the raw HTML the bot sent, for test-facing reads (``_html``)."""
        if method == "sendmediagroup" and isinstance(result, list):
            media = params.get("media") or []
            pairs = [(m, r) for m, r in zip(media, result, strict=False) if isinstance(m, dict)]
        elif isinstance(result, dict) and "message_id" in result:
            pairs = [(params, result)]
        else:
            return
        for source, msg in pairs:
            chat_id = msg.get("chat", {}).get("id", params.get("chat_id"))
            if not isinstance(chat_id, int):
                continue
            key = (chat_id, msg["message_id"])
            raw = source.get("text", source.get("caption"))
            if str(source.get("parse_mode") or "").lower() == "html" and isinstance(raw, str):
                self.html_sources[key] = raw
            elif method.startswith("edit") and ("text" in source or "caption" in source):
                self.html_sources.pop(key, None)

    # ------------------------------------------------------------------ updates

    async def get_updates(self, params: JsonDict) -> list[JsonDict]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset")
        limit = params.get("limit")
        limit = limit if isinstance(limit, int) and 1 <= limit <= 100 else 100
        timeout = params.get("timeout")
        timeout = timeout if isinstance(timeout, int | float) and timeout > 0 else 0
        if "allowed_updates" in params and isinstance(params["allowed_updates"], list):
            self.allowed_updates = params["allowed_updates"] or None
        self._poll_generation += 1
        generation = self._poll_generation
        self.wake()  # terminates an older long poll (409 like Telegram)
        if isinstance(offset, int) and offset != 0:
            pending = len(self.updates)
            if offset > 0:
                self.updates = [
                    u for u in self.updates if u["update_id"] >= offset or self._is_forced(u)
                ]
            else:
                self.updates = self.updates[offset:]
            if len(self.updates) != pending:
                self.changed()  # confirmed updates are gone for good, also after a restart
        deadline = time.monotonic() + float(timeout)
        while True:
            if self.allowed_updates:
                allowed = set(self.allowed_updates)
                self.updates = [
                    u
                    for u in self.updates
                    if set(u) - {"update_id"} <= allowed or u["update_id"] in self._raw_ids
                ]
            self._forced = [f for f in self._forced if any(f is u for u in self.updates)]
            if self.updates or self.closing:
                batch = self.updates[:limit]
                for update in batch:
                    self.deliveries[update["update_id"]] += 1
                # delivered once: from now on the offset confirms a re-queued update
                self._forced = [f for f in self._forced if not any(f is u for u in batch)]
                return copy.deepcopy(batch)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            event = self.change_event()
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                return []
            if self._poll_generation != generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only "
                    "one bot instance is running",
                )

    def _is_forced(self, update: JsonDict) -> bool:
        return any(update is f for f in self._forced)

    # ------------------------------------------------------------------ user actions

    def user_message(
        self,
        chat_id: int,
        from_user: int,
        content: JsonDict,
        *,
        reply_to: int | None = None,
        thread_id: int | None = None,
        media_group_id: str | None = None,
    ) -> JsonDict:
        chat = self._chat(chat_id)
        user = self.users.get(from_user)
        if user is None:
            raise KeyError(f"unknown user {from_user}")
        if chat.type == "private":
            if chat_id != from_user:
                raise AssertionError(
                    f"user {from_user} can't write into the private chat of {chat_id}"
                )
            user.started = True
        else:
            chat.members.setdefault(from_user, "member")
        if thread_id is not None and chat.is_forum and thread_id not in chat.topics:
            raise AssertionError(f"no topic {thread_id} in chat {chat_id}")
        target = None
        if reply_to is not None:
            target = chat.messages.get(reply_to)
            if target is None:
                raise AssertionError(f"no message {reply_to} in chat {chat_id} to reply to")
        msg = self.create_message(
            chat,
            user,
            content,
            thread_id=thread_id if chat.is_forum else None,
            reply_target=target,
            media_group_id=media_group_id,
        )
        self.push_update({"message": copy.deepcopy(msg)})
        return copy.deepcopy(msg)

    def new_media_group_id(self) -> str:
        return str(next(self._media_group_ids))

    def press_button(self, chat_id: int, from_user: int, message_id: int, button: str) -> str:
        chat = self._chat(chat_id)
        msg = chat.messages.get(message_id)
        if msg is None:
            raise AssertionError(f"no message {message_id} in chat {chat_id}")
        rows = (msg.get("reply_markup") or {}).get("inline_keyboard") or []
        flat = [b for row in rows for b in row]
        found = next((b for b in flat if b.get("text") == button), None)
        if found is None:
            found = next((b for b in flat if b.get("callback_data") == button), None)
        if found is None:
            # a stale button: the keyboard was edited away, but a client that still shows the
            # old version can press it (the bot then gets the current message)
            for old in reversed(self.markup_history.get((chat_id, message_id), [])):
                old_flat = [b for row in old.get("inline_keyboard", []) for b in row]
                found = next((b for b in old_flat if b.get("text") == button), None) or next(
                    (b for b in old_flat if b.get("callback_data") == button), None
                )
                if found is not None:
                    break
        if found is None:
            listing = ", ".join(
                f"{b.get('text')!r} ({b.get('callback_data') or b.get('url') or '?'})"
                for b in flat
            )
            raise AssertionError(
                f"button {button!r} not found on message {message_id} in chat {chat_id}; "
                f"available buttons: [{listing}]"
            )
        if "callback_data" not in found:
            raise AssertionError(f"button {found.get('text')!r} has no callback_data: {found}")
        user = self.users[from_user]
        if chat.type == "private":
            user.started = True
        qid = str(next(self._callback_ids))
        self.callback_queries[qid] = CallbackQuery(
            qid, chat_id, message_id, from_user, found["callback_data"]
        )
        instance = hashlib.sha1(f"{self.bot_id}:{chat_id}".encode()).hexdigest()[:16]
        self.push_update(
            {
                "callback_query": {
                    "id": qid,
                    "from": user.to_dict(),
                    "message": copy.deepcopy(msg),
                    "chat_instance": str(int(instance, 16) % (1 << 62)),
                    "data": found["callback_data"],
                }
            }
        )
        return qid

    def delete_topic(self, chat_id: int, thread_id: int) -> None:
        chat = self._chat(chat_id)
        if thread_id not in chat.topics:
            raise AssertionError(f"no topic {thread_id} in chat {chat_id}")
        del chat.topics[thread_id]
        for mid in [
            m for m, msg in chat.messages.items() if msg.get("message_thread_id") == thread_id
        ]:
            del chat.messages[mid]
        self.changed()

    # ------------------------------------------------------------------ topic helpers

    def _topic_chat(self, params: JsonDict, action: str = "create") -> Chat:
        chat = self._target_chat(params.get("chat_id"), for_send=False)
        if not chat.is_forum:
            raise bad_request("the chat is not a forum")
        if not self._bot_admin(chat, "can_manage_topics"):
            raise bad_request(f"not enough rights to {action} a topic")
        return chat

    def _topic(self, chat: Chat, params: JsonDict) -> Topic:
        tid = params.get("message_thread_id")
        topic = chat.topics.get(tid) if isinstance(tid, int) else None
        if topic is None:
            raise bad_request("TOPIC_ID_INVALID")
        return topic

    def _topic_service(self, chat: Chat, topic: Topic, payload: JsonDict) -> None:
        self.create_message(chat, self.bot, payload, thread_id=topic.thread_id)
        self.changed()


# ---------------------------------------------------------------------- Bot API methods
# Each method is ``m_<canonicalName>(state, params, files)``; registered in _METHODS.

Handler = Callable[[EmulatorState, JsonDict, dict[str, UploadedFile]], Any]
_METHODS: dict[str, Handler] = {}


def api(func: Handler) -> Handler:
    _METHODS[func.__name__.removeprefix("m_").lower()] = func
    return func


@api
def m_getMe(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> JsonDict:
    return s.bot.to_dict() | {
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@api
def m_logOut(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> bool:
    return True


@api
def m_close(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> bool:
    return True


@api
def m_getUpdates(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> Any:
    raise AssertionError("handled asynchronously in EmulatorState.call")  # pragma: no cover


@api
def m_setWebhook(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> bool:
    url = p.get("url") or ""
    if url and not str(url).startswith("https://"):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    s.webhook_url = str(url)
    _drop_pending(s, p)
    return True


@api
def m_deleteWebhook(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> bool:
    s.webhook_url = ""
    _drop_pending(s, p)
    return True


def _drop_pending(s: EmulatorState, p: JsonDict) -> None:
    """``drop_pending_updates`` of setWebhook/deleteWebhook."""
    if p.get("drop_pending_updates") and s.updates:
        s.updates.clear()
        s.changed()


@api
def m_getWebhookInfo(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> JsonDict:
    return {
        "url": s.webhook_url,
        "has_custom_certificate": False,
        "pending_update_count": len(s.updates),
    }


def _commands_key(p: JsonDict) -> tuple[str, str]:
    scope = p.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), str(p.get("language_code") or "")


@api
def m_setMyCommands(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> bool:
    commands = p.get("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    for c in commands:
        name = c.get("command", "") if isinstance(c, dict) else ""
        desc = c.get("description", "") if isinstance(c, dict) else ""
        if not (1 <= len(name) <= 32) or not all(
            ch.islower() or ch.isdigit() or ch == "_" for ch in name
        ):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(desc) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    s.commands[_commands_key(p)] = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    s.changed()
    return True


@api
def m_getMyCommands(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> list[JsonDict]:
    return copy.deepcopy(s.commands.get(_commands_key(p), []))


@api
def m_deleteMyCommands(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> bool:
    s.commands.pop(_commands_key(p), None)
    s.changed()
    return True


@api
def m_getChat(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> JsonDict:
    chat = s._target_chat(p.get("chat_id"), for_send=False)
    info = chat.to_dict() | {
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }
    if chat.type != "private":
        info["permissions"] = {
            "can_send_messages": True,
            "can_send_audios": True,
            "can_send_documents": True,
            "can_send_photos": True,
            "can_send_videos": True,
            "can_send_video_notes": True,
            "can_send_voice_notes": True,
            "can_send_polls": True,
            "can_send_other_messages": True,
            "can_add_web_page_previews": True,
            "can_change_info": False,
            "can_invite_users": True,
            "can_pin_messages": False,
            "can_manage_topics": False,
        }
    return info


def _admin_member(user: JsonDict, rights: JsonDict, *, is_bot: bool) -> JsonDict:
    return {
        "status": "administrator",
        "user": user,
        "can_be_edited": False,
        "is_anonymous": False,
        "can_manage_chat": True,
        "can_delete_messages": bool(rights.get("can_delete_messages", True)),
        "can_manage_video_chats": False,
        "can_restrict_members": False,
        "can_promote_members": False,
        "can_change_info": False,
        "can_invite_users": True,
        "can_post_stories": False,
        "can_edit_stories": False,
        "can_delete_stories": False,
        "can_pin_messages": bool(rights.get("can_pin_messages", True)),
        "can_manage_topics": bool(rights.get("can_manage_topics", True)),
    }


def _member(s: EmulatorState, chat: Chat, user_id: int) -> JsonDict:
    if user_id == s.bot_id:
        if chat.type == "private":
            return {"status": "member", "user": s.bot.to_dict()}
        if chat.bot_status == "administrator":
            return _admin_member(s.bot.to_dict(), chat.bot_rights, is_bot=True)
        if chat.bot_status == "kicked":
            return {"status": "kicked", "user": s.bot.to_dict(), "until_date": 0}
        return {"status": chat.bot_status, "user": s.bot.to_dict()}
    user = s.users.get(user_id)
    if user is None:
        raise bad_request("PARTICIPANT_ID_INVALID")
    if chat.type == "private":
        if user_id != chat.id:
            raise bad_request("user not found")
        return {"status": "member", "user": user.to_dict()}
    status = chat.members.get(user_id, "left")
    if status == "creator":
        return {"status": "creator", "user": user.to_dict(), "is_anonymous": False}
    if status == "administrator":
        return _admin_member(user.to_dict(), {}, is_bot=False)
    if status == "kicked":
        return {"status": "kicked", "user": user.to_dict(), "until_date": 0}
    return {"status": status, "user": user.to_dict()}


@api
def m_leaveChat(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> bool:
    chat = s._target_chat(p.get("chat_id"), for_send=True)
    if chat.type == "private":
        raise bad_request("chat member status can't be changed in private chats")
    old, chat.bot_status = chat.bot_status, "left"
    s._bot_member_update(chat, s.bot, old, "left")
    s.changed()
    return True


@api
def m_getChatMember(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> JsonDict:
    chat = s._target_chat(p.get("chat_id"), for_send=False)
    user_id = p.get("user_id")
    if not isinstance(user_id, int):
        raise bad_request(
            "user_id is empty" if user_id in (None, "") else "invalid user_id specified"
        )
    return _member(s, chat, user_id)


@api
def m_getChatAdministrators(
    s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]
) -> list[JsonDict]:
    chat = s._target_chat(p.get("chat_id"), for_send=False)
    if chat.type == "private":
        raise bad_request("there are no administrators in the private chat")
    result = [_member(s, chat, uid) for uid, st in chat.members.items() if st == "creator"] + [
        _member(s, chat, uid) for uid, st in chat.members.items() if st == "administrator"
    ]
    if chat.bot_status == "administrator":
        result.append(_member(s, chat, s.bot_id))
    return result


@api
def m_getChatMemberCount(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> int:
    chat = s._target_chat(p.get("chat_id"), for_send=False)
    if chat.type == "private":
        return 2
    return 1 + sum(1 for st in chat.members.values() if st not in ("left", "kicked"))


@api
def m_sendMessage(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> JsonDict:
    def content() -> JsonDict:
        text, ents = s._format(p.get("text"), p.get("parse_mode"), p.get("entities"))
        out: JsonDict = {"text": text}
        if ents:
            out["entities"] = ents
        lpo = p.get("link_preview_options")
        if isinstance(lpo, dict) and lpo:
            out["link_preview_options"] = lpo
        elif p.get("disable_web_page_preview"):
            out["link_preview_options"] = {"is_disabled": True}
        return out

    return s._bot_send(p, content)


def _media_sender(kind: str) -> Handler:
    def send(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> JsonDict:
        def content() -> JsonDict:
            caption = s._caption_content(p) if kind not in ("sticker", "video_note") else {}
            extra = {
                k: p.get(k)
                for k in ("width", "height", "duration", "length", "performer", "title", "emoji")
            }
            obj = s._resolve_media(kind, p.get(kind), f, extra)
            return {kind: obj, **caption}

        return s._bot_send(p, content)

    send.__name__ = "m_send" + "".join(part.title() for part in kind.split("_"))
    return send


for _kind in MEDIA_KINDS:
    api(_media_sender(_kind))


@api
def m_sendLocation(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> JsonDict:
    lat, lon = p.get("latitude"), p.get("longitude")
    if not isinstance(lat, float) or not isinstance(lon, float):
        raise bad_request("wrong latitude/longitude specified")
    return s._bot_send(p, {"location": {"latitude": lat, "longitude": lon}})


@api
def m_sendContact(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> JsonDict:
    if not p.get("phone_number"):
        raise bad_request("phone number is empty")
    if not p.get("first_name"):
        raise bad_request("first name is empty")
    contact = {"phone_number": str(p["phone_number"]), "first_name": str(p["first_name"])}
    if p.get("last_name"):
        contact["last_name"] = str(p["last_name"])
    return s._bot_send(p, {"contact": contact})


@api
def m_sendMediaGroup(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> list[JsonDict]:
    media = p.get("media")
    if not isinstance(media, list):
        raise bad_request("can't parse media JSON object")
    chat = s._target_chat(p.get("chat_id"))
    thread_id = s._thread(chat, p.get("message_thread_id"))
    if not 2 <= len(media) <= 10:
        raise bad_request("wrong number of messages in the media group")
    types = [m.get("type") if isinstance(m, dict) else None for m in media]
    for t in types:
        if t not in ("photo", "video", "document", "audio"):
            raise bad_request(f"media type {t!r} is not supported in a media group")
    for special in ("document", "audio"):
        if special in types and any(t != special for t in types):
            raise bad_request(f"{special} can't be mixed with other media types")
    target, reply = s._reply_target(chat, p)
    contents = []
    for item in media:
        kind = item["type"]
        obj = s._resolve_media(kind, item.get("media"), f, item)
        contents.append({kind: obj, **s._caption_content(item)})
    group_id = s.new_media_group_id()
    messages = [
        s.create_message(
            chat,
            s.bot,
            c,
            thread_id=thread_id,
            reply_target=target,
            media_group_id=group_id,
            external_chat=reply.get("_external_chat"),
        )
        for c in contents
    ]
    s.changed()
    return messages


def _content_of(msg: JsonDict) -> JsonDict:
    return {k: copy.deepcopy(msg[k]) for k in COPY_KEYS if k in msg}


def _source(s: EmulatorState, p: JsonDict, what: str) -> tuple[Chat, JsonDict]:
    src_id = p.get("from_chat_id")
    try:
        src = s._target_chat(src_id, for_send=False)
    except ApiError:
        raise bad_request(f"message to {what} not found") from None
    mid = p.get("message_id")
    msg = src.messages.get(mid) if isinstance(mid, int) else None
    if msg is None:
        raise bad_request(f"message to {what} not found")
    return src, msg


def _copy_content(s: EmulatorState, p: JsonDict, msg: JsonDict) -> JsonDict:
    if _is_service(msg):
        raise bad_request("message can't be copied")
    content = _content_of(msg)
    if "caption" in p or p.get("remove_caption"):
        for k in ("caption", "caption_entities"):
            content.pop(k, None)
        if not p.get("remove_caption"):
            content.update(s._caption_content(p))
    return content


@api
def m_copyMessage(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> JsonDict:
    s._target_chat(p.get("chat_id"))
    _, msg = _source(s, p, "copy")
    content = _copy_content(s, p, msg)
    new = s._bot_send(p, content)
    return {"message_id": new["message_id"]}


@api
def m_copyMessages(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> list[JsonDict]:
    chat = s._target_chat(p.get("chat_id"))
    thread_id = s._thread(chat, p.get("message_thread_id"))
    ids = p.get("message_ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, int) for i in ids):
        raise bad_request("message identifiers are not specified")
    if len(ids) > 100:
        raise bad_request("too many messages to copy")
    try:
        src = s._target_chat(p.get("from_chat_id"), for_send=False)
    except ApiError:
        raise bad_request("message to copy not found") from None
    result: list[JsonDict] = []
    group_map: dict[str, str] = {}
    for mid in ids:
        msg = src.messages.get(mid)
        if msg is None or _is_service(msg):
            continue
        content = _content_of(msg)
        if p.get("remove_caption"):
            content.pop("caption", None)
            content.pop("caption_entities", None)
        gid = msg.get("media_group_id")
        new_gid = None
        if gid is not None:
            new_gid = group_map.setdefault(gid, s.new_media_group_id())
        new = s.create_message(chat, s.bot, content, thread_id=thread_id, media_group_id=new_gid)
        result.append({"message_id": new["message_id"]})
    if not result:
        raise bad_request("message to copy not found")
    s.changed()
    return result


@api
def m_forwardMessage(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> JsonDict:
    s._target_chat(p.get("chat_id"))
    _, msg = _source(s, p, "forward")
    if _is_service(msg):
        raise bad_request("message can't be forwarded")
    content = _content_of(msg)
    content.pop("link_preview_options", None)
    extra = {"forward_origin": s._origin(msg)}
    params = {
        k: v
        for k, v in p.items()
        if k not in ("reply_parameters", "reply_to_message_id", "reply_markup")
    }
    return s._bot_send(params, content, extra=extra)


@api
def m_forwardMessages(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> list[JsonDict]:
    chat = s._target_chat(p.get("chat_id"))
    thread_id = s._thread(chat, p.get("message_thread_id"))
    ids = p.get("message_ids")
    if not isinstance(ids, list) or not ids:
        raise bad_request("message identifiers are not specified")
    src = s._target_chat(p.get("from_chat_id"), for_send=False)
    result = []
    group_map: dict[str, str] = {}
    for mid in ids:
        msg = src.messages.get(mid) if isinstance(mid, int) else None
        if msg is None or _is_service(msg):
            continue
        gid = msg.get("media_group_id")
        new_gid = group_map.setdefault(gid, s.new_media_group_id()) if gid else None
        new = s.create_message(
            chat,
            s.bot,
            _content_of(msg),
            thread_id=thread_id,
            media_group_id=new_gid,
            extra={"forward_origin": s._origin(msg)},
        )
        result.append({"message_id": new["message_id"]})
    if not result:
        raise bad_request("message to forward not found")
    s.changed()
    return result


def _edit_target(s: EmulatorState, p: JsonDict) -> tuple[Chat, JsonDict]:
    if p.get("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    chat = s._target_chat(p.get("chat_id"), for_send=False)
    mid = p.get("message_id")
    msg = chat.messages.get(mid) if isinstance(mid, int) else None
    if msg is None:
        raise bad_request("message to edit not found")
    if msg.get("from", {}).get("id") != s.bot_id or _is_service(msg):
        raise bad_request("message can't be edited")
    return chat, msg


def _apply_edit(
    s: EmulatorState, msg: JsonDict, changes: JsonDict, markup: JsonDict | None
) -> JsonDict:
    new_markup = markup if markup and markup.get("inline_keyboard") else None
    same = all((msg.get(k) or None) == (v or None) for k, v in changes.items())
    if same and msg.get("reply_markup") == new_markup:
        raise bad_request(NOT_MODIFIED[len("Bad Request: ") :])
    for k, v in changes.items():
        if v in (None, [], ""):
            msg.pop(k, None)
        else:
            msg[k] = copy.deepcopy(v)
    if new_markup is None:
        msg.pop("reply_markup", None)
    else:
        msg["reply_markup"] = copy.deepcopy(new_markup)
        key = (msg["chat"]["id"], msg["message_id"])
        s.markup_history.setdefault(key, []).append(copy.deepcopy(new_markup))
    msg["edit_date"] = s.now()
    s.changed()
    return copy.deepcopy(msg)


@api
def m_editMessageText(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> Any:
    _, msg = _edit_target(s, p)
    text, ents = s._format(p.get("text"), p.get("parse_mode"), p.get("entities"))
    if "text" not in msg:
        raise bad_request("there is no text in the message to edit")
    markup = s._check_markup(p.get("reply_markup"))
    changes: JsonDict = {"text": text, "entities": ents or None}
    lpo = p.get("link_preview_options")
    if isinstance(lpo, dict) and lpo:
        changes["link_preview_options"] = lpo
    return _apply_edit(s, msg, changes, markup)


@api
def m_editMessageCaption(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> Any:
    _, msg = _edit_target(s, p)
    if not any(k in msg for k in MEDIA_KINDS):
        raise bad_request("there is no caption in the message to edit")
    caption, ents = s._format(
        p.get("caption"), p.get("parse_mode"), p.get("caption_entities"), caption=True
    )
    markup = s._check_markup(p.get("reply_markup"))
    return _apply_edit(
        s, msg, {"caption": caption or None, "caption_entities": ents or None}, markup
    )


@api
def m_editMessageReplyMarkup(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> Any:
    _, msg = _edit_target(s, p)
    markup = s._check_markup(p.get("reply_markup"))
    return _apply_edit(s, msg, {}, markup)


@api
def m_deleteMessage(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> bool:
    chat = s._target_chat(p.get("chat_id"), for_send=False)
    mid = p.get("message_id")
    msg = chat.messages.get(mid) if isinstance(mid, int) else None
    if msg is None:
        raise bad_request("message to delete not found")
    own = msg.get("from", {}).get("id") == s.bot_id
    if chat.type != "private" and not own and not s._bot_admin(chat, "can_delete_messages"):
        raise bad_request("message can't be deleted")
    del chat.messages[msg["message_id"]]
    s.changed()
    return True


@api
def m_deleteMessages(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> bool:
    chat = s._target_chat(p.get("chat_id"), for_send=False)
    ids = p.get("message_ids")
    if not isinstance(ids, list) or not ids:
        raise bad_request("message identifiers are not specified")
    for mid in ids:
        if isinstance(mid, int):
            chat.messages.pop(mid, None)
    s.changed()
    return True


@api
def m_answerCallbackQuery(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> bool:
    qid = p.get("callback_query_id")
    query = s.callback_queries.get(str(qid)) if qid is not None else None
    if query is None or query.answered or query.expired:
        raise bad_request(QUERY_TOO_OLD[len("Bad Request: ") :])
    query.answered = True
    s.callback_answers.append(
        {"id": query.id, "text": p.get("text"), "show_alert": bool(p.get("show_alert", False))}
    )
    s.changed()
    return True


@api
def m_setMessageReaction(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> bool:
    chat = s._target_chat(p.get("chat_id"), for_send=False)
    mid = p.get("message_id")
    if not isinstance(mid, int) or mid not in chat.messages:
        raise bad_request("message to react not found")
    reaction = p.get("reaction") or []
    if not isinstance(reaction, list):
        raise bad_request("can't parse reaction types JSON object")
    for r in reaction:
        if not isinstance(r, dict) or r.get("type") not in ("emoji", "custom_emoji", "paid"):
            raise bad_request("REACTION_INVALID")
        if r["type"] == "emoji" and not r.get("emoji"):
            raise bad_request("REACTION_INVALID")
    if len(reaction) > 1:
        raise bad_request("REACTIONS_TOO_MANY")
    s.reactions_store[(chat.id, mid)] = copy.deepcopy(reaction)
    s.changed()
    return True


@api
def m_sendChatAction(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> bool:
    chat = s._target_chat(p.get("chat_id"))
    s._thread(chat, p.get("message_thread_id"))
    if p.get("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    s.chat_actions[(chat.id, p.get("message_thread_id"))] = (str(p["action"]), time.time())
    s.changed()
    return True


@api
def m_getFile(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> JsonDict:
    fid = p.get("file_id")
    if not fid:
        raise bad_request("file_id is empty")
    stored = s.files.get(str(fid))
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.file_size > 20 * 1024 * 1024:
        raise bad_request("file is too big")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.file_size,
        "file_path": stored.file_path,
    }


@api
def m_createForumTopic(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> JsonDict:
    chat = s._topic_chat(p, "create")
    name = p.get("name")
    if not isinstance(name, str) or not 1 <= utf16_len(name) <= 128:
        raise bad_request("TOPIC_NAME_INVALID")
    color = p.get("icon_color")
    color = color if isinstance(color, int) else DEFAULT_ICON_COLOR
    created: JsonDict = {"name": name, "icon_color": color}
    emoji = p.get("icon_custom_emoji_id")
    if emoji:
        created["icon_custom_emoji_id"] = str(emoji)
    thread_id = chat.next_message_id
    topic = Topic(thread_id, name, color, str(emoji) if emoji else None)
    chat.topics[thread_id] = topic
    s.create_message(chat, s.bot, {"forum_topic_created": created}, thread_id=thread_id)
    s.changed()
    return topic.to_dict()


@api
def m_editForumTopic(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> bool:
    chat = s._topic_chat(p, "edit")
    topic = s._topic(chat, p)
    name = p.get("name")
    emoji = p.get("icon_custom_emoji_id")
    edited: JsonDict = {}
    if name is not None:
        if not isinstance(name, str) or not 1 <= utf16_len(name) <= 128:
            raise bad_request("TOPIC_NAME_INVALID")
        if name != topic.name:
            edited["name"] = name
    if emoji is not None and (emoji or None) != topic.icon_custom_emoji_id:
        edited["icon_custom_emoji_id"] = str(emoji)
    if not edited:
        raise bad_request("TOPIC_NOT_MODIFIED")
    if "name" in edited:
        topic.name = edited["name"]
    if "icon_custom_emoji_id" in edited:
        topic.icon_custom_emoji_id = edited["icon_custom_emoji_id"] or None
    s._topic_service(chat, topic, {"forum_topic_edited": edited})
    return True


@api
def m_closeForumTopic(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> bool:
    chat = s._topic_chat(p, "close")
    topic = s._topic(chat, p)
    if topic.closed:
        raise bad_request("TOPIC_NOT_MODIFIED")
    topic.closed = True
    s._topic_service(chat, topic, {"forum_topic_closed": {}})
    return True


@api
def m_reopenForumTopic(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> bool:
    chat = s._topic_chat(p, "reopen")
    topic = s._topic(chat, p)
    if not topic.closed:
        raise bad_request("TOPIC_NOT_MODIFIED")
    topic.closed = False
    s._topic_service(chat, topic, {"forum_topic_reopened": {}})
    return True


@api
def m_deleteForumTopic(s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]) -> bool:
    chat = s._topic_chat(p, "delete")
    topic = s._topic(chat, p)
    if not s._bot_admin(chat, "can_delete_messages"):
        raise bad_request("not enough rights to delete a topic")
    s.delete_topic(chat.id, topic.thread_id)
    return True


@api
def m_getForumTopicIconStickers(
    s: EmulatorState, p: JsonDict, f: dict[str, UploadedFile]
) -> list[JsonDict]:
    return []
