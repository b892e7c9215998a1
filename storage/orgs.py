"""Data access for organizations, invitations and logged hours; the caller owns the
transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

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
