"""Release announcements: composed by an admin in the operator group, answered by clients.

Composing is a short dialogue stored in the ``announcements`` row (so a restart continues
it): ``/announce`` → the message itself → the audience → an optional version → a preview
of exactly what clients will get → Send / Cancel. Sending is the sender's job
(``bot/broadcast.py``); here a press of Send only turns the preview into delivery rows.

Every update is one unit of work (``Desk.unit``): the change to the row and the messages it
causes are stored together and sent by the dispatcher. What the bot posts about one
announcement (its questions, the preview, the progress message) shares one lane, so it
arrives in the order written. The id of a question is recorded once it has been sent (the
``announce_prompt`` effect), and so is the progress message's (``announce_progress``); until
then no question is current, and a press that comes first waits a moment for it.
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
import re
from collections.abc import Sequence

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot import deadlines, relay, render
from bot.broadcast import MEDIA_SENDERS, PROGRESS, admin_lane, content_request, progress_key
from bot.context import Desk, DeskContext, Unit
from bot.handlers.common import answer, client_press, drop_buttons, parse_press, touch_client
from bot.handlers.operator import find_ticket
from bot.outbox import markup_json
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

# Purposes of the records this module writes (counted per kind by the dispatcher).
PROMPT = "ann_prompt"  # a question to the admin, with buttons
PREVIEW = "ann_preview"  # the announcement as clients will get it
NOTICE = "ann_notice"  # anything else said about the announcement

#: Pauses while a press waits for the id of the question it answers: the dispatcher records
#: it right after Telegram took the message, so only a very quick press comes first.
SETTLE_PAUSES = (0.05, 0.1, 0.2, 0.3, 0.5, 1.0)


def _is_admin(desk: Desk, user_id: int | None) -> bool:
    return user_id is not None and user_id in desk.settings.admin_ids


def _thread_of(message: Message) -> int | None:
    return message.message_thread_id if message.is_topic_message else None


def _cancel_button(desk: Desk, announcement_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        t(desk.op_lang, "ann.cancel"), callback_data=f"a:x:{announcement_id}"
    )


async def _post(
    unit: Unit,
    row: Announcement,
    text: str,
    *,
    markup: InlineKeyboardMarkup | None = None,
    after: Sequence[tuple[str, int]] = (),
    reply_to: int | None = None,
    purpose: str = NOTICE,
) -> None:
    """A message about the announcement into the admin's thread, in the announcement's lane."""
    desk = unit.desk
    await unit.out.send(
        desk.operator_chat_id,
        "sendMessage",
        {
            "text": text,
            "parse_mode": "HTML",
            "message_thread_id": row.thread_id if desk.forum else None,
            "reply_markup": markup_json(markup),
            "reply_parameters": (
                {"message_id": reply_to, "allow_sending_without_reply": True}
                if reply_to is not None
                else None
            ),
        },
        lane=admin_lane(row.id),
        after=after,
        purpose=purpose,
    )


async def _prompt(
    unit: Unit, row: Announcement, text: str, rows: list[list[InlineKeyboardButton]]
) -> None:
    """Asks the admin the next question; its id is recorded when it has been sent, so its
    buttons can go later. Until then no question is current."""
    rows = [*rows, [_cancel_button(unit.desk, row.id)]]
    row.prompt_message_id = None
    await _post(
        unit,
        row,
        text,
        markup=InlineKeyboardMarkup(rows),
        after=[("announce_prompt", row.id)],
        purpose=PROMPT,
    )


async def _drop_prompt(unit: Unit, row: Announcement) -> None:
    """The buttons of the question just answered go (harmless if Telegram refuses)."""
    if row.prompt_message_id is not None:
        await unit.out.drop_buttons(unit.desk.operator_chat_id, row.prompt_message_id)


async def _read(desk: Desk, announcement_id: int) -> Announcement | None:
    async with desk.tx() as session:
        return await store.get(session, announcement_id=announcement_id)


async def _settled(desk: Desk, row: Announcement | None) -> Announcement | None:
    """`row` once the question on its way has had its id recorded (or after a short wait).

    Outside any unit of work: nothing is held open while waiting.
    """
    for pause in SETTLE_PAUSES:
        if row is None or row.status != "composing" or row.prompt_message_id is not None:
            return row
        await asyncio.sleep(pause)
        row = await _read(desk, row.id)
    return row


# --- /announce and the admin's messages ------------------------------------------------------


async def announce(update: Update, context: DeskContext) -> None:
    """/announce (admins, operator group): starts composing a release announcement."""
    message = update.effective_message
    assert message is not None
    desk = context.desk
    lang = desk.op_lang
    user = message.from_user
    if user is None or not _is_admin(desk, user.id):
        async with desk.unit() as unit:
            await unit.out.answer(message, t(lang, "admin_only"))
        return
    in_ticket = await find_ticket(desk, message) is not None
    async with desk.unit() as unit:
        if in_ticket:
            await unit.out.answer(message, t(lang, "ann.not_in_ticket"))
            return
        row, previous = await store.start(
            unit.session, author_id=user.id, thread_id=_thread_of(message), now=desk.clock.now()
        )
        if previous is not None:
            await _drop_prompt(unit, previous)
        await _prompt(unit, row, t(lang, "ann.ask_content", id=row.id), [])


class _Changed(Exception):
    """The announcement moved on since the message was read: it answers nothing now."""


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
        if (
            row.prompt_message_id is None
            and reply.from_user is not None
            and reply.from_user.is_bot
        ):
            row = await _settled(desk, row)  # a reply to the question just sent, perhaps
        if row is None or reply.message_id != row.prompt_message_id:
            return False
    step = row.step
    try:
        async with desk.unit() as unit:
            fresh = await store.get(unit.session, announcement_id=row.id)
            if fresh is None or fresh.status != "composing" or fresh.step != step:
                raise _Changed  # rolled back, the update unmarked: the group handler takes it
            if step == "content":
                await _take_content(unit, message, fresh)
            else:
                await _take_version(unit, message, fresh)
    except _Changed:
        return False
    return True


def _content_of(message: Message) -> tuple[str, str, str | None] | None:
    """(kind, HTML text, file id) of a message clients can receive, or None."""
    info = relay.describe_message(message)
    if info.kind == "text":
        return "text", message.text_html, None
    if info.kind not in MEDIA_SENDERS:
        return None
    return info.kind, message.caption_html if message.caption else "", info.file_id


async def _take_content(unit: Unit, message: Message, row: Announcement) -> None:
    lang = unit.desk.op_lang
    if message.media_group_id:
        await unit.out.answer(message, t(lang, "ann.no_albums"))
        return
    content = _content_of(message)
    if content is None:
        await unit.out.answer(message, t(lang, "ann.unsupported"))
        return
    kind, text_html, file_id = content
    if kind != "text" and utf16_len(message.caption or "") > CAPTION_LIMIT:
        await unit.out.answer(message, t(lang, "ann.caption_too_long"))
        return
    row.kind, row.text_html, row.file_id, row.step = kind, text_html, file_id, "audience"
    await _drop_prompt(unit, row)
    await _ask_audience(unit, row)


async def _ask_audience(unit: Unit, row: Announcement) -> None:
    lang = unit.desk.op_lang
    everyone = await store.audience_size(unit.session, audience="all", orgs=[])
    orgs = await store.organizations_with_subscribers(unit.session)
    rows = [
        [InlineKeyboardButton(t(lang, "ann.all", count=everyone), callback_data=f"a:all:{row.id}")]
    ]
    if orgs:
        rows.append(
            [InlineKeyboardButton(t(lang, "ann.choose_orgs"), callback_data=f"a:orgs:{row.id}")]
        )
    await _prompt(unit, row, t(lang, "ann.ask_audience"), rows)


async def _take_version(unit: Unit, message: Message, row: Announcement) -> None:
    version = parse_version(message.text or "")
    if version is None:
        await unit.out.answer(message, t(unit.desk.op_lang, "ann.bad_version"))
        return
    row.version, row.step = version, "preview"
    await _drop_prompt(unit, row)
    await _preview(unit, row)


async def _preview(unit: Unit, row: Announcement) -> None:
    """Shows exactly what clients will get, then the count and Send / Start over / Cancel.

    Both go in the announcement's lane, the preview first: if Telegram refuses the preview,
    Send finds it so (see :func:`_launch`), since what it will not take for the preview it
    will not take for clients either.
    """
    desk = unit.desk
    lang = desk.op_lang
    orgs = store.organizations(row)
    count = await store.audience_size(unit.session, audience=row.audience, orgs=orgs)
    method, params = content_request(row, desk.settings.default_language)
    params["message_thread_id"] = row.thread_id if desk.forum else None
    await unit.out.send(
        desk.operator_chat_id, method, params, lane=admin_lane(row.id), purpose=PREVIEW
    )
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
    await _prompt(unit, row, text, buttons)


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
        answer(desk, query, t(lang, "admin_only"), alert=True)
        return
    parsed = parse_press(query.data)
    if parsed is None:
        answer(desk, query)
        return
    action, numbers = parsed
    announcement_id = numbers[0]
    if action == "ru":
        await _resend_unknown(desk, query, announcement_id)
        return
    launched = False
    async with desk.unit() as unit:
        row = await store.get(unit.session, announcement_id=announcement_id)
        if (
            row is None
            or row.status != "composing"
            or (row.prompt_message_id is not None and row.prompt_message_id != message.message_id)
        ):
            answer(desk, query, t(lang, "ann.stale"))
            await drop_buttons(unit.out, query)
            return
        if row.prompt_message_id is None:
            # The question's id is not recorded yet, but the admin pressed one of its buttons:
            # Telegram shows it. Each action below still checks the step it belongs to.
            row.prompt_message_id = message.message_id
        if action == "x":
            if not await store.cancel(unit.session, announcement_id=announcement_id):
                answer(desk, query, t(lang, "ann.stale"))
                return
            answer(desk, query)
            await _drop_prompt(unit, row)
            await _post(unit, row, t(lang, "ann.cancelled", id=announcement_id))
        elif action == "all" and row.step == "audience":
            await _set_audience(unit, query, row, "all", [])
        elif action == "orgs" and row.step == "audience":
            answer(desk, query)
            await _show_orgs(unit, message.message_id, row, chosen=[], fresh_choices=True)
        elif action == "org" and row.step == "orgs" and len(numbers) == 2:
            choices = store.org_choices(row)
            index = numbers[1]
            answer(desk, query)
            if not 0 <= index < len(choices):
                return
            chosen = store.organizations(row)
            name = choices[index]
            chosen = [c for c in chosen if c != name] if name in chosen else [*chosen, name]
            await _show_orgs(unit, message.message_id, row, chosen=chosen, fresh_choices=False)
        elif action == "ok" and row.step == "orgs":
            chosen = store.organizations(row)
            if not chosen:
                answer(desk, query, t(lang, "ann.pick_one"), alert=True)
                return
            await _set_audience(unit, query, row, "orgs", chosen)
        elif action == "nov" and row.step == "version":
            row.version, row.step = None, "preview"
            answer(desk, query)
            await _drop_prompt(unit, row)
            await _preview(unit, row)
        elif action == "re" and row.step == "preview":
            row.step, row.version, row.audience, row.organizations = "content", None, "all", "[]"
            answer(desk, query)
            await _drop_prompt(unit, row)
            await _prompt(unit, row, t(lang, "ann.ask_content", id=announcement_id), [])
        elif action == "go" and row.step == "preview":
            launched = await _launch(unit, query, row)
        else:
            answer(desk, query, t(lang, "ann.stale"))
    if launched and desk.broadcaster is not None:
        desk.broadcaster.poke()


async def _set_audience(
    unit: Unit, query: CallbackQuery, row: Announcement, audience: str, orgs: list[str]
) -> None:
    lang = unit.desk.op_lang
    row.audience = audience
    row.organizations = json.dumps(orgs, ensure_ascii=False)
    row.step = "version"
    answer(unit.desk, query)
    await _drop_prompt(unit, row)
    await _prompt(
        unit,
        row,
        t(lang, "ann.ask_version"),
        [[InlineKeyboardButton(t(lang, "ann.no_version"), callback_data=f"a:nov:{row.id}")]],
    )


async def _show_orgs(
    unit: Unit,
    message_id: int,
    row: Announcement,
    *,
    chosen: list[str],
    fresh_choices: bool,
) -> None:
    """The organizations as toggles, in place of the question's buttons; the list is stored
    so a pressed index means what was shown."""
    desk = unit.desk
    lang = desk.op_lang
    counts = dict(await store.organizations_with_subscribers(unit.session))
    choices = list(counts)[:MAX_ORG_BUTTONS] if fresh_choices else store.org_choices(row)
    row.org_choices = json.dumps(choices, ensure_ascii=False)
    row.organizations = json.dumps(chosen, ensure_ascii=False)
    row.step = "orgs"
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
    # Edits of one message keep their order: the last press is what stays shown.
    await unit.out.edit_group(
        message_id, t(lang, "ann.ask_orgs"), markup=InlineKeyboardMarkup(rows)
    )


async def _launch(unit: Unit, query: CallbackQuery, row: Announcement) -> bool:
    """Send: one delivery row per recipient, and the progress message that reports on them,
    in one transaction (the sender edits that message once its id is recorded). True when
    there is something for the sender to do."""
    desk = unit.desk
    lang = desk.op_lang
    message = query.message
    assert isinstance(message, Message)
    preview = await store.last_record(unit.session, lane=admin_lane(row.id), purpose=PREVIEW)
    if preview is not None and preview.state == "failed":
        # Telegram refused the preview: it would refuse every client's copy too.
        reason = (preview.error or "?").split(": ", 1)[-1]
        row.step = "content"
        answer(desk, query)
        await _drop_prompt(unit, row)
        await _prompt(unit, row, t(lang, "ann.preview_failed", reason=reason), [])
        return False
    now = desk.clock.now()
    total = await store.launch(unit.session, announcement_id=row.id, now=now)
    if total is None:  # a second press: the first one sends
        answer(desk, query, t(lang, "ann.stale"))
        return False
    if total == 0:
        await store.change(unit.session, announcement_id=row.id, status="done", finished_at=now)
    answer(desk, query)
    await drop_buttons(unit.out, query)
    if total:
        await _post(
            unit,
            row,
            t(lang, "ann.started", id=row.id, total=total),
            reply_to=message.message_id,
            after=[("announce_progress", row.id)],
            purpose=PROGRESS,
        )
    else:
        await _post(unit, row, t(lang, "ann.nobody", id=row.id), reply_to=message.message_id)
    return bool(total)


async def _resend_unknown(desk: Desk, query: CallbackQuery, announcement_id: int) -> None:
    """The summary's button: rows of unknown outcome go out again, by the admin's choice."""
    message = query.message
    async with desk.unit() as unit:
        row = await store.get(unit.session, announcement_id=announcement_id)
        if (
            row is None
            or row.status != "done"
            or message is None
            or row.progress_message_id != message.message_id
        ):
            count = 0
        else:
            count = await store.resend_unknown(unit.session, announcement_id=announcement_id)
        if not count:
            answer(desk, query, t(desk.op_lang, "ann.stale"))
            await drop_buttons(unit.out, query)
            return
        assert message is not None
        answer(desk, query, t(desk.op_lang, "ann.resending", count=count))
        # In the lane of the progress message's edits: it never overtakes the next summary.
        await unit.out.send(
            desk.operator_chat_id,
            "editMessageReplyMarkup",
            {"message_id": message.message_id, "_optional": True},
            lane=f"k:{progress_key(announcement_id)}",
            purpose="buttons",
        )
    if desk.broadcaster is not None:
        desk.broadcaster.poke()


# --- clients ---------------------------------------------------------------------------------


class _AlreadyTaken(Exception):
    """Another press linked a ticket first: this transaction is rolled back."""


async def request_version(update: Update, context: DeskContext) -> None:
    """``v:req:<announcement>``: registers a "new version" ticket, once per client."""
    desk = context.desk
    press = await client_press(update, desk)
    if press is None:
        return
    client, query = press.client, press.query
    lang = client.language
    try:
        async with desk.unit() as unit:
            session = unit.session
            row = await store.get(session, announcement_id=press.numbers[0])
            delivery = (
                await store.delivery_for(session, announcement_id=row.id, client_id=client.id)
                if row is not None
                else None
            )
            # Only a recipient may ask, and only for an announcement that carries a version.
            if row is None or delivery is None or not row.version:
                answer(desk, query, t(lang, "tickets.not_found"), alert=True)
                return
            if delivery.ticket_id is not None:
                await _already_requested(unit, query, lang, delivery.ticket_id)
                return
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
            answer(desk, query)
            await unit.out.message(
                client.id,
                t(
                    lang,
                    "ann.version_registered",
                    number=format_number(ticket.number),
                    type=render.type_label(lang, TicketType.NEW_VERSION.value),
                    version=row.version,
                )
                + render.first_answer(ticket, lang, desk.settings.zone, now=desk.clock.now()),
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
                unit.session, announcement_id=press.numbers[0], client_id=client.id
            )
            await _already_requested(unit, query, lang, again.ticket_id if again else None)


async def _already_requested(
    unit: Unit, query: CallbackQuery, lang: str, ticket_id: int | None
) -> None:
    number = None
    if ticket_id is not None:
        ticket = await repo.get_ticket(unit.session, ticket_id=ticket_id)
        number = ticket.number if ticket is not None else None
    text = t(lang, "ann.version_already", number=format_number(number) if number else "")
    answer(unit.desk, query, text, alert=True)


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
    zone = desk.settings.zone
    async with desk.unit() as unit:
        rows = await store.latest(unit.session, limit=desk.settings.news_items * 4)
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
                [InlineKeyboardButton(f"📄 {a.title}"[:60], callback_data=f"k:o:{search.id}:{n}")]
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
