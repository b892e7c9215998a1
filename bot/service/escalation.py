"""Late tickets: the manager told, the client's "No answer?", and requests to raise a
ticket's priority (the client's reason, the engineers' decision)."""

from __future__ import annotations

import logging
from datetime import datetime
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks as cb
from bot import deadlines, render
from bot.context import Desk, Unit
from bot.service.notices import tell
from bot.service.origin import Origin
from bot.service.people import engineer
from bot.texts import t
from desk.delivery import Priority as SendPriority
from desk.lifecycle import is_real_reason
from desk.tickets import Priority, Status, format_number
from storage import repo
from storage.models import Client, Ticket

logger = logging.getLogger(__name__)


def topic_link(desk: Desk, ticket: Ticket) -> str:
    """A t.me link to the ticket's topic (or header card) in the operator group."""
    internal = str(desk.operator_chat_id).removeprefix("-100")
    target = ticket.topic_id if desk.forum and ticket.topic_id else ticket.header_message_id
    return f"https://t.me/c/{internal}/{target}" if target else ""


async def tell_manager(unit: Unit, ticket: Ticket, key: str, due: datetime | None) -> bool:
    """Queues a message about the ticket to the manager of its organization (or the desk's);
    if Telegram refuses it, the engineers are told in the ticket's thread."""
    desk = unit.desk
    client = await repo.get_client(unit.session, client_id=ticket.client_id)
    assert client is not None
    manager = (client.org.manager_user_id if client.org else None) or desk.settings.manager_id
    if manager is None:
        logger.warning(
            "no manager configured (MANAGER_ID): ticket %s not escalated", ticket.number
        )
        return False
    lang = desk.op_lang
    text = t(
        lang,
        key,
        number=format_number(ticket.number),
        client=render.client_title(client),
        status=render.status_label(lang, ticket.status, staff=True),
        date=render.fmt_dt(due, desk.settings.zone),
        link=topic_link(desk, ticket),
    )
    await unit.out.message(manager, text, ticket_id=ticket.id, purpose="manager")
    return True


# --- the client's buttons on a ticket card ------------------------------------------------


class CardButton(StrEnum):
    """The client's buttons on an open ticket's card (the callback data's word)."""

    LATE = "late"  # No answer?
    RAISE = "raise"  # Raise priority


async def card_button(desk: Desk, client: Client, ticket: Ticket, button: CardButton) -> None:
    """ "No answer?" shows where the ticket stands and, past its deadline, tells the manager;
    "Raise priority" asks the client for a reason (their next message)."""
    lang = client.language
    number = format_number(ticket.number)
    async with desk.unit() as unit:
        if button is CardButton.LATE:
            await _no_answer(unit, client, ticket)
            return
        wanted = _next_priority(ticket.priority)
        if wanted is None or ticket.status == Status.CLOSED:
            await unit.out.message(client.id, t(lang, "client.raise_max", number=number))
            return
        row = await repo.get_client(unit.session, client_id=client.id)
        assert row is not None
        row.pending_raise_ticket_id = ticket.id
        await unit.out.message(client.id, t(lang, "client.raise_ask", number=number))


def _next_priority(current: str) -> str | None:
    order = [p.value for p in Priority]
    idx = order.index(current) if current in order else 1
    return order[idx + 1] if idx + 1 < len(order) else None


async def _no_answer(unit: Unit, client: Client, ticket: Ticket) -> None:
    desk = unit.desk
    lang = client.language
    number = format_number(ticket.number)
    status = render.status_label(lang, ticket.status, staff=False)
    now = desk.clock.now()
    if ticket.status == Status.WAITING:
        await unit.out.message(client.id, t(lang, "client.late_paused", number=number))
        return
    due = ticket.fr_due_at if ticket.first_response_at is None else ticket.res_due_at
    date = render.fmt_dt(due, desk.settings.zone)
    if due is None or due > now or ticket.status == Status.CLOSED:
        await unit.out.message(
            client.id, t(lang, "client.late_ok", number=number, status=status, date=date)
        )
        return
    await tell_manager(unit, ticket, "manager.no_answer", due)
    await unit.out.message(
        client.id, t(lang, "client.late_escalated", number=number, status=status, date=date)
    )


# --- a request to raise the priority --------------------------------------------------------


async def take_raise_reason(desk: Desk, client: Client, text: str) -> bool:
    """The client's message while a priority request waits for its reason. True when the
    message was taken (as the reason, or refused as not being one)."""
    lang = client.language
    async with desk.unit() as unit:
        ticket = await repo.get_ticket_for_client(
            unit.session, ticket_id=client.pending_raise_ticket_id or 0, client_id=client.id
        )
        if ticket is None:
            return False
        if not is_real_reason(text):
            await unit.out.message(client.id, t(lang, "client.raise_not_reason"))
            return True
        wanted = _next_priority(ticket.priority) or ticket.priority
        request = await repo.add_priority_request(
            unit.session,
            ticket_id=ticket.id,
            reason=text[:2000],
            from_priority=ticket.priority,
            to_priority=wanted,
            now=desk.clock.now(),
        )
        row = await repo.get_client(unit.session, client_id=client.id)
        assert row is not None
        row.pending_raise_ticket_id = None
        number = format_number(ticket.number)
        op = desk.op_lang
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t(op, "op.raise_accept"),
                        callback_data=cb.raise_decision(request.id, accept=True),
                    ),
                    InlineKeyboardButton(
                        t(op, "op.raise_decline"),
                        callback_data=cb.raise_decision(request.id, accept=False),
                    ),
                ]
            ]
        )
        await unit.out.notice(
            ticket.id,
            t(
                op,
                "op.raise_request",
                number=number,
                current=render.priority_label(op, ticket.priority),
                wanted=render.priority_label(op, wanted),
                reason=text[:2000],
            ),
            markup=markup,
            priority=SendPriority.CONTENT,
        )
        await tell(
            unit,
            client,
            ticket,
            t(
                lang,
                "client.raise_sent",
                number=number,
                current=render.priority_label(lang, ticket.priority),
                wanted=render.priority_label(lang, wanted),
            ),
        )
    return True


async def decide_raise(desk: Desk, origin: Origin, *, request_id: int, accept: bool) -> None:
    """An engineer accepts or declines a priority request (`origin`: the request's message
    and who pressed): the request's message says so, the client hears the outcome."""
    now = desk.clock.now()
    async with desk.unit() as unit:
        request = await repo.decide_priority_request(
            unit.session, request_id=request_id, accepted=accept, decided_by=origin.name
        )
        if request is None:
            return
        ticket = await repo.get_ticket(unit.session, ticket_id=request.ticket_id)
        if ticket is None:
            return
        if accept:
            ticket.priority = request.to_priority
            ticket.updated_at = now
            deadlines.replan(ticket, desk.calendar, desk.settings.sla_table, now)
        op = desk.op_lang
        number = format_number(ticket.number)
        notice = (
            t(
                op,
                "op.raise_accepted",
                **await engineer(unit, origin),
                number=number,
                wanted=render.priority_label(op, request.to_priority),
            )
            if accept
            else t(
                op,
                "op.raise_declined",
                **await engineer(unit, origin),
                number=number,
            )
        )
        await unit.out.edit_group(origin.message_id, notice, ticket_id=ticket.id)
        client = await repo.get_client(unit.session, client_id=ticket.client_id)
        assert client is not None
        lang = client.language
        key = "client.raise_accepted" if accept else "client.raise_declined"
        await tell(
            unit,
            client,
            ticket,
            t(
                lang,
                key,
                number=number,
                wanted=render.priority_label(lang, request.to_priority),
                current=render.priority_label(lang, request.from_priority),
            ),
        )
        if accept:
            await unit.out.refresh(ticket.id)
