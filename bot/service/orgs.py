"""Organizations in the operator group, and invitation links for clients.

- ``/orgs`` (admins): one panel message, edited in place as the admin moves through it (the
  group has ~20 messages a minute for everything): the list, a card per organization, a
  field's question, its invitation links. A question waits for the admin's next message in
  that thread (stored in ``admin_inputs``, so a restart keeps it); a bad value is answered
  with the reason and the question stays.
- Linking a ticket's client (engineers): the header card's button, ``/org`` alone (a list
  to choose from), ``/org <name>`` for an existing organization (admins may create one).
- ``/start <token>`` (clients): an invitation link joins the client to its organization,
  once; what it does is ``desk.invitations.join_outcome``'s rule.

Every use case is one unit of work: the change and what it sends are stored together.
"""

from __future__ import annotations

from datetime import date, datetime

from telegram import InlineKeyboardMarkup

from bot import orgs_view, render
from bot.callbacks import OrgAction, OrgPress
from bot.context import Desk, Unit
from bot.outbox import markup_json
from bot.service.buttons import Answer
from bot.service.lookup import find_ticket, ticket_or_explain
from bot.service.origin import Origin
from bot.texts import t
from desk.invitations import JoinOutcome, join_outcome, valid_terms
from desk.org_fields import InputKind, OrgField, input_expired, parse_user_id, read_value
from desk.organizations import (
    InvitationTerms,
    clean_name,
    invitation_expiry,
    looks_like_token,
    name_key,
    new_token,
)
from desk.text import one_line, truncate
from storage import invitations as store
from storage import orgs, repo
from storage.models import AdminInput, Client, Invitation, Organization, Ticket

#: Fields whose change shows in the header cards or topic titles of the members' tickets.
_SHOWN_ON_TICKETS = frozenset({OrgField.NAME, OrgField.PARTNER_NAME, OrgField.CONTRACT_UNTIL})


def _today(desk: Desk) -> date:
    return desk.clock.now().astimezone(desk.settings.zone).date()


async def _refresh_client(unit: Unit, client_id: int, *, also: Ticket | None = None) -> None:
    """The titles and header cards of the client's open tickets (and of `also`, the ticket
    the change was made from, even closed) follow their organization."""
    live = list(await store.live_tickets(unit.session, client_id))
    if also is not None and all(ticket.id != also.id for ticket in live):
        live.append(also)
    for ticket in live:
        await unit.out.refresh(ticket.id)


async def _refresh_members(unit: Unit, org_id: int) -> None:
    for client_id in await store.member_ids(unit.session, org_id):
        await _refresh_client(unit, client_id)


async def _show(unit: Unit, message_id: int, view: tuple[str, InlineKeyboardMarkup]) -> None:
    """The panel shows `view` (an edit: the group's budget counts it as one message)."""
    text, markup = view
    await unit.out.edit_group(message_id, text, markup=markup)


async def _list_view(unit: Unit, page: int) -> tuple[str, InlineKeyboardMarkup]:
    items = await orgs.all_organizations(unit.session)
    counts = await store.member_counts(unit.session)
    return orgs_view.org_list(unit.desk.op_lang, items, counts, page)


async def _card_view(
    unit: Unit, org: Organization, *, saved: str = ""
) -> tuple[str, InlineKeyboardMarkup]:
    clients = await store.members(unit.session, org.id)
    return orgs_view.org_card(unit.desk.op_lang, org, clients, _today(unit.desk), saved=saved)


async def _invitations_view(
    unit: Unit, org: Organization, *, created: Invitation | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    desk = unit.desk
    rows = await store.of_organization(unit.session, org.id, limit=orgs_view.INVITATIONS_SHOWN)
    return orgs_view.invitations(
        desk.op_lang,
        org,
        rows,
        now=desk.clock.now(),
        zone=desk.settings.zone,
        bot_username=desk.bot_username,
        created=created,
    )


# --- /orgs: the admins' panel ----------------------------------------------------------------


async def refuse(desk: Desk, origin: Origin) -> None:
    """/orgs from someone who is not an admin: said so."""
    async with desk.unit() as unit:
        await unit.out.answer_to(origin, t(desk.op_lang, "admin_only"))


async def open_panel(desk: Desk, origin: Origin) -> None:
    """/orgs (an admin, outside tickets' topics): the list of organizations, as one message
    the admin's presses then edit. A question the admin left unanswered is dropped."""
    assert origin.user_id is not None
    in_ticket = await find_ticket(desk, origin) is not None
    async with desk.unit() as unit:
        if in_ticket:
            await unit.out.answer_to(origin, t(desk.op_lang, "orgs.not_in_ticket"))
            return
        await store.forget(unit.session, user_id=origin.user_id)
        text, markup = await _list_view(unit, 0)
        await unit.out.answer_to(origin, text, markup=markup)


async def panel_button(desk: Desk, origin: Origin, press: OrgPress) -> Answer:
    """A press on the panel by an admin (the handler checked who): moves the panel, asks
    for a value, changes the kind, or makes and revokes invitations. Every press drops the
    question the admin had not answered."""
    assert origin.user_id is not None
    lang = desk.op_lang
    gone = Answer(t(lang, "orgs.gone"), alert=True)
    async with desk.unit() as unit:
        await store.forget(unit.session, user_id=origin.user_id)
        if press.action is OrgAction.LIST:
            await _show(unit, origin.message_id, await _list_view(unit, press.target))
            return Answer()
        if press.action is OrgAction.NEW:
            await _ask(unit, origin, InputKind.NEW, None)
            return Answer()
        if press.action is OrgAction.REVOKE:
            return await _revoke(unit, origin, press.target)
        org = await orgs.get(unit.session, press.target)
        if org is None:
            return gone
        match press.action:
            case OrgAction.CARD:
                await _show(unit, origin.message_id, await _card_view(unit, org))
            case OrgAction.EDIT:
                assert press.field is not None
                await _ask(unit, origin, InputKind(press.field.value), org)
            case OrgAction.LINK:
                await _ask(unit, origin, InputKind.LINK, org)
            case OrgAction.KIND:
                assert press.kind is not None
                if org.kind != press.kind:
                    org.kind = press.kind.value
                    org.updated_at = desk.clock.now()
                    await _refresh_members(unit, org.id)
                view = await _card_view(unit, org, saved=t(lang, "orgs.saved"))
                await _show(unit, origin.message_id, view)
            case OrgAction.INVITES:
                await _show(unit, origin.message_id, await _invitations_view(unit, org))
            case OrgAction.INVITE_NEW:
                await _show(unit, origin.message_id, orgs_view.ask_uses(lang, org))
            case OrgAction.INVITE_USES:
                if not valid_terms(press.number or None, 1):
                    return Answer(t(lang, "orgs.stale"))
                view = orgs_view.ask_days(lang, org, press.number)
                await _show(unit, origin.message_id, view)
            case OrgAction.INVITE_MAKE:
                if not valid_terms(press.number or None, press.days):
                    return Answer(t(lang, "orgs.stale"))
                now = desk.clock.now()
                made = await store.create(
                    unit.session,
                    token=new_token(),
                    organization_id=org.id,
                    created_by=origin.user_id,
                    now=now,
                    expires_at=invitation_expiry(now, press.days),
                    max_uses=press.number or None,
                )
                view = await _invitations_view(unit, org, created=made)
                await _show(unit, origin.message_id, view)
            case _:
                return Answer(t(lang, "orgs.stale"))
    return Answer()


async def _ask(unit: Unit, origin: Origin, what: InputKind, org: Organization | None) -> None:
    """The panel turns into a question; the admin's next message in this thread answers."""
    assert origin.user_id is not None
    await store.ask(
        unit.session,
        user_id=origin.user_id,
        chat_id=origin.chat_id,
        thread_id=origin.thread_id,
        what=what.value,
        target_id=org.id if org is not None else None,
        message_id=origin.message_id,
        now=unit.desk.clock.now(),
    )
    await _show(unit, origin.message_id, orgs_view.question(unit.desk.op_lang, what, org))


async def _revoke(unit: Unit, origin: Origin, invitation_id: int) -> Answer:
    lang = unit.desk.op_lang
    row = await store.get(unit.session, invitation_id)
    org = await orgs.get(unit.session, row.organization_id) if row is not None else None
    if row is None or org is None:
        return Answer(t(lang, "orgs.stale"))
    if row.revoked_at is None:
        row.revoked_at = unit.desk.clock.now()
    await _show(unit, origin.message_id, await _invitations_view(unit, org))
    return Answer(t(lang, "orgs.revoked"))


class _Unanswered(Exception):
    """The question changed since the message was read: it answers nothing now."""


async def capture(desk: Desk, origin: Origin, text: str | None) -> bool:
    """Takes an admin's message that answers the panel's question; False if it does not
    (then it is the group's correspondence).

    Only a message in the thread where the question was asked counts, within
    ``desk.org_fields.INPUT_WAIT``, and not one replying to another message than the
    question: replies to tickets' messages go to their clients.
    """
    if origin.user_id is None:
        return False
    async with desk.tx() as session:
        asked = await store.asked(session, user_id=origin.user_id)
    if (
        asked is None
        or asked.chat_id != origin.chat_id
        or asked.thread_id != origin.thread_id
        or input_expired(asked.created_at, desk.clock.now())
        or (origin.reply_to is not None and origin.reply_to != asked.message_id)
    ):
        return False
    try:
        async with desk.unit() as unit:
            fresh = await store.asked(unit.session, user_id=origin.user_id)
            if fresh is None or fresh.created_at != asked.created_at:
                raise _Unanswered  # rolled back, the update unmarked: the group takes it
            await _answer(unit, origin, fresh, text)
    except _Unanswered:
        return False
    return True


async def _answer(unit: Unit, origin: Origin, asked: AdminInput, text: str | None) -> None:
    """Reads the admin's value: stores it and shows the card, or says what is wrong with it
    (the question stays)."""
    assert origin.user_id is not None
    what, target_id, panel = InputKind(asked.what), asked.target_id, asked.message_id
    desk = unit.desk
    lang = desk.op_lang
    org = await orgs.get(unit.session, target_id) if target_id is not None else None
    if what is not InputKind.NEW and org is None:
        await store.forget(unit.session, user_id=origin.user_id)
        await unit.out.answer_to(origin, t(lang, "orgs.gone"))
        return
    if not text:
        await unit.out.answer_to(origin, t(lang, "orgs.bad.not_text", value=""))
        return
    try:
        org, saved = await _apply(unit, what, org, text)
    except ValueError as exc:
        value = truncate(one_line(text), 100)
        await unit.out.answer_to(origin, t(lang, f"orgs.bad.{exc.args[0]}", value=value))
        return
    await store.forget(unit.session, user_id=origin.user_id)
    await _show(unit, panel, await _card_view(unit, org, saved=saved))


async def _apply(
    unit: Unit, what: InputKind, org: Organization | None, text: str
) -> tuple[Organization, str]:
    """Stores the value; the organization and the line saying what was done. ValueError
    with the reason's code for a value it cannot take."""
    desk = unit.desk
    lang = desk.op_lang
    session = unit.session
    now = desk.clock.now()
    if what is InputKind.NEW:
        name = clean_name(text)
        if await orgs.find(session, name) is not None:
            raise ValueError("exists")
        return await orgs.create(session, name, now=now), t(lang, "orgs.created")
    assert org is not None
    if what is InputKind.LINK:
        client = await repo.get_client(session, client_id=parse_user_id(text))
        if client is None:
            raise ValueError("no_client")
        before = client.org
        orgs.link(client, org)
        await _refresh_client(unit, client.id)
        if before is not None and before.id != org.id:
            return org, t(lang, "orgs.moved", client=client.display_name, old=before.name)
        return org, t(lang, "orgs.linked", client=client.display_name)
    field = OrgField(what.value)
    value = read_value(field, text)
    if field is OrgField.NAME:
        assert isinstance(value, str)
        if await store.key_taken(session, name_key(value), other_than=org.id):
            raise ValueError("exists")
        org.name, org.name_key = value, name_key(value)
    elif field is OrgField.NOTES:
        org.notes = str(value or "")
    else:
        setattr(org, _COLUMNS[field], value)
    org.updated_at = now
    if field in _SHOWN_ON_TICKETS:
        await _refresh_members(unit, org.id)
    return org, t(lang, "orgs.saved")


_COLUMNS = {
    OrgField.PARTNER_NAME: "partner_name",
    OrgField.PARTNER_CONTACTS: "partner_contacts",
    OrgField.MANAGER_NAME: "manager_name",
    OrgField.MANAGER_ID: "manager_user_id",
    OrgField.CONTRACT_UNTIL: "contract_until",
}


# --- engineers: linking a ticket's client ----------------------------------------------------


async def link_button(desk: Desk, origin: Origin, press: OrgPress) -> Answer:
    """The header card's "link to an organization" (and the list under a bare ``/org``):
    the organizations to choose from, a page at a time, in place of the buttons; a choice
    links the ticket's client, and their open tickets' cards and titles follow."""
    lang = desk.op_lang
    async with desk.unit() as unit:
        ticket = await repo.get_ticket(unit.session, ticket_id=press.target)
        client = (
            await repo.get_client(unit.session, client_id=ticket.client_id)
            if ticket is not None
            else None
        )
        if ticket is None or client is None:
            return Answer(t(lang, "op.no_ticket"), alert=True)
        on_card = origin.message_id == ticket.header_message_id
        if press.action is OrgAction.BACK:
            markup = render.card_markup(ticket, client, lang) if on_card else None
            await _buttons(unit, origin.message_id, markup)
            return Answer()
        if client.org is not None and (
            press.action is OrgAction.PICK or client.organization_id != press.number
        ):
            # Linked meanwhile (or a made-up press): a link button never moves a client.
            markup = render.card_markup(ticket, client, lang) if on_card else None
            await _buttons(unit, origin.message_id, markup)
            return Answer(t(lang, "op.org_already", org=client.org.name), alert=True)
        if press.action is OrgAction.PICK:
            items = await orgs.all_organizations(unit.session)
            if not items:
                return Answer(t(lang, "op.org_none"), alert=True)
            keyboard = orgs_view.pick(lang, ticket.id, items, press.number, on_card=on_card)
            await _buttons(unit, origin.message_id, markup_json(keyboard))
            return Answer()
        org = await orgs.get(unit.session, press.number)
        if org is None:
            return Answer(t(lang, "orgs.gone"), alert=True)
        orgs.link(client, org)
        await _refresh_client(unit, client.id, also=ticket)
        if not on_card:
            said = t(lang, "op.org_set", client=client.display_name, org=org.name)
            await unit.out.edit_group(origin.message_id, said)
        return Answer(t(lang, "op.org_linked", org=org.name))


async def _buttons(unit: Unit, message_id: int, markup: dict[str, object] | None) -> None:
    """Replaces the buttons under a bot message in the group (none: removes them)."""
    desk = unit.desk
    await unit.out.send(
        desk.operator_chat_id,
        "editMessageReplyMarkup",
        {"message_id": message_id, "reply_markup": markup, "_optional": True},
        lane=f"g:edit:{message_id}",
        purpose="buttons",
    )


async def set_organization(desk: Desk, origin: Origin, name: str, *, may_create: bool) -> None:
    """``/org <name>`` in a ticket's topic: links the client to that organization (found by
    its folded name; an admin's unknown name creates it, an engineer's is refused).
    ``/org`` alone: the organizations to choose from."""
    lang = desk.op_lang
    found = await find_ticket(desk, origin)
    async with desk.unit() as unit:
        ticket = await ticket_or_explain(unit, origin, found)
        if ticket is None:
            return
        client = await repo.get_client(unit.session, client_id=ticket.client_id)
        assert client is not None
        name = one_line(name).strip()
        if not name:
            await _offer(unit, origin, ticket.id, client)
            return
        org = await orgs.find(unit.session, name)
        created = org is None
        if org is None:
            if not may_create:
                await unit.out.answer_to(
                    origin,
                    t(lang, "op.org_unknown", name=truncate(name, 200)),
                    ticket_id=ticket.id,
                )
                return
            try:
                org = await orgs.create(unit.session, name, now=desk.clock.now())
            except ValueError as exc:
                await unit.out.answer_to(
                    origin, t(lang, f"orgs.bad.{exc.args[0]}", value=""), ticket_id=ticket.id
                )
                return
        orgs.link(client, org)
        key = "op.org_created" if created else "op.org_set"
        await unit.out.answer_to(
            origin, t(lang, key, client=client.display_name, org=org.name), ticket_id=ticket.id
        )
        await _refresh_client(unit, client.id, also=ticket)


async def _offer(unit: Unit, origin: Origin, ticket_id: int, client: Client) -> None:
    lang = unit.desk.op_lang
    items = await orgs.all_organizations(unit.session)
    if not items:
        await unit.out.answer_to(origin, t(lang, "op.org_none"), ticket_id=ticket_id)
        return
    await unit.out.answer_to(
        origin,
        t(lang, "op.org_choose", client=client.display_name),
        markup=orgs_view.pick(lang, ticket_id, items, 0, on_card=False),
        ticket_id=ticket_id,
    )


# --- clients: an invitation link -------------------------------------------------------------


async def open_invitation(unit: Unit, client: Client, token: str) -> None:
    """``/start <token>``: joins the client to the link's organization if it works and they
    are in none (one use, recorded once per client), and tells them what happened, in their
    language. The greeting follows as usual, whatever the link did."""
    session = unit.session
    now = unit.desk.clock.now()
    row = await store.by_token(session, token) if looks_like_token(token) else None
    member = await repo.get_client(session, client_id=client.id)
    assert member is not None
    outcome = join_outcome(
        _terms(row).state(now) if row is not None else None,
        invited_to=row.organization_id if row is not None else None,
        member_of=member.organization_id,
    )
    if outcome is JoinOutcome.JOINED:
        assert row is not None
        outcome = await _join(unit, member, row, now)
    lang = client.language
    if outcome in (JoinOutcome.JOINED, JoinOutcome.ALREADY_HERE, JoinOutcome.OTHER_ORG):
        assert member.org is not None
        text = t(lang, f"invite.{outcome}", org=member.org.name)
    else:
        text = t(lang, "invite.broken", reason=t(lang, f"invite.reason.{outcome}"))
    await unit.out.message(client.id, text)


def _terms(row: Invitation) -> InvitationTerms:
    return InvitationTerms(row.expires_at, row.revoked_at, row.max_uses, row.uses)


async def _join(unit: Unit, member: Client, row: Invitation, now: datetime) -> JoinOutcome:
    """One use of the link, if it is still there to take (another client may have taken the
    last one a moment ago), and the client linked."""
    session = unit.session
    used = await store.used_by(session, invitation_id=row.id, client_id=member.id)
    if not used:
        if not await store.take_use(session, row, now=now):
            return JoinOutcome.USED_UP
        store.record_use(session, invitation_id=row.id, client_id=member.id, now=now)
    org = await orgs.get(session, row.organization_id)
    assert org is not None
    orgs.link(member, org)
    await _refresh_client(unit, member.id)
    return JoinOutcome.JOINED


__all__ = [
    "capture",
    "link_button",
    "open_invitation",
    "open_panel",
    "panel_button",
    "refuse",
    "set_organization",
]
