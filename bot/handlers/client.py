"""The client's private chat: menu, language, tickets, and relaying their messages."""

from __future__ import annotations

import asyncio
import logging
import math

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot import callbacks as cb
from bot import deadlines, incoming, keyboards, render
from bot.context import Desk, DeskContext, Unit
from bot.handlers import kb, lifecycle, registration
from bot.handlers.common import (
    Press,
    answer,
    client_press,
    drop_buttons,
    edit_or_send,
    touch_client,
)
from bot.service import escalation
from bot.texts import t
from desk.tickets import Action, Status, allowed, apply, format_number
from storage import repo
from storage.models import Client, Ticket

logger = logging.getLogger(__name__)

TICKETS_PER_PAGE = 8


async def start(update: Update, context: DeskContext) -> None:
    """/start: greets the client and shows the menu (and asks once about release news)."""
    desk = context.desk
    client = await touch_client(update, desk)
    async with desk.unit() as unit:
        draft = await repo.get_draft(unit.session, client_id=client.id)
        text = t(client.language, "start.greeting", name=client.first_name or client.display_name)
        if draft is not None:
            text += "\n\n" + t(client.language, "start.draft_pending")
        await unit.out.message(
            client.id,
            text,
            markup=keyboards.main_menu(client.language, has_draft=draft is not None),
        )
        if not client.subscription_asked:
            await ask_subscription(unit, client)


async def ask_subscription(unit: Unit, client: Client) -> None:
    """Asks once, at the first /start, whether the client wants release news."""
    row = await repo.get_client(unit.session, client_id=client.id)
    assert row is not None
    row.subscription_asked = True
    lang = client.language
    await unit.out.message(
        client.id,
        t(lang, "news.ask"),
        markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(t(lang, "news.yes"), callback_data=cb.news(cb.News.YES)),
                    InlineKeyboardButton(t(lang, "news.no"), callback_data=cb.news(cb.News.NO)),
                ]
            ]
        ),
    )


async def set_subscription(
    unit: Unit, client: Client, on: bool, *, answering_the_offer: bool = False
) -> None:
    """Subscribes or unsubscribes the client and says so (`answering_the_offer`: the
    client's answer to the first /start's question)."""
    row = await repo.get_client(unit.session, client_id=client.id)
    assert row is not None
    key = render.subscription_reply(
        was=row.subscribed, wants=on, answering_the_offer=answering_the_offer
    )
    row.subscribed = on
    row.subscription_asked = True
    await unit.out.message(client.id, t(client.language, key))


async def subscribe(update: Update, context: DeskContext) -> None:
    """/subscribe: release news on."""
    client = await touch_client(update, context.desk)
    async with context.desk.unit() as unit:
        await set_subscription(unit, client, True)


async def unsubscribe(update: Update, context: DeskContext) -> None:
    """/unsubscribe: release news off."""
    client = await touch_client(update, context.desk)
    async with context.desk.unit() as unit:
        await set_subscription(unit, client, False)


async def subscription_buttons(update: Update, context: DeskContext) -> None:
    """``n:sub:1`` / ``n:sub:0`` (and the Unsubscribe button under announcements)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    desk = context.desk
    client = await touch_client(update, desk)
    choice = cb.parse_news(query.data)
    answer(desk, query)
    async with desk.unit() as unit:
        if choice in (cb.News.YES, cb.News.NO):
            await drop_buttons(unit.out, query)
            await set_subscription(unit, client, choice is cb.News.YES, answering_the_offer=True)
        elif choice is cb.News.UNSUBSCRIBE:
            # Under an announcement: its other buttons stay, only the news stop.
            await set_subscription(unit, client, False)


async def show_help(update: Update, context: DeskContext) -> None:
    """/help: what the bot does and its commands."""
    client = await touch_client(update, context.desk)
    async with context.desk.unit() as unit:
        await unit.out.message(client.id, t(client.language, "help.text"))


async def choose_language(update: Update, context: DeskContext) -> None:
    """/language: offers Russian and English."""
    client = await touch_client(update, context.desk)
    async with context.desk.unit() as unit:
        await unit.out.message(
            client.id, t(client.language, "lang.prompt"), markup=keyboards.languages()
        )


async def set_language(update: Update, context: DeskContext) -> None:
    """Stores the chosen language and confirms in it."""
    query = update.callback_query
    assert query is not None and query.data is not None
    desk = context.desk
    client = await touch_client(update, desk)
    lang = cb.parse_language(query.data)
    answer(desk, query)
    if lang is None:
        return
    async with desk.unit() as unit:
        row = await repo.get_client(unit.session, client_id=client.id)
        assert row is not None
        row.language = lang
        row.language_chosen = True
        await edit_or_send(unit.out, query, t(lang, "lang.set"), keyboards.main_menu(lang))


async def menu(update: Update, context: DeskContext) -> None:
    """The main menu's buttons."""
    query = update.callback_query
    assert query is not None and query.data is not None
    answer(context.desk, query)
    choice = cb.parse_menu(query.data)
    if choice is cb.MenuItem.NEW:
        await registration.start_registration(update, context)
    elif choice is cb.MenuItem.TICKETS:
        await list_tickets(update, context)
    elif choice is cb.MenuItem.ASK:
        await kb.ask_prompt(update, context)
    elif choice is cb.MenuItem.HELP:
        await show_help(update, context)


async def list_tickets(update: Update, context: DeskContext, *, page: int = 0) -> None:
    """/tickets: the client's tickets, newest first, with a colour marker for the status."""
    desk = context.desk
    client = await touch_client(update, desk)
    lang = client.language
    async with desk.unit() as unit:
        tickets, total = await repo.list_client_tickets(
            unit.session,
            client_id=client.id,
            offset=page * TICKETS_PER_PAGE,
            limit=TICKETS_PER_PAGE,
        )
        query = update.callback_query
        if total == 0:
            text, markup = t(lang, "tickets.empty"), None
        else:
            pages = max(1, math.ceil(total / TICKETS_PER_PAGE))
            lines = [t(lang, "tickets.title", total=total)]
            lines += [render.ticket_line(ticket, lang) for ticket in tickets]
            text = "\n".join(lines)
            markup = keyboards.ticket_list(lang, tickets, page=page, pages=pages)
        if query is not None and query.data and cb.parse_tickets(query.data) is not None:
            await edit_or_send(unit.out, query, text, markup)
        else:
            await unit.out.message(client.id, text, markup=markup)


async def ticket_buttons(update: Update, context: DeskContext) -> None:
    """``t:`` buttons: list pages, a ticket's card, its history, writing to it."""
    desk = context.desk
    press: Press[cb.TicketsPage | cb.TicketPress] | None
    press = await client_press(update, desk, cb.parse_tickets)
    if press is None:
        return
    query, client, pressed = press.query, press.client, press.data
    lang = client.language
    if isinstance(pressed, cb.TicketsPage):
        answer(desk, query)
        await list_tickets(update, context, page=pressed.page)
        return
    action = pressed.view
    async with desk.unit() as unit:
        # Only the client's own tickets: the id in the button is the client's to forge.
        ticket = await repo.get_ticket_for_client(
            unit.session, ticket_id=pressed.ticket_id, client_id=client.id
        )
        if ticket is None:
            answer(desk, query, t(lang, "tickets.not_found"), alert=True)
            return
        answer(desk, query)
        zone = desk.settings.zone
        if action is cb.TicketView.CARD:
            await edit_or_send(
                unit.out,
                query,
                render.ticket_card(ticket, lang, zone),
                keyboards.ticket_card(lang, ticket),
            )
        elif action is cb.TicketView.HISTORY:
            rows = list(await repo.history(unit.session, ticket_id=ticket.id))
            entries = render.history_entries(rows, lang, zone, for_client=True)
            pages = render.paginate(entries, desk.settings.history_page_chars) or [
                t(lang, "tickets.history_empty")
            ]
            page = min(pressed.page, len(pages) - 1)
            title = t(
                lang,
                "tickets.history_title",
                number=format_number(ticket.number),
                page=page + 1,
                pages=len(pages),
            )
            await edit_or_send(
                unit.out,
                query,
                f"{title}\n\n{pages[page]}",
                keyboards.history(lang, ticket, page=page, pages=len(pages)),
            )
        elif action is cb.TicketView.WRITE:
            if ticket.status == Status.CLOSED:
                # Writing to a closed ticket reopens it within the window, else offers a new one.
                await lifecycle.reopen_or_continue(unit, client, ticket, message=None)
                return
            row = await repo.get_client(unit.session, client_id=client.id)
            assert row is not None
            row.active_ticket_id = ticket.id
            row.shown_ticket_id = ticket.id
            await unit.out.message(
                client.id,
                t(lang, "tickets.write_prompt", number=format_number(ticket.number)),
                ticket_id=ticket.id,
            )


async def engineer_command_in_private(update: Update, context: DeskContext) -> None:
    """Engineer commands written to the bot privately: refused, nothing changes."""
    client = await touch_client(update, context.desk)
    async with context.desk.unit() as unit:
        await unit.out.message(client.id, t(client.language, "engineer_only"))


async def unknown_command(update: Update, context: DeskContext) -> None:
    """Any other command in a private chat."""
    client = await touch_client(update, context.desk)
    async with context.desk.unit() as unit:
        await unit.out.message(client.id, t(client.language, "unknown_command"))


async def on_private_message(update: Update, context: DeskContext) -> None:
    """Routes a client's message: the draft, the ticket it replies to, the active ticket,
    or a new registration. Every message ends in a ticket or gets an answer."""
    desk = context.desk
    message = update.effective_message
    if message is None:
        return
    client = await touch_client(update, desk)
    if client.pending_raise_ticket_id is not None and message.text:
        # The client asked to raise a ticket's priority: this message is the reason.
        if await escalation.take_raise_reason(desk, client, message.text):
            return
    if client.comment_ticket_id is not None:
        # The client just rated a ticket: this message is the rating's comment.
        if await lifecycle.take_comment(desk, client, message):
            return
    replied = await _replied_ticket(desk, client, message)
    async with desk.tx() as session:
        draft = await repo.get_draft(session, client_id=client.id)
        target: Ticket | None = None
        if replied is not None and replied.status != Status.CLOSED:
            target = replied
        elif draft is None and replied is None:
            if client.active_ticket_id is not None:
                active = await repo.get_ticket(session, ticket_id=client.active_ticket_id)
                if (
                    active is not None
                    and active.status != Status.CLOSED
                    and active.client_id == client.id
                ):
                    target = active
        open_now = await repo.open_tickets(session, client_id=client.id)
        if draft is None and replied is None and target is None:
            target = open_now[0] if open_now else None
        open_count = len(open_now) if target else 0
    if target is not None:
        async with desk.unit() as unit:
            await relay_to_ticket(unit, client, target, message, announce=open_count > 1)
        return
    if draft is not None:
        await registration.on_message(update, context, client, draft)
        return
    if replied is not None:
        # A reply to a closed ticket: a comment on its rating, or the client reopens it
        # (within the window) or continues it in a new ticket.
        reply_id = message.reply_to_message.message_id if message.reply_to_message else None
        async with desk.unit() as unit:
            if replied.csat_message_id is not None and reply_id == replied.csat_message_id:
                await lifecycle.save_comment(unit, client, replied, message)
                return
            await lifecycle.reopen_or_continue(unit, client, replied, message=message)
        return
    # No ticket to go to: the knowledge base answers first.
    await kb.answer_question(update, context, client, message)


async def _replied_ticket(desk: Desk, client: Client, message: Message) -> Ticket | None:
    """The client's own ticket that the message replies to, if any.

    A reply to a bot message not linked yet is looked up once more a moment later: the
    bot records a message's link right after Telegram accepts it.
    """
    reply = message.reply_to_message
    if reply is None:
        return None
    for attempt in range(2):
        async with desk.tx() as session:
            ticket = await repo.ticket_for_message(
                session, chat_id=client.id, message_id=reply.message_id
            )
        if ticket is not None:
            return ticket if ticket.client_id == client.id else None
        if attempt == 0 and reply.from_user is not None and reply.from_user.is_bot:
            await asyncio.sleep(0.3)
    return None


async def relay_to_ticket(
    unit: Unit, client: Client, ticket: Ticket, message: Message, *, announce: bool
) -> None:
    """Stores the client's message with the ticket, acknowledges it and queues its copy for
    the engineers; all in the caller's unit of work."""
    desk = unit.desk
    session = unit.session
    info = incoming.describe_message(message)
    now = desk.clock.now()
    row = await repo.add_ticket_message(
        session,
        ticket_id=ticket.id,
        direction="in",
        author_id=client.id,
        author_name=client.display_name,
        kind=info.kind,
        text=info.text,
        file_id=info.file_id,
        media_group_id=info.media_group_id,
        source_chat_id=client.id,
        source_message_id=message.message_id,
        now=now,
    )
    row.html = info.html
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
            lifecycle.clear_waiting(fresh_ticket)
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
    unit: Unit, client: Client, ticket: Ticket, message: Message, *, show_number: bool
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
    if message.media_group_id and message.media_group_id != "":
        # One reaction per album is enough: on its first part.
        parts = await repo.album_rows(
            unit.session, ticket_id=ticket.id, media_group_id=message.media_group_id
        )
        if parts and parts[0].source_message_id != message.message_id:
            return
    await unit.out.react(client.id, message.message_id, "👌")
