"""Receiving updates: each one stored before Telegram is told it arrived, handled once.

python-telegram-bot's own polling confirms an update (by asking for the next offset) as soon
as it has fetched it, before it is handled, and stops at the first update it cannot parse.
Here instead:

1. ``getUpdates`` returns raw JSON; every update is stored in the ``inbox`` table (its
   ``update_id`` is the key, so one delivered again meets its first copy and is dropped);
2. only then is the next offset asked for, which confirms them to Telegram: a crash before
   that makes Telegram deliver them again, and the inbox recognises them;
3. each update is parsed; one the library cannot read is set aside with its raw JSON and a
   warning, and the bot moves on;
4. it is handled in its chat's order (``bot/processor.py``), and its handler's unit of work
   marks it done in the same transaction as its effect (``Desk.unit``). An update left half
   handled by a process that died is handled again after the restart, since nothing of it
   was committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, TelegramError
from telegram.ext import ExtBot

from bot.context import Desk
from bot.failpoints import failpoint
from storage import outbox as records

logger = logging.getLogger(__name__)

KEEP_UPDATES = timedelta(days=2)  # Telegram keeps unconfirmed updates for 24 hours


def utc_now() -> datetime:
    """Stored updates keep real time, whatever clock the desk's rules run on."""
    return datetime.now(UTC)


class Poller:
    """Long polling into the inbox; `submit` hands each parsed update to the application (with
    whether this process stored it, and so already holds its claim)."""

    def __init__(
        self,
        bot: ExtBot[None],
        desk: Desk,
        submit: Callable[[Update, bool], None],
        *,
        allowed_updates: list[str] | None = None,
    ) -> None:
        self.bot = bot
        self.desk = desk
        self.submit = submit
        self.allowed = allowed_updates if allowed_updates is not None else list(Update.ALL_TYPES)
        self.offset: int | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.polls = 0

    async def recover(self) -> int:
        """Hands on every stored update that no live process has handled: those received
        before a crash or a stop. Returns how many."""
        from bot.dispatcher import INSTANCE_TTL, alive

        async with self.desk.sessions() as session:
            live = alive(
                await records.live_instances(session, now=utc_now(), ttl=INSTANCE_TTL),
                self.desk.instance_id,
            )
            left = await records.unfinished_updates(
                session, instance=self.desk.instance_id, live=live
            )
        for stored in left:
            await self._hand_on(stored.update_id, json.loads(stored.payload))
        if left:
            logger.info("handling %d updates received before the restart", len(left))
        return len(left)

    def start(self) -> None:
        """Starts polling in the background."""
        self._task = asyncio.create_task(self._run(), name="poller")

    async def stop(self) -> None:
        """Stops at once: a long poll in progress is abandoned (it confirmed nothing)."""
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def _run(self) -> None:
        settings = self.desk.settings
        delay = 1.0
        await self._delete_webhook()
        while not self._stopping:
            try:
                raw = await self.bot.do_api_request(
                    "getUpdates",
                    api_kwargs={
                        "offset": self.offset,
                        "timeout": settings.poll_timeout,
                        "allowed_updates": self.allowed,
                    },
                    read_timeout=settings.poll_timeout + settings.request_timeout,
                )
            except InvalidToken:
                logger.critical("Telegram refuses the bot token: check BOT_TOKEN")
                await asyncio.sleep(30)
                continue
            except Conflict as exc:
                logger.warning("another process polls with this token: %s", exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            except (NetworkError, TelegramError) as exc:
                logger.warning("getUpdates failed: %s", exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            delay = 1.0
            self.polls += 1
            if not isinstance(raw, list) or not raw:
                continue
            await self._take(raw)

    async def _delete_webhook(self) -> None:
        while not self._stopping:
            try:
                await self.bot.delete_webhook(drop_pending_updates=False)
                return
            except TelegramError as exc:
                logger.warning("could not switch to polling (deleteWebhook): %s", exc)
                await asyncio.sleep(2)

    async def _take(self, raw: list[Any]) -> None:
        """Stores a batch, then confirms it by moving the offset, then hands it on."""
        pairs: list[tuple[int, dict[str, Any]]] = []
        for item in raw:
            if isinstance(item, dict) and isinstance(item.get("update_id"), int):
                pairs.append((int(item["update_id"]), item))
            else:
                logger.warning("an update without an update_id was dropped: %.200r", item)
        if not pairs:
            return
        try:
            async with self.desk.sessions() as session, session.begin():
                fresh = set(
                    await records.store_updates(
                        session,
                        updates=[
                            (uid, json.dumps(body, ensure_ascii=False)) for uid, body in pairs
                        ],
                        instance=self.desk.instance_id,
                        now=utc_now(),
                    )
                )
        except Exception:
            # Not stored: do not confirm. Telegram gives the batch again on the next poll.
            logger.exception("could not store %d updates; they will come again", len(pairs))
            await asyncio.sleep(1)
            return
        failpoint("update_stored", ",".join(str(uid) for uid, _ in pairs))
        self.offset = max(uid for uid, _ in pairs) + 1
        repeated = len(pairs) - len(fresh)
        if repeated:
            logger.info("%d updates came again and were recognised", repeated)
        for update_id, body in pairs:
            if update_id in fresh:
                await self._hand_on(update_id, body, claimed=True)

    async def _hand_on(
        self, update_id: int, body: dict[str, Any], *, claimed: bool = False
    ) -> None:
        try:
            update = Update.de_json(body, self.bot)
        except Exception as exc:
            logger.warning(
                "update %s could not be read (%s: %s); its raw JSON is kept in the inbox",
                update_id,
                type(exc).__name__,
                exc,
            )
            async with self.desk.sessions() as session, session.begin():
                await records.set_update_state(
                    session,
                    update_id=update_id,
                    state="unparseable",
                    error=f"{type(exc).__name__}: {exc}",
                    now=utc_now(),
                )
            return
        self.submit(update, claimed)

    async def prune(self) -> None:
        """Forgets updates handled long ago."""
        async with self.desk.sessions() as session, session.begin():
            await records.prune_updates(session, before=utc_now() - KEEP_UPDATES)
