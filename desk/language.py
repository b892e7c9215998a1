"""Which language a client is spoken to in."""

from __future__ import annotations

LANGUAGES = ("ru", "en")


def pick_language(language_code: str | None, default: str = "ru") -> str:
    """Maps Telegram's ``language_code`` to a supported language.

    English-speaking clients get English; everybody else, including those whose
    client does not report a language, gets the desk's default (Russian).
    """
    if language_code:
        base = language_code.split("-")[0].lower()
        if base in LANGUAGES:
            return base
    return default
