"""Bot API request parameter decoding.

python-telegram-bot sends every string value raw and JSON-encodes every other value
(``"123"``, ``"true"``, ``"[...]"``). Telegram decodes a parameter according to its declared
type, so free-text fields such as ``text`` or ``caption`` are never JSON-decoded: a user text
``"true"`` stays a string. This module does the same, based on the parameter name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

__all__ = ["UploadedFile", "normalize_params"]


@dataclass
class UploadedFile:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    data: bytes

    def __repr__(self) -> str:  # keep call logs readable
        return f"UploadedFile({self.filename!r}, {self.content_type!r}, {len(self.data)} bytes)"


INT_FIELDS = frozenset(
    {
        "message_id",
        "message_thread_id",
        "reply_to_message_id",
        "offset",
        "limit",
        "timeout",
        "user_id",
        "icon_color",
        "cache_time",
        "duration",
        "width",
        "height",
        "length",
        "live_period",
        "heading",
        "proximity_alert_radius",
        "max_connections",
        "until_date",
        "direct_messages_topic_id",
        "video_start_timestamp",
        "star_count",
        "open_period",
        "close_date",
        "correct_option_id",
        "sender_chat_id",
    }
)
FLOAT_FIELDS = frozenset({"latitude", "longitude", "horizontal_accuracy"})
CHAT_ID_FIELDS = frozenset({"chat_id", "from_chat_id"})
BOOL_FIELDS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "allow_sending_without_reply",
        "show_alert",
        "is_big",
        "disable_web_page_preview",
        "supports_streaming",
        "disable_content_type_detection",
        "show_caption_above_media",
        "drop_pending_updates",
        "remove_caption",
        "allow_paid_broadcast",
        "only_if_banned",
        "revoke_messages",
        "for_channels",
        "allows_multiple_answers",
    }
)
BOOL_PREFIXES = ("can_", "is_", "has_")
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "media",
        "message_ids",
        "reply_parameters",
        "link_preview_options",
        "reaction",
        "allowed_updates",
        "commands",
        "scope",
        "results",
        "options",
        "explanation_entities",
        "question_entities",
        "suggested_post_parameters",
        "rights",
        "permissions",
        "button",
        "menu_button",
    }
)


def _to_int(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return value
    return value


def _to_float(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return value
    return value


def _to_bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str):
        low = value.strip().lower()
        if low in ("true", "1", "yes"):
            return True
        if low in ("false", "0", "no", ""):
            return False
    return value


def _to_json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _to_chat_id(value: Any) -> Any:
    if isinstance(value, str) and value.strip().startswith("@"):
        return value.strip()
    return _to_int(value)


def normalize_params(
    raw: dict[str, Any], files: dict[str, UploadedFile] | None = None
) -> dict[str, Any]:
    """Decode request parameters by name. Works for both form values (all strings) and
    JSON bodies (already typed). Uploaded files whose part name is not otherwise referenced
    by a parameter become the value of that parameter (PTB sends ``photo=<file part>``)."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key in CHAT_ID_FIELDS:
            out[key] = _to_chat_id(value)
        elif key in INT_FIELDS:
            out[key] = _to_int(value)
        elif key in FLOAT_FIELDS:
            out[key] = _to_float(value)
        elif key in BOOL_FIELDS or key.startswith(BOOL_PREFIXES):
            out[key] = _to_bool(value)
        elif key in JSON_FIELDS:
            out[key] = _to_json(value)
        elif isinstance(value, str | UploadedFile):
            out[key] = value
        elif value is None:
            continue
        elif isinstance(value, int | float | bool):
            # a JSON body may send numbers for string fields; Telegram stringifies them
            out[key] = json.dumps(value) if isinstance(value, bool) else str(value)
        else:
            out[key] = value
    raw_text = " ".join(v for v in raw.values() if isinstance(v, str))
    for name, upload in (files or {}).items():
        if name not in out and f"attach://{name}" not in raw_text:
            out[name] = upload
    return out
