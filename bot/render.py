"""Pure builders of message texts from rows: no sending, easy to test."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot import callbacks
from bot.texts import Raw, escape, t
from desk.hours import decimal_hours, split_minutes
from desk.organizations import OrgKind, contract_ended
from desk.partners import contract_over
from desk.text import first_line, one_line, split_text, topic_name, truncate
from desk.tickets import Status, TicketType, format_number
from storage.models import Client, Organization, Outgoing, Ticket, TicketMessage, TimeEntry

MEDIA_ICONS = {
    "photo": "📷",
    "document": "📎",
    "video": "🎬",
    "audio": "🎵",
    "voice": "🎤",
    "animation": "🎞",
    "sticker": "🏷",
    "video_note": "📹",
    "location": "📍",
    "contact": "👤",
}


def fmt_dt(value: datetime | None, zone: ZoneInfo) -> str:
    """A date and time in the desk's zone, as people in Russia write it."""
    if value is None:
        return "—"
    return value.astimezone(zone).strftime("%d.%m.%Y %H:%M")


def type_label(lang: str, code: str, *, short: bool = False) -> str:
    """The name of a ticket type."""
    return t(lang, f"type_short.{code}" if short else f"type.{code}")


def priority_label(lang: str, code: str) -> str:
    """The name of a priority."""
    return t(lang, f"prio.{code}")


def status_label(lang: str, code: str, *, staff: bool) -> str:
    """The name of a status as the client reads it ("waiting for your reply") or, with
    `staff`, as engineers and managers do ("waiting for the client")."""
    return t(lang, f"status_staff.{code}" if staff else f"status.{code}")


def marker(code: str) -> str:
    """The colour marker of a status."""
    return Status(code).marker


def client_title(client: Client) -> str:
    """Organization if known, else the client's name: what engineers recognise."""
    return one_line(client.organization or "") or client.display_name


def topic_title(ticket: Ticket, client: Client, lang: str) -> str:
    """The forum topic's name: colour marker, number, type, who, assignee, subject; within
    Telegram's 128 characters."""
    return topic_name(
        marker=marker(ticket.status),
        number=format_number(ticket.number),
        type_label=type_label(lang, ticket.type, short=True),
        who=client_title(client),
        subject=ticket.subject,
        assignee=ticket.assignee_name or "",
    )


def header_card(
    ticket: Ticket,
    client: Client,
    lang: str,
    zone: ZoneInfo,
    *,
    forum: bool,
    parent_number: int | None = None,
    today: date | None = None,
) -> str:
    """The card that opens a ticket's topic (or, without topics, that engineers reply to).

    In a topic the status and the assignee live in the topic's title, so the card shows
    what rarely changes and is seldom redrawn (each redraw spends the group's budget).
    `today` (in the desk's zone) tells whether the organization's contract has ended.
    """
    text = t(
        lang,
        "op.header_topic" if forum else "op.header",
        marker=marker(ticket.status),
        number=format_number(ticket.number),
        status=status_label(lang, ticket.status, staff=True),
        client=client.display_name,
        username=Raw(t(lang, "op.username", username=client.username)) if client.username else "",
        client_id=client.id,
        organization=Raw(organization_line(client, lang, today)),
        type=type_label(lang, ticket.type),
        priority=priority_label(lang, ticket.priority),
        assignee=Raw(t(lang, "op.assignee", name=one_line(ticket.assignee_name)))
        if ticket.assignee_name and not forum
        else "",
        created=fmt_dt(ticket.created_at, zone),
    )
    if parent_number is not None:
        text += t(lang, "op.parent", parent=format_number(parent_number))
    # In a topic the card keeps its deadlines (the title says the ticket is closed): a close
    # then costs no redraw.
    if ticket.res_due_at is not None and (forum or ticket.status != Status.CLOSED):
        text += t(
            lang,
            "op.deadlines",
            fr=fmt_dt(ticket.fr_due_at, zone),
            res=fmt_dt(ticket.res_due_at, zone),
        )
    return text + t(lang, "op.header_topic_hint" if forum else "op.header_plain_hint")


def organization_line(client: Client, lang: str, today: date | None) -> str:
    """Who the client works for, in the header card: the organization and its kind (with the
    partner for a partner's client) and whether its contract has ended; or unverified."""
    org = client.org
    if org is None:
        return t(lang, "op.org_unverified")
    if org.kind == OrgKind.PARTNER:
        partner = (
            Raw(t(lang, "op.org_partner_name", partner=org.partner_name))
            if org.partner_name
            else ""
        )
        line = t(lang, "op.org_partner", organization=org.name, partner=partner)
    else:
        line = t(lang, "op.org_direct", organization=org.name)
    if today is not None and org.contract_until and contract_ended(org.contract_until, today):
        line += t(lang, "op.org_contract_ended", date=org.contract_until.strftime("%d.%m.%Y"))
    return line


def card_markup(ticket: Ticket, client: Client, lang: str) -> dict[str, object] | None:
    """The header card's button: linking an unverified client to an organization."""
    if client.org is not None:
        return None
    return {
        "inline_keyboard": [
            [
                {
                    "text": t(lang, "op.link_org"),
                    "callback_data": callbacks.org(callbacks.OrgAction.PICK, ticket.id, 0),
                }
            ]
        ]
    }


def card(
    ticket: Ticket,
    client: Client,
    lang: str,
    zone: ZoneInfo,
    *,
    forum: bool,
    parent_number: int | None,
    description: Sequence[str],
    recreated: bool = False,
    repeat: bool = False,
    today: date | None = None,
) -> str:
    """The header card with the client's description (HTML parts, in order) under it."""
    text = header_card(
        ticket, client, lang, zone, forum=forum, parent_number=parent_number, today=today
    )
    parts = [p for p in description if p.strip()]
    if parts:
        head, sep, hint = text.partition("\n\n<i>")
        body = "\n\n".join(parts)
        text = f"{head}\n\n{t(lang, 'op.description')}\n{body}" + (f"{sep}{hint}" if sep else "")
    if recreated:
        text = t(lang, "op.topic_recreated") + "\n\n" + text
    if repeat:
        text = t(lang, "op.possible_repeat") + "\n" + text
    return text


def feedback(ticket: Ticket, lang: str) -> str:
    """How the client closed and rated a ticket, for the engineers (empty: nothing yet)."""
    lines = []
    number = format_number(ticket.number)
    if ticket.status == Status.CLOSED and ticket.close_reason == "confirmed":
        lines.append(t(lang, "op.client_confirmed", number=number))
    if ticket.csat:
        lines.append(t(lang, "op.csat", stars="⭐" * ticket.csat, rating=ticket.csat))
    if ticket.csat_comment:
        lines.append(t(lang, "op.csat_comment", comment=truncate(ticket.csat_comment, 3500)))
    return "\n".join(lines)


def preview(
    tickets: Sequence[tuple[Ticket, Client, Sequence[str], int, bool]], lang: str, *, limit: int
) -> tuple[str, int]:
    """New tickets in one message for General, each with its description (plain texts and
    captions, shortened): the text and how many tickets it holds (the rest wait for the next
    one)."""
    head = t(lang, "op.preview_title")
    foot = t(lang, "op.preview_hint")
    blocks: list[str] = []
    used = len(head) + len(foot) + 4
    for ticket, client, texts, attachments, more in tickets:
        body = escape(truncate(" ".join(" ".join(texts).split()), 600)) if texts else "—"
        block = t(
            lang,
            "op.preview_more" if more else "op.preview_line",
            number=format_number(ticket.number),
            type=type_label(lang, ticket.type, short=True),
            priority=priority_label(lang, ticket.priority),
            client=client_title(client),
            description=Raw(body),
            attachments=Raw(t(lang, "op.preview_attachments", count=attachments))
            if attachments
            else "",
        )
        if blocks and used + len(block) + 2 > limit:
            break
        blocks.append(block)
        used += len(block) + 2
    return f"{head}\n\n" + "\n\n".join(blocks) + f"\n\n{foot}", len(blocks)


def excerpt_of(method: str, params: dict[str, object], rows_text: str) -> str:
    """A few words saying which message a failure is about."""
    source = rows_text or str(params.get("text") or params.get("caption") or "")
    source = re.sub(r"<[^>]+>", "", source)
    return truncate(" ".join(source.split()), 80) or method


def resend_button(lang: str, record_id: int) -> dict[str, object]:
    """The Resend button under a notice about a message that may not have arrived."""
    return {
        "inline_keyboard": [
            [{"text": t(lang, "op.resend"), "callback_data": callbacks.resend(record_id)}]
        ]
    }


def failures_notice(failed: Sequence[Outgoing], lang: str) -> tuple[str, dict[str, object]]:
    """Replies to clients outside tickets that may not have arrived or were refused."""
    lines = [t(lang, "op.ui_failures_title")]
    rows = []
    for record in failed:
        params = json.loads(record.params)
        what = excerpt_of(record.method, params, "")
        reason = (record.error or "").split(": ", 1)[-1]
        lines.append(
            t(lang, "op.ui_failure_line", chat=record.chat_id, excerpt=what, reason=reason)
        )
        if record.state == "unknown":
            rows.append(
                [
                    {
                        "text": f"{t(lang, 'op.resend')} → {record.chat_id}",
                        "callback_data": callbacks.resend(record.id),
                    }
                ]
            )
    markup: dict[str, object] = {"inline_keyboard": rows}
    return "\n".join(lines), markup


def ticket_line(ticket: Ticket, lang: str, *, minutes: int = 0) -> str:
    """One line of the client's ticket list; a consultation's, or any with logged time, ends
    with its hours (``· ⏱ 1,5 ч``)."""
    line = t(
        lang,
        "tickets.line",
        marker=marker(ticket.status),
        number=format_number(ticket.number),
        type=type_label(lang, ticket.type, short=True),
        subject=first_line(ticket.description, 50) or "—",
    )
    if shows_hours(ticket, minutes):
        line += t(lang, "tickets.hours_suffix", hours=Raw(hours_decimal(lang, minutes)))
    return line


def ticket_card(ticket: Ticket, lang: str, zone: ZoneInfo, *, minutes: int = 0) -> str:
    """The client's view of one ticket; with the time spent on a consultation, or on any
    ticket with logged time, and for a consultation (the paid type) the hours to be billed."""
    return t(
        lang,
        "tickets.card",
        marker=marker(ticket.status),
        number=format_number(ticket.number),
        status=status_label(lang, ticket.status, staff=False),
        type=type_label(lang, ticket.type),
        priority=priority_label(lang, ticket.priority),
        created=fmt_dt(ticket.created_at, zone),
        updated=fmt_dt(ticket.updated_at, zone),
        closed=Raw(t(lang, "tickets.closed_at", date=fmt_dt(ticket.closed_at, zone)))
        if ticket.closed_at and ticket.status == Status.CLOSED
        else "",
        assignee=Raw(t(lang, "tickets.assignee", name=ticket.assignee_name))
        if ticket.assignee_name
        else "",
        description=truncate(ticket.description, 1500),
        deadline=_client_deadline(ticket, lang, zone),
        hours=_client_hours(ticket, lang, minutes),
    )


def _client_hours(ticket: Ticket, lang: str, minutes: int) -> Raw:
    if not shows_hours(ticket, minutes):
        return Raw("")
    text = t(lang, "tickets.hours_spent", spent=Raw(duration(lang, minutes)))
    if TicketType(ticket.type).is_paid:
        text += t(lang, "tickets.hours_billed", hours=Raw(hours_decimal(lang, minutes)))
    return Raw(text)


# --- hours (/time) ---------------------------------------------------------------------------

#: The entries a ``/time`` list shows (the newest; the total counts them all).
TIME_LIST_LIMIT = 30


def shows_hours(ticket: Ticket, minutes: int) -> bool:
    """Whether the client's list and card show a ticket's hours: always for the paid type
    (a consultation shows "0 h" before any is logged), for others once time is logged."""
    return TicketType(ticket.type).is_paid or minutes > 0


def duration(lang: str, minutes: int) -> str:
    """Minutes as people read them: "1 ч 30 мин", "45 min", "2 h"."""
    hours, rest = split_minutes(minutes)
    if hours and rest:
        return t(lang, "hours.duration", hours=hours, minutes=rest)
    if rest:
        return t(lang, "hours.duration_minutes", minutes=rest)
    return t(lang, "hours.duration_hours", hours=hours)  # "0 ч" for none


def hours_decimal(lang: str, minutes: int) -> str:
    """Minutes as decimal hours for billing, the language's way: "1,5 ч", "1.5 h"."""
    return t(lang, "hours.decimal", hours=decimal_hours(minutes))


def _entry_values(lang: str, entry: TimeEntry) -> dict[str, object]:
    return {
        "date": entry.work_date.strftime("%d.%m.%Y"),
        "engineer": one_line(entry.engineer_name) or str(entry.engineer_id),
        "duration": Raw(duration(lang, entry.minutes)),
        "comment": Raw(t(lang, "hours.comment", comment=truncate(one_line(entry.comment), 200)))
        if entry.comment.strip()
        else "",
    }


def time_logged(lang: str, number: int, entry: TimeEntry, total: int) -> str:
    """The answer to ``/time 1h30m …``: the entry and the ticket's new total."""
    return t(
        lang,
        "hours.logged",
        **_entry_values(lang, entry),
        number=format_number(number),
        total=Raw(duration(lang, total)),
        decimal=Raw(hours_decimal(lang, total)),
    )


def time_entry_label(lang: str, entry: TimeEntry) -> str:
    """An entry's delete button (plain text: a button is not HTML)."""
    return truncate(plain(t(lang, "hours.delete_button", **_entry_values(lang, entry))), 60)


def time_deleted(lang: str, entry: TimeEntry) -> str:
    """The deleter's short answer (plain text: a callback answer is not HTML)."""
    values = _entry_values(lang, entry)
    return plain(t(lang, "hours.deleted", date=values["date"], duration=values["duration"]))


def time_list(lang: str, number: int, entries: Sequence[TimeEntry]) -> str:
    """``/time`` alone: a ticket's entries (the newest :data:`TIME_LIST_LIMIT`), date,
    engineer, duration and comment, with the total of all of them."""
    if not entries:
        return t(lang, "hours.list_empty", number=format_number(number))
    shown = entries[-TIME_LIST_LIMIT:]
    lines = [t(lang, "hours.list_title", number=format_number(number), count=len(entries))]
    if len(entries) > len(shown):
        lines.append(t(lang, "hours.list_earlier", count=len(entries) - len(shown)))
    lines += [t(lang, "hours.list_line", **_entry_values(lang, entry)) for entry in shown]
    total = sum(entry.minutes for entry in entries)
    lines.append(
        t(
            lang,
            "hours.list_total",
            total=Raw(duration(lang, total)),
            decimal=Raw(hours_decimal(lang, total)),
        )
    )
    lines.append(t(lang, "hours.list_hint"))
    return "\n".join(lines)


def _client_deadline(ticket: Ticket, lang: str, zone: ZoneInfo) -> Raw:
    if ticket.status == Status.CLOSED or ticket.res_due_at is None:
        return Raw("")
    if ticket.status == Status.WAITING:
        return Raw(t(lang, "tickets.deadline_paused"))
    return Raw(t(lang, "tickets.deadline", date=fmt_dt(ticket.res_due_at, zone)))


def media_label(lang: str, kind: str) -> str:
    """``[📷 photo]`` for a stored message's attachment; empty for text."""
    if kind == "text":
        return ""
    key = f"media.{kind}" if f"media.{kind}" in _KNOWN_MEDIA else "media.other"
    return f"[{MEDIA_ICONS.get(kind, '📎')} {t(lang, key)}]"


_KNOWN_MEDIA = {f"media.{k}" for k in MEDIA_ICONS}


def summary(
    lang: str, *, type_code: str, priority_code: str, description: str, attachments: int
) -> str:
    """The registration summary the client confirms."""
    text = t(
        lang,
        "reg.summary",
        type=type_label(lang, type_code),
        priority=priority_label(lang, priority_code),
        description=truncate(description, 2500) or "—",
        attachments=Raw(t(lang, "reg.summary_attachments", count=attachments))
        if attachments
        else "",
    )
    if type_code == "consultation":
        text += t(lang, "reg.summary_paid")
    return text


def plain(text_html: str) -> str:
    """What a Telegram HTML text reads as: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", text_html))


def history_entries(
    rows: Sequence[TicketMessage], lang: str, zone: ZoneInfo, *, for_client: bool
) -> list[str]:
    """One HTML entry per message: who, when, what.

    A client's history is what was said to the client: their messages, the engineers'
    answers, and the bot's notices about the ticket (``notice`` rows, stored as the client
    read them). The engineers' side (notes, and the ``event`` rows of the group's own
    notices, in its language) is for staff only.
    """
    entries = []
    for row in rows:
        if for_client and row.direction in ("note", "event"):
            continue
        if row.direction == "in":
            who = t(lang, "tickets.history_you") if for_client else row.author_name
        elif row.direction in ("event", "notice"):
            said = truncate(row.text, 2000)  # stored as plain text: escaped once, here
            entries.append(f"<i>{fmt_dt(row.created_at, zone)} · {escape(said)}</i>")
            continue
        elif row.direction == "note":
            who = f"📝 {row.author_name}"
        else:
            who = t(lang, "tickets.history_support") if for_client else row.author_name
        label = media_label(lang, row.kind)
        body = " ".join(p for p in (label, truncate(row.text, 2000)) if p)
        entries.append(f"<b>{escape(who)}</b> · {fmt_dt(row.created_at, zone)}\n{escape(body)}")
    return entries


def due_words(lang: str, due: datetime, *, now: datetime, zone: ZoneInfo) -> str:
    """When something is due, as people say it: "today by 16:58", "tomorrow by 11:00", else
    "on Monday, 7 December, by 11:00" (with the year when it is not this year's). Days are
    counted in `zone`; a deadline at midnight is "by 24:00" of the day that ends there."""
    local = due.astimezone(zone)
    day, clock = local.date(), local.strftime("%H:%M")
    if local.time() == time(0):
        day, clock = day - timedelta(days=1), "24:00"
    today = now.astimezone(zone).date()
    ahead = (day - today).days
    if ahead == 0:
        return t(lang, "when.today", time=clock)
    if ahead == 1:
        return t(lang, "when.tomorrow", time=clock)
    return t(
        lang,
        "when.date",
        weekday=t(lang, f"when.weekday.{day.weekday()}"),
        day=day.day,
        month=t(lang, f"when.month.{day.month}"),
        year=f" {day.year}" if day.year != today.year else "",
        time=clock,
    )


def first_answer(ticket: Ticket, lang: str, zone: ZoneInfo, *, now: datetime) -> str:
    """The line saying when the first answer is due; empty if the ticket has no such
    deadline."""
    if ticket.fr_due_at is None:
        return ""
    return t(
        lang, "reg.first_answer", when=Raw(due_words(lang, ticket.fr_due_at, now=now, zone=zone))
    )


def registered(ticket: Ticket, lang: str, zone: ZoneInfo, *, now: datetime) -> str:
    """The client's confirmation of a new ticket: number, type, priority, when the first
    answer is due, and a word about payment for a paid type."""
    text = t(
        lang,
        "reg.created",
        number=format_number(ticket.number),
        type=type_label(lang, ticket.type),
        priority=priority_label(lang, ticket.priority),
    )
    text += first_answer(ticket, lang, zone, now=now)
    if TicketType(ticket.type).is_paid:
        text += t(lang, "reg.created_paid")
    return text


def partner_consultation(lang: str, org: Organization) -> str:
    """What a partner's client who chose a consultation is told instead of a ticket: who
    provides it, the partner's contacts, and that another type can still be chosen."""
    text = t(lang, "reg.partner_consultation", partner=org.partner_name or "")
    if org.partner_contacts and org.partner_contacts.strip():
        text += t(lang, "reg.partner_contacts", contacts=org.partner_contacts.strip())
    return text + t(lang, "reg.partner_no_ticket")


def contract_notice(lang: str, org: Organization | None, zone: ZoneInfo, *, now: datetime) -> str:
    """The paragraph telling a client that their organization's support contract has ended
    (by the desk's date); empty while it runs or when no end date is known."""
    until = org.contract_until if org is not None else None
    if org is None or until is None or not contract_over(until, now, zone):
        return ""
    day = until.strftime("%d.%m.%Y") if lang == "ru" else until.isoformat()
    return t(lang, "reg.contract_ended", organization=org.name, date=day)


def paginate(entries: Sequence[str], page_chars: int) -> list[str]:
    """Packs whole entries into pages of at most `page_chars` of markup.

    Entries are never cut (a cut could split an HTML tag); each body is already limited
    to 2000 visible characters, so an oversized entry alone on its page still fits
    Telegram's 4096.
    """
    pages: list[str] = []
    current = ""
    for entry in entries:
        candidate = f"{current}\n\n{entry}" if current else entry
        if len(candidate) > page_chars and current:
            pages.append(current)
            current = entry
        else:
            current = candidate
    if current:
        pages.append(current)
    return pages


_MD_BOLD = re.compile(r"\*\*(.+?)\*\*")
_MD_CODE = re.compile(r"`([^`]+)`")
_MD_ITALIC = re.compile(r"(?<![\w*])_(.+?)_(?![\w*])")
_MD_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")


def markdown_line(line: str) -> str:
    """One line of an article's Markdown as Telegram HTML, everything else escaped."""
    stripped = line.lstrip()
    heading = re.match(r"#{1,6}\s+(.*)", stripped)
    if heading:
        return f"<b>{escape(heading.group(1).strip())}</b>"
    bullet = re.match(r"[-*+]\s+(.*)", stripped)
    prefix = ""
    if bullet:
        prefix, stripped = "• ", bullet.group(1)
    # Split out code spans first: nothing inside them is formatted.
    out: list[str] = []
    pos = 0
    for match in _MD_CODE.finditer(stripped):
        out.append(_inline(stripped[pos : match.start()]))
        out.append(f"<code>{escape(match.group(1))}</code>")
        pos = match.end()
    out.append(_inline(stripped[pos:]))
    return prefix + "".join(out)


def _inline(text: str) -> str:
    text = escape(text)
    text = _MD_LINK.sub(lambda m: f'<a href="{m.group(2)}">{m.group(1)}</a>', text)
    text = _MD_BOLD.sub(r"<b>\1</b>", text)
    return _MD_ITALIC.sub(r"<i>\1</i>", text)


def article_parts(title: str, body: str, *, limit: int = 3500) -> list[str]:
    """An article as Telegram HTML messages: title first, split between paragraphs so that
    no part exceeds `limit` visible characters and no tag is cut."""
    parts: list[str] = []
    current = f"<b>📄 {escape(title)}</b>"
    current_len = len(title) + 2
    in_code = False
    for paragraph in re.split(r"\n\s*\n", body.strip()):
        lines = []
        for line in paragraph.splitlines():
            if line.strip().startswith("```"):
                in_code = not in_code
                continue
            lines.append(f"<code>{escape(line)}</code>" if in_code else markdown_line(line))
        html_par = "\n".join(lines)
        visible = len(paragraph)
        if visible > limit:
            # A single huge paragraph: cut its plain text; formatting is dropped there.
            for piece in split_text(paragraph, limit):
                parts.append(current)
                current, current_len = escape(piece), len(piece)
            continue
        if current_len + visible + 2 > limit:
            parts.append(current)
            current, current_len = html_par, visible
        else:
            current = f"{current}\n\n{html_par}"
            current_len += visible + 2
    parts.append(current)
    return [p for p in parts if p.strip()]


def subscription_reply(*, was: bool, wants: bool, answering_the_offer: bool = False) -> str:
    """The text key to answer a client turning release news on or off with: only what is
    true for them (someone who never subscribed is not "unsubscribed")."""
    if wants:
        return "news.already_subscribed" if was else "news.subscribed"
    if was:
        return "news.unsubscribed"
    return "news.declined" if answering_the_offer else "news.not_subscribed"
