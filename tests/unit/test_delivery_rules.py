"""The relay's delivery rules, without Telegram or a database."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from desk.delivery import (
    GIVE_UP_AFTER,
    Candidate,
    Decision,
    Failure,
    OnUnknown,
    Piece,
    Priority,
    Side,
    State,
    after_failure,
    backoff,
    behind_by,
    lease_expired,
    needs_preview,
    order_candidates,
    plan_batches,
    sends_of,
    slot_times,
)

YOUNG = timedelta(seconds=5)


def decide(failure: Failure, side: Side, on_unknown: OnUnknown, **kw: Any) -> Decision:
    values: dict[str, Any] = {"attempts": 1, "age": YOUNG, **kw}
    return after_failure(failure, side=side, on_unknown=on_unknown, **values)


# --- what a failure leads to --------------------------------------------------------------


def test_an_answer_that_may_have_reached_the_client_is_reported_not_resent() -> None:
    decision = decide(Failure.MAYBE, Side.PRIVATE, OnUnknown.REPORT)
    assert decision.state is State.UNKNOWN
    assert decision.report is True
    assert decision.mark_repeat is False


def test_a_client_message_that_may_have_reached_engineers_is_resent_marked() -> None:
    decision = decide(Failure.MAYBE, Side.GROUP, OnUnknown.RESEND)
    assert decision.state is State.PENDING
    assert decision.mark_repeat is True
    assert decision.report is False


def test_a_private_record_is_never_resent_after_an_unknown_outcome_even_if_asked() -> None:
    # "resend" only ever applies towards the engineers' group.
    decision = decide(Failure.MAYBE, Side.PRIVATE, OnUnknown.RESEND)
    assert decision.state is State.UNKNOWN


def test_an_edit_with_an_unknown_outcome_is_simply_tried_again() -> None:
    for side in (Side.PRIVATE, Side.GROUP):
        decision = decide(Failure.MAYBE, side, OnUnknown.RETRY)
        assert decision.state is State.PENDING
        assert not decision.mark_repeat and not decision.report


def test_429_waits_exactly_what_telegram_asked_and_keeps_the_lane_waiting() -> None:
    decision = decide(Failure.RATE_LIMITED, Side.PRIVATE, OnUnknown.REPORT, retry_after=7)
    assert decision.state is State.PENDING
    assert decision.retry_in == timedelta(seconds=7.5)


def test_a_request_that_never_left_is_retried_with_doubling_waits() -> None:
    first = decide(Failure.NOT_SENT, Side.GROUP, OnUnknown.RESEND, attempts=1, base=2.0)
    third = decide(Failure.NOT_SENT, Side.GROUP, OnUnknown.RESEND, attempts=3, base=2.0)
    assert first.state is third.state is State.PENDING
    assert first.retry_in == timedelta(seconds=2)
    assert third.retry_in == timedelta(seconds=8)
    assert backoff(40, 2.0) == timedelta(minutes=5)


def test_after_two_days_of_trying_a_person_is_told() -> None:
    decision = decide(Failure.NOT_SENT, Side.GROUP, OnUnknown.RESEND, age=GIVE_UP_AFTER)
    assert decision.state is State.FAILED and decision.report is True


def test_blocked_and_refused_are_final_and_reported() -> None:
    for failure in (Failure.BLOCKED, Failure.REFUSED):
        decision = decide(failure, Side.PRIVATE, OnUnknown.REPORT)
        assert decision.state is State.FAILED
        assert decision.report is True


def test_a_deleted_topic_is_not_a_failure_of_the_message() -> None:
    decision = decide(Failure.THREAD_GONE, Side.GROUP, OnUnknown.RESEND)
    assert decision.state is State.PENDING and decision.retry_in == timedelta(0)
    assert not decision.report


def test_lease() -> None:
    assert lease_expired(claimed_age=timedelta(seconds=1), claimer_alive=False, lease=YOUNG)
    assert lease_expired(claimed_age=timedelta(minutes=2), claimer_alive=True, lease=YOUNG)
    assert not lease_expired(claimed_age=timedelta(seconds=1), claimer_alive=True, lease=YOUNG)


# --- the group's budget ---------------------------------------------------------------------


def test_slot_times_follow_the_sliding_window() -> None:
    # 20 a minute: the window is full with sends at 0..19 s; the next may go at 60 s.
    recent = [float(i) for i in range(20)]
    times = slot_times(recent, now=30.0, limit=20, period=60.0, count=3)
    assert times == [60.0, 61.0, 62.0]
    assert slot_times([], now=5.0, limit=20, period=60.0, count=2) == [5.0, 5.0]


def test_the_most_urgent_head_goes_first_then_the_longest_waiting() -> None:
    cands = [
        Candidate(1, "t:1", Priority.CONTENT, created=10.0),
        Candidate(2, "k:title:1", Priority.COSMETIC, created=1.0),
        Candidate(3, "q:2", Priority.ANSWER, created=20.0),
        Candidate(4, "t:2", Priority.CONTENT, created=5.0),
    ]
    assert [c.record_id for c in order_candidates(cands)] == [3, 4, 1, 2]


def test_new_tickets_that_would_wait_are_previewed() -> None:
    full = [float(i) for i in range(20)]  # the window is full until 60 s
    cands = [
        Candidate(
            1, "t:1", Priority.CONTENT, created=0.0, ticket_id=1, opens_ticket=True, sends=2
        ),
        Candidate(
            2, "t:2", Priority.CONTENT, created=1.0, ticket_id=2, opens_ticket=True, sends=2
        ),
        Candidate(
            3,
            "t:3",
            Priority.CONTENT,
            created=2.0,
            ticket_id=3,
            opens_ticket=True,
            previewed=True,
            sends=2,
        ),
    ]
    late = needs_preview(cands, recent=full, now=21.0, limit=20, period=60.0, patience=10.0)
    assert [c.ticket_id for c in late] == [1, 2]  # the third one was shown already
    # On a quiet desk nothing is previewed: the topics come at once.
    assert needs_preview(cands, recent=[], now=21.0, limit=20, period=60.0, patience=10.0) == []


def test_behind_by_is_the_oldest_head_age() -> None:
    cands = [Candidate(1, "a", 2, created=100.0), Candidate(2, "b", 2, created=40.0)]
    assert behind_by(cands, 130.0) == 90.0
    assert behind_by([], 130.0) == 0.0


# --- combining --------------------------------------------------------------------------------


def piece(n: int, kind: str = "text", html: str = "", group: str | None = None) -> Piece:
    return Piece(n, kind, html or f"message {n}", "Иван", f"10:0{n % 10}", group)


def test_without_combining_each_message_is_a_copy_and_an_album_stays_whole() -> None:
    pieces = [piece(1), piece(2, "photo", group="g"), piece(3, "photo", group="g"), piece(4)]
    batches = plan_batches(pieces, combine=False)
    assert [(b.kind, [p.row_id for p in b.pieces]) for b in batches] == [
        ("copy", [1]),
        ("copy", [2, 3]),
        ("copy", [4]),
    ]


def test_combined_texts_keep_order_author_and_time() -> None:
    batches = plan_batches([piece(1), piece(2), piece(3)], combine=True)
    assert len(batches) == 1 and batches[0].kind == "text"
    text = batches[0].texts[0]
    assert text.index("message 1") < text.index("message 2") < text.index("message 3")
    assert text.count("Иван") == 3 and "10:02" in text
    assert sends_of(batches) == 1


def test_an_authors_name_cannot_break_the_combined_markup() -> None:
    pieces = [Piece(n, "text", f"текст {n}", "<3 Иван & Co", "10:00") for n in (1, 2)]
    text = plan_batches(pieces, combine=True)[0].texts[0]
    assert "&lt;3 Иван &amp; Co" in text and "<3" not in text


def test_a_long_combination_is_split_within_telegrams_limit() -> None:
    pieces = [piece(n, html="слово " * 300) for n in range(1, 8)]  # ~1800 characters each
    batches = plan_batches(pieces, combine=True)
    assert all(len(t.encode("utf-16-le")) // 2 <= 4096 for b in batches for t in b.texts)
    assert [p.row_id for b in batches for p in b.pieces] == list(range(1, 8))
    assert sends_of(batches) < 7


def test_media_runs_become_albums_of_at_most_ten_and_others_go_alone() -> None:
    photos = [piece(n, "photo", html=f"cap {n}") for n in range(1, 13)]
    batches = plan_batches(
        [*photos, piece(13, "voice"), piece(14, "document"), piece(15)], combine=True
    )
    kinds = [(b.kind, len(b.pieces)) for b in batches]
    assert kinds == [("album", 10), ("album", 2), ("copy", 1), ("copy", 1), ("copy", 1)]
    assert [p.row_id for b in batches for p in b.pieces] == list(range(1, 16))
