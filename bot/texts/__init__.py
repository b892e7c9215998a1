"""Every user-facing string, per language, in Project Fluent files (``bot/locales/*.ftl``).

``t(lang, key, **values)`` formats the message ``key`` (dots in keys are dashes in the files:
``client.taken`` is ``client-taken``) with ``values``:

- strings are escaped for Telegram's HTML parse mode unless wrapped in ``Raw`` (fragments
  already built from this catalog), so a client called ``<3`` can never break a message;
- integers stay numbers, so a message can choose its plural form (``{ $days -> [one] ...}``)
  by the language's CLDR rules, and are written without digit grouping (ticket ``#1042``);
- decimals (``Decimal``) are numbers too, written the language's way with up to two
  fraction digits (``1,5`` in Russian, ``1.5`` in English);
- an engineer's grammatical gender is passed as ``gender`` (``female``, ``male`` or
  anything else for neutral wording) and chosen with a select expression.

Fluent rather than gettext: Russian needs both plural and gender forms inside one sentence
("Ольга взяла заявку", "закрыта через 5 рабочих дней"), which Fluent expresses in the
translation itself, where a translator sees and edits it; gettext has plurals only, and
gender would need a context per form in the code.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle, FluentResource
from fluent.runtime.types import fluent_number
from fluent.syntax import FluentParser
from fluent.syntax import ast as ftl
from fluent.syntax.visitor import Visitor

LOCALES = Path(__file__).resolve().parent.parent / "locales"
LANGUAGES = ("ru", "en")
FALLBACK = "ru"
NEUTRAL = "other"  # the gender an engineer has not told: neutral wording


class Raw(str):
    """A value that is already safe HTML and must not be escaped again."""

    __slots__ = ()


class MissingText(KeyError):
    """No message with this key in any language."""


def escape(value: Any) -> str:
    """Escapes a value for HTML parse mode; Raw values pass through."""
    if isinstance(value, Raw):
        return str(value)
    return html.escape(str(value), quote=False)


def message_id(key: str) -> str:
    """The Fluent id of a catalog key (Fluent ids cannot hold dots)."""
    return key.replace(".", "-")


@cache
def _source(lang: str) -> str:
    return (LOCALES / f"{lang}.ftl").read_text(encoding="utf-8")


@cache
def bundle(lang: str) -> FluentBundle:
    """The compiled messages of one language."""
    for entry in _tree(lang).body:  # a line Fluent cannot parse would vanish silently
        if isinstance(entry, ftl.Junk):
            raise ValueError(f"{lang}.ftl: cannot parse {(entry.content or '')[:60]!r}")
    compiled = FluentBundle([lang], use_isolating=False)
    compiled.add_resource(FluentResource(_source(lang)))
    return compiled


def _argument(value: Any) -> Any:
    if isinstance(value, bool):
        return escape(value)
    if isinstance(value, int):
        return fluent_number(value, useGrouping=False)
    if isinstance(value, Decimal):
        return fluent_number(value, useGrouping=False, maximumFractionDigits=2)
    return escape(value)


def t(lang: str, key: str, /, **values: Any) -> str:
    """The text `key` in `lang` (falling back to Russian), with `values` filled in."""
    fid = message_id(key)
    values.setdefault("gender", NEUTRAL)
    for candidate in (lang, FALLBACK):
        compiled = bundle(candidate) if candidate in LANGUAGES else None
        if compiled is not None and compiled.has_message(fid):
            message = compiled.get_message(fid)
            assert message.value is not None, key
            text, errors = compiled.format_pattern(
                message.value, {name: _argument(value) for name, value in values.items()}
            )
            if errors:
                raise ValueError(f"{candidate}:{key}: {errors}")
            return str(text)
    raise MissingText(key)


def keys(lang: str) -> set[str]:
    """The catalog keys one language defines (as the code spells them)."""
    return {_key_of(message.id.name) for message in _messages(lang)}


def _key_of(fid: str) -> str:
    # Keys use dots between their parts and underscores inside them, ids use dashes.
    return fid.replace("-", ".")


@cache
def _tree(lang: str) -> ftl.Resource:
    return FluentParser(with_spans=False).parse(_source(lang))


def _messages(lang: str) -> Iterator[ftl.Message]:
    for entry in _tree(lang).body:
        if isinstance(entry, ftl.Message):
            yield entry


def variables(lang: str, key: str) -> set[str]:
    """The ``$names`` message `key` uses in `lang`."""
    return {name for name, _ in _references(lang, key)}


def selectors(lang: str, key: str) -> set[str]:
    """The ``$names`` message `key` chooses a form by (plural or gender) in `lang`."""
    return {name for name, selector in _references(lang, key) if selector}


def _references(lang: str, key: str) -> set[tuple[str, bool]]:
    fid = message_id(key)
    found: set[tuple[str, bool]] = set()

    class References(Visitor):
        def visit_SelectExpression(self, node: ftl.SelectExpression) -> None:
            if isinstance(node.selector, ftl.VariableReference):
                found.add((node.selector.id.name, True))
            self.generic_visit(node)

        def visit_VariableReference(self, node: ftl.VariableReference) -> None:
            found.add((node.id.name, False))

    for message in _messages(lang):
        if message.id.name == fid:
            References().visit(message)
    return found
