"""The desk's figures for the last weeks (``/stats``): plain Python over plain rows.

The period is the last N ISO weeks (Monday to Sunday) in the desk's time zone, ending with
the current week, so the current week is counted so far.

- **Opened / closed per week**: tickets whose creation / (last) closing falls in the week.
- **First response within the deadline**: over the tickets opened in the period that have a
  first-response deadline and either were answered or whose deadline has passed (a ticket
  still inside its deadline is not judged yet); the share of them answered no later than it.
- **Average rating**: the mean of the ratings (1-5) of the tickets closed in the period.
- **Answered by the knowledge base**: of the questions asked in the period (searches whose
  outcome is "results" or "none"; chatter aside), the share the knowledge base answered,
  defined as for ``/kbstats`` and ``support-bot kb stats`` (:func:`answered_by_kb`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

QUESTION_OUTCOMES = ("results", "none")
MAX_WEEKS = 104


@dataclass(frozen=True)
class TicketFacts:
    """What the figures need of a ticket."""

    created_at: datetime
    closed_at: datetime | None = None
    first_response_at: datetime | None = None
    fr_due_at: datetime | None = None
    csat: int | None = None


@dataclass(frozen=True)
class SearchFacts:
    """What the figures need of a knowledge-base search."""

    created_at: datetime
    outcome: str
    helped: bool | None = None
    opened_article: str | None = None
    ticket_id: int | None = None


def answered_by_kb(
    *, outcome: str, helped: bool | None, opened_article: str | None, ticket_id: int | None
) -> bool:
    """Whether the knowledge base answered a question (it "deflected" it): articles were
    shown, no ticket came of it, and the client said it helped, or opened an article and
    said nothing either way."""
    return (
        outcome == "results"
        and ticket_id is None
        and (helped is True or (bool(opened_article) and helped is None))
    )


@dataclass(frozen=True)
class Share:
    """`part` of `whole`; no value when there is nothing to judge."""

    part: int
    whole: int

    @property
    def value(self) -> float | None:
        """The share, 0..1 (None when `whole` is 0)."""
        return self.part / self.whole if self.whole else None


@dataclass(frozen=True)
class Week:
    """One ISO week's counts."""

    start: date  # its Monday
    opened: int
    closed: int


@dataclass(frozen=True)
class Figures:
    """The desk's figures over the period."""

    weeks: tuple[Week, ...]
    first_response: Share
    rating_sum: int
    rating_count: int
    kb: Share

    @property
    def rating(self) -> float | None:
        """The average rating, None without ratings."""
        return self.rating_sum / self.rating_count if self.rating_count else None

    @property
    def start(self) -> date:
        """The period's first day (a Monday)."""
        return self.weeks[0].start

    @property
    def end(self) -> date:
        """The period's last day (a Sunday)."""
        return self.weeks[-1].start + timedelta(days=6)


def week_starts(today: date, weeks: int) -> list[date]:
    """The Mondays of the last `weeks` ISO weeks, oldest first, ending with `today`'s."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValueError("weeks")
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def period_start(now: datetime, weeks: int, zone: tzinfo) -> datetime:
    """The moment the period begins: the first week's Monday, 00:00 in the desk's zone, as
    UTC (what the rows are loaded from)."""
    first = week_starts(now.astimezone(zone).date(), weeks)[0]
    return datetime.combine(first, time(0), tzinfo=zone).astimezone(UTC)


def compute(
    tickets: Iterable[TicketFacts],
    searches: Iterable[SearchFacts],
    *,
    now: datetime,
    weeks: int,
    zone: tzinfo,
) -> Figures:
    """The figures for the last `weeks` weeks as of `now`."""
    starts = week_starts(now.astimezone(zone).date(), weeks)
    first, end = starts[0], starts[-1] + timedelta(days=7)
    opened = dict.fromkeys(starts, 0)
    closed = dict.fromkeys(starts, 0)

    def week_of(moment: datetime | None) -> date | None:
        if moment is None:
            return None
        day = moment.astimezone(zone).date()
        if not first <= day < end:
            return None
        return day - timedelta(days=day.weekday())

    met = judged = rating_sum = rating_count = 0
    for ticket in tickets:
        created = week_of(ticket.created_at)
        if created is not None:
            opened[created] += 1
            due = ticket.fr_due_at
            replied = ticket.first_response_at
            if due is not None and (replied is not None or due <= now):
                judged += 1
                met += replied is not None and replied <= due
        done = week_of(ticket.closed_at)
        if done is not None:
            closed[done] += 1
            if ticket.csat is not None and 1 <= ticket.csat <= 5:
                rating_sum += ticket.csat
                rating_count += 1
    questions = deflected = 0
    for search in searches:
        if search.outcome not in QUESTION_OUTCOMES or week_of(search.created_at) is None:
            continue
        questions += 1
        deflected += answered_by_kb(
            outcome=search.outcome,
            helped=search.helped,
            opened_article=search.opened_article,
            ticket_id=search.ticket_id,
        )
    return Figures(
        weeks=tuple(Week(day, opened[day], closed[day]) for day in starts),
        first_response=Share(met, judged),
        rating_sum=rating_sum,
        rating_count=rating_count,
        kb=Share(deflected, questions),
    )
