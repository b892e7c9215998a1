"""An admin asks for the month's act and the desk's figures in the operator group: one
document, one photo, each through the outbox; engineers are refused."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from openpyxl import load_workbook

from desk.clock import ManualClock
from emulator import BotApiEmulator, text_of
from storage.db import create_engine, create_sessionmaker
from tests.e2e.conftest import Desk, running_desk
from tests.report_data import ROMASHKA_ROWS, msk, seed_act

# Tuesday 1 December 2026, 09:00 in Moscow: "last month" is November.
NOW = msk("2026-12-01", 9)


@dataclass
class ReportDesk:
    desk: Desk
    admin: int

    def ask(self, user: int, command: str) -> int:
        """`user` gives a command in the group's General topic; returns the mark to wait
        after."""
        mark = self.desk.last_id(self.desk.group)
        self.desk.emu.send_command(self.desk.group, user, command)
        return mark

    def sent(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.desk.emu.messages(self.desk.group, from_bot=True) if kind in m]

    def workbook(self, message: dict[str, Any]) -> Any:
        content = self.desk.emu.file_bytes(message["document"]["file_id"])
        return load_workbook(io.BytesIO(content))


@pytest.fixture
async def reports(emu: BotApiEmulator, database_url: str) -> AsyncIterator[ReportDesk]:
    """The bot with an admin, on a database holding November's work (tests/report_data.py)."""
    admin = emu.add_user(first_name="Анна", last_name="Админ", username=None, language_code="ru")
    clock = ManualClock(NOW)
    async with running_desk(
        emu, database_url, clock=clock, admin_ids=frozenset({admin}), timezone="Europe/Moscow"
    ) as desk:
        emu.add_member(desk.group, admin)
        engine = create_engine(database_url)
        try:
            async with create_sessionmaker(engine)() as session, session.begin():
                await seed_act(session)
        finally:
            await engine.dispose()
        yield ReportDesk(desk=desk, admin=admin)


async def test_an_admin_gets_last_month_s_act_as_one_document(reports: ReportDesk) -> None:
    desk = reports.desk
    mark = reports.ask(reports.admin, "/report")
    answer = await desk.bot_says(desk.group, "Акт выполненных работ", after=mark)
    assert answer["document"]["file_name"] == "act-2026-11.xlsx"
    assert text_of(answer) == (
        "📄 Акт выполненных работ за ноябрь 2026 г.: 3 орг., 5 заявок, 7,67 ч."
    )
    book = reports.workbook(answer)
    assert book.sheetnames == ["АО «Вектор»", "ООО «Ромашка»", "Без организации", "Сводка"]
    romashka = book["ООО «Ромашка»"]
    assert romashka["A1"].value == "Акт выполненных работ — ООО «Ромашка»"
    assert [[c.value for c in row] for row in romashka.iter_rows(min_row=5)] == ROMASHKA_ROWS
    # One send into the group for the command: the document is the whole answer.
    assert (
        len([m for m in desk.emu.messages(desk.group, from_bot=True) if m["message_id"] > mark])
        == 1
    )


async def test_one_organization_s_act_for_a_month_given(reports: ReportDesk) -> None:
    desk = reports.desk
    mark = reports.ask(reports.admin, "/report 2026-10 ао вектор")
    answer = await desk.bot_says(desk.group, "Акт выполненных работ", after=mark)
    assert answer["document"]["file_name"] == "act-2026-10.xlsx"
    book = reports.workbook(answer)
    assert book.sheetnames == ["АО «Вектор»", "Сводка"]
    assert [c.value for c in book["АО «Вектор»"][5]][-2:] == ["Ольга Смирнова", 1.0]

    mark = reports.ask(reports.admin, "/report 2026-11 ООО Лютик")
    await desk.bot_says(desk.group, "Организации «ООО Лютик» нет.", after=mark)
    mark = reports.ask(reports.admin, "/report 2026-13")
    await desk.bot_says(desk.group, "Акт за месяц: /report 2026-11", after=mark)
    mark = reports.ask(reports.admin, "/report 2026-09")
    await desk.bot_says(desk.group, "Оплачиваемых часов за сентябрь 2026 г. нет", after=mark)
    assert len(reports.sent("document")) == 1


async def test_an_engineer_who_is_not_an_admin_is_refused(reports: ReportDesk) -> None:
    desk = reports.desk
    engineer = desk.engineers[0]
    for command in ("/report 2026-11", "/stats"):
        mark = reports.ask(engineer, command)
        await desk.bot_says(desk.group, "Эта команда только для администраторов.", after=mark)
    assert reports.sent("document") == [] and reports.sent("photo") == []


async def test_stats_is_one_photo_with_the_figures_in_its_caption(reports: ReportDesk) -> None:
    desk = reports.desk
    mark = reports.ask(reports.admin, "/stats")
    photo = await desk.bot_says(desk.group, "Заявки и показатели", after=mark)
    assert text_of(photo).splitlines() == [
        "📊 Заявки и показатели за 12 нед. (14.09.2026 — 06.12.2026)",
        "Открыто: 6, закрыто: 4",
        "Первый ответ в срок: — (0 из 0)",
        "Средняя оценка: — (0 оценок)",
        "Ответила база знаний: — (0 из 0 вопросов)",
    ]
    content = desk.emu.file_bytes(photo["photo"][-1]["file_id"])
    assert content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) > 10_000

    mark = reports.ask(reports.admin, "/stats 4")
    four = await desk.bot_says(desk.group, "Заявки и показатели", after=mark)
    assert "за 4 нед. (09.11.2026 — 06.12.2026)" in text_of(four)
    assert "Открыто: 4, закрыто: 3" in text_of(four)
    mark = reports.ask(reports.admin, "/stats много")
    await desk.bot_says(desk.group, "от 1 до 104 недель", after=mark)


async def test_a_document_whose_send_may_have_failed_is_sent_again_marked(
    reports: ReportDesk,
) -> None:
    desk = reports.desk
    desk.emu.inject_lost_answer("sendDocument")
    mark = reports.ask(reports.admin, "/report 2026-11")
    again = await desk.bot_says(desk.group, "возможно, повтор", after=mark, timeout=15)
    first = reports.sent("document")[0]
    assert text_of(first).startswith("📄 Акт выполненных работ")
    assert text_of(again).endswith(
        "📄 Акт выполненных работ за ноябрь 2026 г.: 3 орг., 5 заявок, 7,67 ч."
    )
    assert desk.emu.file_bytes(again["document"]["file_id"]) == desk.emu.file_bytes(
        first["document"]["file_id"]
    )
