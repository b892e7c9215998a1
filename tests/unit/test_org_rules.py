"""The rules of editing organizations by hand and of opening invitation links."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from desk.invitations import MAX_USES, JoinOutcome, join_outcome, valid_terms
from desk.org_fields import (
    INPUT_WAIT,
    OrgField,
    input_expired,
    parse_date,
    parse_user_id,
    read_value,
)
from desk.organizations import InvitationState

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("31.12.2027", date(2027, 12, 31)),
        ("1.2.2027", date(2027, 2, 1)),
        ("2027-02-01", date(2027, 2, 1)),
        ("  29.02.2028 ", date(2028, 2, 29)),
    ],
)
def test_dates_are_read_the_russian_way_or_iso(written: str, meant: date) -> None:
    assert parse_date(written) == meant


@pytest.mark.parametrize(
    "written", ["31.02.2027", "2027-13-01", "12/31/2027", "31.12.27", "завтра", "", "2027-1-1"]
)
def test_a_date_that_is_not_one_is_refused(written: str) -> None:
    with pytest.raises(ValueError, match="date"):
        parse_date(written)


@pytest.mark.parametrize("written", ["0", "-5", "@petr", "12a", "١٢", "1" * 20, "1.5", ""])
def test_a_user_id_is_plain_positive_digits(written: str) -> None:
    with pytest.raises(ValueError, match="user_id"):
        parse_user_id(written)


def test_a_telegram_id_is_read() -> None:
    assert parse_user_id(" 5000000001 ") == 5_000_000_001


def test_a_dash_clears_what_may_be_empty_but_not_the_name() -> None:
    for field in OrgField:
        if field is OrgField.NAME:
            assert read_value(field, "-") == "-"  # a name like any other, if odd
        else:
            assert read_value(field, " - ") is None


def test_each_field_takes_its_kind_of_value() -> None:
    assert read_value(OrgField.NAME, "  ООО\n«Ромашка» ") == "ООО «Ромашка»"
    assert read_value(OrgField.MANAGER_ID, "555") == 555
    assert read_value(OrgField.CONTRACT_UNTIL, "31.12.2027") == date(2027, 12, 31)
    assert read_value(OrgField.PARTNER_NAME, "Интегро\nСофт") == "Интегро Софт"
    assert read_value(OrgField.NOTES, "строка 1\nстрока 2") == "строка 1\nстрока 2"


@pytest.mark.parametrize(
    ("field", "written", "reason"),
    [
        (OrgField.NAME, "   ", "empty"),
        (OrgField.NAME, "x" * 201, "too_long"),
        (OrgField.MANAGER_NAME, "x" * 201, "too_long"),
        (OrgField.NOTES, "x" * 1001, "too_long"),
        (OrgField.PARTNER_CONTACTS, "\n", "empty"),
        (OrgField.MANAGER_ID, "petr", "user_id"),
        (OrgField.CONTRACT_UNTIL, "когда-нибудь", "date"),
    ],
)
def test_a_bad_value_says_why(field: OrgField, written: str, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        read_value(field, written)
    assert caught.value.args == (reason,)


def test_a_question_to_an_admin_expires() -> None:
    assert not input_expired(NOW, NOW + INPUT_WAIT)
    assert input_expired(NOW, NOW + INPUT_WAIT + timedelta(seconds=1))


VALID = InvitationState.VALID


@pytest.mark.parametrize(
    ("state", "member_of", "outcome"),
    [
        (VALID, None, JoinOutcome.JOINED),
        (VALID, 7, JoinOutcome.ALREADY_HERE),
        (InvitationState.EXPIRED, 7, JoinOutcome.ALREADY_HERE),  # nothing to change for them
        (VALID, 8, JoinOutcome.OTHER_ORG),  # never moved by a link
        (InvitationState.EXPIRED, None, JoinOutcome.EXPIRED),
        (InvitationState.REVOKED, None, JoinOutcome.REVOKED),
        (InvitationState.USED_UP, None, JoinOutcome.USED_UP),
        (InvitationState.USED_UP, 8, JoinOutcome.USED_UP),  # the link's fault is said first
        (None, None, JoinOutcome.UNKNOWN),
        (None, 8, JoinOutcome.UNKNOWN),
    ],
)
def test_what_opening_a_link_does(
    state: InvitationState | None, member_of: int | None, outcome: JoinOutcome
) -> None:
    invited_to = 7 if state is not None else None
    assert join_outcome(state, invited_to=invited_to, member_of=member_of) is outcome


def test_the_terms_an_invitation_can_be_made_with() -> None:
    assert valid_terms(1, 7) and valid_terms(None, 90) and valid_terms(MAX_USES, 366)
    assert not valid_terms(0, 30)
    assert not valid_terms(MAX_USES + 1, 30)
    assert not valid_terms(10, 0)
    assert not valid_terms(10, 367)
