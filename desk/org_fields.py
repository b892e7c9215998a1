"""Editing an organization by hand (``/orgs``): which fields there are, how a typed value is
read, and when the bot stops waiting for one. Plain rules, without Telegram or a database.

A value is read from what an admin writes; :func:`read_value` returns it as it is stored or
raises ``ValueError`` whose argument is the reason's code (``orgs.bad.<code>`` in the
catalog): ``empty``, ``too_long``, ``date``, ``user_id``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from enum import StrEnum

from desk.organizations import NAME_LIMIT, clean_name
from desk.text import one_line

#: Written alone, clears a field that may be empty.
CLEAR = "-"
#: Contacts and notes may run over several lines, within what a card can show.
LONG_LIMIT = 1000
#: How long the bot waits for the value it asked an admin for.
INPUT_WAIT = timedelta(minutes=30)

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_RUSSIAN = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
#: Telegram user ids are positive and below 2**52 (they fit a double).
MAX_USER_ID = 2**52


class OrgField(StrEnum):
    """An organization's field an admin can type (the kind is chosen with buttons)."""

    NAME = "name"
    PARTNER_NAME = "pname"
    PARTNER_CONTACTS = "pcont"
    MANAGER_NAME = "mname"
    MANAGER_ID = "mid"
    CONTRACT_UNTIL = "until"
    NOTES = "notes"


class InputKind(StrEnum):
    """What an admin's next message answers: a field, a new organization's name, or the id of
    a client to link."""

    NEW = "new"
    LINK = "link"
    NAME = OrgField.NAME.value
    PARTNER_NAME = OrgField.PARTNER_NAME.value
    PARTNER_CONTACTS = OrgField.PARTNER_CONTACTS.value
    MANAGER_NAME = OrgField.MANAGER_NAME.value
    MANAGER_ID = OrgField.MANAGER_ID.value
    CONTRACT_UNTIL = OrgField.CONTRACT_UNTIL.value
    NOTES = OrgField.NOTES.value


def parse_date(text: str) -> date:
    """A date written ``DD.MM.YYYY`` (``1.2.2027`` too) or ``YYYY-MM-DD``."""
    text = text.strip()
    iso, russian = _ISO.match(text), _RUSSIAN.match(text)
    try:
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        if russian:
            return date(int(russian.group(3)), int(russian.group(2)), int(russian.group(1)))
    except ValueError:
        pass  # 31.02.2027: the right shape, no such day
    raise ValueError("date")


def parse_user_id(text: str) -> int:
    """A Telegram user id: plain digits, positive."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < MAX_USER_ID:
        raise ValueError("user_id")
    return int(text)


def _text(text: str, limit: int, *, lines: bool) -> str | None:
    value = text.strip() if lines else one_line(text).strip()
    if value == CLEAR:
        return None
    if not value:
        raise ValueError("empty")
    if len(value) > limit:
        raise ValueError("too_long")
    return value


def read_value(field: OrgField, text: str) -> str | int | date | None:
    """The value `text` gives `field`: None clears it (``-``); the name cannot be cleared."""
    if field is OrgField.NAME:
        return clean_name(text)
    if field is OrgField.MANAGER_ID:
        return None if text.strip() == CLEAR else parse_user_id(text)
    if field is OrgField.CONTRACT_UNTIL:
        return None if text.strip() == CLEAR else parse_date(text)
    if field in (OrgField.PARTNER_NAME, OrgField.MANAGER_NAME):
        return _text(text, NAME_LIMIT, lines=False)
    return _text(text, LONG_LIMIT, lines=True)


def input_expired(asked_at: datetime, now: datetime) -> bool:
    """Whether a question to an admin is too old for their message to answer it."""
    return now - asked_at > INPUT_WAIT
