"""/report and /stats in the operator group (admins). The use cases are
``bot/service/reports.py``."""

from __future__ import annotations

from telegram import Update

from bot.context import DeskContext
from bot.handlers.common import origin_of
from bot.service import reports


async def report(update: Update, context: DeskContext) -> None:
    """/report [YYYY-MM] [organization]: sends the month's act of completed work (XLSX)."""
    message = update.effective_message
    if message is None:
        return
    await reports.report(context.desk, origin_of(context.desk, message), list(context.args or []))


async def stats(update: Update, context: DeskContext) -> None:
    """/stats [weeks]: sends the chart of tickets per week with the desk's figures."""
    message = update.effective_message
    if message is None:
        return
    await reports.stats(context.desk, origin_of(context.desk, message), list(context.args or []))
