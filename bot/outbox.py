"""What the bot sends, written down before it is sent.

Handlers never call Telegram to send. Inside a unit of work (``desk.unit()``) they describe
what to send through :class:`Out`; each message becomes an outgoing record in the same
transaction as the change that causes it, and the dispatcher (``bot/dispatcher.py``) sends it
once the transaction has committed. So a crash can never lose a message whose cause was
stored, nor store a cause without its message; and an update handled twice is refused
before either happens (see ``bot/context.py``).

Lanes keep order: ``c:<chat>`` a private chat, ``t:<ticket>`` a ticket's thread in the
operator group (its first appearance, the client's messages, notices about it), ``q:<ticket>``
answers to engineers' commands in it, ``g:<thread>`` the rest of the group, ``k:...``
cosmetic state (a topic title, a header card) that converges to its latest version, and
``r:<chat>`` reactions. A record waits for the earlier records of its lane only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup, Message

from desk.delivery import OnUnknown, Priority
from storage import outbox as records
from storage.models import Outgoing

if TYPE_CHECKING:
    from bot.context import Desk
    from bot.service.origin import Origin

# Virtual methods: the relay's own steps, planned when they are sent (bot/dispatcher.py).
OPEN = "open"  # a ticket's first appearance: topic, header card, description
RELAY_IN = "relay_in"  # a client's stored messages into the ticket's thread
RELAY_OUT = "relay_out"  # an engineer's stored messages to the client
CARD = "card"  # redraw the header card
TITLE = "title"  # rename the topic (its colour marker)
FEEDBACK = "feedback"  # the client's rating and comment, shown to engineers
PREVIEW = "preview"  # new tickets shown in General while their topics wait
QUEUE_STATUS = "queue_status"  # the group's queue is behind / caught up
FAILURES = "failures"  # replies to clients that may not have arrived (no ticket)
FOLLOW_EDIT = "follow_edit"  # a relayed message was edited: its copy follows

VIRTUAL = frozenset(
    {
        OPEN,
        RELAY_IN,
        RELAY_OUT,
        CARD,
        TITLE,
        FEEDBACK,
        PREVIEW,
        QUEUE_STATUS,
        FAILURES,
        FOLLOW_EDIT,
    }
)


# A ticket's topic locked with the ticket and opened with it: plain Bot API calls whose
# topic is looked up when they are sent (``_thread``).
TOPIC_STATE = frozenset({"closeForumTopic", "reopenForumTopic"})


def markup_json(markup: InlineKeyboardMarkup | None) -> dict[str, Any] | None:
    """An inline keyboard as the Bot API takes it."""
    return markup.to_dict() if markup is not None else None


class Out:
    """The messages one unit of work sends: records in its transaction.

    Every method stores a record and returns it; nothing leaves before the transaction
    commits. Texts are Telegram HTML (values escaped by the text catalog).
    """

    def __init__(self, session: AsyncSession, desk: Desk, update_id: int | None) -> None:
        self.session = session
        self.desk = desk
        self.update_id = update_id
        self.count = 0
        self.methods: list[str] = []

    async def _add(
        self,
        *,
        lane: str,
        chat_id: int,
        method: str,
        params: dict[str, Any],
        purpose: str,
        priority: int,
        on_unknown: OnUnknown,
        ticket_id: int | None = None,
        coalesce_key: str | None = None,
        delay: timedelta | None = None,
    ) -> Outgoing:
        now = datetime.now(UTC)  # the outbox keeps real time, whatever the desk's clock says
        record = await records.add(
            self.session,
            lane=lane,
            chat_id=chat_id,
            method=method,
            params={k: v for k, v in params.items() if v is not None},
            purpose=purpose,
            priority=int(priority),
            on_unknown=on_unknown.value,
            ticket_id=ticket_id,
            coalesce_key=coalesce_key,
            not_before=now + delay if delay else None,
            update_id=self.update_id,
            now=now,
        )
        self.count += 1
        self.methods.append(f"{method}@{lane}")
        return record

    # --- private chats -------------------------------------------------------------------

    async def message(
        self,
        chat_id: int,
        text: str,
        *,
        markup: InlineKeyboardMarkup | None = None,
        ticket_id: int | None = None,
        reply_to: int | None = None,
        after: Sequence[tuple[str, int]] = (),
        purpose: str = "reply",
    ) -> Outgoing:
        """A text to a person's private chat; `ticket_id` links it, so replies map back."""
        effects = [*after]
        if ticket_id is not None:
            effects.append(("link", ticket_id))
        return await self._add(
            lane=f"c:{chat_id}",
            chat_id=chat_id,
            method="sendMessage",
            params={
                "chat_id": chat_id,
                "text": text,
                "parse_mode": "HTML",
                "reply_markup": markup_json(markup),
                "reply_parameters": _reply(reply_to),
                "_after": effects or None,
            },
            purpose=purpose,
            priority=Priority.ANSWER,
            on_unknown=OnUnknown.REPORT,
            ticket_id=ticket_id,
        )

    async def edit(
        self,
        chat_id: int,
        message_id: int,
        text: str,
        *,
        markup: InlineKeyboardMarkup | None = None,
        fallback: bool = True,
        ticket_id: int | None = None,
    ) -> Outgoing:
        """Replaces a bot message's text (and buttons); if Telegram cannot edit it, the text
        is sent as a new message instead (`fallback`)."""
        return await self._add(
            lane=f"c:{chat_id}" if chat_id > 0 else f"g:edit:{message_id}",
            chat_id=chat_id,
            method="editMessageText",
            params={
                "chat_id": chat_id,
                "message_id": message_id,
                "text": text,
                "parse_mode": "HTML",
                "reply_markup": markup_json(markup),
                "_fallback": fallback,
                "_after": [("link", ticket_id)] if ticket_id is not None else None,
            },
            purpose="reply",
            priority=Priority.ANSWER,
            # An edit done twice changes nothing: after an unknown outcome it is tried again.
            on_unknown=OnUnknown.RETRY,
            ticket_id=ticket_id,
        )

    async def follow_edit(
        self, *, ticket_id: int, row_id: int, to_client: bool, chat_id: int
    ) -> Outgoing:
        """A relayed message was edited: its copy follows, after the copy itself (same lane),
        rendered when sent from the stored row. A copy Telegram cannot edit (too old, a kind it
        cannot edit, part of a combined message or of the header card) becomes a notice in the
        ticket's thread with the new text."""
        return await self._add(
            lane=f"c:{chat_id}" if to_client else f"t:{ticket_id}",
            chat_id=chat_id,
            method=FOLLOW_EDIT,
            params={"row": row_id},
            purpose="edit",
            priority=Priority.CONTENT,
            on_unknown=OnUnknown.RETRY,
            ticket_id=ticket_id,
        )

    async def drop_buttons(self, chat_id: int, message_id: int) -> Outgoing:
        """Removes the buttons under a bot message (harmless if Telegram refuses)."""
        return await self._add(
            lane=f"c:{chat_id}" if chat_id > 0 else f"g:edit:{message_id}",
            chat_id=chat_id,
            method="editMessageReplyMarkup",
            params={"chat_id": chat_id, "message_id": message_id, "_optional": True},
            purpose="buttons",
            priority=Priority.ANSWER,
            on_unknown=OnUnknown.RETRY,
        )

    async def react(self, chat_id: int, message_id: int, emoji: str) -> Outgoing:
        """A reaction on a message: an acknowledgement that costs no message."""
        return await self._add(
            lane=f"r:{chat_id}",
            chat_id=chat_id,
            method="setMessageReaction",
            params={
                "chat_id": chat_id,
                "message_id": message_id,
                "reaction": [{"type": "emoji", "emoji": emoji}],
                "_optional": True,
            },
            purpose="reaction",
            priority=Priority.ANSWER,
            on_unknown=OnUnknown.RESEND,
        )

    async def leave(self, chat_id: int) -> Outgoing:
        """The bot leaves a group it does not serve (once: a second request while the first
        waits is the same record; harmless if the bot is already out)."""
        return await self._add(
            lane=f"x:{chat_id}",
            chat_id=chat_id,
            method="leaveChat",
            params={"chat_id": chat_id, "_optional": True},
            purpose="leave",
            priority=Priority.ANSWER,
            on_unknown=OnUnknown.RETRY,
            coalesce_key=f"leave:{chat_id}",
        )

    async def send(
        self,
        chat_id: int,
        method: str,
        params: dict[str, Any],
        *,
        ticket_id: int | None = None,
        purpose: str = "reply",
        after: Sequence[tuple[str, int]] = (),
        lane: str | None = None,
        priority: Priority = Priority.ANSWER,
    ) -> Outgoing:
        """Any Bot API sending method (a photo or document by file id, ...)."""
        effects = [*after]
        if ticket_id is not None:
            effects.append(("link", ticket_id))
        return await self._add(
            lane=lane or (f"c:{chat_id}" if chat_id > 0 else "g:0"),
            chat_id=chat_id,
            method=method,
            params={"chat_id": chat_id, **params, "_after": effects or None},
            purpose=purpose,
            priority=priority,
            on_unknown=OnUnknown.REPORT if chat_id > 0 else OnUnknown.RESEND,
            ticket_id=ticket_id,
        )

    async def relay_to_client(
        self,
        *,
        ticket_id: int,
        client_id: int,
        rows: Sequence[int] = (),
        album: str | None = None,
        as_text: bool = False,
    ) -> Outgoing:
        """An engineer's stored message copied to the client; an album is one record that
        waits for all its parts (``ALBUM_WAIT``) and is copied whole. `as_text` sends the
        stored text (or caption) instead of a copy, when it was changed on the way."""
        return await self._add(
            lane=f"c:{client_id}",
            chat_id=client_id,
            method=RELAY_OUT,
            params={"rows": list(rows), "album": album, "as_text": as_text or None},
            purpose="relay",
            priority=Priority.CONTENT,
            on_unknown=OnUnknown.REPORT,
            ticket_id=ticket_id,
            coalesce_key=f"album:{album}" if album else None,
            delay=self._album_wait if album else None,
        )

    @property
    def _settle(self) -> timedelta:
        return timedelta(seconds=self.desk.settings.cosmetic_settle)

    @property
    def _album_wait(self) -> timedelta:
        return timedelta(seconds=self.desk.settings.album_wait)

    # --- the operator group --------------------------------------------------------------

    async def open_thread(self, ticket_id: int, rows: Sequence[int]) -> Outgoing:
        """A new ticket's first appearance: its topic, its header card with the description
        and attachments (the stored `rows`)."""
        return await self._add(
            lane=f"t:{ticket_id}",
            chat_id=self.desk.operator_chat_id,
            method=OPEN,
            params={"rows": list(rows)},
            purpose="open",
            priority=Priority.CONTENT,
            on_unknown=OnUnknown.RESEND,
            ticket_id=ticket_id,
        )

    async def relay_to_group(
        self, ticket_id: int, rows: Sequence[int] = (), *, album: str | None = None
    ) -> Outgoing:
        """A client's stored message into the ticket's thread; an album is one record that
        waits for all its parts and goes whole."""
        return await self._add(
            lane=f"t:{ticket_id}",
            chat_id=self.desk.operator_chat_id,
            method=RELAY_IN,
            params={"rows": list(rows), "album": album},
            purpose="relay",
            priority=Priority.CONTENT,
            on_unknown=OnUnknown.RESEND,
            ticket_id=ticket_id,
            coalesce_key=f"album:{album}" if album else None,
            delay=self._album_wait if album else None,
        )

    async def notice(
        self,
        ticket_id: int,
        text: str,
        *,
        markup: InlineKeyboardMarkup | None = None,
        priority: Priority = Priority.NOTICE,
        purpose: str = "notice",
    ) -> Outgoing:
        """A notice into the ticket's thread (its topic, or under its header card), in the
        order of the ticket's other messages."""
        return await self._add(
            lane=f"t:{ticket_id}",
            chat_id=self.desk.operator_chat_id,
            method="sendMessage",
            params={
                "text": text,
                "parse_mode": "HTML",
                "reply_markup": markup_json(markup),
                "_thread": ticket_id,
                "_after": [("link", ticket_id)],
            },
            purpose=purpose,
            priority=priority,
            on_unknown=OnUnknown.RESEND,
            ticket_id=ticket_id,
        )

    async def topic_state(self, ticket_id: int, *, closed: bool) -> Outgoing | None:
        """Closes the ticket's topic (only admins, and the bot, write in it then) or opens it
        again; in the ticket's thread lane, so after what was said there before. Nothing
        without topics."""
        if not self.desk.forum:
            return None
        return await self._add(
            lane=f"t:{ticket_id}",
            chat_id=self.desk.operator_chat_id,
            method="closeForumTopic" if closed else "reopenForumTopic",
            params={"_thread": ticket_id},
            purpose="topic",
            priority=Priority.NOTICE,
            # Done twice it changes nothing (Telegram answers TOPIC_NOT_MODIFIED).
            on_unknown=OnUnknown.RETRY,
            ticket_id=ticket_id,
        )

    async def answer(
        self,
        message: Message,
        text: str,
        *,
        ticket_id: int | None = None,
        markup: InlineKeyboardMarkup | None = None,
        after: Sequence[tuple[str, int]] = (),
    ) -> Outgoing:
        """A reply to an engineer's (or admin's) message in the group: where it was written,
        as a reply to it, ahead of the group's other traffic."""
        return await self._answer(
            message.chat.id,
            message.message_id,
            message.message_thread_id if message.is_topic_message else None,
            text,
            ticket_id=ticket_id,
            markup=markup,
            after=after,
        )

    async def answer_to(
        self,
        origin: Origin,
        text: str,
        *,
        ticket_id: int | None = None,
        markup: InlineKeyboardMarkup | None = None,
        after: Sequence[tuple[str, int]] = (),
    ) -> Outgoing:
        """:meth:`answer` to the message an :class:`~bot.service.origin.Origin` describes."""
        return await self._answer(
            origin.chat_id,
            origin.message_id,
            origin.thread_id,
            text,
            ticket_id=ticket_id,
            markup=markup,
            after=after,
        )

    async def _answer(
        self,
        chat_id: int,
        message_id: int,
        thread: int | None,
        text: str,
        *,
        ticket_id: int | None,
        markup: InlineKeyboardMarkup | None,
        after: Sequence[tuple[str, int]],
    ) -> Outgoing:
        effects = [*after]
        if ticket_id is not None:
            effects.append(("link", ticket_id))
        return await self._add(
            lane=f"q:{ticket_id}" if ticket_id is not None else f"g:{thread or 0}",
            chat_id=chat_id,
            method="sendMessage",
            params={
                "chat_id": chat_id,
                "text": text,
                "parse_mode": "HTML",
                "message_thread_id": thread,
                "reply_parameters": _reply(message_id),
                "reply_markup": markup_json(markup),
                "_after": effects or None,
            },
            purpose="answer",
            priority=Priority.ANSWER,
            on_unknown=OnUnknown.RESEND,
            ticket_id=ticket_id,
        )

    async def to_group(
        self,
        text: str,
        *,
        thread_id: int | None = None,
        markup: InlineKeyboardMarkup | None = None,
        priority: Priority = Priority.NOTICE,
        purpose: str = "notice",
        after: Sequence[tuple[str, int]] = (),
        reply_to: int | None = None,
    ) -> Outgoing:
        """A message in the group outside any ticket (General, or an admin's thread)."""
        chat_id = self.desk.operator_chat_id
        return await self._add(
            lane=f"g:{thread_id or 0}",
            chat_id=chat_id,
            method="sendMessage",
            params={
                "chat_id": chat_id,
                "text": text,
                "parse_mode": "HTML",
                "message_thread_id": thread_id,
                "reply_markup": markup_json(markup),
                "reply_parameters": _reply(reply_to),
                "_after": list(after) or None,
            },
            purpose=purpose,
            priority=priority,
            on_unknown=OnUnknown.RESEND,
        )

    async def edit_group(
        self,
        message_id: int,
        text: str,
        *,
        markup: InlineKeyboardMarkup | None = None,
        coalesce: str | None = None,
        priority: Priority = Priority.ANSWER,
        ticket_id: int | None = None,
        fallback: bool = False,
    ) -> Outgoing:
        """Replaces the text of a bot message in the group (an edit counts as a send there).
        If Telegram cannot edit it, the edit is dropped, or with `fallback` the text is posted
        as a new message."""
        chat_id = self.desk.operator_chat_id
        return await self._add(
            lane=f"k:{coalesce}" if coalesce else f"g:edit:{message_id}",
            chat_id=chat_id,
            method="editMessageText",
            params={
                "chat_id": chat_id,
                "message_id": message_id,
                "text": text,
                "parse_mode": "HTML",
                "reply_markup": markup_json(markup),
                "_fallback": fallback or None,
                "_optional": None if fallback else True,
            },
            purpose="edit",
            priority=priority,
            on_unknown=OnUnknown.RETRY,
            coalesce_key=coalesce,
            ticket_id=ticket_id,
        )

    async def refresh(self, ticket_id: int, *, title: bool = True, card: bool = True) -> None:
        """The ticket's topic title and header card converge to its current state: one
        pending redraw of each at most, rendered when it is sent, after changes settle."""
        if title and self.desk.forum:
            await self._redraw(ticket_id, TITLE, "title")
        if card:
            await self._redraw(ticket_id, CARD, "card")

    async def _redraw(self, ticket_id: int, method: str, what: str) -> Outgoing:
        return await self._add(
            lane=f"k:{what}:{ticket_id}",
            chat_id=self.desk.operator_chat_id,
            method=method,
            params={},
            purpose=what,
            priority=Priority.COSMETIC,
            on_unknown=OnUnknown.RETRY,
            ticket_id=ticket_id,
            coalesce_key=f"{what}:{ticket_id}",
            delay=self._settle,
        )

    async def feedback(self, ticket_id: int, *, wait: float | None) -> Outgoing:
        """How the client closed and rated the ticket, for the engineers: one message, sent
        `wait` seconds after the last change (a rating waits for its comment), edited when
        more comes later."""
        return await self._add(
            lane=f"k:fb:{ticket_id}",
            chat_id=self.desk.operator_chat_id,
            method=FEEDBACK,
            params={},
            purpose="feedback",
            priority=Priority.NOTICE,
            on_unknown=OnUnknown.RESEND,
            ticket_id=ticket_id,
            coalesce_key=f"feedback:{ticket_id}",
            delay=timedelta(seconds=wait) if wait else None,
        )


def _reply(message_id: int | None) -> dict[str, Any] | None:
    if message_id is None:
        return None
    return {"message_id": message_id, "allow_sending_without_reply": True}
