"""The callback-data protocol alone: every button's data fits Telegram's 64 bytes, reads back
as what was written, reaches one handler, and anything else is refused."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import SecretStr
from telegram.ext import CallbackQueryHandler

from bot import callbacks as cb
from bot.app import build_application
from bot.config import Settings
from desk.org_fields import OrgField
from desk.organizations import OrgKind
from desk.tickets import Priority, TicketType

BIG = cb.MAX_NUMBER  # the largest id a database key can be

# (data as built, its parser, what the parser must give, the router's pattern for it)
BUILT: list[tuple[str, Callable[[str], Any], Any, str]] = [
    *[(cb.menu(item), cb.parse_menu, item, cb.MENU_PATTERN) for item in cb.MenuItem],
    *[(cb.language(code), cb.parse_language, code, cb.LANGUAGE_PATTERN) for code in ("ru", "en")],
    *[
        (
            cb.registration(action),
            cb.parse_registration,
            cb.RegistrationPress(action),
            cb.REGISTRATION_PATTERN,
        )
        for action in (
            cb.Registration.RESUME,
            cb.Registration.DONE,
            cb.Registration.CANCEL,
            cb.Registration.CONFIRM,
            cb.Registration.EDIT,
        )
    ],
    *[
        (
            cb.registration_type(kind),
            cb.parse_registration,
            cb.RegistrationPress(cb.Registration.TYPE, kind),
            cb.REGISTRATION_PATTERN,
        )
        for kind in TicketType
    ],
    *[
        (
            cb.registration_priority(priority),
            cb.parse_registration,
            cb.RegistrationPress(cb.Registration.PRIORITY, priority),
            cb.REGISTRATION_PATTERN,
        )
        for priority in Priority
    ],
    *[
        (
            cb.registration_edit(part),
            cb.parse_registration,
            cb.RegistrationPress(cb.Registration.EDIT_PART, part),
            cb.REGISTRATION_PATTERN,
        )
        for part in cb.DraftPart
    ],
    (cb.tickets_page(BIG), cb.parse_tickets, cb.TicketsPage(BIG), cb.TICKETS_PATTERN),
    (
        cb.ticket_card(BIG),
        cb.parse_tickets,
        cb.TicketPress(cb.TicketView.CARD, BIG),
        cb.TICKETS_PATTERN,
    ),
    (
        cb.ticket_history(BIG, BIG),
        cb.parse_tickets,
        cb.TicketPress(cb.TicketView.HISTORY, BIG, BIG),
        cb.TICKETS_PATTERN,
    ),
    (
        cb.ticket_write(BIG),
        cb.parse_tickets,
        cb.TicketPress(cb.TicketView.WRITE, BIG),
        cb.TICKETS_PATTERN,
    ),
    *[
        (build(BIG), cb.parse_escalation, cb.EscalationPress(action, BIG), cb.ESCALATION_PATTERN)
        for build, action in (
            (cb.no_answer, cb.Escalation.LATE),
            (cb.raise_priority, cb.Escalation.RAISE),
        )
    ],
    *[
        (build(BIG), cb.parse_lifecycle, cb.LifecyclePress(action, BIG), cb.LIFECYCLE_PATTERN)
        for build, action in (
            (cb.solved, cb.Lifecycle.CONFIRM),
            (cb.not_solved, cb.Lifecycle.REJECT),
            (cb.reopen, cb.Lifecycle.REOPEN),
        )
    ],
    (
        cb.rating(BIG, BIG),
        cb.parse_lifecycle,
        cb.LifecyclePress(cb.Lifecycle.RATE, BIG, BIG),
        cb.LIFECYCLE_PATTERN,
    ),
    *[
        (build(BIG, BIG), cb.parse_kb, cb.KbPress(action, BIG, BIG), cb.KB_PATTERN)
        for build, action in (
            (cb.kb_open, cb.Kb.OPEN),
            (cb.kb_helped, cb.Kb.HELPED),
            (cb.kb_not_helped, cb.Kb.NOT_HELPED),
        )
    ],
    (cb.kb_ticket(BIG), cb.parse_kb, cb.KbPress(cb.Kb.TICKET, BIG), cb.KB_PATTERN),
    *[(cb.news(choice), cb.parse_news, choice, cb.NEWS_PATTERN) for choice in cb.News],
    (cb.version_request(BIG), cb.parse_version_request, BIG, cb.VERSION_PATTERN),
    *[
        (
            cb.announce(action, BIG),
            cb.parse_announce,
            cb.AnnouncePress(action, BIG),
            cb.ANNOUNCE_PATTERN,
        )
        for action in cb.Announce
        if action is not cb.Announce.TOGGLE_ORG
    ],
    (
        cb.announce_org(BIG, BIG),
        cb.parse_announce,
        cb.AnnouncePress(cb.Announce.TOGGLE_ORG, BIG, BIG),
        cb.ANNOUNCE_PATTERN,
    ),
    *[
        (cb.set_type(BIG, kind), cb.parse_field, cb.FieldPress(BIG, kind), cb.FIELD_PATTERN)
        for kind in TicketType
    ],
    *[
        (
            cb.set_priority(BIG, priority),
            cb.parse_field,
            cb.FieldPress(BIG, priority),
            cb.FIELD_PATTERN,
        )
        for priority in Priority
    ],
    *[
        (
            cb.raise_decision(BIG, accept=accept),
            cb.parse_raise,
            cb.RaisePress(BIG, accept),
            cb.RAISE_PATTERN,
        )
        for accept in (True, False)
    ],
    (cb.resend(BIG), cb.parse_resend, BIG, cb.RESEND_PATTERN),
    # org: the /orgs panel and the engineers' link buttons
    (cb.org(cb.OrgAction.NEW), cb.parse_org, cb.OrgPress(cb.OrgAction.NEW), cb.ORGS_PATTERN),
    *[
        (cb.org(action, BIG), cb.parse_org, cb.OrgPress(action, BIG), cb.ORGS_PATTERN)
        for action in (
            cb.OrgAction.LIST,
            cb.OrgAction.CARD,
            cb.OrgAction.LINK,
            cb.OrgAction.INVITES,
            cb.OrgAction.INVITE_NEW,
            cb.OrgAction.REVOKE,
            cb.OrgAction.BACK,
        )
    ],
    *[
        (
            cb.org(cb.OrgAction.EDIT, BIG, field),
            cb.parse_org,
            cb.OrgPress(cb.OrgAction.EDIT, BIG, field=field),
            cb.ORGS_PATTERN,
        )
        for field in OrgField
    ],
    *[
        (
            cb.org(cb.OrgAction.KIND, BIG, kind),
            cb.parse_org,
            cb.OrgPress(cb.OrgAction.KIND, BIG, kind=kind),
            cb.ORGS_PATTERN,
        )
        for kind in OrgKind
    ],
    *[
        (cb.org(action, BIG, BIG), cb.parse_org, cb.OrgPress(action, BIG, BIG), cb.ORGS_PATTERN)
        for action in (cb.OrgAction.PICK, cb.OrgAction.SET, cb.OrgAction.INVITE_USES)
    ],
    (
        cb.org(cb.OrgAction.INVITE_MAKE, BIG, 10_000, 366),
        cb.parse_org,
        cb.OrgPress(cb.OrgAction.INVITE_MAKE, BIG, 10_000, 366),
        cb.ORGS_PATTERN,
    ),
    (cb.time_delete(BIG), cb.parse_time_delete, BIG, cb.TIME_PATTERN),
]

PARSERS = sorted({parser for _, parser, _, _ in BUILT}, key=lambda p: p.__name__)


def _id(case: tuple[str, Any, Any, str]) -> str:
    return case[0]


@pytest.mark.parametrize("case", BUILT, ids=_id)
def test_the_largest_ids_fit_telegrams_64_bytes(case: tuple[str, Any, Any, str]) -> None:
    data = case[0]
    assert 1 <= len(data.encode()) <= cb.MAX_BYTES


@pytest.mark.parametrize("case", BUILT, ids=_id)
def test_what_is_built_reads_back_as_the_same(case: tuple[str, Any, Any, str]) -> None:
    data, parse, expected, _ = case
    assert parse(data) == expected


@pytest.mark.parametrize("case", BUILT, ids=_id)
def test_each_button_reaches_one_handler_and_no_other_parser(
    case: tuple[str, Any, Any, str],
) -> None:
    data, parse, _, pattern = case
    assert [p for p in cb.PATTERNS if re.match(p, data)] == [pattern]
    assert [p.__name__ for p in PARSERS if p is not parse and p(data) is not None] == []


def test_the_strings_on_the_wire_stay_those_of_buttons_already_sent() -> None:
    assert cb.menu(cb.MenuItem.TICKETS) == "m:tickets"
    assert cb.language("en") == "lang:en"
    assert cb.registration(cb.Registration.CONFIRM) == "r:ok"
    assert cb.registration_priority(Priority.HIGH) == "r:prio:high"
    assert cb.registration_edit(cb.DraftPart.DESCRIPTION) == "r:e:desc"
    assert cb.ticket_history(12, 3) == "t:hist:12:3"
    assert cb.tickets_page(0) == "t:list:0"
    assert cb.no_answer(5) == "e:late:5"
    assert cb.solved(5) == "c:y:5"
    assert cb.rating(5, 4) == "c:s:5:4"
    assert cb.kb_not_helped(7, 0) == "k:n:7:0"
    assert cb.kb_ticket(7) == "k:t:7"
    assert cb.news(cb.News.YES) == "n:sub:1"
    assert cb.news(cb.News.UNSUBSCRIBE) == "n:off"
    assert cb.version_request(3) == "v:req:3"
    assert cb.announce(cb.Announce.RESEND_UNKNOWN, 3) == "a:ru:3"
    assert cb.announce_org(3, 1) == "a:org:3:1"
    assert cb.set_type(9, TicketType.CONSULTATION) == "o:type:9:consultation"
    assert cb.raise_decision(4, accept=False) == "o:raise:4:n"
    assert cb.resend(8) == "o:resend:8"
    assert cb.org(cb.OrgAction.EDIT, 3, OrgField.CONTRACT_UNTIL) == "org:ed:3:until"
    assert cb.org(cb.OrgAction.INVITE_MAKE, 3, 0, 30) == "org:invd:3:0:30"
    assert cb.org(cb.OrgAction.SET, 12, 3) == "org:set:12:3"

    assert cb.time_delete(8) == "o:time:del:8"


GARBAGE = [
    "",
    ":",
    "t",
    "t:",
    "t:card",
    "t:card:",
    "t:card:1:2",  # one argument too many
    "t:hist:1",  # one too few
    "t:card:-1",
    "t:card:+1",
    "t:card: 1",
    "t:card:1.0",
    "t:card:١",  # an Arabic-Indic digit: a digit to Python, not to the builders
    "t:card:0x10",
    f"t:card:{2**63}",  # no database key is that big
    "t:card:" + "1" * 60,
    "t:card:" + "0" * 60,  # a valid number, but longer than Telegram would ever send
    "t:open:1",
    "T:card:1",
    "m:",
    "m:ask:1",
    "m:admin",
    "lang:de",
    "lang:",
    "r:type",
    "r:type:bug",
    "r:prio:urgent",
    "r:e:all",
    "r:resume:1",
    "r:done:x",
    "e:late",
    "e:fix:1",
    "c:s:1",
    "c:y:1:2",
    "c:x:1",
    "k:o:1",
    "k:t:1:0",
    "k:z:1:0",
    "n:sub",
    "n:sub:2",
    "n:off:1",
    "v:req",
    "v:get:1",
    "a:org:1",
    "a:go:1:2",
    "a:zz:1",
    "o:type:1",
    "o:type:1:bug",
    "o:prio:1:incident",
    "o:type:x:incident",
    "o:raise:1",
    "o:raise:1:maybe",
    "o:resend:",
    "o:resend:1:2",
    "o:take:1",
    "org:",
    "org:new:1",
    "org:ls",
    "org:ls:x",
    "org:card:1:2",
    "org:ed:1",
    "org:ed:1:colour",
    "org:ed:x:name",
    "org:kind:1:vendor",
    "org:pick:1",
    "org:set:1:-2",
    "org:invd:1:10",
    "org:invd:1:10:30:1",
    "org:drop:1",
    "ORG:ls:0",
    "o:time:del",
    "o:time:del:",
    "o:time:del:x",
    "o:time:del:-1",
    "o:time:del:1:2",
    "o:time:add:1",
    "o:time:1",
    "x:1",
    "\x00",
    "💥" * 20,
]


@pytest.mark.parametrize("data", GARBAGE)
def test_garbage_overlong_and_forged_data_is_refused(data: str) -> None:
    assert {p.__name__: p(data) for p in PARSERS} == dict.fromkeys(
        (p.__name__ for p in PARSERS), None
    )


def test_builders_refuse_a_button_without_its_argument() -> None:
    with pytest.raises(ValueError):
        cb.registration(cb.Registration.TYPE)
    with pytest.raises(ValueError):
        cb.announce(cb.Announce.TOGGLE_ORG, 1)
    with pytest.raises(ValueError):
        cb.org(cb.OrgAction.EDIT, 1)


async def test_the_router_takes_every_family_and_answers_anything_else() -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        bot_token=SecretStr("123456:" + "A" * 35),
        operator_chat_id=-1001,
        database_url="sqlite+aiosqlite:///:memory:",
    )
    app = build_application(settings)
    try:
        patterns = [
            handler.pattern.pattern if isinstance(handler.pattern, re.Pattern) else None
            for group in app.handlers.values()
            for handler in group
            if isinstance(handler, CallbackQueryHandler)
        ]
    finally:
        await app.bot_data.engine.dispose()
    assert sorted(p for p in patterns if p is not None) == sorted(cb.PATTERNS)
    assert patterns[-1] is None  # the stale-button catch-all comes last
