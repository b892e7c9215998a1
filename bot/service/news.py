"""Release announcements, the clients' side: ``/news``, and the button under an announcement
that asks for the announced version (a "new version" ticket, once per client)."""

from __future__ import annotations

import html
import json
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks as cb
from bot import deadlines, render
from bot.context import Desk, Unit
from bot.service.announcements import Answer
from bot.texts import t
from desk.tickets import DEFAULT_PRIORITY, Status, TicketType, format_number
from storage import announcements as store
from storage import repo
from storage.models import Client

TAG = re.compile(r"<[^>]+>")


class _AlreadyTaken(Exception):
    """Another press linked a ticket first: this transaction is rolled back."""


async def request_version(desk: Desk, client: Client, announcement_id: int) -> Answer:
    """``v:req:<announcement>``: registers a "new version" ticket for the client, once; the
    button's answer says when it was not (not a recipient, or asked already)."""
    lang = client.language
    try:
        async with desk.unit() as unit:
            session = unit.session
            row = await store.get(session, announcement_id=announcement_id)
            delivery = (
                await store.delivery_for(session, announcement_id=row.id, client_id=client.id)
                if row is not None
                else None
            )
            # Only a recipient may ask, and only for an announcement that carries a version.
            if row is None or delivery is None or not row.version:
                return Answer(t(lang, "tickets.not_found"), alert=True)
            if delivery.ticket_id is not None:
                return await _already_requested(unit, lang, delivery.ticket_id)
            description = t(lang, "ann.version_description", version=row.version, id=row.id)
            ticket = await repo.create_ticket(
                session,
                client_id=client.id,
                type_=TicketType.NEW_VERSION.value,
                priority=DEFAULT_PRIORITY.value,
                status=Status.NEW.value,
                subject=html.unescape(t(lang, "ann.version_subject", version=row.version)),
                description=html.unescape(description),
                operator_chat_id=desk.operator_chat_id,
                now=desk.clock.now(),
            )
            deadlines.plan(ticket, desk.calendar, desk.settings.sla_table)
            if not await store.take_version_request(
                session, delivery_id=delivery.id, ticket_id=ticket.id
            ):
                raise _AlreadyTaken
            fresh = await repo.get_client(session, client_id=client.id)
            assert fresh is not None
            fresh.active_ticket_id = ticket.id
            fresh.shown_ticket_id = ticket.id
            await unit.out.message(
                client.id,
                t(
                    lang,
                    "ann.version_registered",
                    number=format_number(ticket.number),
                    type=render.type_label(lang, TicketType.NEW_VERSION.value),
                    version=row.version,
                )
                + render.first_answer(ticket, lang, desk.settings.zone, now=desk.clock.now())
                + render.contract_notice(
                    lang, fresh.org, desk.settings.zone, now=desk.clock.now()
                ),
                ticket_id=ticket.id,
            )
            # The ticket's first appearance for engineers, then what it is about.
            await unit.out.open_thread(ticket.id, [])
            await unit.out.notice(
                ticket.id, t(desk.op_lang, "ann.version_topic", version=row.version, id=row.id)
            )
    except _AlreadyTaken:
        async with desk.unit() as unit:
            again = await store.delivery_for(
                unit.session, announcement_id=announcement_id, client_id=client.id
            )
            return await _already_requested(unit, lang, again.ticket_id if again else None)
    return Answer()


async def _already_requested(unit: Unit, lang: str, ticket_id: int | None) -> Answer:
    number = None
    if ticket_id is not None:
        ticket = await repo.get_ticket(unit.session, ticket_id=ticket_id)
        number = ticket.number if ticket is not None else None
    text = t(lang, "ann.version_already", number=format_number(number) if number else "")
    return Answer(text, alert=True)


def _excerpt(text_html: str, limit: int = 300) -> str:
    """The start of an announcement as safe HTML without formatting."""
    plain = " ".join(html.unescape(TAG.sub(" ", text_html)).split())
    if len(plain) > limit:
        plain = plain[: limit - 1].rsplit(" ", 1)[0] + "…"
    return html.escape(plain, quote=False)


async def news(desk: Desk, client: Client) -> None:
    """/news: the latest announcements meant for this client, and the featured articles."""
    lang = client.language
    zone = desk.settings.zone
    async with desk.unit() as unit:
        rows = await store.latest(unit.session, limit=desk.settings.news_items * 4)
        items = [row for row in rows if store.audience_of(row).includes(client.organization)][
            : desk.settings.news_items
        ]
        parts = [t(lang, "news.title")]
        if not items:
            parts.append(t(lang, "news.none"))
        for row in items:
            when = (row.started_at or row.created_at).astimezone(zone).strftime("%d.%m.%Y")
            head = (
                t(lang, "news.item_version", date=when, version=row.version)
                if row.version
                else t(lang, "news.item", date=when)
            )
            body = _excerpt(row.text_html, limit=2800 // len(items)) or t(
                lang, f"news.kind_{row.kind}"
            )
            parts.append(f"{head}\n{body}")
        featured = [a for a in desk.kb.articles if a.featured]
        featured.sort(key=lambda a: (a.lang != lang, a.title))
        featured = featured[:6]
        buttons: list[list[InlineKeyboardButton]] = []
        if featured:
            parts.append(t(lang, "news.featured"))
            search = await repo.record_search(
                unit.session,
                client_id=client.id,
                query="/news",
                message_id=None,
                outcome="news",
                results=json.dumps([{"id": a.id, "score": 100} for a in featured]),
                source="news",
                now=desk.clock.now(),
            )
            buttons = [
                [
                    InlineKeyboardButton(
                        f"📄 {a.title}"[:60], callback_data=cb.kb_open(search.id, n)
                    )
                ]
                for n, a in enumerate(featured)
            ]
        parts.append(
            t(lang, "news.subscribed_hint" if client.subscribed else "news.unsubscribed_hint")
        )
        await unit.out.message(
            client.id,
            "\n\n".join(parts),
            markup=InlineKeyboardMarkup(buttons) if buttons else None,
        )
