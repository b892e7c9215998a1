"""What the clock does: reminders and auto-close of tickets whose client stays silent,
deadline warnings and breaches, and the daily digest.

Each action is claimed with a conditional ``UPDATE … RETURNING`` (``storage/claims.py``) in
the same unit of work as the messages it causes, so a restart catches up on anything missed,
a crash never leaves a claim without its message, and two replicas never act twice.
"""

from __future__ import annotations

from datetime import datetime

from bot import keyboards, render
from bot.context import Desk
from bot.service.escalation import tell_manager
from bot.service.notices import tell
from bot.service.tickets import ask_rating, close_thread
from bot.texts import t
from desk.tickets import Status, format_number
from storage import claims, repo
from storage.models import Ticket

OPEN = (Status.NEW.value, Status.IN_PROGRESS.value, Status.WAITING.value)
RUNNING = (Status.NEW.value, Status.IN_PROGRESS.value)  # the resolution clock runs


async def sweep(desk: Desk) -> None:
    """Everything that fell due: reminders and auto-close, then deadlines."""
    await sweep_waiting(desk)
    await sweep_deadlines(desk)


# --- waiting for the client ---------------------------------------------------------------


async def sweep_waiting(desk: Desk) -> tuple[int, int]:
    """Sends due reminders and closes tickets whose clients stayed silent; returns
    (reminders sent, tickets closed)."""
    now = desk.clock.now()
    async with desk.tx() as session:
        due_reminders = await claims.due_reminders(session, now=now)
        due_closes = await claims.due_autocloses(session, now=now)
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
        ticket = await claims.claim_reminder(unit.session, ticket_id=ticket_id, now=now)
        if ticket is None:
            return False
        client = await repo.get_client(unit.session, client_id=ticket.client_id)
        assert client is not None
        date = render.fmt_dt(ticket.autoclose_at, desk.settings.zone)
        markup = (
            keyboards.confirm_solution(client.language, ticket.id)
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
        ticket = await claims.claim_autoclose(unit.session, ticket_id=ticket_id, now=now)
        if ticket is None:
            return False
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
            markup=keyboards.reopen_ticket(client.language, ticket.id),
        )
        await unit.out.notice(
            ticket.id, t(desk.op_lang, "op.autoclosed", number=number, days=days)
        )
        await close_thread(unit, ticket.id)
        await ask_rating(unit, ticket)
    return True


# --- deadlines ----------------------------------------------------------------------------


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
        async with desk.tx() as session:
            ids = await claims.due_announcements(
                session,
                column=column,
                due_column=due_column,
                statuses=statuses,
                now=now,
                unanswered=unanswered,
            )
        for ticket_id in ids:
            async with desk.unit() as unit:
                ticket = await claims.claim_announcement(
                    unit.session,
                    ticket_id=ticket_id,
                    column=column,
                    due_column=due_column,
                    statuses=statuses,
                    now=now,
                    unanswered=unanswered,
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


async def post_digest(desk: Desk) -> bool:
    """Posts today's digest of tickets at risk and breached unless a replica already did;
    True if this call posted it."""
    now = desk.clock.now()
    today = now.astimezone(desk.settings.zone).date()
    async with desk.unit() as unit:
        if not await claims.claim_digest(unit.session, day=today, now=now):
            return False
        rows = list(await claims.tickets_by_resolution_deadline(unit.session, statuses=OPEN))
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
            r for r in rows if r.res_due_at and r.res_due_at <= now and r.status != Status.WAITING
        ]
        risk = [r for r in rows if r not in breached and r.res_warn_at and r.res_warn_at <= now]
        none = t(lang, "op.digest_none")
        text = t(
            lang,
            "op.digest",
            date=render.fmt_dt(now, zone),
            risk="\n".join(map(line, risk)) or none,
            breached="\n".join(map(line, breached)) or none,
        )
        await unit.out.to_group(text, purpose="digest")
    return True
