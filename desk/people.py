"""Who the desk's people are, as far as the wording of messages needs: an engineer's
grammatical gender, told by the engineer (``/me``) or by the desk's settings, or not at all."""

from __future__ import annotations

from enum import StrEnum


class Gender(StrEnum):
    """The grammatical gender messages use for an engineer; NEUTRAL words avoid it."""

    FEMALE = "female"
    MALE = "male"
    NEUTRAL = "other"


_WORDS: dict[str, Gender] = {
    **dict.fromkeys(("female", "f", "woman", "she", "ж", "жен", "женский", "она"), Gender.FEMALE),
    **dict.fromkeys(("male", "m", "man", "he", "м", "муж", "мужской", "он"), Gender.MALE),
    **dict.fromkeys(
        ("neutral", "other", "none", "n", "-", "нейтральный", "нейтрально", "не указывать"),
        Gender.NEUTRAL,
    ),
}


def parse_gender(word: str) -> Gender | None:
    """The gender a word names (Russian or English, any case), or None if it names none."""
    return _WORDS.get(" ".join(word.lower().split()).rstrip("."))


def gender_of(user_id: int, *, told: str | None, configured: dict[int, Gender]) -> Gender:
    """An engineer's own choice first, then the desk's setting, neutral otherwise."""
    if told is not None:
        try:
            return Gender(told)
        except ValueError:
            pass
    return configured.get(user_id, Gender.NEUTRAL)
