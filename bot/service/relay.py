"""A client's message into their ticket: stored, acknowledged and queued for the engineers;
and a message to (or Reopen on) a closed ticket, which reopens it or continues it in a new
one."""

from __future__ import annotations

from bot import deadlines
from bot.context import Unit
from bot.incoming import ClientMessage
from bot.logs import bind_ticket
from bot.service import drafts
from bot.service.notices import tell
from bot.service.tickets import open_thread_again
from bot.texts import t
from desk.lifecycle import can_reopen
from desk.tickets import Action, Status, allowed, apply, format_number
from storage import repo
from storage.models import Client, Ticket


def clear_waiting(row: Ticket) -> None:
    """Stops the waiting-for-the-client clock."""
    row.waiting_kind = None
    row.waiting_since = None
    row.remind_at = None
    row.reminded_at = None
    row.autoclose_at = None


async def relay_to_ticket(
    unit: Unit, client: Client, ticket: Ticket, message: ClientMessage, *, announce: bool
) -> None:
    """Stores the client's message with the ticket, acknowledges it and queues its copy for
    the engineers; all in the caller's unit of work."""
    desk = unit.desk
    session = unit.session
    bind_ticket(ticket.number)
    info = message.content
    now = desk.clock.now()
    row = await repo.add_client_message(
        session,
        ticket_id=ticket.id,
        client=client,
        message_id=message.message_id,
        content=info,
        now=now,
    )
    fresh_ticket = await repo.get_ticket(session, ticket_id=ticket.id)
    assert fresh_ticket is not None
    fresh_ticket.last_client_message_at = now
    fresh_ticket.updated_at = now
    answered = False
    if allowed(Status(fresh_ticket.status), Action.CLIENT_MESSAGE):
        outcome = apply(Status(fresh_ticket.status), Action.CLIENT_MESSAGE)
        fresh_ticket.status = outcome.after.value
        if outcome.changed:
            # The client answered: the waiting clock stops, the engineers are on it again.
            answered = True
            clear_waiting(fresh_ticket)
            deadlines.resume(fresh_ticket, desk.calendar, desk.settings.sla_table, now)
    fresh_client = await repo.get_client(session, client_id=client.id)
    assert fresh_client is not None
    show_number = announce and fresh_client.shown_ticket_id != ticket.id
    fresh_client.active_ticket_id = ticket.id
    fresh_client.shown_ticket_id = ticket.id
    if info.media_group_id:
        await unit.out.relay_to_group(ticket.id, album=info.media_group_id)
    else:
        await unit.out.relay_to_group(ticket.id, [row.id])
    if answered:
        # The title's colour and the card say it; the client's words follow in the thread.
        await unit.out.refresh(ticket.id)
    await _acknowledge(unit, client, ticket, message, show_number=show_number)


async def _acknowledge(
    unit: Unit, client: Client, ticket: Ticket, message: ClientMessage, *, show_number: bool
) -> None:
    """A reaction on the message, or ``→ #1042`` when the client juggles several tickets."""
    if show_number:
        await unit.out.message(
            client.id,
            t(client.language, "relay.ack", number=format_number(ticket.number)),
            ticket_id=ticket.id,
            reply_to=message.message_id,
        )
        return
    album = message.content.media_group_id
    if album:
        # One reaction per album is enough: on its first part.
        parts = await repo.album_rows(unit.session, ticket_id=ticket.id, media_group_id=album)
        if parts and parts[0].source_message_id != message.message_id:
            return
    await unit.out.react(client.id, message.message_id, "👌")


async def reopen_or_continue(
    unit: Unit, client: Client, ticket: Ticket, *, message: ClientMessage | None
) -> None:
    """The client writes to (or presses Reopen on) a closed ticket: within the window it is
    reopened and the message relayed; after it, a new ticket that refers to it starts."""
    desk = unit.desk
    now = desk.clock.now()
    number = format_number(ticket.number)
    if ticket.status != Status.CLOSED:
        if message is not None:
            await relay_to_ticket(unit, client, ticket, message, announce=False)
        return
    if not can_reopen(ticket.closed_at, now, desk.settings.reopen_days):
        await drafts.begin(
            unit,
            client,
            prefill=(message.message_id, message.content) if message else None,
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
        await relay_to_ticket(unit, client, row, message, announce=False)
