"""Release announcements: composed by an admin in the operator group, answered by clients.

Composing is a short dialogue stored in the ``announcements`` row (so a restart continues
it): ``/announce`` → the message itself → the audience → an optional version → a preview
of exactly what clients will get → Send / Cancel. Sending is the sender's job
(``bot/broadcast.py``); here a press of Send only turns the preview into delivery rows.
"""

from __future__ import annotations

import html
import json
import logging
import re

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, TelegramError

from bot import deadlines, relay, render
from bot.broadcast import MEDIA_SENDERS, send_content
from bot.context import Desk, DeskContext
from bot.handlers.common import answer, client_press, drop_buttons, parse_press, touch_client
from bot.handlers.operator import find_ticket
from bot.texts import Raw, t
from desk.broadcast import in_audience, parse_version
from desk.text import utf16_len
from desk.tickets import DEFAULT_PRIORITY, Status, TicketType, format_number
from storage import announcements as store
from storage import repo
from storage.models import Announcement

logger = logging.getLogger(__name__)

MAX_ORG_BUTTONS = 40
CAPTION_LIMIT = 1024  # what a bot may send under a photo or file, after entity parsing


def _is_admin(desk: Desk, user_id: int | None) -> bool:
    return user_id is not None and user_id in desk.settings.admin_ids


def _thread_of(message: Message) -> int | None:
    return message.message_thread_id if message.is_topic_message else None


def _cancel_button(desk: Desk, announcement_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        t(desk.op_lang, "ann.cancel"), callback_data=f"a:x:{announcement_id}"
    )


async def _prompt(
    context: DeskContext,
    announcement_id: int,
    text: str,
    rows: list[list[InlineKeyboardButton]],
    *,
    thread_id: int | None,
) -> None:
    """Asks the admin the next question and remembers it, so its buttons can go later."""
    desk = context.desk
    rows = [*rows, [_cancel_button(desk, announcement_id)]]
    sent = await context.bot.send_message(
        desk.operator_chat_id,
        text,
        reply_markup=InlineKeyboardMarkup(rows),
        message_thread_id=thread_id if desk.forum else None,
    )
    await _change(desk, announcement_id, prompt_message_id=sent.message_id)


async def _change(desk: Desk, announcement_id: int, **values: object) -> None:
    """Writes the admin's answer (or the next step) on the announcement being composed."""
    async with desk.tx() as session:
        await store.change(session, announcement_id=announcement_id, **values)


async def _drop_prompt(context: DeskContext, row: Announcement) -> None:
    if row.prompt_message_id is None:
        return
    try:
        await context.bot.edit_message_reply_markup(
            context.desk.operator_chat_id, row.prompt_message_id, reply_markup=None
        )
    except TelegramError:
        pass  # harmless: every press is checked against the current step


# --- /announce and the admin's messages ------------------------------------------------------


async def announce(update: Update, context: DeskContext) -> None:
    """/announce (admins, operator group): starts composing a release announcement."""
    message = update.effective_message
    assert message is not None
    desk = context.desk
    lang = desk.op_lang
    user = message.from_user
    if user is None or not _is_admin(desk, user.id):
        await message.reply_text(t(lang, "admin_only"))
        return
    if await find_ticket(desk, message) is not None:
        await message.reply_text(t(lang, "ann.not_in_ticket"))
        return
    async with desk.tx() as session:
        row, previous = await store.start(
            session, author_id=user.id, thread_id=_thread_of(message), now=desk.clock.now()
        )
        announcement_id = row.id
    if previous is not None:
        await _drop_prompt(context, previous)
    await _prompt(
        context,
        announcement_id,
        t(lang, "ann.ask_content", id=announcement_id),
        [],
        thread_id=_thread_of(message),
    )


async def capture(update: Update, context: DeskContext) -> bool:
    """Takes an admin's message that answers the composing dialogue; False if it does not.

    Only a message in the thread where /announce was given counts, and not one replying to
    another message (other than the bot's question): engineers' replies go to tickets.
    """
    message = update.effective_message
    desk = context.desk
    if message is None or message.from_user is None:
        return False
    if not _is_admin(desk, message.from_user.id):
        return False
    async with desk.tx() as session:
        row = await store.composing(session, author_id=message.from_user.id)
    if row is None or row.step not in ("content", "version"):
        return False
    if _thread_of(message) != row.thread_id:
        return False
    reply = message.reply_to_message
    if (
        reply is not None
        and reply.forum_topic_created is None
        and reply.message_id != row.prompt_message_id
    ):
        return False
    if row.step == "content":
        await _take_content(context, message, row)
    else:
        await _take_version(context, message, row)
    return True


def _content_of(message: Message) -> tuple[str, str, str | None] | None:
    """(kind, HTML text, file id) of a message clients can receive, or None."""
    info = relay.describe_message(message)
    if info.kind == "text":
        return "text", message.text_html, None
    if info.kind not in MEDIA_SENDERS:
        return None
    return info.kind, message.caption_html if message.caption else "", info.file_id


async def _take_content(context: DeskContext, message: Message, row: Announcement) -> None:
    desk = context.desk
    lang = desk.op_lang
    if message.media_group_id:
        await message.reply_text(t(lang, "ann.no_albums"))
        return
    content = _content_of(message)
    if content is None:
        await message.reply_text(t(lang, "ann.unsupported"))
        return
    kind, text_html, file_id = content
    if kind != "text" and utf16_len(message.caption or "") > CAPTION_LIMIT:
        await message.reply_text(t(lang, "ann.caption_too_long"))
        return
    await _change(desk, row.id, kind=kind, text_html=text_html, file_id=file_id, step="audience")
    await _drop_prompt(context, row)
    await _ask_audience(context, row.id, row.thread_id)


async def _ask_audience(context: DeskContext, announcement_id: int, thread_id: int | None) -> None:
    desk = context.desk
    lang = desk.op_lang
    async with desk.tx() as session:
        everyone = await store.audience_size(session, audience="all", orgs=[])
        orgs = await store.organizations_with_subscribers(session)
    rows = [
        [
            InlineKeyboardButton(
                t(lang, "ann.all", count=everyone), callback_data=f"a:all:{announcement_id}"
            )
        ]
    ]
    if orgs:
        rows.append(
            [
                InlineKeyboardButton(
                    t(lang, "ann.choose_orgs"), callback_data=f"a:orgs:{announcement_id}"
                )
            ]
        )
    await _prompt(context, announcement_id, t(lang, "ann.ask_audience"), rows, thread_id=thread_id)


async def _take_version(context: DeskContext, message: Message, row: Announcement) -> None:
    desk = context.desk
    version = parse_version(message.text or "")
    if version is None:
        await message.reply_text(t(desk.op_lang, "ann.bad_version"))
        return
    await _change(desk, row.id, version=version, step="preview")
    await _drop_prompt(context, row)
    await _preview(context, row.id)


async def _preview(context: DeskContext, announcement_id: int) -> None:
    """Shows exactly what clients will get, then the count and Send / Start over / Cancel."""
    desk = context.desk
    lang = desk.op_lang
    async with desk.tx() as session:
        row = await store.get(session, announcement_id=announcement_id)
        assert row is not None
        orgs = store.organizations(row)
        count = await store.audience_size(session, audience=row.audience, orgs=orgs)
    thread = row.thread_id if desk.forum else None
    try:
        await send_content(
            context.bot,
            row,
            desk.operator_chat_id,
            desk.settings.default_language,
            message_thread_id=thread,
        )
    except BadRequest as exc:
        # What Telegram will not take for the preview it will not take for clients either.
        await _change(desk, announcement_id, step="content")
        await _prompt(
            context,
            announcement_id,
            t(lang, "ann.preview_failed", reason=exc.message),
            [],
            thread_id=row.thread_id,
        )
        return
    audience = (
        t(lang, "ann.audience_all")
        if row.audience == "all"
        else t(lang, "ann.audience_orgs", names=", ".join(orgs))
    )
    text = t(
        lang,
        "ann.preview",
        count=count,
        audience=Raw(audience),
        version=row.version or t(lang, "ann.no_version_label"),
    )
    buttons = [
        [InlineKeyboardButton(t(lang, "ann.send", count=count), callback_data=f"a:go:{row.id}")],
        [InlineKeyboardButton(t(lang, "ann.restart"), callback_data=f"a:re:{row.id}")],
    ]
    await _prompt(context, row.id, text, buttons, thread_id=row.thread_id)


# --- the admin's buttons ---------------------------------------------------------------------


async def admin_buttons(update: Update, context: DeskContext) -> None:
    """``a:<action>:<announcement>[:<n>]`` in the operator group, from admins only."""
    query = update.callback_query
    assert query is not None and query.data is not None
    desk = context.desk
    lang = desk.op_lang
    message = query.message
    assert message is not None  # pressed in the operator group: see bot/app.py
    if not _is_admin(desk, query.from_user.id):
        await answer(query, t(lang, "admin_only"), alert=True)
        return
    parsed = parse_press(query.data)
    if parsed is None:
        await answer(query)
        return
    action, numbers = parsed
    announcement_id = numbers[0]
    if action == "ru":
        await _resend_unknown(context, query, announcement_id)
        return
    async with desk.tx() as session:
        row = await store.get(session, announcement_id=announcement_id)
    if row is None or row.status != "composing" or row.prompt_message_id != message.message_id:
        await answer(query, t(lang, "ann.stale"))
        await drop_buttons(query)
        return
    if action == "x":
        async with desk.tx() as session:
            if not await store.cancel(session, announcement_id=announcement_id):
                await answer(query, t(lang, "ann.stale"))
                return
        await answer(query)
        await drop_buttons(query)
        await context.bot.send_message(
            desk.operator_chat_id,
            t(lang, "ann.cancelled", id=announcement_id),
            message_thread_id=row.thread_id if desk.forum else None,
        )
    elif action == "all" and row.step == "audience":
        await _set_audience(context, query, row, "all", [])
    elif action == "orgs" and row.step == "audience":
        await answer(query)
        await _show_orgs(context, query, row, chosen=[], fresh_choices=True)
    elif action == "org" and row.step == "orgs" and len(numbers) == 2:
        choices = store.org_choices(row)
        index = numbers[1]
        if not 0 <= index < len(choices):
            await answer(query)
            return
        chosen = store.organizations(row)
        name = choices[index]
        chosen = [c for c in chosen if c != name] if name in chosen else [*chosen, name]
        await answer(query)
        await _show_orgs(context, query, row, chosen=chosen, fresh_choices=False)
    elif action == "ok" and row.step == "orgs":
        chosen = store.organizations(row)
        if not chosen:
            await answer(query, t(lang, "ann.pick_one"), alert=True)
            return
        await _set_audience(context, query, row, "orgs", chosen)
    elif action == "nov" and row.step == "version":
        await _change(desk, announcement_id, version=None, step="preview")
        await answer(query)
        await drop_buttons(query)
        await _preview(context, announcement_id)
    elif action == "re" and row.step == "preview":
        await _change(
            desk, announcement_id, step="content", version=None, audience="all", organizations="[]"
        )
        await answer(query)
        await drop_buttons(query)
        await _prompt(
            context,
            announcement_id,
            t(lang, "ann.ask_content", id=announcement_id),
            [],
            thread_id=row.thread_id,
        )
    elif action == "go" and row.step == "preview":
        await _launch(context, query, row)
    else:
        await answer(query, t(lang, "ann.stale"))


async def _set_audience(
    context: DeskContext, query: CallbackQuery, row: Announcement, audience: str, orgs: list[str]
) -> None:
    desk = context.desk
    lang = desk.op_lang
    await _change(
        desk,
        row.id,
        audience=audience,
        organizations=json.dumps(orgs, ensure_ascii=False),
        step="version",
    )
    await answer(query)
    await drop_buttons(query)
    await _prompt(
        context,
        row.id,
        t(lang, "ann.ask_version"),
        [[InlineKeyboardButton(t(lang, "ann.no_version"), callback_data=f"a:nov:{row.id}")]],
        thread_id=row.thread_id,
    )


async def _show_orgs(
    context: DeskContext,
    query: CallbackQuery,
    row: Announcement,
    *,
    chosen: list[str],
    fresh_choices: bool,
) -> None:
    """The organizations as toggles; the list is stored so a pressed index means what was shown."""
    desk = context.desk
    lang = desk.op_lang
    async with desk.tx() as session:
        counts = dict(await store.organizations_with_subscribers(session))
        choices = list(counts)[:MAX_ORG_BUTTONS] if fresh_choices else store.org_choices(row)
        await store.change(
            session,
            announcement_id=row.id,
            org_choices=json.dumps(choices, ensure_ascii=False),
            organizations=json.dumps(chosen, ensure_ascii=False),
            step="orgs",
        )
    rows = [
        [
            InlineKeyboardButton(
                f"{'✅' if name in chosen else '▫️'} {name} ({counts.get(name, 0)})"[:60],
                callback_data=f"a:org:{row.id}:{index}",
            )
        ]
        for index, name in enumerate(choices)
    ]
    rows.append(
        [
            InlineKeyboardButton(
                t(lang, "ann.orgs_done", count=len(chosen)), callback_data=f"a:ok:{row.id}"
            )
        ]
    )
    rows.append([_cancel_button(desk, row.id)])
    try:
        await query.edit_message_text(
            t(lang, "ann.ask_orgs"), reply_markup=InlineKeyboardMarkup(rows)
        )
    except TelegramError as exc:
        if "not modified" not in str(exc).lower():
            raise


async def _launch(context: DeskContext, query: CallbackQuery, row: Announcement) -> None:
    """Send: the progress message first, then one delivery row per recipient recorded with
    it in one transaction (so the sender always has a message to report in), then the sender
    is woken."""
    desk = context.desk
    lang = desk.op_lang
    message = query.message
    assert isinstance(message, Message)
    await answer(query)
    progress = await message.reply_text(t(lang, "ann.preparing", id=row.id))
    async with desk.tx() as session:
        total = await store.launch(
            session,
            announcement_id=row.id,
            now=desk.clock.now(),
            progress_message_id=progress.message_id,
        )
        if total == 0:
            await store.change(
                session, announcement_id=row.id, status="done", finished_at=desk.clock.now()
            )
    if total is None:  # a second press: the first one sends
        try:
            await progress.delete()
        except TelegramError:
            pass
        return
    await drop_buttons(query)
    key = "ann.nobody" if total == 0 else "ann.started"
    try:
        await progress.edit_text(t(lang, key, id=row.id, total=total))
    except TelegramError as exc:
        logger.warning("could not show announcement %s's start: %s", row.id, exc)
    if total and desk.broadcaster is not None:
        desk.broadcaster.poke()


async def _resend_unknown(
    context: DeskContext, query: CallbackQuery, announcement_id: int
) -> None:
    """The summary's button: rows of unknown outcome go out again, by the admin's choice."""
    desk = context.desk
    message = query.message
    async with desk.tx() as session:
        row = await store.get(session, announcement_id=announcement_id)
        if (
            row is None
            or row.status != "done"
            or message is None
            or row.progress_message_id != message.message_id
        ):
            count = 0
        else:
            count = await store.resend_unknown(session, announcement_id=announcement_id)
    if not count:
        await answer(query, t(desk.op_lang, "ann.stale"))
        await drop_buttons(query)
        return
    await answer(query, t(desk.op_lang, "ann.resending", count=count))
    await drop_buttons(query)
    if desk.broadcaster is not None:
        desk.broadcaster.poke()


# --- clients ---------------------------------------------------------------------------------


async def request_version(update: Update, context: DeskContext) -> None:
    """``v:req:<announcement>``: registers a "new version" ticket, once per client."""
    desk = context.desk
    press = await client_press(update, desk)
    if press is None:
        return
    client, query = press.client, press.query
    lang = client.language
    async with desk.tx() as session:
        row = await store.get(session, announcement_id=press.numbers[0])
        delivery = (
            await store.delivery_for(session, announcement_id=row.id, client_id=client.id)
            if row is not None
            else None
        )
    # Only a recipient may ask, and only for an announcement that carries a version.
    if row is None or delivery is None or not row.version:
        await answer(query, t(lang, "tickets.not_found"), alert=True)
        return
    if delivery.ticket_id is not None:
        await _already_requested(desk, query, lang, delivery.ticket_id)
        return
    now = desk.clock.now()
    description = t(lang, "ann.version_description", version=row.version, id=row.id)
    try:
        async with desk.tx() as session:
            ticket = await repo.create_ticket(
                session,
                client_id=client.id,
                type_=TicketType.NEW_VERSION.value,
                priority=DEFAULT_PRIORITY.value,
                status=Status.NEW.value,
                subject=html.unescape(t(lang, "ann.version_subject", version=row.version)),
                description=html.unescape(description),
                operator_chat_id=desk.operator_chat_id,
                now=now,
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
            number = ticket.number
            ticket_id = ticket.id
    except _AlreadyTaken:
        async with desk.tx() as session:
            again = await store.delivery_for(session, announcement_id=row.id, client_id=client.id)
        await _already_requested(desk, query, lang, again.ticket_id if again else None)
        return
    await answer(query)
    await context.bot.send_message(
        client.id,
        t(
            lang,
            "ann.version_registered",
            number=format_number(number),
            type=render.type_label(lang, TicketType.NEW_VERSION.value),
            version=row.version,
        ),
    )
    await relay.post_to_thread(
        context.bot,
        desk,
        ticket_id,
        t(desk.op_lang, "ann.version_topic", version=row.version, id=row.id),
    )


class _AlreadyTaken(Exception):
    """Another press linked a ticket first: this transaction is rolled back."""


async def _already_requested(
    desk: Desk, query: CallbackQuery, lang: str, ticket_id: int | None
) -> None:
    number = None
    if ticket_id is not None:
        async with desk.tx() as session:
            ticket = await repo.get_ticket(session, ticket_id=ticket_id)
        number = ticket.number if ticket is not None else None
    text = t(lang, "ann.version_already", number=format_number(number) if number else "")
    await answer(query, text, alert=True)


TAG = re.compile(r"<[^>]+>")


def _excerpt(text_html: str, limit: int = 300) -> str:
    """The start of an announcement as safe HTML without formatting."""
    plain = " ".join(html.unescape(TAG.sub(" ", text_html)).split())
    if len(plain) > limit:
        plain = plain[: limit - 1].rsplit(" ", 1)[0] + "…"
    return html.escape(plain, quote=False)


async def news(update: Update, context: DeskContext) -> None:
    """/news: the latest announcements meant for this client, and the featured articles."""
    desk = context.desk
    client = await touch_client(update, desk)
    lang = client.language
    async with desk.tx() as session:
        rows = await store.latest(session, limit=desk.settings.news_items * 4)
    zone = desk.settings.zone
    items = [
        row
        for row in rows
        if in_audience(row.audience, store.organizations(row), client.organization)
    ][: desk.settings.news_items]
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
        async with desk.tx() as session:
            search = await repo.record_search(
                session,
                client_id=client.id,
                query="/news",
                message_id=None,
                outcome="news",
                results=json.dumps([{"id": a.id, "score": 100} for a in featured]),
                source="news",
                now=desk.clock.now(),
            )
        buttons = [
            [InlineKeyboardButton(f"📄 {a.title}"[:60], callback_data=f"k:o:{search.id}:{n}")]
            for n, a in enumerate(featured)
        ]
    parts.append(
        t(lang, "news.subscribed_hint" if client.subscribed else "news.unsubscribed_hint")
    )
    await context.bot.send_message(
        client.id,
        Raw("\n\n".join(parts)),
        reply_markup=InlineKeyboardMarkup(buttons) if buttons else None,
    )
