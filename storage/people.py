"""What engineers told the desk about themselves. The caller owns the transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Engineer


async def told_gender(session: AsyncSession, *, user_id: int) -> str | None:
    """The gender an engineer chose with /me, or None if they never chose."""
    row = await session.get(Engineer, user_id)
    return row.gender if row is not None else None


async def tell_gender(session: AsyncSession, *, user_id: int, gender: str, now: datetime) -> None:
    """Stores an engineer's choice (a second choice replaces the first)."""
    row = await session.get(Engineer, user_id)
    if row is None:
        session.add(Engineer(user_id=user_id, gender=gender, updated_at=now))
    else:
        row.gender = gender
        row.updated_at = now
