"""Registering a ticket: type, priority, description with attachments, summary.

The step and everything entered live in the ``drafts`` table, so a restart of the bot
loses nothing: the client's next message or button press continues from the same step.
"""

from __future__ import annotations

import logging
from enum import StrEnum

from telegram import Message, Update
from telegram.error import TelegramError

from bot import deadlines, keyboards, relay, render
from bot.context import Desk, DeskContext
from bot.handlers.common import answer, drop_buttons, edit_or_send, touch_client
from bot.texts import t
from desk.text import first_line
from desk.tickets import DEFAULT_PRIORITY, Priority, Status, TicketType, format_number
from storage import repo
from storage.models import Client, Draft

logger = logging.getLogger(__name__)


class Step(StrEnum):
    """Where the client is in the registration."""

    TYPE = "type"
    PRIORITY = "priority"
    DESCRIPTION = "description"
    CONFIRM = "confirm"


async def start_registration(
    update: Update,
    context: DeskContext,
    *,
    prefill: Message | None = None,
    prefill_item: tuple[int, str] | None = None,
    intro: str | None = None,
    kb_search_id: int | None = None,
    parent_ticket_id: int | None = None,
) -> None:
    """Starts a new draft, optionally with the client's message (or a message id and its
    text, from a knowledge-base search) as the start of its description."""
    desk = context.desk
    client = await touch_client(update, desk)
    async with desk.tx() as session:
        draft = await repo.start_draft(
            session, client_id=client.id, step=Step.TYPE, now=desk.clock.now()
        )
        draft.kb_search_id = kb_search_id
        draft.parent_ticket_id = parent_ticket_id
        if prefill is not None:
            await _add_item(session, client.id, prefill)
        elif prefill_item is not None:
            await repo.add_draft_item(
                session,
                client_id=client.id,
                message_id=prefill_item[0],
                kind="text",
                text=prefill_item[1],
                file_id=None,
                media_group_id=None,
            )
    chat_id = client.id
    text = intro or t(client.language, "reg.choose_type")
    sent = await context.bot.send_message(
        chat_id, text, reply_markup=keyboards.ticket_types(client.language)
    )
    await _remember_prompt(desk, client.id, sent.message_id)


async def _add_item(session, client_id: int, message: Message) -> None:  # type: ignore[no-untyped-def]
    info = relay.describe_message(message)
    await repo.add_draft_item(
        session,
        client_id=client_id,
        message_id=message.message_id,
        kind=info.kind,
        text=info.text,
        file_id=info.file_id,
        media_group_id=info.media_group_id,
    )


async def _remember_prompt(desk: Desk, client_id: int, message_id: int) -> None:
    async with desk.tx() as session:
        draft = await repo.get_draft(session, client_id=client_id)
        if draft is not None:
            draft.prompt_message_id = message_id
            draft.updated_at = desk.clock.now()


async def new_ticket(update: Update, context: DeskContext) -> None:
    """/new: starts registering a ticket."""
    await start_registration(update, context)


async def cancel(update: Update, context: DeskContext) -> None:
    """/cancel: drops the draft, at any step."""
    desk = context.desk
    client = await touch_client(update, desk)
    async with desk.tx() as session:
        had = await repo.discard_draft(session, client_id=client.id)
        row = await repo.get_client(session, client_id=client.id)
        raising = row is not None and row.pending_raise_ticket_id is not None
        if raising and row is not None:
            row.pending_raise_ticket_id = None
    key = "reg.cancelled" if had else "reg.nothing_to_cancel"
    if raising and not had:
        key = "client.raise_cancelled"
    if update.effective_message is not None:
        await update.effective_message.reply_text(t(client.language, key))


async def ask_step(
    context: DeskContext, client: Client, draft: Draft, *, query_message: bool = False
) -> None:
    """Sends the prompt for the draft's current step."""
    desk = context.desk
    lang = client.language
    step = Step(draft.step)
    async with desk.tx() as session:
        items = list(await repo.draft_items(session, client_id=client.id))
    if step is Step.TYPE:
        text, markup = t(lang, "reg.choose_type"), keyboards.ticket_types(lang)
    elif step is Step.PRIORITY:
        text, markup = t(lang, "reg.choose_priority"), keyboards.priorities(lang)
    elif step is Step.DESCRIPTION:
        key = "reg.describe_prefilled" if items else "reg.describe"
        text, markup = t(lang, key), keyboards.describe(lang)
    else:
        text = _summary_text(lang, draft, items)
        markup = keyboards.confirm(lang)
    sent = await context.bot.send_message(client.id, text, reply_markup=markup)
    await _remember_prompt(desk, client.id, sent.message_id)


def _description(items: list) -> str:  # type: ignore[type-arg]
    return "\n\n".join(item.text for item in items if item.text).strip()


def _summary_text(lang: str, draft: Draft, items: list) -> str:  # type: ignore[type-arg]
    return render.summary(
        lang,
        type_code=draft.type or TicketType.INCIDENT.value,
        priority_code=draft.priority or DEFAULT_PRIORITY.value,
        description=_description(items),
        attachments=sum(1 for item in items if item.kind != "text"),
    )


async def on_callback(update: Update, context: DeskContext) -> None:
    """Handles every ``r:`` button of the registration."""
    query = update.callback_query
    assert query is not None and query.data is not None
    desk = context.desk
    client = await touch_client(update, desk)
    lang = client.language
    parts = query.data.split(":")
    action = parts[1] if len(parts) > 1 else ""
    async with desk.tx() as session:
        draft = await repo.get_draft(session, client_id=client.id)
    if action == "cancel":
        async with desk.tx() as session:
            had = await repo.discard_draft(session, client_id=client.id)
        await answer(query)
        await edit_or_send(query, t(lang, "reg.cancelled" if had else "reg.nothing_to_cancel"))
        return
    if draft is None:
        await answer(query, t(lang, "reg.already_created" if action == "ok" else "reg.step_over"))
        return
    if action == "resume":
        await answer(query)
        await ask_step(context, client, draft)
        return
    handler = {
        "type": _chose_type,
        "prio": _chose_priority,
        "done": _pressed_done,
        "ok": _confirmed,
        "edit": _edit_menu,
        "e": _edit_choice,
    }.get(action)
    if handler is None:
        await answer(query, t(lang, "reg.step_over"))
        return
    await handler(update, context, client, draft, parts[2] if len(parts) > 2 else "")


async def _chose_type(
    update: Update, context: DeskContext, client: Client, draft: Draft, value: str
) -> None:
    """Stores the chosen type and asks for the priority or the description."""
    query = update.callback_query
    assert query is not None
    lang = client.language
    if draft.step != Step.TYPE or value not in TicketType._value2member_map_:
        await answer(query, t(lang, "reg.step_over"))
        return
    kind = TicketType(value)
    desk = context.desk
    async with desk.tx() as session:
        row = await repo.get_draft(session, client_id=client.id)
        assert row is not None
        row.type = kind.value
        if kind.asks_priority:
            row.step = Step.PRIORITY
        else:
            row.priority = DEFAULT_PRIORITY.value
            row.step = await _after_priority(session, row)
        row.updated_at = desk.clock.now()
        draft = row
    await answer(query)
    await edit_or_send(
        query, f"{t(lang, 'reg.edit_type')}: <b>{render.type_label(lang, kind.value)}</b>"
    )
    await ask_step(context, client, draft)


async def _after_priority(session, draft: Draft) -> str:  # type: ignore[no-untyped-def]
    if draft.editing:
        draft.editing = False
        return Step.CONFIRM
    return Step.DESCRIPTION


async def _chose_priority(
    update: Update, context: DeskContext, client: Client, draft: Draft, value: str
) -> None:
    """Stores the priority and asks for the description (or returns to the summary)."""
    query = update.callback_query
    assert query is not None
    lang = client.language
    if draft.step != Step.PRIORITY or value not in Priority._value2member_map_:
        await answer(query, t(lang, "reg.step_over"))
        return
    desk = context.desk
    async with desk.tx() as session:
        row = await repo.get_draft(session, client_id=client.id)
        assert row is not None
        row.priority = value
        row.step = await _after_priority(session, row)
        row.updated_at = desk.clock.now()
        draft = row
    await answer(query)
    await edit_or_send(
        query, f"{t(lang, 'reg.edit_priority')}: <b>{render.priority_label(lang, value)}</b>"
    )
    await ask_step(context, client, draft)


async def _pressed_done(
    update: Update, context: DeskContext, client: Client, draft: Draft, _: str
) -> None:
    """Ends the description and shows the summary."""
    query = update.callback_query
    assert query is not None
    lang = client.language
    if draft.step != Step.DESCRIPTION:
        await answer(query, t(lang, "reg.step_over"))
        return
    desk = context.desk
    async with desk.tx() as session:
        items = list(await repo.draft_items(session, client_id=client.id))
        if not items:
            empty = True
        else:
            empty = False
            row = await repo.get_draft(session, client_id=client.id)
            assert row is not None
            row.step = Step.CONFIRM
            row.updated_at = desk.clock.now()
            draft = row
    if empty:
        await answer(query, t(lang, "reg.empty_description"), alert=True)
        return
    await answer(query)
    await drop_buttons(query)
    await ask_step(context, client, draft)


async def _edit_menu(
    update: Update, context: DeskContext, client: Client, draft: Draft, _: str
) -> None:
    """Shows what can be changed."""
    query = update.callback_query
    assert query is not None
    lang = client.language
    if draft.step != Step.CONFIRM:
        await answer(query, t(lang, "reg.step_over"))
        return
    await answer(query)
    await edit_or_send(
        query,
        t(lang, "reg.edit_what"),
        keyboards.edit_menu(lang, with_priority=draft.type == TicketType.INCIDENT.value),
    )


async def _edit_choice(
    update: Update, context: DeskContext, client: Client, draft: Draft, value: str
) -> None:
    """Goes back to the chosen step; after it the summary comes again."""
    query = update.callback_query
    assert query is not None
    lang = client.language
    if draft.step != Step.CONFIRM or value not in ("type", "prio", "desc", "back"):
        await answer(query, t(lang, "reg.step_over"))
        return
    desk = context.desk
    async with desk.tx() as session:
        row = await repo.get_draft(session, client_id=client.id)
        assert row is not None
        if value == "type":
            row.step, row.editing = Step.TYPE, True
        elif value == "prio":
            row.step, row.editing = Step.PRIORITY, True
        elif value == "desc":
            row.step, row.editing = Step.DESCRIPTION, False
            await repo.clear_draft_items(session, client_id=client.id)
        row.updated_at = desk.clock.now()
        draft = row
    await answer(query)
    await drop_buttons(query)
    await ask_step(context, client, draft)


async def _confirmed(
    update: Update, context: DeskContext, client: Client, draft: Draft, _: str
) -> None:
    """Stores the ticket, tells the client its number and opens its thread for engineers."""
    query = update.callback_query
    assert query is not None
    lang = client.language
    if draft.step != Step.CONFIRM:
        await answer(query, t(lang, "reg.step_over"))
        return
    desk = context.desk
    now = desk.clock.now()
    async with desk.tx() as session:
        items = list(await repo.draft_items(session, client_id=client.id))
        description = _description(items)
        kind = TicketType(draft.type or TicketType.INCIDENT.value)
        priority = draft.priority or DEFAULT_PRIORITY.value
        ticket = await repo.create_ticket(
            session,
            client_id=client.id,
            type_=kind.value,
            priority=priority,
            status=Status.NEW.value,
            subject=first_line(description, 80),
            description=description,
            operator_chat_id=desk.operator_chat_id,
            now=now,
        )
        rows = []
        for item in items:
            rows.append(
                await repo.add_ticket_message(
                    session,
                    ticket_id=ticket.id,
                    direction="in",
                    author_id=client.id,
                    author_name=client.display_name,
                    kind=item.kind,
                    text=item.text,
                    file_id=item.file_id,
                    media_group_id=item.media_group_id,
                    source_chat_id=client.id,
                    source_message_id=item.message_id,
                    now=now,
                )
            )
        ticket.parent_ticket_id = draft.parent_ticket_id
        deadlines.plan(ticket, desk.calendar, desk.settings.sla_table)
        if draft.kb_search_id is not None:
            search = await repo.get_search(session, search_id=draft.kb_search_id)
            if search is not None and search.client_id == client.id:
                search.ticket_id = ticket.id
        await repo.discard_draft(session, client_id=client.id)
        fresh = await repo.get_client(session, client_id=client.id)
        assert fresh is not None
        fresh.active_ticket_id = ticket.id
        fresh.shown_ticket_id = ticket.id
        if draft.prompt_message_id:
            await repo.link_message(
                session, chat_id=client.id, message_id=draft.prompt_message_id, ticket_id=ticket.id
            )
    await answer(query)
    text = t(
        lang,
        "reg.created",
        number=format_number(ticket.number),
        type=render.type_label(lang, kind.value),
        priority=render.priority_label(lang, priority),
    )
    if kind.is_paid:
        text += t(lang, "reg.created_paid")
    await edit_or_send(query, text)
    # Engineers get the ticket: topic (or header card) and copies of every message.
    await relay.deliver_to_operators(context.bot, desk, rows, live=True)


async def on_message(update: Update, context: DeskContext, client: Client, draft: Draft) -> None:
    """A client's message while a draft is open: it always lands in the description."""
    desk = context.desk
    message = update.effective_message
    assert message is not None
    lang = client.language
    async with desk.tx() as session:
        count_before = len(await repo.draft_items(session, client_id=client.id))
        await _add_item(session, client.id, message)
        row = await repo.get_draft(session, client_id=client.id)
        assert row is not None
        row.updated_at = desk.clock.now()
    step = Step(draft.step)
    if step is Step.DESCRIPTION:
        if count_before == 0:
            await message.reply_text(
                t(lang, "reg.describe_more"), reply_markup=keyboards.describe(lang)
            )
        else:
            await _react(context, message)
        return
    if step is Step.CONFIRM:
        await message.reply_text(t(lang, "reg.use_buttons"))
        await ask_step(context, client, draft)
        return
    await message.reply_text(t(lang, "reg.use_buttons"))


async def _react(context: DeskContext, message: Message) -> None:
    try:
        await message.set_reaction("👌")
    except TelegramError as exc:
        logger.info("reaction failed, acknowledging with text: %s", exc)
        await message.reply_text("✓")
