"""Demo data: the sandbox's people use the desk for a while, so every feature shows at once.

``support-bot sandbox --demo-data`` starts :func:`fill` right after the bot. It acts only as
Telegram users through the emulator - clients writing to the bot in private, engineers writing
in the operator group and its ticket topics, everybody pressing the bot's buttons - and waits
for the bot's answers, as a person would. Nothing is written to the desk's database: the page
shows the real desk doing real work, under its production budgets (20 messages a minute into
the group), so the fill takes a few minutes and the group catches up at its own pace.

What it leaves: clients subscribed to release news (one declined); knowledge-base searches
(an article that helped, one that did not and became a ticket, a question with no answer that
became a ticket, an article only read); tickets of every type, of every incident priority and
in every status, with correspondence both ways, a screenshot and a document; organizations added
by the admin in ``/orgs`` (a client joining his by an invitation link) and set with ``/org``; a
solution confirmed and rated with a comment, one refused, a ticket closed and reopened by the
client's reply; a first-answer deadline breached (the desk's clock moved); an
announcement delivered to the subscribers; ``/kbstats`` answered in the group.

A desk that already has data (a second start, or people already wrote) is left alone; a
``demo.done`` file in the sandbox's folder marks a finished fill. A problem is logged in one
line and ends the fill; the sandbox keeps running.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.texts import Raw, variables
from bot.texts import t as catalog
from desk.sla import deadline, parse_table, targets
from emulator import buttons, text_of
from sandbox.world import CLIENTS, ENGINEERS, Person

if TYPE_CHECKING:
    from emulator import BotApiEmulator
    from sandbox.runner import Sandbox

log = logging.getLogger(__name__)

DONE_MARKER = "demo.done"
#: Seconds to wait for one answer of the bot. Messages into the group wait for its budget
#: (20 a minute): behind a queue of new topics and cards an answer may take minutes.
WAIT = 600.0
#: How many tickets the fill registers (for the progress lines).
TICKETS = 9

JsonDict = dict[str, Any]

ANNA, JOHN, OLEG = CLIENTS
MARIA, IVAN, KATE = ENGINEERS
ORGANIZATIONS = {person.key: person.organization for person in CLIENTS if person.organization}


def text(lang: str, key: str, **values: Any) -> str:
    """A catalog text as a chat shows it: filled with ``values``, without HTML tags."""
    return re.sub(r"<[^>]+>", "", catalog(lang, key, **values))


def fragment(lang: str, key: str, *, line: int = 0) -> str:
    """The longest fixed part of one line of a catalog text (its values left out): what to
    look for in a chat without knowing the values."""
    holes = {name: Raw("\x00") for name in variables(lang, key) if name != "gender"}
    shown = re.sub(r"<[^>]+>", "", catalog(lang, key, **holes)).strip("\n").split("\n")[line]
    return max(shown.split("\x00"), key=len).strip()


def step_one(lang: str) -> str:
    """What every first step of a registration says ("Шаг 1 из 3"), however it began."""
    return fragment(lang, "reg.choose_type", line=1).split(".")[0]


def lang_of(person: Person) -> str:
    return "en" if person.language == "en" else "ru"


@dataclass
class Ticket:
    """A ticket the demo registered: its number and who asked."""

    number: int
    client: Person


class Demo:
    """The cast acting through the emulator, waiting for the bot like people do."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.emu: BotApiEmulator = sandbox.emu
        self.world = sandbox.world
        self.group = sandbox.world.group_id
        self.op = sandbox.desk_settings.operator_language  # what the group reads
        self.tickets: list[Ticket] = []
        self.mail: Ticket | None = None  # from a search that did not help
        self.wish: Ticket | None = None  # from a question without an answer

    # --------------------------------------------------------------------- people

    def uid(self, person: Person) -> int:
        return self.world.user_id(person)

    def last_id(self, chat: int) -> int:
        msgs = self.emu.messages(chat)
        return int(msgs[-1]["message_id"]) if msgs else 0

    async def bot_says(
        self, chat: int, contains: str, *, after: int | None = None, thread_id: int | None = None
    ) -> JsonDict:
        """The bot's first message in ``chat`` after ``after`` that contains ``contains``."""
        return await self.emu.wait_message(
            chat, thread_id=thread_id, contains=contains, after=after, timeout=WAIT
        )

    async def last_with_button(self, chat: int, label: str) -> JsonDict:
        """The bot's newest message in ``chat`` once it carries the button ``label``."""

        def find() -> JsonDict | None:
            last = self.emu.last_message(chat)
            return last if label in buttons(last) else None

        found: JsonDict = await self.emu.wait_for(find, timeout=WAIT)
        return found

    def press(self, chat: int, who: Person, message: JsonDict, label: str) -> None:
        self.emu.press_button(chat, self.uid(who), message["message_id"], label)

    # --------------------------------------------------------------------- clients

    async def start(self, client: Person, *, subscribe: bool) -> None:
        """The client's first /start, answering the bot's question about release news."""
        lang, chat = lang_of(client), self.uid(client)
        mark = self.last_id(chat)
        self.emu.send_command(chat, chat, "/start")
        ask = await self.bot_says(chat, fragment(lang, "news.ask"), after=mark)
        self.press(chat, client, ask, text(lang, "news.yes" if subscribe else "news.no"))
        said = "news.subscribed" if subscribe else "news.declined"
        await self.bot_says(chat, fragment(lang, said), after=ask["message_id"])

    async def subscribe(self, client: Person) -> None:
        lang, chat = lang_of(client), self.uid(client)
        mark = self.last_id(chat)
        self.emu.send_command(chat, chat, "/subscribe")
        await self.bot_says(chat, fragment(lang, "news.subscribed"), after=mark)

    async def search(self, client: Person, question: str) -> JsonDict:
        """The client writes a question; the bot offers articles (📚)."""
        chat = self.uid(client)
        mark = self.last_id(chat)
        self.emu.send_text(chat, chat, question)
        return await self.bot_says(chat, "📚", after=mark)

    async def read_first_article(self, client: Person, found: JsonDict) -> None:
        """Opens the first article offered; the bot shows it and asks whether it helped."""
        lang, chat = lang_of(client), self.uid(client)
        self.press(chat, client, found, buttons(found)[0])
        await self.bot_says(chat, "📄", after=found["message_id"])
        await self.last_with_button(chat, text(lang, "kb.helped"))

    async def register(
        self,
        client: Person,
        kind: str,
        description: str,
        *,
        priority: str = "normal",
        photo: str | None = None,
        started: JsonDict | None = None,
    ) -> Ticket:
        """The registration conversation: type, priority (incidents), description (and a
        screenshot), confirm. ``started``: the step-1 prompt the bot already showed (the
        question is then the description)."""
        lang, chat = lang_of(client), self.uid(client)
        if started is None:
            mark = self.last_id(chat)
            self.emu.send_command(chat, chat, "/new")
            started = await self.bot_says(chat, step_one(lang), after=mark)
        prefilled = description == ""
        self.press(chat, client, started, text(lang, f"type.{kind}"))
        prompt = started
        if kind == "incident":
            prompt = await self.bot_says(
                chat, fragment(lang, "reg.choose_priority"), after=prompt["message_id"]
            )
            name = text(lang, f"prio.{priority}")
            label = next(b for b in buttons(prompt) if name in b)
            self.press(chat, client, prompt, label)
        step3 = "reg.describe_prefilled" if prefilled else "reg.describe"
        prompt = await self.bot_says(chat, fragment(lang, step3)[:20], after=prompt["message_id"])
        if not prefilled:
            mark = self.last_id(chat)
            self.emu.send_text(chat, chat, description)
            await self.bot_says(chat, fragment(lang, "reg.describe_more"), after=mark)
        if photo is not None:  # a further item of the description: the bot reacts 👌
            sent = self.emu.send_photo(chat, chat, caption=photo)
            await self.emu.wait_for(
                lambda: self.emu.reactions(chat, sent["message_id"]), timeout=WAIT
            )
        self.press(chat, client, prompt, text(lang, "reg.done"))
        summary = await self.bot_says(
            chat, fragment(lang, "reg.summary"), after=prompt["message_id"]
        )
        self.press(chat, client, summary, text(lang, "reg.confirm"))
        # The summary itself turns into the confirmation.
        done = await self.bot_says(chat, "✅", after=summary["message_id"] - 1)
        found = re.search(r"#(\d+)", text_of(done))
        if found is None:
            raise RuntimeError(f"no ticket number in {text_of(done)[:80]!r}")
        ticket = Ticket(int(found.group(1)), client)
        self.tickets.append(ticket)
        log.info(
            "demo data: %d/%d tickets (#%d, %s, %s)",
            len(self.tickets),
            TICKETS,
            ticket.number,
            kind,
            client.key,
        )
        await self.emu.wait_for(lambda: self.place(ticket) is not None, timeout=WAIT)
        return ticket

    async def client_replies(
        self, ticket: Ticket, answer: JsonDict, words: str, *, document: str | None = None
    ) -> None:
        """The client replies to the bot's message of this ticket (text, or a document with
        ``words`` as its caption); waits until engineers see it."""
        chat = self.uid(ticket.client)
        if document is None:
            self.emu.send_text(chat, chat, words, reply_to=answer["message_id"])
        else:
            self.emu.send_document(
                chat, chat, file_name=document, caption=words, reply_to=answer["message_id"]
            )
        await self.emu.wait_for(
            lambda: any(words in text_of(m) for m in self.thread(ticket)), timeout=WAIT
        )

    async def rate(self, ticket: Ticket, after: int, stars: int, comment: str | None) -> None:
        """The client rates the closed ticket (and comments); engineers see the rating."""
        lang, chat = lang_of(ticket.client), self.uid(ticket.client)
        ask = await self.bot_says(chat, fragment(lang, "client.rate"), after=after)
        self.press(chat, ticket.client, ask, "⭐" * stars)
        thanks = await self.bot_says(chat, fragment(lang, "client.rated"), after=ask["message_id"])
        if comment is not None:
            self.emu.send_text(chat, chat, comment)
            await self.bot_says(
                chat, fragment(lang, "client.comment_saved"), after=thanks["message_id"]
            )
        shown = comment if comment is not None else f"({stars}/5)"
        await self.emu.wait_for(
            lambda: any(shown in text_of(m) for m in self.thread(ticket)), timeout=WAIT
        )

    # --------------------------------------------------------------------- the group

    def topic(self, ticket: Ticket) -> int | None:
        for thread_id, info in self.emu.topics(self.group).items():
            if f"#{ticket.number} " in info["name"]:
                return thread_id
        return None

    def header(self, ticket: Ticket) -> JsonDict | None:
        """The ticket's card in the group (the first one the bot posted)."""
        for msg in self.emu.messages(self.group, from_bot=True):
            first = text_of(msg).split("\n")[0]
            if f"#{ticket.number} ·" in first and "id " in text_of(msg):
                return msg
        return None

    def place(self, ticket: Ticket) -> tuple[int | None, int] | None:
        """Where engineers write about the ticket: (its topic, its card), once both exist
        (a group without topics: no topic)."""
        head = self.header(ticket)
        if head is None:
            return None
        if not self.world.forum:
            return None, int(head["message_id"])
        thread = self.topic(ticket)
        return None if thread is None else (thread, int(head["message_id"]))

    def thread(self, ticket: Ticket) -> list[JsonDict]:
        """What the bot showed engineers of a ticket: in its topic, or replying to its card."""
        where = self.place(ticket)
        if where is None:
            return []
        thread, head = where
        if thread is not None:
            return self.emu.messages(self.group, thread_id=thread, from_bot=True)
        return [
            m
            for m in self.emu.messages(self.group, from_bot=True)
            if (m.get("reply_to_message") or {}).get("message_id") == head
            or m["message_id"] == head
        ]

    def write(self, engineer: Person, ticket: Ticket, words: str) -> JsonDict:
        """An engineer writes in the ticket's topic (or replies to its card)."""
        return self._in_ticket(engineer, ticket, words, self.emu.send_text)

    def command(self, engineer: Person, ticket: Ticket, command: str) -> JsonDict:
        """An engineer runs a command for the ticket, where the ticket is."""
        return self._in_ticket(engineer, ticket, command, self.emu.send_command)

    def _in_ticket(
        self, engineer: Person, ticket: Ticket, text: str, send: Callable[..., JsonDict]
    ) -> JsonDict:
        where = self.place(ticket)
        if where is None:
            raise RuntimeError(f"ticket #{ticket.number} is not in the group")
        thread, head = where
        who = self.uid(engineer)
        if thread is not None:
            return send(self.group, who, text, thread_id=thread)
        return send(self.group, who, text, reply_to=head)

    async def answer(self, engineer: Person, ticket: Ticket, words: str) -> JsonDict:
        """An engineer answers; returns the answer as the client got it."""
        chat = self.uid(ticket.client)
        mark = self.last_id(chat)
        self.write(engineer, ticket, words)
        return await self.bot_says(chat, words, after=mark)

    async def in_group(self, ticket: Ticket, contains: str) -> None:
        """Waits until the ticket's thread in the group shows ``contains``."""
        await self.emu.wait_for(
            lambda: any(contains in text_of(m) for m in self.thread(ticket)), timeout=WAIT
        )

    async def general(self, engineer: Person, command: str, contains: str) -> JsonDict:
        """A command in the group's general chat, and the bot's answer there."""
        mark = self.last_id(self.group)
        self.emu.send_command(self.group, self.uid(engineer), command)
        return await self.bot_says(self.group, contains, after=mark)

    # --------------------------------------------------------------------- the story

    async def run(self) -> None:
        steps = (
            ("news subscriptions", self.subscriptions),
            ("organizations and an invitation", self.organizations),
            ("knowledge-base searches", self.searches),
            ("a breached first-answer deadline", self.breach),
            ("a solution confirmed and rated", self.confirmed),
            ("a solution refused", self.refused),
            ("a ticket waiting for the client", self.waiting),
            ("a ticket closed and reopened", self.reopened),
            ("new tickets", self.new_ones),
            ("a release announcement", self.announcement),
            ("knowledge-base statistics", self.kbstats),
        )
        for n, (name, step) in enumerate(steps, 1):
            log.info("demo data: step %d/%d: %s", n, len(steps), name)
            await step()

    async def subscriptions(self) -> None:
        await self.start(ANNA, subscribe=True)
        await self.start(OLEG, subscribe=False)
        await self.subscribe(JOHN)

    async def organizations(self) -> None:
        """The admin adds the clients' organizations in the /orgs panel (one message, edited
        as she goes) and invites John to his by a link, which he opens."""
        admin = self.uid(MARIA)
        op = self.op
        panel = await self.general(MARIA, "/orgs", fragment(op, "orgs.list_title"))
        for n, name in enumerate(ORGANIZATIONS.values(), 1):
            await self.press_panel(panel, text(op, "orgs.add"))
            await self.panel_shows(panel, fragment(op, "orgs.ask.new"))
            self.emu.send_text(self.group, admin, name)
            await self.panel_shows(panel, fragment(op, "orgs.created"))
            await self.press_panel(panel, text(op, "orgs.back_list"))
            await self.panel_shows(panel, text(op, "orgs.list_title", count=n, page=""))
        assert JOHN.organization is not None
        await self.press_panel(panel, JOHN.organization)
        await self.press_panel(panel, text(op, "orgs.invites"))
        await self.press_panel(panel, text(op, "orgs.invite_new"))
        await self.press_panel(panel, text(op, "orgs.uses_button", count=10))
        await self.press_panel(panel, text(op, "orgs.days_button", days=30))
        made = await self.panel_shows(panel, fragment(op, "orgs.invite_created"))
        link = re.search(r"\?start=([A-Za-z0-9_-]+)", text_of(made))
        if link is None:
            raise RuntimeError("no invitation link in the panel")
        chat = self.uid(JOHN)
        mark = self.last_id(chat)
        self.emu.send_command(chat, chat, f"/start {link.group(1)}")
        await self.bot_says(chat, fragment("en", "invite.joined"), after=mark)

    def shown(self, message: JsonDict) -> JsonDict:
        """A bot message in the group as it is now (edited in place)."""
        return self.emu.get_message(self.group, message["message_id"]) or message

    async def panel_shows(self, panel: JsonDict, contains: str) -> JsonDict:
        """Waits until the panel shows ``contains``."""
        found: JsonDict = await self.emu.wait_for(
            lambda: self.shown(panel) if contains in text_of(self.shown(panel)) else None,
            timeout=WAIT,
        )
        return found

    async def press_panel(self, panel: JsonDict, label: str) -> None:
        """The admin presses the panel's button starting with ``label`` once it shows."""
        exact: str = await self.emu.wait_for(
            lambda: next((b for b in buttons(self.shown(panel)) if b.startswith(label)), None),
            timeout=WAIT,
        )
        self.press(self.group, MARIA, panel, exact)

    async def searches(self) -> None:
        """Questions before any ticket: the knowledge base answers first."""
        # An article that helped.
        found = await self.search(ANNA, "не приходят уведомления на почту")
        await self.read_first_article(ANNA, found)
        chat = self.uid(ANNA)
        last = await self.last_with_button(chat, text("ru", "kb.helped"))
        self.press(chat, ANNA, last, text("ru", "kb.helped"))
        await self.bot_says(chat, fragment("ru", "kb.glad"), after=last["message_id"])
        # An article only read.
        found = await self.search(JOHN, "how do I reset my password")
        await self.read_first_article(JOHN, found)
        # An article that did not help: a ticket with the question as its description.
        found = await self.search(OLEG, "не приходят уведомления на почту после обновления")
        await self.read_first_article(OLEG, found)
        chat = self.uid(OLEG)
        last = await self.last_with_button(chat, text("ru", "kb.not_helped"))
        self.press(chat, OLEG, last, text("ru", "kb.not_helped"))
        step1 = await self.bot_says(
            chat, fragment("ru", "kb.from_search_register"), after=last["message_id"]
        )
        self.mail = await self.register(OLEG, "incident", "", priority="normal", started=step1)
        # A question the knowledge base has no answer for: it becomes a ticket, too.
        chat = self.uid(ANNA)
        mark = self.last_id(chat)
        self.emu.send_text(
            chat, chat, "Хотим тёмную тему оформления в веб-клиенте для ночной смены"
        )
        reply = await self.bot_says(chat, "", after=mark)
        if "📚" in text_of(reply):  # the articles changed: open the ticket anyway
            self.press(chat, ANNA, reply, text("ru", "kb.open_ticket"))
        step1 = await self.bot_says(chat, step_one("ru"), after=mark)
        self.wish = await self.register(ANNA, "wish", "", started=step1)

    async def breach(self) -> None:
        """A critical incident nobody answers; the desk's clock moves past its first-answer
        deadline and the group is told."""
        ticket = await self.register(
            JOHN,
            "incident",
            "The system is down for all users: every page answers 502 Bad Gateway",
            priority="critical",
        )
        settings = self.sandbox.desk_settings
        first, _ = targets(parse_table(settings.sla_table), "incident", "critical")
        now = self.sandbox.clock.now()
        due = deadline(settings.calendar, now, first).due_at
        self.sandbox.advance(due - now + timedelta(minutes=2))
        await self.in_group(ticket, fragment(self.op, "op.breach_fr"))

    async def confirmed(self) -> None:
        """An incident with a screenshot; organization set, answered, solved, confirmed,
        rated with a comment."""
        ticket = await self.register(
            ANNA,
            "incident",
            "Не открывается карточка документа: после нажатия «Открыть» бесконечная загрузка",
            priority="high",
            photo="Скриншот: карточка не загружается",
        )
        self.command(IVAN, ticket, f"/org {ANNA.organization}")
        await self.in_group(ticket, ANNA.organization)
        answer = await self.answer(
            IVAN, ticket, "Здравствуйте! Подскажите, какая версия клиента у вас установлена?"
        )
        await self.client_replies(ticket, answer, "Версия 5.2.0, Windows 11")
        chat = self.uid(ANNA)
        mark = self.last_id(chat)
        self.command(IVAN, ticket, "/solve Обновите клиент до 5.2.1 — в нём ошибка исправлена.")
        proposal = await self.bot_says(chat, "5.2.1", after=mark)
        self.press(chat, ANNA, proposal, text("ru", "client.yes"))
        await self.rate(ticket, proposal["message_id"], 5, "Всё быстро, спасибо Ивану!")

    async def refused(self) -> None:
        """A license request in English with a document; the solution did not help."""
        ticket = await self.register(
            JOHN,
            "license",
            "We bought 10 more seats and need permission to generate a new license key.",
        )
        self.command(KATE, ticket, f"/org {JOHN.organization}")
        await self.in_group(ticket, JOHN.organization)
        answer = await self.answer(
            KATE, ticket, "Hello John! Please send us the license request file from the server."
        )
        await self.client_replies(
            ticket, answer, "Here is the request file", document="license-request.req"
        )
        chat = self.uid(JOHN)
        mark = self.last_id(chat)
        self.command(KATE, ticket, "/solve Generation is allowed: run the key wizard again.")
        proposal = await self.bot_says(chat, "key wizard", after=mark)
        self.press(chat, JOHN, proposal, text("en", "client.no"))
        rejected = await self.bot_says(
            chat, fragment("en", "client.rejected"), after=proposal["message_id"]
        )
        await self.in_group(ticket, fragment(self.op, "op.client_rejected"))
        await self.client_replies(
            ticket, rejected, "The wizard still says the key limit is reached"
        )

    async def waiting(self) -> None:
        """A paid consultation: taken, then a question to the client, who has not answered."""
        ticket = await self.register(
            ANNA, "consultation", "Как настроить маршрут согласования для договоров свыше 1 млн?"
        )
        chat = self.uid(ANNA)
        mark = self.last_id(chat)
        self.command(MARIA, ticket, "/take")
        await self.bot_says(chat, f"#{ticket.number}", after=mark)
        mark = self.last_id(chat)
        self.command(MARIA, ticket, "/ask Пришлите, пожалуйста, скриншот текущего маршрута.")
        await self.bot_says(chat, "скриншот текущего маршрута", after=mark)

    async def reopened(self) -> None:
        """Access to the certification portal: answered, closed, and reopened by the client's
        reply (the rating request stays unanswered: a rating's comment window would take
        the reply as its comment). Then the ticket from the search that did not help is
        taken and answered both ways, and the wish is closed and rated without a comment."""
        ticket = await self.register(
            OLEG,
            "access",
            "Нет доступа к порталу сертификации: пишет «учётная запись заблокирована»",
        )
        answer = await self.answer(
            IVAN, ticket, "Разблокировали учётную запись, попробуйте войти снова."
        )
        chat = self.uid(OLEG)
        mark = self.last_id(chat)
        self.command(IVAN, ticket, "/close")
        await self.bot_says(chat, fragment("ru", "client.rate"), after=mark)
        mark = self.last_id(chat)
        self.emu.send_text(chat, chat, "Вошёл, но не вижу курсов", reply_to=answer["message_id"])
        await self.bot_says(chat, f"#{ticket.number}", after=mark)
        await self.in_group(ticket, "Вошёл, но не вижу курсов")

        mail = self.mail
        assert mail is not None
        mark = self.last_id(chat)
        self.command(IVAN, mail, "/take")
        await self.bot_says(chat, f"#{mail.number}", after=mark)
        answer = await self.answer(IVAN, mail, "Проверьте, пожалуйста, настройки SMTP в профиле.")
        await self.client_replies(mail, answer, "Настройки те же, письма не уходят с 12:00")

        wish = self.wish
        assert wish is not None
        await self.answer(MARIA, wish, "Спасибо! Передали пожелание в разработку.")
        mark = self.last_id(self.uid(ANNA))
        self.command(MARIA, wish, "/close")
        await self.rate(wish, mark, 3, None)

    async def new_ones(self) -> None:
        """Tickets nobody has touched yet: a low incident with a screenshot, a version."""
        await self.register(
            OLEG,
            "incident",
            "Опечатка в подсказке поля «Контрагент»",
            priority="low",
            photo="Вот где опечатка",
        )
        await self.register(JOHN, "version", "We need version 5.3 for our Linux servers.")

    async def announcement(self) -> None:
        """The admin announces a release to every subscriber; the group shows the result."""
        admin = self.uid(MARIA)
        mark = self.last_id(self.group)
        self.emu.send_command(self.group, admin, "/announce")
        await self.bot_says(self.group, fragment(self.op, "ann.ask_content"), after=mark)
        news = "Вышла версия 5.3: быстрый поиск по вложениям и тёмная тема"
        self.emu.send_text(
            self.group, admin, news, entities=[{"type": "bold", "offset": 0, "length": 16}]
        )
        ask = await self.bot_says(self.group, fragment(self.op, "ann.ask_audience"), after=mark)
        label = next(b for b in buttons(ask) if b.startswith("👥"))
        self.press(self.group, MARIA, ask, label)
        ask = await self.bot_says(
            self.group, fragment(self.op, "ann.ask_version"), after=ask["message_id"]
        )
        self.emu.send_text(self.group, admin, "5.3.0")
        control = await self.bot_says(
            self.group, fragment(self.op, "ann.preview"), after=ask["message_id"]
        )
        label = next(b for b in buttons(control) if b.startswith("🚀"))
        self.press(self.group, MARIA, control, label)
        await self.bot_says(
            self.group, fragment(self.op, "ann.finished"), after=control["message_id"]
        )

    async def kbstats(self) -> None:
        await self.general(IVAN, "/kbstats", fragment(self.op, "op.kbstats"))


def untouched(sandbox: Sandbox) -> bool:
    """Whether nobody has used the desk yet: no topics, nobody wrote anywhere."""
    emu, world = sandbox.emu, sandbox.world
    if world.forum and emu.topics(world.group_id):
        return False
    for chat in (world.group_id, *world.user_ids.values()):
        try:
            if emu.messages(chat, from_bot=False):
                return False
        except KeyError:  # a private chat nobody opened
            continue
    return True


async def fill(sandbox: Sandbox) -> None:
    """Fills the desk so every feature shows; once, and only on a desk nobody used."""
    marker = sandbox.files.root / DONE_MARKER
    if marker.exists() or not untouched(sandbox):
        log.info("demo data: the desk already has data; nothing added")
        return
    started = time.monotonic()
    log.info("demo data: filling the desk (it waits for the bot's budgets, a few minutes)")
    try:
        await Demo(sandbox).run()
    except asyncio.CancelledError:
        log.info("demo data: stopped with the sandbox after %.0f s", time.monotonic() - started)
        raise
    except Exception as exc:  # the sandbox keeps running whatever happened
        first = (str(exc).strip().splitlines() or [""])[0]
        log.error("demo data stopped: %s: %s", type(exc).__name__, first[:300])
        return
    elapsed = time.monotonic() - started
    marker.write_text(f"filled in {elapsed:.0f} s\n", encoding="utf-8")
    sandbox.save()
    log.info("demo data: done in %.0f s", elapsed)
