"""A ticket's life after the first answer: a proposed solution the client confirms, a
question the client answers, reopening, and the client's rating and its comment. (Reminders
and auto-close after business days of silence are ``bot/service/sweeps.py``.)"""

from __future__ import annotations

from datetime import timedelta

from telegram import InlineKeyboardMarkup

from bot import callbacks as cb
from bot import deadlines, keyboards, render
from bot.context import Desk, Unit
from bot.incoming import ClientMessage
from bot.service import clients
from bot.service.buttons import Answer, drop_buttons
from bot.service.lookup import find_ticket, ticket_or_explain
from bot.service.notices import tell
from bot.service.origin import Origin
from bot.service.relay import clear_waiting, reopen_or_continue
from bot.service.tickets import allowed_or_explain, ask_rating, close_thread
from bot.texts import t
from desk.lifecycle import valid_rating, waiting_clock
from desk.tickets import Action, Status, TransitionError, apply, format_number
from storage import repo
from storage.models import Client, Ticket

# --- engineers: /solve and /ask ---------------------------------------------------------


async def wait_for_client(desk: Desk, origin: Origin, *, kind: str, text: str) -> None:
    """/solve [text] (`kind` "solution": the client is asked to confirm it) and /ask [text]
    ("question": the client's answer is awaited); the waiting clock starts."""
    lang = desk.op_lang
    found = await find_ticket(desk, origin)
    async with desk.unit() as unit:
        ticket = await ticket_or_explain(unit, origin, found)
        if ticket is None:
            return
        action = Action.SOLVE if kind == "solution" else Action.ASK
        outcome = await allowed_or_explain(unit, ticket, action, origin)
        if outcome is None:
            return
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
        await unit.out.answer_to(origin, t(lang, key, number=number, date=date), ticket_id=row.id)
        await unit.out.refresh(row.id, card=not desk.forum)


# --- clients: buttons -------------------------------------------------------------------


async def client_button(
    desk: Desk,
    client: Client,
    press: cb.LifecyclePress,
    pressed: Origin | None,
    *,
    prompt: Origin | None,
) -> Answer:
    """``c:`` buttons: confirm or reject a solution, reopen, rate (`pressed` is the button's
    message; `prompt` the same when its buttons may be dropped after a rating)."""
    ticket = await clients.own_ticket(desk, client, press.ticket_id)
    lang = client.language
    if ticket is None:
        return Answer(t(lang, "tickets.not_found"), alert=True)
    action = press.action
    value = press.stars or 0
    number = format_number(ticket.number)
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
                return Answer()
            await drop_buttons(unit.out, pressed)
            if action is cb.Lifecycle.CONFIRM:
                await close_ticket(unit, ticket, action=Action.CONFIRM, reason="confirmed")
            else:
                await _reject(unit, client, ticket)
        elif action is cb.Lifecycle.REOPEN:
            await reopen_or_continue(unit, client, ticket, message=None)
        elif action is cb.Lifecycle.RATE and valid_rating(value):
            await _rate(unit, client, ticket, value, prompt)
    return Answer()


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


async def _rate(
    unit: Unit, client: Client, ticket: Ticket, value: int, prompt: Origin | None
) -> None:
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
    if prompt is not None:
        await unit.out.drop_buttons(prompt.chat_id, prompt.message_id)
    await unit.out.feedback(ticket.id, wait=unit.desk.settings.feedback_wait)


# --- the rating's comment -----------------------------------------------------------------


async def take_comment(desk: Desk, client: Client, message: ClientMessage) -> bool:
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
            message.reply_to is None
            and message.words.strip()
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


async def save_comment(unit: Unit, client: Client, ticket: Ticket, message: ClientMessage) -> None:
    """The client's comment on their rating (a reply to the rating, or their next message
    after it), shown to the engineers."""
    text = message.words.strip()
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
