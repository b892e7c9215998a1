"""Release announcements: who gets them, what a send's outcome means, how progress reads.

Plain rules, no Telegram and no SQL, so they can be read and tested alone.

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
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum


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


def in_audience(audience: str, organizations: list[str], organization: str | None) -> bool:
    """Whether a client of `organization` is addressed by the announcement's audience."""
    if audience == "all":
        return True
    # The names are offered from the clients' own records, so they match exactly.
    return bool(organization) and organization in organizations


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
