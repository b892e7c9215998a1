"""Sending release announcements: one delivery row per client, worked through at the ceiling.

The sender runs in the bot's process, beside the handlers, on the same bot object and the
same rate limiter (``bot/ratelimit.py``): a broadcast send takes a slot only when no reply
to a client or an engineer is waiting for one, so the broadcast never slows the desk down.

For each delivery a worker (1) waits for a slot, (2) claims the row (``pending`` →
``sending``, a conditional update, so two replicas never take the same row), (3) sends at
once, and (4) records the outcome. Steps 2 and 3 are back to back, so a process killed at
any moment leaves at most its in-flight requests in ``sending``; those become ``unknown``
when their lease runs out (``desk/broadcast.py`` has the rule), and are reported in the
summary rather than resent. Stopping the bot normally lets in-flight sends finish first.

Only the copies to subscribers are sent here. What the admin sees in the operator group (the
progress message's edits, the summary, the note that it is over) are outgoing records
(``bot/outbox.py``), written in a unit of work and sent by the dispatcher within the group's
budget; the summary is written in the transaction that marks the announcement done.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import (
    RetryAfter,
    TelegramError,
)
from telegram.ext import ExtBot

from bot import callbacks
from bot.context import Desk, Unit
from bot.outbox import markup_json
from bot.ratelimit import retry_after_seconds
from bot.telegram_errors import classify, request_never_left
from bot.texts import Raw, t
from desk.broadcast import (
    AnnouncementStatus,
    Failure,
    Progress,
    State,
    after_failure,
    format_duration,
)
from desk.delivery import Priority
from storage import announcements as store
from storage import outbox as records
from storage import repo
from storage.models import Announcement

if TYPE_CHECKING:
    from bot.config import Settings

logger = logging.getLogger(__name__)

MEDIA_SENDERS = {
    "photo": "send_photo",
    "document": "send_document",
    "video": "send_video",
    "animation": "send_animation",
    "audio": "send_audio",
    "voice": "send_voice",
}


#: Purpose of the progress message's record (the summary replaces it if it has not left).
PROGRESS = "ann_progress"


def admin_lane(announcement_id: int) -> str:
    """The outbox lane of what the bot posts about one announcement in the operator group
    (its questions, the preview, the progress message): it leaves in the order written."""
    return f"g:ann:{announcement_id}"


def progress_key(announcement_id: int) -> str:
    """The coalescing key of the progress message's edits; their lane is ``k:<key>``."""
    return f"progress:{announcement_id}"


def failure_of(exc: TelegramError) -> Failure:
    """What a failed send means for the client: not sent, blocked, refused or unknown.

    Built on the sorting of Telegram's errors (``bot/telegram_errors.py``); a timeout or a
    network error (a 5xx from Telegram's front included: the server behind it may have acted)
    is unknown unless the request certainly never left.
    """
    kind = classify(exc)
    if kind == "blocked":
        return Failure.BLOCKED
    if kind in ("bad", "thread_gone", "reply_gone"):
        return Failure.REFUSED
    if isinstance(exc, RetryAfter) or request_never_left(exc):
        return Failure.NOT_SENT
    return Failure.UNKNOWN


def client_keyboard(announcement: Announcement, lang: str) -> InlineKeyboardMarkup:
    """What goes under an announcement: request the version (if any) and unsubscribe."""
    rows = []
    if announcement.version:
        rows.append(
            [
                InlineKeyboardButton(
                    t(lang, "ann.request_version", version=announcement.version),
                    callback_data=callbacks.version_request(announcement.id),
                )
            ]
        )
    rows.append(
        [
            InlineKeyboardButton(
                t(lang, "ann.unsubscribe"),
                callback_data=callbacks.news(callbacks.News.UNSUBSCRIBE),
            )
        ]
    )
    return InlineKeyboardMarkup(rows)


async def send_content(
    bot: ExtBot[None],
    announcement: Announcement,
    chat_id: int,
    lang: str,
    *,
    message_thread_id: int | None = None,
    rate_limit_args: Any = None,  # {"broadcast": True, ...}: see bot/ratelimit.py
) -> Message:
    """Sends the announcement as a client sees it (used for the preview too)."""
    markup = client_keyboard(announcement, lang)
    kind = announcement.kind or "text"
    if kind == "text":
        return await bot.send_message(
            chat_id,
            announcement.text_html,
            reply_markup=markup,
            message_thread_id=message_thread_id,
            rate_limit_args=rate_limit_args,
        )
    method = getattr(bot, MEDIA_SENDERS[kind])
    sent: Message = await method(
        chat_id,
        announcement.file_id,
        caption=announcement.text_html or None,
        reply_markup=markup,
        message_thread_id=message_thread_id,
        rate_limit_args=rate_limit_args,
    )
    return sent


#: The Bot API method and its file field for each kind of announcement with a file.
API_SENDERS = {
    "photo": ("sendPhoto", "photo"),
    "document": ("sendDocument", "document"),
    "video": ("sendVideo", "video"),
    "animation": ("sendAnimation", "animation"),
    "audio": ("sendAudio", "audio"),
    "voice": ("sendVoice", "voice"),
}


def content_request(announcement: Announcement, lang: str) -> tuple[str, dict[str, Any]]:
    """The announcement as a client sees it, as a Bot API method and its parameters (the
    same text, formatting and buttons as :func:`send_content`): the preview's record."""
    markup = markup_json(client_keyboard(announcement, lang))
    kind = announcement.kind or "text"
    if kind == "text":
        return "sendMessage", {
            "text": announcement.text_html,
            "parse_mode": "HTML",
            "reply_markup": markup,
        }
    method, field = API_SENDERS[kind]
    return method, {
        field: announcement.file_id,
        "caption": announcement.text_html or None,
        "parse_mode": "HTML",
        "reply_markup": markup,
    }


# --- progress ------------------------------------------------------------------------------


def progress_text(
    announcement: Announcement,
    progress: Progress,
    now: datetime,
    lang: str,
    *,
    failures: list[tuple[str, str, int]] | None = None,
) -> str:
    """The admin's progress message; with `failures`, the final summary."""
    started = announcement.started_at or now
    elapsed = now - started
    version = (
        t(lang, "ann.version_suffix", version=announcement.version) if announcement.version else ""
    )
    if failures is None:
        eta = progress.eta(elapsed)
        return t(
            lang,
            "ann.progress",
            id=announcement.id,
            version=Raw(version),
            sent=progress.sent,
            total=progress.total,
            failed=progress.failed + progress.blocked + progress.unknown,
            remaining=progress.remaining,
            rate=f"{progress.rate(elapsed):.1f}",
            eta=format_duration(eta, lang) if eta is not None else "—",
        )
    lines = [
        t(
            lang,
            "ann.done",
            id=announcement.id,
            version=Raw(version),
            duration=format_duration(elapsed, lang),
            sent=progress.sent,
            total=progress.total,
            rate=f"{progress.rate(elapsed):.1f}",
        )
    ]
    for state, error, count in failures:
        if state == State.BLOCKED.value:
            lines.append(t(lang, "ann.fail_blocked", count=count))
        elif state == State.SKIPPED.value:
            lines.append(t(lang, "ann.fail_skipped", count=count))
        elif state == State.UNKNOWN.value:
            why = "ann.reason_interrupted" if error == "interrupted" else "ann.reason_timeout"
            lines.append(t(lang, "ann.fail_unknown", count=count, reason=t(lang, why)))
        else:
            lines.append(t(lang, "ann.fail_refused", count=count, reason=error or "?"))
    return "\n".join(lines)


# --- the sender ------------------------------------------------------------------------------


class Broadcaster:
    """Works through the delivery rows of every announcement being sent."""

    def __init__(self, bot: ExtBot[None], desk: Desk) -> None:
        self.bot = bot
        self.desk = desk
        self.wake = asyncio.Event()
        self._stopping = False
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._last_expiry: datetime | None = None

    @property
    def _settings(self) -> Settings:
        return self.desk.settings

    def poke(self) -> None:
        """Something new to send: stop waiting."""
        self.wake.set()

    async def run(self) -> None:
        """The sender's loop: announcements oldest first, until stopped."""
        while not self._stopping:
            active: list[int] = []
            try:
                await self._expire_stale(force=self._last_expiry is None)
                async with self.desk.tx() as session:
                    active = await store.active(session)
                for announcement_id in active:
                    if self._stopping:
                        return
                    await self._work_on(announcement_id)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("the announcement sender failed; it goes on in a moment")
                await asyncio.sleep(1)
            if not active:
                self.wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), self._settings.broadcast_idle_poll)

    async def stop(self) -> None:
        """Takes no new rows and waits for the sends in flight to be recorded."""
        self._stopping = True
        self.wake.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), self._request_budget)

    async def _expire_stale(self, *, force: bool = False) -> None:
        now = self.desk.clock.now()
        lease = timedelta(seconds=self._settings.broadcast_lease)
        if not force and self._last_expiry is not None and now - self._last_expiry < lease / 4:
            return
        self._last_expiry = now
        async with self.desk.tx() as session:
            count = await store.expire_stale(session, claimed_before=now - lease)
        if count:
            logger.warning(
                "%d announcement deliveries were in flight when a sender stopped: "
                "their outcome is unknown, they are reported and not resent",
                count,
            )

    async def _work_on(self, announcement_id: int) -> None:
        """Sends one announcement until nothing is due, then finishes it or waits.

        A feeder reads due rows in id order into a short queue that the workers drain, so
        the workers never stand still between batches. When the rows run out, the feeder
        waits for the workers, then either finishes the announcement or waits for the
        earliest retry and reads again from the start.
        """
        desk = self.desk
        async with desk.tx() as session:
            announcement = await store.get(session, announcement_id=announcement_id)
        if announcement is None or announcement.status != AnnouncementStatus.SENDING:
            return
        workers_count = self._settings.broadcast_workers
        queue: asyncio.Queue[tuple[int, int, str] | None] = asyncio.Queue(
            maxsize=workers_count * 4
        )

        async def worker() -> None:
            while (item := await queue.get()) is not None:
                try:
                    if not self._stopping:
                        await self._deliver(announcement, *item)
                except Exception:
                    logger.exception(
                        "announcement %s: delivery %s failed", announcement_id, item[0]
                    )
                finally:
                    queue.task_done()

        workers = [asyncio.create_task(worker()) for _ in range(workers_count)]
        reporter = asyncio.create_task(self._report_progress(announcement))
        try:
            after = 0
            while not self._stopping:
                async with desk.tx() as session:
                    await store.skip_unsubscribed(session, announcement_id=announcement_id)
                    batch = await store.due(
                        session,
                        announcement_id=announcement_id,
                        now=desk.clock.now(),
                        after=after,
                        limit=workers_count * 25,
                    )
                if batch:
                    for item in batch:
                        await queue.put(item)
                    after = batch[-1][0]
                    continue
                await queue.join()
                await self._expire_stale()
                finished = await self._finish(announcement_id)
                if finished:
                    break
                async with desk.tx() as session:
                    retry_at = await store.next_retry(session, announcement_id=announcement_id)
                # Rows wait for a retry, or are in flight elsewhere: look again soon.
                after = 0
                pause = 1.0
                if retry_at is not None:
                    pause = min(max((retry_at - desk.clock.now()).total_seconds(), 0.05), 5.0)
                self.wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), pause)
        finally:
            # Whatever ends this (done, stopping, a database error): no new rows are taken,
            # and the sends already claimed finish and are recorded; cancelling them would
            # leave their rows "unknown".
            while not queue.empty():
                queue.get_nowait()
                queue.task_done()
            for _ in workers:
                await queue.put(None)
            _, late = await asyncio.wait(workers, timeout=self._request_budget)
            for task in (*late, reporter):
                task.cancel()
            await asyncio.gather(*late, reporter, return_exceptions=True)

    @property
    def _request_budget(self) -> float:
        """The longest one request can take: pool, connect, write and read timeouts."""
        return 4 * self._settings.request_timeout + 1

    async def _deliver(
        self, announcement: Announcement, delivery_id: int, client_id: int, lang: str
    ) -> None:
        """Slot, claim, send, record: one client's copy."""
        desk = self.desk
        limiter = self.bot.rate_limiter
        acquire = getattr(limiter, "acquire", None)
        if acquire is not None:
            await acquire(client_id, broadcast=True)
        if self._stopping:
            return
        self._in_flight += 1
        self._idle.clear()
        try:
            async with desk.tx() as session:
                attempt = await store.claim(session, delivery_id=delivery_id, now=desk.clock.now())
            if attempt is None:
                return  # another sender took it
            try:
                sent = await send_content(
                    self.bot,
                    announcement,
                    client_id,
                    lang,
                    rate_limit_args={"broadcast": True, "acquired": acquire is not None},
                )
            except TelegramError as exc:
                await self._failed(delivery_id, client_id, attempt, exc)
                return
            await self._record(
                delivery_id, State.SENT, message_id=sent.message_id, error=None, retry_at=None
            )
        finally:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()

    async def _failed(
        self, delivery_id: int, client_id: int, attempt: int, exc: TelegramError
    ) -> None:
        desk = self.desk
        failure = failure_of(exc)
        retry_after = None
        if isinstance(exc, RetryAfter):
            retry_after = retry_after_seconds(exc)
        decision = after_failure(
            failure,
            attempt,
            retry_after=retry_after,
            base=self._settings.broadcast_retry_base,
        )
        now = desk.clock.now()
        level = logging.INFO if failure is Failure.BLOCKED else logging.WARNING
        logger.log(level, "announcement to %s: %s (%s)", client_id, exc, decision.state)
        await self._record(
            delivery_id,
            decision.state,
            message_id=None,
            error=exc.message if decision.state is not State.UNKNOWN else f"timeout: {exc}",
            retry_at=now + decision.retry_in if decision.retry_in is not None else None,
        )
        if decision.state is State.BLOCKED:
            async with desk.tx() as session:
                await repo.mark_blocked(session, client_id=client_id, now=desk.clock.now())
        if decision.state is State.PENDING:
            self.wake.set()

    async def _record(
        self,
        delivery_id: int,
        state: State,
        *,
        message_id: int | None,
        error: str | None,
        retry_at: datetime | None,
    ) -> None:
        """Writes a send's outcome, trying again through a short database hiccup: a send that
        went out and was not recorded would later be judged unknown."""
        for attempt in range(5):
            try:
                async with self.desk.tx() as session:
                    await store.record(
                        session,
                        delivery_id=delivery_id,
                        state=state,
                        now=self.desk.clock.now(),
                        message_id=message_id,
                        error=error,
                        retry_at=retry_at,
                    )
                return
            except SQLAlchemyError:
                if attempt == 4:
                    raise
                logger.warning("could not record delivery %s; trying again", delivery_id)
                await asyncio.sleep(0.5 * 2**attempt)

    # --- what the admin sees -------------------------------------------------------------

    async def _report_progress(self, announcement: Announcement) -> None:
        """Redraws the progress message, never more often than the interval allows.

        The redraw is an outgoing record (an edit counts against the group's budget); one
        still waiting for the group is replaced by the newer one. The ``progress_at`` claim
        keeps two replicas from both redrawing in one interval.
        """
        desk = self.desk
        interval = timedelta(seconds=self._settings.broadcast_progress_interval)
        while True:
            await asyncio.sleep(self._settings.broadcast_progress_interval)
            now = desk.clock.now()
            async with desk.unit() as unit:
                row = await store.get(unit.session, announcement_id=announcement.id)
                if row is None or row.progress_message_id is None:
                    continue  # its message has not gone out yet: nothing to edit
                mine = await store.claim_progress(
                    unit.session,
                    announcement_id=announcement.id,
                    now=now,
                    not_before=now - interval,
                )
                if not mine:
                    continue
                # Counted only by the sender whose turn it is to show them.
                progress = await store.progress(unit.session, announcement_id=announcement.id)
                await _edit_progress(
                    unit,
                    announcement.id,
                    row.progress_message_id,
                    progress_text(row, progress, now, desk.op_lang),
                    priority=Priority.COSMETIC,
                )

    async def _finish(self, announcement_id: int) -> bool:
        """Marks the announcement done once no row is pending or in flight, and writes the
        summary in the same transaction: it is posted once, even if the process stops right
        after. False while rows are left (or another sender finished it).

        The progress message becomes the summary, and a short reply to it notifies the admin
        (an edit alone notifies nobody). A progress message that has not gone out yet is not
        worth a send any more: the summary is posted as a message of its own instead.
        """
        desk = self.desk
        lang = desk.op_lang
        group = desk.operator_chat_id
        lane = admin_lane(announcement_id)
        async with desk.unit() as unit:
            session = unit.session
            if await store.in_flight(session, lane=lane, purpose=PROGRESS):
                # The progress message is on its way (or about to hear a 429): once its
                # outcome is known, it is either edited into the summary or dropped for it.
                return False
            if not await store.complete(
                session, announcement_id=announcement_id, now=desk.clock.now()
            ):
                return False
            waiting = await store.pending_records(session, lane=lane, purpose=PROGRESS)
            await records.drop_pending(session, ids=waiting, reason="the summary replaces it")
            announcement = await store.get(session, announcement_id=announcement_id)
            assert announcement is not None
            progress = await store.progress(session, announcement_id=announcement_id)
            failures = await store.failures(session, announcement_id=announcement_id)
            now = announcement.finished_at or desk.clock.now()
            text = progress_text(announcement, progress, now, lang, failures=failures)
            markup = None
            if progress.unknown:
                # Resending may give some clients a second copy: only the admin may choose it.
                markup = InlineKeyboardMarkup(
                    [
                        [
                            InlineKeyboardButton(
                                t(lang, "ann.resend_unknown", count=progress.unknown),
                                callback_data=callbacks.announce(
                                    callbacks.Announce.RESEND_UNKNOWN, announcement_id
                                ),
                            )
                        ]
                    ]
                )
            note: dict[str, Any] = {
                "text": t(
                    lang,
                    "ann.finished",
                    id=announcement.id,
                    sent=progress.sent,
                    total=progress.total,
                ),
                "parse_mode": "HTML",
                "message_thread_id": announcement.thread_id if desk.forum else None,
            }
            message_id = announcement.progress_message_id
            if message_id is not None:
                await _edit_progress(
                    unit,
                    announcement_id,
                    message_id,
                    text,
                    markup,
                    priority=Priority.NOTICE,
                    fallback=True,
                )
                # In the edits' lane, so the note never arrives before the summary it announces.
                note["reply_parameters"] = {
                    "message_id": message_id,
                    "allow_sending_without_reply": True,
                }
                await unit.out.send(
                    group,
                    "sendMessage",
                    note,
                    lane=f"k:{progress_key(announcement_id)}",
                    purpose="ann_summary",
                    priority=Priority.NOTICE,
                )
            else:
                await unit.out.send(
                    group,
                    "sendMessage",
                    {
                        "text": text,
                        "parse_mode": "HTML",
                        "message_thread_id": note["message_thread_id"],
                        "reply_markup": markup_json(markup),
                    },
                    lane=lane,
                    after=[("announce_progress", announcement_id)],
                    purpose="ann_summary",
                    priority=Priority.NOTICE,
                )
                await unit.out.send(
                    group,
                    "sendMessage",
                    note,
                    lane=lane,
                    purpose="ann_summary",
                    priority=Priority.NOTICE,
                )
        return True


async def _edit_progress(
    unit: Unit,
    announcement_id: int,
    message_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    *,
    priority: Priority,
    fallback: bool = False,
) -> None:
    """Redraws the progress message: an edit record that replaces one still waiting. With
    `fallback` (the summary), a message that cannot be edited (deleted) is posted anew."""
    key = progress_key(announcement_id)
    older = await store.pending_records(unit.session, coalesce_key=key)
    await records.drop_pending(unit.session, ids=older, reason="replaced by a newer edit")
    await unit.out.edit_group(
        message_id, text, markup=markup, coalesce=key, priority=priority, fallback=fallback
    )
