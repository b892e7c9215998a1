"""A client's unfinished ticket (a draft): starting one, and what goes into its description.

The step and everything entered live in the ``drafts`` table, so a restart of the bot loses
nothing. The registration dialogue itself is ``bot/service/registration.py``.
"""

from __future__ import annotations

from enum import StrEnum

from bot import keyboards
from bot.context import Unit
from bot.incoming import Incoming
from bot.texts import t
from storage import repo
from storage.models import Client


class Step(StrEnum):
    """Where the client is in the registration."""

    TYPE = "type"
    PRIORITY = "priority"
    DESCRIPTION = "description"
    CONFIRM = "confirm"


async def begin(
    unit: Unit,
    client: Client,
    *,
    prefill: tuple[int, Incoming] | None = None,
    prefill_item: tuple[int, str] | None = None,
    intro: str | None = None,
    kb_search_id: int | None = None,
    parent_ticket_id: int | None = None,
) -> None:
    """Starts a new draft in the caller's unit, optionally with the client's message (its id
    and what it carries), or a message id and its text from a knowledge-base search, as the
    start of its description; asks for the ticket's type."""
    session = unit.session
    draft = await repo.start_draft(
        session, client_id=client.id, step=Step.TYPE, now=unit.desk.clock.now()
    )
    draft.kb_search_id = kb_search_id
    draft.parent_ticket_id = parent_ticket_id
    if prefill is not None:
        await add_item(unit, client.id, *prefill)
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
    text = intro or t(client.language, "reg.choose_type")
    await unit.out.message(
        client.id,
        text,
        markup=keyboards.ticket_types(client.language),
        after=[("draft_prompt", client.id)],
    )


async def add_item(unit: Unit, client_id: int, message_id: int, message: Incoming) -> None:
    """A client's message becomes part of the draft's description (once per message)."""
    await repo.add_draft_item(
        unit.session,
        client_id=client_id,
        message_id=message_id,
        kind=message.kind,
        text=message.text,
        file_id=message.file_id,
        media_group_id=message.media_group_id,
        html=message.html,
    )


async def edit_item(unit: Unit, client_id: int, message_id: int, message: Incoming) -> bool:
    """The client edited a message that is part of an unfinished description: the draft
    takes the new text, so the summary and the engineers see the same. True if it was one."""
    return await repo.update_draft_item(
        unit.session,
        client_id=client_id,
        message_id=message_id,
        text=message.text,
        html=message.html,
    )
