"""How the desk's messages speak of an engineer, and ``/me`` where the engineer says so."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Message

from bot.context import Desk, Unit
from bot.service.origin import Origin
from bot.texts import t
from desk.people import Gender, gender_of, parse_gender
from storage import people


async def engineer_gender(session: AsyncSession, desk: Desk, user_id: int | None) -> Gender:
    """The gender messages use for this engineer: their own /me, the setting, or neutral."""
    if user_id is None:
        return Gender.NEUTRAL
    told = await people.told_gender(session, user_id=user_id)
    return gender_of(user_id, told=told, configured=desk.settings.engineer_genders)


async def engineer(unit: Unit, origin: Origin) -> dict[str, object]:
    """The values a message speaking of the engineer behind `origin` takes: their name and
    the gender the wording uses (``t(lang, key, **values)``)."""
    gender = await engineer_gender(unit.session, unit.desk, origin.user_id)
    return {"engineer": origin.name, "gender": gender}


async def me(desk: Desk, message: Message, *, user_id: int, name: str, word: str) -> None:
    """``/me`` shows how messages speak of the engineer; ``/me женский`` changes it."""
    async with desk.unit() as unit:
        if not word:
            gender = await engineer_gender(unit.session, desk, user_id)
            text = t(desk.op_lang, "op.me_show", name=name, gender=gender)
        elif (chosen := parse_gender(word)) is None:
            text = t(desk.op_lang, "op.me_unknown", word=word)
        else:
            await people.tell_gender(
                unit.session, user_id=user_id, gender=chosen.value, now=desk.clock.now()
            )
            text = t(desk.op_lang, "op.me_set", name=name, gender=chosen)
        await unit.out.answer(message, text)
