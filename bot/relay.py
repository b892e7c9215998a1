"""What the relay reads from Telegram: a message's kind, text and file, and what an error
means. Sending is the dispatcher's (``bot/dispatcher.py``); handlers only store records
(``bot/outbox.py``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx
from telegram import Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.context import Desk
from storage import repo
from storage.models import Client, Ticket

logger = logging.getLogger(__name__)


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
        import html as html_lib

        html_text = html_lib.escape(message.text or message.caption or "", quote=False)
    return Incoming(
        kind=kind,
        text=text,
        file_id=file_id,
        media_group_id=message.media_group_id,
        html=html_text,
    )


# --- classifying Telegram's answers ------------------------------------------------------

THREAD_GONE = ("message thread not found", "topic_deleted", "topic_id_invalid", "thread not found")
REPLY_GONE = ("message to be replied not found", "replied message not found")


def classify(exc: TelegramError) -> str:
    """Sorts an error into what to do about it."""
    if isinstance(exc, RetryAfter):
        return "retry"
    if isinstance(exc, Forbidden):
        return "blocked"
    if isinstance(exc, BadRequest):
        message = exc.message.lower()
        if any(part in message for part in THREAD_GONE):
            return "thread_gone"
        if any(part in message for part in REPLY_GONE):
            return "reply_gone"
        return "bad"
    if isinstance(exc, TimedOut):
        return "timeout"
    if isinstance(exc, NetworkError):
        return "retry"
    return "bad"


def request_never_left(exc: TelegramError) -> bool:
    """Whether a failed request certainly did not reach Telegram: no connection could be
    made, or the connection pool gave no socket. Anything else may have arrived."""
    cause = exc.__cause__
    if isinstance(cause, httpx.ConnectTimeout | httpx.PoolTimeout | httpx.ConnectError):
        return True
    return isinstance(exc, TimedOut) and cause is None and "pool timeout" in exc.message.lower()


async def mark_blocked(desk: Desk, client_id: int) -> None:
    """Telegram said the client blocked the bot: remember it and stop their release news."""
    async with desk.tx() as session:
        client = await repo.get_client(session, client_id=client_id)
        if client is not None:
            if client.blocked_at is None:
                client.blocked_at = desk.clock.now()
            client.subscribed = False


async def client_of(desk: Desk, ticket: Ticket) -> Client:
    """The ticket's client row."""
    async with desk.tx() as session:
        client = await repo.get_client(session, client_id=ticket.client_id)
    assert client is not None
    return client
