"""Registering a ticket: type, priority, description with attachments, summary, and the
ticket it becomes.

The step and everything entered live in the ``drafts`` table (``bot/service/drafts.py``), so
a restart of the bot loses nothing: the client's next message or button press continues from
the same step.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot import callbacks as cb
from bot import deadlines, keyboards, render
from bot.context import Desk, Unit
from bot.incoming import ClientMessage, Incoming
from bot.logs import bind_ticket
from bot.service import drafts
from bot.service.buttons import Answer, drop_buttons, edit_or_send
from bot.service.drafts import Step
from bot.service.notices import remember_told
from bot.service.origin import Origin
from bot.texts import t
from desk.partners import routes_to_partner
from desk.text import first_line
from desk.tickets import DEFAULT_PRIORITY, Priority, Status, TicketType
from storage import repo
from storage.models import Client, Draft


async def start(
    desk: Desk,
    client: Client,
    *,
    prefill: tuple[int, Incoming] | None = None,
    intro: str | None = None,
) -> None:
    """/new, the menu's "New ticket": starts a new draft, optionally with the client's
    message (its id and what it carries) as its description."""
    async with desk.unit() as unit:
        await drafts.begin(unit, client, prefill=prefill, intro=intro)


async def cancel(desk: Desk, client: Client) -> None:
    """/cancel: drops the draft, at any step (or a priority request waiting for its reason)."""
    async with desk.unit() as unit:
        had = await repo.discard_draft(unit.session, client_id=client.id)
        row = await repo.get_client(unit.session, client_id=client.id)
        raising = row is not None and row.pending_raise_ticket_id is not None
        if raising and row is not None:
            row.pending_raise_ticket_id = None
        key = "reg.cancelled" if had else "reg.nothing_to_cancel"
        if raising and not had:
            key = "client.raise_cancelled"
        await unit.out.message(client.id, t(client.language, key))


async def ask_step(unit: Unit, client: Client, draft: Draft) -> None:
    """Sends the prompt for the draft's current step."""
    lang = client.language
    step = Step(draft.step)
    items = list(await repo.draft_items(unit.session, client_id=client.id))
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
    await unit.out.message(client.id, text, markup=markup, after=[("draft_prompt", client.id)])


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


Step_ = Callable[[Unit, Origin | None, Client, Draft, str], Awaitable[Answer]]


async def button(
    desk: Desk, client: Client, press: cb.RegistrationPress | None, pressed: Origin | None
) -> Answer:
    """Every ``r:`` button of the registration (`press` None: data no builder writes)."""
    lang = client.language
    async with desk.unit() as unit:
        draft = await repo.get_draft(unit.session, client_id=client.id)
        if press is None:
            return Answer(t(lang, "reg.step_over"))
        action = press.action
        if action is cb.Registration.CANCEL:
            had = await repo.discard_draft(unit.session, client_id=client.id)
            await edit_or_send(
                unit.out,
                pressed,
                client.id,
                t(lang, "reg.cancelled" if had else "reg.nothing_to_cancel"),
            )
            return Answer()
        if draft is None:
            sent = action is cb.Registration.CONFIRM
            return Answer(t(lang, "reg.already_created" if sent else "reg.step_over"))
        if action is cb.Registration.RESUME:
            await ask_step(unit, client, draft)
            return Answer()
        step: Step_ | None = {
            cb.Registration.TYPE: _chose_type,
            cb.Registration.PRIORITY: _chose_priority,
            cb.Registration.DONE: _pressed_done,
            cb.Registration.CONFIRM: _confirmed,
            cb.Registration.EDIT: _edit_menu,
            cb.Registration.EDIT_PART: _edit_choice,
        }.get(action)
        if step is None:
            return Answer(t(lang, "reg.step_over"))
        return await step(unit, pressed, client, draft, press.value.value if press.value else "")


async def _chose_type(
    unit: Unit, pressed: Origin | None, client: Client, draft: Draft, value: str
) -> Answer:
    """Stores the chosen type and asks for the priority or the description."""
    lang = client.language
    if draft.step != Step.TYPE or value not in TicketType._value2member_map_:
        return Answer(t(lang, "reg.step_over"))
    kind = TicketType(value)
    row = await repo.get_client(unit.session, client_id=client.id)
    org = row.org if row is not None else None
    if org is not None and routes_to_partner(org.kind, org.partner_name, kind.value):
        # Before any ticket exists: the partner's contacts stay in the chat (the prompt
        # becomes them) and the type is asked again, with Cancel.
        draft.updated_at = unit.desk.clock.now()
        await edit_or_send(unit.out, pressed, client.id, render.partner_consultation(lang, org))
        await ask_step(unit, client, draft)
        return Answer()
    draft.type = kind.value
    if kind.asks_priority:
        draft.step = Step.PRIORITY
    else:
        draft.priority = DEFAULT_PRIORITY.value
        draft.step = _after_priority(draft)
    label = render.type_label(lang, kind.value)
    return await _answered(unit, pressed, client, draft, "reg.edit_type", label)


async def _answered(
    unit: Unit, pressed: Origin | None, client: Client, draft: Draft, question: str, label: str
) -> Answer:
    """The question's message becomes "question: answer", and the next step is asked."""
    draft.updated_at = unit.desk.clock.now()
    lang = client.language
    await edit_or_send(unit.out, pressed, client.id, f"{t(lang, question)}: <b>{label}</b>")
    await ask_step(unit, client, draft)
    return Answer()


def _after_priority(draft: Draft) -> str:
    if draft.editing:
        draft.editing = False
        return Step.CONFIRM
    return Step.DESCRIPTION


async def _chose_priority(
    unit: Unit, pressed: Origin | None, client: Client, draft: Draft, value: str
) -> Answer:
    """Stores the priority and asks for the description (or returns to the summary)."""
    lang = client.language
    if draft.step != Step.PRIORITY or value not in Priority._value2member_map_:
        return Answer(t(lang, "reg.step_over"))
    draft.priority = value
    draft.step = _after_priority(draft)
    label = render.priority_label(lang, value)
    return await _answered(unit, pressed, client, draft, "reg.edit_priority", label)


async def _pressed_done(
    unit: Unit, pressed: Origin | None, client: Client, draft: Draft, _: str
) -> Answer:
    """Ends the description and shows the summary."""
    lang = client.language
    desk = unit.desk
    if draft.step != Step.DESCRIPTION:
        return Answer(t(lang, "reg.step_over"))
    items = list(await repo.draft_items(unit.session, client_id=client.id))
    if not items:
        return Answer(t(lang, "reg.empty_description"), alert=True)
    draft.step = Step.CONFIRM
    draft.updated_at = desk.clock.now()
    await drop_buttons(unit.out, pressed)
    await ask_step(unit, client, draft)
    return Answer()


async def _edit_menu(
    unit: Unit, pressed: Origin | None, client: Client, draft: Draft, _: str
) -> Answer:
    """Shows what can be changed."""
    lang = client.language
    if draft.step != Step.CONFIRM:
        return Answer(t(lang, "reg.step_over"))
    await edit_or_send(
        unit.out,
        pressed,
        client.id,
        t(lang, "reg.edit_what"),
        keyboards.edit_menu(lang, with_priority=draft.type == TicketType.INCIDENT.value),
    )
    return Answer()


async def _edit_choice(
    unit: Unit, pressed: Origin | None, client: Client, draft: Draft, value: str
) -> Answer:
    """Goes back to the chosen step; after it the summary comes again."""
    lang = client.language
    desk = unit.desk
    if draft.step != Step.CONFIRM or value not in ("type", "prio", "desc", "back"):
        return Answer(t(lang, "reg.step_over"))
    if value == "type":
        draft.step, draft.editing = Step.TYPE, True
    elif value == "prio":
        draft.step, draft.editing = Step.PRIORITY, True
    elif value == "desc":
        draft.step, draft.editing = Step.DESCRIPTION, False
        await repo.clear_draft_items(unit.session, client_id=client.id)
    draft.updated_at = desk.clock.now()
    await drop_buttons(unit.out, pressed)
    await ask_step(unit, client, draft)
    return Answer()


async def _confirmed(
    unit: Unit, pressed: Origin | None, client: Client, draft: Draft, _: str
) -> Answer:
    """Stores the ticket, tells the client its number and queues its first appearance for
    the engineers (topic, header card with the description, attachments)."""
    lang = client.language
    desk = unit.desk
    session = unit.session
    if draft.step != Step.CONFIRM:
        return Answer(t(lang, "reg.step_over"))
    now = desk.clock.now()
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
    bind_ticket(ticket.number)
    rows = []
    for item in items:
        row = await repo.add_client_message(
            session,
            ticket_id=ticket.id,
            client=client,
            message_id=item.message_id,
            content=item,
            now=now,
        )
        rows.append(row)
    ticket.parent_ticket_id = draft.parent_ticket_id
    deadlines.plan(ticket, desk.calendar, desk.settings.sla_table)
    if draft.kb_search_id is not None:
        search = await repo.get_search(session, search_id=draft.kb_search_id)
        if search is not None and search.client_id == client.id:
            search.ticket_id = ticket.id
    prompt_id = draft.prompt_message_id
    await repo.discard_draft(session, client_id=client.id)
    fresh = await repo.get_client(session, client_id=client.id)
    assert fresh is not None
    fresh.active_ticket_id = ticket.id
    fresh.shown_ticket_id = ticket.id
    if prompt_id:
        await repo.link_message(
            session, chat_id=client.id, message_id=prompt_id, ticket_id=ticket.id
        )
    text = render.registered(ticket, lang, desk.settings.zone, now=now)
    text += render.contract_notice(lang, fresh.org, desk.settings.zone, now=now)
    await remember_told(unit, client, ticket, text)
    await edit_or_send(unit.out, pressed, client.id, text)
    await unit.out.open_thread(ticket.id, [r.id for r in rows])
    return Answer()


async def on_message(desk: Desk, client: Client, message: ClientMessage) -> None:
    """A client's message while a draft is open: it always lands in the description."""
    lang = client.language
    async with desk.unit() as unit:
        count_before = len(await repo.draft_items(unit.session, client_id=client.id))
        await drafts.add_item(unit, client.id, message.message_id, message.content)
        row = await repo.get_draft(unit.session, client_id=client.id)
        assert row is not None
        row.updated_at = desk.clock.now()
        step = Step(row.step)
        if step is Step.DESCRIPTION:
            if count_before == 0:
                await unit.out.message(
                    client.id,
                    t(lang, "reg.describe_more"),
                    markup=keyboards.describe(lang),
                    reply_to=message.message_id,
                )
            else:
                await unit.out.react(client.id, message.message_id, "👌")
            return
        await unit.out.message(client.id, t(lang, "reg.use_buttons"), reply_to=message.message_id)
        if step is Step.CONFIRM:
            await ask_step(unit, client, row)
