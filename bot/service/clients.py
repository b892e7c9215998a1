"""The client's own chat: who they are (touched at every update), the menu, news
subscription, language, and their tickets (the list, a ticket's card and history)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks as cb
from bot import keyboards, render
from bot.context import Desk, Unit
from bot.service import orgs, relay
from bot.service.buttons import Answer, drop_buttons, edit_or_send
from bot.service.origin import Origin
from bot.texts import t
from desk.language import pick_language
from desk.tickets import Status, format_number
from storage import hours, repo
from storage.models import Client, Ticket

TICKETS_PER_PAGE = 8


@dataclass(frozen=True)
class Profile:
    """The client as Telegram describes them in an update."""

    user_id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None


async def touch(desk: Desk, profile: Profile, *, moves_on: bool) -> Client:
    """The client writing in this private chat, created or refreshed; `moves_on`: a command
    or a button, so their next message is no longer a rating's comment."""
    async with desk.tx() as session:
        existing = await repo.get_client(session, client_id=profile.user_id)
        language = (
            existing.language
            if existing is not None and existing.language_chosen
            else pick_language(profile.language_code, desk.settings.default_language)
        )
        client = await repo.upsert_client(
            session,
            client_id=profile.user_id,
            first_name=profile.first_name,
            last_name=profile.last_name,
            username=profile.username,
            language=language,
            now=desk.clock.now(),
        )
        if not client.language_chosen:
            client.language = language
        if client.comment_ticket_id is not None and moves_on:
            # A command or a button after a rating: the client is doing something else, so
            # their next message is no longer the rating's comment.
            client.comment_ticket_id = client.comment_until = None
    return client


async def own_ticket(desk: Desk, client: Client, ticket_id: int) -> Ticket | None:
    """The ticket a press names, if it is the client's own (the id is the client's to forge)."""
    async with desk.tx() as session:
        return await repo.get_ticket_for_client(session, ticket_id=ticket_id, client_id=client.id)


async def start(desk: Desk, client: Client, *, invitation: str | None = None) -> None:
    """/start: greets the client and shows the menu (and asks once about release news);
    an `invitation` link's token is opened first (``bot/service/orgs.py``)."""
    async with desk.unit() as unit:
        if invitation is not None:
            await orgs.open_invitation(unit, client, invitation)
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
            await _ask_subscription(unit, client)


async def _ask_subscription(unit: Unit, client: Client) -> None:
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


async def _set_subscription(
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


async def subscribe(desk: Desk, client: Client, on: bool) -> None:
    """/subscribe, /unsubscribe: release news on or off."""
    async with desk.unit() as unit:
        await _set_subscription(unit, client, on)


async def subscription_button(
    desk: Desk, client: Client, choice: cb.News | None, pressed: Origin | None
) -> None:
    """``n:sub:1`` / ``n:sub:0`` (and the Unsubscribe button under announcements)."""
    async with desk.unit() as unit:
        if choice in (cb.News.YES, cb.News.NO):
            await drop_buttons(unit.out, pressed)
            await _set_subscription(unit, client, choice is cb.News.YES, answering_the_offer=True)
        elif choice is cb.News.UNSUBSCRIBE:
            # Under an announcement: its other buttons stay, only the news stop.
            await _set_subscription(unit, client, False)


async def say(desk: Desk, client: Client, key: str) -> None:
    """A text that changes nothing (/help, a refused or unknown command)."""
    async with desk.unit() as unit:
        await unit.out.message(client.id, t(client.language, key))


async def choose_language(desk: Desk, client: Client) -> None:
    """/language: offers Russian and English."""
    async with desk.unit() as unit:
        await unit.out.message(
            client.id, t(client.language, "lang.prompt"), markup=keyboards.languages()
        )


async def set_language(desk: Desk, client: Client, lang: str, pressed: Origin | None) -> None:
    """Stores the chosen language and confirms in it."""
    async with desk.unit() as unit:
        row = await repo.get_client(unit.session, client_id=client.id)
        assert row is not None
        row.language = lang
        row.language_chosen = True
        await edit_or_send(
            unit.out, pressed, client.id, t(lang, "lang.set"), keyboards.main_menu(lang)
        )


async def list_tickets(
    desk: Desk, client: Client, *, page: int = 0, pressed: Origin | None = None
) -> None:
    """/tickets: the client's tickets, newest first, with a colour marker for the status; a
    page button (`pressed`) turns its own message to the page."""
    lang = client.language
    async with desk.unit() as unit:
        tickets, total = await repo.list_client_tickets(
            unit.session,
            client_id=client.id,
            offset=page * TICKETS_PER_PAGE,
            limit=TICKETS_PER_PAGE,
        )
        if total == 0:
            text, markup = t(lang, "tickets.empty"), None
        else:
            pages = max(1, math.ceil(total / TICKETS_PER_PAGE))
            lines = [t(lang, "tickets.title", total=total)]
            logged = await hours.totals(unit.session, [ticket.id for ticket in tickets])
            lines += [
                render.ticket_line(ticket, lang, minutes=logged.get(ticket.id, 0))
                for ticket in tickets
            ]
            text = "\n".join(lines)
            markup = keyboards.ticket_list(lang, tickets, page=page, pages=pages)
        await edit_or_send(unit.out, pressed, client.id, text, markup)


async def ticket_button(
    desk: Desk, client: Client, pressed: cb.TicketPress, at: Origin | None
) -> Answer:
    """``t:`` buttons on a ticket: its card, its history, writing to it."""
    lang = client.language
    action = pressed.view
    async with desk.unit() as unit:
        # Only the client's own tickets: the id in the button is the client's to forge.
        ticket = await repo.get_ticket_for_client(
            unit.session, ticket_id=pressed.ticket_id, client_id=client.id
        )
        if ticket is None:
            return Answer(t(lang, "tickets.not_found"), alert=True)
        zone = desk.settings.zone
        if action is cb.TicketView.CARD:
            await edit_or_send(
                unit.out,
                at,
                client.id,
                render.ticket_card(
                    ticket, lang, zone, minutes=await hours.total(unit.session, ticket.id)
                ),
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
                at,
                client.id,
                f"{title}\n\n{pages[page]}",
                keyboards.history(lang, ticket, page=page, pages=len(pages)),
            )
        elif action is cb.TicketView.WRITE:
            if ticket.status == Status.CLOSED:
                # Writing to a closed ticket reopens it within the window, else offers a new one.
                await relay.reopen_or_continue(unit, client, ticket, message=None)
                return Answer()
            row = await repo.get_client(unit.session, client_id=client.id)
            assert row is not None
            row.active_ticket_id = ticket.id
            row.shown_ticket_id = ticket.id
            await unit.out.message(
                client.id,
                t(lang, "tickets.write_prompt", number=format_number(ticket.number)),
                ticket_id=ticket.id,
            )
    return Answer()
