"""The organizations' messages: the header card's organization line and button, the /orgs
panel's views, built from rows alone."""

from __future__ import annotations

from datetime import date, timedelta

from bot import callbacks as cb
from bot import orgs_view, render
from bot.texts import t
from emulator.html_entities import parse_html
from storage.models import Invitation, Organization
from tests.unit.test_render import MSK, NOW, make_client, make_ticket

TODAY = date(2026, 11, 25)


def org(name: str = "ООО «Ромашка»", **kw: object) -> Organization:
    values: dict[str, object] = dict(
        id=3, name=name, name_key=name.lower(), kind="direct", notes="", contract_until=None
    )
    values.update(kw)
    return Organization(**values)


def plain(html: str) -> str:
    text, _ = parse_html(html)
    return text


def test_an_unverified_client_is_marked_and_offered_the_link_button() -> None:
    ticket, client = make_ticket(), make_client()
    card = plain(render.header_card(ticket, client, "ru", MSK, forum=True, today=TODAY))
    assert "Организация: ⚠️ не подтверждён" in card
    markup = render.card_markup(ticket, client, "ru")
    assert markup is not None
    button = markup["inline_keyboard"][0][0]  # type: ignore[index]
    assert button["text"] == "🏢 Привязать к организации"
    assert cb.parse_org(button["callback_data"]) == cb.OrgPress(cb.OrgAction.PICK, ticket.id, 0)


def test_a_partners_client_with_an_ended_contract() -> None:
    client = make_client(
        org=org(kind="partner", partner_name="<Интегро>", contract_until=date(2026, 11, 24))
    )
    card = plain(render.header_card(make_ticket(), client, "ru", MSK, forum=True, today=TODAY))
    assert "Организация: ООО «Ромашка» (клиент партнёра «<Интегро>»)" in card
    assert "⛔ Контракт закончился 24.11.2026" in card
    assert render.card_markup(make_ticket(), client, "ru") is None
    # The end date is the last day covered: on it the contract still runs.
    still = plain(
        render.header_card(make_ticket(), client, "en", MSK, forum=False, today=date(2026, 11, 24))
    )
    assert "(partner's client “<Интегро>”)" in still and "Contract ended" not in still


def test_the_list_pages_with_client_counts() -> None:
    items = [org(f"Org {n:02}", id=n) for n in range(1, 11)]
    text, markup = orgs_view.org_list("ru", items, {1: 4}, 0)
    labels = [b.text for row in markup.inline_keyboard for b in row]
    assert "Организации: 10 · стр. 1 из 2" in plain(text)
    assert labels[0] == "Org 01 · 👤 4" and labels[7] == "Org 08 · 👤 0"
    assert labels[8:] == ["Вперёд ▶️", "➕ Добавить организацию"]
    _, markup = orgs_view.org_list("ru", items, {}, 5)  # past the end: the last page
    labels = [b.text for row in markup.inline_keyboard for b in row]
    assert labels == ["Org 09 · 👤 0", "Org 10 · 👤 0", "◀️ Назад", "➕ Добавить организацию"]


def test_every_card_button_reads_back() -> None:
    text, markup = orgs_view.org_card(
        "en", org(manager_name="Пётр", manager_user_id=555, notes="VIP"), 2, TODAY
    )
    assert "Manager: Пётр (id 555)" in plain(text) and "Clients: 2" in plain(text)
    for row in markup.inline_keyboard:
        for button in row:
            assert isinstance(button.callback_data, str)
            assert cb.parse_org(button.callback_data) is not None, button.text


def test_invitations_show_their_state_and_only_valid_ones_can_be_revoked() -> None:
    def invitation(n: int, **kw: object) -> Invitation:
        values: dict[str, object] = dict(
            id=n,
            token=f"token{n}".ljust(22, "x"),
            organization_id=3,
            created_by=1,
            created_at=NOW,
            expires_at=NOW + timedelta(days=30),
            max_uses=None,
            uses=0,
            revoked_at=None,
        )
        values.update(kw)
        return Invitation(**values)

    rows = [
        invitation(4, max_uses=10, uses=3),
        invitation(3, max_uses=1, uses=1),
        invitation(2, revoked_at=NOW),
        invitation(1, expires_at=NOW - timedelta(seconds=1)),
    ]
    text, markup = orgs_view.invitations(
        "ru", org(), rows, now=NOW, zone=MSK, bot_username="desk_bot"
    )
    shown = plain(text)
    assert "1. ✅ действует · до 25.12.2026 12:30 · использовано 3 из 10" in shown
    assert "https://t.me/desk_bot?start=token4xxxxxxxxxxxxxxxx" in shown
    assert "2. ☑️ использовано полностью" in shown and "3. 🚫 отозвано" in shown
    assert "4. ⌛ истекло" in shown and "token1" not in shown
    labels = [b.text for row in markup.inline_keyboard for b in row]
    assert labels == ["🚫 Отозвать № 1", "➕ Новое приглашение", "◀️ К организации"]
    assert t("ru", "orgs.uses_button", count=10) in [
        b.text for row in orgs_view.ask_uses("ru", org())[1].inline_keyboard for b in row
    ]


def test_the_choice_for_a_ticket_pages_and_goes_back_on_the_card() -> None:
    items = [org(f"Org {n:02}", id=n) for n in range(1, 10)]
    markup = orgs_view.pick("ru", 7, items, 1, on_card=True)
    data = [b.callback_data for row in markup.inline_keyboard for b in row]
    assert data == ["org:set:7:9", "org:pick:7:0", "org:back:7"]
