"""The organizations' messages in the operator group: pure builders of texts and keyboards.

The admins' ``/orgs`` panel is one message edited in place as the admin moves through it:
the list, an organization's card, the question for a field, its invitation links. The
engineers' choice of an organization for a ticket's client is a keyboard too (in place of the
header card's own button, or under the answer to a bare ``/org``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks as cb
from bot.callbacks import OrgAction
from bot.render import fmt_dt
from bot.texts import Raw, t
from desk.invitations import DAYS_CHOICES, USES_CHOICES
from desk.org_fields import InputKind, OrgField
from desk.organizations import InvitationState, InvitationTerms, OrgKind, contract_ended
from desk.text import truncate
from storage.models import Invitation, Organization

#: Organizations per page of the list (one button each).
PAGE_SIZE = 8
#: Invitations an organization's panel shows (the newest).
INVITATIONS_SHOWN = 10
#: Fields in the card's buttons, two a row.
EDITABLE = (
    OrgField.NAME,
    OrgField.PARTNER_NAME,
    OrgField.PARTNER_CONTACTS,
    OrgField.MANAGER_NAME,
    OrgField.MANAGER_ID,
    OrgField.CONTRACT_UNTIL,
    OrgField.NOTES,
)


def _button(text: str, action: OrgAction, *args: int | OrgField | OrgKind) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=cb.org(action, *args))


def pages(count: int) -> int:
    """How many pages a list of `count` organizations takes (at least one)."""
    return max(1, math.ceil(count / PAGE_SIZE))


def _page_of(items: Sequence[Organization], page: int) -> tuple[Sequence[Organization], int]:
    page = min(page, pages(len(items)) - 1)
    return items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE], page


def _nav(page: int, total: int, action: OrgAction, *before: int) -> list[InlineKeyboardButton]:
    """◀️ / ▶️ between pages, for `action` taking (*before, page)."""
    row = []
    if page > 0:
        row.append(_button("◀️", action, *before, page - 1))
    if page < pages(total) - 1:
        row.append(_button("▶️", action, *before, page + 1))
    return row


def org_list(
    lang: str, items: Sequence[Organization], counts: dict[int, int], page: int
) -> tuple[str, InlineKeyboardMarkup]:
    """The panel's first view: the organizations (a page of them) with their clients."""
    shown, page = _page_of(items, page)
    numbered = (
        Raw(t(lang, "orgs.list_page", page=page + 1, pages=pages(len(items))))
        if len(items) > PAGE_SIZE
        else ""
    )
    text = t(lang, "orgs.list_title", count=len(items), page=numbered)
    text += "\n\n" + t(lang, "orgs.list_hint" if items else "orgs.list_empty")
    rows = [
        [
            _button(
                truncate(t(lang, "orgs.button", name=org.name, clients=counts.get(org.id, 0)), 60),
                OrgAction.CARD,
                org.id,
            )
        ]
        for org in shown
    ]
    nav = [
        _button(label, OrgAction.LIST, number)
        for label, number, show in (
            (t(lang, "orgs.prev"), page - 1, page > 0),
            (t(lang, "orgs.next"), page + 1, page < pages(len(items)) - 1),
        )
        if show
    ]
    if nav:
        rows.append(nav)
    rows.append([_button(t(lang, "orgs.add"), OrgAction.NEW)])
    return text, InlineKeyboardMarkup(rows)


def _or_none(lang: str, value: str | None) -> str:
    return value if value else t(lang, "orgs.none")


def contract_words(lang: str, until: date | None, today: date) -> str:
    """The contract's end as the card says it."""
    if until is None:
        return t(lang, "orgs.none")
    key = "orgs.contract_ended" if contract_ended(until, today) else "orgs.contract_until"
    return t(lang, key, date=until.strftime("%d.%m.%Y"))


def org_card(
    lang: str, org: Organization, clients: int, today: date, *, saved: str = ""
) -> tuple[str, InlineKeyboardMarkup]:
    """An organization's card: every field, its clients, and a button per thing to change.
    `saved`: a line above it saying what was just done."""
    partner = (
        Raw(
            t(
                lang,
                "orgs.card_partner",
                partner=_or_none(lang, org.partner_name),
                contacts=_or_none(lang, org.partner_contacts),
            )
        )
        if org.kind == OrgKind.PARTNER
        else ""
    )
    manager = (
        Raw(
            t(
                lang,
                "orgs.manager",
                name=org.manager_name or "",
                id=Raw(t(lang, "orgs.manager_id", id=org.manager_user_id))
                if org.manager_user_id
                else "",
            ).strip()
        )
        if org.manager_name or org.manager_user_id
        else t(lang, "orgs.none")
    )
    text = t(
        lang,
        "orgs.card",
        name=org.name,
        kind=t(lang, f"orgs.kind.{org.kind}"),
        partner=partner,
        manager=manager,
        contract=contract_words(lang, org.contract_until, today),
        clients=clients,
        notes=_or_none(lang, org.notes),
    )
    if saved:
        text = f"{saved}\n\n{text}"
    fields = [_button(t(lang, f"orgs.edit.{f}"), OrgAction.EDIT, org.id, f) for f in EDITABLE]
    rows = [fields[i : i + 2] for i in range(0, len(fields), 2)]
    other = OrgKind.DIRECT if org.kind == OrgKind.PARTNER else OrgKind.PARTNER
    rows.append([_button(t(lang, f"orgs.make.{other}"), OrgAction.KIND, org.id, other)])
    rows.append(
        [
            _button(t(lang, "orgs.link"), OrgAction.LINK, org.id),
            _button(t(lang, "orgs.invites"), OrgAction.INVITES, org.id),
        ]
    )
    rows.append([_button(t(lang, "orgs.back_list"), OrgAction.LIST, 0)])
    return text, InlineKeyboardMarkup(rows)


def question(
    lang: str, what: InputKind, org: Organization | None
) -> tuple[str, InlineKeyboardMarkup]:
    """The panel asking for a value; Cancel goes back where the admin came from."""
    text = t(lang, f"orgs.ask.{what}", org=org.name if org is not None else "")
    back = (
        _button(t(lang, "orgs.cancel"), OrgAction.CARD, org.id)
        if org is not None
        else _button(t(lang, "orgs.cancel"), OrgAction.LIST, 0)
    )
    return text, InlineKeyboardMarkup([[back]])


def invite_link(bot_username: str, token: str) -> str:
    """The link that joins whoever opens it: ``https://t.me/<bot>?start=<token>``."""
    return f"https://t.me/{bot_username}?start={token}"


def _state(row: Invitation, now: datetime) -> InvitationState:
    return InvitationTerms(row.expires_at, row.revoked_at, row.max_uses, row.uses).state(now)


def invitations(
    lang: str,
    org: Organization,
    rows: Sequence[Invitation],
    *,
    now: datetime,
    zone: ZoneInfo,
    bot_username: str,
    created: Invitation | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    """An organization's invitation links with their state and uses, a Revoke button for each
    that still works, and New; `created`: the link just made, shown on top."""
    lines = [t(lang, "orgs.invites_title", org=org.name)]
    if created is not None:
        lines.insert(
            0,
            t(lang, "orgs.invite_created")
            + "\n"
            + f"<code>{invite_link(bot_username, created.token)}</code>\n",
        )
    buttons = []
    for n, row in enumerate(rows, start=1):
        state = _state(row, now)
        uses = (
            t(lang, "orgs.uses_of", uses=row.uses, max=row.max_uses)
            if row.max_uses is not None
            else t(lang, "orgs.uses_any", uses=row.uses)
        )
        valid = state is InvitationState.VALID
        lines.append(
            t(
                lang,
                "orgs.invite_line",
                n=n,
                state=t(lang, f"orgs.state.{state}"),
                expires=fmt_dt(row.expires_at, zone),
                uses=uses,
                link=Raw(t(lang, "orgs.invite_link", link=invite_link(bot_username, row.token)))
                if valid
                else "",
            )
        )
        if valid:
            buttons.append(_button(t(lang, "orgs.revoke", n=n), OrgAction.REVOKE, row.id))
    if not rows:
        lines.append(t(lang, "orgs.invites_none"))
    lines.append(t(lang, "orgs.invites_hint"))
    keyboard = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    keyboard.append([_button(t(lang, "orgs.invite_new"), OrgAction.INVITE_NEW, org.id)])
    keyboard.append([_button(t(lang, "orgs.back_card"), OrgAction.CARD, org.id)])
    return "\n\n".join(lines), InlineKeyboardMarkup(keyboard)


def ask_uses(lang: str, org: Organization) -> tuple[str, InlineKeyboardMarkup]:
    """How many clients may join by a new invitation."""
    row = [
        _button(
            t(lang, "orgs.uses_button", count=uses)
            if uses is not None
            else t(lang, "orgs.uses_unlimited"),
            OrgAction.INVITE_USES,
            org.id,
            uses or 0,
        )
        for uses in USES_CHOICES
    ]
    back = [_button(t(lang, "orgs.cancel"), OrgAction.INVITES, org.id)]
    return t(lang, "orgs.ask_uses", org=org.name), InlineKeyboardMarkup([row, back])


def ask_days(lang: str, org: Organization, uses: int) -> tuple[str, InlineKeyboardMarkup]:
    """For how long a new invitation works."""
    row = [
        _button(t(lang, "orgs.days_button", days=days), OrgAction.INVITE_MAKE, org.id, uses, days)
        for days in DAYS_CHOICES
    ]
    back = [_button(t(lang, "orgs.cancel"), OrgAction.INVITES, org.id)]
    return t(lang, "orgs.ask_days", org=org.name), InlineKeyboardMarkup([row, back])


def pick(
    lang: str, ticket_id: int, items: Sequence[Organization], page: int, *, on_card: bool
) -> InlineKeyboardMarkup:
    """Organizations to link a ticket's client to, a page of them; on the header card, a
    Back button gives the card its own button again."""
    shown, page = _page_of(items, page)
    rows = [[_button(truncate(org.name, 60), OrgAction.SET, ticket_id, org.id)] for org in shown]
    nav = _nav(page, len(items), OrgAction.PICK, ticket_id)
    if nav:
        rows.append(nav)
    if on_card:
        rows.append([_button(t(lang, "orgs.prev"), OrgAction.BACK, ticket_id)])
    return InlineKeyboardMarkup(rows)
