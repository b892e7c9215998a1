"""An engineer's grammatical gender: told, configured, or neutral."""

from __future__ import annotations

import pytest

from desk.people import Gender, gender_of, parse_gender


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("female", Gender.FEMALE),
        ("Ж", Gender.FEMALE),
        ("женский", Gender.FEMALE),
        ("male", Gender.MALE),
        ("мужской.", Gender.MALE),
        ("neutral", Gender.NEUTRAL),
        ("не  указывать", Gender.NEUTRAL),
        ("robot", None),
        ("", None),
    ],
)
def test_words_name_a_gender_in_either_language(word: str, expected: Gender | None) -> None:
    assert parse_gender(word) == expected


def test_the_engineers_own_choice_wins_over_the_setting() -> None:
    configured = {7: Gender.MALE}
    assert gender_of(7, told="female", configured=configured) == Gender.FEMALE
    assert gender_of(7, told="other", configured=configured) == Gender.NEUTRAL


def test_the_setting_applies_when_the_engineer_said_nothing() -> None:
    assert gender_of(7, told=None, configured={7: Gender.FEMALE}) == Gender.FEMALE


def test_nobody_is_assumed_a_gender() -> None:
    assert gender_of(8, told=None, configured={7: Gender.FEMALE}) == Gender.NEUTRAL
    assert gender_of(8, told="garbage", configured={}) == Gender.NEUTRAL
