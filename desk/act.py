"""The monthly act of completed work: which hours are billed, and how they add up.

Plain Python: the rows come from ``storage/reports.py``, the document is drawn by
``bot/reports.py``.

What is billed: the time logged on **consultations** (:attr:`desk.tickets.TicketType.is_paid`,
the ticket's type when the act is made) whose **work date** falls in the month. The work date
is the day the engineer says the work was done (``/time 0.25 2026-11-27``), not the day the
entry was typed: an hour worked on 30 November and logged on 1 December belongs to
November's act. The organization is the client's when the act is made; clients without one
are listed together under "No organization", each row naming its client.

Hours: a ticket's minutes / 60, rounded half up to 2 places; an organization's total is the
sum of its rows as shown, and the grand total the sum of the organizations', so the document
adds up line by line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal

from desk.tickets import TicketType

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
CENT = Decimal("0.01")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month, e.g. ``2026-11``."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not (1 <= self.month <= 12 and 2000 <= self.year <= 9999):
            raise ValueError("month")

    @classmethod
    def parse(cls, text: str) -> Month:
        """Reads ``YYYY-MM``; ValueError otherwise."""
        found = _MONTH.match(text.strip())
        if found is None:
            raise ValueError("month")
        return cls(int(found.group(1)), int(found.group(2)))

    @classmethod
    def previous(cls, today: date) -> Month:
        """The calendar month before `today`'s: acts are made once a month has ended."""
        last = today.replace(day=1) - timedelta(days=1)
        return cls(last.year, last.month)

    @property
    def first_day(self) -> date:
        """Its first day."""
        return date(self.year, self.month, 1)

    @property
    def next_first_day(self) -> date:
        """The first day of the month after it (the end, exclusive)."""
        if self.month == 12:
            return date(self.year + 1, 1, 1)
        return date(self.year, self.month + 1, 1)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first_day <= day < self.next_first_day

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def billable_types() -> tuple[str, ...]:
    """The ticket types whose hours are billed (their stored codes)."""
    return tuple(kind.value for kind in TicketType if kind.is_paid)


def is_billable(ticket_type: str) -> bool:
    """Whether hours on a ticket of this stored type are billed."""
    return ticket_type in billable_types()


def hours(minutes: int) -> Decimal:
    """Minutes as decimal hours, rounded half up to 2 places: 100 → 1.67."""
    return (Decimal(minutes) / 60).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TicketRow:
    """A ticket as the act needs it."""

    number: int
    type: str
    subject: str
    created_at: datetime
    closed_at: datetime | None
    organization: str | None
    client: str


@dataclass(frozen=True)
class TimeRow:
    """One logged time entry, in the order it was logged."""

    ticket_number: int
    minutes: int
    work_date: date
    engineer: str


@dataclass(frozen=True)
class ActLine:
    """One ticket's row in the act."""

    number: int
    type: str
    subject: str
    opened: date
    closed: date | None
    engineers: tuple[str, ...]
    minutes: int
    hours: Decimal
    client: str


@dataclass(frozen=True)
class ActGroup:
    """One organization's part of the act (``organization`` None: clients without one)."""

    organization: str | None
    lines: tuple[ActLine, ...]

    @property
    def total(self) -> Decimal:
        """The sum of its rows as shown."""
        return sum((line.hours for line in self.lines), Decimal("0.00"))

    @property
    def minutes(self) -> int:
        """Its minutes, unrounded."""
        return sum(line.minutes for line in self.lines)


@dataclass(frozen=True)
class Act:
    """The month's billable hours, per organization and per ticket."""

    month: Month
    groups: tuple[ActGroup, ...]

    @property
    def total(self) -> Decimal:
        """The grand total: the sum of the organizations' totals."""
        return sum((group.total for group in self.groups), Decimal("0.00"))

    @property
    def empty(self) -> bool:
        """No billable hours in the month."""
        return not self.groups


def build_act(
    month: Month, tickets: Iterable[TicketRow], entries: Sequence[TimeRow], zone: tzinfo
) -> Act:
    """The act for `month`: billable entries (consultations, work date in the month) per
    organization (by name; clients without one last) and per ticket (by number; without an
    organization by client, then number). Dates are the desk's (`zone`)."""
    by_number = {ticket.number: ticket for ticket in tickets}
    minutes: dict[int, int] = {}
    engineers: dict[int, list[str]] = {}
    # Engineers in the order of their first entry: by work date, then as logged.
    ordered = sorted(enumerate(entries), key=lambda pair: (pair[1].work_date, pair[0]))
    for _, entry in ordered:
        ticket = by_number.get(entry.ticket_number)
        if ticket is None or not is_billable(ticket.type) or entry.work_date not in month:
            continue
        minutes[ticket.number] = minutes.get(ticket.number, 0) + entry.minutes
        names = engineers.setdefault(ticket.number, [])
        if entry.engineer not in names:
            names.append(entry.engineer)
    grouped: dict[str | None, list[ActLine]] = {}
    for number, total in minutes.items():
        ticket = by_number[number]
        line = ActLine(
            number=number,
            type=ticket.type,
            subject=ticket.subject,
            opened=ticket.created_at.astimezone(zone).date(),
            closed=ticket.closed_at.astimezone(zone).date() if ticket.closed_at else None,
            engineers=tuple(engineers[number]),
            minutes=total,
            hours=hours(total),
            client=ticket.client,
        )
        grouped.setdefault(ticket.organization, []).append(line)
    groups = [
        ActGroup(name, tuple(sorted(lines, key=lambda line: line.number)))
        for name, lines in grouped.items()
        if name is not None
    ]
    groups.sort(key=lambda group: (group.organization or "").casefold())
    if None in grouped:
        lines = sorted(grouped[None], key=lambda line: (line.client.casefold(), line.number))
        groups.append(ActGroup(None, tuple(lines)))
    return Act(month=month, groups=tuple(groups))
