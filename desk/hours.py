"""Hours engineers log on a ticket (``/time``): what an entry may say, and how it is counted.

``/time <duration> [date] [comment]``:

- the duration: ``1h30m``, ``1ч 30м``, ``2h``, ``45m``, ``90 мин``, ``1.5h``, ``1:30`` (h:mm),
  or a bare number, which is HOURS with a dot or a comma (``1,5``, ``0.25``, ``2``); minutes
  that are not whole (``0.01`` h is 0.6 min) are rounded to the nearest minute;
- then, optionally, the day the work was done: ``2026-11-27``, ``27.11.2026`` or ``27.11``
  (the latest 27 November that is not in the future: this year's, or last year's in early
  January); without it, today in the desk's time zone;
- the rest of the line is a free comment.

Refused: nothing recognisable as a duration, zero (also after rounding), a negative duration,
more than 24 hours in one entry, a date that does not exist (31.02), a date in the future,
and a date more than :data:`MAX_DAYS_BACK` days back.

Billing counts in decimal hours (``90`` minutes are ``1.5`` h, rounded to hundredths).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

#: The longest single entry: a day.
MAX_MINUTES = 24 * 60
#: How far back a work date may be: a year and a day (a leap year's 366).
MAX_DAYS_BACK = 366

_HOUR_UNITS = r"hours|hour|hrs|hr|h|часов|часа|час|ч"
_MINUTE_UNITS = r"minutes|minute|mins|min|m|минуты|минута|минут|мин|м"
_NUMBER = r"\d+(?:[.,]\d+)?"
#: After a unit: not another letter (``1hour`` is one unit, ``1hx`` is nothing).
_END_UNIT = r"(?![^\W\d_])"
#: A duration ends where the line or a word ends.
_END = r"(?=\s|$)"

_UNITS = re.compile(
    rf"(?:(?P<h>{_NUMBER})\s*(?:{_HOUR_UNITS}){_END_UNIT})?"
    rf"\s*(?:(?P<m>\d+)\s*(?:{_MINUTE_UNITS}){_END_UNIT})?{_END}",
    re.IGNORECASE,
)
_CLOCK = re.compile(rf"(?P<h>\d{{1,2}}):(?P<m>[0-5]\d){_END}")
_BARE = re.compile(rf"(?P<h>{_NUMBER}){_END}")

_ISO_DATE = re.compile(rf"(?P<y>\d{{4}})-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}}){_END}")
_DOTTED_DATE = re.compile(rf"(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})(?:\.(?P<y>\d{{4}}))?{_END}")


class Refusal(StrEnum):
    """Why an entry is refused (the catalog's ``hours.refused_<reason>`` says it)."""

    UNPARSEABLE = "unparseable"
    ZERO = "zero"
    NEGATIVE = "negative"
    TOO_LONG = "too_long"
    BAD_DATE = "bad_date"
    FUTURE = "future"
    TOO_OLD = "too_old"


@dataclass(frozen=True)
class Entry:
    """A valid ``/time`` entry."""

    minutes: int
    work_date: date
    comment: str = ""


@dataclass(frozen=True)
class Refused:
    """A refused ``/time`` entry: the reason and the words it is about."""

    reason: Refusal
    words: str = ""


def _minutes_of_hours(text: str) -> Decimal:
    return Decimal(text.replace(",", ".")) * 60


def parse_duration(text: str) -> tuple[Decimal, int] | None:
    """The duration `text` starts with, in (possibly fractional) minutes, and how many
    characters it takes; None when it does not start with one."""
    for pattern in (_CLOCK, _UNITS, _BARE):
        match = pattern.match(text)
        if match is None or not match.group(0).strip():
            continue
        groups = match.groupdict()
        if pattern is _UNITS and groups["h"] is None and groups["m"] is None:
            continue
        minutes = Decimal(0)
        if groups.get("h") is not None:
            minutes += (
                Decimal(int(groups["h"])) * 60
                if pattern is _CLOCK
                else _minutes_of_hours(groups["h"])
            )
        if groups.get("m") is not None:
            minutes += Decimal(int(groups["m"]))
        return minutes, match.end()
    return None


def whole_minutes(minutes: Decimal) -> int:
    """Minutes rounded to the nearest whole one (half up)."""
    return int(minutes.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_date(text: str, *, today: date) -> tuple[date | None, int] | None:
    """The work date `text` starts with and its length: None when it starts with no date;
    ``(None, length)`` when it looks like one that does not exist (``31.02``)."""
    match = _ISO_DATE.match(text) or _DOTTED_DATE.match(text)
    if match is None:
        return None
    day, month, year = int(match["d"]), int(match["m"]), match["y"]
    try:
        if year is not None:
            return date(int(year), month, day), match.end()
        found = date(today.year, month, day)
        if found > today:  # "27.12" written on 2 January: last year's
            found = date(today.year - 1, month, day)
        return found, match.end()
    except ValueError:
        return None, match.end()


def parse_entry(text: str, *, today: date) -> Entry | Refused:
    """A ``/time`` command's arguments read as an entry, or why they are refused.
    `today` is the date in the desk's time zone."""
    rest = text.strip()
    negative = rest[:1] in ("-", "−")
    if negative:
        rest = rest[1:].lstrip()
    duration = parse_duration(rest)
    if duration is None:
        return Refused(Refusal.UNPARSEABLE, text.strip())
    raw, length = duration
    said, rest = rest[:length].strip(), rest[length:].strip()
    if negative:
        return Refused(Refusal.NEGATIVE, f"-{said}")
    minutes = whole_minutes(raw)
    if minutes <= 0:
        return Refused(Refusal.ZERO, said)
    if minutes > MAX_MINUTES:
        return Refused(Refusal.TOO_LONG, said)
    work_date = today
    dated = parse_date(rest, today=today)
    if dated is not None:
        found, length = dated
        written = rest[:length]
        if found is None:
            return Refused(Refusal.BAD_DATE, written)
        if found > today:
            return Refused(Refusal.FUTURE, written)
        if found < today - timedelta(days=MAX_DAYS_BACK):
            return Refused(Refusal.TOO_OLD, written)
        work_date, rest = found, rest[length:].strip()
    return Entry(minutes=minutes, work_date=work_date, comment=rest)


def split_minutes(minutes: int) -> tuple[int, int]:
    """Whole hours and the minutes left: 90 → (1, 30)."""
    return divmod(minutes, 60)


def decimal_hours(minutes: int) -> Decimal:
    """Minutes as hours for billing, to the hundredth: 90 → 1.5, 20 → 0.33."""
    value = (Decimal(minutes) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return value.normalize() if value != value.to_integral() else value.quantize(Decimal(1))
