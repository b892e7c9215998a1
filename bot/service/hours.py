"""Hours engineers log on a ticket: ``/time 1h30m comment`` records an entry, ``/time`` alone
lists them with the total, and a button under the list deletes one (its author's, or any for
an admin). The rules of what an entry may say are ``desk/hours.py``."""

from __future__ import annotations

from bot import keyboards, render
from bot.context import Desk
from bot.service.buttons import Answer
from bot.service.lookup import find_ticket, ticket_or_explain
from bot.service.origin import Origin
from bot.service.people import engineer
from bot.service.tickets import event
from bot.texts import Raw, t
from desk.hours import Refused, parse_entry
from desk.text import truncate
from storage import hours, repo


async def log_time(desk: Desk, origin: Origin, arguments: str) -> None:
    """``/time <duration> [date] [comment]``: records the entry and answers with it and the
    ticket's new total (one message); ``/time`` alone lists the entries; a refused entry is
    answered with the reason."""
    found = await find_ticket(desk, origin)
    async with desk.unit() as unit:
        ticket = await ticket_or_explain(unit, origin, found)
        if ticket is None:
            return
        lang = desk.op_lang
        if not arguments.strip():
            entries = await hours.of_ticket(unit.session, ticket.id)
            await unit.out.answer_to(
                origin,
                render.time_list(lang, ticket.number, entries),
                ticket_id=ticket.id,
                markup=keyboards.time_entries(lang, entries),
            )
            return
        now = desk.clock.now()
        parsed = parse_entry(arguments, today=now.astimezone(desk.settings.zone).date())
        if isinstance(parsed, Refused):
            text = t(lang, f"hours.refused_{parsed.reason}", words=truncate(parsed.words, 100))
            await unit.out.answer_to(origin, text, ticket_id=ticket.id)
            return
        entry = await hours.add(
            unit.session,
            ticket_id=ticket.id,
            engineer_id=origin.user_id or 0,
            engineer_name=origin.name,
            minutes=parsed.minutes,
            work_date=parsed.work_date,
            comment=parsed.comment,
            now=now,
        )
        total = await hours.total(unit.session, ticket.id)
        text = render.time_logged(lang, ticket.number, entry, total)
        await event(unit, ticket, text.split("\n", 1)[0], origin)
        await unit.out.answer_to(origin, text, ticket_id=ticket.id)


async def delete_time(desk: Desk, pressed: Origin, *, entry_id: int, admin: bool) -> Answer:
    """``o:time:del:<entry>`` under a ``/time`` list: deletes the entry if the presser wrote
    it (or is an admin) and redraws the list in place; the presser hears the outcome."""
    lang = desk.op_lang
    async with desk.unit() as unit:
        entry = await hours.get(unit.session, entry_id)
        ticket = await repo.get_ticket(unit.session, ticket_id=entry.ticket_id) if entry else None
        if entry is None or ticket is None or ticket.operator_chat_id != desk.operator_chat_id:
            return Answer(t(lang, "hours.gone"), alert=True)
        if entry.engineer_id != pressed.user_id and not admin:
            return Answer(t(lang, "hours.not_yours"), alert=True)
        said = render.time_deleted(lang, entry)
        notice = t(
            lang,
            "hours.deleted_event",
            **await engineer(unit, pressed),
            date=entry.work_date.strftime("%d.%m.%Y"),
            author=entry.engineer_name,
            duration=Raw(render.duration(lang, entry.minutes)),
        )
        await hours.remove(unit.session, entry)
        await event(unit, ticket, notice, pressed)
        entries = await hours.of_ticket(unit.session, ticket.id)
        # The list under the button is redrawn: one edit, no new message in the group.
        await unit.out.edit_group(
            pressed.message_id,
            render.time_list(lang, ticket.number, entries),
            markup=keyboards.time_entries(lang, entries),
            ticket_id=ticket.id,
        )
    return Answer(said)
