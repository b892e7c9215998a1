"""The desk's rules, without Telegram or a database."""

from __future__ import annotations

import pytest

from desk.language import pick_language
from desk.roles import Privilege, Role, may, role_in_chat
from desk.text import first_line, split_text, topic_name, truncate, utf16_len
from desk.tickets import (
    Action,
    Priority,
    Status,
    TicketType,
    TransitionError,
    allowed,
    apply,
    format_number,
    parse_number,
)


def test_a_new_ticket_is_taken_into_work() -> None:
    outcome = apply(Status.NEW, Action.TAKE)
    assert outcome.after == Status.IN_PROGRESS
    assert outcome.changed


def test_taking_a_ticket_already_in_work_changes_nothing() -> None:
    assert not apply(Status.IN_PROGRESS, Action.TAKE).changed


@pytest.mark.parametrize("status", [Status.NEW, Status.IN_PROGRESS, Status.WAITING])
def test_open_tickets_can_be_closed(status: Status) -> None:
    assert apply(status, Action.CLOSE).after == Status.CLOSED


def test_a_closed_ticket_cannot_be_closed_or_taken_again() -> None:
    with pytest.raises(TransitionError):
        apply(Status.CLOSED, Action.CLOSE)
    assert not allowed(Status.CLOSED, Action.TAKE)
    assert not allowed(Status.CLOSED, Action.SET_PRIORITY)


def test_only_a_closed_ticket_can_be_reopened() -> None:
    assert apply(Status.CLOSED, Action.REOPEN).after == Status.IN_PROGRESS
    for status in (Status.NEW, Status.IN_PROGRESS, Status.WAITING):
        assert not allowed(status, Action.REOPEN)


def test_a_client_answer_returns_a_waiting_ticket_to_work() -> None:
    assert apply(Status.WAITING, Action.CLIENT_MESSAGE).after == Status.IN_PROGRESS
    assert not apply(Status.NEW, Action.CLIENT_MESSAGE).changed


def test_every_status_has_its_own_colour() -> None:
    markers = [status.marker for status in Status]
    assert len(set(markers)) == len(markers)


def test_only_consultations_are_paid_and_only_incidents_ask_priority() -> None:
    assert [k for k in TicketType if k.is_paid] == [TicketType.CONSULTATION]
    assert [k for k in TicketType if k.asks_priority] == [TicketType.INCIDENT]
    assert list(Priority) == [Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.CRITICAL]


def test_ticket_numbers_read_and_write() -> None:
    assert format_number(1042) == "#1042"
    assert parse_number("#1042") == 1042
    assert parse_number(" 1042 ") == 1042
    assert parse_number("#10a") is None


OPERATORS = -100123


@pytest.mark.parametrize(
    ("user", "chat", "private", "admins", "expected"),
    [
        (7, 7, True, frozenset(), Role.CLIENT),
        (7, OPERATORS, False, frozenset(), Role.ENGINEER),
        (7, OPERATORS, False, frozenset({7}), Role.ADMIN),
        (7, -100999, False, frozenset({7}), Role.NOBODY),
        # An admin writing to the bot privately is a client there, not an admin.
        (7, 7, True, frozenset({7}), Role.CLIENT),
    ],
)
def test_role_depends_on_where_one_writes(
    user: int, chat: int, private: bool, admins: frozenset[int], expected: Role
) -> None:
    role = role_in_chat(
        user_id=user,
        chat_id=chat,
        chat_is_private=private,
        operator_chat_id=OPERATORS,
        admin_ids=admins,
    )
    assert role == expected


def test_clients_cannot_do_engineer_actions() -> None:
    for action in (Action.TAKE, Action.CLOSE, Action.NOTE, Action.SET_TYPE, Action.SOLVE):
        assert not may(Role.CLIENT, action)
        assert may(Role.ENGINEER, action)
    # Both may reopen: the client within the reopening window, by writing or a button.
    assert may(Role.CLIENT, Action.REOPEN) and may(Role.ENGINEER, Action.REOPEN)
    assert may(Role.CLIENT, Action.CONFIRM) and not may(Role.ENGINEER, Action.CONFIRM)
    assert not may(Role.NOBODY, Action.CLIENT_MESSAGE)


@pytest.mark.parametrize("privilege", list(Privilege))
def test_only_admins_announce_and_reload_the_knowledge_base(privilege: Privilege) -> None:
    assert may(Role.ADMIN, privilege)
    for role in (Role.ENGINEER, Role.CLIENT, Role.NOBODY):
        assert not may(role, privilege)


def test_an_admin_has_the_privileges_only_in_the_operator_group() -> None:
    def role(chat: int, private: bool) -> Role:
        return role_in_chat(
            user_id=7,
            chat_id=chat,
            chat_is_private=private,
            operator_chat_id=OPERATORS,
            admin_ids=frozenset({7}),
        )

    assert may(role(OPERATORS, False), Privilege.ANNOUNCE)
    assert not may(role(7, True), Privilege.ANNOUNCE)  # writing to the bot privately
    assert not may(role(-100999, False), Privilege.ANNOUNCE)  # another group


def test_solve_and_ask_wait_for_the_client_who_confirms_or_rejects() -> None:
    assert apply(Status.IN_PROGRESS, Action.SOLVE).after == Status.WAITING
    assert apply(Status.NEW, Action.ASK).after == Status.WAITING
    assert apply(Status.WAITING, Action.CONFIRM).after == Status.CLOSED
    assert apply(Status.WAITING, Action.REJECT).after == Status.IN_PROGRESS
    assert apply(Status.WAITING, Action.AUTO_CLOSE).after == Status.CLOSED
    # Only a waiting ticket closes by itself or by the client's confirmation.
    for status in (Status.NEW, Status.IN_PROGRESS, Status.CLOSED):
        assert not allowed(status, Action.AUTO_CLOSE)
        assert not allowed(status, Action.CONFIRM)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("ru", "ru"),
        ("en", "en"),
        ("en-GB", "en"),
        ("EN", "en"),
        ("de", "ru"),
        (None, "ru"),
        ("", "ru"),
    ],
)
def test_language_follows_telegram_with_russian_default(code: str | None, expected: str) -> None:
    assert pick_language(code) == expected


def test_utf16_length_counts_emoji_as_two() -> None:
    assert utf16_len("🟢") == 2
    assert utf16_len("ё") == 1


def test_split_text_keeps_everything_and_respects_the_limit() -> None:
    text = "\n\n".join(f"Абзац {i}: " + "слово " * 150 for i in range(12))
    parts = split_text(text, 4096)
    assert len(parts) > 1
    assert all(utf16_len(p) <= 4096 for p in parts)
    assert "".join(parts).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace(
        "\n", ""
    )


def test_split_text_cuts_a_word_longer_than_the_limit() -> None:
    parts = split_text("x" * 10_000, 4096)
    assert [len(p) for p in parts] == [4096, 4096, 1808]


def test_split_text_counts_emoji_in_utf16() -> None:
    parts = split_text("😀" * 3000, 4096)
    assert all(utf16_len(p) <= 4096 for p in parts)
    assert sum(len(p) for p in parts) == 3000


def test_truncate_and_first_line() -> None:
    assert truncate("короткий", 20) == "короткий"
    assert truncate("очень длинная строка", 10) == "очень…"
    assert first_line("\n\n  Не   работает\nвторая строка") == "Не работает"


def test_topic_name_fits_telegram_limit() -> None:
    name = topic_name(
        marker="🔵",
        number="#1042",
        type_label="Инцидент",
        who="ООО Ромашка" * 10,
        subject="Не открывается " * 30,
    )
    assert utf16_len(name) <= 128
    assert name.startswith("🔵 #1042 · Инцидент · ООО Ромашка")
