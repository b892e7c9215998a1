"""Partners' clients: which tickets belong with the partner rather than the desk, and
whether a client's support contract has ended."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from desk.organizations import OrgKind, contract_ended
from desk.tickets import TicketType


def routes_to_partner(kind: str | None, partner_name: str | None, ticket_type: str) -> bool:
    """Whether a client of an organization of this kind (None: no organization) who chose
    `ticket_type` is sent to their partner instead of opening a ticket: a partner's client's
    consultation. A partner whose name is unknown cannot be named, so the desk takes it."""
    return (
        kind == OrgKind.PARTNER.value
        and bool(partner_name and partner_name.strip())
        and ticket_type == TicketType.CONSULTATION.value
    )


def local_day(now: datetime, zone: ZoneInfo) -> date:
    """The desk's date at `now`, in its time zone."""
    return now.astimezone(zone).date()


def contract_over(contract_until: date | None, now: datetime, zone: ZoneInfo) -> bool:
    """Whether the support contract has ended by the desk's date at `now`."""
    return contract_ended(contract_until, local_day(now, zone))
