"""Engineers change a ticket: take it, close and reopen it, change its type or priority,
name the client's organization, look at its card.

A command that only changes state is acknowledged with a reaction (the ticket's colour and
assignee are in its topic title); a message goes out only where the engineer needs an answer.
"""

from __future__ import annotations

from enum import StrEnum

from bot import deadlines, keyboards, render
from bot.context import Desk, Unit
from bot.service.lookup import find_ticket, ticket_numbered, ticket_or_explain
from bot.service.notices import tell
from bot.service.origin import Origin
from bot.service.people import engineer
from bot.texts import t
from desk.partners import routes_to_partner
from desk.tickets import (
    Action,
    Outcome,
    Status,
    TicketType,
    TransitionError,
    apply,
    format_number,
)
from storage import repo
from storage.models import Ticket

# --- shared by the ticket's use cases -----------------------------------------------------


async def event(unit: Unit, ticket: Ticket, text: str, origin: Origin) -> None:
    """Stores a status change, as the group was told it, in the ticket's history for staff
    (clients' histories hold what they were told: :func:`tell_client`)."""
    await repo.add_ticket_message(
        unit.session,
        ticket_id=ticket.id,
        direction="event",
        author_id=origin.user_id,
        author_name=origin.name,
        kind="text",
        text=render.plain(text),
        file_id=None,
        media_group_id=None,
        source_chat_id=origin.chat_id,
        source_message_id=origin.message_id,
        now=unit.desk.clock.now(),
        delivered="sent",
    )


async def tell_client(unit: Unit, ticket: Ticket, key: str, **values: object) -> None:
    """A status message to the ticket's client, in their language, linked to the ticket and
    kept in its history."""
    client = await repo.get_client(unit.session, client_id=ticket.client_id)
    assert client is not None
    text = t(client.language, key, number=format_number(ticket.number), **values)
    await tell(unit, client, ticket, text)


async def ask_rating(unit: Unit, ticket: Ticket) -> None:
    """Invites the client to rate a closed ticket 1-5."""
    client = await repo.get_client(unit.session, client_id=ticket.client_id)
    assert client is not None
    await unit.out.message(
        client.id,
        t(client.language, "client.rate", number=format_number(ticket.number)),
        ticket_id=ticket.id,
        markup=keyboards.rating(ticket.id),
        purpose="status",
    )


async def allowed_or_explain(
    unit: Unit, ticket: Ticket, action: Action, origin: Origin
) -> Outcome | None:
    """The status change `action` makes, or None after telling the engineer it is not allowed
    in the ticket's status."""
    try:
        return apply(Status(ticket.status), action)
    except TransitionError:
        lang = unit.desk.op_lang
        await unit.out.answer_to(
            origin,
            t(
                lang,
                "op.not_allowed",
                number=format_number(ticket.number),
                status=render.status_label(lang, ticket.status, staff=True),
            ),
            ticket_id=ticket.id,
        )
        return None


async def _transition(unit: Unit, ticket: Ticket, action: Action, origin: Origin) -> Ticket | None:
    """Applies a status action in the unit, or explains in the thread why it is not possible."""
    desk = unit.desk
    row = await repo.get_ticket(unit.session, ticket_id=ticket.id)
    assert row is not None
    outcome = await allowed_or_explain(unit, row, action, origin)
    if outcome is None:
        return None
    now = desk.clock.now()
    row.status = outcome.after.value
    row.updated_at = now
    if action is Action.TAKE and origin.user_id is not None:
        row.assignee_id = origin.user_id
        row.assignee_name = origin.name
    if outcome.after is Status.CLOSED:
        row.closed_at = now
        row.close_reason = "engineer"
        row.waiting_kind = None
        row.waiting_since = row.remind_at = row.autoclose_at = None
    elif action is Action.REOPEN:
        row.closed_at = None
    return row


# --- the use cases ------------------------------------------------------------------------


async def take(desk: Desk, origin: Origin) -> None:
    """/take: assigns the ticket to the engineer and tells the client."""
    found = await find_ticket(desk, origin)
    async with desk.unit() as unit:
        ticket = await ticket_or_explain(unit, origin, found)
        if ticket is None:
            return
        if (
            origin.user_id is not None
            and ticket.assignee_id == origin.user_id
            and ticket.status == Status.IN_PROGRESS
        ):
            await unit.out.answer_to(
                origin,
                t(desk.op_lang, "op.already_yours", number=format_number(ticket.number)),
                ticket_id=ticket.id,
            )
            return
        updated = await _transition(unit, ticket, Action.TAKE, origin)
        if updated is None:
            return
        who = await engineer(unit, origin)
        number = format_number(updated.number)
        await event(unit, updated, t(desk.op_lang, "op.taken", **who, number=number), origin)
        # The topic's title now shows 🟡 and the engineer; the command gets a reaction.
        await unit.out.react(origin.chat_id, origin.message_id, "👍")
        await unit.out.refresh(updated.id, card=not desk.forum)
        await tell_client(unit, updated, "client.taken", **who)


async def close(desk: Desk, origin: Origin) -> None:
    """/close: closes the ticket and tells the client (who is asked to rate it)."""
    found = await find_ticket(desk, origin)
    async with desk.unit() as unit:
        ticket = await ticket_or_explain(unit, origin, found)
        if ticket is None:
            return
        updated = await _transition(unit, ticket, Action.CLOSE, origin)
        if updated is None:
            return
        notice = t(
            desk.op_lang,
            "op.closed",
            **await engineer(unit, origin),
            number=format_number(updated.number),
        )
        await event(unit, updated, notice, origin)
        client = await repo.get_client(unit.session, client_id=updated.client_id)
        if client is not None and client.active_ticket_id == updated.id:
            client.active_ticket_id = None
        await unit.out.react(origin.chat_id, origin.message_id, "👍")
        await close_thread(unit, updated.id)
        await tell_client(unit, updated, "client.closed")
        await ask_rating(unit, updated)


async def close_thread(unit: Unit, ticket_id: int) -> None:
    """The ticket was closed: its topic is closed too (the lock says so, and replaces a
    rename to the closed colour: the group's budget is spent once); without topics the
    header card shows the new status."""
    await unit.out.refresh(ticket_id, title=False)
    await unit.out.topic_state(ticket_id, closed=True)


async def open_thread_again(unit: Unit, ticket_id: int) -> None:
    """The ticket was reopened: its topic opens (before anything more is said in it) and
    its title and card follow the new status."""
    await unit.out.topic_state(ticket_id, closed=False)
    await unit.out.refresh(ticket_id)


async def reopen(desk: Desk, origin: Origin, *, number: int | None = None) -> None:
    """/reopen: puts a closed ticket back in work and tells the client. ``/reopen 1042``
    (`number`) works from General too, where engineers who are not admins can still write
    once the ticket's topic is closed."""
    found = await find_ticket(desk, origin) if number is None else None
    async with desk.unit() as unit:
        if number is not None:
            found = await ticket_numbered(unit.session, origin, number)
            if found is None:
                await unit.out.answer_to(
                    origin, t(desk.op_lang, "op.no_such_ticket", number=f"#{number}")
                )
                return
        elif found is None:
            await unit.out.answer_to(origin, t(desk.op_lang, "op.reopen_usage"))
            return
        ticket = await ticket_or_explain(unit, origin, found)
        if ticket is None:
            return
        updated = await _transition(unit, ticket, Action.REOPEN, origin)
        if updated is None:
            return
        notice = t(
            desk.op_lang,
            "op.reopened",
            **await engineer(unit, origin),
            number=format_number(updated.number),
        )
        await event(unit, updated, notice, origin)
        await unit.out.react(origin.chat_id, origin.message_id, "👍")
        await open_thread_again(unit, updated.id)
        await tell_client(unit, updated, "client.reopened")


class Field(StrEnum):
    """What an engineer may change on a ticket with buttons (the callback data's word)."""

    TYPE = "type"
    PRIORITY = "prio"


async def offer_choice(desk: Desk, origin: Origin, field: Field) -> None:
    """/type, /priority: the choices as buttons, under an answer to the command."""
    found = await find_ticket(desk, origin)
    async with desk.unit() as unit:
        ticket = await ticket_or_explain(unit, origin, found)
        if ticket is None:
            return
        lang = desk.op_lang
        if field is Field.TYPE:
            key, markup = "op.choose_type", keyboards.operator_types(lang, ticket)
        else:
            key, markup = "op.choose_priority", keyboards.operator_priorities(lang, ticket)
        await unit.out.answer_to(
            origin,
            t(lang, key, number=format_number(ticket.number)),
            ticket_id=ticket.id,
            markup=markup,
        )


async def change_field(
    desk: Desk, origin: Origin, *, ticket_id: int, field: Field, value: str
) -> bool:
    """A type or priority chosen with the buttons (`origin` is their message and who pressed
    one): the prompt becomes the answer, the deadlines are re-planned and the client is told.
    False when the ticket is not there or may not change any more."""
    lang = desk.op_lang
    async with desk.unit() as unit:
        ticket = await repo.get_ticket(unit.session, ticket_id=ticket_id)
        if ticket is None or ticket.operator_chat_id != desk.operator_chat_id:
            return False
        action = Action.SET_TYPE if field is Field.TYPE else Action.SET_PRIORITY
        try:
            apply(Status(ticket.status), action)
        except TransitionError:
            return False
        if field is Field.TYPE:
            changed = ticket.type != value
            ticket.type = value
        else:
            changed = ticket.priority != value
            ticket.priority = value
        ticket.updated_at = desk.clock.now()
        deadlines.replan(ticket, desk.calendar, desk.settings.sla_table, ticket.updated_at)
        number = format_number(ticket.number)
        client = await repo.get_client(unit.session, client_id=ticket.client_id)
        assert client is not None
        if field is Field.TYPE:
            notice = t(
                lang,
                "op.type_changed",
                number=number,
                type=render.type_label(lang, value),
                **await engineer(unit, origin),
            )
            org = client.org
            if org is not None and routes_to_partner(org.kind, org.partner_name, value):
                # For the engineer only, in the same edit: the partner provides this
                # client's consultations; whether to go on is the engineer's decision.
                notice += t(
                    lang,
                    "op.type_changed_partner",
                    organization=org.name,
                    partner=org.partner_name,
                )
        else:
            notice = t(
                lang,
                "op.priority_changed",
                number=number,
                priority=render.priority_label(lang, value),
                **await engineer(unit, origin),
            )
        # The prompt with the buttons becomes the answer: one edit, no new message.
        await unit.out.edit_group(origin.message_id, notice, ticket_id=ticket.id)
        if not changed:
            return True
        await event(unit, ticket, notice, origin)
        await unit.out.refresh(ticket.id)
        if field is Field.TYPE:
            key = (
                "client.type_changed_paid" if TicketType(value).is_paid else "client.type_changed"
            )
            await tell_client(unit, ticket, key, type=render.type_label(client.language, value))
        else:
            await tell_client(
                unit,
                ticket,
                "client.priority_changed",
                priority=render.priority_label(client.language, value),
            )
    return True


async def info(desk: Desk, origin: Origin) -> None:
    """/info: the ticket's card and a count of its correspondence."""
    lang = desk.op_lang
    found = await find_ticket(desk, origin)
    async with desk.unit() as unit:
        ticket = await ticket_or_explain(unit, origin, found)
        if ticket is None:
            return
        client = await repo.get_client(unit.session, client_id=ticket.client_id)
        rows = list(await repo.history(unit.session, ticket_id=ticket.id))
        assert client is not None
        zone = desk.settings.zone
        today = desk.clock.now().astimezone(zone).date()
        card = render.header_card(ticket, client, lang, zone, forum=False, today=today).split(
            "\n\n<i>"
        )[0]
        counts = t(
            lang,
            "op.info_history",
            count=sum(1 for r in rows if r.direction in ("in", "out", "note")),
            inbound=sum(1 for r in rows if r.direction == "in"),
            outbound=sum(1 for r in rows if r.direction == "out"),
            notes=sum(1 for r in rows if r.direction == "note"),
        )
        await unit.out.answer_to(origin, f"{card}\n\n{counts}", ticket_id=ticket.id)
