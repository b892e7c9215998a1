"""Ticket types, priorities, statuses and the transitions between them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TicketType(StrEnum):
    """What the client asks for; the codes are stored and sent in callback data."""

    INCIDENT = "incident"
    CONSULTATION = "consultation"
    LICENSE_KEY = "license"
    NEW_VERSION = "version"
    ACCESS = "access"
    WISH = "wish"

    @property
    def is_paid(self) -> bool:
        """Consultations are billed by the hours spent."""
        return self is TicketType.CONSULTATION

    @property
    def asks_priority(self) -> bool:
        """Only incidents let the client choose a priority; other types get normal."""
        return self is TicketType.INCIDENT


class Priority(StrEnum):
    """How urgent a ticket is, lowest first."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    CRITICAL = "critical"


class Status(StrEnum):
    """Where a ticket is in its life."""

    NEW = "new"
    IN_PROGRESS = "in_progress"
    WAITING = "waiting"
    CLOSED = "closed"

    @property
    def is_open(self) -> bool:
        """Every status but closed accepts the client's messages."""
        return self is not Status.CLOSED

    @property
    def marker(self) -> str:
        """The colour marker shown in lists and in the topic title."""
        return STATUS_MARKERS[self]


STATUS_MARKERS: dict[Status, str] = {
    Status.NEW: "🔵",
    Status.IN_PROGRESS: "🟡",
    Status.WAITING: "🟣",
    Status.CLOSED: "🟢",
}

DEFAULT_PRIORITY = Priority.NORMAL


class Action(StrEnum):
    """What somebody can do to a ticket."""

    TAKE = "take"
    SET_TYPE = "set_type"
    SET_PRIORITY = "set_priority"
    CLOSE = "close"
    REOPEN = "reopen"
    NOTE = "note"
    REPLY = "reply"
    CLIENT_MESSAGE = "client_message"
    SOLVE = "solve"  # an engineer proposes a solution: wait for the client's confirmation
    ASK = "ask"  # an engineer needs more information: wait for the client
    CONFIRM = "confirm"  # the client says the solution works
    REJECT = "reject"  # the client says it does not
    AUTO_CLOSE = "auto_close"  # the client stayed silent for the set business days


class TransitionError(ValueError):
    """An action that the ticket's current status does not allow."""

    def __init__(self, action: Action, status: Status) -> None:
        super().__init__(f"{action.value} is not allowed when the ticket is {status.value}")
        self.action = action
        self.status = status


# Which actions each status allows, and the status the action leads to (None: unchanged).
_TRANSITIONS: dict[Status, dict[Action, Status | None]] = {
    Status.NEW: {
        Action.SOLVE: Status.WAITING,
        Action.ASK: Status.WAITING,
        Action.TAKE: Status.IN_PROGRESS,
        Action.SET_TYPE: None,
        Action.SET_PRIORITY: None,
        Action.CLOSE: Status.CLOSED,
        Action.NOTE: None,
        Action.REPLY: None,
        Action.CLIENT_MESSAGE: None,
    },
    Status.IN_PROGRESS: {
        Action.SOLVE: Status.WAITING,
        Action.ASK: Status.WAITING,
        Action.TAKE: None,
        Action.SET_TYPE: None,
        Action.SET_PRIORITY: None,
        Action.CLOSE: Status.CLOSED,
        Action.NOTE: None,
        Action.REPLY: None,
        Action.CLIENT_MESSAGE: None,
    },
    Status.WAITING: {
        Action.TAKE: Status.IN_PROGRESS,
        Action.SET_TYPE: None,
        Action.SET_PRIORITY: None,
        Action.CLOSE: Status.CLOSED,
        Action.NOTE: None,
        Action.REPLY: None,
        # The client answered: the ball is back with the engineers.
        Action.CLIENT_MESSAGE: Status.IN_PROGRESS,
        Action.SOLVE: None,
        Action.ASK: None,
        Action.CONFIRM: Status.CLOSED,
        Action.REJECT: Status.IN_PROGRESS,
        Action.AUTO_CLOSE: Status.CLOSED,
    },
    Status.CLOSED: {
        Action.REOPEN: Status.IN_PROGRESS,
        Action.NOTE: None,
        # Engineers may still write to the client of a closed ticket (a late remark).
        Action.REPLY: None,
        Action.SET_TYPE: None,
    },
}


def allowed(status: Status, action: Action) -> bool:
    """Whether `action` is allowed on a ticket in `status`."""
    return action in _TRANSITIONS[status]


def next_status(status: Status, action: Action) -> Status:
    """The status after `action`; raises TransitionError when it is not allowed."""
    if not allowed(status, action):
        raise TransitionError(action, status)
    target = _TRANSITIONS[status][action]
    return status if target is None else target


@dataclass(frozen=True)
class Outcome:
    """The result of applying an action: the new status and whether it changed."""

    before: Status
    after: Status

    @property
    def changed(self) -> bool:
        """True when the status moved."""
        return self.before is not self.after


def apply(status: Status, action: Action) -> Outcome:
    """Applies `action` to a ticket in `status` and says what happened."""
    return Outcome(before=status, after=next_status(status, action))


def format_number(number: int) -> str:
    """The human ticket number, e.g. ``#1042``."""
    return f"#{number}"


def parse_number(text: str) -> int | None:
    """Reads ``#1042`` or ``1042``; None when the text is not a ticket number."""
    text = text.strip().lstrip("#")
    return int(text) if text.isdigit() else None
