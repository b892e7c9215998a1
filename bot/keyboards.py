"""Inline keyboards: pure builders. Their callback data is written by bot/callbacks.py."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks as cb
from bot import render
from bot.callbacks import DraftPart, MenuItem, Registration
from bot.render import marker, priority_label, type_label
from bot.texts import t
from desk.tickets import Priority, TicketType, format_number
from storage.models import Ticket, TimeEntry


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data)


def main_menu(lang: str, *, has_draft: bool = False) -> InlineKeyboardMarkup:
    """New ticket, my tickets, help (and continue an unfinished ticket)."""
    rows = []
    if has_draft:
        rows.append([_button(t(lang, "menu.continue"), cb.registration(Registration.RESUME))])
    rows += [
        [_button(t(lang, "menu.ask"), cb.menu(MenuItem.ASK))],
        [_button(t(lang, "menu.new"), cb.menu(MenuItem.NEW))],
        [_button(t(lang, "menu.tickets"), cb.menu(MenuItem.TICKETS))],
        [_button(t(lang, "menu.help"), cb.menu(MenuItem.HELP))],
    ]
    return InlineKeyboardMarkup(rows)


def languages() -> InlineKeyboardMarkup:
    """Russian or English."""
    return InlineKeyboardMarkup(
        [[_button("🇷🇺 Русский", cb.language("ru")), _button("🇬🇧 English", cb.language("en"))]]
    )


def ticket_types(lang: str) -> InlineKeyboardMarkup:
    """One button per ticket type, then Cancel."""
    rows = [
        [_button(type_label(lang, kind.value), cb.registration_type(kind))] for kind in TicketType
    ]
    rows.append([_button(t(lang, "reg.cancel"), cb.registration(Registration.CANCEL))])
    return InlineKeyboardMarkup(rows)


PRIORITY_ICONS = {"low": "🟢", "normal": "🔵", "high": "🟠", "critical": "🔴"}


def priorities(lang: str) -> InlineKeyboardMarkup:
    """Low to critical, then Cancel."""
    rows = [
        [
            _button(
                f"{PRIORITY_ICONS[p.value]} {priority_label(lang, p.value)}",
                cb.registration_priority(p),
            )
        ]
        for p in Priority
    ]
    rows.append([_button(t(lang, "reg.cancel"), cb.registration(Registration.CANCEL))])
    return InlineKeyboardMarkup(rows)


def describe(lang: str) -> InlineKeyboardMarkup:
    """Done and Cancel under the description prompt."""
    return InlineKeyboardMarkup(
        [
            [
                _button(t(lang, "reg.done"), cb.registration(Registration.DONE)),
                _button(t(lang, "reg.cancel"), cb.registration(Registration.CANCEL)),
            ]
        ]
    )


def confirm(lang: str) -> InlineKeyboardMarkup:
    """Confirm / Edit / Cancel under the summary."""
    return InlineKeyboardMarkup(
        [
            [_button(t(lang, "reg.confirm"), cb.registration(Registration.CONFIRM))],
            [
                _button(t(lang, "reg.edit"), cb.registration(Registration.EDIT)),
                _button(t(lang, "reg.cancel"), cb.registration(Registration.CANCEL)),
            ],
        ]
    )


def edit_menu(lang: str, *, with_priority: bool) -> InlineKeyboardMarkup:
    """What to change in the draft."""
    row = [_button(t(lang, "reg.edit_type"), cb.registration_edit(DraftPart.TYPE))]
    if with_priority:
        row.append(_button(t(lang, "reg.edit_priority"), cb.registration_edit(DraftPart.PRIORITY)))
    row.append(
        _button(t(lang, "reg.edit_description"), cb.registration_edit(DraftPart.DESCRIPTION))
    )
    return InlineKeyboardMarkup(
        [row, [_button(t(lang, "reg.back_to_summary"), cb.registration_edit(DraftPart.BACK))]]
    )


def ticket_list(
    lang: str, tickets: Sequence[Ticket], *, page: int, pages: int
) -> InlineKeyboardMarkup:
    """A button per ticket and paging arrows."""
    rows = [
        [_button(f"{marker(tk.status)} {format_number(tk.number)}", cb.ticket_card(tk.id))]
        for tk in tickets
    ]
    nav = []
    if page > 0:
        nav.append(_button(t(lang, "tickets.prev"), cb.tickets_page(page - 1)))
    if page + 1 < pages:
        nav.append(_button(t(lang, "tickets.next"), cb.tickets_page(page + 1)))
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows)


def ticket_card(lang: str, ticket: Ticket) -> InlineKeyboardMarkup:
    """History, Write; for an open ticket "No answer?" and "Raise priority"; Back."""
    rows = [
        [
            _button(t(lang, "tickets.history"), cb.ticket_history(ticket.id, 0)),
            _button(t(lang, "tickets.write"), cb.ticket_write(ticket.id)),
        ]
    ]
    if ticket.status != "closed":
        row = [_button(t(lang, "tickets.late"), cb.no_answer(ticket.id))]
        if ticket.priority != "critical":
            row.append(_button(t(lang, "tickets.raise"), cb.raise_priority(ticket.id)))
        rows.append(row)
    rows.append([_button(t(lang, "tickets.back"), cb.tickets_page(0))])
    return InlineKeyboardMarkup(rows)


def history(lang: str, ticket: Ticket, *, page: int, pages: int) -> InlineKeyboardMarkup:
    """Paging through a ticket's correspondence, and back to its card."""
    nav = []
    if page > 0:
        nav.append(_button(t(lang, "tickets.prev"), cb.ticket_history(ticket.id, page - 1)))
    if page + 1 < pages:
        nav.append(_button(t(lang, "tickets.next"), cb.ticket_history(ticket.id, page + 1)))
    rows = [nav] if nav else []
    rows.append([_button(t(lang, "tickets.back"), cb.ticket_card(ticket.id))])
    return InlineKeyboardMarkup(rows)


def operator_types(lang: str, ticket: Ticket) -> InlineKeyboardMarkup:
    """Engineer's choice of a ticket's type."""
    return InlineKeyboardMarkup(
        [
            [_button(type_label(lang, kind.value), cb.set_type(ticket.id, kind))]
            for kind in TicketType
        ]
    )


def operator_priorities(lang: str, ticket: Ticket) -> InlineKeyboardMarkup:
    """Engineer's choice of a ticket's priority."""
    return InlineKeyboardMarkup(
        [
            [
                _button(
                    f"{PRIORITY_ICONS[p.value]} {priority_label(lang, p.value)}",
                    cb.set_priority(ticket.id, p),
                )
                for p in Priority
            ]
        ]
    )


def confirm_solution(lang: str, ticket_id: int) -> InlineKeyboardMarkup:
    """Yes / No under a proposed solution (and its reminder)."""
    return InlineKeyboardMarkup(
        [
            [
                _button(t(lang, "client.yes"), cb.solved(ticket_id)),
                _button(t(lang, "client.no"), cb.not_solved(ticket_id)),
            ]
        ]
    )


def reopen_ticket(lang: str, ticket_id: int) -> InlineKeyboardMarkup:
    """Reopen, under the news that a ticket closed by itself."""
    return InlineKeyboardMarkup([[_button(t(lang, "client.reopen"), cb.reopen(ticket_id))]])


def rating(ticket_id: int) -> InlineKeyboardMarkup:
    """One to five stars for a closed ticket."""
    return InlineKeyboardMarkup(
        [[_button("⭐" * n, cb.rating(ticket_id, n)) for n in range(1, 6)]]
    )


def time_entries(lang: str, entries: Sequence[TimeEntry]) -> InlineKeyboardMarkup | None:
    """A delete button per entry a ``/time`` list shows (whose it is is checked on press)."""
    rows = [
        [_button(render.time_entry_label(lang, entry), cb.time_delete(entry.id))]
        for entry in entries[-render.TIME_LIST_LIMIT :]
    ]
    return InlineKeyboardMarkup(rows) if rows else None
