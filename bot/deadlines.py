"""Deadlines on ticket rows: set at registration, moved by type or priority changes and by
waiting for the client, and the first response recorded. No Telegram here."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

from desk.calendar import BusinessCalendar
from desk.sla import deadline, parse_table, targets
from storage.models import Ticket


@lru_cache(maxsize=8)
def table(sla_json: str) -> dict[str, tuple[float, float]]:
    """The desk's deadline table (parsed once per setting value)."""
    return parse_table(sla_json)


def plan(ticket: Ticket, calendar: BusinessCalendar, sla_json: str) -> None:
    """(Re)computes both deadlines from the ticket's creation, type, priority and pauses.

    Warnings and breaches already announced stay announced; a deadline moved later by a
    priority change is announced again only if it is reached again.
    """
    first, resolve = targets(table(sla_json), ticket.type, ticket.priority)
    fr = deadline(calendar, ticket.created_at, first)
    res = deadline(
        calendar,
        ticket.created_at,
        resolve,
        paused=timedelta(seconds=ticket.sla_paused_seconds or 0),
    )
    ticket.fr_due_at, ticket.fr_warn_at = fr.due_at, fr.warn_at
    ticket.res_due_at, ticket.res_warn_at = res.due_at, res.warn_at


def replan(ticket: Ticket, calendar: BusinessCalendar, sla_json: str, now: datetime) -> None:
    """After a type or priority change: new deadlines, and announcements that no longer
    apply (the new deadline is later) are forgotten so they come again when due."""
    plan(ticket, calendar, sla_json)
    if ticket.fr_warn_at and ticket.fr_warn_at > now:
        ticket.fr_warned_at = None
    if ticket.fr_due_at and ticket.fr_due_at > now:
        ticket.fr_breached_at = None
    if ticket.res_warn_at and ticket.res_warn_at > now:
        ticket.res_warned_at = None
    if ticket.res_due_at and ticket.res_due_at > now:
        ticket.res_breached_at = None


def responded(ticket: Ticket, now: datetime) -> None:
    """The engineers answered the client for the first time."""
    if ticket.first_response_at is None:
        ticket.first_response_at = now


def pause(ticket: Ticket, now: datetime) -> None:
    """The ticket starts waiting for the client: the resolution clock stops."""
    if ticket.sla_paused_at is None:
        ticket.sla_paused_at = now


def resume(ticket: Ticket, calendar: BusinessCalendar, sla_json: str, now: datetime) -> None:
    """The ticket is back with the engineers: the paused working time moves the deadline."""
    if ticket.sla_paused_at is None:
        return
    paused = calendar.working_seconds(ticket.sla_paused_at, now)
    ticket.sla_paused_seconds = (ticket.sla_paused_seconds or 0.0) + paused
    ticket.sla_paused_at = None
    replan(ticket, calendar, sla_json, now)
