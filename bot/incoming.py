"""What a message from Telegram carries, as the desk stores it: its kind, text (plain and as
HTML) and main file."""

from __future__ import annotations

import html as html_lib
from dataclasses import dataclass

from telegram import Message


@dataclass(frozen=True)
class Incoming:
    """What a Telegram message carries, as stored in the ticket's history."""

    kind: str
    text: str
    file_id: str | None
    media_group_id: str | None
    html: str = ""


def describe_message(message: Message) -> Incoming:
    """Reads a message's kind, text or caption and main file."""
    text = message.text or message.caption or ""
    kind, file_id = "text", None
    if message.photo:
        kind, file_id = "photo", message.photo[-1].file_id
    else:
        # A GIF carries both "animation" and "document": animation goes first to be seen.
        for name in ("animation", "document", "video", "audio", "voice", "sticker", "video_note"):
            media = getattr(message, name, None)
            if media is not None:
                kind, file_id = name, media.file_id
                if name == "document" and not text and message.document:
                    text = message.document.file_name or ""
                break
        else:
            if message.location is not None:
                kind = "location"
                text = f"{message.location.latitude}, {message.location.longitude}"
            elif message.contact is not None:
                kind = "contact"
                text = f"{message.contact.first_name} {message.contact.phone_number}"
            elif message.text is None and message.caption is None:
                kind = "other"
    try:
        html_text = (
            message.text_html
            if message.text is not None
            else (message.caption_html if message.caption is not None else "")
        )
    except Exception:  # entities Telegram sent that PTB cannot render: keep the plain text
        html_text = html_lib.escape(message.text or message.caption or "", quote=False)
    return Incoming(
        kind=kind,
        text=text,
        file_id=file_id,
        media_group_id=message.media_group_id,
        html=html_text,
    )


@dataclass(frozen=True)
class ClientMessage:
    """A client's message in their private chat, as the use cases route it."""

    message_id: int
    #: What it carries (:func:`describe_message`).
    content: Incoming
    #: Its text, None for a file, a caption or anything else.
    text: str | None
    #: Its text or caption, as written.
    words: str
    #: A photo, document, video or voice message: something the knowledge base cannot read.
    attachment: bool = False
    #: The message it replies to, and whether that one was sent by a bot.
    reply_to: int | None = None
    reply_to_bot: bool = False


def client_message(message: Message) -> ClientMessage:
    """Reads a client's message for :class:`ClientMessage`."""
    reply = message.reply_to_message
    return ClientMessage(
        message_id=message.message_id,
        content=describe_message(message),
        text=message.text,
        words=message.text or message.caption or "",
        attachment=bool(message.photo or message.document or message.video or message.voice),
        reply_to=reply.message_id if reply is not None else None,
        reply_to_bot=reply is not None and reply.from_user is not None and reply.from_user.is_bot,
    )
