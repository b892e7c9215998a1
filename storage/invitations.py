"""Data access for invitation links and the admins' pending answers in ``/orgs``; the caller
owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AdminInput, Client, Invitation, InvitationUse, Organization, Ticket

# --- invitations -----------------------------------------------------------------------------


async def create(
    session: AsyncSession,
    *,
    token: str,
    organization_id: int,
    created_by: int,
    now: datetime,
    expires_at: datetime,
    max_uses: int | None,
) -> Invitation:
    """A new invitation link for an organization."""
    row = Invitation(
        token=token,
        organization_id=organization_id,
        created_by=created_by,
        created_at=now,
        expires_at=expires_at,
        max_uses=max_uses,
        uses=0,
    )
    session.add(row)
    await session.flush()
    return row


async def by_token(session: AsyncSession, token: str) -> Invitation | None:
    """The invitation a link carries, if there is one."""
    result = await session.execute(select(Invitation).where(Invitation.token == token))
    return result.scalar_one_or_none()


async def get(session: AsyncSession, invitation_id: int) -> Invitation | None:
    """An invitation by id."""
    return await session.get(Invitation, invitation_id)


async def of_organization(
    session: AsyncSession, organization_id: int, *, limit: int
) -> Sequence[Invitation]:
    """An organization's invitations, newest first."""
    result = await session.execute(
        select(Invitation)
        .where(Invitation.organization_id == organization_id)
        .order_by(Invitation.id.desc())
        .limit(limit)
    )
    return result.scalars().all()


async def used_by(session: AsyncSession, *, invitation_id: int, client_id: int) -> bool:
    """Whether the client joined by this invitation already."""
    return await session.get(InvitationUse, (invitation_id, client_id)) is not None


async def take_use(session: AsyncSession, invitation: Invitation, *, now: datetime) -> bool:
    """Counts one use of a link if it still works at this moment (not revoked, not expired,
    uses left), in one conditional UPDATE: two clients racing for the last use get one."""
    result = await session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
            or_(Invitation.max_uses.is_(None), Invitation.uses < Invitation.max_uses),
        )
        .values(uses=Invitation.uses + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    await session.refresh(invitation)
    return True


def record_use(
    session: AsyncSession, *, invitation_id: int, client_id: int, now: datetime
) -> None:
    """Who joined by the invitation (once per client: the key refuses a second row)."""
    session.add(InvitationUse(invitation_id=invitation_id, client_id=client_id, used_at=now))


# --- organizations as the panel lists them --------------------------------------------------


async def member_counts(session: AsyncSession) -> dict[int, int]:
    """How many clients each organization has (organizations without any are left out)."""
    result = await session.execute(
        select(Client.organization_id, func.count())
        .where(Client.organization_id.is_not(None))
        .group_by(Client.organization_id)
    )
    return {int(org_id): int(count) for org_id, count in result.all() if org_id is not None}


async def members(session: AsyncSession, organization_id: int) -> int:
    """How many clients the organization has."""
    result = await session.execute(
        select(func.count()).select_from(Client).where(Client.organization_id == organization_id)
    )
    return int(result.scalar_one())


async def member_ids(session: AsyncSession, organization_id: int) -> Sequence[int]:
    """The organization's clients."""
    result = await session.execute(
        select(Client.id).where(Client.organization_id == organization_id)
    )
    return [int(client_id) for client_id in result.scalars()]


async def key_taken(session: AsyncSession, key: str, *, other_than: int) -> bool:
    """Whether another organization already has this folded name."""
    result = await session.execute(
        select(Organization.id).where(Organization.name_key == key, Organization.id != other_than)
    )
    return result.first() is not None


async def live_tickets(session: AsyncSession, client_id: int) -> Sequence[Ticket]:
    """The client's tickets that are not closed (their titles and cards name the client's
    organization)."""
    result = await session.execute(
        select(Ticket).where(Ticket.client_id == client_id, Ticket.status != "closed")
    )
    return result.scalars().all()


# --- what an admin was asked for -------------------------------------------------------------


async def ask(
    session: AsyncSession,
    *,
    user_id: int,
    chat_id: int,
    thread_id: int | None,
    what: str,
    target_id: int | None,
    message_id: int,
    now: datetime,
) -> None:
    """Records the question put to an admin (replacing an earlier one of theirs)."""
    row = await session.get(AdminInput, user_id)
    if row is None:
        row = AdminInput(user_id=user_id)
        session.add(row)
    row.chat_id, row.thread_id, row.what = chat_id, thread_id, what
    row.target_id, row.message_id, row.created_at = target_id, message_id, now
    await session.flush()


async def asked(session: AsyncSession, *, user_id: int) -> AdminInput | None:
    """The question an admin has not answered yet, if any."""
    return await session.get(AdminInput, user_id)


async def forget(session: AsyncSession, *, user_id: int) -> None:
    """The admin's question is answered or abandoned."""
    row = await session.get(AdminInput, user_id)
    if row is not None:
        await session.delete(row)
