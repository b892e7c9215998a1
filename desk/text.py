"""Text measures and shapes that Telegram imposes, without Telegram."""

from __future__ import annotations

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
TOPIC_NAME_LIMIT = 128


def utf16_len(text: str) -> int:
    """Length as Telegram counts it, in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def truncate(text: str, limit: int, ellipsis: str = "…") -> str:
    """Cuts `text` to at most `limit` UTF-16 units, at a word if possible, with an ellipsis."""
    if utf16_len(text) <= limit:
        return text
    out: list[str] = []
    used = utf16_len(ellipsis)
    for ch in text:
        size = utf16_len(ch)
        if used + size > limit:
            break
        out.append(ch)
        used += size
    cut = "".join(out)
    space = cut.rfind(" ")
    if space > len(cut) // 2:
        cut = cut[:space]  # end at a word boundary when one is near
    return cut.rstrip() + ellipsis


def first_line(text: str, limit: int = 60) -> str:
    """The first non-empty line of `text`, shortened for lists and titles."""
    for line in text.splitlines():
        if line.strip():
            return truncate(" ".join(line.split()), limit)
    return ""


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Splits `text` into parts of at most `limit` UTF-16 units.

    Prefers to cut at a paragraph, then a line, then a space; a word longer than the
    limit is cut where it must be. Nothing is dropped: joining the parts gives back the
    text apart from the whitespace at the cuts.
    """
    parts: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        # Find the longest prefix within the limit.
        end = 0
        used = 0
        for i, ch in enumerate(rest):
            used += utf16_len(ch)
            if used > limit:
                break
            end = i + 1
        window = rest[:end]
        cut = -1
        for sep in ("\n\n", "\n", " "):
            pos = window.rfind(sep)
            if pos > end // 2:
                cut = pos
                break
        if cut == -1:
            cut = end
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not parts:
        parts.append(rest)
    return parts


def topic_name(
    *, marker: str, number: str, type_label: str, who: str, subject: str, assignee: str = ""
) -> str:
    """The forum topic title: ``🟡 #1042 · Incident · ACME → Olga · subject``, within 128.

    The title carries what changes (the status colour, who works on it), so the header card
    below it does not have to be redrawn for that.
    """
    head = f"{marker} {number} · {type_label} · "
    who = truncate(one_line(who), 40) if who else ""
    if assignee:
        who = f"{who} → {truncate(one_line(assignee), 24)}" if who else f"→ {assignee}"
    subject = one_line(subject)
    rest = f"{who} · {subject}" if who and subject else (who or subject)
    name = truncate(head + rest, TOPIC_NAME_LIMIT)
    return name.strip() or f"{marker} {number}"


# Characters that would let a name break out of its line or turn the text around it:
# controls, line and paragraph separators, and the bidirectional overrides and isolates.
_INVISIBLE = {
    *(chr(c) for c in range(0x00, 0x20)),
    "\x7f",
    *(chr(c) for c in range(0x80, 0xA0)),
    "\u2028",
    "\u2029",
    "\u200e",
    "\u200f",
    "\u061c",
    *(chr(c) for c in range(0x202A, 0x202F)),
    *(chr(c) for c in range(0x2066, 0x206A)),
}


def one_line(text: str) -> str:
    """A name or title as one plain line: line breaks and tabs become spaces, control and
    bidi-override characters are dropped, runs of spaces are folded."""
    out = []
    for ch in text:
        if ch in "\n\r\t\v\f\u2028\u2029":
            out.append(" ")
        elif ch not in _INVISIBLE:
            out.append(ch)
    return " ".join("".join(out).split())
