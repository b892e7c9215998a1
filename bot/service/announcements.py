"""Release announcements, the admin's side: composing one in the operator group and sending it.

Composing is a short dialogue stored in the ``announcements`` row (so a restart continues
it): ``/announce`` → the message itself → the audience → an optional version → a preview
of exactly what clients will get → Send / Cancel. Sending is the sender's job
(``bot/broadcast.py``); here a press of Send only turns the preview into delivery rows.

Every use case is one unit of work (``Desk.unit``): the change to the row and the messages it
causes are stored together and sent by the dispatcher. What the bot posts about one
announcement (its questions, the preview, the progress message) shares one lane, so it
arrives in the order written. The id of a question is recorded once it has been sent (the
``announce_prompt`` effect), and so is the progress message's (``announce_progress``); until
then no question is current, and a press that comes first waits a moment for it.

What clients do with announcements (``/news``, asking for the announced version) is
``bot/service/news.py``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks as cb
from bot.broadcast import MEDIA_SENDERS, PROGRESS, admin_lane, content_request, progress_key
from bot.context import Desk, Unit
from bot.incoming import Incoming
from bot.outbox import markup_json
from bot.service.lookup import find_ticket
from bot.service.origin import Origin
from bot.texts import Raw, t
from desk.broadcast import (
    EVERYONE,
    AnnouncementStatus,
    AudienceKind,
    ComposeStep,
    Move,
    Stage,
    allowed,
    apply,
    parse_version,
)
from desk.text import CAPTION_LIMIT, utf16_len
from storage import announcements as store
from storage.models import Announcement

MAX_ORG_BUTTONS = 40

# Purposes of the records this module writes (counted per kind by the dispatcher).
PROMPT = "ann_prompt"  # a question to the admin, with buttons
PREVIEW = "ann_preview"  # the announcement as clients will get it
NOTICE = "ann_notice"  # anything else said about the announcement

#: Pauses while a press waits for the id of the question it answers: the dispatcher records
#: it right after Telegram took the message, so only a very quick press comes first.
SETTLE_PAUSES = (0.05, 0.1, 0.2, 0.3, 0.5, 1.0)


@dataclass(frozen=True)
class Answer:
    """What the handler answers a pressed button with: nothing (the spinner stops), a short
    text, or an alert."""

    text: str | None = None
    alert: bool = False


@dataclass(frozen=True)
class AdminMessage:
    """An admin's message in the operator group, as the composing dialogue reads it."""

    origin: Origin
    #: What it carries (kind, HTML text or caption, file, album).
    content: Incoming
    #: Its text as written ("" for a file): a version is read from it.
    text: str = ""
    #: A file's caption as written ("" for none): Telegram limits its length.
    caption: str = ""


def _stage(row: Announcement) -> Stage:
    return Stage(AnnouncementStatus(row.status), ComposeStep(row.step))


def _move(row: Announcement, move: Move) -> None:
    """Moves the row on by ``desk/broadcast.py``'s table; MoveRefused if it may not."""
    status, step = apply(_stage(row), move)
    row.status, row.step = status.value, step.value


def _cancel_button(desk: Desk, announcement_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        t(desk.op_lang, "ann.cancel"),
        callback_data=cb.announce(cb.Announce.CANCEL, announcement_id),
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
        if (
            row is None
            or row.status != AnnouncementStatus.COMPOSING
            or row.prompt_message_id is not None
        ):
            return row
        await asyncio.sleep(pause)
        row = await _read(desk, row.id)
    return row


# --- /announce and the admin's messages ------------------------------------------------------


async def refuse(desk: Desk, origin: Origin) -> None:
    """/announce from someone who is not an admin: said so."""
    async with desk.unit() as unit:
        await unit.out.answer_to(origin, t(desk.op_lang, "admin_only"))


async def start(desk: Desk, origin: Origin) -> None:
    """/announce (an admin, in the operator group outside any ticket): starts composing a
    release announcement in the thread where it was given, cancelling one the admin left
    half-composed."""
    assert origin.user_id is not None
    lang = desk.op_lang
    in_ticket = await find_ticket(desk, origin) is not None
    async with desk.unit() as unit:
        if in_ticket:
            await unit.out.answer_to(origin, t(lang, "ann.not_in_ticket"))
            return
        row, previous = await store.start(
            unit.session,
            author_id=origin.user_id,
            thread_id=origin.thread_id,
            now=desk.clock.now(),
        )
        if previous is not None:
            await _drop_prompt(unit, previous)
        await _prompt(unit, row, t(lang, "ann.ask_content", id=row.id), [])


class _Changed(Exception):
    """The announcement moved on since the message was read: it answers nothing now."""


async def capture(desk: Desk, message: AdminMessage) -> bool:
    """Takes an admin's message that answers the composing dialogue; False if it does not.

    Only a message in the thread where /announce was given counts, and not one replying to
    another message (other than the bot's question): engineers' replies go to tickets.
    """
    origin = message.origin
    if origin.user_id is None:
        return False
    async with desk.tx() as session:
        row = await store.composing(session, author_id=origin.user_id)
    if row is None or not (
        allowed(_stage(row), Move.TAKE_CONTENT) or allowed(_stage(row), Move.TAKE_VERSION)
    ):
        return False
    if origin.thread_id != row.thread_id:
        return False
    if origin.reply_to is not None and origin.reply_to != row.prompt_message_id:
        if row.prompt_message_id is None and origin.replies_to_bot:
            row = await _settled(desk, row)  # a reply to the question just sent, perhaps
        if row is None or origin.reply_to != row.prompt_message_id:
            return False
    step = row.step
    try:
        async with desk.unit() as unit:
            fresh = await store.get(unit.session, announcement_id=row.id)
            if fresh is None or fresh.status != AnnouncementStatus.COMPOSING or fresh.step != step:
                raise _Changed  # rolled back, the update unmarked: the group handler takes it
            if step == ComposeStep.CONTENT:
                await _take_content(unit, message, fresh)
            else:
                await _take_version(unit, message, fresh)
    except _Changed:
        return False
    return True


def _content_of(message: Incoming) -> tuple[str, str, str | None] | None:
    """(kind, HTML text, file id) of a message clients can receive, or None."""
    if message.kind == "text":
        return "text", message.html, None
    if message.kind not in MEDIA_SENDERS:
        return None
    return message.kind, message.html, message.file_id


async def _take_content(unit: Unit, message: AdminMessage, row: Announcement) -> None:
    lang = unit.desk.op_lang
    origin = message.origin
    if message.content.media_group_id:
        await unit.out.answer_to(origin, t(lang, "ann.no_albums"))
        return
    content = _content_of(message.content)
    if content is None:
        await unit.out.answer_to(origin, t(lang, "ann.unsupported"))
        return
    kind, text_html, file_id = content
    if kind != "text" and utf16_len(message.caption) > CAPTION_LIMIT:
        await unit.out.answer_to(origin, t(lang, "ann.caption_too_long"))
        return
    row.kind, row.text_html, row.file_id = kind, text_html, file_id
    _move(row, Move.TAKE_CONTENT)
    await _drop_prompt(unit, row)
    await _ask_audience(unit, row)


async def _ask_audience(unit: Unit, row: Announcement) -> None:
    lang = unit.desk.op_lang
    everyone = await store.audience_size(unit.session, audience=EVERYONE)
    orgs = await store.organizations_with_subscribers(unit.session)
    rows = [
        [
            InlineKeyboardButton(
                t(lang, "ann.all", count=everyone),
                callback_data=cb.announce(cb.Announce.EVERYONE, row.id),
            )
        ]
    ]
    if orgs:
        rows.append(
            [
                InlineKeyboardButton(
                    t(lang, "ann.choose_orgs"),
                    callback_data=cb.announce(cb.Announce.PICK_ORGS, row.id),
                )
            ]
        )
    await _prompt(unit, row, t(lang, "ann.ask_audience"), rows)


async def _take_version(unit: Unit, message: AdminMessage, row: Announcement) -> None:
    version = parse_version(message.text)
    if version is None:
        await unit.out.answer_to(message.origin, t(unit.desk.op_lang, "ann.bad_version"))
        return
    row.version = version
    _move(row, Move.TAKE_VERSION)
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
    audience = store.audience_of(row)
    count = await store.audience_size(unit.session, audience=audience)
    method, params = content_request(row, desk.settings.default_language)
    params["message_thread_id"] = row.thread_id if desk.forum else None
    await unit.out.send(
        desk.operator_chat_id, method, params, lane=admin_lane(row.id), purpose=PREVIEW
    )
    addressed = (
        t(lang, "ann.audience_all")
        if audience.kind is AudienceKind.ALL
        else t(lang, "ann.audience_orgs", names=", ".join(store.organizations(row)))
    )
    text = t(
        lang,
        "ann.preview",
        count=count,
        audience=Raw(addressed),
        version=row.version or t(lang, "ann.no_version_label"),
    )
    buttons = [
        [
            InlineKeyboardButton(
                t(lang, "ann.send", count=count),
                callback_data=cb.announce(cb.Announce.SEND, row.id),
            )
        ],
        [
            InlineKeyboardButton(
                t(lang, "ann.restart"), callback_data=cb.announce(cb.Announce.RESTART, row.id)
            )
        ],
    ]
    await _prompt(unit, row, text, buttons)


# --- the admin's buttons ---------------------------------------------------------------------


async def button(desk: Desk, origin: Origin, press: cb.AnnouncePress) -> Answer:
    """``a:<action>:<announcement>[:<n>]``, pressed by an admin under the message `origin`
    describes: a step of composing, Send, or the summary's "send the unknown again"."""
    if press.action is cb.Announce.RESEND_UNKNOWN:
        return await _resend_unknown(desk, origin, press.announcement_id)
    stale = Answer(t(desk.op_lang, "ann.stale"))
    launched = False
    async with desk.unit() as unit:
        row = await store.get(unit.session, announcement_id=press.announcement_id)
        if (
            row is None
            or row.status != AnnouncementStatus.COMPOSING
            or (row.prompt_message_id is not None and row.prompt_message_id != origin.message_id)
        ):
            await unit.out.drop_buttons(origin.chat_id, origin.message_id)
            return stale
        if row.prompt_message_id is None:
            # The question's id is not recorded yet, but the admin pressed one of its buttons:
            # Telegram shows it. Each action below still checks the step it belongs to.
            row.prompt_message_id = origin.message_id
        result = await _compose(unit, origin, row, press)
        if result is None:
            result, launched = await _launch(unit, origin, row)
    if launched and desk.broadcaster is not None:
        desk.broadcaster.poke()
    return result


async def _compose(
    unit: Unit, origin: Origin, row: Announcement, press: cb.AnnouncePress
) -> Answer | None:
    """A composing button's step; None for Send when it may be pressed (:func:`_launch`)."""
    lang = unit.desk.op_lang
    action, stage = press.action, _stage(row)
    if action is cb.Announce.CANCEL:
        if not await store.cancel(unit.session, announcement_id=row.id):
            return Answer(t(lang, "ann.stale"))
        await _drop_prompt(unit, row)
        await _post(unit, row, t(lang, "ann.cancelled", id=row.id))
    elif action is cb.Announce.EVERYONE and allowed(stage, Move.ADDRESS_ALL):
        await _set_audience(unit, row, AudienceKind.ALL, [])
    elif action is cb.Announce.PICK_ORGS and allowed(stage, Move.OFFER_ORGS):
        await _show_orgs(unit, origin.message_id, row, chosen=[], fresh_choices=True)
    elif action is cb.Announce.TOGGLE_ORG and allowed(stage, Move.TOGGLE_ORG):
        choices = store.org_choices(row)
        index = press.index if press.index is not None else -1
        if not 0 <= index < len(choices):
            return Answer()
        chosen = store.organizations(row)
        name = choices[index]
        chosen = [c for c in chosen if c != name] if name in chosen else [*chosen, name]
        await _show_orgs(unit, origin.message_id, row, chosen=chosen, fresh_choices=False)
    elif action is cb.Announce.ORGS_DONE and allowed(stage, Move.ADDRESS_ORGS):
        chosen = store.organizations(row)
        if not chosen:
            return Answer(t(lang, "ann.pick_one"), alert=True)
        await _set_audience(unit, row, AudienceKind.ORGS, chosen)
    elif action is cb.Announce.NO_VERSION and allowed(stage, Move.TAKE_VERSION):
        row.version = None
        _move(row, Move.TAKE_VERSION)
        await _drop_prompt(unit, row)
        await _preview(unit, row)
    elif action is cb.Announce.RESTART and allowed(stage, Move.RESTART):
        _move(row, Move.RESTART)
        row.version, row.audience, row.organizations = None, AudienceKind.ALL.value, "[]"
        await _drop_prompt(unit, row)
        await _prompt(unit, row, t(lang, "ann.ask_content", id=row.id), [])
    elif action is cb.Announce.SEND and allowed(stage, Move.LAUNCH):
        return None
    else:
        return Answer(t(lang, "ann.stale"))
    return Answer()


async def _set_audience(
    unit: Unit, row: Announcement, audience: AudienceKind, orgs: list[str]
) -> None:
    lang = unit.desk.op_lang
    row.audience = audience.value
    row.organizations = json.dumps(orgs, ensure_ascii=False)
    _move(row, Move.ADDRESS_ALL if audience is AudienceKind.ALL else Move.ADDRESS_ORGS)
    await _drop_prompt(unit, row)
    await _prompt(
        unit,
        row,
        t(lang, "ann.ask_version"),
        [
            [
                InlineKeyboardButton(
                    t(lang, "ann.no_version"),
                    callback_data=cb.announce(cb.Announce.NO_VERSION, row.id),
                )
            ]
        ],
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
    _move(row, Move.OFFER_ORGS if fresh_choices else Move.TOGGLE_ORG)
    rows = [
        [
            InlineKeyboardButton(
                f"{'✅' if name in chosen else '▫️'} {name} ({counts.get(name, 0)})"[:60],
                callback_data=cb.announce_org(row.id, index),
            )
        ]
        for index, name in enumerate(choices)
    ]
    rows.append(
        [
            InlineKeyboardButton(
                t(lang, "ann.orgs_done", count=len(chosen)),
                callback_data=cb.announce(cb.Announce.ORGS_DONE, row.id),
            )
        ]
    )
    rows.append([_cancel_button(desk, row.id)])
    # Edits of one message keep their order: the last press is what stays shown.
    await unit.out.edit_group(
        message_id, t(lang, "ann.ask_orgs"), markup=InlineKeyboardMarkup(rows)
    )


async def _launch(unit: Unit, origin: Origin, row: Announcement) -> tuple[Answer, bool]:
    """Send: one delivery row per recipient, and the progress message that reports on them,
    in one transaction (the sender edits that message once its id is recorded). The button's
    answer, and True when there is something for the sender to do."""
    desk = unit.desk
    lang = desk.op_lang
    preview = await store.last_record(unit.session, lane=admin_lane(row.id), purpose=PREVIEW)
    if preview is not None and preview.state == "failed":
        # Telegram refused the preview: it would refuse every client's copy too.
        reason = (preview.error or "?").split(": ", 1)[-1]
        _move(row, Move.RESTART)
        await _drop_prompt(unit, row)
        await _prompt(unit, row, t(lang, "ann.preview_failed", reason=reason), [])
        return Answer(), False
    now = desk.clock.now()
    total = await store.launch(unit.session, announcement_id=row.id, now=now)
    if total is None:  # a second press: the first one sends
        return Answer(t(lang, "ann.stale")), False
    if total == 0:  # nobody to send to: it is over at once
        await store.complete(unit.session, announcement_id=row.id, now=now)
    await unit.out.drop_buttons(origin.chat_id, origin.message_id)
    if total:
        await _post(
            unit,
            row,
            t(lang, "ann.started", id=row.id, total=total),
            reply_to=origin.message_id,
            after=[("announce_progress", row.id)],
            purpose=PROGRESS,
        )
    else:
        await _post(unit, row, t(lang, "ann.nobody", id=row.id), reply_to=origin.message_id)
    return Answer(), bool(total)


async def _resend_unknown(desk: Desk, origin: Origin, announcement_id: int) -> Answer:
    """The summary's button: rows of unknown outcome go out again, by the admin's choice."""
    async with desk.unit() as unit:
        row = await store.get(unit.session, announcement_id=announcement_id)
        if (
            row is None
            or row.status != AnnouncementStatus.DONE
            or row.progress_message_id != origin.message_id
        ):
            count = 0
        else:
            count = await store.resend_unknown(unit.session, announcement_id=announcement_id)
        if not count:
            await unit.out.drop_buttons(origin.chat_id, origin.message_id)
            return Answer(t(desk.op_lang, "ann.stale"))
        # In the lane of the progress message's edits: it never overtakes the next summary.
        await unit.out.send(
            desk.operator_chat_id,
            "editMessageReplyMarkup",
            {"message_id": origin.message_id, "_optional": True},
            lane=f"k:{progress_key(announcement_id)}",
            purpose="buttons",
        )
    if desk.broadcaster is not None:
        desk.broadcaster.poke()
    return Answer(t(desk.op_lang, "ann.resending", count=count))
