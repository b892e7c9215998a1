"""The rows behind the monthly act and the desk's figures, and the act and figures computed from
them by the desk's rules; the caller owns the transaction.

Plain SQL that SQLite and PostgreSQL both run; the rules are ``desk/act.py`` and
``desk/stats.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from desk import stats as rules
from desk.act import Act, Month, TicketRow, TimeRow, billable_types, build_act
from desk.stats import QUESTION_OUTCOMES, SearchFacts, TicketFacts
from storage import orgs
from storage.models import Client, KbSearch, Ticket, TimeEntry


async def act_rows(
    session: AsyncSession,
    *,
    month: Month,
    types: Sequence[str],
    organization_id: int | None = None,
) -> tuple[list[TicketRow], list[TimeRow]]:
    """The time entries worked in `month` on tickets of `types` (for one organization's
    clients, or everybody's), in the order they were logged, and their tickets."""
    query = (
        select(TimeEntry, Ticket, Client)
        .join(Ticket, Ticket.id == TimeEntry.ticket_id)
        .join(Client, Client.id == Ticket.client_id)
        .where(
            TimeEntry.work_date >= month.first_day,
            TimeEntry.work_date < month.next_first_day,
            Ticket.type.in_(list(types)),
        )
        .order_by(TimeEntry.work_date, TimeEntry.created_at, TimeEntry.id)
    )
    if organization_id is not None:
        query = query.where(Client.organization_id == organization_id)
    tickets: dict[int, TicketRow] = {}
    entries: list[TimeRow] = []
    for entry, ticket, client in await session.execute(query):
        if ticket.number not in tickets:
            tickets[ticket.number] = TicketRow(
                number=ticket.number,
                type=ticket.type,
                subject=ticket.subject,
                created_at=ticket.created_at,
                closed_at=ticket.closed_at,
                organization=client.organization,
                client=client.display_name,
            )
        entries.append(
            TimeRow(
                ticket_number=ticket.number,
                minutes=entry.minutes,
                work_date=entry.work_date,
                engineer=entry.engineer_name or str(entry.engineer_id),
            )
        )
    return list(tickets.values()), entries


async def stats_rows(
    session: AsyncSession, *, since: datetime
) -> tuple[list[TicketFacts], list[SearchFacts]]:
    """The tickets opened or closed since `since`, and the questions asked since then."""
    tickets = await session.execute(
        select(
            Ticket.created_at,
            Ticket.closed_at,
            Ticket.first_response_at,
            Ticket.fr_due_at,
            Ticket.csat,
        ).where(or_(Ticket.created_at >= since, Ticket.closed_at >= since))
    )
    searches = await session.execute(
        select(
            KbSearch.created_at,
            KbSearch.outcome,
            KbSearch.helped,
            KbSearch.opened_article,
            KbSearch.ticket_id,
        ).where(KbSearch.created_at >= since, KbSearch.outcome.in_(QUESTION_OUTCOMES))
    )
    return (
        [TicketFacts(**row._asdict()) for row in tickets],
        [SearchFacts(**row._asdict()) for row in searches],
    )


class UnknownOrganization(LookupError):
    """No organization has the name asked for."""


async def load_act(
    session: AsyncSession, month: Month, zone: tzinfo, *, organization: str | None = None
) -> Act:
    """The act for `month` (one organization's, by name, or everybody's)."""
    org_id = None
    if organization:
        org = await orgs.find(session, organization)
        if org is None:
            raise UnknownOrganization(organization)
        org_id = org.id
    tickets, entries = await act_rows(
        session, month=month, types=billable_types(), organization_id=org_id
    )
    return build_act(month, tickets, entries, zone)


async def load_figures(
    session: AsyncSession, *, now: datetime, weeks: int, zone: tzinfo
) -> rules.Figures:
    """The desk's figures for the last `weeks` weeks."""
    tickets, searches = await stats_rows(session, since=rules.period_start(now, weeks, zone))
    return rules.compute(tickets, searches, now=now, weeks=weeks, zone=zone)
