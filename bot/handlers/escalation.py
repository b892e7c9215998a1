"""Deadlines watched: warnings at 80 %, breaches told to the engineers and the manager, a
daily digest, the client's "No answer?" and requests to raise a ticket's priority."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy import update as sql_update
from sqlalchemy.exc import IntegrityError
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot import deadlines, render
from bot.context import Desk, DeskContext, Unit
from bot.handlers.common import answer, client_press, own_ticket, tell
from bot.handlers.operator import engineer_name
from bot.texts import t
from desk.delivery import Priority as SendPriority
from desk.lifecycle import is_real_reason
from desk.tickets import Priority, Status, format_number
from storage import repo
from storage.models import Client, Digest, PriorityRequest, Ticket

logger = logging.getLogger(__name__)

OPEN = (Status.NEW.value, Status.IN_PROGRESS.value, Status.WAITING.value)
RUNNING = (Status.NEW.value, Status.IN_PROGRESS.value)  # the resolution clock runs


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
    manager = desk.settings.manager_for(client.organization)
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


async def _claim(
    unit: Unit,
    ticket_id: int,
    column: str,
    due_column: str,
    statuses: tuple[str, ...],
    now: datetime,
    *,
    unanswered: bool = False,
) -> Ticket | None:
    """Marks one announcement as made, if nobody made it yet; returns the ticket then."""
    conditions = [
        Ticket.id == ticket_id,
        getattr(Ticket, column).is_(None),
        getattr(Ticket, due_column) <= now,
        Ticket.status.in_(statuses),
    ]
    if unanswered:
        conditions.append(Ticket.first_response_at.is_(None))
    claimed = (
        await unit.session.execute(
            sql_update(Ticket).where(*conditions).values({column: now}).returning(Ticket.id)
        )
    ).scalar_one_or_none()
    if not claimed:
        return None
    ticket = await repo.get_ticket(unit.session, ticket_id=ticket_id)
    if ticket is not None:
        await unit.session.refresh(ticket)
    return ticket


async def sweep_deadlines(desk: Desk) -> int:
    """Announces every warning and breach that came due; returns how many. Each claim and
    the messages it causes are one unit of work."""
    now = desk.clock.now()
    checks = (
        ("fr_warned_at", "fr_warn_at", OPEN, True, "op.warn_fr", "fr_due_at", False),
        ("fr_breached_at", "fr_due_at", OPEN, True, "op.breach_fr", "fr_due_at", True),
        ("res_warned_at", "res_warn_at", RUNNING, False, "op.warn_res", "res_due_at", False),
        ("res_breached_at", "res_due_at", RUNNING, False, "op.breach_res", "res_due_at", True),
    )
    done = 0
    for column, due_column, statuses, unanswered, key, shown, escalate in checks:
        query = select(Ticket.id).where(
            getattr(Ticket, column).is_(None),
            getattr(Ticket, due_column) <= now,
            Ticket.status.in_(statuses),
        )
        if unanswered:
            query = query.where(Ticket.first_response_at.is_(None))
        async with desk.tx() as session:
            ids = list((await session.execute(query)).scalars())
        for ticket_id in ids:
            async with desk.unit() as unit:
                ticket = await _claim(
                    unit, ticket_id, column, due_column, statuses, now, unanswered=unanswered
                )
                if ticket is None:
                    continue
                done += 1
                due = getattr(ticket, shown)
                await unit.out.notice(
                    ticket.id,
                    t(
                        desk.op_lang,
                        key,
                        number=format_number(ticket.number),
                        date=render.fmt_dt(due, desk.settings.zone),
                    ),
                )
                if escalate and await tell_manager(unit, ticket, "manager.breach", due):
                    ticket.manager_notified_at = now
    return done


async def digest(context: DeskContext) -> None:
    """Job: the daily digest of tickets at risk and breached, posted once a day."""
    await post_digest(context.desk)


async def post_digest(desk: Desk) -> bool:
    """Posts today's digest unless a replica already did; True if this call posted it."""
    now = desk.clock.now()
    today = now.astimezone(desk.settings.zone).date()
    try:
        async with desk.unit() as unit:
            await unit.session.execute(insert(Digest).values(day=today, created_at=now))
            await unit.session.flush()
            rows = list(
                (
                    await unit.session.execute(
                        select(Ticket).where(Ticket.status.in_(OPEN)).order_by(Ticket.res_due_at)
                    )
                ).scalars()
            )
            clients = {
                c.id: c
                for c in [await repo.get_client(unit.session, client_id=r.client_id) for r in rows]
                if c
            }
            lang = desk.op_lang
            zone = desk.settings.zone

            def line(ticket: Ticket) -> str:
                client = clients.get(ticket.client_id)
                return t(
                    lang,
                    "op.digest_line",
                    marker=render.marker(ticket.status),
                    number=format_number(ticket.number),
                    client=render.client_title(client) if client else "?",
                    date=render.fmt_dt(ticket.res_due_at, zone),
                )

            breached = [
                r
                for r in rows
                if r.res_due_at and r.res_due_at <= now and r.status != Status.WAITING
            ]
            risk = [
                r for r in rows if r not in breached and r.res_warn_at and r.res_warn_at <= now
            ]
            none = t(lang, "op.digest_none")
            text = t(
                lang,
                "op.digest",
                date=render.fmt_dt(now, zone),
                risk="\n".join(map(line, risk)) or none,
                breached="\n".join(map(line, breached)) or none,
            )
            await unit.out.to_group(text, purpose="digest")
    except IntegrityError:
        return False
    return True


# --- the client's buttons on a ticket card ----------------------------------------------


async def client_card_buttons(update: Update, context: DeskContext) -> None:
    """``e:late`` (No answer?) and ``e:raise`` (ask for a higher priority)."""
    desk = context.desk
    press = await client_press(update, desk)
    if press is None:
        return
    ticket = await own_ticket(desk, press)
    if ticket is None:
        return
    client, lang = press.client, press.client.language
    answer(desk, press.query)
    number = format_number(ticket.number)
    async with desk.unit() as unit:
        if press.action == "late":
            await _no_answer(unit, client, ticket)
        elif press.action == "raise":
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


async def take_raise_reason(context: DeskContext, client: Client, text: str) -> bool:
    """The client's message while a priority request waits for its reason. True when the
    message was taken (as the reason, or refused as not being one)."""
    desk = context.desk
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
        request = PriorityRequest(
            ticket_id=ticket.id,
            reason=text[:2000],
            from_priority=ticket.priority,
            to_priority=wanted,
            state="pending",
            created_at=desk.clock.now(),
        )
        unit.session.add(request)
        row = await repo.get_client(unit.session, client_id=client.id)
        assert row is not None
        row.pending_raise_ticket_id = None
        await unit.session.flush()
        number = format_number(ticket.number)
        op = desk.op_lang
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t(op, "op.raise_accept"), callback_data=f"o:raise:{request.id}:y"
                    ),
                    InlineKeyboardButton(
                        t(op, "op.raise_decline"), callback_data=f"o:raise:{request.id}:n"
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


async def decide_raise(update: Update, context: DeskContext) -> None:
    """``o:raise:<id>:y|n``: an engineer accepts or declines a priority request."""
    query = update.callback_query
    assert query is not None and query.data is not None
    desk = context.desk  # pressed in the operator group: see bot/app.py
    parts = query.data.split(":")
    if len(parts) != 4 or not parts[2].isdigit() or parts[3] not in ("y", "n"):
        answer(desk, query)
        return
    accept = parts[3] == "y"
    name = engineer_name(query.from_user)
    now = desk.clock.now()
    answer(desk, query)
    async with desk.unit() as unit:
        claimed = (
            await unit.session.execute(
                sql_update(PriorityRequest)
                .where(PriorityRequest.id == int(parts[2]), PriorityRequest.state == "pending")
                .values(state="accepted" if accept else "declined", decided_by=name)
                .returning(
                    PriorityRequest.ticket_id,
                    PriorityRequest.to_priority,
                    PriorityRequest.from_priority,
                )
            )
        ).first()
        if claimed is None:
            return
        ticket = await repo.get_ticket(unit.session, ticket_id=claimed[0])
        if ticket is None:
            return
        if accept:
            ticket.priority = claimed[1]
            ticket.updated_at = now
            deadlines.replan(ticket, desk.calendar, desk.settings.sla_table, now)
        op = desk.op_lang
        number = format_number(ticket.number)
        notice = (
            t(
                op,
                "op.raise_accepted",
                engineer=name,
                number=number,
                wanted=render.priority_label(op, claimed[1]),
            )
            if accept
            else t(op, "op.raise_declined", engineer=name, number=number)
        )
        if query.message is not None:
            await unit.out.edit_group(query.message.message_id, notice, ticket_id=ticket.id)
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
                wanted=render.priority_label(lang, claimed[1]),
                current=render.priority_label(lang, claimed[2]),
            ),
        )
        if accept:
            await unit.out.refresh(ticket.id)
