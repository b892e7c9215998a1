"""The relay's delivery rules: what a send's outcome means, and how the operator group's
budget is spent. Plain Python, no Telegram and no SQL, so it can be read and tested alone.

Every message the bot sends is first a durable outgoing record, written in the same
transaction as the change that causes it. A record moves::

    pending ──claim──▶ sending ──▶ sent
       ▲                  ├──────▶ failed    (refused for good, or the chat is blocked)
       └──── retry ◀──────┤                   a person is told, durably
                          └──────▶ unknown   (the request may have arrived)
    pending ──▶ dropped   (superseded cosmetic state, or nothing left to send)

``sending`` is written just before the request leaves; a record found in it after its
process died is *unknown* too. An unknown outcome is never repeated silently:

* towards the engineers (the operator group) it is sent again **marked as a possible
  repeat** (``↻``): a lost client message is worse than a duplicate the engineer can see as one;
* towards a client it is **not** resent: the engineers are told, with a Resend button;
* an edit, which changes nothing when done twice, is simply tried again.

Records of one *lane* (one private chat; one ticket's thread in the group; ...) leave strictly
in order: a record waiting for a retry holds back the later ones of its lane, and only those.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from enum import IntEnum, StrEnum


class State(StrEnum):
    """Where an outgoing record is."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"
    DROPPED = "dropped"

    @property
    def is_final(self) -> bool:
        """Nothing more will be sent for it (a person may still choose to resend)."""
        return self not in (State.PENDING, State.SENDING)


class OnUnknown(StrEnum):
    """What to do when a send may or may not have arrived."""

    RESEND = "resend"  # send again, marked as a possible repeat (towards engineers)
    REPORT = "report"  # do not resend; tell the engineers, who may press Resend
    RETRY = "retry"  # doing it twice changes nothing (an edit): simply try again


class Failure(StrEnum):
    """What a failed request means for delivery."""

    RATE_LIMITED = "rate_limited"  # 429: certainly not delivered; wait retry_after
    NOT_SENT = "not_sent"  # the request never reached Telegram (no connection)
    MAYBE = "maybe"  # timed out, connection broke after writing, 5xx: may have arrived
    BLOCKED = "blocked"  # 403: the user blocked the bot, or the bot lost the chat
    REFUSED = "refused"  # 400: Telegram refused this message for good
    THREAD_GONE = "thread_gone"  # the ticket's topic was deleted
    REPLY_GONE = "reply_gone"  # the message to reply to was deleted


class Side(StrEnum):
    """Whose chat a record goes to."""

    GROUP = "group"
    PRIVATE = "private"


@dataclass(frozen=True)
class Decision:
    """What to write on a record after a failed send."""

    state: State
    retry_in: timedelta | None = None
    # Send it again marked as a possible repeat (an unknown outcome towards engineers).
    mark_repeat: bool = False
    # A person must hear about it (durably): the engineers, or the admin.
    report: bool = False


#: A record that could not be sent for this long is given up and reported.
GIVE_UP_AFTER = timedelta(hours=48)
MAX_BACKOFF = timedelta(minutes=5)


def backoff(attempts: int, base: float) -> timedelta:
    """Doubling waits after failures that may pass: base, 2 base, 4 base... up to 5 minutes."""
    seconds = base * 2 ** max(0, min(attempts - 1, 16))
    return min(timedelta(seconds=seconds), MAX_BACKOFF)


def after_failure(
    failure: Failure,
    *,
    side: Side,
    on_unknown: OnUnknown,
    attempts: int,
    age: timedelta,
    retry_after: float | None = None,
    base: float = 2.0,
) -> Decision:
    """Decides what becomes of a record whose send failed; `attempts` counts this one.

    A failure that may pass (429, no connection) keeps the record pending, so its lane waits
    and order holds; after :data:`GIVE_UP_AFTER` it fails and a person is told. A request that
    may have arrived is resent marked to engineers, never to a client.
    """
    if failure in (Failure.RATE_LIMITED, Failure.NOT_SENT):
        if age >= GIVE_UP_AFTER:
            return Decision(State.FAILED, report=True)
        if failure is Failure.RATE_LIMITED and retry_after is not None:
            wait = timedelta(seconds=max(retry_after, 0.0) + 0.5)
        else:
            wait = backoff(attempts, base)
        return Decision(State.PENDING, retry_in=wait)
    if failure is Failure.MAYBE:
        if on_unknown is OnUnknown.RETRY and age < GIVE_UP_AFTER:
            return Decision(State.PENDING, retry_in=backoff(attempts, base))
        if on_unknown is OnUnknown.RESEND and side is Side.GROUP and age < GIVE_UP_AFTER:
            return Decision(State.PENDING, retry_in=backoff(attempts, base), mark_repeat=True)
        return Decision(State.UNKNOWN, report=True)
    if failure in (Failure.THREAD_GONE, Failure.REPLY_GONE):
        # The place is made again and the record sent there: not a failure of the message.
        return Decision(State.PENDING, retry_in=timedelta(0))
    # Blocked or refused: nothing will change by trying again.
    return Decision(State.FAILED, report=True)


def lease_expired(*, claimed_age: timedelta, claimer_alive: bool, lease: timedelta) -> bool:
    """Whether a record left in ``sending`` belongs to a process that is gone.

    Its claimer stopped sending heartbeats, or it has held the record longer than any
    request can take. Such a record's outcome is unknown.
    """
    return not claimer_alive or claimed_age > lease


# --- the operator group's budget -----------------------------------------------------------


class Priority(IntEnum):
    """Which records the busy operator group gets first (lower first)."""

    NEWS = 0  # new tickets shown in General while their topics wait; the queue's own status
    ANSWER = 1  # answers to an engineer's command: someone is waiting for it
    CONTENT = 2  # the client's words and files, a ticket's first appearance, failure notices
    NOTICE = 3  # warnings, breaches, status notices
    COSMETIC = 4  # topic titles, header cards, ratings: converge to the latest state


def slot_times(
    recent: Sequence[float], *, now: float, limit: int, period: float, count: int
) -> list[float]:
    """When the next `count` sends into a group may go, given the times of its recent sends.

    Telegram allows `limit` messages per `period` seconds into one group: a new send must wait
    until the send `limit` places before it has left the window. Planned sends take places
    in the window too.
    """
    window = sorted(t for t in recent if t > now - period)
    out: list[float] = []
    for _ in range(count):
        if len(window) < limit:
            at = now
        else:
            at = max(now, window[-limit] + period)
        out.append(at)
        window.append(at)
    return out


@dataclass(frozen=True)
class Candidate:
    """A group record at the head of its lane, ready to go."""

    record_id: int
    lane: str
    priority: int
    created: float  # seconds, on any clock the caller uses for `now`
    ticket_id: int | None = None
    opens_ticket: bool = False  # the ticket's first appearance (topic and card)
    previewed: bool = False  # already shown in a "new tickets" message
    sends: int = 1  # messages it puts into the group


def order_candidates(candidates: Iterable[Candidate]) -> list[Candidate]:
    """The order in which the group's slots are given: priority, then the longest waiting.

    Only lane heads are candidates, so a ticket with thirty waiting messages offers one and
    cannot hold back another ticket's first appearance; its waiting messages go combined.
    """
    return sorted(candidates, key=lambda c: (c.priority, c.created, c.record_id))


def needs_preview(
    candidates: Sequence[Candidate],
    *,
    recent: Sequence[float],
    now: float,
    limit: int,
    period: float,
    patience: float,
) -> list[Candidate]:
    """New tickets that would wait longer than `patience` seconds for their topic.

    They are shown at once in one "new tickets" message in General, with their descriptions,
    so engineers see (and can answer) them while their topics wait for the group's budget.
    """
    ordered = order_candidates(candidates)
    total = sum(c.sends for c in ordered)
    times = slot_times(recent, now=now, limit=limit, period=period, count=max(total, 1))
    late: list[Candidate] = []
    used = 0
    for cand in ordered:
        starts = times[min(used, len(times) - 1)]
        used += cand.sends
        if cand.opens_ticket and not cand.previewed and starts - now > patience:
            late.append(cand)
    return late


def behind_by(candidates: Sequence[Candidate], now: float) -> float:
    """How long the oldest waiting group record has waited, in seconds."""
    return max((now - c.created for c in candidates), default=0.0)


# --- combining a ticket's waiting messages -------------------------------------------------

ALBUM_KINDS = {"photo": "visual", "video": "visual", "document": "document", "audio": "audio"}
ALBUM_LIMIT = 10


@dataclass(frozen=True)
class Piece:
    """One stored client message, as far as combining goes."""

    row_id: int
    kind: str
    html: str  # its text or caption as Telegram HTML ("" when it has none)
    author: str
    at: str  # its time as shown to engineers, e.g. "14:05"
    media_group_id: str | None = None


@dataclass(frozen=True)
class Batch:
    """Pieces that leave as one send: one copy, one combined text, or one album."""

    kind: str  # "copy", "text" or "album"
    pieces: tuple[Piece, ...]
    texts: tuple[str, ...] = field(default_factory=tuple)  # for "text": the parts to send


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _header(piece: Piece) -> str:
    return (
        f"<i>{html.escape(piece.at, quote=False)} · {html.escape(piece.author, quote=False)}</i>"
    )


def plan_batches(
    pieces: Sequence[Piece], *, combine: bool, limit: int = 4096, caption_limit: int = 1024
) -> list[Batch]:
    """How a ticket's waiting messages go out, in order.

    Without `combine` each message is copied alone (an album stays one copy). With it,
    consecutive texts become one message (each with its time and author, split within
    `limit`), and consecutive photos and videos (or documents, or audio) become albums of
    up to ten with their captions; anything else is copied alone. Order is kept throughout.
    """
    batches: list[Batch] = []
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        if piece.media_group_id and not combine:
            j = i
            while j < len(pieces) and pieces[j].media_group_id == piece.media_group_id:
                j += 1
            batches.append(Batch("copy", tuple(pieces[i:j])))
            i = j
            continue
        if not combine:
            batches.append(Batch("copy", (piece,)))
            i += 1
            continue
        if piece.kind == "text":
            j = i
            while j < len(pieces) and pieces[j].kind == "text":
                j += 1
            run = pieces[i:j]
            batches.extend(_text_batches(run, limit))
            i = j
            continue
        family = ALBUM_KINDS.get(piece.kind)
        if family is not None:
            j = i
            while (
                j < len(pieces)
                and j - i < ALBUM_LIMIT
                and ALBUM_KINDS.get(pieces[j].kind) == family
                and _utf16(pieces[j].html) <= caption_limit
            ):
                j += 1
            if j - i >= 2:
                batches.append(Batch("album", tuple(pieces[i:j])))
                i = j
                continue
        batches.append(Batch("copy", (piece,)))
        i += 1
    return batches


def _text_batches(run: Sequence[Piece], limit: int) -> list[Batch]:
    """Consecutive texts as few messages as fit, each piece with its time and author."""
    if len(run) == 1:
        return [Batch("copy", (run[0],))]
    out: list[Batch] = []
    current: list[Piece] = []
    parts: list[str] = []
    size = 0
    for piece in run:
        block = f"{_header(piece)}\n{piece.html}"
        cost = _utf16(block) + 2
        if current and size + cost > limit:
            out.append(Batch("text", tuple(current), ("\n\n".join(parts),)))
            current, parts, size = [], [], 0
        if _utf16(block) > limit:
            # One long message: it goes alone, as a copy keeps it whole and exact.
            if current:
                out.append(Batch("text", tuple(current), ("\n\n".join(parts),)))
                current, parts, size = [], [], 0
            out.append(Batch("copy", (piece,)))
            continue
        current.append(piece)
        parts.append(block)
        size += cost
    if current:
        if len(current) == 1:
            out.append(Batch("copy", (current[0],)))
        else:
            out.append(Batch("text", tuple(current), ("\n\n".join(parts),)))
    return out


def sends_of(batches: Sequence[Batch]) -> int:
    """Messages the batches put into the chat (an album counts each of its items)."""
    return sum(len(b.pieces) if b.kind != "text" else 1 for b in batches)


def estimated_wait(sends_ahead: int, *, limit: int, period: float) -> float:
    """Seconds until `sends_ahead` more sends fit in the group's budget at its steady rate."""
    if sends_ahead <= 0:
        return 0.0
    return math.ceil(sends_ahead) * period / limit
