"""The callback-data protocol: what every inline button of the bot carries, written and read
in one place.

Data is ``<prefix>:<action>[:<argument>...]``, the prefix naming the handler that takes the
press (bot/app.py routes by the ``*_PATTERN`` constants here). Each kind of button has a
typed builder, used by whoever draws the button, and its family a parser, used by the handler.

The data comes back from the presser's Telegram client, so it is read as untrusted: a parser
returns None for anything its builders could not have written (another prefix, an unknown
action, a missing or extra argument, a number that is not plain digits below 2**63, a code
that is not one of its enum's, more than Telegram's 64 bytes). What a well-formed id names
is still checked by the handler (a ticket must be the presser's own, and so on).

The strings on the wire are those of the buttons already sent to people: changing one breaks
the buttons under old messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from desk.language import LANGUAGES
from desk.org_fields import OrgField
from desk.organizations import OrgKind
from desk.tickets import Priority, TicketType

#: Telegram's limit for a button's callback data, in bytes.
MAX_BYTES = 64
#: Ids are database keys (signed 64-bit); page numbers and indexes are smaller still.
MAX_NUMBER = 2**63 - 1

_E = TypeVar("_E", bound=StrEnum)


def _join(*parts: object) -> str:
    return ":".join(str(part) for part in parts)


def _fields(data: str, prefix: str) -> list[str] | None:
    """The parts after ``<prefix>:``; None when the data is of another family or too long."""
    if len(data.encode()) > MAX_BYTES or not data.startswith(prefix + ":"):
        return None
    return data[len(prefix) + 1 :].split(":")


def _number(text: str) -> int | None:
    """A non-negative number as the builders write it: ASCII digits, at most ``MAX_NUMBER``."""
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= MAX_NUMBER else None


def _code(enum: type[_E], text: str) -> _E | None:
    """A member of `enum` by its value, or None."""
    try:
        return enum(text)
    except ValueError:
        return None


def _pattern(prefix: str) -> str:
    return f"^{prefix}:"


# --- m: the client's main menu (client.menu) -------------------------------------------------

MENU = "m"
MENU_PATTERN = _pattern(MENU)


class MenuItem(StrEnum):
    """The main menu's buttons."""

    ASK = "ask"
    NEW = "new"
    TICKETS = "tickets"
    HELP = "help"


def menu(item: MenuItem) -> str:
    """``m:<item>``."""
    return _join(MENU, item)


def parse_menu(data: str) -> MenuItem | None:
    """The menu item pressed."""
    match _fields(data, MENU):
        case [item]:
            return _code(MenuItem, item)
    return None


# --- lang: the client's language (client.set_language) ---------------------------------------

LANGUAGE = "lang"
LANGUAGE_PATTERN = _pattern(LANGUAGE)


def language(code: str) -> str:
    """``lang:<code>``, one of ``desk.language.LANGUAGES``."""
    return _join(LANGUAGE, code)


def parse_language(data: str) -> str | None:
    """The language chosen, if the desk speaks it."""
    match _fields(data, LANGUAGE):
        case [code] if code in LANGUAGES:
            return code
    return None


# --- r: registering a ticket (registration.on_callback) -------------------------------------

REGISTRATION = "r"
REGISTRATION_PATTERN = _pattern(REGISTRATION)


class Registration(StrEnum):
    """The registration's buttons."""

    RESUME = "resume"  # the menu's "continue the unfinished ticket"
    TYPE = "type"  # a ticket type chosen: takes a TicketType
    PRIORITY = "prio"  # a priority chosen: takes a Priority
    DONE = "done"  # the description is complete
    CANCEL = "cancel"
    CONFIRM = "ok"  # Send under the summary
    EDIT = "edit"  # Edit under the summary: what to change
    EDIT_PART = "e"  # the part to change: takes a DraftPart


class DraftPart(StrEnum):
    """What the client goes back to change from the summary."""

    TYPE = "type"
    PRIORITY = "prio"
    DESCRIPTION = "desc"
    BACK = "back"  # nothing: back to the summary


@dataclass(frozen=True)
class RegistrationPress:
    """A registration button: the action and, for a choice, what was chosen."""

    action: Registration
    value: TicketType | Priority | DraftPart | None = None


#: The registration's actions that carry what was chosen.
_CHOICES = frozenset({Registration.TYPE, Registration.PRIORITY, Registration.EDIT_PART})


def registration(action: Registration) -> str:
    """``r:<action>`` for the buttons without a choice."""
    if action in _CHOICES:
        raise ValueError(f"r:{action} takes a value")
    return _join(REGISTRATION, action)


def registration_type(kind: TicketType) -> str:
    """``r:type:<type>``."""
    return _join(REGISTRATION, Registration.TYPE, kind)


def registration_priority(priority: Priority) -> str:
    """``r:prio:<priority>``."""
    return _join(REGISTRATION, Registration.PRIORITY, priority)


def registration_edit(part: DraftPart) -> str:
    """``r:e:<part>``."""
    return _join(REGISTRATION, Registration.EDIT_PART, part)


def parse_registration(data: str) -> RegistrationPress | None:
    """A registration button."""
    value: TicketType | Priority | DraftPart | None
    match _fields(data, REGISTRATION):
        case [action]:
            plain = _code(Registration, action)
            if plain is not None and plain not in _CHOICES:
                return RegistrationPress(plain)
        case ["type", code]:
            value = _code(TicketType, code)
            return RegistrationPress(Registration.TYPE, value) if value is not None else None
        case ["prio", code]:
            value = _code(Priority, code)
            return RegistrationPress(Registration.PRIORITY, value) if value is not None else None
        case ["e", code]:
            value = _code(DraftPart, code)
            return RegistrationPress(Registration.EDIT_PART, value) if value is not None else None
    return None


# --- t: the client's tickets (client.ticket_buttons) ----------------------------------------

TICKETS = "t"
TICKETS_PATTERN = _pattern(TICKETS)


class TicketView(StrEnum):
    """What a ticket's button shows or does."""

    CARD = "card"
    HISTORY = "hist"
    WRITE = "write"  # makes it the active ticket


@dataclass(frozen=True)
class TicketsPage:
    """A page of the client's ticket list."""

    page: int


@dataclass(frozen=True)
class TicketPress:
    """One ticket's card, a page of its history, or writing to it."""

    view: TicketView
    ticket_id: int
    page: int = 0  # of the history


_LIST = "list"


def tickets_page(page: int) -> str:
    """``t:list:<page>``."""
    return _join(TICKETS, _LIST, page)


def ticket_card(ticket_id: int) -> str:
    """``t:card:<ticket>``."""
    return _join(TICKETS, TicketView.CARD, ticket_id)


def ticket_history(ticket_id: int, page: int) -> str:
    """``t:hist:<ticket>:<page>``."""
    return _join(TICKETS, TicketView.HISTORY, ticket_id, page)


def ticket_write(ticket_id: int) -> str:
    """``t:write:<ticket>``."""
    return _join(TICKETS, TicketView.WRITE, ticket_id)


def parse_tickets(data: str) -> TicketsPage | TicketPress | None:
    """A button of the ticket list, a card or a history page."""
    match _fields(data, TICKETS):
        case ["list", page]:
            number = _number(page)
            return TicketsPage(number) if number is not None else None
        case ["card" | "write" as view, ticket]:
            ticket_id = _number(ticket)
            return TicketPress(TicketView(view), ticket_id) if ticket_id is not None else None
        case ["hist", ticket, page]:
            ticket_id, number = _number(ticket), _number(page)
            if ticket_id is not None and number is not None:
                return TicketPress(TicketView.HISTORY, ticket_id, number)
    return None


# --- e: "No answer?" and "Raise priority" on the client's card (escalation) ------------------

ESCALATION = "e"
ESCALATION_PATTERN = _pattern(ESCALATION)


class Escalation(StrEnum):
    """The client's buttons on an open ticket's card."""

    LATE = "late"  # No answer?
    RAISE = "raise"  # ask for a higher priority


@dataclass(frozen=True)
class EscalationPress:
    """An escalation button on a ticket's card."""

    action: Escalation
    ticket_id: int


def no_answer(ticket_id: int) -> str:
    """``e:late:<ticket>``."""
    return _join(ESCALATION, Escalation.LATE, ticket_id)


def raise_priority(ticket_id: int) -> str:
    """``e:raise:<ticket>``."""
    return _join(ESCALATION, Escalation.RAISE, ticket_id)


def parse_escalation(data: str) -> EscalationPress | None:
    """An escalation button."""
    match _fields(data, ESCALATION):
        case [action, ticket]:
            kind, ticket_id = _code(Escalation, action), _number(ticket)
            if kind is not None and ticket_id is not None:
                return EscalationPress(kind, ticket_id)
    return None


# --- c: the client on a solution, a closed ticket, a rating (lifecycle.client_buttons) ------

LIFECYCLE = "c"
LIFECYCLE_PATTERN = _pattern(LIFECYCLE)


class Lifecycle(StrEnum):
    """The client's answers about a ticket's end."""

    CONFIRM = "y"  # the solution works
    REJECT = "n"  # it does not
    REOPEN = "r"
    RATE = "s"  # takes the stars


@dataclass(frozen=True)
class LifecyclePress:
    """A lifecycle button; `stars` only for a rating (its range is desk.lifecycle's rule)."""

    action: Lifecycle
    ticket_id: int
    stars: int | None = None


def solved(ticket_id: int) -> str:
    """``c:y:<ticket>``."""
    return _join(LIFECYCLE, Lifecycle.CONFIRM, ticket_id)


def not_solved(ticket_id: int) -> str:
    """``c:n:<ticket>``."""
    return _join(LIFECYCLE, Lifecycle.REJECT, ticket_id)


def reopen(ticket_id: int) -> str:
    """``c:r:<ticket>``."""
    return _join(LIFECYCLE, Lifecycle.REOPEN, ticket_id)


def rating(ticket_id: int, stars: int) -> str:
    """``c:s:<ticket>:<stars>``."""
    return _join(LIFECYCLE, Lifecycle.RATE, ticket_id, stars)


def parse_lifecycle(data: str) -> LifecyclePress | None:
    """A lifecycle button."""
    match _fields(data, LIFECYCLE):
        case ["s", ticket, stars]:
            ticket_id, count = _number(ticket), _number(stars)
            if ticket_id is not None and count is not None:
                return LifecyclePress(Lifecycle.RATE, ticket_id, count)
        case ["y" | "n" | "r" as action, ticket]:
            ticket_id = _number(ticket)
            if ticket_id is not None:
                return LifecyclePress(Lifecycle(action), ticket_id)
    return None


# --- k: the knowledge base's answers (kb.buttons) -------------------------------------------

KB = "k"
KB_PATTERN = _pattern(KB)


class Kb(StrEnum):
    """The buttons under suggested and opened articles."""

    OPEN = "o"  # takes the article's index in the search's results
    HELPED = "y"  # takes the index
    NOT_HELPED = "n"  # takes the index; starts a ticket
    TICKET = "t"  # none of the articles: start a ticket
    WHOLE = "w"  # takes the index: the whole article, after the section that matched


@dataclass(frozen=True)
class KbPress:
    """A knowledge-base button: the search it belongs to and, but for TICKET, the result."""

    action: Kb
    search_id: int
    index: int | None = None


def kb_open(search_id: int, index: int) -> str:
    """``k:o:<search>:<index>``."""
    return _join(KB, Kb.OPEN, search_id, index)


def kb_helped(search_id: int, index: int) -> str:
    """``k:y:<search>:<index>``."""
    return _join(KB, Kb.HELPED, search_id, index)


def kb_not_helped(search_id: int, index: int) -> str:
    """``k:n:<search>:<index>``."""
    return _join(KB, Kb.NOT_HELPED, search_id, index)


def kb_whole(search_id: int, index: int) -> str:
    """``k:w:<search>:<index>``."""
    return _join(KB, Kb.WHOLE, search_id, index)


def kb_ticket(search_id: int) -> str:
    """``k:t:<search>``."""
    return _join(KB, Kb.TICKET, search_id)


def parse_kb(data: str) -> KbPress | None:
    """A knowledge-base button."""
    match _fields(data, KB):
        case ["t", search]:
            search_id = _number(search)
            return KbPress(Kb.TICKET, search_id) if search_id is not None else None
        case ["o" | "y" | "n" | "w" as action, search, index]:
            search_id, number = _number(search), _number(index)
            if search_id is not None and number is not None:
                return KbPress(Kb(action), search_id, number)
    return None


# --- n: release news on or off (client.subscription_buttons) --------------------------------

NEWS = "n"
NEWS_PATTERN = _pattern(NEWS)


class News(StrEnum):
    """The client's choice about release news."""

    YES = "sub:1"  # the first /start's question
    NO = "sub:0"
    UNSUBSCRIBE = "off"  # under every announcement


def news(choice: News) -> str:
    """``n:sub:1``, ``n:sub:0`` or ``n:off``."""
    return _join(NEWS, choice)


def parse_news(data: str) -> News | None:
    """The choice pressed."""
    fields = _fields(data, NEWS)
    return _code(News, ":".join(fields)) if fields is not None else None


# --- v: a client asks for the announced version (announce.request_version) -----------------

VERSION = "v"
VERSION_PATTERN = _pattern(VERSION)


def version_request(announcement_id: int) -> str:
    """``v:req:<announcement>``."""
    return _join(VERSION, "req", announcement_id)


def parse_version_request(data: str) -> int | None:
    """The announcement whose version is asked for."""
    match _fields(data, VERSION):
        case ["req", announcement]:
            return _number(announcement)
    return None


# --- a: an admin composing or resending an announcement (announce.admin_buttons) -----------

ANNOUNCE = "a"
ANNOUNCE_PATTERN = _pattern(ANNOUNCE)


class Announce(StrEnum):
    """The admin's buttons while composing an announcement, and under its summary."""

    CANCEL = "x"
    EVERYONE = "all"  # the audience: every subscriber
    PICK_ORGS = "orgs"  # the audience: organizations, to be picked
    TOGGLE_ORG = "org"  # takes the organization's index among those shown
    ORGS_DONE = "ok"
    NO_VERSION = "nov"
    RESTART = "re"
    SEND = "go"
    RESEND_UNKNOWN = "ru"  # under the summary: send again what may not have arrived


@dataclass(frozen=True)
class AnnouncePress:
    """An admin's button: the action, the announcement and, for TOGGLE_ORG, the index."""

    action: Announce
    announcement_id: int
    index: int | None = None


def announce(action: Announce, announcement_id: int) -> str:
    """``a:<action>:<announcement>`` for all but an organization's toggle."""
    if action is Announce.TOGGLE_ORG:
        raise ValueError("a:org takes an index: use announce_org()")
    return _join(ANNOUNCE, action, announcement_id)


def announce_org(announcement_id: int, index: int) -> str:
    """``a:org:<announcement>:<index>``."""
    return _join(ANNOUNCE, Announce.TOGGLE_ORG, announcement_id, index)


def parse_announce(data: str) -> AnnouncePress | None:
    """An admin's announcement button."""
    match _fields(data, ANNOUNCE):
        case ["org", announcement, index]:
            announcement_id, number = _number(announcement), _number(index)
            if announcement_id is not None and number is not None:
                return AnnouncePress(Announce.TOGGLE_ORG, announcement_id, number)
        case [action, announcement] if action != Announce.TOGGLE_ORG:
            kind, announcement_id = _code(Announce, action), _number(announcement)
            if kind is not None and announcement_id is not None:
                return AnnouncePress(kind, announcement_id)
    return None


# --- o: engineers' buttons in the operator group ---------------------------------------------

FIELD = "o"
FIELD_PATTERN = r"^o:(?:type|prio):"


@dataclass(frozen=True)
class FieldPress:
    """An engineer's choice of a ticket's type or priority (operator.set_field)."""

    ticket_id: int
    value: TicketType | Priority


def set_type(ticket_id: int, kind: TicketType) -> str:
    """``o:type:<ticket>:<type>``."""
    return _join(FIELD, "type", ticket_id, kind)


def set_priority(ticket_id: int, priority: Priority) -> str:
    """``o:prio:<ticket>:<priority>``."""
    return _join(FIELD, "prio", ticket_id, priority)


def parse_field(data: str) -> FieldPress | None:
    """A type or priority chosen for a ticket."""
    match _fields(data, FIELD):
        case ["type", ticket, code]:
            ticket_id, kind = _number(ticket), _code(TicketType, code)
            if ticket_id is not None and kind is not None:
                return FieldPress(ticket_id, kind)
        case ["prio", ticket, code]:
            ticket_id, priority = _number(ticket), _code(Priority, code)
            if ticket_id is not None and priority is not None:
                return FieldPress(ticket_id, priority)
    return None


RAISE = "o:raise"
RAISE_PATTERN = _pattern(RAISE)


@dataclass(frozen=True)
class RaisePress:
    """An engineer's decision on a client's request for a higher priority."""

    request_id: int
    accept: bool


def raise_decision(request_id: int, *, accept: bool) -> str:
    """``o:raise:<request>:y`` or ``…:n`` (escalation.decide_raise)."""
    return _join(RAISE, request_id, "y" if accept else "n")


def parse_raise(data: str) -> RaisePress | None:
    """A decision on a priority request."""
    match _fields(data, RAISE):
        case [request, "y" | "n" as verdict]:
            request_id = _number(request)
            return RaisePress(request_id, verdict == "y") if request_id is not None else None
    return None


RESEND = "o:resend"
RESEND_PATTERN = _pattern(RESEND)


def resend(record_id: int) -> str:
    """``o:resend:<record>``: send again a message that may not have arrived
    (operator.resend; the button is drawn by bot/render.py)."""
    return _join(RESEND, record_id)


def parse_resend(data: str) -> int | None:
    """The outgoing record to send again."""
    match _fields(data, RESEND):
        case [record]:
            return _number(record)
    return None


# --- org: organizations in the operator group (orgs.buttons) ---------------------------------

ORGS = "org"
ORGS_PATTERN = _pattern(ORGS)


class OrgAction(StrEnum):
    """The buttons of the admins' ``/orgs`` panel, and the engineers' link buttons."""

    LIST = "ls"  # takes the page
    NEW = "new"  # asks for a new organization's name
    CARD = "card"  # takes the organization
    EDIT = "ed"  # takes the organization and an OrgField: asks for the value
    KIND = "kind"  # takes the organization and the OrgKind to set
    LINK = "link"  # takes the organization: asks for a client's Telegram id
    INVITES = "inv"  # takes the organization: its invitation links
    INVITE_NEW = "invnew"  # takes the organization: how many uses?
    INVITE_USES = "invu"  # takes the organization and the uses (0: any): for how long?
    INVITE_MAKE = "invd"  # takes the organization, the uses and the days: the link
    REVOKE = "rev"  # takes the invitation
    # Engineers, on a ticket's header card (or the answer to a bare /org):
    PICK = "pick"  # takes the ticket and the page: the organizations to link its client to
    SET = "set"  # takes the ticket and the organization
    BACK = "back"  # takes the ticket: the card's own button again


#: What only admins may press (Privilege.MANAGE_ORGS); the rest any engineer may.
ORG_ADMIN_ACTIONS = frozenset(OrgAction) - {OrgAction.PICK, OrgAction.SET, OrgAction.BACK}


@dataclass(frozen=True)
class OrgPress:
    """An organizations button: the action and what it names (see :class:`OrgAction`)."""

    action: OrgAction
    #: The page (LIST), organization, invitation (REVOKE) or ticket (PICK, SET, BACK).
    target: int = 0
    #: PICK: the page; SET: the organization; INVITE_USES, INVITE_MAKE: the uses (0: any).
    number: int = 0
    days: int = 0
    field: OrgField | None = None
    kind: OrgKind | None = None


def org(action: OrgAction, *args: int | StrEnum) -> str:
    """``org:<action>[:<argument>...]``; :func:`parse_org` says which arguments each takes."""
    data = _join(ORGS, action, *args)
    if parse_org(data) is None:
        raise ValueError(f"{data!r} is not an organizations button")
    return data


def parse_org(data: str) -> OrgPress | None:
    """An organizations button."""
    fields = _fields(data, ORGS)
    if not fields:
        return None
    action, args = _code(OrgAction, fields[0]), fields[1:]
    numbers = [_number(arg) for arg in args]
    match action, args:
        case OrgAction.NEW, []:
            return OrgPress(action)
        case OrgAction.EDIT, [_, code]:
            field = _code(OrgField, code)
            if numbers[0] is not None and field is not None:
                return OrgPress(action, numbers[0], field=field)
        case OrgAction.KIND, [_, code]:
            kind = _code(OrgKind, code)
            if numbers[0] is not None and kind is not None:
                return OrgPress(action, numbers[0], kind=kind)
        case (
            (
                OrgAction.LIST
                | OrgAction.CARD
                | OrgAction.LINK
                | OrgAction.INVITES
                | OrgAction.INVITE_NEW
                | OrgAction.REVOKE
                | OrgAction.BACK
            ),
            [_],
        ) if numbers[0] is not None:
            return OrgPress(action, numbers[0])
        case OrgAction.PICK | OrgAction.SET | OrgAction.INVITE_USES, [_, _] if None not in numbers:
            return OrgPress(action, numbers[0] or 0, numbers[1] or 0)
        case OrgAction.INVITE_MAKE, [_, _, _] if None not in numbers:
            return OrgPress(action, numbers[0] or 0, numbers[1] or 0, numbers[2] or 0)
    return None


# --- o:time: an engineer deletes a logged time entry (operator.delete_time) -----------------

TIME = "o:time"
TIME_PATTERN = _pattern(TIME)


def time_delete(entry_id: int) -> str:
    """``o:time:del:<entry>``: delete a time entry (the press is checked against its author)."""
    return _join(TIME, "del", entry_id)


def parse_time_delete(data: str) -> int | None:
    """The time entry to delete."""
    match _fields(data, TIME):
        case ["del", entry]:
            return _number(entry)
    return None


#: Every pattern the router uses; no two match the same data.
PATTERNS = (
    MENU_PATTERN,
    LANGUAGE_PATTERN,
    REGISTRATION_PATTERN,
    TICKETS_PATTERN,
    ESCALATION_PATTERN,
    LIFECYCLE_PATTERN,
    KB_PATTERN,
    NEWS_PATTERN,
    VERSION_PATTERN,
    ANNOUNCE_PATTERN,
    FIELD_PATTERN,
    RAISE_PATTERN,
    RESEND_PATTERN,
    ORGS_PATTERN,
    TIME_PATTERN,
)
