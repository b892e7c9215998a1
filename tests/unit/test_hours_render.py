"""Hours as engineers and clients read them: durations, decimal hours per language, the /time
list and its buttons, the client's line and card."""

from __future__ import annotations

from datetime import date

import pytest

from bot import callbacks as cb
from bot import keyboards, render
from emulator.html_entities import parse_html
from storage.models import TimeEntry
from tests.unit.test_render import MSK, make_ticket


@pytest.mark.parametrize(
    ("lang", "minutes", "expected"),
    [
        ("ru", 0, "0 ч"),
        ("ru", 45, "45 мин"),
        ("ru", 60, "1 ч"),
        ("ru", 90, "1 ч 30 мин"),
        ("ru", 1440, "24 ч"),
        ("en", 0, "0 h"),
        ("en", 45, "45 min"),
        ("en", 90, "1 h 30 min"),
    ],
)
def test_durations(lang: str, minutes: int, expected: str) -> None:
    assert render.duration(lang, minutes) == expected


@pytest.mark.parametrize(
    ("lang", "minutes", "expected"),
    [
        ("ru", 90, "1,5 ч"),
        ("ru", 15, "0,25 ч"),
        ("ru", 110, "1,83 ч"),
        ("ru", 120, "2 ч"),
        ("ru", 0, "0 ч"),
        ("ru", 60 * 1234, "1234 ч"),  # no digit grouping
        ("en", 90, "1.5 h"),
        ("en", 110, "1.83 h"),
        ("en", 60 * 1234 + 30, "1234.5 h"),
    ],
)
def test_decimal_hours_the_languages_way(lang: str, minutes: int, expected: str) -> None:
    assert render.hours_decimal(lang, minutes) == expected


def entry(entry_id: int, name: str, minutes: int, comment: str = "") -> TimeEntry:
    return TimeEntry(
        id=entry_id,
        ticket_id=7,
        engineer_id=100 + entry_id,
        engineer_name=name,
        minutes=minutes,
        work_date=date(2026, 11, 27),
        comment=comment,
    )


def test_the_list_escapes_names_and_comments_and_buttons_are_plain() -> None:
    entries = [entry(1, "<3 Оля", 90, "a <b> & c"), entry(2, "Павел", 30)]
    text = render.time_list("ru", 1042, entries)
    shown, _ = parse_html(text)  # valid Telegram HTML
    assert shown.splitlines()[:4] == [
        "⏱ Время по заявке #1042: 2 записи",
        "27.11.2026 · <3 Оля · 1 ч 30 мин — a <b> & c",
        "27.11.2026 · Павел · 30 мин",
        "Всего: 2 ч (2 ч)",
    ]
    markup = keyboards.time_entries("ru", entries)
    assert markup is not None
    assert [row[0].text for row in markup.inline_keyboard] == [
        "🗑 27.11.2026 · <3 Оля · 1 ч 30 мин",
        "🗑 27.11.2026 · Павел · 30 мин",
    ]
    assert [row[0].callback_data for row in markup.inline_keyboard] == [
        cb.time_delete(1),
        cb.time_delete(2),
    ]


def test_a_long_list_shows_the_newest_entries_and_the_total_of_all() -> None:
    entries = [entry(i, "Оля", 10) for i in range(1, render.TIME_LIST_LIMIT + 6)]
    text, _ = parse_html(render.time_list("ru", 1042, entries))
    assert "… и ещё 5 записей раньше" in text
    assert "Всего: 5 ч 50 мин (5,83 ч)" in text
    markup = keyboards.time_entries("ru", entries)
    assert markup is not None and len(markup.inline_keyboard) == render.TIME_LIST_LIMIT
    assert len(text) < 4096


def test_an_empty_list_has_no_buttons() -> None:
    assert "время ещё не записано" in render.time_list("ru", 1042, [])
    assert keyboards.time_entries("ru", []) is None


def test_the_clients_line_and_card() -> None:
    consultation = make_ticket(type="consultation", description="Закрытие месяца")
    incident = make_ticket(description="Не печатает")
    assert render.ticket_line(consultation, "ru").endswith("Закрытие месяца · ⏱ 0 ч")
    assert render.ticket_line(consultation, "en", minutes=90).endswith("· ⏱ 1.5 h")
    assert "⏱" not in render.ticket_line(incident, "ru")
    assert render.ticket_line(incident, "ru", minutes=45).endswith("Не печатает · ⏱ 0,75 ч")

    card, _ = parse_html(render.ticket_card(consultation, "ru", MSK, minutes=90))
    assert "⏱ Затрачено: 1 ч 30 мин\n💳 К оплате: 1,5 ч" in card
    card, _ = parse_html(render.ticket_card(incident, "en", MSK, minutes=45))
    assert "⏱ Time spent: 45 min" in card and "billed" not in card
    card, _ = parse_html(render.ticket_card(incident, "ru", MSK))
    assert "Затрачено" not in card
