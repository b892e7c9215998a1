"""The announcement rules alone: what a failed send leads to, audiences, versions, progress."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.broadcast import failure_of
from desk.broadcast import (
    EVERYONE,
    FIRST,
    MAX_ATTEMPTS,
    AnnouncementStatus,
    Audience,
    AudienceKind,
    ComposeStep,
    Failure,
    Move,
    MoveRefused,
    Progress,
    Stage,
    State,
    after_failure,
    allowed,
    apply,
    format_duration,
    next_status,
    parse_version,
)


def test_blocked_and_refused_are_final_at_once() -> None:
    assert after_failure(Failure.BLOCKED, 1).state is State.BLOCKED
    assert after_failure(Failure.REFUSED, 1).state is State.FAILED


def test_an_unknown_outcome_is_never_retried() -> None:
    decision = after_failure(Failure.UNKNOWN, 1)
    assert decision.state is State.UNKNOWN and decision.retry_in is None


def test_not_sent_is_retried_with_doubling_waits_then_fails() -> None:
    waits = [after_failure(Failure.NOT_SENT, n, base=2.0).retry_in for n in range(1, MAX_ATTEMPTS)]
    assert waits == [timedelta(seconds=2 * 2 ** (n - 1)) for n in range(1, MAX_ATTEMPTS)]
    assert after_failure(Failure.NOT_SENT, MAX_ATTEMPTS).state is State.FAILED


def test_telegrams_retry_after_wins_over_the_doubling() -> None:
    decision = after_failure(Failure.NOT_SENT, 3, retry_after=7)
    assert decision.state is State.PENDING and decision.retry_in == timedelta(seconds=7)


def test_final_states() -> None:
    assert not State.PENDING.is_final and not State.SENDING.is_final
    finals = (State.SENT, State.FAILED, State.BLOCKED, State.UNKNOWN, State.SKIPPED)
    assert all(s.is_final for s in finals)


@pytest.mark.parametrize(
    ("error", "failure"),
    [
        (Forbidden("Forbidden: bot was blocked by the user"), Failure.BLOCKED),
        (Forbidden("Forbidden: user is deactivated"), Failure.BLOCKED),
        (BadRequest("Bad Request: chat not found"), Failure.REFUSED),
        (RetryAfter(timedelta(seconds=3)), Failure.NOT_SENT),
        # Telegram's front may answer 502 after the server behind it acted.
        (NetworkError("Bad Gateway"), Failure.UNKNOWN),
    ],
)
def test_what_telegrams_answers_mean(error: Exception, failure: Failure) -> None:
    assert failure_of(error) is failure  # type: ignore[arg-type]


def _caused(error: Exception, cause: Exception) -> Exception:
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("error", "failure"),
    [
        # The request never left: safe to send again.
        (_caused(TimedOut(), httpx.ConnectTimeout("connect")), Failure.NOT_SENT),
        (_caused(TimedOut(), httpx.PoolTimeout("pool")), Failure.NOT_SENT),
        (_caused(NetworkError("x"), httpx.ConnectError("refused")), Failure.NOT_SENT),
        # It left, and the answer did not come: it may have been delivered.
        (_caused(TimedOut(), httpx.ReadTimeout("read")), Failure.UNKNOWN),
        (_caused(NetworkError("x"), httpx.RemoteProtocolError("closed")), Failure.UNKNOWN),
    ],
)
def test_timeouts_and_network_errors_by_whether_the_request_left(
    error: Exception, failure: Failure
) -> None:
    assert failure_of(error) is failure  # type: ignore[arg-type]


def test_an_audience_of_everyone_or_of_organizations() -> None:
    assert EVERYONE.includes(None) and EVERYONE.includes("АО Лютик")
    assert EVERYONE.kind is AudienceKind.ALL
    orgs = Audience.of("orgs", ["ООО Ромашка"])
    assert orgs.kind is AudienceKind.ORGS
    assert orgs.includes("ООО Ромашка")
    assert not orgs.includes("АО Лютик")
    assert not orgs.includes("ооо ромашка")  # the names come from the clients' records as is
    assert not orgs.includes(None)
    # A client with no organization is in no organization's audience, whatever was stored.
    assert not Audience.of("orgs", ["", "ООО Ромашка"]).includes("")
    assert Audience.of("all", ["ООО Ромашка"]) == EVERYONE
    assert not Audience.of("orgs", []).includes("ООО Ромашка")


# --- an announcement's life: the transition table -----------------------------------------

COMPOSING, SENDING, DONE, CANCELLED = (
    AnnouncementStatus.COMPOSING,
    AnnouncementStatus.SENDING,
    AnnouncementStatus.DONE,
    AnnouncementStatus.CANCELLED,
)

# Every move allowed, from where to where.
TABLE = {
    (Stage(COMPOSING, ComposeStep.CONTENT), Move.TAKE_CONTENT): Stage(
        COMPOSING, ComposeStep.AUDIENCE
    ),
    (Stage(COMPOSING, ComposeStep.AUDIENCE), Move.ADDRESS_ALL): Stage(
        COMPOSING, ComposeStep.VERSION
    ),
    (Stage(COMPOSING, ComposeStep.AUDIENCE), Move.OFFER_ORGS): Stage(COMPOSING, ComposeStep.ORGS),
    (Stage(COMPOSING, ComposeStep.ORGS), Move.TOGGLE_ORG): Stage(COMPOSING, ComposeStep.ORGS),
    (Stage(COMPOSING, ComposeStep.ORGS), Move.ADDRESS_ORGS): Stage(COMPOSING, ComposeStep.VERSION),
    (Stage(COMPOSING, ComposeStep.VERSION), Move.TAKE_VERSION): Stage(
        COMPOSING, ComposeStep.PREVIEW
    ),
    (Stage(COMPOSING, ComposeStep.PREVIEW), Move.RESTART): Stage(COMPOSING, ComposeStep.CONTENT),
    (Stage(COMPOSING, ComposeStep.PREVIEW), Move.LAUNCH): Stage(SENDING, ComposeStep.SENT),
    # The moves of the announcement's life do not look at the step (rows are at "sent").
    **{(Stage(SENDING, step), Move.FINISH): Stage(DONE, step) for step in ComposeStep},
    **{(Stage(DONE, step), Move.RESEND_UNKNOWN): Stage(SENDING, step) for step in ComposeStep},
    **{(Stage(COMPOSING, step), Move.CANCEL): Stage(CANCELLED, step) for step in ComposeStep},
}

EVERY_CASE = [
    (Stage(status, step), move)
    for status in AnnouncementStatus
    for step in ComposeStep
    for move in Move
]


@pytest.mark.parametrize(("stage", "move"), EVERY_CASE, ids=str)
def test_the_transition_table_allows_exactly_these_moves(stage: Stage, move: Move) -> None:
    expected = TABLE.get((stage, move))
    assert allowed(stage, move) == (expected is not None)
    if expected is None:
        with pytest.raises(MoveRefused):
            apply(stage, move)
    else:
        assert apply(stage, move) == expected


def test_an_announcement_for_everyone_from_first_question_to_resending() -> None:
    stage = FIRST
    for move in (Move.TAKE_CONTENT, Move.ADDRESS_ALL, Move.TAKE_VERSION, Move.LAUNCH):
        stage = apply(stage, move)
    assert stage == Stage(SENDING, ComposeStep.SENT)
    assert stage.status.went_out
    stage = apply(apply(apply(stage, Move.FINISH), Move.RESEND_UNKNOWN), Move.FINISH)
    assert stage == Stage(DONE, ComposeStep.SENT)


def test_a_sent_or_cancelled_announcement_takes_no_answer_of_the_dialogue() -> None:
    for stage in (Stage(SENDING, ComposeStep.SENT), Stage(CANCELLED, ComposeStep.PREVIEW)):
        for move in (Move.TAKE_CONTENT, Move.RESTART, Move.LAUNCH, Move.CANCEL):
            assert not allowed(stage, move)
    assert not CANCELLED.went_out and not COMPOSING.went_out


def test_status_only_moves_for_conditional_updates() -> None:
    assert next_status(COMPOSING, Move.CANCEL) is CANCELLED
    assert next_status(SENDING, Move.FINISH) is DONE
    assert next_status(DONE, Move.RESEND_UNKNOWN) is SENDING
    with pytest.raises(MoveRefused):
        next_status(COMPOSING, Move.LAUNCH)  # depends on the step: apply() it
    with pytest.raises(MoveRefused):
        next_status(SENDING, Move.CANCEL)


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ("3.2.1", "3.2.1"),
        ("  2026.1   LTS ", "2026.1 LTS"),
        ("v4.0-rc1", "v4.0-rc1"),
        ("версия 5", "версия 5"),
        ("", None),
        ("новая", None),  # no digits
        ("3.2 <b>", None),
        ("1" * 33, None),
    ],
)
def test_version_numbers(text: str, version: str | None) -> None:
    assert parse_version(text) == version


def test_progress_rate_and_time_to_finish() -> None:
    progress = Progress(total=1000, sent=280, failed=10, blocked=5, unknown=5)
    assert progress.done == 300 and progress.remaining == 700
    assert progress.rate(timedelta(seconds=10)) == 30.0
    assert progress.eta(timedelta(seconds=10)) == timedelta(seconds=23)
    assert Progress(total=5).eta(timedelta(0)) is None
    assert Progress(total=2, sent=2).eta(timedelta(seconds=1)) == timedelta(0)


def test_durations_read_naturally() -> None:
    assert format_duration(timedelta(seconds=12), "ru") == "12 с"
    assert format_duration(timedelta(seconds=200), "ru") == "3 мин 20 с"
    assert format_duration(timedelta(hours=1, minutes=5), "en") == "1 h 05 min"
