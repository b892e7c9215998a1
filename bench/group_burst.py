"""How soon engineers see new tickets in the operator group, with Telegram's ceilings on.

    .venv/bin/python bench/group_burst.py                       # 50 tickets over one minute
    .venv/bin/python bench/group_burst.py --tickets 20          # a smaller burst
    .venv/bin/python bench/group_burst.py --scenario quiet      # one ticket on an idle desk,
                                                                # five times in a row

The bot runs as in production: ``python -m bot run`` in its own process, on a fresh SQLite
database, with the production limits (``GROUP_MESSAGES_PER_MINUTE=20``, the default overall
rate), talking over loopback HTTP to the emulator in this process. The emulator answers 429
above 30 messages per second overall, 1 per second into one private chat and 20 per minute
into one group, as Telegram does. The operator group is a forum (the bot is an admin that may
manage topics) with three engineers.

Scenario ``burst`` (the default): ``--tickets`` clients start registering a ticket, evenly
spread over ``--spread`` seconds, through the real conversation (/new, the type button, the
priority button, a description text, a photo with a caption, Done, Send), waiting for each of
the bot's prompts as a person would (``--think`` seconds to read it). After the bot confirms
the ticket the client writes ``--followups`` more messages, ``--followup-gap`` seconds apart,
while an engineer answers in the ticket's topic two seconds after the topic appears.

Scenario ``quiet``: one ticket at a time on an idle desk (the same conversation), ``--runs``
times with a fresh client each, waiting for the group to be silent for a minute in between.

Every client message carries a token (``[T07-M0]`` is ticket 7's description, ``[T07-P]`` its
photo's caption, ``[T07-M1]``..``[T07-M3]`` the follow-ups; ``[T07-A]`` the engineer's answer).
Visibility is measured by token, not by message: a token is visible to the engineers from the
first moment it is in the text or caption of any message the bot has put into the operator
group (any topic, General included), so combining several messages into one, or a summary
in the General topic, counts. The emulator's messages are watched on every change (and polled
every 100 ms as a backstop), with ``time.monotonic()``.

Figures: time to visibility of a ticket (from the client's press of Send to its description
token being visible: median, p95, max), the same into the ticket's own topic and for the
photo, the follow-ups' time to visibility, the engineers' answers' time to reach the client,
the bot's sends into the group by method (an album or a copyMessages counts each message), the
429s the bot received (group / private chats), lost tokens (never shown in the ticket's own
topic: must be 0), duplicates (a token in more than one bot message of the ticket's topic,
messages marked "↻" as a possible repeat excepted), out-of-order pairs in each topic, and
registrations that got stuck (a prompt that did not come within ``--prompt-timeout``) with
each client's longest wait for a prompt. The run ends when every token is in its ticket's
topic and every answer has reached its client, or after ``--max-wait`` seconds.

What the bench relies on in the bot (keep it, or change the bench along): the registration's
buttons are found by their callback data (``r:type:incident``, ``r:prio:high``, ``r:done``,
``r:ok``) or their catalog texts (``type.incident``, ``prio.high``, ``reg.done``,
``reg.confirm``) on the first bot message after the previous step; a description message is
acknowledged (a reaction, or any bot message after it; a photo not acknowledged within 60 s is
counted and Done is pressed anyway); the confirmation is a bot message containing "✅" and
``#<number>`` without the Send button; a ticket's topic has ``#<number>`` (or, before the client
has the number, the description's token through the subject) in its name; the bot's messages
in the group carry the clients' texts and captions verbatim, tokens included.

Progress lines go to stdout as the run goes; the last line printed is one JSON object with all
figures and the scenario's parameters. The bot's log is kept in a temporary folder (printed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.texts import t as catalog
from emulator import BotApiEmulator, text_of

JsonDict = dict[str, Any]

LANG = "ru"
TOKEN_RE = re.compile(r"\[T(\d+)-(M\d+|P|A)\]")
TOPIC_NUMBER_RE = re.compile(r"#(\d+)(?!\d)")
NUMBER_RE = re.compile(r"#(\d+)")
REPEAT_MARK = "↻"
ANSWER_DELAY = 2.0  # seconds between a topic appearing and an engineer answering in it
ENGINEERS = ("Ольга", "Пётр", "Светлана")
#: Methods that put (or change) a message in a chat; everything else into the group is
#: reported apart (lookups, reactions, deletions).
MESSAGE_METHODS = frozenset(
    {
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
        "editMessageText",
        "editMessageCaption",
        "editMessageMedia",
        "editMessageReplyMarkup",
        "createForumTopic",
        "editForumTopic",
        "closeForumTopic",
        "reopenForumTopic",
    }
)
DESCRIPTIONS = (
    "Не открывается карточка документа после обновления, висит индикатор загрузки",
    "При согласовании договора ошибка «Нет прав на операцию», хотя права выданы",
    "Сервер приложений перестал отвечать после перезагрузки, в логе ошибка подключения к БД",
    "Не приходят уведомления о новых задачах на почту у всего отдела",
    "Поиск по реестру входящих возвращает пустой результат для документов за май",
)


def text(key: str, **values: object) -> str:
    """A catalog text as the client sees it (without HTML tags)."""
    return re.sub(r"<[^>]+>", "", catalog(LANG, key, **values))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def stats(values: list[float]) -> JsonDict:
    """Median, p95 and max in seconds (None when there is nothing to measure)."""
    if not values:
        return {"n": 0, "median": None, "p95": None, "max": None}
    return {
        "n": len(values),
        "median": round(statistics.median(values), 2),
        "p95": round(percentile(values, 0.95), 2),
        "max": round(max(values), 2),
    }


def fmt(figures: JsonDict) -> str:
    if not figures["n"]:
        return "n=0"
    return (
        f"median {figures['median']} s, p95 {figures['p95']} s, max {figures['max']} s "
        f"(n={figures['n']})"
    )


def counted_messages(method: str, params: JsonDict) -> int:
    """Messages one request puts into a chat: an album or a batch copy counts each."""
    key = {
        "sendMediaGroup": "media",
        "copyMessages": "message_ids",
        "forwardMessages": "message_ids",
    }.get(method)
    items = params.get(key) if key else None
    return max(len(items), 1) if isinstance(items, list) else 1


def puts_message(method: str) -> bool:
    return (method.startswith("send") and method != "sendChatAction") or method in (
        MESSAGE_METHODS
    )


class StepTimeout(Exception):
    """A prompt or a confirmation the client waited for never came."""


@dataclass
class Sighting:
    """A token seen in a bot message of the operator group."""

    at: float
    thread: int | None
    message_id: int
    position: int
    repeat: bool


@dataclass
class Ticket:
    """One client's ticket as the bench follows it."""

    index: int
    client: int
    engineer: int
    stage: str = "waiting"
    number: int | None = None
    started_at: float | None = None
    send_pressed_at: float | None = None
    confirmed_at: float | None = None
    sent_at: dict[str, float] = field(default_factory=dict)  # token -> the client sent it
    answer_sent_at: float | None = None
    answer_seen_at: float | None = None
    photo_acknowledged: bool = True
    waits: dict[str, float] = field(default_factory=dict)  # step -> seconds waited for the bot
    stuck: str | None = None  # the step that never completed

    @property
    def label(self) -> str:
        return f"T{self.index:02d}"

    def token(self, part: str) -> str:
        return f"[{self.label}-{part}]"


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.emu = BotApiEmulator(token="123456:BENCH", bot_username="bench_bot")
        self.work = Path(tempfile.mkdtemp(prefix="bench-group-burst-"))
        self.url = f"sqlite+aiosqlite:///{self.work / 'desk.db'}"
        self.proc: asyncio.subprocess.Process | None = None
        self.tickets: list[Ticket] = []
        self.by_label: dict[str, Ticket] = {}
        self.sightings: dict[str, list[Sighting]] = {}
        self._seen: set[tuple[int, str]] = set()  # (message id, token) already recorded
        self._scanned_up_to = 0  # group message ids below this were scanned when new
        self._calls_seen = 0
        self.topic_seen: dict[int, float] = {}  # thread id -> first seen
        self.last_group_call = time.monotonic()
        self.listener_errors = 0

    # ------------------------------------------------------------------ the bot

    def env(self) -> dict[str, str]:
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE"))},
            "BOT_TOKEN": self.emu.token,
            "TELEGRAM_API_URL": self.emu.api_url,
            "OPERATOR_CHAT_ID": str(self.group),
            "DATABASE_URL": self.url,
            "DATA_DIR": str(self.work / "data"),
            "KB_SEMANTIC": "false",
            "GROUP_MESSAGES_PER_MINUTE": "20",
            "POLL_TIMEOUT": "1",
            "LOG_LEVEL": "WARNING",
        }

    async def start_bot(self) -> None:
        log = open(self.work / "bot.log", "ab")  # noqa: ASYNC230
        polls = len(self.emu.calls_of("deleteWebhook"))
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=self.work,
            env=self.env(),
            stdout=log,
            stderr=log,
        )
        try:
            await self.emu.wait_for(
                lambda: (
                    len(self.emu.calls_of("deleteWebhook")) > polls
                    or (self.proc is not None and self.proc.returncode is not None)
                ),
                timeout=60,
            )
        except TimeoutError:
            raise RuntimeError(
                f"the bot did not start polling; see {self.work / 'bot.log'}"
            ) from None
        if self.proc.returncode is not None:
            raise RuntimeError(f"the bot exited at start; see {self.work / 'bot.log'}")

    async def stop_bot(self) -> None:
        proc = self.proc
        if proc is None or proc.returncode is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), 15)
        except TimeoutError:
            print("the bot did not stop within 15 s of SIGTERM: SIGKILL", flush=True)
            proc.kill()
            await proc.wait()

    def bot_alive(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    # ------------------------------------------------------------------ watching the group

    def _record(self, msg: JsonDict, now: float) -> None:
        if msg.get("from", {}).get("id") != self.emu.bot_id:
            return
        body = text_of(msg)
        if "[T" not in body:
            return
        mid = msg["message_id"]
        for match in TOKEN_RE.finditer(body):
            if match.group(2) == "A":
                continue
            token = match.group(0)
            if (mid, token) in self._seen:
                continue
            self._seen.add((mid, token))
            self.sightings.setdefault(token, []).append(
                Sighting(
                    at=now,
                    thread=msg.get("message_thread_id"),
                    message_id=mid,
                    position=match.start(),
                    repeat=REPEAT_MARK in body,
                )
            )

    def _scan_topics(self, now: float) -> None:
        for thread in self.emu.state.chats[self.group].topics:
            if thread not in self.topic_seen:
                self.topic_seen[thread] = now

    def _scan_answers(self, now: float) -> None:
        for tk in self.tickets:
            if tk.answer_sent_at is None or tk.answer_seen_at is not None:
                continue
            token = tk.token("A")
            for msg in self.emu.state.chats[tk.client].messages.values():
                if msg.get("from", {}).get("id") == self.emu.bot_id and token in text_of(msg):
                    tk.answer_seen_at = now
                    break

    def on_change(self) -> None:
        """Called by the emulator on every change: new group messages, edits into the group
        and new topics are looked at at once, so first-seen times are exact."""
        try:
            now = time.monotonic()
            chat = self.emu.state.chats[self.group]
            calls = self.emu.state.calls
            edited: list[int] = []
            for method, params in calls[self._calls_seen :]:
                if params.get("chat_id") == self.group:
                    self.last_group_call = now
                    if method.startswith("edit") and isinstance(params.get("message_id"), int):
                        edited.append(params["message_id"])
            self._calls_seen = len(calls)
            for mid in range(self._scanned_up_to, chat.next_message_id):
                msg = chat.messages.get(mid)
                if msg is not None:
                    self._record(msg, now)
            self._scanned_up_to = chat.next_message_id
            for mid in edited:
                msg = chat.messages.get(mid)
                if msg is not None:
                    self._record(msg, now)
            self._scan_topics(now)
        except Exception:  # the emulator must never fail because of the bench
            self.listener_errors += 1

    def full_scan(self) -> None:
        """The backstop: every bot message of the group and the clients' answers."""
        self.on_change()
        now = time.monotonic()
        for msg in list(self.emu.state.chats[self.group].messages.values()):
            self._record(msg, now)
        self._scan_answers(now)

    async def watch(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.full_scan()
            try:
                await asyncio.wait_for(stop.wait(), 0.1)
            except TimeoutError:
                pass

    def topic_of(self, tk: Ticket) -> int | None:
        """The ticket's topic: its number in the topic's name (``#1042``), or, before the
        client has seen the number, its description token in the name (the subject)."""
        topics = self.emu.state.chats[self.group].topics
        for thread, topic in topics.items():
            name = topic.name
            if tk.number is not None and str(tk.number) in TOPIC_NUMBER_RE.findall(name):
                return thread
            if tk.token("M0") in name:
                return thread
        return None

    def first_seen(self, token: str, thread: int | None = None, *, anywhere: bool) -> float | None:
        times = [s.at for s in self.sightings.get(token, []) if anywhere or s.thread == thread]
        return min(times) if times else None

    def tokens_of(self, tk: Ticket) -> list[str]:
        return [tok for tok in tk.sent_at if not tok.endswith("-A]")]

    def ticket_complete(self, tk: Ticket) -> bool:
        """Every token the client sent is in the ticket's topic and the answer arrived."""
        if tk.send_pressed_at is None:
            # Not registered (yet): nothing to wait for once the client gave up.
            return tk.stuck is not None
        if tk.number is None and tk.stuck is None:
            return False  # Send pressed, the confirmation not here yet
        thread = self.topic_of(tk)
        if thread is None:
            return False
        if any(self.first_seen(tok, thread, anywhere=False) is None for tok in self.tokens_of(tk)):
            return False
        return tk.answer_sent_at is None or tk.answer_seen_at is not None

    # ------------------------------------------------------------------ acting as clients

    def bot_messages(self, chat: int, after: int = 0) -> list[JsonDict]:
        return [
            m
            for mid, m in self.emu.state.chats[chat].messages.items()
            if mid > after and m.get("from", {}).get("id") == self.emu.bot_id
        ]

    def last_id(self, chat: int) -> int:
        return max(self.emu.state.chats[chat].messages, default=0)

    async def until(
        self,
        predicate: Callable[[], Any],
        what: str,
        timeout: float,  # noqa: ASYNC109
        tk: Ticket | None = None,
    ) -> Any:
        """Waits for `predicate`; with `tk`, the wait is recorded as one of its client's."""
        began = time.monotonic()
        try:
            value = await self.emu.wait_for(predicate, timeout=timeout)
        except TimeoutError:
            if tk is not None:
                tk.waits[what] = time.monotonic() - began
            raise StepTimeout(what) from None
        if tk is not None:
            tk.waits[what] = time.monotonic() - began
        return value

    async def prompt_with(self, tk: Ticket, after: int, *names: str, what: str) -> JsonDict:
        """The first bot message after `after` with a button called one of `names` (its text
        or its callback data)."""

        def find() -> JsonDict | None:
            for msg in self.bot_messages(tk.client, after):
                if self.button(msg, *names) is not None:
                    return msg
            return None

        msg: JsonDict = await self.until(find, what, self.args.prompt_timeout, tk)
        return msg

    @staticmethod
    def button(msg: JsonDict, *names: str) -> str | None:
        """The text of the first button whose text contains, or whose data equals, a name."""
        rows = (msg.get("reply_markup") or {}).get("inline_keyboard") or []
        for b in (b for row in rows for b in row):
            label = str(b.get("text", ""))
            if any(n and (n in label or n == b.get("callback_data")) for n in names):
                return label
        return None

    async def think(self) -> None:
        await asyncio.sleep(self.args.think)

    def acknowledged(self, chat: int, message_id: int) -> bool:
        """The bot reacted to the message or wrote something after it."""
        return bool(self.emu.reactions(chat, message_id)) or bool(
            self.bot_messages(chat, message_id)
        )

    async def register(self, tk: Ticket) -> None:
        """The whole conversation up to the bot's confirmation with the ticket's number."""
        emu, c = self.emu, tk.client
        tk.started_at = time.monotonic()
        tk.stage = "new"
        mark = self.last_id(c)
        emu.send_command(c, c, "/new")
        prompt = await self.prompt_with(
            tk, mark, text("type.incident"), "r:type:incident", what="type prompt"
        )
        await self.think()
        tk.stage = "type"
        label = self.button(prompt, text("type.incident"), "r:type:incident")
        assert label is not None
        emu.press_button(c, c, prompt["message_id"], label)
        prompt = await self.prompt_with(
            tk, prompt["message_id"], text("prio.high"), "r:prio:high", what="priority prompt"
        )
        await self.think()
        tk.stage = "priority"
        label = self.button(prompt, text("prio.high"), "r:prio:high")
        assert label is not None
        emu.press_button(c, c, prompt["message_id"], label)
        prompt = await self.prompt_with(
            tk, prompt["message_id"], text("reg.done"), "r:done", what="description prompt"
        )
        await self.think()
        tk.stage = "description"
        description = f"{tk.token('M0')} {DESCRIPTIONS[tk.index % len(DESCRIPTIONS)]}"
        tk.sent_at[tk.token("M0")] = time.monotonic()
        sent = emu.send_text(c, c, description)
        await self.until(
            lambda: self.acknowledged(c, sent["message_id"]),
            "description acknowledged",
            self.args.prompt_timeout,
            tk,
        )
        await self.think()
        tk.stage = "photo"
        tk.sent_at[tk.token("P")] = time.monotonic()
        photo = emu.send_photo(c, c, caption=f"{tk.token('P')} Скриншот ошибки")
        try:
            # The bot acknowledges a further description message with a reaction; if it
            # never does, Done is pressed anyway (updates of one chat are handled in order).
            await self.until(
                lambda: self.acknowledged(c, photo["message_id"]),
                "photo acknowledged",
                min(60.0, self.args.prompt_timeout),
                tk,
            )
        except StepTimeout:
            tk.photo_acknowledged = False
        await self.think()
        tk.stage = "done"
        done_on = next(
            (
                m
                for m in reversed(self.bot_messages(c))
                if self.button(m, text("reg.done"), "r:done") is not None
            ),
            prompt,
        )
        label = self.button(done_on, text("reg.done"), "r:done")
        assert label is not None
        mark = self.last_id(c)
        emu.press_button(c, c, done_on["message_id"], label)
        summary = await self.prompt_with(
            tk, mark, text("reg.confirm"), "r:ok", what="summary with Send"
        )
        await self.think()
        tk.stage = "send"
        label = self.button(summary, text("reg.confirm"), "r:ok")
        assert label is not None
        tk.send_pressed_at = time.monotonic()
        emu.press_button(c, c, summary["message_id"], label)

        def confirmation() -> int | None:
            for msg in self.bot_messages(c, summary["message_id"] - 1):
                body = text_of(msg)
                found = NUMBER_RE.search(body)
                if "✅" in body and found and self.button(msg, "r:ok") is None:
                    return int(found.group(1))
            return None

        tk.number = await self.until(confirmation, "confirmation", self.args.prompt_timeout, tk)
        tk.confirmed_at = time.monotonic()
        tk.stage = "registered"

    async def client(self, tk: Ticket, start_at: float) -> None:
        await asyncio.sleep(max(0.0, start_at - time.monotonic()))
        try:
            await self.register(tk)
        except StepTimeout as exc:
            tk.stuck = str(exc)
            print(f"{tk.label}: stuck at {tk.stage}: no {exc} within the timeout", flush=True)
            return
        took = time.monotonic() - (tk.started_at or 0.0)
        print(
            f"{tk.label}: #{tk.number} registered {took:.1f} s after /new"
            + ("" if tk.photo_acknowledged else " (photo not acknowledged)"),
            flush=True,
        )
        for n in range(1, self.args.followups + 1):
            await asyncio.sleep(self.args.followup_gap)
            tk.stage = f"followup {n}"
            token = tk.token(f"M{n}")
            tk.sent_at[token] = time.monotonic()
            self.emu.send_text(
                tk.client, tk.client, f"{token} Дополнение {n}: всё ещё не работает"
            )
        tk.stage = "finished"

    # ------------------------------------------------------------------ engineers

    async def engineer_answers(self, tk: Ticket, deadline: float) -> None:
        """The engineers' strategy: answer in the ticket's topic ANSWER_DELAY seconds after
        the topic appears. (Change this function to answer elsewhere, e.g. from a message in
        the General topic; the answer carries the token ``[Txx-A]``.)"""

        def topic() -> int | None:
            # A client who gave up before pressing Send has no ticket to answer.
            gone = tk.stuck is not None and tk.send_pressed_at is None
            return -1 if gone else self.topic_of(tk)

        thread = await self.until(topic, "topic", max(0.0, deadline - time.monotonic()))
        if thread == -1:
            return
        self.full_scan()
        appeared = self.topic_seen.get(thread, time.monotonic())
        await asyncio.sleep(max(0.0, appeared + ANSWER_DELAY - time.monotonic()))
        tk.answer_sent_at = time.monotonic()
        self.emu.send_text(
            self.group,
            tk.engineer,
            f"{tk.token('A')} Здравствуйте! Посмотрим и вернёмся с ответом.",
            thread_id=thread,
        )

    async def answer_quietly(self, tk: Ticket, deadline: float) -> None:
        try:
            await self.engineer_answers(tk, deadline)
        except StepTimeout:
            pass

    # ------------------------------------------------------------------ the scenarios

    def new_ticket(self) -> Ticket:
        index = len(self.tickets) + 1
        user = self.emu.add_user(
            first_name=f"Клиент {index}",
            last_name="Тестов",
            username=f"client{index}",
            language_code=LANG,
        )
        tk = Ticket(index=index, client=user, engineer=self.engineers[index % len(ENGINEERS)])
        self.tickets.append(tk)
        self.by_label[tk.label] = tk
        return tk

    def progress(self, started: float) -> str:
        registered = sum(1 for tk in self.tickets if tk.number is not None)
        stuck = sum(1 for tk in self.tickets if tk.stuck is not None)
        visible = sum(
            1 for tk in self.tickets if self.first_seen(tk.token("M0"), anywhere=True) is not None
        )
        complete = sum(1 for tk in self.tickets if self.ticket_complete(tk))
        group_429 = sum(
            1
            for _, p, e in self.emu.errors
            if e.error_code == 429 and p.get("chat_id") == self.group
        )
        other_429 = sum(1 for _, _, e in self.emu.errors if e.error_code == 429) - group_429
        return (
            f"[{time.monotonic() - started:6.0f} s] registered {registered}/{len(self.tickets)}"
            f" (stuck {stuck}), description visible {visible}, complete {complete},"
            f" group sends {self.group_sends()[0]}, 429s group {group_429} / private {other_429}"
        )

    async def wait_complete(self, started: float, deadline: float, tasks: list[Any]) -> bool:
        next_report = time.monotonic() + 10
        while time.monotonic() < deadline:
            self.full_scan()
            if not self.bot_alive():
                print("the bot process exited during the run", flush=True)
                return False
            clients_done = all(task.done() for task in tasks)
            if clients_done and all(self.ticket_complete(tk) for tk in self.tickets):
                return True
            if time.monotonic() >= next_report:
                print(self.progress(started), flush=True)
                next_report += 10
            await asyncio.sleep(0.2)
        print(f"timed out after {self.args.max_wait:.0f} s", flush=True)
        return False

    async def burst(self) -> JsonDict:
        args = self.args
        tickets = [self.new_ticket() for _ in range(args.tickets)]
        started = time.monotonic()
        deadline = started + args.max_wait
        step = args.spread / args.tickets if args.tickets > 1 else 0.0
        clients = [
            asyncio.create_task(self.client(tk, started + n * step))
            for n, tk in enumerate(tickets)
        ]
        engineers = [asyncio.create_task(self.answer_quietly(tk, deadline)) for tk in tickets]
        try:
            completed = await self.wait_complete(started, deadline, clients)
            if completed and args.settle > 0:
                print(f"all visible; watching {args.settle:.0f} s more for repeats", flush=True)
                await asyncio.sleep(args.settle)
                self.full_scan()
        finally:
            for task in clients + engineers:
                task.cancel()
            await asyncio.gather(*clients, *engineers, return_exceptions=True)
            for tk in tickets:
                if tk.number is None and tk.stuck is None:
                    tk.stuck = f"unfinished at {tk.stage}"
        print(self.progress(started), flush=True)
        return {"completed": completed, "elapsed_s": round(time.monotonic() - started, 1)}

    async def quiet(self) -> JsonDict:
        args = self.args
        started = time.monotonic()
        completed = True
        for run in range(args.runs):
            if run:
                # An idle desk: nothing sent into the group for a whole minute (its window).
                await self.until(
                    lambda: time.monotonic() - self.last_group_call >= 60.0 or None,
                    "an idle group",
                    180.0,
                )
            tk = self.new_ticket()
            run_started = time.monotonic()
            deadline = run_started + args.max_wait
            client = asyncio.create_task(self.client(tk, run_started))
            engineer = asyncio.create_task(self.answer_quietly(tk, deadline))
            try:
                done = await self.wait_complete(run_started, deadline, [client])
            finally:
                client.cancel()
                engineer.cancel()
                await asyncio.gather(client, engineer, return_exceptions=True)
            completed = completed and done
            seen = self.first_seen(tk.token("M0"), anywhere=True)
            shown = (
                f"{seen - tk.send_pressed_at:.2f} s"
                if seen is not None and tk.send_pressed_at is not None
                else "never"
            )
            print(f"quiet run {run + 1}: #{tk.number} visible {shown} after Send", flush=True)
        if completed and args.settle > 0:
            await asyncio.sleep(args.settle)
            self.full_scan()
        return {"completed": completed, "elapsed_s": round(time.monotonic() - started, 1)}

    # ------------------------------------------------------------------ figures

    def group_sends(self) -> tuple[int, int, dict[str, int], dict[str, int]]:
        """Messages the bot put (or tried to put) into the group: attempted, accepted, by
        method (accepted), and other calls into the group by method."""
        failed = {id(p) for _, p, _ in self.emu.errors}
        attempted = accepted = 0
        by_method: Counter[str] = Counter()
        others: Counter[str] = Counter()
        for method, params in list(self.emu.calls):
            if params.get("chat_id") != self.group:
                continue
            if not puts_message(method):
                others[method] += 1
                continue
            n = counted_messages(method, params)
            attempted += n
            if id(params) not in failed:
                accepted += n
                by_method[method] += n
        return attempted, accepted, dict(by_method.most_common()), dict(others.most_common())

    def limited(self) -> JsonDict:
        out: Counter[str] = Counter()
        group = private = 0
        for method, params, err in self.emu.errors:
            if err.error_code != 429:
                continue
            chat = params.get("chat_id")
            where = "group" if chat == self.group else "private"
            if where == "group":
                group += 1
            else:
                private += 1
            out[f"{method}/{where}"] += 1
        return {"group": group, "private": private, "by_method": dict(out.most_common())}

    def other_errors(self) -> dict[str, int]:
        out: Counter[str] = Counter()
        for method, _, err in self.emu.errors:
            if err.error_code != 429:
                out[f"{method}: {err.error_code} {err.description}"[:120]] += 1
        return dict(out.most_common(10))

    def topic_figures(self) -> JsonDict:
        """Lost tokens, duplicates and out-of-order pairs, per ticket's topic."""
        lost: list[str] = []
        duplicates = 0
        duplicate_tokens: list[str] = []
        out_of_order = 0
        chat = self.emu.state.chats[self.group]
        for tk in self.tickets:
            if tk.send_pressed_at is None:
                continue
            thread = self.topic_of(tk)
            for tok in self.tokens_of(tk):
                if thread is None or self.first_seen(tok, thread, anywhere=False) is None:
                    lost.append(tok)
            if thread is None:
                continue
            # What engineers see now in the topic: the bot's messages in message order.
            places: dict[str, list[tuple[int, int]]] = {}
            for mid, msg in chat.messages.items():
                if msg.get("message_thread_id") != thread:
                    continue
                if msg.get("from", {}).get("id") != self.emu.bot_id:
                    continue
                body = text_of(msg)
                for match in TOKEN_RE.finditer(body):
                    if match.group(0) not in tk.sent_at or match.group(2) == "A":
                        continue
                    if REPEAT_MARK not in body:
                        places.setdefault(match.group(0), []).append((mid, match.start()))
            for tok, spots in places.items():
                copies = len({mid for mid, _ in spots})
                if copies > 1:
                    duplicates += copies - 1
                    duplicate_tokens.append(tok)
            order = sorted(
                (min(spots), int(tok.rsplit("-M", 1)[1].rstrip("]")))
                for tok, spots in places.items()
                if "-M" in tok
            )
            seq = [n for _, n in order]
            out_of_order += sum(
                1 for i in range(len(seq)) for j in range(i + 1, len(seq)) if seq[i] > seq[j]
            )
        return {
            "lost": len(lost),
            "lost_tokens": lost[:20],
            "duplicates": duplicates,
            "duplicate_tokens": duplicate_tokens[:20],
            "out_of_order_pairs": out_of_order,
        }

    def latency_figures(self) -> JsonDict:
        visible: list[float] = []
        in_topic: list[float] = []
        photo: list[float] = []
        topic_after_send: list[float] = []
        followups: list[float] = []
        followups_in_topic: list[float] = []
        answers: list[float] = []
        registration: list[float] = []
        slowest_prompt: list[float] = []
        for tk in self.tickets:
            if tk.waits:
                slowest_prompt.append(max(tk.waits.values()))
            thread = self.topic_of(tk)
            if tk.send_pressed_at is not None:
                pressed = tk.send_pressed_at
                seen = self.first_seen(tk.token("M0"), anywhere=True)
                if seen is not None:
                    visible.append(max(0.0, seen - pressed))
                seen = self.first_seen(tk.token("M0"), thread, anywhere=False)
                if seen is not None and thread is not None:
                    in_topic.append(max(0.0, seen - pressed))
                seen = self.first_seen(tk.token("P"), anywhere=True)
                if seen is not None:
                    photo.append(max(0.0, seen - pressed))
                if thread is not None and thread in self.topic_seen:
                    topic_after_send.append(max(0.0, self.topic_seen[thread] - pressed))
            if tk.started_at is not None and tk.confirmed_at is not None:
                registration.append(tk.confirmed_at - tk.started_at)
            for n in range(1, self.args.followups + 1):
                tok = tk.token(f"M{n}")
                if tok not in tk.sent_at:
                    continue
                seen = self.first_seen(tok, anywhere=True)
                if seen is not None:
                    followups.append(max(0.0, seen - tk.sent_at[tok]))
                seen = self.first_seen(tok, thread, anywhere=False) if thread else None
                if seen is not None:
                    followups_in_topic.append(max(0.0, seen - tk.sent_at[tok]))
            if tk.answer_sent_at is not None and tk.answer_seen_at is not None:
                answers.append(tk.answer_seen_at - tk.answer_sent_at)
        return {
            "time_to_visibility_s": stats(visible),
            "time_to_visibility_in_topic_s": stats(in_topic),
            "photo_time_to_visibility_s": stats(photo),
            "topic_created_after_send_s": stats(topic_after_send),
            "followup_time_to_visibility_s": stats(followups),
            "followup_time_to_topic_s": stats(followups_in_topic),
            "answer_to_client_s": stats(answers),
            "registration_s": stats(registration),
            "slowest_prompt_per_client_s": stats(slowest_prompt),
            "clients_waiting_over_10s_for_a_prompt": sum(1 for w in slowest_prompt if w > 10),
        }

    def log_summary(self) -> dict[str, int]:
        """Warnings and errors in the bot's log, by logger and the start of the message."""
        out: Counter[str] = Counter()
        try:
            lines = (self.work / "bot.log").read_text(errors="replace").splitlines()
        except OSError:
            return {}
        for line in lines:
            parts = line.split(" ", 4)
            if len(parts) == 5 and parts[2] in ("WARNING", "ERROR", "CRITICAL"):
                message = re.sub(r"\d+", "N", parts[4])[:90]
                out[f"{parts[2]} {message}"] += 1
        return dict(out.most_common(12))

    def figures(self, outcome: JsonDict) -> JsonDict:
        args = self.args
        attempted, accepted, by_method, others = self.group_sends()
        stuck = Counter(tk.stuck for tk in self.tickets if tk.stuck is not None)
        latency = self.latency_figures()
        result: JsonDict = {
            "scenario": args.scenario,
            "tickets": len(self.tickets),
            "spread_s": args.spread if args.scenario == "burst" else None,
            "runs": args.runs if args.scenario == "quiet" else None,
            "think_s": args.think,
            "followups": args.followups,
            "followup_gap_s": args.followup_gap,
            "answer_delay_s": ANSWER_DELAY,
            "max_wait_s": args.max_wait,
            "prompt_timeout_s": args.prompt_timeout,
            "limits": {"per_chat_per_second": 1, "per_group_per_minute": 20, "global": 30},
            "bot_env": {
                k: v
                for k, v in self.env().items()
                if k in ("GROUP_MESSAGES_PER_MINUTE", "POLL_TIMEOUT", "KB_SEMANTIC")
            },
            **outcome,
            "registered": sum(1 for tk in self.tickets if tk.number is not None),
            "registrations_stuck": dict(stuck),
            "photos_not_acknowledged": sum(1 for tk in self.tickets if not tk.photo_acknowledged),
            **latency,
            "group_sends": attempted,
            "group_sends_accepted": accepted,
            "group_sends_by_method": by_method,
            "group_other_calls": others,
            "http_429_received": self.limited(),
            "other_errors": self.other_errors(),
            **self.topic_figures(),
            "answers_sent": sum(1 for tk in self.tickets if tk.answer_sent_at is not None),
            "answers_delivered": sum(1 for tk in self.tickets if tk.answer_seen_at is not None),
            "bot_log": self.log_summary(),
            "watcher_errors": self.listener_errors,
            "bot_source": str(Path(sys.modules[catalog.__module__].__file__ or "").parents[2]),
        }
        if args.scenario == "quiet":
            per_run = [
                round(max(0.0, seen - tk.send_pressed_at), 2)
                for tk in self.tickets
                if tk.send_pressed_at is not None
                and (seen := self.first_seen(tk.token("M0"), anywhere=True)) is not None
            ]
            result["quiet_time_to_visibility_s"] = {
                "runs": per_run,
                "median": round(statistics.median(per_run), 2) if per_run else None,
                "max": max(per_run) if per_run else None,
            }
        return result

    # ------------------------------------------------------------------ the run

    async def run(self) -> JsonDict:
        args, emu = self.args, self.emu
        await emu.start()
        stop = asyncio.Event()
        watcher: asyncio.Task[None] | None = None
        try:
            emu.enforce_limits(
                per_chat_per_second=1, per_group_per_minute=20, global_per_second=30
            )
            self.group = emu.add_group(
                title="Поддержка", is_forum=True, bot_is_admin=True, can_manage_topics=True
            )
            self.engineers = []
            for name in ENGINEERS:
                user = emu.add_user(first_name=name, last_name="Инженер", language_code=LANG)
                emu.add_member(self.group, user)
                self.engineers.append(user)
            emu.state.listeners.append(self.on_change)
            print(f"bot log: {self.work / 'bot.log'}", flush=True)
            await self.start_bot()
            await asyncio.sleep(1.0)  # the start-up calls (commands, the group's rights)
            watcher = asyncio.create_task(self.watch(stop))
            print(f"bot ready; scenario {args.scenario}", flush=True)
            outcome = await (self.burst() if args.scenario == "burst" else self.quiet())
            self.full_scan()
            return self.figures(outcome)
        finally:
            stop.set()
            if watcher is not None:
                await watcher
            await self.stop_bot()
            if self.on_change in emu.state.listeners:
                emu.state.listeners.remove(self.on_change)
            await emu.stop()


def print_summary(result: JsonDict) -> None:
    print(f"registered {result['registered']} of {result['tickets']}", flush=True)
    print(f"time to visibility (Send → description seen): {fmt(result['time_to_visibility_s'])}")
    print(f"  in the ticket's own topic: {fmt(result['time_to_visibility_in_topic_s'])}")
    print(f"  the photo: {fmt(result['photo_time_to_visibility_s'])}")
    print(f"follow-ups visible: {fmt(result['followup_time_to_visibility_s'])}")
    print(f"engineers' answers to the client: {fmt(result['answer_to_client_s'])}")
    print(
        f"group sends {result['group_sends']} (accepted {result['group_sends_accepted']}), "
        f"429s group {result['http_429_received']['group']} / "
        f"private {result['http_429_received']['private']}; lost {result['lost']}, "
        f"duplicates {result['duplicates']}, out of order {result['out_of_order_pairs']}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--scenario", choices=("burst", "quiet"), default="burst")
    parser.add_argument("--tickets", type=int, default=50, help="clients in the burst")
    parser.add_argument("--spread", type=float, default=60.0, help="seconds the burst spans")
    parser.add_argument("--runs", type=int, default=5, help="tickets in the quiet scenario")
    parser.add_argument("--think", type=float, default=1.0, help="seconds to read a prompt")
    parser.add_argument("--followups", type=int, default=3, help="messages after Send")
    parser.add_argument("--followup-gap", type=float, default=5.0, help="seconds between them")
    parser.add_argument(
        "--prompt-timeout", type=float, default=600.0, help="seconds a client waits for a prompt"
    )
    parser.add_argument("--max-wait", type=float, default=1800.0, help="seconds for the run")
    parser.add_argument(
        "--settle", type=float, default=10.0, help="seconds to watch for repeats at the end"
    )
    args = parser.parse_args()
    if args.tickets < 1 or args.runs < 1:
        parser.error("--tickets and --runs must be at least 1")
    result = asyncio.run(Bench(args).run())
    print_summary(result)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
