"""A ticket's life after the first answer: a proposed solution the client confirms, a
question the client answers, reminders and auto-close after business days of silence,
reopening, and the client's rating."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select, update
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot import deadlines, render
from bot.context import Desk, DeskContext, Unit
from bot.handlers.common import answer, client_press, drop_buttons, own_ticket, tell
from bot.handlers.operator import (
    _allowed_or_explain,
    _ticket_or_explain,
    close_thread,
    find_ticket,
    open_thread_again,
)
from bot.texts import t
from desk.lifecycle import can_reopen, valid_rating, waiting_clock
from desk.tickets import Action, Status, TransitionError, apply, format_number
from storage import repo
from storage.models import Client, Ticket

logger = logging.getLogger(__name__)


def _confirm_buttons(lang: str, ticket_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t(lang, "client.yes"), callback_data=f"c:y:{ticket_id}"),
                InlineKeyboardButton(t(lang, "client.no"), callback_data=f"c:n:{ticket_id}"),
            ]
        ]
    )


def _reopen_button(lang: str, ticket_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t(lang, "client.reopen"), callback_data=f"c:r:{ticket_id}")]]
    )


def _rating_buttons(ticket_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("⭐" * n, callback_data=f"c:s:{ticket_id}:{n}")
                for n in range(1, 6)
            ]
        ]
    )


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
    found = await find_ticket(desk, message)
    async with desk.unit() as unit:
        ticket = await _ticket_or_explain(unit, message, found)
        if ticket is None:
            return
        action = Action.SOLVE if kind == "solution" else Action.ASK
        outcome = await _allowed_or_explain(unit, ticket, action, message)
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
            markup: InlineKeyboardMarkup | None = _confirm_buttons(client.language, row.id)
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
    press = await client_press(update, desk)
    if press is None:
        return
    ticket = await own_ticket(desk, press)
    if ticket is None:
        return
    query, client, action = press.query, press.client, press.action
    lang = client.language
    value = press.numbers[1] if len(press.numbers) > 1 else 0
    number = format_number(ticket.number)
    answer(desk, query)
    async with desk.unit() as unit:
        if action in ("y", "n"):
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
            if action == "y":
                await close_ticket(unit, ticket, action=Action.CONFIRM, reason="confirmed")
            else:
                await _reject(unit, client, ticket)
        elif action == "r":
            await reopen_or_continue(unit, client, ticket, message=None)
        elif action == "s" and valid_rating(value):
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


async def ask_rating(unit: Unit, ticket: Ticket) -> None:
    """Invites the client to rate a closed ticket 1-5."""
    client = await repo.get_client(unit.session, client_id=ticket.client_id)
    assert client is not None
    await unit.out.message(
        client.id,
        t(client.language, "client.rate", number=format_number(ticket.number)),
        ticket_id=ticket.id,
        markup=_rating_buttons(ticket.id),
        purpose="status",
    )


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
    from bot.handlers import registration

    desk = unit.desk
    now = desk.clock.now()
    number = format_number(ticket.number)
    if ticket.status != Status.CLOSED:
        if message is not None:
            await client_handlers.relay_to_ticket(unit, client, ticket, message, announce=False)
        return
    if not can_reopen(ticket.closed_at, now, desk.settings.reopen_days):
        await registration.begin(
            unit,
            client,
            prefill=message,
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


# --- the sweep: reminders and auto-close --------------------------------------------------


async def sweep(context: DeskContext) -> None:
    """Job: sends due reminders and closes tickets whose clients stayed silent.

    Each ticket is claimed with a conditional UPDATE ... RETURNING in the same transaction
    as the messages it causes, so a restart catches up on anything missed, a crash never
    leaves a claim without its message, and two replicas never act on a ticket twice.
    """
    await sweep_once(context.desk)
    from bot.handlers.escalation import sweep_deadlines

    await sweep_deadlines(context.desk)


async def sweep_once(desk: Desk) -> tuple[int, int]:
    """One pass; returns (reminders sent, tickets closed)."""
    now = desk.clock.now()
    async with desk.tx() as session:
        due_reminders = list(
            (
                await session.execute(
                    select(Ticket.id).where(
                        Ticket.status == Status.WAITING.value,
                        Ticket.reminded_at.is_(None),
                        Ticket.remind_at <= now,
                    )
                )
            ).scalars()
        )
        due_closes = list(
            (
                await session.execute(
                    select(Ticket.id).where(
                        Ticket.status == Status.WAITING.value, Ticket.autoclose_at <= now
                    )
                )
            ).scalars()
        )
    reminded = closed = 0
    for ticket_id in due_closes:
        if await _auto_close(desk, ticket_id, now):
            closed += 1
    for ticket_id in due_reminders:
        if ticket_id in due_closes:
            continue
        if await _remind(desk, ticket_id, now):
            reminded += 1
    return reminded, closed


async def _remind(desk: Desk, ticket_id: int, now: datetime) -> bool:
    async with desk.unit() as unit:
        claimed = (
            await unit.session.execute(
                update(Ticket)
                .where(
                    Ticket.id == ticket_id,
                    Ticket.status == Status.WAITING.value,
                    Ticket.reminded_at.is_(None),
                    Ticket.remind_at <= now,
                )
                .values(reminded_at=now)
                .returning(Ticket.id)
            )
        ).scalar_one_or_none()
        if not claimed:
            return False
        ticket = await repo.get_ticket(unit.session, ticket_id=ticket_id)
        assert ticket is not None
        client = await repo.get_client(unit.session, client_id=ticket.client_id)
        assert client is not None
        date = render.fmt_dt(ticket.autoclose_at, desk.settings.zone)
        markup = (
            _confirm_buttons(client.language, ticket.id)
            if ticket.waiting_kind == "solution"
            else None
        )
        await tell(
            unit,
            client,
            ticket,
            t(client.language, "client.reminder", number=format_number(ticket.number), date=date),
            markup=markup,
        )
    return True


async def _auto_close(desk: Desk, ticket_id: int, now: datetime) -> bool:
    async with desk.unit() as unit:
        claimed = (
            await unit.session.execute(
                update(Ticket)
                .where(
                    Ticket.id == ticket_id,
                    Ticket.status == Status.WAITING.value,
                    Ticket.autoclose_at <= now,
                )
                .values(
                    status=Status.CLOSED.value,
                    closed_at=now,
                    close_reason="auto",
                    updated_at=now,
                    waiting_kind=None,
                    waiting_since=None,
                    remind_at=None,
                    autoclose_at=None,
                )
                .returning(Ticket.id)
            )
        ).scalar_one_or_none()
        if not claimed:
            return False
        ticket = await repo.get_ticket(unit.session, ticket_id=ticket_id)
        assert ticket is not None
        await unit.session.refresh(ticket)
        client = await repo.get_client(unit.session, client_id=ticket.client_id)
        assert client is not None
        if client.active_ticket_id == ticket.id:
            client.active_ticket_id = None
        number = format_number(ticket.number)
        days = desk.settings.autoclose_business_days
        await tell(
            unit,
            client,
            ticket,
            t(
                client.language,
                "client.autoclosed",
                number=number,
                days=days,
                reopen=desk.settings.reopen_days,
            ),
            markup=_reopen_button(client.language, ticket.id),
        )
        await unit.out.notice(
            ticket.id, t(desk.op_lang, "op.autoclosed", number=number, days=days)
        )
        await close_thread(unit, ticket.id)
        await ask_rating(unit, ticket)
    return True
