"""The bot's commands in one table: who may give each, where, what it does, and the line its
command menu shows. The table drives both the handlers' registration (``bot/app.py``) and the
menus published with ``setMyCommands`` (clients' private chats; the operator group)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from telegram import BotCommand, Update

from bot.context import DeskContext
from bot.handlers import (
    announce,
    client,
    kb,
    lifecycle,
    operator,
    orgs,
    people,
    registration,
    reports,
)
from bot.texts import t

Callback = Callable[[Update, DeskContext], Coroutine[Any, Any, None]]


class Audience(StrEnum):
    """Who a command is for: clients in private chats, or the operator group."""

    CLIENT = "client"
    ENGINEER = "engineer"
    ADMIN = "admin"  # in the operator group, and only for ADMIN_IDS (checked by the handler)


@dataclass(frozen=True)
class Command:
    """One command: its name, its audience, its handler and whether its menu lists it."""

    name: str
    audience: Audience
    callback: Callback
    menu: bool = True

    @property
    def description_key(self) -> str:
        """The catalog key of its one-line description in the command menu."""
        prefix = "commands" if self.audience is Audience.CLIENT else "opcommands"
        return f"{prefix}.{self.name}"


# In menu order.
COMMANDS: tuple[Command, ...] = (
    Command("start", Audience.CLIENT, client.start),
    Command("new", Audience.CLIENT, registration.new_ticket),
    Command("tickets", Audience.CLIENT, client.list_tickets),
    Command("kb", Audience.CLIENT, kb.kb_command),
    Command("help", Audience.CLIENT, client.show_help),
    Command("language", Audience.CLIENT, client.choose_language),
    Command("news", Audience.CLIENT, announce.news),
    Command("subscribe", Audience.CLIENT, client.subscribe),
    Command("unsubscribe", Audience.CLIENT, client.unsubscribe),
    Command("cancel", Audience.CLIENT, registration.cancel),
    Command("take", Audience.ENGINEER, operator.take),
    Command("type", Audience.ENGINEER, operator.ask_type),
    Command("priority", Audience.ENGINEER, operator.ask_priority),
    Command("solve", Audience.ENGINEER, lifecycle.solve),
    Command("ask", Audience.ENGINEER, lifecycle.ask),
    Command("org", Audience.ENGINEER, orgs.set_organization),
    Command("close", Audience.ENGINEER, operator.close),
    Command("reopen", Audience.ENGINEER, operator.reopen),
    Command("info", Audience.ENGINEER, operator.info),
    Command("note", Audience.ENGINEER, operator.note),
    Command("time", Audience.ENGINEER, operator.log_time),
    Command("article", Audience.ENGINEER, kb.link_article),
    Command("me", Audience.ENGINEER, people.me),
    Command("kbstats", Audience.ENGINEER, kb.kb_stats),
    Command("kbreload", Audience.ADMIN, kb.reload_kb),
    Command("announce", Audience.ADMIN, announce.announce),
    Command("orgs", Audience.ADMIN, orgs.orgs_command),
    Command("report", Audience.ADMIN, reports.report),
    Command("stats", Audience.ADMIN, reports.stats),
)


def of(*audiences: Audience) -> tuple[Command, ...]:
    """The commands for these audiences, in menu order."""
    return tuple(command for command in COMMANDS if command.audience in audiences)


def names(*audiences: Audience) -> tuple[str, ...]:
    """The names of the commands for these audiences."""
    return tuple(command.name for command in of(*audiences))


def menu(lang: str, *audiences: Audience) -> list[BotCommand]:
    """The command menu for these audiences in `lang`: each command with its one line."""
    return [
        BotCommand(command.name, t(lang, command.description_key))
        for command in of(*audiences)
        if command.menu
    ]
