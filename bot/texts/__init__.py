"""Every user-facing string, per language, with HTML-safe formatting.

``t(lang, key, **values)`` escapes every value for Telegram's HTML parse mode unless it is
wrapped in ``Raw`` (for fragments already built from this catalog), so a client called
``<3`` can never break a message.
"""

from __future__ import annotations

import html
import string
from typing import Any

from bot.texts import en, ru

CATALOGS: dict[str, dict[str, str]] = {"ru": ru.TEXTS, "en": en.TEXTS}
FALLBACK = "ru"


class Raw(str):
    """A value that is already safe HTML and must not be escaped again."""

    __slots__ = ()


def escape(value: Any) -> str:
    """Escapes a value for HTML parse mode; Raw values pass through."""
    if isinstance(value, Raw):
        return str(value)
    return html.escape(str(value), quote=False)


def t(lang: str, key: str, /, **values: Any) -> str:
    """The text `key` in `lang`, with `values` escaped and filled in."""
    catalog = CATALOGS.get(lang) or CATALOGS[FALLBACK]
    template = catalog.get(key)
    if template is None:
        template = CATALOGS[FALLBACK][key]
    if not values:
        return template
    return template.format(**{name: escape(value) for name, value in values.items()})


def placeholders(template: str) -> set[str]:
    """The ``{names}`` a template expects."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
