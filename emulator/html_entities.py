"""Telegram formatting: HTML / MarkdownV2 / Markdown -> (plain text, entities).

Offsets and lengths are counted in UTF-16 code units, exactly like the Bot API does.
Errors are raised as :class:`EntityParseError`; the Bot API layer turns them into
``400 Bad Request: can't parse entities: <message>``.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "EntityParseError",
    "parse_html",
    "parse_markdown",
    "parse_markdown_v2",
    "parse_text",
    "utf16_len",
]

Entity = dict[str, Any]


class EntityParseError(ValueError):
    """The text can't be parsed with the requested parse_mode."""


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (what Telegram counts)."""
    return len(text.encode("utf-16-le")) // 2


def _sorted(entities: list[Entity]) -> list[Entity]:
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


class _Out:
    """Accumulates output text and tracks its UTF-16 length."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.u16 = 0

    def add(self, s: str) -> None:
        if s:
            self.parts.append(s)
            self.u16 += utf16_len(s)

    def text(self) -> str:
        return "".join(self.parts)


# --------------------------------------------------------------------------- HTML

_HTML_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")
_ATTR_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_-]*")
_ENTITY_RE = re.compile(r"&(#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[a-zA-Z]{2,8});")


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_entities(s: str) -> str:
    def repl(m: re.Match[str]) -> str:
        body = m.group(1)
        if body.startswith("#"):
            try:
                code = int(body[2:], 16) if body[1:2] in "xX" else int(body[1:])
                return chr(code)
            except (ValueError, OverflowError):
                return m.group(0)
        return _NAMED.get(body.lower(), m.group(0))

    return _ENTITY_RE.sub(repl, s)


def parse_html(source: str) -> tuple[str, list[Entity]]:
    """Parse Telegram-flavoured HTML. Raises :class:`EntityParseError` on bad markup."""
    out = _Out()
    entities: list[Entity] = []
    # stack items: (tag_name, entity dict (offset set), start index in source)
    stack: list[tuple[str, Entity]] = []
    i = 0
    n = len(source)
    while i < n:
        ch = source[i]
        if ch == "&":
            m = _ENTITY_RE.match(source, i)
            if m:
                out.add(_decode_entities(m.group(0)))
                i = m.end()
            else:
                out.add("&")
                i += 1
            continue
        if ch != "<":
            j = i
            while j < n and source[j] not in "<&":
                j += 1
            out.add(source[i:j])
            i = j
            continue
        # a tag
        tag_pos = i
        if i + 1 < n and source[i + 1] == "/":
            m = _TAG_NAME.match(source, i + 2)
            name = m.group(0).lower() if m else ""
            j = m.end() if m else i + 2
            while j < n and source[j] in " \t\r\n":
                j += 1
            if j >= n or source[j] != ">":
                raise EntityParseError(
                    f"Can't find end tag corresponding to start tag at byte offset "
                    f"{_byte_offset(source, tag_pos)}"
                    if not m
                    else f"Unclosed end tag at byte offset {_byte_offset(source, tag_pos)}"
                )
            if not stack:
                raise EntityParseError(
                    f'Unexpected end tag "{name}" at byte offset {_byte_offset(source, tag_pos)}'
                )
            open_name, ent = stack.pop()
            if open_name != name:
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(source, tag_pos)}, "
                    f'expected "</{open_name}>", found "</{name}>"'
                )
            ent["length"] = out.u16 - ent["offset"]
            parent = stack[-1] if stack else None
            if ent["type"] == "code" and parent is not None and parent[1]["type"] == "pre":
                lang = ent.pop("_language", None)
                if lang and parent[0] == "pre":
                    parent[1]["language"] = lang
                i = j + 1
                continue
            ent.pop("_language", None)
            if ent["type"] == "text_link" and not ent.get("url"):
                i = j + 1
                continue
            if ent["length"] > 0:
                entities.append(ent)
            i = j + 1
            continue
        m = _TAG_NAME.match(source, i + 1)
        if not m:
            raise EntityParseError(
                f'Unsupported start tag "" at byte offset {_byte_offset(source, tag_pos)}'
            )
        name = m.group(0).lower()
        if name not in _HTML_SIMPLE:
            raise EntityParseError(
                f'Unsupported start tag "{name}" at byte offset {_byte_offset(source, tag_pos)}'
            )
        j = m.end()
        attrs: dict[str, str] = {}
        while True:
            while j < n and source[j] in " \t\r\n":
                j += 1
            if j >= n:
                raise EntityParseError(
                    f'Unclosed start tag "{name}" at byte offset {_byte_offset(source, tag_pos)}'
                )
            if source[j] == ">":
                j += 1
                break
            if source[j] == "/" and j + 1 < n and source[j + 1] == ">":
                raise EntityParseError(
                    f'Unsupported self-closing tag "{name}" at byte offset '
                    f"{_byte_offset(source, tag_pos)}"
                )
            am = _ATTR_NAME.match(source, j)
            if not am:
                raise EntityParseError(
                    f"Expected equal sign in declaration of an attribute of the tag "
                    f'"{name}" at byte offset {_byte_offset(source, tag_pos)}'
                )
            attr = am.group(0).lower()
            j = am.end()
            while j < n and source[j] in " \t\r\n":
                j += 1
            value = ""
            if j < n and source[j] == "=":
                j += 1
                while j < n and source[j] in " \t\r\n":
                    j += 1
                if j < n and source[j] in "\"'":
                    quote = source[j]
                    end = source.find(quote, j + 1)
                    if end < 0:
                        raise EntityParseError(
                            f"Unclosed start tag at byte offset {_byte_offset(source, tag_pos)}"
                        )
                    value = _decode_entities(source[j + 1 : end])
                    j = end + 1
                else:
                    k = j
                    while k < n and source[k] not in " \t\r\n>":
                        k += 1
                    value = _decode_entities(source[j:k])
                    j = k
            attrs[attr] = value
        start: Entity = {"type": _HTML_SIMPLE[name], "offset": out.u16, "length": 0}
        if name == "span":
            if attrs.get("class") != "tg-spoiler":
                raise EntityParseError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset '
                    f"{_byte_offset(source, tag_pos)}"
                )
        elif name == "a":
            start["url"] = attrs.get("href", "")
        elif name == "code":
            cls = attrs.get("class", "")
            if cls.startswith("language-") and len(cls) > len("language-"):
                start["_language"] = cls[len("language-") :]
        elif name == "blockquote":
            if "expandable" in attrs:
                start["type"] = "expandable_blockquote"
        elif name == "tg-emoji":
            emoji_id = attrs.get("emoji-id", "")
            if not emoji_id.isdigit():
                raise EntityParseError(
                    f"Invalid custom emoji identifier specified at byte offset "
                    f"{_byte_offset(source, tag_pos)}"
                )
            start["custom_emoji_id"] = emoji_id
        stack.append((name, start))
        i = j
    if stack:
        name = stack[-1][0]
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{name}"')
    return out.text(), _sorted(entities)


# --------------------------------------------------------------------------- MarkdownV2

_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")


def parse_markdown_v2(source: str) -> tuple[str, list[Entity]]:
    """Parse a (large) subset of MarkdownV2.

    Supported: ``*bold*``, ``_italic_``, ``__underline__``, ``~strike~``, ``||spoiler||``,
    ```` `code` ````, ```` ```lang\\npre``` ````, ``[text](url)``, ``>quote`` lines and
    backslash escapes. Unescaped reserved characters raise :class:`EntityParseError`.
    """
    out = _Out()
    entities: list[Entity] = []
    stack: list[tuple[str, Entity]] = []
    i = 0
    n = len(source)
    quote: Entity | None = None
    at_line_start = True

    def err_pos(k: int) -> int:
        return _byte_offset(source, k)

    while i < n:
        ch = source[i]
        if at_line_start:
            at_line_start = False
            if ch == ">":
                if quote is None:
                    quote = {"type": "blockquote", "offset": out.u16, "length": 0}
                i += 1
                continue
            if quote is not None:
                quote["length"] = out.u16 - quote["offset"]
                # drop the trailing newline from the quote
                if quote["length"] > 0:
                    quote["length"] -= 1
                    entities.append(quote)
                quote = None
        if ch == "\n":
            out.add("\n")
            at_line_start = True
            i += 1
            continue
        if ch == "\\":
            if i + 1 >= n or not (1 <= ord(source[i + 1]) <= 126):
                raise EntityParseError(
                    "Character '\\' is reserved and must be escaped with the preceding '\\'"
                )
            out.add(source[i + 1])
            i += 2
            continue
        if ch == "`":
            if source.startswith("```", i):
                end = source.find("```", i + 3)
                if end < 0:
                    raise EntityParseError(
                        f"Can't find end of Pre entity at byte offset {err_pos(i)}"
                    )
                body = source[i + 3 : end]
                language = ""
                if "\n" in body:
                    first, rest = body.split("\n", 1)
                    if first and not first[0].isspace():
                        language, body = first.strip(), rest
                text = re.sub(r"\\([`\\])", r"\1", body)
                ent: Entity = {"type": "pre", "offset": out.u16, "length": utf16_len(text)}
                if language:
                    ent["language"] = language
                out.add(text)
                if ent["length"]:
                    entities.append(ent)
                i = end + 3
                continue
            j = i + 1
            buf: list[str] = []
            while j < n and source[j] != "`":
                if source[j] == "\\" and j + 1 < n:
                    buf.append(source[j + 1])
                    j += 2
                    continue
                buf.append(source[j])
                j += 1
            if j >= n:
                raise EntityParseError(
                    f"Can't find end of Code entity at byte offset {err_pos(i)}"
                )
            text = "".join(buf)
            if text:
                entities.append({"type": "code", "offset": out.u16, "length": utf16_len(text)})
            out.add(text)
            i = j + 1
            continue
        token = None
        etype = None
        if source.startswith("||", i):
            token, etype = "||", "spoiler"
        elif source.startswith("__", i):
            token, etype = "__", "underline"
        elif ch == "*":
            token, etype = "*", "bold"
        elif ch == "_":
            token, etype = "_", "italic"
        elif ch == "~":
            token, etype = "~", "strikethrough"
        elif ch == "[":
            token, etype = "[", "text_link"
        if token is not None and etype is not None:
            if token != "[" and stack and stack[-1][0] == token:
                _, ent = stack.pop()
                ent["length"] = out.u16 - ent["offset"]
                if ent["length"]:
                    entities.append(ent)
            elif token == "[" or not any(t == token for t, _ in stack):
                stack.append((token, {"type": etype, "offset": out.u16, "length": 0}))
            else:
                raise EntityParseError(
                    f"Can't find end of {etype} entity at byte offset {err_pos(i)}"
                )
            i += len(token)
            continue
        if ch == "]" and stack and stack[-1][0] == "[":
            _, ent = stack.pop()
            if not source.startswith("(", i + 1):
                raise EntityParseError(
                    "Character ']' is reserved and must be escaped with the preceding '\\'"
                )
            end = source.find(")", i + 2)
            if end < 0:
                raise EntityParseError(f"Can't find end of a URL at byte offset {err_pos(i)}")
            url = re.sub(r"\\([)\\])", r"\1", source[i + 2 : end])
            ent["length"] = out.u16 - ent["offset"]
            ent["url"] = url
            if ent["length"] and url:
                entities.append(ent)
            i = end + 1
            continue
        if ch in _MDV2_RESERVED:
            raise EntityParseError(
                f"Character '{ch}' is reserved and must be escaped with the preceding '\\'"
            )
        out.add(ch)
        i += 1
    if stack:
        token, ent = stack[-1]
        raise EntityParseError(f"Can't find end of {ent['type']} entity")
    if quote is not None:
        quote["length"] = out.u16 - quote["offset"]
        if quote["length"]:
            entities.append(quote)
    return out.text(), _sorted(entities)


# --------------------------------------------------------------------------- legacy Markdown


def parse_markdown(source: str) -> tuple[str, list[Entity]]:
    """Legacy Markdown: ``*bold*``, ``_italic_``, ```` `code` ````, ```` ```pre``` ````,
    ``[text](url)``; no nesting."""
    out = _Out()
    entities: list[Entity] = []
    i = 0
    n = len(source)
    marks = {"*": "bold", "_": "italic"}
    while i < n:
        ch = source[i]
        if ch == "\\" and i + 1 < n and source[i + 1] in "_*`[":
            out.add(source[i + 1])
            i += 2
            continue
        if source.startswith("```", i):
            end = source.find("```", i + 3)
            if end < 0:
                raise EntityParseError(f"Can't find end of the entity starting at byte offset {i}")
            body = source[i + 3 : end]
            ent: Entity = {"type": "pre", "offset": out.u16, "length": 0}
            if "\n" in body:
                first, rest = body.split("\n", 1)
                if first and " " not in first:
                    ent["language"] = first
                    body = rest
            ent["length"] = utf16_len(body)
            out.add(body)
            if ent["length"]:
                entities.append(ent)
            i = end + 3
            continue
        if ch in marks or ch == "`":
            end = source.find(ch, i + 1)
            if end < 0:
                raise EntityParseError(
                    f"Can't find end of the entity starting at byte offset "
                    f"{_byte_offset(source, i)}"
                )
            body = source[i + 1 : end]
            etype = "code" if ch == "`" else marks[ch]
            if body:
                entities.append({"type": etype, "offset": out.u16, "length": utf16_len(body)})
            out.add(body)
            i = end + 1
            continue
        if ch == "[":
            m = re.compile(r"\[([^\]]*)\]\(([^)]*)\)").match(source, i)
            if m:
                body, url = m.group(1), m.group(2)
                if body and url:
                    entities.append(
                        {
                            "type": "text_link",
                            "offset": out.u16,
                            "length": utf16_len(body),
                            "url": url,
                        }
                    )
                out.add(body)
                i = m.end()
                continue
            raise EntityParseError(
                f"Can't find end of the entity starting at byte offset {_byte_offset(source, i)}"
            )
        out.add(ch)
        i += 1
    return out.text(), _sorted(entities)


def parse_text(text: str, parse_mode: str | None) -> tuple[str, list[Entity]]:
    """Dispatch on ``parse_mode`` (case-insensitive). Unknown mode -> ``EntityParseError``
    is *not* raised; the caller reports ``unsupported parse_mode``."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        return parse_html(text)
    if mode == "markdownv2":
        return parse_markdown_v2(text)
    if mode == "markdown":
        return parse_markdown(text)
    return text, []
