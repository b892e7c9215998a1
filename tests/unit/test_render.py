"""Cards and keyboards built from rows: escaped, within Telegram's limits."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot import keyboards, render
from desk.text import utf16_len
from emulator.html_entities import parse_html
from storage.models import Client, Organization, Ticket, TicketMessage

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
MSK = ZoneInfo("Europe/Moscow")


def make_client(**kw: object) -> Client:
    values = dict(
        id=5_000_000_001,
        first_name="<3 Аня",
        last_name=None,
        username="anya",
        language="ru",
    )
    values.update(kw)
    return Client(**values)


def make_ticket(**kw: object) -> Ticket:
    values = dict(
        id=7,
        number=1042,
        client_id=5_000_000_001,
        type="incident",
        priority="high",
        status="new",
        subject="Не <b>открывается",
        description="Не <b>открывается</b>",
        assignee_name=None,
        created_at=NOW,
        updated_at=NOW,
        closed_at=None,
    )
    values.update(kw)
    return Ticket(**values)


def test_header_card_escapes_the_clients_name() -> None:
    text = render.header_card(make_ticket(), make_client(), "ru", MSK, forum=True)
    plain, _ = parse_html(text)
    assert "Клиент: <3 Аня @anya (id 5000000001)" in plain
    assert "Создана: 25.11.2026 12:30" in plain  # Moscow time


def test_topic_title_prefers_the_organization() -> None:
    title = render.topic_title(
        make_ticket(), make_client(org=Organization(name="ООО «Ромашка»")), "ru"
    )
    assert title == "🔵 #1042 · Инцидент · ООО «Ромашка» · Не <b>открывается"


def test_history_hides_notes_from_clients_and_pages_fit() -> None:
    rows = [
        TicketMessage(
            direction="in", author_name="Аня", kind="text", text="x" * 1900, created_at=NOW
        )
        for _ in range(10)
    ] + [
        TicketMessage(
            direction="note", author_name="Оля", kind="text", text="секрет", created_at=NOW
        )
    ]
    entries = render.history_entries(rows, "ru", MSK, for_client=True)
    assert not any("секрет" in e for e in entries)
    pages = render.paginate(entries, 3500)
    assert len(pages) >= 5
    for page in pages:
        plain, _ = parse_html(page)
        assert utf16_len(plain) <= 4096
    staff = render.history_entries(rows, "ru", MSK, for_client=False)
    assert any("секрет" in e for e in staff)


def test_callback_data_fits_64_bytes() -> None:
    ticket = make_ticket(id=2**62)
    markups = [
        keyboards.ticket_types("ru"),
        keyboards.priorities("en"),
        keyboards.confirm("ru"),
        keyboards.ticket_card("ru", ticket),
        keyboards.history("ru", ticket, page=999, pages=1000),
        keyboards.operator_types("ru", ticket),
        keyboards.operator_priorities("ru", ticket),
        keyboards.main_menu("ru", has_draft=True),
        keyboards.edit_menu("ru", with_priority=True),
    ]
    for markup in markups:
        for row in markup.inline_keyboard:
            for button in row:
                assert len(str(button.callback_data or "").encode()) <= 64


def test_every_status_has_a_client_form_and_a_staff_form_in_both_languages() -> None:
    from bot.texts import keys, t
    from desk.tickets import Status

    for lang in ("ru", "en"):
        for status in Status:
            client = render.status_label(lang, status.value, staff=False)
            staff = render.status_label(lang, status.value, staff=True)
            assert {f"status.{status.value}", f"status_staff.{status.value}"} <= keys(lang)
            assert client == t(lang, f"status.{status.value}")
            assert staff == t(lang, f"status_staff.{status.value}")
    assert render.status_label("ru", "waiting", staff=True) == "Ждёт ответа клиента"
    assert render.status_label("en", "waiting", staff=True) == "Waiting for the client"
    assert render.status_label("ru", "waiting", staff=False) == "Ждёт вашего ответа"


def test_the_engineers_card_uses_the_staff_form_and_the_clients_card_the_client_form() -> None:
    ticket = make_ticket(status="waiting")
    for lang, staff, client in (
        ("ru", "Ждёт ответа клиента", "Ждёт вашего ответа"),
        ("en", "Waiting for the client", "Waiting for your reply"),
    ):
        card, _ = parse_html(render.header_card(ticket, make_client(), lang, MSK, forum=False))
        assert staff in card and client not in card
        mine, _ = parse_html(render.ticket_card(ticket, lang, MSK))
        assert client in mine and staff not in mine


def test_history_shows_what_the_client_was_told_once_and_no_staff_events() -> None:
    rows = [
        TicketMessage(
            direction="notice",
            author_name="",
            kind="text",
            text="💡 #1042 · инженер предлагает решение:\n\nНастройки > Сеть & <служба>",
            created_at=NOW,
        ),
        TicketMessage(
            direction="event",
            author_name="Оля",
            kind="text",
            text="🟡 Оля взял(а) заявку #1042 в работу.",
            created_at=NOW,
        ),
    ]
    entries = render.history_entries(rows, "ru", MSK, for_client=True)
    assert len(entries) == 1
    plain, _ = parse_html(entries[0])
    assert "💡 #1042 · инженер предлагает решение" in plain
    assert "Настройки > Сеть & <служба>" in plain
    staff = render.history_entries(rows, "ru", MSK, for_client=False)
    assert any("взял(а)" in parse_html(e)[0] for e in staff)


def test_what_a_client_hears_about_release_news_is_true_for_them() -> None:
    from bot.render import subscription_reply

    assert subscription_reply(was=False, wants=True) == "news.subscribed"
    assert subscription_reply(was=True, wants=True) == "news.already_subscribed"
    assert subscription_reply(was=True, wants=False) == "news.unsubscribed"
    assert subscription_reply(was=False, wants=False) == "news.not_subscribed"
    assert subscription_reply(was=False, wants=False, answering_the_offer=True) == (
        "news.declined"
    )
    assert subscription_reply(was=True, wants=False, answering_the_offer=True) == (
        "news.unsubscribed"
    )
