"""The desk's figures from a known set of tickets and searches: weeks, first response,
rating, knowledge base."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.reports import stats_png, stats_text
from desk.stats import SearchFacts, TicketFacts, answered_by_kb, compute, period_start, week_starts

ZONE = ZoneInfo("Europe/Moscow")
# Tuesday 1 December 2026, 01:30 in Moscow (Monday 30 November, 22:30 UTC).
NOW = datetime(2026, 11, 30, 22, 30, tzinfo=UTC)


def at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=ZONE).astimezone(UTC)


def test_iso_weeks_end_with_the_current_one_in_the_desk_s_zone() -> None:
    starts = week_starts(NOW.astimezone(ZONE).date(), 12)
    assert starts[-1] == date(2026, 11, 30) and starts[0] == date(2026, 9, 14)
    assert all(d.weekday() == 0 for d in starts)
    assert period_start(NOW, 12, ZONE) == datetime(2026, 9, 13, 21, 0, tzinfo=UTC)
    with pytest.raises(ValueError):
        week_starts(date(2026, 12, 1), 0)


TICKETS = [
    # Week of 23 Nov: answered in time, closed, rated 5.
    TicketFacts(at("2026-11-23"), at("2026-11-24"), at("2026-11-23", 13), at("2026-11-23", 14), 5),
    # Week of 23 Nov: answered late, closed 29 Nov 23:30 Moscow (still that week), rated 2.
    TicketFacts(
        at("2026-11-24"),
        at("2026-11-29", 23) + timedelta(minutes=30),
        at("2026-11-25"),
        at("2026-11-24", 16),
        2,
    ),
    # Week of 30 Nov (Monday 00:30 Moscow = Sunday in UTC): never answered, deadline passed.
    TicketFacts(at("2026-11-30", 0) + timedelta(minutes=30), None, None, at("2026-11-30", 1)),
    # This week, deadline still ahead: not judged.
    TicketFacts(at("2026-12-01", 1), None, None, at("2026-12-01", 10)),
    # No deadline at all: not judged.
    TicketFacts(at("2026-11-02"), at("2026-11-03"), None, None, None),
    # Opened before the period, closed in it: only the closed count and its rating.
    TicketFacts(at("2026-08-01"), at("2026-09-15"), at("2026-08-01"), at("2026-08-02"), 4),
    # Before the period altogether.
    TicketFacts(at("2026-08-01"), at("2026-08-02"), None, None, 1),
]

SEARCHES = [
    SearchFacts(at("2026-11-20"), "results", helped=True),
    SearchFacts(at("2026-11-20"), "results", opened_article="backup"),  # opened, silent
    SearchFacts(at("2026-11-20"), "results", opened_article="backup", ticket_id=7),
    SearchFacts(at("2026-11-20"), "results", helped=False),
    SearchFacts(at("2026-11-20"), "results"),  # shown, nothing opened
    SearchFacts(at("2026-11-20"), "none"),
    SearchFacts(at("2026-11-20"), "greeting"),  # chatter: not a question
    SearchFacts(at("2026-08-20"), "results", helped=True),  # before the period
]


def test_the_figures_of_a_known_desk() -> None:
    figures = compute(TICKETS, SEARCHES, now=NOW, weeks=12, zone=ZONE)
    opened = [w.opened for w in figures.weeks]
    closed = [w.closed for w in figures.weeks]
    assert opened == [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 2, 2]
    assert closed == [1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 2, 0]
    # Judged: the two of 23-24 Nov and the unanswered one; met: one.
    assert (figures.first_response.part, figures.first_response.whole) == (1, 3)
    assert figures.first_response.value == pytest.approx(1 / 3)
    assert (figures.rating_sum, figures.rating_count) == (11, 3)
    assert figures.rating == pytest.approx(11 / 3)
    assert (figures.kb.part, figures.kb.whole) == (2, 6)
    assert (figures.start, figures.end) == (date(2026, 9, 14), date(2026, 12, 6))


def test_nothing_to_judge_is_no_share_rather_than_zero() -> None:
    figures = compute([], [], now=NOW, weeks=4, zone=ZONE)
    assert figures.first_response.value is None
    assert figures.rating is None and figures.kb.value is None
    assert [w.opened for w in figures.weeks] == [0, 0, 0, 0]
    text = stats_text(figures, "ru")
    assert "Первый ответ в срок: — (0 из 0)" in text
    assert "Средняя оценка: — (0 оценок)" in text


def test_answered_by_the_knowledge_base_is_kbstats_rule() -> None:
    def kb(**kw: object) -> bool:
        values: dict[str, object] = {
            "outcome": "results",
            "helped": None,
            "opened_article": None,
            "ticket_id": None,
        }
        return answered_by_kb(**(values | kw))  # type: ignore[arg-type]

    assert kb(helped=True)
    assert kb(opened_article="a")
    assert not kb(opened_article="a", helped=False)
    assert not kb(helped=True, ticket_id=1)
    assert not kb(outcome="none", helped=True)
    assert not kb()


def test_the_figures_as_text_and_as_a_png() -> None:
    figures = compute(TICKETS, SEARCHES, now=NOW, weeks=12, zone=ZONE)
    text = stats_text(figures, "ru")
    assert text.splitlines()[0] == "Заявки по неделям: 14.09.2026 — 06.12.2026"
    assert "23.11.2026  Открыто:   2  Закрыто:   2" in text
    assert "Первый ответ в срок: 33 % (1 из 3)" in text
    assert "Средняя оценка: 3,7 (3 оценки)" in text
    assert "Ответила база знаний: 33 % (2 из 6 вопросов)" in text
    english = stats_text(figures, "en")
    assert "First response in time: 33% (1 of 3)" in english
    assert "Average rating: 3.7 (3 ratings)" in english
    png = stats_png(figures, "en")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert 10_000 < len(png) < 500_000
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (1000, 560)
