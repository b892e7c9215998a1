"""The client's private chat: menu, language, tickets, and relaying their messages."""

from __future__ import annotations

import logging
import math
from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError

from bot import deadlines, keyboards, relay, render
from bot.context import DeskContext
from bot.handlers import escalation, kb, lifecycle, registration
from bot.handlers.common import (
    answer,
    client_press,
    drop_buttons,
    edit_or_send,
    schedule_album,
    touch_client,
)
from bot.texts import t
from desk.tickets import Action, Status, allowed, apply, format_number
from storage import repo
from storage.models import Client, Ticket

logger = logging.getLogger(__name__)

TICKETS_PER_PAGE = 8


async def start(update: Update, context: DeskContext) -> None:
    """/start: greets the client and shows the menu."""
    desk = context.desk
    client = await touch_client(update, desk)
    async with desk.tx() as session:
        draft = await repo.get_draft(session, client_id=client.id)
    text = t(client.language, "start.greeting", name=client.first_name or client.display_name)
    if draft is not None:
        text += "\n\n" + t(client.language, "start.draft_pending")
    await context.bot.send_message(
        client.id,
        text,
        reply_markup=keyboards.main_menu(client.language, has_draft=draft is not None),
    )
    if not client.subscription_asked:
        await ask_subscription(context, client)


async def ask_subscription(context: DeskContext, client: Client) -> None:
    """Asks once, at the first /start, whether the client wants release news."""
    async with context.desk.tx() as session:
        row = await repo.get_client(session, client_id=client.id)
        assert row is not None
        row.subscription_asked = True
    lang = client.language
    await context.bot.send_message(
        client.id,
        t(lang, "news.ask"),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(t(lang, "news.yes"), callback_data="n:sub:1"),
                    InlineKeyboardButton(t(lang, "news.no"), callback_data="n:sub:0"),
                ]
            ]
        ),
    )


async def set_subscription(context: DeskContext, client: Client, on: bool) -> None:
    """Subscribes or unsubscribes the client and says so."""
    async with context.desk.tx() as session:
        row = await repo.get_client(session, client_id=client.id)
        assert row is not None
        row.subscribed = on
        row.subscription_asked = True
    key = "news.subscribed" if on else "news.unsubscribed"
    await context.bot.send_message(client.id, t(client.language, key))


async def subscribe(update: Update, context: DeskContext) -> None:
    """/subscribe: release news on."""
    await set_subscription(context, await touch_client(update, context.desk), True)


async def unsubscribe(update: Update, context: DeskContext) -> None:
    """/unsubscribe: release news off."""
    await set_subscription(context, await touch_client(update, context.desk), False)


async def subscription_buttons(update: Update, context: DeskContext) -> None:
    """``n:sub:1`` / ``n:sub:0`` (and the Unsubscribe button under announcements)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    client = await touch_client(update, context.desk)
    await answer(query)
    if query.data in ("n:sub:1", "n:sub:0"):
        await drop_buttons(query)
        await set_subscription(context, client, query.data == "n:sub:1")
    elif query.data == "n:off":
        # Under an announcement: its other buttons stay, only the news stop.
        await set_subscription(context, client, False)


async def show_help(update: Update, context: DeskContext) -> None:
    """/help: what the bot does and its commands."""
    client = await touch_client(update, context.desk)
    await context.bot.send_message(client.id, t(client.language, "help.text"))


async def choose_language(update: Update, context: DeskContext) -> None:
    """/language: offers Russian and English."""
    client = await touch_client(update, context.desk)
    await context.bot.send_message(
        client.id, t(client.language, "lang.prompt"), reply_markup=keyboards.languages()
    )


async def set_language(update: Update, context: DeskContext) -> None:
    """Stores the chosen language and confirms in it."""
    query = update.callback_query
    assert query is not None and query.data is not None
    desk = context.desk
    client = await touch_client(update, desk)
    lang = query.data.partition(":")[2]
    if lang not in ("ru", "en"):
        await answer(query)
        return
    async with desk.tx() as session:
        row = await repo.get_client(session, client_id=client.id)
        assert row is not None
        row.language = lang
        row.language_chosen = True
    await answer(query)
    await edit_or_send(query, t(lang, "lang.set"), keyboards.main_menu(lang))


async def menu(update: Update, context: DeskContext) -> None:
    """The main menu's buttons."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await answer(query)
    choice = query.data.partition(":")[2]
    if choice == "new":
        await registration.start_registration(update, context)
    elif choice == "tickets":
        await list_tickets(update, context)
    elif choice == "ask":
        await kb.ask_prompt(update, context)
    else:
        await show_help(update, context)


async def list_tickets(update: Update, context: DeskContext, *, page: int = 0) -> None:
    """/tickets: the client's tickets, newest first, with a colour marker for the status."""
    desk = context.desk
    client = await touch_client(update, desk)
    lang = client.language
    async with desk.tx() as session:
        tickets, total = await repo.list_client_tickets(
            session, client_id=client.id, offset=page * TICKETS_PER_PAGE, limit=TICKETS_PER_PAGE
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
    if query is not None and query.data and query.data.startswith("t:"):
        await edit_or_send(query, text, markup)
    else:
        await context.bot.send_message(client.id, text, reply_markup=markup)


async def ticket_buttons(update: Update, context: DeskContext) -> None:
    """``t:`` buttons: list pages, a ticket's card, its history, writing to it."""
    desk = context.desk
    press = await client_press(update, desk)
    if press is None:
        return
    query, client, action, numbers = press.query, press.client, press.action, press.numbers
    lang = client.language
    if action == "list":
        await answer(query)
        await list_tickets(update, context, page=max(0, numbers[0]))
        return
    async with desk.tx() as session:
        # Only the client's own tickets: the id in the button is the client's to forge.
        ticket = await repo.get_ticket_for_client(
            session, ticket_id=numbers[0], client_id=client.id
        )
        rows = (
            list(await repo.history(session, ticket_id=numbers[0]))
            if ticket and action == "hist"
            else []
        )
    if ticket is None:
        await answer(query, t(lang, "tickets.not_found"), alert=True)
        return
    zone = desk.settings.zone
    if action == "card":
        await answer(query)
        await edit_or_send(
            query, render.ticket_card(ticket, lang, zone), keyboards.ticket_card(lang, ticket)
        )
    elif action == "hist":
        await answer(query)
        entries = render.history_entries(rows, lang, zone, for_client=True)
        pages = render.paginate(entries, desk.settings.history_page_chars) or [
            t(lang, "tickets.history_empty")
        ]
        page = min(max(0, numbers[1] if len(numbers) > 1 else 0), len(pages) - 1)
        title = t(
            lang,
            "tickets.history_title",
            number=format_number(ticket.number),
            page=page + 1,
            pages=len(pages),
        )
        await edit_or_send(
            query,
            f"{title}\n\n{pages[page]}",
            keyboards.history(lang, ticket, page=page, pages=len(pages)),
        )
    elif action == "write":
        await answer(query)
        if ticket.status == Status.CLOSED:
            # Writing to a closed ticket reopens it within the window, else offers a new one.
            await lifecycle.reopen_or_continue(update, context, client, ticket, message=None)
            return
        async with desk.tx() as session:
            row = await repo.get_client(session, client_id=client.id)
            assert row is not None
            row.active_ticket_id = ticket.id
            row.shown_ticket_id = ticket.id
        sent = await context.bot.send_message(
            client.id, t(lang, "tickets.write_prompt", number=format_number(ticket.number))
        )
        async with desk.tx() as session:
            await repo.link_message(
                session, chat_id=client.id, message_id=sent.message_id, ticket_id=ticket.id
            )
    else:
        await answer(query)


async def engineer_command_in_private(update: Update, context: DeskContext) -> None:
    """Engineer commands written to the bot privately: refused, nothing changes."""
    client = await touch_client(update, context.desk)
    await context.bot.send_message(client.id, t(client.language, "engineer_only"))


async def unknown_command(update: Update, context: DeskContext) -> None:
    """Any other command in a private chat."""
    client = await touch_client(update, context.desk)
    await context.bot.send_message(client.id, t(client.language, "unknown_command"))


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
        if await escalation.take_raise_reason(context, client, message.text):
            return
    async with desk.tx() as session:
        replied = None
        if message.reply_to_message is not None:
            replied = await repo.ticket_for_message(
                session, chat_id=client.id, message_id=message.reply_to_message.message_id
            )
            if replied is not None and replied.client_id != client.id:
                replied = None
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
        await relay_to_ticket(context, client, target, message, announce=open_count > 1)
        return
    if draft is not None:
        await registration.on_message(update, context, client, draft)
        return
    if replied is not None:
        # A reply to a closed ticket: a comment on its rating, or the client reopens it
        # (within the window) or continues it in a new ticket.
        reply_id = message.reply_to_message.message_id if message.reply_to_message else None
        if replied.csat_message_id is not None and reply_id == replied.csat_message_id:
            await lifecycle.save_comment(context, client, replied, message)
            return
        await lifecycle.reopen_or_continue(update, context, client, replied, message=message)
        return
    # No ticket to go to: the knowledge base answers first.
    await kb.answer_question(update, context, client, message)


async def relay_to_ticket(
    context: DeskContext, client: Client, ticket: Ticket, message: Message, *, announce: bool
) -> None:
    """Stores the client's message with the ticket and copies it to the engineers."""
    desk = context.desk
    info = relay.describe_message(message)
    now = desk.clock.now()
    album_wait = desk.settings.album_wait
    async with desk.tx() as session:
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
        if info.media_group_id:
            # The rest of the album is on its way: wait for it, then copy it whole.
            row.next_attempt_at = now + timedelta(seconds=album_wait + 10)
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
    await _acknowledge(context, client, ticket, message, show_number=show_number)
    if answered:
        number = format_number(ticket.number)
        await relay.post_to_thread(
            context.bot, desk, ticket.id, t(desk.op_lang, "op.client_answered", number=number)
        )
        await relay.refresh_thread(context.bot, desk, ticket.id)
    if info.media_group_id:
        schedule_album(context, info.media_group_id)
        return
    await relay.deliver_to_operators(context.bot, desk, [row], live=True)


async def _acknowledge(
    context: DeskContext, client: Client, ticket: Ticket, message: Message, *, show_number: bool
) -> None:
    """A reaction on the message, or ``→ #1042`` when the client juggles several tickets."""
    if show_number:
        sent = await message.reply_text(
            t(client.language, "relay.ack", number=format_number(ticket.number))
        )
        async with context.desk.tx() as session:
            await repo.link_message(
                session, chat_id=client.id, message_id=sent.message_id, ticket_id=ticket.id
            )
        return
    try:
        await message.set_reaction("👌")
    except TelegramError as exc:
        logger.info("reaction failed, acknowledging with text: %s", exc)
        await message.reply_text(
            t(client.language, "relay.ack", number=format_number(ticket.number))
        )
