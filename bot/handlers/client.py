"""The client's private chat: menu, language, tickets, and their messages. The use cases are
``bot/service/clients.py`` and ``bot/service/conversation.py``."""

from __future__ import annotations

from telegram import Update

from bot import callbacks as cb
from bot.context import DeskContext
from bot.handlers.common import Press, answer, client_press, pressed_at, touch_client
from bot.incoming import client_message
from bot.service import clients, conversation, knowledge, registration


async def start(update: Update, context: DeskContext) -> None:
    """/start: greets the client and shows the menu (and asks once about release news);
    ``/start <token>``, from an invitation link, first joins them to its organization."""
    client = await touch_client(update, context.desk)
    args = context.args or []
    await clients.start(context.desk, client, invitation=args[0] if args else None)


async def subscribe(update: Update, context: DeskContext) -> None:
    """/subscribe: release news on."""
    client = await touch_client(update, context.desk)
    await clients.subscribe(context.desk, client, True)


async def unsubscribe(update: Update, context: DeskContext) -> None:
    """/unsubscribe: release news off."""
    client = await touch_client(update, context.desk)
    await clients.subscribe(context.desk, client, False)


async def subscription_buttons(update: Update, context: DeskContext) -> None:
    """``n:sub:1`` / ``n:sub:0`` (and the Unsubscribe button under announcements)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    desk = context.desk
    client = await touch_client(update, desk)
    choice = cb.parse_news(query.data)
    answer(desk, query)
    await clients.subscription_button(desk, client, choice, pressed_at(query))


async def show_help(update: Update, context: DeskContext) -> None:
    """/help: what the bot does and its commands."""
    client = await touch_client(update, context.desk)
    await clients.say(context.desk, client, "help.text")


async def choose_language(update: Update, context: DeskContext) -> None:
    """/language: offers Russian and English."""
    client = await touch_client(update, context.desk)
    await clients.choose_language(context.desk, client)


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
    await clients.set_language(desk, client, lang, pressed_at(query))


async def menu(update: Update, context: DeskContext) -> None:
    """The main menu's buttons."""
    query = update.callback_query
    assert query is not None and query.data is not None
    desk = context.desk
    answer(desk, query)
    choice = cb.parse_menu(query.data)
    if choice is None:
        return
    client = await touch_client(update, desk)
    if choice is cb.MenuItem.NEW:
        await registration.start(desk, client)
    elif choice is cb.MenuItem.TICKETS:
        await clients.list_tickets(desk, client)
    elif choice is cb.MenuItem.ASK:
        await knowledge.invite_question(desk, client)
    elif choice is cb.MenuItem.HELP:
        await clients.say(desk, client, "help.text")


async def list_tickets(update: Update, context: DeskContext) -> None:
    """/tickets: the client's tickets, newest first, with a colour marker for the status."""
    client = await touch_client(update, context.desk)
    await clients.list_tickets(context.desk, client)


async def ticket_buttons(update: Update, context: DeskContext) -> None:
    """``t:`` buttons: list pages, a ticket's card, its history, writing to it."""
    desk = context.desk
    press: Press[cb.TicketsPage | cb.TicketPress] | None
    press = await client_press(update, desk, cb.parse_tickets)
    if press is None:
        return
    query, pressed = press.query, press.data
    if isinstance(pressed, cb.TicketsPage):
        answer(desk, query)
        await clients.list_tickets(
            desk, press.client, page=pressed.page, pressed=pressed_at(query)
        )
        return
    result = await clients.ticket_button(desk, press.client, pressed, pressed_at(query))
    answer(desk, query, result.text, alert=result.alert)


async def engineer_command_in_private(update: Update, context: DeskContext) -> None:
    """Engineer commands written to the bot privately: refused, nothing changes."""
    client = await touch_client(update, context.desk)
    await clients.say(context.desk, client, "engineer_only")


async def unknown_command(update: Update, context: DeskContext) -> None:
    """Any other command in a private chat."""
    client = await touch_client(update, context.desk)
    await clients.say(context.desk, client, "unknown_command")


async def on_private_message(update: Update, context: DeskContext) -> None:
    """A client's message: into the draft, the ticket it replies to, the active ticket, or
    to the knowledge base. Every message ends in a ticket or gets an answer."""
    message = update.effective_message
    if message is None:
        return
    client = await touch_client(update, context.desk)
    await conversation.on_message(context.desk, client, client_message(message))
