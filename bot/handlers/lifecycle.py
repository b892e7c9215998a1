"""A ticket's life after the first answer: a proposed solution the client confirms, a
question the client answers, reminders and auto-close after business days of silence,
reopening, and the client's rating."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import InlineKeyboardMarkup, Message, Update

from bot import callbacks as cb
from bot import deadlines, incoming, keyboards, render
from bot.context import Desk, DeskContext, Unit
from bot.handlers.common import answer, client_press, drop_buttons, origin_of, own_ticket
from bot.service import drafts
from bot.service.lookup import find_ticket, ticket_or_explain
from bot.service.notices import tell
from bot.service.tickets import (
    allowed_or_explain,
    ask_rating,
    close_thread,
    open_thread_again,
)
from bot.texts import t
from desk.lifecycle import can_reopen, valid_rating, waiting_clock
from desk.tickets import Action, Status, TransitionError, apply, format_number
from storage import repo
from storage.models import Client, Ticket

logger = logging.getLogger(__name__)


# --- engineers: /solve and /ask ---------------------------------------------------------


async def solve(update: Update, context: DeskContext) -> None:
    """/solve [text]: proposes a solution and asks the client to confirm it."""
    await _wait_for_client(update, context, kind="solution")


async def ask(update: Update, context: DeskContext) -> None:
    """/ask [text]: asks the client for information and waits for the answer."""
    await _wait_for_client(update, context, kind="question")


async def _wait_for_client(update: Update, context: DeskContext, *, kind: str) -> None:
    message = update.effective_message
    assert message is not None
    desk = context.desk
    lang = desk.op_lang
    origin = origin_of(desk, message)
    found = await find_ticket(desk, origin)
    async with desk.unit() as unit:
        ticket = await ticket_or_explain(unit, origin, found)
        if ticket is None:
            return
        action = Action.SOLVE if kind == "solution" else Action.ASK
        outcome = await allowed_or_explain(unit, ticket, action, origin)
        if outcome is None:
            return
        text = message.text.partition(" ")[2].strip() if message.text else ""
        now = desk.clock.now()
        clock = waiting_clock(desk.calendar, now, desk.settings.autoclose_business_days)
        row = await repo.get_ticket(unit.session, ticket_id=ticket.id)
        assert row is not None
        row.status = outcome.after.value
        row.waiting_kind = kind
        row.waiting_since = now
        row.remind_at = clock.remind_at
        row.reminded_at = None
        row.autoclose_at = clock.close_at
        row.updated_at = now
        deadlines.responded(row, now)
        deadlines.pause(row, now)
        client = await repo.get_client(unit.session, client_id=row.client_id)
        assert client is not None
        number = format_number(row.number)
        if kind == "solution":
            body = (
                t(client.language, "client.solution", number=number, text=text)
                if text
                else t(client.language, "client.solution_plain", number=number)
            )
            markup: InlineKeyboardMarkup | None = keyboards.confirm_solution(
                client.language, row.id
            )
        else:
            body = (
                t(client.language, "client.question", number=number, text=text)
                if text
                else t(client.language, "client.question_plain", number=number)
            )
            markup = None
        await tell(unit, client, row, body, markup=markup)
        date = render.fmt_dt(clock.close_at, desk.settings.zone)
        key = "op.solve_sent" if kind == "solution" else "op.ask_sent"
        await unit.out.answer(message, t(lang, key, number=number, date=date), ticket_id=row.id)
        await unit.out.refresh(row.id, card=not desk.forum)


# --- clients: buttons -------------------------------------------------------------------


async def client_buttons(update: Update, context: DeskContext) -> None:
    """``c:`` buttons: confirm or reject a solution, reopen, rate."""
    desk = context.desk
    press = await client_press(update, desk, cb.parse_lifecycle)
    if press is None:
        return
    ticket = await own_ticket(desk, press, press.data.ticket_id)
    if ticket is None:
        return
    query, client, action = press.query, press.client, press.data.action
    lang = client.language
    value = press.data.stars or 0
    number = format_number(ticket.number)
    answer(desk, query)
    async with desk.unit() as unit:
        if action in (cb.Lifecycle.CONFIRM, cb.Lifecycle.REJECT):
            if ticket.status != Status.WAITING:
                await unit.out.message(
                    client.id,
                    t(
                        lang,
                        "client.not_waiting",
                        number=number,
                        status=render.status_label(lang, ticket.status, staff=False),
                    ),
                )
                return
            await drop_buttons(unit.out, query)
            if action is cb.Lifecycle.CONFIRM:
                await close_ticket(unit, ticket, action=Action.CONFIRM, reason="confirmed")
            else:
                await _reject(unit, client, ticket)
        elif action is cb.Lifecycle.REOPEN:
            await reopen_or_continue(unit, client, ticket, message=None)
        elif action is cb.Lifecycle.RATE and valid_rating(value):
            await _rate(unit, client, ticket, value, query.message)


async def _reject(unit: Unit, client: Client, ticket: Ticket) -> None:
    desk = unit.desk
    row = await repo.get_ticket(unit.session, ticket_id=ticket.id)
    assert row is not None
    try:
        row.status = apply(Status(row.status), Action.REJECT).after.value
    except TransitionError:
        return
    clear_waiting(row)
    row.updated_at = desk.clock.now()
    deadlines.resume(row, desk.calendar, desk.settings.sla_table, row.updated_at)
    fresh = await repo.get_client(unit.session, client_id=client.id)
    assert fresh is not None
    fresh.active_ticket_id = row.id
    number = format_number(row.number)
    await tell(unit, client, row, t(client.language, "client.rejected", number=number))
    # The engineers must act on it: a notice in the thread, not only a colour.
    await unit.out.notice(row.id, t(desk.op_lang, "op.client_rejected", number=number))
    await unit.out.refresh(row.id)


def clear_waiting(row: Ticket) -> None:
    """Stops the waiting-for-the-client clock."""
    row.waiting_kind = None
    row.waiting_since = None
    row.remind_at = None
    row.reminded_at = None
    row.autoclose_at = None


async def close_ticket(unit: Unit, ticket: Ticket, *, action: Action, reason: str) -> bool:
    """Closes a ticket on the client's confirmation; tells both sides and asks for a rating."""
    desk = unit.desk
    now = desk.clock.now()
    row = await repo.get_ticket(unit.session, ticket_id=ticket.id)
    assert row is not None
    try:
        row.status = apply(Status(row.status), action).after.value
    except TransitionError:
        return False
    clear_waiting(row)
    row.closed_at = now
    row.close_reason = reason
    row.updated_at = now
    client = await repo.get_client(unit.session, client_id=row.client_id)
    assert client is not None
    if client.active_ticket_id == row.id:
        client.active_ticket_id = None
    await tell(
        unit, client, row, t(client.language, "client.confirmed", number=format_number(row.number))
    )
    # Engineers see the topic closed and, in one message, the confirmation with the rating.
    await unit.out.feedback(row.id, wait=desk.settings.feedback_wait)
    await close_thread(unit, row.id)
    await ask_rating(unit, row)
    return True


async def _rate(unit: Unit, client: Client, ticket: Ticket, value: int, prompt: object) -> None:
    if ticket.status != Status.CLOSED:
        return
    row = await repo.get_ticket(unit.session, ticket_id=ticket.id)
    assert row is not None
    row.csat = value
    # The client's next message, for a few minutes, is the comment the bot invites.
    fresh = await repo.get_client(unit.session, client_id=client.id)
    assert fresh is not None
    fresh.comment_ticket_id = ticket.id
    fresh.comment_until = unit.desk.clock.now() + timedelta(
        minutes=unit.desk.settings.rating_comment_minutes
    )
    await unit.out.message(
        client.id,
        t(client.language, "client.rated"),
        ticket_id=ticket.id,
        after=[("csat", ticket.id)],
    )
    if isinstance(prompt, Message):
        await unit.out.drop_buttons(prompt.chat.id, prompt.message_id)
    await unit.out.feedback(ticket.id, wait=unit.desk.settings.feedback_wait)


async def take_comment(desk: Desk, client: Client, message: Message) -> bool:
    """The client's first message after rating a ticket: within ``RATING_COMMENT_MINUTES``
    and not a reply to something else, it is the rating's comment (True). Any other message
    ends the window and goes the usual way (False)."""
    now = desk.clock.now()
    ticket: Ticket | None = None
    async with desk.tx() as session:
        row = await repo.get_client(session, client_id=client.id)
        if row is None or row.comment_ticket_id is None:
            return False
        if (
            message.reply_to_message is None
            and (message.text or message.caption or "").strip()
            and row.comment_until is not None
            and now <= row.comment_until
        ):
            ticket = await repo.get_ticket_for_client(
                session, ticket_id=row.comment_ticket_id, client_id=client.id
            )
        if ticket is None:
            row.comment_ticket_id = row.comment_until = None
    if ticket is None:
        return False
    async with desk.unit() as unit:
        await save_comment(unit, client, ticket, message)
    return True


async def save_comment(unit: Unit, client: Client, ticket: Ticket, message: Message) -> None:
    """The client's comment on their rating (a reply to the rating, or their next message
    after it), shown to the engineers."""
    text = (message.text or message.caption or "").strip()
    row = await repo.get_ticket(unit.session, ticket_id=ticket.id)
    assert row is not None
    row.csat_comment = text[:4000]
    fresh = await repo.get_client(unit.session, client_id=client.id)
    if fresh is not None:
        fresh.comment_ticket_id = fresh.comment_until = None
    await unit.out.message(
        client.id, t(client.language, "client.comment_saved"), reply_to=message.message_id
    )
    await unit.out.feedback(ticket.id, wait=None)


async def reopen_or_continue(
    unit: Unit, client: Client, ticket: Ticket, *, message: Message | None
) -> None:
    """The client writes to (or presses Reopen on) a closed ticket: within the window it is
    reopened and the message relayed; after it, a new ticket that refers to it starts."""
    from bot.handlers import client as client_handlers

    desk = unit.desk
    now = desk.clock.now()
    number = format_number(ticket.number)
    if ticket.status != Status.CLOSED:
        if message is not None:
            await client_handlers.relay_to_ticket(unit, client, ticket, message, announce=False)
        return
    if not can_reopen(ticket.closed_at, now, desk.settings.reopen_days):
        await drafts.begin(
            unit,
            client,
            prefill=(message.message_id, incoming.describe_message(message)) if message else None,
            intro=t(
                client.language,
                "client.reopen_expired",
                number=number,
                days=desk.settings.reopen_days,
            ),
            parent_ticket_id=ticket.id,
        )
        return
    row = await repo.get_ticket(unit.session, ticket_id=ticket.id)
    assert row is not None
    row.status = apply(Status(row.status), Action.REOPEN).after.value
    row.closed_at = None
    row.close_reason = None
    row.updated_at = now
    deadlines.resume(row, desk.calendar, desk.settings.sla_table, now)
    fresh = await repo.get_client(unit.session, client_id=client.id)
    assert fresh is not None
    fresh.active_ticket_id = row.id
    await tell(unit, client, row, t(client.language, "client.reopened_by_you", number=number))
    await open_thread_again(unit, row.id)
    await unit.out.notice(row.id, t(desk.op_lang, "op.client_reopened", number=number))
    if message is not None:
        await client_handlers.relay_to_ticket(unit, client, row, message, announce=False)
