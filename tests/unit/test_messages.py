"""Which first messages carry a question: words, once invisible characters are gone."""

from __future__ import annotations

import pytest

from desk.messages import carries_question, has_words, visible


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\n\t ",
        "👍",
        "🙂🙂🙂 ",
        "❤️",  # with a variation selector
        "👨‍💻",  # a ZWJ sequence
        "\u200b\u200c\u200d\u2060\ufeff\u00ad",
        "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
        "?!...",
        " \u200b 🙂 \u202e ",
    ],
)
def test_nothing_wordlike_is_no_question(text: str) -> None:
    assert has_words(text) is False
    assert carries_question("text", text) is False


@pytest.mark.parametrize(
    "text", ["принтер", "Printer", "404", "1С", "\u200bа", "🙂 ok", "\u202eпомогите\u202c", "٣"]
)
def test_a_letter_or_a_digit_is_a_question(text: str) -> None:
    assert has_words(text) is True
    assert carries_question("text", text) is True


def test_invisible_characters_are_removed_from_words() -> None:
    assert visible("при\u200bнтер не\u00ad печатает\ufeff") == "принтер не печатает"
    assert visible("\u2067abc\u2069 \u200e1\u200f") == "abc 1"


def test_visible_text_keeps_what_shows() -> None:
    text = "Ошибка 0x8009-16: «не печатает» 👍\nвторая строка"
    assert visible(text) == text


@pytest.mark.parametrize("kind", ["sticker", "animation", "dice", "poll", "other"])
def test_a_reaction_without_words_is_no_question(kind: str) -> None:
    assert carries_question(kind, "") is False
    assert carries_question(kind, "\u200b 🙂") is False


@pytest.mark.parametrize(
    "kind", ["photo", "document", "video", "audio", "voice", "video_note", "location", "contact"]
)
def test_a_file_or_a_place_is_kept(kind: str) -> None:
    assert carries_question(kind, "") is True


def test_a_captioned_gif_is_a_question() -> None:
    assert carries_question("animation", "вот что происходит при запуске") is True
