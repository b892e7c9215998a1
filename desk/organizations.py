"""Organizations and invitations: the rules, without Telegram or a database.

A client belongs to at most one organization. An organization is either the vendor's direct
client or a partner's client (whose consultations the partner provides). A client joins an
organization by opening an invitation link, or an engineer links them; until then the client
is unverified but served as usual.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from desk.text import one_line

NAME_LIMIT = 200
# Telegram's deep-link parameter: up to 64 characters of A-Z, a-z, 0-9, _ and -.
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
DEFAULT_INVITATION_DAYS = 30
MAX_INVITATION_DAYS = 366

_QUOTES = str.maketrans("", "", "«»\"'“”„`")


class OrgKind(StrEnum):
    """Whom the organization's support contract is with."""

    DIRECT = "direct"  # the vendor's own client
    PARTNER = "partner"  # a partner's client: consultations come from the partner


def clean_name(name: str) -> str:
    """An organization's name as stored: one line, trimmed; refuses an empty or long one."""
    cleaned = one_line(name).strip()
    if not cleaned:
        raise ValueError("empty")
    if len(cleaned) > NAME_LIMIT:
        raise ValueError("too_long")
    return cleaned


def name_key(name: str) -> str:
    """The name folded for matching: case, ё, quotes and spaces do not tell two apart, so
    "ООО «Ромашка»" and "ооо  ромашка" are one organization."""
    folded = one_line(name).casefold().replace("ё", "е").translate(_QUOTES)
    return " ".join(folded.split())


class InvitationState(StrEnum):
    """Whether an invitation link still joins a client to its organization."""

    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    USED_UP = "used_up"


@dataclass(frozen=True)
class InvitationTerms:
    """What decides an invitation's state."""

    expires_at: datetime
    revoked_at: datetime | None
    max_uses: int | None
    uses: int

    def state(self, now: datetime) -> InvitationState:
        """Revoked first (an admin's decision), then expiry, then the number of uses."""
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        if now >= self.expires_at:
            return InvitationState.EXPIRED
        if self.max_uses is not None and self.uses >= self.max_uses:
            return InvitationState.USED_UP
        return InvitationState.VALID


def new_token() -> str:
    """A random invitation token: 128 bits, valid as Telegram's ``start`` parameter."""
    return secrets.token_urlsafe(16)


def looks_like_token(text: str) -> bool:
    """Whether a ``/start`` parameter could be an invitation token at all."""
    return bool(TOKEN_PATTERN.match(text))


def invitation_expiry(now: datetime, days: int = DEFAULT_INVITATION_DAYS) -> datetime:
    """When an invitation made now stops working; refuses a period outside 1..366 days."""
    if not 1 <= days <= MAX_INVITATION_DAYS:
        raise ValueError("days")
    return now + timedelta(days=days)


def contract_ended(contract_until: date | None, today: date) -> bool:
    """Whether the support contract is over: the end date is the last day it covers."""
    return contract_until is not None and today > contract_until
