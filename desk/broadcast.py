"""Release announcements: their life and the admin's dialogue, who gets them, what a send's
outcome means, how progress reads.

Plain rules, no Telegram and no SQL, so they can be read and tested alone.

An announcement's status and, while it is composed, its step::

    composing ──Send──▶ sending ──finish──▶ done ──resend unknown──▶ sending
        └──cancel──▶ cancelled

    content ─▶ audience ─┬─ everyone ─────────────▶ version ─▶ preview ─Send─▶ sent
                         └─ orgs ⟲ (toggle) ─ ok ─▶ version
    preview ─restart─▶ content   (also when Telegram refused the preview)

Delivery states::

    pending ──claim──▶ sending ──▶ sent
       ▲                  │──────▶ blocked   (the client blocked the bot: unsubscribed too)
       │                  │──────▶ failed    (Telegram refused for good, or retries ran out)
       └──── retry ◀──────│──────▶ unknown   (the request may have arrived: not resent)
    pending ──▶ skipped  (the client unsubscribed before their turn came)
    unknown ──▶ pending  (only when the admin asks to resend them, accepting duplicates)

``sending`` is written just before the request leaves. A request that was certainly not
delivered (a 429, a refused connection, a connection pool that never gave a socket) goes
back to ``pending`` with a retry time. A request whose fate is unknown (the answer timed
out or the connection broke after the request was written) becomes ``unknown``: nobody
may receive an announcement twice, so such rows are reported to the admin, never resent
by themselves. A process that dies leaves its in-flight rows in ``sending``; once their
lease has run out they are judged the same way and become ``unknown``. Only the admin can
send them again, with a button that says some of them may get it twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import NamedTuple


class AnnouncementStatus(StrEnum):
    """Where an announcement is in its life."""

    COMPOSING = "composing"
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def went_out(self) -> bool:
        """Sent or being sent: clients have it (``/news`` shows it)."""
        return self in (AnnouncementStatus.SENDING, AnnouncementStatus.DONE)


class ComposeStep(StrEnum):
    """What the admin is asked for next while composing; ``sent`` once Send was pressed."""

    CONTENT = "content"  # the message clients will get
    AUDIENCE = "audience"  # every subscriber, or organizations
    ORGS = "orgs"  # the organizations, as toggles
    VERSION = "version"  # the version it announces, or none
    PREVIEW = "preview"  # what clients will get, with Send
    SENT = "sent"


class Move(StrEnum):
    """What can happen to an announcement."""

    TAKE_CONTENT = "take_content"  # the admin sent what clients will get
    ADDRESS_ALL = "address_all"  # every subscriber
    OFFER_ORGS = "offer_orgs"  # the organizations are shown to pick from
    TOGGLE_ORG = "toggle_org"  # one of them picked or unpicked
    ADDRESS_ORGS = "address_orgs"  # the organizations picked
    TAKE_VERSION = "take_version"  # a version typed, or none
    RESTART = "restart"  # from the content again (the admin's choice, or a refused preview)
    LAUNCH = "launch"  # Send: one delivery per recipient
    CANCEL = "cancel"  # the admin cancelled it, or started another
    FINISH = "finish"  # nothing pending or in flight any more
    RESEND_UNKNOWN = "resend_unknown"  # the admin sends again what may not have arrived


class Stage(NamedTuple):
    """An announcement's status and composing step together."""

    status: AnnouncementStatus
    step: ComposeStep


#: Where every announcement starts.
FIRST = Stage(AnnouncementStatus.COMPOSING, ComposeStep.CONTENT)

# The admin's dialogue: the moves each step allows and the step they lead to (only while the
# announcement is being composed).
_STEPS: dict[ComposeStep, dict[Move, ComposeStep]] = {
    ComposeStep.CONTENT: {Move.TAKE_CONTENT: ComposeStep.AUDIENCE},
    ComposeStep.AUDIENCE: {
        Move.ADDRESS_ALL: ComposeStep.VERSION,
        Move.OFFER_ORGS: ComposeStep.ORGS,
    },
    ComposeStep.ORGS: {
        Move.TOGGLE_ORG: ComposeStep.ORGS,
        Move.ADDRESS_ORGS: ComposeStep.VERSION,
    },
    ComposeStep.VERSION: {Move.TAKE_VERSION: ComposeStep.PREVIEW},
    ComposeStep.PREVIEW: {Move.RESTART: ComposeStep.CONTENT, Move.LAUNCH: ComposeStep.SENT},
    ComposeStep.SENT: {},
}

# The announcement's life: the moves each status allows and the status they lead to.
_STATUSES: dict[AnnouncementStatus, dict[Move, AnnouncementStatus]] = {
    AnnouncementStatus.COMPOSING: {
        Move.LAUNCH: AnnouncementStatus.SENDING,
        Move.CANCEL: AnnouncementStatus.CANCELLED,
    },
    AnnouncementStatus.SENDING: {Move.FINISH: AnnouncementStatus.DONE},
    AnnouncementStatus.DONE: {Move.RESEND_UNKNOWN: AnnouncementStatus.SENDING},
    AnnouncementStatus.CANCELLED: {},
}

_DIALOGUE = frozenset(move for moves in _STEPS.values() for move in moves)
_LIFE = frozenset(move for moves in _STATUSES.values() for move in moves)


class MoveRefused(ValueError):
    """A move the announcement's stage does not allow."""

    def __init__(self, move: Move, stage: Stage) -> None:
        super().__init__(
            f"{move.value} is not allowed when the announcement is "
            f"{stage.status.value} at {stage.step.value}"
        )
        self.move = move
        self.stage = stage


def allowed(stage: Stage, move: Move) -> bool:
    """Whether `move` may be made at `stage`: a move of the dialogue needs an announcement
    being composed at a step that allows it, a move of its life a status that allows it
    (Send is both)."""
    steps = _STEPS[stage.step] if stage.status is AnnouncementStatus.COMPOSING else {}
    if move in _DIALOGUE and move not in steps:
        return False
    return move not in _LIFE or move in _STATUSES[stage.status]


def apply(stage: Stage, move: Move) -> Stage:
    """The stage after `move`; raises MoveRefused when it is not allowed."""
    if not allowed(stage, move):
        raise MoveRefused(move, stage)
    steps = _STEPS[stage.step] if stage.status is AnnouncementStatus.COMPOSING else {}
    return Stage(_STATUSES[stage.status].get(move, stage.status), steps.get(move, stage.step))


def next_status(status: AnnouncementStatus, move: Move) -> AnnouncementStatus:
    """The status after a move of the announcement's life that does not depend on the
    composing step (cancel, finish, resend): for conditional updates that test the status
    alone. Raises MoveRefused when `status` does not allow it."""
    if move in _DIALOGUE or move not in _STATUSES[status]:
        raise MoveRefused(move, Stage(status, ComposeStep.SENT))
    return _STATUSES[status][move]


# --- who gets an announcement ------------------------------------------------------------


class AudienceKind(StrEnum):
    """How an announcement is addressed, as stored with it."""

    ALL = "all"  # every subscriber
    ORGS = "orgs"  # the clients of the organizations listed


@dataclass(frozen=True)
class Audience:
    """Whom an announcement addresses: everybody (`organizations` None), or the clients of
    the named organizations. The names are offered from the clients' own records, so they
    match exactly; a client with no organization is in no organization's audience.

    Who of the addressed receives it (subscribed, not blocking the bot) is decided when it is
    sent. This is the one description of the rule: :meth:`includes` reads it for one client,
    ``storage/announcements.py`` turns it into SQL, and a storage test checks both agree.
    """

    organizations: frozenset[str] | None = None

    @classmethod
    def of(cls, kind: str, organizations: Iterable[str]) -> Audience:
        """From an announcement's stored kind and organization names."""
        if kind == AudienceKind.ALL:
            return cls()
        return cls(frozenset(name for name in organizations if name))

    @property
    def kind(self) -> AudienceKind:
        """All subscribers, or organizations."""
        return AudienceKind.ALL if self.organizations is None else AudienceKind.ORGS

    def includes(self, organization: str | None) -> bool:
        """Whether a client of `organization` is addressed."""
        return self.organizations is None or organization in self.organizations


#: Every subscriber.
EVERYONE = Audience()


# --- deliveries ------------------------------------------------------------------------------


class State(StrEnum):
    """Where one client's copy of an announcement is."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"
    UNKNOWN = "unknown"
    SKIPPED = "skipped"  # the client unsubscribed (or blocked the bot) before their turn

    @property
    def is_final(self) -> bool:
        """Nothing more will be done about it."""
        return self not in (State.PENDING, State.SENDING)


class Failure(StrEnum):
    """What went wrong with one send, as far as the outcome for the client goes."""

    NOT_SENT = "not_sent"  # certainly not delivered, and may pass: try again later
    BLOCKED = "blocked"  # the client blocked the bot or deleted the account
    REFUSED = "refused"  # Telegram refused this message for good
    UNKNOWN = "unknown"  # the request may have been delivered


@dataclass(frozen=True)
class Decision:
    """What to write on the row after a failed send."""

    state: State
    retry_in: timedelta | None = None


MAX_ATTEMPTS = 6


def after_failure(
    failure: Failure,
    attempts: int,
    *,
    retry_after: float | None = None,
    base: float = 2.0,
    max_attempts: int = MAX_ATTEMPTS,
) -> Decision:
    """Decides a row's next state after a send failed; `attempts` counts this one too.

    Sends that certainly did not arrive are retried with doubling waits (or Telegram's
    ``retry_after``) until `max_attempts`, then the row fails. Nothing else is retried.
    """
    if failure is Failure.BLOCKED:
        return Decision(State.BLOCKED)
    if failure is Failure.REFUSED:
        return Decision(State.FAILED)
    if failure is Failure.UNKNOWN:
        return Decision(State.UNKNOWN)
    if attempts >= max_attempts:
        return Decision(State.FAILED)
    if retry_after is not None:
        return Decision(State.PENDING, timedelta(seconds=retry_after))
    return Decision(State.PENDING, timedelta(seconds=min(base * 2 ** (attempts - 1), 300)))


VERSION = re.compile(r"^[0-9A-Za-zА-Яа-яЁё][0-9A-Za-zА-Яа-яЁё.\-_ ()+]{0,31}$")


def parse_version(text: str) -> str | None:
    """A version number as the admin typed it ("3.2.1", "2026.1 LTS"), or None if it is not one.

    Up to 32 characters of letters, digits, dots, dashes, spaces and brackets; it goes into
    button labels, ticket subjects and 64-byte-limited places only by reference.
    """
    value = " ".join(text.split())
    if not value or not VERSION.match(value) or not any(c.isdigit() for c in value):
        return None
    return value


@dataclass(frozen=True)
class Progress:
    """Counts of an announcement's rows, and what they say about the remaining time."""

    total: int
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    unknown: int = 0
    skipped: int = 0

    @property
    def done(self) -> int:
        """Rows that reached a final state."""
        return self.sent + self.failed + self.blocked + self.unknown + self.skipped

    @property
    def remaining(self) -> int:
        """Rows still pending or in flight."""
        return max(self.total - self.done, 0)

    def rate(self, elapsed: timedelta) -> float:
        """Messages finished per second since the start."""
        seconds = elapsed.total_seconds()
        return self.done / seconds if seconds > 0 else 0.0

    def eta(self, elapsed: timedelta) -> timedelta | None:
        """Time to finish at the rate so far; None before there is a rate."""
        rate = self.rate(elapsed)
        if self.remaining == 0:
            return timedelta(0)
        if rate <= 0:
            return None
        return timedelta(seconds=round(self.remaining / rate))


def format_duration(value: timedelta, lang: str) -> str:
    """'1 ч 05 мин', '3 мин 20 с', '12 с' (or in English)."""
    seconds = max(int(value.total_seconds()), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    h, m, s = ("ч", "мин", "с") if lang == "ru" else ("h", "min", "s")
    if hours:
        return f"{hours} {h} {minutes:02d} {m}"
    if minutes:
        return f"{minutes} {m} {secs:02d} {s}"
    return f"{secs} {s}"
