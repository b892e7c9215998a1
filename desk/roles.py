"""Who may do what: clients, engineers and admins.

The one rule for it: a user's role comes from where they write (:func:`role_in_chat`), and
:func:`may` says what a role may do. The router sends engineers' commands and buttons only
from the operator group and clients' only from their private chat, which is the same rule
applied by chat; what only admins may do is checked with :func:`may` by the handlers.
"""

from __future__ import annotations

from enum import StrEnum

from desk.tickets import Action


class Role(StrEnum):
    """The part a Telegram user plays for the desk in a given chat."""

    CLIENT = "client"
    ENGINEER = "engineer"
    ADMIN = "admin"
    NOBODY = "nobody"


ENGINEER_ACTIONS = frozenset(
    {
        Action.TAKE,
        Action.SET_TYPE,
        Action.SET_PRIORITY,
        Action.CLOSE,
        Action.REOPEN,
        Action.NOTE,
        Action.REPLY,
        Action.SOLVE,
        Action.ASK,
    }
)
CLIENT_ACTIONS = frozenset({Action.CLIENT_MESSAGE, Action.CONFIRM, Action.REJECT, Action.REOPEN})


class Privilege(StrEnum):
    """What the desk lets only its admins do, beyond working on tickets."""

    ANNOUNCE = "announce"  # compose, send and resend release announcements
    RELOAD_KB = "reload_kb"  # re-read the knowledge base's articles now
    MANAGE_ORGS = "manage_orgs"  # organizations and their invitation links
    REPORTS = "reports"  # the monthly act of completed work and the desk's figures
    ANY_TIME_ENTRY = "any_time_entry"  # delete another engineer's logged time (/time)


ADMIN_PRIVILEGES = frozenset(Privilege)


def role_in_chat(
    *,
    user_id: int,
    chat_id: int,
    chat_is_private: bool,
    operator_chat_id: int,
    admin_ids: frozenset[int],
) -> Role:
    """Decides a user's role from where they write.

    Engineers are the members of the operator group and act only there; admins are the
    configured ids and, like engineers, act from the operator group. In a private chat
    everybody is a client, even an engineer writing to the bot as a customer would.
    """
    if chat_is_private and chat_id == user_id:
        return Role.CLIENT
    if chat_id == operator_chat_id:
        return Role.ADMIN if user_id in admin_ids else Role.ENGINEER
    return Role.NOBODY


def may(role: Role, action: Action | Privilege) -> bool:
    """Whether someone in `role` may perform `action` at all."""
    if isinstance(action, Privilege):
        return role is Role.ADMIN and action in ADMIN_PRIVILEGES
    if role in (Role.ENGINEER, Role.ADMIN):
        return action in ENGINEER_ACTIONS
    if role is Role.CLIENT:
        return action in CLIENT_ACTIONS
    return False
