"""Data access for organizations, invitations and logged hours; the caller owns the
transaction."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from desk.org_rows import BadRow, OrgRecord, OrgRow
from desk.organizations import OrgKind, clean_name, name_key
from storage.models import Client, Organization


async def find(session: AsyncSession, name: str) -> Organization | None:
    """The organization of that name, however its case, quotes and spaces are written."""
    key = name_key(name)
    if not key:
        return None
    result = await session.execute(select(Organization).where(Organization.name_key == key))
    return result.scalar_one_or_none()


async def get(session: AsyncSession, org_id: int) -> Organization | None:
    """An organization by id."""
    return await session.get(Organization, org_id)


async def create(
    session: AsyncSession, name: str, *, now: datetime, kind: OrgKind = OrgKind.DIRECT
) -> Organization:
    """A new organization; ValueError("empty"|"too_long"|"exists") for a name it cannot take."""
    cleaned = clean_name(name)
    if await find(session, cleaned) is not None:
        raise ValueError("exists")
    org = Organization(
        name=cleaned,
        name_key=name_key(cleaned),
        kind=kind.value,
        notes="",
        created_at=now,
        updated_at=now,
    )
    session.add(org)
    await session.flush()
    return org


async def all_organizations(session: AsyncSession) -> list[Organization]:
    """Every organization, by name."""
    result = await session.execute(select(Organization).order_by(Organization.name_key))
    return list(result.scalars())


def link(client: Client, org: Organization | None) -> None:
    """Makes `client` a member of `org` (None: unverified again)."""
    client.org = org
    client.organization_id = org.id if org is not None else None


# --- bulk import and export (``support-bot org import`` / ``org export``)


class Change(StrEnum):
    """What an imported row did to its organization."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def record(org: Organization) -> OrgRecord:
    """An organization's fields as an export writes them."""
    return OrgRecord(**{f.name: getattr(org, f.name) for f in dataclasses.fields(OrgRecord)})


async def upsert(
    session: AsyncSession, *, name: str, values: Mapping[str, object], now: datetime
) -> Change:
    """The organization of that name (matched by its folded name) created or given `values`
    (only the fields they name; the name's spelling too); ValueError("partner_name") when it
    would become a partner's organization without the partner's name."""
    org = await find(session, name)
    wanted = {"name": clean_name(name), **values}
    current = record(org) if org is not None else OrgRecord(name="")
    merged = dataclasses.replace(current, **wanted)  # type: ignore[arg-type]
    if merged.kind == OrgKind.PARTNER.value and not merged.partner_name:
        raise ValueError("partner_name")
    if org is None:
        org = await create(session, merged.name, now=now, kind=OrgKind(merged.kind))
        change = Change.CREATED
    elif merged == current:
        return Change.UNCHANGED
    else:
        change = Change.UPDATED
    for column, value in dataclasses.asdict(merged).items():
        setattr(org, column, value)
    org.name_key = name_key(merged.name)
    org.updated_at = now
    await session.flush()
    return change


async def import_rows(
    session: AsyncSession, rows: Iterable[OrgRow], *, now: datetime
) -> tuple[Counter[Change], list[BadRow]]:
    """Upserts the good rows of an import file: how many each change, and the rows refused
    against what is stored (a partner left without its name)."""
    counts: Counter[Change] = Counter()
    bad: list[BadRow] = []
    for row in rows:
        try:
            counts[await upsert(session, name=row.name, values=row.values, now=now)] += 1
        except ValueError as exc:
            if str(exc) != "partner_name":
                raise
            bad.append(BadRow(row.line, "a partner's organization without partner_name"))
    return counts, bad
