"""/report and /stats in the operator group (admins): the monthly act as an XLSX document and
the desk's figures as a chart, each ONE send through the outbox.

The file is written under ``DATA_DIR/reports/`` before the outgoing record that names it is
stored, and read when the record is sent (``_upload``, see ``bot/dispatcher.py``): a restart
sends it from there, and the files are the record of what was sent.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import datetime
from pathlib import Path

from bot import reports as render
from bot.context import Desk
from bot.service.origin import Origin, origin_may
from bot.texts import t
from desk import stats as rules
from desk.act import Month
from desk.roles import Privilege
from storage.reports import UnknownOrganization, load_act, load_figures

DEFAULT_WEEKS = 12
MONTH_LIKE = re.compile(r"^\d{4}-\d{1,2}$")


def parse_report_args(args: list[str], today: datetime) -> tuple[Month, str] | None:
    """``[YYYY-MM] [organization]``: the month (by default the previous one) and the name;
    None when the first word looks like a month but is not one (``2026-13``)."""
    month: Month | None = None
    if args and MONTH_LIKE.match(args[0]):
        try:
            month = Month.parse(args[0])
        except ValueError:
            return None
        args = args[1:]
    return month or Month.previous(today.date()), " ".join(args).strip()


async def _say(desk: Desk, origin: Origin, text: str) -> None:
    async with desk.unit() as unit:
        await unit.out.answer_to(origin, text)


def _stored(desk: Desk, name: str, content: bytes) -> Path:
    """The file kept for the send under DATA_DIR/reports/ (unique, so two never clash)."""
    folder = desk.settings.data_dir / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex[:12]}-{name}"
    path.write_bytes(content)
    return path


async def _send_file(
    desk: Desk, origin: Origin, *, method: str, field: str, name: str, content: bytes, caption: str
) -> None:
    path = await asyncio.to_thread(_stored, desk, name, content)
    async with desk.unit() as unit:
        await unit.out.send(
            origin.chat_id,
            method,
            {
                "message_thread_id": origin.thread_id,
                "caption": caption,
                "parse_mode": "HTML",
                "reply_parameters": {
                    "message_id": origin.message_id,
                    "allow_sending_without_reply": True,
                },
                "_upload": {"field": field, "path": str(path), "filename": name},
            },
            lane=f"g:{origin.thread_id or 0}",
            purpose="answer",
        )


async def report(desk: Desk, origin: Origin, args: list[str]) -> None:
    """/report [YYYY-MM] [organization] (admins): the month's act as one XLSX document; by
    default last month's (the previous calendar month in the desk's time zone: an act is made
    once its month has ended)."""
    lang = desk.op_lang
    if not origin_may(desk, origin, Privilege.REPORTS):
        await _say(desk, origin, t(lang, "admin_only"))
        return
    zone = desk.settings.zone
    parsed = parse_report_args(args, desk.clock.now().astimezone(zone))
    if parsed is None:
        await _say(desk, origin, t(lang, "op.report_usage"))
        return
    month, name = parsed
    try:
        async with desk.tx() as session:
            act = await load_act(session, month, zone, organization=name or None)
    except UnknownOrganization:
        await _say(desk, origin, t(lang, "op.report_no_org", name=name))
        return
    period = render.period_text(lang, month)
    if act.empty:
        await _say(desk, origin, t(lang, "op.report_empty", period=period))
        return
    content = await asyncio.to_thread(render.act_xlsx, act, lang)
    caption = t(
        lang,
        "op.report_caption",
        period=period,
        groups=len(act.groups),
        tickets=sum(len(g.lines) for g in act.groups),
        hours=render.number_text(lang, act.total),
    )
    await _send_file(
        desk,
        origin,
        method="sendDocument",
        field="document",
        name=f"act-{month}.xlsx",
        content=content,
        caption=caption,
    )


def parse_weeks(args: list[str]) -> int | None:
    """``[weeks]``: 12 by default, 1 to :data:`desk.stats.MAX_WEEKS`; None otherwise."""
    if not args:
        return DEFAULT_WEEKS
    if len(args) == 1 and args[0].isdigit() and 1 <= int(args[0]) <= rules.MAX_WEEKS:
        return int(args[0])
    return None


def stats_caption(figures: rules.Figures, lang: str) -> str:
    """The figures as the photo's caption (Telegram HTML, at most 1024 characters)."""
    fr, rating, kb = render.figure_lines(figures, lang)
    return t(
        lang,
        "op.stats_caption",
        weeks=len(figures.weeks),
        start=render.date_text(lang, figures.start),
        end=render.date_text(lang, figures.end),
        opened=sum(w.opened for w in figures.weeks),
        closed=sum(w.closed for w in figures.weeks),
        fr=fr,
        rating=rating,
        kb=kb,
    )


async def stats(desk: Desk, origin: Origin, args: list[str]) -> None:
    """/stats [weeks] (admins): the chart of the last weeks as one photo, the figures in its
    caption."""
    lang = desk.op_lang
    if not origin_may(desk, origin, Privilege.REPORTS):
        await _say(desk, origin, t(lang, "admin_only"))
        return
    weeks = parse_weeks(args)
    if weeks is None:
        await _say(desk, origin, t(lang, "op.stats_usage", max=rules.MAX_WEEKS))
        return
    async with desk.tx() as session:
        figures = await load_figures(
            session, now=desk.clock.now(), weeks=weeks, zone=desk.settings.zone
        )
    content = await asyncio.to_thread(render.stats_png, figures, lang)
    await _send_file(
        desk,
        origin,
        method="sendPhoto",
        field="photo",
        name="stats.png",
        content=content,
        caption=stats_caption(figures, lang),
    )
