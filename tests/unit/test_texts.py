"""Every string exists in both languages and is valid Telegram HTML."""

from __future__ import annotations

import pytest

from bot.texts import CATALOGS, Raw, placeholders, t
from emulator.html_entities import parse_html


def test_both_languages_have_every_key() -> None:
    assert set(CATALOGS["ru"]) == set(CATALOGS["en"])


@pytest.mark.parametrize("key", sorted(CATALOGS["ru"]))
def test_both_languages_take_the_same_values(key: str) -> None:
    assert placeholders(CATALOGS["ru"][key]) == placeholders(CATALOGS["en"][key])


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("key", sorted(CATALOGS["ru"]))
def test_every_text_is_valid_html_even_with_hostile_values(lang: str, key: str) -> None:
    values = {name: '<3 & </b> "x"' for name in placeholders(CATALOGS[lang][key])}
    text = t(lang, key, **values)
    parse_html(text)  # raises like Telegram's "can't parse entities"


def test_values_are_escaped_but_raw_fragments_are_not() -> None:
    assert t("ru", "relay.ack", number="<b>") == "→ &lt;b&gt;"
    assert t("ru", "relay.ack", number=Raw("<b>1</b>")) == "→ <b>1</b>"
