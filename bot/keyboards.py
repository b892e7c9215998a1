"""Inline keyboards: pure builders. Callback data stays well under 64 bytes."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.render import marker, priority_label, type_label
from bot.texts import t
from desk.tickets import Priority, TicketType, format_number
from storage.models import Ticket


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data)


def main_menu(lang: str, *, has_draft: bool = False) -> InlineKeyboardMarkup:
    """New ticket, my tickets, help (and continue an unfinished ticket)."""
    rows = []
    if has_draft:
        rows.append([_button(t(lang, "menu.continue"), "r:resume")])
    rows += [
        [_button(t(lang, "menu.ask"), "m:ask")],
        [_button(t(lang, "menu.new"), "m:new")],
        [_button(t(lang, "menu.tickets"), "m:tickets")],
        [_button(t(lang, "menu.help"), "m:help")],
    ]
    return InlineKeyboardMarkup(rows)


def languages() -> InlineKeyboardMarkup:
    """Russian or English."""
    return InlineKeyboardMarkup(
        [[_button("🇷🇺 Русский", "lang:ru"), _button("🇬🇧 English", "lang:en")]]
    )


def ticket_types(lang: str) -> InlineKeyboardMarkup:
    """One button per ticket type, then Cancel."""
    rows = [[_button(type_label(lang, kind.value), f"r:type:{kind.value}")] for kind in TicketType]
    rows.append([_button(t(lang, "reg.cancel"), "r:cancel")])
    return InlineKeyboardMarkup(rows)


PRIORITY_ICONS = {"low": "🟢", "normal": "🔵", "high": "🟠", "critical": "🔴"}


def priorities(lang: str) -> InlineKeyboardMarkup:
    """Low to critical, then Cancel."""
    rows = [
        [
            _button(
                f"{PRIORITY_ICONS[p.value]} {priority_label(lang, p.value)}", f"r:prio:{p.value}"
            )
        ]
        for p in Priority
    ]
    rows.append([_button(t(lang, "reg.cancel"), "r:cancel")])
    return InlineKeyboardMarkup(rows)


def describe(lang: str) -> InlineKeyboardMarkup:
    """Done and Cancel under the description prompt."""
    return InlineKeyboardMarkup(
        [[_button(t(lang, "reg.done"), "r:done"), _button(t(lang, "reg.cancel"), "r:cancel")]]
    )


def confirm(lang: str) -> InlineKeyboardMarkup:
    """Confirm / Edit / Cancel under the summary."""
    return InlineKeyboardMarkup(
        [
            [_button(t(lang, "reg.confirm"), "r:ok")],
            [_button(t(lang, "reg.edit"), "r:edit"), _button(t(lang, "reg.cancel"), "r:cancel")],
        ]
    )


def edit_menu(lang: str, *, with_priority: bool) -> InlineKeyboardMarkup:
    """What to change in the draft."""
    row = [_button(t(lang, "reg.edit_type"), "r:e:type")]
    if with_priority:
        row.append(_button(t(lang, "reg.edit_priority"), "r:e:prio"))
    row.append(_button(t(lang, "reg.edit_description"), "r:e:desc"))
    return InlineKeyboardMarkup([row, [_button(t(lang, "reg.back_to_summary"), "r:e:back")]])


def ticket_list(
    lang: str, tickets: Sequence[Ticket], *, page: int, pages: int
) -> InlineKeyboardMarkup:
    """A button per ticket and paging arrows."""
    rows = [
        [_button(f"{marker(tk.status)} {format_number(tk.number)}", f"t:card:{tk.id}")]
        for tk in tickets
    ]
    nav = []
    if page > 0:
        nav.append(_button(t(lang, "tickets.prev"), f"t:list:{page - 1}"))
    if page + 1 < pages:
        nav.append(_button(t(lang, "tickets.next"), f"t:list:{page + 1}"))
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows)


def ticket_card(lang: str, ticket: Ticket) -> InlineKeyboardMarkup:
    """History, Write; for an open ticket "No answer?" and "Raise priority"; Back."""
    rows = [
        [
            _button(t(lang, "tickets.history"), f"t:hist:{ticket.id}:0"),
            _button(t(lang, "tickets.write"), f"t:write:{ticket.id}"),
        ]
    ]
    if ticket.status != "closed":
        row = [_button(t(lang, "tickets.late"), f"e:late:{ticket.id}")]
        if ticket.priority != "critical":
            row.append(_button(t(lang, "tickets.raise"), f"e:raise:{ticket.id}"))
        rows.append(row)
    rows.append([_button(t(lang, "tickets.back"), "t:list:0")])
    return InlineKeyboardMarkup(rows)


def history(lang: str, ticket: Ticket, *, page: int, pages: int) -> InlineKeyboardMarkup:
    """Paging through a ticket's correspondence, and back to its card."""
    nav = []
    if page > 0:
        nav.append(_button(t(lang, "tickets.prev"), f"t:hist:{ticket.id}:{page - 1}"))
    if page + 1 < pages:
        nav.append(_button(t(lang, "tickets.next"), f"t:hist:{ticket.id}:{page + 1}"))
    rows = [nav] if nav else []
    rows.append([_button(t(lang, "tickets.back"), f"t:card:{ticket.id}")])
    return InlineKeyboardMarkup(rows)


def operator_types(lang: str, ticket: Ticket) -> InlineKeyboardMarkup:
    """Engineer's choice of a ticket's type."""
    return InlineKeyboardMarkup(
        [
            [_button(type_label(lang, kind.value), f"o:type:{ticket.id}:{kind.value}")]
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
                    f"o:prio:{ticket.id}:{p.value}",
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
                _button(t(lang, "client.yes"), f"c:y:{ticket_id}"),
                _button(t(lang, "client.no"), f"c:n:{ticket_id}"),
            ]
        ]
    )


def reopen_ticket(lang: str, ticket_id: int) -> InlineKeyboardMarkup:
    """Reopen, under the news that a ticket closed by itself."""
    return InlineKeyboardMarkup([[_button(t(lang, "client.reopen"), f"c:r:{ticket_id}")]])


def rating(ticket_id: int) -> InlineKeyboardMarkup:
    """One to five stars for a closed ticket."""
    return InlineKeyboardMarkup([[_button("⭐" * n, f"c:s:{ticket_id}:{n}") for n in range(1, 6)]])
