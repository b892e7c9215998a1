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
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyParameters
from telegram.error import (
    RetryAfter,
    TelegramError,
)
from telegram.ext import ExtBot

from bot import relay
from bot.context import Desk
from bot.ratelimit import retry_after_seconds
from bot.texts import Raw, t
from desk.broadcast import Failure, Progress, State, after_failure, format_duration
from storage import announcements as store
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


def failure_of(exc: TelegramError) -> Failure:
    """What a failed send means for the client: not sent, blocked, refused or unknown.

    Built on the relay's sorting of Telegram's errors; a timeout or a network error (a 5xx
    from Telegram's front included: the server behind it may have acted) is unknown unless
    the request certainly never left.
    """
    kind = relay.classify(exc)
    if kind == "blocked":
        return Failure.BLOCKED
    if kind in ("bad", "thread_gone", "reply_gone"):
        return Failure.REFUSED
    if isinstance(exc, RetryAfter) or relay.request_never_left(exc):
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
                    callback_data=f"v:req:{announcement.id}",
                )
            ]
        )
    rows.append([InlineKeyboardButton(t(lang, "ann.unsubscribe"), callback_data="n:off")])
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
        if announcement is None or announcement.status != "sending":
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
        finished = False
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
                async with desk.tx() as session:
                    finished = await store.complete(
                        session, announcement_id=announcement_id, now=desk.clock.now()
                    )
                    retry_at = await store.next_retry(session, announcement_id=announcement_id)
                if finished:
                    break
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
        if finished:
            await self._summarise(announcement_id)

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
            await relay.mark_blocked(desk, client_id)
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
        """Redraws the progress message, never more often than the interval allows."""
        interval = timedelta(seconds=self._settings.broadcast_progress_interval)
        while True:
            await asyncio.sleep(self._settings.broadcast_progress_interval)
            now = self.desk.clock.now()
            async with self.desk.tx() as session:
                mine = await store.claim_progress(
                    session,
                    announcement_id=announcement.id,
                    now=now,
                    not_before=now - interval,
                )
                # Counted only by the sender whose turn it is to show them.
                progress = (
                    await store.progress(session, announcement_id=announcement.id)
                    if mine
                    else None
                )
            if progress is not None:
                await self._show(
                    announcement, progress_text(announcement, progress, now, self.desk.op_lang)
                )

    async def _show(
        self,
        announcement: Announcement,
        text: str,
        reply_markup: InlineKeyboardMarkup | None = None,
    ) -> None:
        """Redraws the progress message (Send records it with the delivery rows)."""
        if announcement.progress_message_id is None:
            return
        try:
            await self.bot.edit_message_text(
                text,
                chat_id=self.desk.operator_chat_id,
                message_id=announcement.progress_message_id,
                reply_markup=reply_markup,
            )
        except TelegramError as exc:
            if "not modified" not in str(exc).lower():
                logger.warning(
                    "could not update announcement %s's progress: %s", announcement.id, exc
                )

    async def _summarise(self, announcement_id: int) -> None:
        """The final summary: the progress message becomes it, and a short note tells the
        admin it is over (an edit alone would not notify anyone)."""
        desk = self.desk
        async with desk.tx() as session:
            announcement = await store.get(session, announcement_id=announcement_id)
            assert announcement is not None
            progress = await store.progress(session, announcement_id=announcement_id)
            failures = await store.failures(session, announcement_id=announcement_id)
        now = announcement.finished_at or desk.clock.now()
        lang = desk.op_lang
        text = progress_text(announcement, progress, now, lang, failures=failures)
        markup = None
        if progress.unknown:
            # Resending may give some clients a second copy: only the admin may choose it.
            markup = InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            t(lang, "ann.resend_unknown", count=progress.unknown),
                            callback_data=f"a:ru:{announcement_id}",
                        )
                    ]
                ]
            )
        await self._show(announcement, text, markup)
        try:
            await self.bot.send_message(
                desk.operator_chat_id,
                t(
                    lang,
                    "ann.finished",
                    id=announcement.id,
                    sent=progress.sent,
                    total=progress.total,
                ),
                message_thread_id=announcement.thread_id if desk.forum else None,
                reply_parameters=ReplyParameters(
                    message_id=announcement.progress_message_id or 0,
                    allow_sending_without_reply=True,
                ),
            )
        except TelegramError as exc:
            logger.warning("could not post announcement %s's summary: %s", announcement_id, exc)
