"""The dispatcher: sends the outgoing records, in order per lane, within Telegram's budgets.

One loop per process. Each turn it reads the lanes' heads that are due
(``storage.outbox.lane_heads``), claims what it will send with a conditional update (two
processes never send the same record), sends it, and writes the outcome and its effects (the
ids of the new messages, links to the ticket) in one transaction. What a failure leads to is
decided by ``desk.delivery.after_failure``; every failure a person must hear about becomes a
record itself, so it is delivered when the chat is reachable again.

Budgets:

* **Private chats** are paced one message a second each; a 429 holds back that chat only,
  unless the bot as a whole was near Telegram's 30 a second, which pauses every send.
* **The operator group** gets one send at a time, when its 20-a-minute window has room; the
  slot goes to the most urgent lane head (``desk.delivery.order_candidates``). When the
  group is behind, a ticket's waiting messages go combined, new tickets are shown at once in
  one message in General while their topics wait, and engineers are told the queue is behind.
  With several processes on one database, only the longest-running live one sends into the
  group, so the budget holds for the bot as a whole; another takes over when it is gone.
* **Network trouble** (no connection, a timeout, a 5xx) stops new sends until a probe
  (``getMe``) answers, so only the requests in flight when it began are in doubt.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import socket
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InputFile
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import ExtBot
from telegram.warnings import PTBUserWarning

from bot import outbox as out
from bot import render
from bot.failpoints import failpoint
from bot.logs import bind_chat, bind_ticket, redact
from bot.ratelimit import DeskRateLimiter, counts_against_limits, retry_after_seconds
from bot.telegram_errors import REPLY_GONE, THREAD_GONE, request_never_left
from bot.texts import escape, t
from desk.delivery import (
    Batch,
    Candidate,
    Failure,
    OnUnknown,
    Piece,
    Priority,
    Side,
    State,
    after_failure,
    needs_preview,
    order_candidates,
    plan_batches,
    slot_times,
)
from desk.text import CAPTION_LIMIT, MESSAGE_LIMIT, truncate, utf16_len
from storage import announcements, repo
from storage import outbox as records
from storage.models import Client, Instance, Outgoing, Ticket, TicketMessage, TicketPreview

if TYPE_CHECKING:
    from bot.context import Desk

logger = logging.getLogger(__name__)

# do_api_request warns that a typed method exists; the records hold plain Bot API params.
warnings.filterwarnings("ignore", message="Please use 'Bot.", category=PTBUserWarning)

HEARTBEAT = 2.0  # seconds between this process's heartbeats
INSTANCE_TTL = timedelta(seconds=8)  # a process silent this long is gone
IDLE_POLL = 1.0  # seconds between looks at the queue when nothing kicks the dispatcher
MAX_IN_FLIGHT = 32  # private-chat sends at once
# A new ticket that would wait longer than this share of the group's window (10 s of a
# minute) for its topic is shown at once in a "new tickets" message in General.
PREVIEW_PATIENCE_WINDOWS = 1 / 6
# The group's queue this far behind (one window of the group's budget: a minute) is told
# to engineers, and caught up again when no head waits longer than a sixth of it.
BEHIND_WINDOWS = 1.0
CAUGHT_UP_WINDOWS = 1 / 6
COMBINE_MAX = 50  # client messages combined at most into one turn of a ticket
PROBE_MAX = 15.0  # seconds between probes while Telegram cannot be reached
DELAYED_AGAIN = timedelta(minutes=10)  # a client hears "delivery delayed" once in this time

MEDIA_TYPES = {"photo": "photo", "video": "video", "document": "document", "audio": "audio"}
CAPTIONED = {"photo", "video", "document", "audio", "animation", "voice"}


def utc_now() -> datetime:
    """The outbox keeps real time, whatever clock the desk's rules run on."""
    return datetime.now(UTC)


class Failed(Exception):
    """A request failed; `failure` says what that means for delivery."""

    def __init__(
        self, failure: Failure, description: str, *, retry_after: float | None = None
    ) -> None:
        super().__init__(description)
        self.failure = failure
        self.description = description
        self.retry_after = retry_after


@dataclass
class Claim:
    """Records this process has in flight as one send (a head and what goes with it)."""

    records: list[Outgoing]
    group: bool
    combine: bool = False
    started: dict[str, bool] = field(default_factory=lambda: {"any": False})

    @property
    def head(self) -> Outgoing:
        return self.records[0]

    @property
    def ids(self) -> list[int]:
        return [r.id for r in self.records]


def failure_of(exc: TelegramError, *, started: bool) -> Failed:
    """What a Telegram error means for delivery."""
    message = redact(getattr(exc, "message", str(exc)))  # stored, and shown to engineers
    if isinstance(exc, RetryAfter):
        return Failed(Failure.RATE_LIMITED, message, retry_after=retry_after_seconds(exc))
    if isinstance(exc, Forbidden):
        return Failed(Failure.BLOCKED, message)
    if isinstance(exc, BadRequest):
        low = message.lower()
        if any(part in low for part in THREAD_GONE):
            return Failed(Failure.THREAD_GONE, message)
        if any(part in low for part in REPLY_GONE):
            return Failed(Failure.REPLY_GONE, message)
        return Failed(Failure.REFUSED, message)
    if isinstance(exc, TimedOut | NetworkError):
        if not started or request_never_left(exc):
            return Failed(Failure.NOT_SENT, message)
        return Failed(Failure.MAYBE, message)
    return Failed(Failure.REFUSED, message)


def _ids_of(result: Any) -> list[int]:
    """Message ids in a Bot API result (a message, a MessageId, or a list of them)."""
    if isinstance(result, dict) and "message_id" in result:
        return [int(result["message_id"])]
    if isinstance(result, list):
        return [int(r["message_id"]) for r in result if isinstance(r, dict) and "message_id" in r]
    return []


class Dispatcher:
    """Sends outgoing records for one process; see the module docstring."""

    def __init__(self, bot: ExtBot[None], desk: Desk) -> None:
        self.bot = bot
        self.desk = desk
        self.instance = desk.instance_id
        self._wake = asyncio.Event()
        self._stopping = False
        self._tasks: dict[asyncio.Task[None], Claim] = {}
        self._busy_lanes: set[str] = set()
        self._group_busy = False
        self._chat_free_at: dict[int, float] = {}
        self._group_free_at = 0.0
        self._suspect = False
        self._probe_wait = 1.0
        self._next_probe = 0.0
        self._last_heartbeat = float("-inf")
        self._last_backlog_check = float("-inf")
        self._live: list[str] = [self.instance]
        self._leads_group = True
        self.sent_by_purpose: Counter[str] = Counter()
        self.group_sends: Counter[str] = Counter()

    # --- running -------------------------------------------------------------------------

    def kick(self) -> None:
        """Something new to send: look now."""
        self._wake.set()

    @property
    def _limiter(self) -> DeskRateLimiter | None:
        limiter = self.bot.rate_limiter
        return limiter if isinstance(limiter, DeskRateLimiter) else None

    @property
    def _lease(self) -> timedelta:
        # One request may wait for a socket, connect, write and read, each up to the timeout.
        return timedelta(seconds=4 * self.desk.settings.request_timeout + 10)

    async def start(self) -> None:
        """Announces this process, so records it claims are judged by its heartbeat, and
        learns which others are alive."""
        now = utc_now()
        async with self.desk.sessions() as session, session.begin():
            await records.register_instance(
                session,
                instance=self.instance,
                host=socket.gethostname()[:100],
                pid=os.getpid(),
                now=now,
            )
            await self._see(session, now)

    async def _see(self, session: AsyncSession, now: datetime) -> None:
        """Which processes are alive, and which of them sends into the operator group."""
        instances = await records.live_instances(session, now=now, ttl=INSTANCE_TTL)
        self._live = alive(instances, self.instance)
        # The longest-running live process keeps the group's budget for the whole bot: two
        # processes sending into one group would each spend its 20 a minute.
        running = sorted(
            (i for i in instances if i.id in self._live), key=lambda i: (i.started_at, i.id)
        )
        self._leads_group = not running or running[0].id == self.instance

    async def run(self) -> None:
        """The loop: until :meth:`stop`."""
        while not self._stopping:
            try:
                delay = await self._turn()
            except Exception:
                logger.exception("the dispatcher's turn failed; trying again shortly")
                delay = 1.0
            if self._stopping:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), max(delay, 0.005))
            self._wake.clear()

    async def stop(self, grace: float) -> None:
        """Stops taking records; sends in flight get `grace` seconds, then are cut off.

        A send cut off before its request left goes back to pending; one cut off while its
        request was out is unknown, and treated as such (resent marked, or reported).
        """
        self._stopping = True
        self._wake.set()
        if self.group_sends:
            logger.info(
                "messages into the operator group since start, by kind: %s",
                ", ".join(f"{k} {n}" for k, n in self.group_sends.most_common()),
            )
        tasks = list(self._tasks)
        if tasks:
            _done, pending = await asyncio.wait(tasks, timeout=grace)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=2.0)
        with contextlib.suppress(Exception):
            async with self.desk.sessions() as session, session.begin():
                await records.stop_instance(session, instance=self.instance, now=utc_now())

    # --- one turn ------------------------------------------------------------------------

    async def _turn(self) -> float:
        loop = asyncio.get_running_loop()
        now_loop = loop.time()
        if now_loop - self._last_heartbeat >= HEARTBEAT:
            self._last_heartbeat = now_loop
            await self._beat()
        if self._suspect:
            if now_loop < self._next_probe:
                return self._next_probe - now_loop
            if not await self._probe():
                self._next_probe = loop.time() + self._probe_wait
                self._probe_wait = min(self._probe_wait * 2, PROBE_MAX)
                return self._probe_wait
            self._suspect = False
            self._probe_wait = 1.0
        now = utc_now()
        async with self.desk.sessions() as session:
            heads = await records.lane_heads(session, now=now)
            due = await records.next_due(session)
        wait = IDLE_POLL
        if due is not None:
            wait = min(wait, max((due - now).total_seconds(), 0.01))
        group_heads: list[Outgoing] = []
        for record in heads:
            if record.lane in self._busy_lanes or self._stopping:
                continue
            if self._budgeted(record):
                group_heads.append(record)
                continue
            if len(self._tasks) >= MAX_IN_FLIGHT:
                break
            pace = self._chat_wait(record, now_loop)
            if pace > 0:
                wait = min(wait, pace)
                continue
            await self._start(Claim([record], group=False))
        if self._leads_group and now_loop - self._last_backlog_check >= HEARTBEAT:
            self._last_backlog_check = now_loop
            await self._track_backlog(now)
        if group_heads and self._leads_group and not self._group_busy and not self._stopping:
            gap = self._group_wait(now_loop)
            if gap > 0:
                wait = min(wait, gap)
            else:
                await self._start_group(group_heads)
        return wait

    def _budgeted(self, record: Outgoing) -> bool:
        """A message into the operator group: it spends the group's 20 a minute."""
        if record.chat_id != self.desk.operator_chat_id:
            return False
        return record.method in out.VIRTUAL or counts_against_limits(record.method)

    def _chat_wait(self, record: Outgoing, now_loop: float) -> float:
        if record.chat_id <= 0 or not _paced(record.method):
            return 0.0
        return self._chat_free_at.get(record.chat_id, 0.0) - now_loop

    def _group_wait(self, now_loop: float) -> float:
        wait = self._group_free_at - now_loop
        limiter = self._limiter
        if limiter is not None:
            recent = limiter.group_recent(self.desk.operator_chat_id)
            at = slot_times(
                recent,
                now=now_loop,
                limit=limiter.group_limit,
                period=limiter.group_period,
                count=1,
            )[0]
            wait = max(wait, at - now_loop)
        return wait

    async def _beat(self) -> None:
        now = utc_now()
        async with self.desk.sessions() as session, session.begin():
            await records.heartbeat(session, instance=self.instance, now=now)
            await self._see(session, now)
            stale = await records.stale_in_flight(
                session, now=now, live=self._live, lease=self._lease
            )
        for record in stale:
            if record.lane in self._busy_lanes:
                continue
            await self._judge_stale(record)

    async def _probe(self) -> bool:
        try:
            await self.bot.get_me(read_timeout=5, connect_timeout=5, write_timeout=5)
        except TelegramError as exc:
            logger.warning("Telegram still unreachable: %s", exc)
            return False
        logger.info("Telegram answers again: sending resumes")
        return True

    # --- claiming ------------------------------------------------------------------------

    async def _start(self, claim: Claim) -> bool:
        async with self.desk.sessions() as session, session.begin():
            got = await records.claim(
                session, ids=claim.ids, instance=self.instance, now=utc_now()
            )
        if got != claim.ids:
            if got:  # partially claimed (a follower taken meanwhile): release what we got
                await self._release(got)
            return False
        for record in claim.records:
            record.state = "sending"
            record.attempts += 1
        lanes = {r.lane for r in claim.records}
        self._busy_lanes |= lanes
        if claim.group:
            self._group_busy = True
        elif claim.head.chat_id > 0 and _paced(claim.head.method):
            loop = asyncio.get_running_loop()
            interval = self.desk.settings.private_chat_interval
            self._chat_free_at[claim.head.chat_id] = loop.time() + interval
        task = asyncio.create_task(self._execute(claim), name=f"outbox-{claim.head.id}")
        self._tasks[task] = claim
        task.add_done_callback(self._finished)
        return True

    def _finished(self, task: asyncio.Task[None]) -> None:
        claim = self._tasks.pop(task, None)
        if claim is not None:
            for record in claim.records:
                self._busy_lanes.discard(record.lane)
            if claim.group:
                self._group_busy = False
        if not task.cancelled() and task.exception() is not None:
            logger.error("an outgoing record's send crashed", exc_info=task.exception())
        self._wake.set()

    async def _release(self, ids: Sequence[int]) -> None:
        async with self.desk.sessions() as session, session.begin():
            await records.settle(
                session, ids=ids, instance=self.instance, state="pending", now=utc_now()
            )

    async def _start_group(self, heads: list[Outgoing]) -> None:
        """Gives the group's free slot to the most urgent head; previews new tickets and
        tells engineers about a backlog first when the queue is behind."""
        loop = asyncio.get_running_loop()
        now_epoch = utc_now().timestamp()
        async with self.desk.sessions() as session:
            opening = [h.ticket_id for h in heads if h.method == out.OPEN and h.ticket_id]
            # A ticket waiting for its topic is shown in General once, and again when its
            # client has written more meanwhile.
            previewed: set[int] = set()
            for ticket_id in opening:
                ticket = await repo.get_ticket(session, ticket_id=ticket_id)
                if ticket is None or ticket.preview_message_id is None:
                    continue
                if not await repo.client_rows_after(
                    session, ticket_id=ticket_id, after=ticket.preview_upto or 0
                ):
                    previewed.add(ticket_id)
        candidates = [
            Candidate(
                record_id=h.id,
                lane=h.lane,
                priority=h.priority,
                created=h.created_at.timestamp(),
                ticket_id=h.ticket_id,
                opens_ticket=h.method == out.OPEN,
                previewed=h.ticket_id in previewed,
                sends=2 if h.method == out.OPEN and self.desk.forum else 1,
            )
            for h in heads
        ]
        limiter = self._limiter
        if limiter is not None and self.desk.settings.group_preview:
            offset = now_epoch - loop.time()
            recent = [t + offset for t in limiter.group_recent(self.desk.operator_chat_id)]
            late = needs_preview(
                candidates,
                recent=recent,
                now=now_epoch,
                limit=limiter.group_limit,
                period=limiter.group_period,
                patience=PREVIEW_PATIENCE_WINDOWS * self.desk.settings.group_window_seconds,
            )
            if late and not any(h.method == out.PREVIEW for h in heads):
                record = await self._queue_virtual(
                    out.PREVIEW,
                    {"tickets": [c.ticket_id for c in late]},
                    lane="g:news",
                    priority=Priority.NEWS,
                )
                heads.append(record)
                candidates.append(
                    Candidate(record.id, record.lane, record.priority, now_epoch - 1e6)
                )
        best = order_candidates(candidates)[0]
        head = next(h for h in heads if h.id == best.record_id)
        claim = Claim([head], group=True)
        if head.method == out.RELAY_IN:
            # Behind: more wants the group than it can take now. Combine the ticket's waiting
            # messages into as few sends as keep their order, authors and times.
            async with self.desk.sessions() as session:
                more = await records.followers(
                    session,
                    lane=head.lane,
                    after_id=head.id,
                    methods=[out.RELAY_IN],
                    limit=COMBINE_MAX,
                )
            free = 1
            if limiter is not None:
                recent_loop = limiter.group_recent(self.desk.operator_chat_id)
                free = max(limiter.group_limit - len(recent_loop), 0)
            if more and len(heads) + len(more) > free:
                claim = Claim([head, *more], group=True, combine=True)
        await self._start(claim)

    async def _track_backlog(self, now: datetime) -> None:
        """One notice per episode when the group's queue is more than a window (a minute)
        behind, edited to "caught up" once it has drained."""
        async with self.desk.sessions() as session:
            waiting, oldest = await records.group_backlog(
                session, chat_id=self.desk.operator_chat_id
            )
            last = await records.latest(session, purpose="queue")
        window = self.desk.settings.group_window_seconds
        behind = (now - oldest).total_seconds() if oldest is not None else 0.0
        episode_open = last is not None and json.loads(last.params).get("behind") is True
        if behind >= BEHIND_WINDOWS * window and not episode_open:
            await self._queue_virtual(
                out.QUEUE_STATUS,
                {"behind": True, "waiting": waiting},
                lane="g:status",
                priority=Priority.NEWS,
                purpose="queue",
            )
        elif (
            episode_open
            and last is not None
            and last.state == "sent"
            and (waiting == 0 or behind <= CAUGHT_UP_WINDOWS * window)
        ):
            await self._queue_virtual(
                out.QUEUE_STATUS,
                {"behind": False, "message_id": _first_id(last)},
                lane="g:status",
                priority=Priority.COSMETIC,
                purpose="queue",
            )

    async def _queue_virtual(
        self,
        method: str,
        params: dict[str, Any],
        *,
        lane: str,
        priority: Priority,
        purpose: str | None = None,
    ) -> Outgoing:
        async with self.desk.sessions() as session, session.begin():
            return await records.add(
                session,
                lane=lane,
                chat_id=self.desk.operator_chat_id,
                method=method,
                params=params,
                purpose=purpose or method,
                priority=int(priority),
                on_unknown=OnUnknown.RESEND.value,
                now=utc_now(),
            )

    # --- executing -----------------------------------------------------------------------

    async def _execute(self, claim: Claim) -> None:
        head = claim.head
        bind_chat(head.chat_id)  # this send's task: its log lines name the chat
        params = json.loads(head.params)
        try:
            result = await self._perform(claim, params)
        except Failed as failed:
            await self._failed(claim, params, failed)
            return
        except asyncio.CancelledError:
            await asyncio.shield(self._cut_off(claim, params))
            raise
        except Exception as exc:  # a bug while rendering or planning: tell, do not loop
            logger.exception("could not send outgoing record %s", head.id)
            await self._failed(claim, params, Failed(Failure.REFUSED, f"internal error: {exc!r}"))
            return
        await self._succeeded(claim, params, result)

    async def _cut_off(self, claim: Claim, params: dict[str, Any]) -> None:
        """The process stops with this send in flight."""
        if claim.started["any"]:
            await self._failed(claim, params, Failed(Failure.MAYBE, "cut off by shutdown"))
        else:
            await self._release(claim.ids)

    async def call(self, claim: Claim, method: str, data: dict[str, Any], *, purpose: str) -> Any:
        """One Bot API request for a claim: the only place where the dispatcher talks to
        Telegram. Raises :class:`Failed`."""
        flags = {"outbox": True, "started": False}
        payload = {k: v for k, v in data.items() if not k.startswith("_") and v is not None}
        # PTB's own way to hand rate_limit_args to the limiter through api_kwargs.
        kwargs = ExtBot._merge_api_rl_kwargs(payload, flags)
        try:
            result = await self.bot.do_api_request(method, api_kwargs=kwargs)
        except TelegramError as exc:
            claim.started["any"] = claim.started["any"] or flags["started"]
            raise failure_of(exc, started=flags["started"]) from exc
        finally:
            claim.started["any"] = claim.started["any"] or flags["started"]
        failpoint("send_accepted", f"{method}:{payload.get('chat_id')}")
        if payload.get("chat_id") == self.desk.operator_chat_id and counts_against_limits(method):
            self.group_sends[purpose] += _count_messages(method, payload)
        self.sent_by_purpose[purpose] += 1
        return result

    async def _perform(self, claim: Claim, params: dict[str, Any]) -> dict[str, Any]:
        method = claim.head.method
        if method == out.OPEN:
            return await self._open(claim, params)
        if method == out.RELAY_IN:
            return await self._relay_in(claim)
        if method == out.RELAY_OUT:
            return await self._relay_out(claim, params)
        if method == out.CARD:
            return await self._card(claim)
        if method == out.TITLE:
            return await self._title(claim)
        if method == out.FEEDBACK:
            return await self._feedback(claim)
        if method == out.PREVIEW:
            return await self._preview(claim, params)
        if method == out.QUEUE_STATUS:
            return await self._queue_status(claim, params)
        if method == out.FAILURES:
            return await self._failures(claim)
        if method == out.FOLLOW_EDIT:
            return await self._follow_edit(claim, params)
        return await self._plain(claim, params)

    async def _plain(self, claim: Claim, params: dict[str, Any]) -> dict[str, Any]:
        """A Bot API request as stored; a group notice goes into its ticket's thread."""
        head = claim.head
        data = dict(params)
        ticket_id = data.get("_thread")
        if head.method in out.TOPIC_STATE and not self.desk.forum:
            return {"skipped": "no topics"}
        if ticket_id is not None:
            data.update(await self._placement(claim, int(ticket_id)))
            data["chat_id"] = self.desk.operator_chat_id
        if data.get("_repeat") and head.method == "sendMessage":
            data["text"] = t(self.desk.op_lang, "op.possible_repeat") + "\n" + data["text"]
        elif data.get("_repeat") and data.get("caption") and data.get("parse_mode") == "HTML":
            # A document or photo sent again (a report): its caption carries the mark.
            data["caption"] = t(self.desk.op_lang, "op.possible_repeat") + "\n" + data["caption"]
        upload = data.pop("_upload", None)
        if upload is not None:
            # A file made for this message (a drafted article): read when it is sent.
            path = Path(upload["path"])
            content = await asyncio.to_thread(path.read_bytes)
            data[upload["field"]] = InputFile(content, filename=upload["filename"])
        try:
            result = await self.call(claim, head.method, data, purpose=head.purpose)
        except Failed as failed:
            low = failed.description.lower()
            if head.method.startswith("edit") and "not modified" in low:
                return {"ids": [data.get("message_id")], "unchanged": True}
            if head.method in out.TOPIC_STATE and "topic_not_modified" in low:
                return {"ids": [], "unchanged": True}  # already closed (or open): done
            editing = head.method.startswith("edit") or head.method == "setMessageReaction"
            if editing and failed.failure is Failure.REFUSED:
                if data.get("_fallback") and head.method == "editMessageText":
                    fresh: dict[str, Any] = {
                        k: data[k]
                        for k in ("chat_id", "text", "parse_mode", "reply_markup")
                        if k in data
                    }
                    result = await self.call(claim, "sendMessage", fresh, purpose=head.purpose)
                    return {"ids": _ids_of(result), "fallback": True}
                if data.get("_optional"):
                    return {"ids": [], "skipped": failed.description}
            raise
        return {"ids": _ids_of(result)}

    def _today(self) -> date:
        """Today in the desk's zone (whether an organization's contract has ended)."""
        return self.desk.clock.now().astimezone(self.desk.settings.zone).date()

    def _marked(self, claim: Claim, text: str) -> str:
        """`text`, marked as a possible repeat if an earlier try's outcome is unknown."""
        if json.loads(claim.head.params).get("_repeat"):
            return t(self.desk.op_lang, "op.possible_repeat") + "\n" + text
        return text

    # --- the ticket's place in the group -------------------------------------------------

    async def _load(self, ticket_id: int) -> tuple[Ticket, Client]:
        async with self.desk.sessions() as session:
            ticket = await repo.get_ticket(session, ticket_id=ticket_id)
            assert ticket is not None, f"ticket {ticket_id} is gone"
            bind_ticket(ticket.number)
            client = await repo.get_client(session, client_id=ticket.client_id)
            assert client is not None
        return ticket, client

    async def _placement(self, claim: Claim, ticket_id: int) -> dict[str, Any]:
        """Where the ticket's messages go: its topic, or as replies to its header card.
        A ticket whose topic (or card) is gone gets a new one first."""
        ticket, _client = await self._load(ticket_id)
        if (self.desk.forum and ticket.topic_id is None) or ticket.header_message_id is None:
            ticket = await self._ensure_thread(claim, ticket_id, rows=[], recreated=True)
        if self.desk.forum:
            return {"message_thread_id": ticket.topic_id}
        return {
            "reply_parameters": {
                "message_id": ticket.header_message_id,
                "allow_sending_without_reply": False,
            }
        }

    async def _forget_thread(self, ticket_id: int, *, topic: bool) -> None:
        async with self.desk.sessions() as session, session.begin():
            ticket = await repo.get_ticket(session, ticket_id=ticket_id)
            if ticket is None:
                return
            if topic:
                ticket.topic_id = None
                ticket.title_sent = None
            ticket.header_message_id = None
            ticket.card_sent = None
            ticket.card_is_caption = False

    async def _ensure_thread(
        self,
        claim: Claim,
        ticket_id: int,
        *,
        rows: Sequence[int],
        recreated: bool = False,
        repeat: bool = False,
    ) -> Ticket:
        """Creates the ticket's topic and header card if missing. The card carries the
        client's description (and a lone screenshot as the card's own picture), so a new
        ticket takes two sends: the topic and the card."""
        ticket, client = await self._load(ticket_id)
        lang = self.desk.op_lang
        group = self.desk.operator_chat_id
        if self.desk.forum and ticket.topic_id is None:
            title = render.topic_title(ticket, client, lang)
            result = await self.call(
                claim, "createForumTopic", {"chat_id": group, "name": title}, purpose="topic"
            )
            async with self.desk.sessions() as session, session.begin():
                row = await repo.get_ticket(session, ticket_id=ticket_id)
                assert row is not None
                row.topic_id = int(result["message_thread_id"])
                row.title_sent = title
                row.header_message_id = None
                row.card_sent = None
                ticket = row
        if ticket.header_message_id is not None:
            return ticket
        async with self.desk.sessions() as session:
            stored = [r for r in await repo.messages_by_ids(session, ids=list(rows))]
            parent = (
                await repo.get_ticket(session, ticket_id=ticket.parent_ticket_id)
                if ticket.parent_ticket_id
                else None
            )
        waiting = [r for r in stored if r.delivered != "sent"]
        texts = [r for r in waiting if r.kind == "text"]
        media = [r for r in waiting if r.kind != "text"]
        lone = media[0] if len(media) == 1 and media[0].kind in CAPTIONED else None
        described = texts + ([lone] if lone is not None else [])

        def draw(parts: Sequence[TicketMessage]) -> str:
            return render.card(
                ticket,
                client,
                lang,
                self.desk.settings.zone,
                forum=self.desk.forum,
                parent_number=parent.number if parent else None,
                description=[_html_of(r) for r in sorted(parts, key=lambda r: r.id)],
                recreated=recreated,
                repeat=repeat,
                today=self._today(),
            )

        card = draw(described)
        markup = render.card_markup(ticket, client, lang)
        where = {"message_thread_id": ticket.topic_id} if self.desk.forum else {}
        result = None
        if lone is not None and utf16_len(card) <= CAPTION_LIMIT:
            try:
                result = await self.call(
                    claim,
                    "copyMessage",
                    {
                        "chat_id": group,
                        "from_chat_id": lone.source_chat_id,
                        "message_id": lone.source_message_id,
                        "caption": card,
                        "parse_mode": "HTML",
                        "reply_markup": markup,
                        **where,
                    },
                    purpose="card",
                )
                absorbed, is_caption = described, True
            except Failed as failed:
                if failed.failure is not Failure.REFUSED:
                    raise
                # The picture cannot carry the card (it cannot be copied, or not with a
                # caption): the card goes as text and the picture is copied after it.
                result = None
        if result is None:
            card, absorbed = draw(texts), texts
            if utf16_len(card) > MESSAGE_LIMIT:
                # A description too long for the card: the card alone, the texts after it.
                card, absorbed = draw([]), []
            result = await self.call(
                claim,
                "sendMessage",
                {
                    "chat_id": group,
                    "text": card,
                    "parse_mode": "HTML",
                    "reply_markup": markup,
                    **where,
                },
                purpose="card",
            )
            is_caption = False
        header_id = int(result["message_id"])
        async with self.desk.sessions() as session, session.begin():
            row = await repo.get_ticket(session, ticket_id=ticket_id)
            assert row is not None
            row.header_message_id = header_id
            row.card_sent = _digest(card)
            row.card_is_caption = is_caption
            await repo.link_message(session, chat_id=group, message_id=header_id, ticket_id=row.id)
            for stored_row in absorbed:
                await repo.mark_delivered(
                    session,
                    row_id=stored_row.id,
                    target_chat_id=group,
                    target_message_id=header_id,
                )
            ticket = row
        return ticket

    async def _open(self, claim: Claim, params: dict[str, Any]) -> dict[str, Any]:
        """A ticket's first appearance: topic, card with the description, attachments."""
        ticket_id = claim.head.ticket_id
        assert ticket_id is not None
        rows = [int(r) for r in params.get("rows", [])]
        await self._ensure_thread(claim, ticket_id, rows=rows, repeat=bool(params.get("_repeat")))
        # What the card did not carry (attachments, a long description) follows it.
        await self._copy_rows(claim, ticket_id, rows, combine=True, repeat=False)
        return {"ok": True}

    async def _relay_in(self, claim: Claim) -> dict[str, Any]:
        """A client's messages into the ticket's thread, combined when the group is behind."""
        ticket_id = claim.head.ticket_id
        assert ticket_id is not None
        rows: list[int] = []
        repeat: set[int] = set()
        async with self.desk.sessions() as session:
            for record in claim.records:
                params = json.loads(record.params)
                rows.extend(await _rows_of(session, record, params))
                repeat.update(int(r) for r in params.get("_repeat_rows", []))
        await self._copy_rows(claim, ticket_id, rows, combine=claim.combine, repeat_rows=repeat)
        return {"ok": True}

    async def _copy_rows(
        self,
        claim: Claim,
        ticket_id: int,
        row_ids: Sequence[int],
        *,
        combine: bool,
        repeat: bool = False,
        repeat_rows: set[int] | None = None,
    ) -> None:
        """Copies a ticket's stored client messages into its thread, batch by batch; each
        batch's outcome is written at once, so a retry continues after the last sent one."""
        async with self.desk.sessions() as session:
            stored = list(await repo.messages_by_ids(session, ids=list(row_ids)))
        waiting = [r for r in stored if r.delivered != "sent"]
        if not waiting:
            return
        place = await self._placement(claim, ticket_id)
        zone = self.desk.settings.zone
        pieces = [
            Piece(
                row_id=r.id,
                kind=r.kind,
                html=_html_of(r),
                author=r.author_name,
                at=r.created_at.astimezone(zone).strftime("%H:%M"),
                media_group_id=r.media_group_id,
            )
            for r in waiting
        ]
        by_id = {r.id: r for r in waiting}
        group = self.desk.operator_chat_id
        marked = set(repeat_rows or ())
        if repeat:
            marked |= set(by_id)
        for batch in plan_batches(pieces, combine=combine):
            batch_rows = [by_id[p.row_id] for p in batch.pieces]
            claim_marked = any(r.id in marked for r in batch_rows)
            try:
                ids = await self._send_batch(claim, batch, batch_rows, place, claim_marked)
            except Failed as failed:
                if failed.failure is Failure.MAYBE:
                    failed.rows = [r.id for r in batch_rows]  # type: ignore[attr-defined]
                raise
            async with self.desk.sessions() as session, session.begin():
                for row, target in zip(batch_rows, ids, strict=False):
                    await repo.mark_delivered(
                        session, row_id=row.id, target_chat_id=group, target_message_id=target
                    )
                if len(ids) < len(batch_rows) and ids:
                    for row in batch_rows[len(ids) :]:
                        await repo.mark_delivered(
                            session,
                            row_id=row.id,
                            target_chat_id=group,
                            target_message_id=ids[-1],
                        )

    async def _send_batch(
        self,
        claim: Claim,
        batch: Batch,
        rows: list[TicketMessage],
        place: dict[str, Any],
        marked: bool,
    ) -> list[int]:
        group = self.desk.operator_chat_id
        mark = t(self.desk.op_lang, "op.possible_repeat")
        if batch.kind == "text":
            ids: list[int] = []
            for part in batch.texts:
                text = f"{mark}\n{part}" if marked else part
                result = await self.call(
                    claim,
                    "sendMessage",
                    {"chat_id": group, "text": text, "parse_mode": "HTML", **place},
                    purpose="relay",
                )
                ids.extend(_ids_of(result))
            return [ids[0]] * len(rows) if ids else []
        if batch.kind == "album":
            media = []
            for n, row in enumerate(rows):
                caption = _html_of(row)
                if marked and n == 0:
                    caption = f"{mark}\n{caption}".strip()
                media.append(
                    {
                        "type": MEDIA_TYPES.get(row.kind, "document"),
                        "media": row.file_id,
                        "caption": caption or None,
                        "parse_mode": "HTML",
                    }
                )
            album_place = {k: v for k, v in place.items() if k == "message_thread_id"}
            result = await self.call(
                claim,
                "sendMediaGroup",
                {"chat_id": group, "media": [_clean(m) for m in media], **album_place},
                purpose="relay",
            )
            return _ids_of(result)
        # A copy: one message, or one album kept whole.
        first = rows[0]
        if len(rows) == 1:
            data: dict[str, Any] = {
                "chat_id": group,
                "from_chat_id": first.source_chat_id,
                "message_id": first.source_message_id,
                **place,
            }
            if marked:
                if first.kind == "text":
                    result = await self.call(
                        claim,
                        "sendMessage",
                        {
                            "chat_id": group,
                            "text": f"{mark}\n{_html_of(first)}",
                            "parse_mode": "HTML",
                            **place,
                        },
                        purpose="relay",
                    )
                    return _ids_of(result)
                if first.kind in CAPTIONED:
                    data["caption"] = f"{mark}\n{_html_of(first)}".strip()
                    data["parse_mode"] = "HTML"
                else:
                    await self.call(
                        claim,
                        "sendMessage",
                        {"chat_id": group, "text": mark, **place},
                        purpose="relay",
                    )
            result = await self.call(claim, "copyMessage", data, purpose="relay")
            return _ids_of(result)
        album_place = {k: v for k, v in place.items() if k == "message_thread_id"}
        if marked:
            await self.call(
                claim, "sendMessage", {"chat_id": group, "text": mark, **place}, purpose="relay"
            )
        result = await self.call(
            claim,
            "copyMessages",
            {
                "chat_id": group,
                "from_chat_id": first.source_chat_id,
                "message_ids": [r.source_message_id for r in rows],
                **album_place,
            },
            purpose="relay",
        )
        return _ids_of(result)

    async def _relay_out(self, claim: Claim, params: dict[str, Any]) -> dict[str, Any]:
        """An engineer's messages to the client, after a ``💬 #1042`` line when the client
        last saw another ticket."""
        head = claim.head
        ticket_id = head.ticket_id
        assert ticket_id is not None
        async with self.desk.sessions() as session:
            row_ids = await _rows_of(session, head, params)
            stored = list(await repo.messages_by_ids(session, ids=row_ids))
            ticket = await repo.get_ticket(session, ticket_id=ticket_id)
            assert ticket is not None
            client = await repo.get_client(session, client_id=ticket.client_id)
            assert client is not None
        rows = [r for r in stored if r.delivered != "sent" and r.direction == "out"]
        if not rows:
            return {"ids": [], "skipped": "nothing to send"}
        if client.shown_ticket_id != ticket.id:
            header = await self.call(
                claim,
                "sendMessage",
                {
                    "chat_id": client.id,
                    "text": t(client.language, "relay.header", number=f"#{ticket.number}"),
                    "parse_mode": "HTML",
                },
                purpose="relay",
            )
            async with self.desk.sessions() as session, session.begin():
                fresh = await repo.get_client(session, client_id=client.id)
                assert fresh is not None
                fresh.shown_ticket_id = ticket.id
                for message_id in _ids_of(header):
                    await repo.link_message(
                        session, chat_id=client.id, message_id=message_id, ticket_id=ticket.id
                    )
        first = rows[0]
        if params.get("as_text") and first.kind == "text":
            result = await self.call(
                claim,
                "sendMessage",
                {"chat_id": client.id, "text": _html_of(first), "parse_mode": "HTML"},
                purpose="relay",
            )
        elif len(rows) == 1:
            data: dict[str, Any] = {
                "chat_id": client.id,
                "from_chat_id": first.source_chat_id,
                "message_id": first.source_message_id,
            }
            if params.get("as_text") and first.kind in CAPTIONED:
                data["caption"] = _html_of(first)
                data["parse_mode"] = "HTML"
            result = await self.call(claim, "copyMessage", data, purpose="relay")
        else:
            result = await self.call(
                claim,
                "copyMessages",
                {
                    "chat_id": client.id,
                    "from_chat_id": first.source_chat_id,
                    "message_ids": [r.source_message_id for r in rows],
                },
                purpose="relay",
            )
        ids = _ids_of(result)
        async with self.desk.sessions() as session, session.begin():
            for row, target in zip(rows, ids, strict=False):
                await repo.mark_delivered(
                    session, row_id=row.id, target_chat_id=client.id, target_message_id=target
                )
            fresh = await repo.get_client(session, client_id=client.id)
            if fresh is not None:
                fresh.blocked_at = None
        return {"ids": ids}

    async def _follow_edit(self, claim: Claim, params: dict[str, Any]) -> dict[str, Any]:
        """The copy of an edited message takes its new text; where Telegram cannot edit the
        copy (or the copy holds other messages too), the ticket's thread is told instead."""
        async with self.desk.sessions() as session:
            row = await session.get(TicketMessage, int(params["row"]))
            ticket = await repo.get_ticket(session, ticket_id=row.ticket_id) if row else None
            shared = (
                await repo.copies_sharing(
                    session, chat_id=row.target_chat_id, message_id=row.target_message_id
                )
                if row is not None and row.target_message_id is not None
                else 0
            )
        if row is None or ticket is None or row.delivered != "sent" or row.target_chat_id is None:
            return {"skipped": "no copy"}
        lang = self.desk.op_lang
        if row.direction == "in":
            notice = t(lang, "op.client_edited", text=(row.text or "")[:3500])
        else:
            notice = t(lang, "op.edit_failed")
        combined = shared > 1 or row.target_message_id == ticket.header_message_id
        if not combined:
            key = "text" if row.kind == "text" else "caption"
            try:
                await self.call(
                    claim,
                    "editMessageText" if key == "text" else "editMessageCaption",
                    {
                        "chat_id": row.target_chat_id,
                        "message_id": row.target_message_id,
                        key: _html_of(row),
                        "parse_mode": "HTML",
                    },
                    purpose="edit",
                )
                return {"ids": [row.target_message_id]}
            except Failed as failed:
                if "not modified" in failed.description.lower():
                    return {"ids": [row.target_message_id], "unchanged": True}
                if failed.failure is not Failure.REFUSED:
                    raise
        async with self.desk.sessions() as session, session.begin():
            await self._note(
                session,
                lane=f"t:{ticket.id}",
                chat_id=self.desk.operator_chat_id,
                text=notice,
                ticket_id=ticket.id,
                thread=True,
            )
        return {"ids": [], "told": True}

    # --- cosmetic state ------------------------------------------------------------------

    async def _card(self, claim: Claim) -> dict[str, Any]:
        """Redraws the header card if what it shows changed since it was last drawn."""
        ticket_id = claim.head.ticket_id
        assert ticket_id is not None
        ticket, client = await self._load(ticket_id)
        if ticket.header_message_id is None:
            return {"skipped": "no card yet"}
        async with self.desk.sessions() as session:
            described = [
                r
                for r in await repo.history(session, ticket_id=ticket_id)
                if r.direction == "in" and r.target_message_id == ticket.header_message_id
            ]
            parent = (
                await repo.get_ticket(session, ticket_id=ticket.parent_ticket_id)
                if ticket.parent_ticket_id
                else None
            )

        def draw(description: list[str]) -> str:
            return render.card(
                ticket,
                client,
                self.desk.op_lang,
                self.desk.settings.zone,
                forum=self.desk.forum,
                parent_number=parent.number if parent else None,
                description=description,
                today=self._today(),
            )

        card = draw([_html_of(r) for r in described])
        limit = CAPTION_LIMIT if ticket.card_is_caption else MESSAGE_LIMIT
        if utf16_len(card) > limit:
            # Grown past Telegram's limit (a longer organization, an edited description): the
            # description is shortened as plain text, so no HTML tag is ever cut.
            room = max(limit - utf16_len(draw(["…"])) - 4, 0)
            plain = " ".join(" ".join(r.text for r in described).split())
            card = draw([escape(truncate(plain, room))] if room else [])
        if _digest(card) == ticket.card_sent:
            return {"skipped": "unchanged"}
        group = self.desk.operator_chat_id
        method, key = (
            ("editMessageCaption", "caption")
            if ticket.card_is_caption
            else ("editMessageText", "text")
        )
        try:
            await self.call(
                claim,
                method,
                {
                    "chat_id": group,
                    "message_id": ticket.header_message_id,
                    key: card,
                    "parse_mode": "HTML",
                    "reply_markup": render.card_markup(ticket, client, self.desk.op_lang),
                },
                purpose="card",
            )
        except Failed as failed:
            if "not modified" not in failed.description.lower():
                if failed.failure is Failure.REFUSED:
                    return {"skipped": failed.description}
                raise
        async with self.desk.sessions() as session, session.begin():
            row = await repo.get_ticket(session, ticket_id=ticket_id)
            if row is not None:
                row.card_sent = _digest(card)
        return {"ids": [ticket.header_message_id]}

    async def _title(self, claim: Claim) -> dict[str, Any]:
        """Renames the topic (its colour marker) if its title changed."""
        ticket_id = claim.head.ticket_id
        assert ticket_id is not None
        ticket, client = await self._load(ticket_id)
        if ticket.topic_id is None:
            return {"skipped": "no topic yet"}
        title = render.topic_title(ticket, client, self.desk.op_lang)
        if title == ticket.title_sent:
            return {"skipped": "unchanged"}
        try:
            await self.call(
                claim,
                "editForumTopic",
                {
                    "chat_id": self.desk.operator_chat_id,
                    "message_thread_id": ticket.topic_id,
                    "name": title,
                },
                purpose="title",
            )
        except Failed as failed:
            low = failed.description.lower().replace(" ", "_")
            if "not_modified" not in low:
                if failed.failure in (Failure.REFUSED, Failure.THREAD_GONE):
                    return {"skipped": failed.description}
                raise
        async with self.desk.sessions() as session, session.begin():
            row = await repo.get_ticket(session, ticket_id=ticket_id)
            if row is not None:
                row.title_sent = title
        return {"ok": True}

    async def _feedback(self, claim: Claim) -> dict[str, Any]:
        """The client's confirmation, rating and comment: one message, edited as they come."""
        ticket_id = claim.head.ticket_id
        assert ticket_id is not None
        ticket, _client = await self._load(ticket_id)
        text = render.feedback(ticket, self.desk.op_lang)
        if not text:
            return {"skipped": "nothing to show"}
        group = self.desk.operator_chat_id
        if ticket.feedback_message_id is not None:
            try:
                await self.call(
                    claim,
                    "editMessageText",
                    {
                        "chat_id": group,
                        "message_id": ticket.feedback_message_id,
                        "text": text,
                        "parse_mode": "HTML",
                    },
                    purpose="feedback",
                )
                return {"ids": [ticket.feedback_message_id]}
            except Failed as failed:
                low = failed.description.lower()
                if "not modified" in low:
                    return {"ids": [ticket.feedback_message_id]}
                if failed.failure is not Failure.REFUSED:
                    raise
                # The message is gone or too old to edit: post the feedback anew.
        place = await self._placement(claim, ticket_id)
        result = await self.call(
            claim,
            "sendMessage",
            {"chat_id": group, "text": self._marked(claim, text), "parse_mode": "HTML", **place},
            purpose="feedback",
        )
        ids = _ids_of(result)
        async with self.desk.sessions() as session, session.begin():
            row = await repo.get_ticket(session, ticket_id=ticket_id)
            if row is not None and ids:
                row.feedback_message_id = ids[0]
                await repo.link_message(
                    session, chat_id=group, message_id=ids[0], ticket_id=ticket_id
                )
        return {"ids": ids}

    async def _preview(self, claim: Claim, params: dict[str, Any]) -> dict[str, Any]:
        """New tickets whose topics wait for the group's budget, shown at once in General
        with their descriptions (and, for one shown before, what its client wrote since);
        engineers answer them by replying ``#1042 text``."""
        shown: list[tuple[Ticket, Client, list[TicketMessage], bool]] = []
        async with self.desk.sessions() as session:
            for ticket_id in params.get("tickets", []):
                ticket = await repo.get_ticket(session, ticket_id=int(ticket_id))
                if ticket is None or ticket.header_message_id is not None:
                    continue  # its topic came first after all
                rows = await repo.client_rows_after(
                    session, ticket_id=ticket.id, after=ticket.preview_upto or 0
                )
                if not rows:
                    continue
                client = await repo.get_client(session, client_id=ticket.client_id)
                assert client is not None
                shown.append((ticket, client, rows, ticket.preview_message_id is not None))
        if not shown:
            return {"skipped": "nothing to preview"}
        text, included = render.preview(
            [
                (
                    tk,
                    cl,
                    [r.text for r in rs if r.text],  # plain: it is shortened
                    sum(1 for r in rs if r.kind != "text"),
                    more,
                )
                for tk, cl, rs, more in shown
            ],
            self.desk.op_lang,
            limit=MESSAGE_LIMIT,
        )
        group = self.desk.operator_chat_id
        result = await self.call(
            claim,
            "sendMessage",
            {"chat_id": group, "text": self._marked(claim, text), "parse_mode": "HTML"},
            purpose="preview",
        )
        ids = _ids_of(result)
        async with self.desk.sessions() as session, session.begin():
            for ticket, _client, rows, _more in shown[:included]:
                row = await repo.get_ticket(session, ticket_id=ticket.id)
                if row is not None and ids:
                    row.preview_message_id = ids[0]
                    row.preview_upto = max(r.id for r in rows)
                    session.add(TicketPreview(chat_id=group, message_id=ids[0], ticket_id=row.id))
        return {"ids": ids}

    async def _queue_status(self, claim: Claim, params: dict[str, Any]) -> dict[str, Any]:
        group = self.desk.operator_chat_id
        lang = self.desk.op_lang
        if params.get("behind"):
            text = t(
                lang,
                "op.queue_behind",
                waiting=params.get("waiting", 0),
                limit=self.desk.settings.group_messages_per_minute,
            )
            result = await self.call(
                claim,
                "sendMessage",
                {"chat_id": group, "text": text, "parse_mode": "HTML"},
                purpose="queue",
            )
            return {"ids": _ids_of(result)}
        message_id = params.get("message_id")
        if message_id:
            try:
                await self.call(
                    claim,
                    "editMessageText",
                    {
                        "chat_id": group,
                        "message_id": message_id,
                        "text": t(lang, "op.queue_caught_up"),
                        "parse_mode": "HTML",
                    },
                    purpose="queue",
                )
            except Failed as failed:
                if failed.failure is not Failure.REFUSED:
                    raise
        return {"ids": [message_id] if message_id else []}

    async def _failures(self, claim: Claim) -> dict[str, Any]:
        """Replies to clients (outside any ticket) that may not have arrived, or were
        refused: one notice in General listing them, with Resend buttons."""
        async with self.desk.sessions() as session:
            failed = await records.unreported(
                session, states=("unknown", "failed"), ticket=False, limit=8
            )
        failed = [f for f in failed if f.chat_id > 0]
        if not failed:
            return {"skipped": "nothing to report"}
        text, markup = render.failures_notice(failed, self.desk.op_lang)
        result = await self.call(
            claim,
            "sendMessage",
            {
                "chat_id": self.desk.operator_chat_id,
                "text": text,
                "parse_mode": "HTML",
                "reply_markup": markup,
            },
            purpose="failures",
        )
        async with self.desk.sessions() as session, session.begin():
            await records.mark_reported(session, ids=[f.id for f in failed])
        return {"ids": _ids_of(result)}

    # --- outcomes ------------------------------------------------------------------------

    async def _succeeded(
        self, claim: Claim, params: dict[str, Any], result: dict[str, Any]
    ) -> None:
        ids = [int(i) for i in result.get("ids", []) if i is not None]
        async with self.desk.sessions() as session, session.begin():
            done = await records.settle(
                session,
                ids=claim.ids,
                instance=self.instance,
                state="sent" if "skipped" not in result else "dropped",
                now=utc_now(),
                result=result,
                error=result.get("skipped"),
            )
            if not done:
                logger.warning(
                    "records %s were sent but taken over meanwhile (judged stale)", claim.ids
                )
            await self._effects(session, claim.head, params.get("_after") or [], ids)

    async def _effects(
        self, session: AsyncSession, record: Outgoing, effects: Sequence[Any], ids: list[int]
    ) -> None:
        """What a sent message changes: the ticket it belongs to, the prompt to edit later."""
        if not ids:
            return
        for name, value in effects:
            if name == "link":
                for message_id in ids:
                    await repo.link_message(
                        session, chat_id=record.chat_id, message_id=message_id, ticket_id=value
                    )
            elif name == "draft_prompt":
                draft = await repo.get_draft(session, client_id=value)
                if draft is not None:
                    draft.prompt_message_id = ids[0]
            elif name == "csat":
                ticket = await repo.get_ticket(session, ticket_id=value)
                if ticket is not None:
                    ticket.csat_message_id = ids[0]
            elif name in ("announce_prompt", "announce_progress"):
                from storage.models import Announcement

                announcement = await session.get(Announcement, value)
                if announcement is not None:
                    if name == "announce_prompt":
                        # Only the newest question is current: an admin may have answered
                        # this one (and the bot asked the next) before this send settled.
                        newest = await announcements.last_record(
                            session, lane=record.lane, purpose=record.purpose
                        )
                        if newest is None or newest.id == record.id:
                            announcement.prompt_message_id = ids[0]
                    else:
                        announcement.progress_message_id = ids[0]
            else:
                logger.error("unknown effect %r of record %s", name, record.id)

    async def _failed(self, claim: Claim, params: dict[str, Any], failed: Failed) -> None:
        head = claim.head
        side = Side.GROUP if head.chat_id < 0 else Side.PRIVATE
        now = utc_now()
        loop = asyncio.get_running_loop()
        optional = bool(params.get("_optional"))
        if failed.failure is Failure.RATE_LIMITED:
            pause = failed.retry_after or 1.0
            if side is Side.GROUP:
                self._group_free_at = max(self._group_free_at, loop.time() + pause)
            else:
                self._chat_free_at[head.chat_id] = loop.time() + pause
                limiter = self._limiter
                # Near the overall ceiling the 429 is the bot's, not this chat's.
                if limiter is not None and limiter.sent_last_second() >= 0.8 * (
                    self.desk.settings.messages_per_second
                ):
                    limiter.pause(pause)
            logger.info("429 for %s (%s): waiting %.1f s", head.lane, head.method, pause)
        elif failed.failure in (Failure.NOT_SENT, Failure.MAYBE):
            if not self._stopping and not self._suspect:
                logger.warning("Telegram did not answer (%s): holding sends", failed.description)
                self._suspect = True
                self._next_probe = loop.time() + 1.0
        elif failed.failure is Failure.THREAD_GONE:
            if head.ticket_id is not None:
                await self._forget_thread(head.ticket_id, topic=True)
        elif failed.failure is Failure.REPLY_GONE:
            if head.ticket_id is not None and not self.desk.forum:
                await self._forget_thread(head.ticket_id, topic=False)
        if optional and failed.failure in (Failure.REFUSED, Failure.BLOCKED, Failure.MAYBE):
            async with self.desk.sessions() as session, session.begin():
                await records.settle(
                    session,
                    ids=claim.ids,
                    instance=self.instance,
                    state="dropped",
                    now=now,
                    error=failed.description,
                )
            return
        failure = failed.failure
        if side is Side.GROUP and failure is Failure.BLOCKED:
            # The bot lost the operator group (removed, or no longer admin): keep everything
            # and try again; the group cannot be told, the client is told it is delayed.
            failure = Failure.NOT_SENT
        decision = after_failure(
            failure,
            side=side,
            on_unknown=OnUnknown(head.on_unknown),
            attempts=head.attempts,
            age=now - head.created_at,
            retry_after=failed.retry_after,
            base=self.desk.settings.retry_base_seconds,
        )
        new_params: dict[int, dict[str, Any]] = {}
        if decision.mark_repeat:
            for record in claim.records:
                marked = json.loads(record.params)
                marked["_repeat"] = True
                rows = getattr(failed, "rows", None)
                if rows:
                    marked["_repeat_rows"] = rows
                elif record.method == out.RELAY_IN:
                    marked["_repeat_rows"] = marked.get("rows", [])
                new_params[record.id] = marked
        if decision.state is State.PENDING and failed.failure not in (
            Failure.THREAD_GONE,
            Failure.REPLY_GONE,
            Failure.RATE_LIMITED,
        ):
            logger.warning(
                "%s %s postponed (%s): %s",
                head.lane,
                head.method,
                failed.failure.value,
                failed.description,
            )
        async with self.desk.sessions() as session, session.begin():
            retry_at = now + decision.retry_in if decision.retry_in is not None else None
            await records.settle(
                session,
                ids=claim.ids,
                instance=self.instance,
                state=decision.state.value,
                now=now,
                error=f"{failed.failure.value}: {failed.description}",
                not_before=retry_at,
                params=new_params,
            )
            if head.method in (out.RELAY_IN, out.OPEN, out.RELAY_OUT) and decision.state in (
                State.FAILED,
                State.UNKNOWN,
            ):
                await self._mark_rows(session, claim, decision.state)
            if decision.report:
                await self._report(session, claim, failed)
            if (
                side is Side.GROUP
                and decision.state is State.PENDING
                and head.method in (out.RELAY_IN, out.OPEN)
                and head.attempts == 1
                and failed.failure not in (Failure.THREAD_GONE, Failure.REPLY_GONE)
                and failed.failure is not Failure.RATE_LIMITED
            ):
                await self._tell_delayed(session, head)
            if failed.failure is Failure.BLOCKED and side is Side.PRIVATE:
                await repo.mark_blocked(session, client_id=head.chat_id, now=now)

    async def _mark_rows(self, session: AsyncSession, claim: Claim, state: State) -> None:
        for record in claim.records:
            rows = await _rows_of(session, record, json.loads(record.params))
            for row in await repo.messages_by_ids(session, ids=rows):
                if row.delivered != "sent":
                    row.delivered = "failed" if state is State.FAILED else "unknown"
                    row.outbox_id = record.id

    async def _tell_delayed(self, session: AsyncSession, record: Outgoing) -> None:
        """The client's message waits for the group: the client hears it once."""
        if record.ticket_id is None:
            return
        ticket = await repo.get_ticket(session, ticket_id=record.ticket_id)
        if ticket is None:
            return
        client = await repo.get_client(session, client_id=ticket.client_id)
        if client is None:
            return
        if await records.recent(
            session, chat_id=client.id, purpose="delayed", since=utc_now() - DELAYED_AGAIN
        ):
            return  # told already in this episode
        await self._note(
            session,
            lane=f"c:{client.id}",
            chat_id=client.id,
            text=t(client.language, "relay.delayed"),
            ticket_id=None,
            purpose="delayed",
        )

    async def _report(self, session: AsyncSession, claim: Claim, failed: Failed) -> None:
        """Someone must hear of this failure: a record of its own, delivered when it can be."""
        head = claim.head
        lang = self.desk.op_lang
        params = json.loads(head.params)
        excerpt = render.excerpt_of(
            head.method, params, await self._rows_text(session, head, params)
        )
        if head.chat_id > 0:
            if head.ticket_id is not None:
                if head.purpose == "manager":
                    text = t(lang, "op.manager_unreachable", reason=failed.description)
                    markup = None
                elif failed.failure is Failure.BLOCKED:
                    text = t(lang, "op.client_blocked")
                    markup = None
                elif failed.failure is Failure.MAYBE:
                    text = t(lang, "op.delivery_unknown_resend", excerpt=excerpt)
                    markup = render.resend_button(lang, head.id)
                else:
                    text = t(lang, "op.delivery_failed", reason=failed.description)
                    markup = None
                await self._note(
                    session,
                    lane=f"t:{head.ticket_id}",
                    chat_id=self.desk.operator_chat_id,
                    text=text,
                    ticket_id=head.ticket_id,
                    thread=True,
                    markup=markup,
                )
                await records.mark_reported(session, ids=claim.ids)
            elif failed.failure is Failure.BLOCKED:
                await records.mark_reported(session, ids=claim.ids)  # nothing anyone can do
            else:
                await records.add(
                    session,
                    lane="g:failures",
                    chat_id=self.desk.operator_chat_id,
                    method=out.FAILURES,
                    params={},
                    purpose="failures",
                    priority=int(Priority.NOTICE),
                    on_unknown=OnUnknown.RESEND.value,
                    coalesce_key="failures",
                    now=utc_now(),
                )
            return
        # The group refused a message for good.
        if head.method in (out.RELAY_IN, out.OPEN) and head.ticket_id is not None:
            ticket = await repo.get_ticket(session, ticket_id=head.ticket_id)
            client = await repo.get_client(session, client_id=ticket.client_id) if ticket else None
            if client is not None:
                await self._note(
                    session,
                    lane=f"c:{client.id}",
                    chat_id=client.id,
                    text=t(client.language, "relay.cannot_copy"),
                    ticket_id=None,
                )
            if failed.failure is Failure.REFUSED:
                await self._note(
                    session,
                    lane=f"q:{head.ticket_id}",
                    chat_id=self.desk.operator_chat_id,
                    text=t(lang, "op.cannot_copy", reason=failed.description, excerpt=excerpt),
                    ticket_id=head.ticket_id,
                    thread=True,
                )
        elif head.lane != "g:failures":
            logger.error(
                "the operator group refused %s %s: %s", head.method, head.id, failed.description
            )
            await self._note(
                session,
                lane="g:0",
                chat_id=self.desk.operator_chat_id,
                text=t(lang, "op.group_refused", reason=failed.description, excerpt=excerpt),
                ticket_id=None,
            )
        await records.mark_reported(session, ids=claim.ids)

    async def _rows_text(
        self, session: AsyncSession, record: Outgoing, params: dict[str, Any]
    ) -> str:
        rows = await _rows_of(session, record, params)
        if not rows:
            return ""
        stored = await repo.messages_by_ids(session, ids=rows)
        return " ".join(r.text for r in stored if r.text)

    async def _note(
        self,
        session: AsyncSession,
        *,
        lane: str,
        chat_id: int,
        text: str,
        ticket_id: int | None,
        thread: bool = False,
        markup: dict[str, Any] | None = None,
        purpose: str = "failure",
    ) -> None:
        params: dict[str, Any] = {"text": text, "parse_mode": "HTML"}
        if markup is not None:
            params["reply_markup"] = markup
        if thread and ticket_id is not None:
            params["_thread"] = ticket_id
            params["_after"] = [("link", ticket_id)]
        else:
            params["chat_id"] = chat_id
        await records.add(
            session,
            lane=lane,
            chat_id=chat_id,
            method="sendMessage",
            params=params,
            purpose=purpose,
            priority=int(Priority.CONTENT),
            on_unknown=(OnUnknown.RESEND if chat_id < 0 else OnUnknown.REPORT).value,
            ticket_id=ticket_id,
            now=utc_now(),
        )

    async def _judge_stale(self, record: Outgoing) -> None:
        """A record left in flight by a process that died: its outcome is unknown."""
        async with self.desk.sessions() as session, session.begin():
            taken = await records.take_stale(
                session,
                record_id=record.id,
                claimed_by=record.claimed_by,
                instance=self.instance,
                now=utc_now(),
            )
        if not taken:
            return
        logger.warning(
            "record %s (%s to %s) was in flight when its process stopped: outcome unknown",
            record.id,
            record.method,
            record.lane,
        )
        claim = Claim([record], group=record.chat_id < 0)
        claim.started["any"] = True
        await self._failed(
            claim,
            json.loads(record.params),
            Failed(Failure.MAYBE, "in flight when the bot stopped"),
        )


# --- helpers -------------------------------------------------------------------------------


async def _rows_of(session: AsyncSession, record: Outgoing, params: dict[str, Any]) -> list[int]:
    """The stored ticket messages a relay record carries: listed, or an album's parts."""
    rows = [int(r) for r in params.get("rows") or []]
    album = params.get("album")
    if album and record.ticket_id is not None:
        rows += [
            r.id
            for r in await repo.album_rows(
                session, ticket_id=record.ticket_id, media_group_id=str(album)
            )
            if r.id not in rows
        ]
    return sorted(rows)


def alive(instances: Sequence[Instance], me: str) -> list[str]:
    """The ids of processes that are alive: a recent heartbeat, and, for one on this machine,
    a process that still exists (a bot killed a second ago is known dead at once, not after
    its heartbeat goes stale)."""
    host = socket.gethostname()[:100]
    out = [me]
    for instance in instances:
        if instance.id == me:
            continue
        if instance.host == host and instance.pid and instance.pid != os.getpid():
            try:
                os.kill(instance.pid, 0)
            except ProcessLookupError:
                continue  # gone
            except PermissionError:
                pass  # exists, another user's: trust the heartbeat
        out.append(instance.id)
    return out


def _paced(method: str) -> bool:
    """A new message into a private chat (edits and reactions are not held back)."""
    return method == out.RELAY_OUT or method.startswith(("send", "copy", "forward"))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _first_id(record: Outgoing) -> int | None:
    if not record.result:
        return None
    ids = json.loads(record.result).get("ids") or []
    return int(ids[0]) if ids else None


def _html_of(row: TicketMessage) -> str:
    if row.html is not None:
        return row.html
    import html

    return html.escape(row.text or "", quote=False)


def _clean(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if v is not None}


def _count_messages(method: str, payload: dict[str, Any]) -> int:
    for key in ("media", "message_ids"):
        value = payload.get(key)
        if method in ("sendMediaGroup", "copyMessages", "forwardMessages") and isinstance(
            value, list
        ):
            return len(value)
    return 1
