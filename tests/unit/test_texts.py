"""Every message exists in both languages, renders every plural and gender form, and is valid
Telegram HTML."""

from __future__ import annotations

import pytest
from babel import Locale

from bot.texts import LANGUAGES, Raw, keys, selectors, t, variables
from emulator.html_entities import parse_html

ALL_KEYS = sorted(keys("ru"))
GENDERS = ("female", "male", "other")
PLURAL_SAMPLES = (0, 1, 2, 5, 11, 21, 22, 25, 101, 1042)


def _sample_values(lang: str, key: str, hostile: str = '<3 & </b> "x"') -> dict[str, object]:
    """Values for every variable: numbers where a form is chosen by number, text elsewhere."""
    chosen = selectors(lang, key)
    return {
        name: (5 if name in chosen and name != "gender" else hostile)
        for name in variables(lang, key)
        if name != "gender"
    }


def test_both_languages_have_every_message() -> None:
    assert keys("ru") == keys("en")


@pytest.mark.parametrize("key", ALL_KEYS)
def test_both_languages_take_the_same_values(key: str) -> None:
    # Gender is Russian grammar: English takes it or not, every other value both take.
    assert variables("ru", key) - {"gender"} == variables("en", key) - {"gender"}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("key", ALL_KEYS)
def test_every_text_is_valid_html_even_with_hostile_values(lang: str, key: str) -> None:
    text = t(lang, key, **_sample_values(lang, key))
    parse_html(text)  # raises like Telegram's "can't parse entities"


def _plural_messages() -> list[tuple[str, str, str]]:
    return [
        (lang, key, name)
        for lang in LANGUAGES
        for key in ALL_KEYS
        for name in sorted(selectors(lang, key) - {"gender"})
    ]


@pytest.mark.parametrize(("lang", "key", "name"), _plural_messages())
def test_every_plural_form_renders(lang: str, key: str, name: str) -> None:
    values = _sample_values(lang, key)
    for number in (1, 2, 5, 21):
        assert str(number) in t(lang, key, **{**values, name: number})


@pytest.mark.parametrize(
    ("lang", "days", "expected"),
    [
        ("ru", 1, "1 рабочий день"),
        ("ru", 2, "2 рабочих дня"),
        ("ru", 5, "5 рабочих дней"),
        ("ru", 21, "21 рабочий день"),
        ("en", 1, "1 business day."),
        ("en", 2, "2 business days"),
        ("en", 5, "5 business days"),
        ("en", 21, "21 business days"),
    ],
)
def test_the_number_chooses_the_words_form(lang: str, days: int, expected: str) -> None:
    assert expected in t(lang, "op.autoclosed", number="#1042", days=days)


def test_forms_after_a_preposition_follow_the_number() -> None:
    assert "в течение 1 дня" in t("ru", "client.autoclosed", number="#1", days=5, reopen=1)
    assert "в течение 30 дней" in t("ru", "client.autoclosed", number="#1", days=5, reopen=30)
    assert "в течение 21 дня" in t("ru", "client.autoclosed", number="#1", days=5, reopen=21)
    assert "отправляю 1 получателю" in t("ru", "ann.started", id=1, total=1)
    assert "отправляю 11 получателям" in t("ru", "ann.started", id=1, total=11)


@pytest.mark.parametrize(("lang", "key", "name"), _plural_messages())
def test_a_plural_message_renders_every_category_of_its_language(
    lang: str, key: str, name: str
) -> None:
    plural = Locale.parse(lang).plural_form
    values = _sample_values(lang, key)
    seen = set()
    for n in PLURAL_SAMPLES:
        seen.add(plural(n))
        assert str(n) in t(lang, key, **{**values, name: n})
    assert seen == ({"one", "few", "many"} if lang == "ru" else {"one", "other"})


def _gendered() -> list[tuple[str, str]]:
    return [
        (lang, key) for lang in LANGUAGES for key in ALL_KEYS if "gender" in selectors(lang, key)
    ]


def test_russian_engineer_messages_choose_a_gender() -> None:
    gendered = {key for lang, key in _gendered() if lang == "ru"}
    assert {"op.taken", "op.closed", "client.taken"} <= gendered


@pytest.mark.parametrize(("lang", "key"), _gendered())
def test_every_gender_form_renders_and_differs(lang: str, key: str) -> None:
    values = _sample_values(lang, key, hostile="Саша")
    forms = {gender: t(lang, key, gender=gender, **values) for gender in GENDERS}
    assert len(set(forms.values())) == 3
    assert t(lang, key, **values) == forms["other"]  # unknown gender: neutral wording
    assert "(а)" not in "".join(forms.values())


def test_no_message_guesses_a_form_with_brackets_or_abbreviations() -> None:
    for key in ALL_KEYS:
        text = t("ru", key, **_sample_values("ru", key, hostile="x"))
        for guess in ("(а)", "(ы)", "раб. дн.", " дн.", "(s)"):
            assert guess not in text, (key, guess)


def test_values_are_escaped_but_raw_fragments_are_not() -> None:
    assert t("ru", "relay.ack", number="<b>") == "→ &lt;b&gt;"
    assert t("ru", "relay.ack", number=Raw("<b>1</b>")) == "→ <b>1</b>"


def test_numbers_are_written_without_grouping() -> None:
    assert "1042" in t("ru", "ann.started", id=1042, total=12345)
    assert "12345" in t("ru", "ann.started", id=1042, total=12345)


def test_a_missing_value_is_an_error_not_a_silent_gap() -> None:
    with pytest.raises(ValueError, match="number"):
        t("ru", "relay.ack")
