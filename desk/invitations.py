"""What opening an invitation link does for a client: the rule, without Telegram or a
database (the link's own state is ``desk.organizations.InvitationTerms``)."""

from __future__ import annotations

from enum import StrEnum

from desk.organizations import MAX_INVITATION_DAYS, InvitationState

#: What an admin picks for a new invitation: how many clients may use it (None: any number)
#: and for how many days it works.
USES_CHOICES: tuple[int | None, ...] = (1, 10, None)
DAYS_CHOICES = (7, 30, 90)
#: The most uses an invitation can be made for.
MAX_USES = 10_000


class JoinOutcome(StrEnum):
    """What a client is told after opening an invitation link."""

    JOINED = "joined"  # linked to the organization now (one use of the link)
    ALREADY_HERE = "already"  # already in that organization: nothing changes, no use
    OTHER_ORG = "other"  # in another organization: not moved, an engineer can do it
    EXPIRED = "expired"
    REVOKED = "revoked"
    USED_UP = "used_up"
    UNKNOWN = "unknown"  # no such link (mistyped or made up)


_BROKEN = {
    InvitationState.EXPIRED: JoinOutcome.EXPIRED,
    InvitationState.REVOKED: JoinOutcome.REVOKED,
    InvitationState.USED_UP: JoinOutcome.USED_UP,
}


def join_outcome(
    state: InvitationState | None, *, invited_to: int | None, member_of: int | None
) -> JoinOutcome:
    """Decides what opening a link does. `state` is the link's (None: no such link),
    `invited_to` its organization, `member_of` the client's present one.

    A client already in the link's organization hears so whatever the link's state (the
    link changes nothing for them); a link that does not work says so before anything is
    said about another organization; a client of another organization is never moved by a
    link (an engineer decides), and a link is used only when it links someone.
    """
    if state is None or invited_to is None:
        return JoinOutcome.UNKNOWN
    if member_of is not None and member_of == invited_to:
        return JoinOutcome.ALREADY_HERE
    if state is not InvitationState.VALID:
        return _BROKEN[state]
    if member_of is not None:
        return JoinOutcome.OTHER_ORG
    return JoinOutcome.JOINED


def valid_terms(uses: int | None, days: int) -> bool:
    """Whether an admin's choice for a new invitation is one the desk makes: 1..MAX_USES uses
    or any number (None), and a period ``invitation_expiry`` takes."""
    return (uses is None or 1 <= uses <= MAX_USES) and 1 <= days <= MAX_INVITATION_DAYS
