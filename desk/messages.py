"""Whether a client's message carries a question: the words in it, once the characters that
show nothing are gone."""

from __future__ import annotations

import unicodedata

# Characters that take no room on screen: zero-width space, non-joiner and joiner, word
# joiner and the invisible operators, the byte-order mark, the soft hyphen, the Mongolian
# vowel separator, and the bidirectional marks, embeddings, overrides and isolates.
INVISIBLE = frozenset(
    {
        "\u00ad",
        "\u034f",
        "\u061c",
        "\u180e",
        *(chr(c) for c in range(0x200B, 0x2010)),  # ZWSP, ZWNJ, ZWJ, LRM, RLM
        *(chr(c) for c in range(0x202A, 0x202F)),  # LRE, RLE, PDF, LRO, RLO
        *(chr(c) for c in range(0x2060, 0x2070)),  # word joiner .. nominal digit shapes
        "\ufeff",
    }
)
_DROP = str.maketrans(dict.fromkeys(INVISIBLE))

#: Message kinds that say nothing a desk can act on by themselves: a sticker, a GIF, a dice
#: roll, a poll. With no ticket open they get the menu; in a ticket they are relayed.
REACTIONS = frozenset({"sticker", "animation", "dice", "poll"})


def visible(text: str) -> str:
    """`text` without the characters that show nothing (``при\\u200bнтер`` → ``принтер``)."""
    return text.translate(_DROP)


def has_words(text: str) -> bool:
    """Whether `text` has something wordlike once invisible characters are gone: a letter or
    a digit (spaces, punctuation and emoji alone are not a question)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in visible(text))


def carries_question(kind: str, text: str) -> bool:
    """Whether a client's first message (of `kind`, with `text` its text or caption) is
    something to search for or to open a ticket with. Files, photos, voice, locations and
    contacts are (the desk keeps them); a sticker, a dice, a poll, a caption-less GIF, and a
    text of spaces, emoji or invisible characters are not."""
    if has_words(text):
        return True
    return kind not in REACTIONS and kind not in ("text", "other")
