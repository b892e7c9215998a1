"""Assembling and running the application: one place, the same in production and tests."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, time, timedelta
from time import monotonic
from typing import Any

from telegram import BotCommandScopeAllPrivateChats, BotCommandScopeChat, Update
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot import callbacks as cb
from bot import commands
from bot.broadcast import Broadcaster
from bot.commands import Audience, menu
from bot.config import Settings
from bot.context import CURRENT_UPDATE, AlreadyHandled, Desk, DeskApp, DeskContext
from bot.dispatcher import Dispatcher
from bot.handlers import (
    announce,
    client,
    edits,
    escalation,
    groups,
    kb,
    lifecycle,
    operator,
    orgs,
    registration,
)
from bot.handlers.common import answer
from bot.inbox import Poller
from bot.logs import keep_secret, redact
from bot.processor import PerChatUpdateProcessor
from bot.ratelimit import DeskRateLimiter
from bot.service import knowledge, sweeps
from bot.texts import LANGUAGES, escape, t
from desk.clock import Clock, SystemClock
from kb.service import build_knowledge_base
from storage import outbox as records
from storage.db import create_engine, create_sessionmaker, ping, run_migrations, single_process

logger = logging.getLogger(__name__)

# getMe at start: a network still coming up (a boot, a restart of the router) is ridden out,
# a wrong TELEGRAM_API_URL or a host that is down is reported within seconds.
CONNECT_TRIES = 3
CONNECT_PAUSE = 1.0  # before the second try; doubles


class StartupError(Exception):
    """A problem the operator must fix before the bot can run; the message is one line."""


def build_application(settings: Settings, *, clock: Clock | None = None) -> DeskApp:
    """Builds the bot: requests, rate limits, services, handlers and jobs."""
    keep_secret(*settings.secrets())
    context_types = ContextTypes(context=DeskContext, bot_data=Desk)
    app: DeskApp = (
        ApplicationBuilder()
        .token(settings.bot_token.get_secret_value())
        .base_url(settings.bot_api_base)
        .base_file_url(settings.bot_file_base)
        .context_types(context_types)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .rate_limiter(
            DeskRateLimiter(
                overall_per_second=settings.messages_per_second,
                group_per_minute=settings.group_messages_per_minute,
                # Telegram counts a send when it arrives, a little after it left here: the
                # window is kept a second (in a minute) longer than Telegram's.
                group_period=settings.group_window_seconds * 61 / 60,
                max_retries=settings.send_retries,
            )
        )
        .request(
            HTTPXRequest(
                connection_pool_size=64,
                connect_timeout=settings.request_timeout,
                read_timeout=settings.request_timeout,
                write_timeout=settings.request_timeout,
                pool_timeout=settings.request_timeout,
            )
        )
        .get_updates_request(
            HTTPXRequest(read_timeout=settings.poll_timeout + settings.request_timeout)
        )
        .concurrent_updates(PerChatUpdateProcessor(64))
        .build()
    )
    engine = create_engine(settings.database_url)
    app.bot_data.configure(
        settings=settings,
        engine=engine,
        sessions=create_sessionmaker(engine),
        clock=clock or SystemClock(),
        kb=build_knowledge_base(settings),
    )
    _add_handlers(app, settings)
    assert app.job_queue is not None
    app.job_queue.run_repeating(_housekeeping, interval=3600, first=60, name="housekeeping")
    app.job_queue.run_repeating(
        _sweep,
        interval=settings.sweep_interval,
        first=settings.sweep_interval,
        name="lifecycle-sweep",
    )
    digest_at = time.fromisoformat(settings.digest_time).replace(tzinfo=settings.zone)
    app.job_queue.run_daily(_digest, digest_at, name="digest")
    app.job_queue.run_repeating(
        _watch_kb,
        interval=settings.kb_reload_interval,
        first=settings.kb_reload_interval,
        name="kb-watch",
    )
    app.add_error_handler(_on_error)
    return app


def _add_handlers(app: DeskApp, settings: Settings) -> None:
    private = filters.ChatType.PRIVATE
    operators = filters.Chat(chat_id=settings.operator_chat_id)
    new_messages = filters.UpdateType.MESSAGE  # edits have their own handler
    # Commands act on new messages only: an edited "/note" must not add a second note.
    private_cmd = private & new_messages
    operator_cmd = operators & new_messages

    # Group -1: another group the bot was added to is left, a channel ignored, before all.
    app.add_handler(TypeHandler(Update, groups.foreign_chat), group=-1)

    # Group 0: commands and buttons first, so that "/new" is never relayed as text.
    for command in commands.of(Audience.CLIENT):
        app.add_handler(CommandHandler(command.name, command.callback, filters=private_cmd))
    app.add_handler(
        CommandHandler(
            commands.names(Audience.ENGINEER, Audience.ADMIN),
            client.engineer_command_in_private,
            filters=private_cmd,
        )
    )
    app.add_handler(MessageHandler(private_cmd & filters.COMMAND, client.unknown_command))

    # Buttons, by the prefix of their data (bot/callbacks.py: no two patterns match the same
    # data). A client's are honoured only in their private chat, engineers' only in the group.
    client_buttons = {
        cb.MENU_PATTERN: client.menu,
        cb.LANGUAGE_PATTERN: client.set_language,
        cb.REGISTRATION_PATTERN: registration.on_callback,
        cb.TICKETS_PATTERN: client.ticket_buttons,
        cb.KB_PATTERN: kb.buttons,
        cb.NEWS_PATTERN: client.subscription_buttons,
        cb.LIFECYCLE_PATTERN: lifecycle.client_buttons,
        cb.VERSION_PATTERN: announce.request_version,
        cb.ESCALATION_PATTERN: escalation.client_card_buttons,
    }
    for pattern, handler in client_buttons.items():
        app.add_handler(CallbackQueryHandler(_private_callback(handler), pattern=pattern))
    group_buttons = {
        cb.ANNOUNCE_PATTERN: announce.admin_buttons,
        cb.RAISE_PATTERN: escalation.decide_raise,
        cb.RESEND_PATTERN: operator.resend,
        cb.FIELD_PATTERN: operator.set_field,
        cb.ORGS_PATTERN: orgs.buttons,
        cb.TIME_PATTERN: operator.delete_time,
    }
    for pattern, handler in group_buttons.items():
        app.add_handler(CallbackQueryHandler(_operator_callback(handler), pattern=pattern))
    # Any other press (an old button, forged data): answered, so no spinner keeps turning.
    app.add_handler(CallbackQueryHandler(_stale_button))

    # Engineer commands act only in the operator group.
    for command in commands.of(Audience.ENGINEER, Audience.ADMIN):
        app.add_handler(CommandHandler(command.name, command.callback, filters=operator_cmd))
    # Any other command in the group: never relayed; in a ticket's thread the engineer hears so.
    app.add_handler(MessageHandler(operator_cmd & filters.COMMAND, operator.unknown_command))

    # Edits of relayed messages, from either side.
    app.add_handler(
        MessageHandler(filters.UpdateType.EDITED_MESSAGE & (private | operators), edits.on_edit)
    )

    # Group 1: everything else is correspondence.
    app.add_handler(
        MessageHandler(
            private & new_messages & ~filters.COMMAND & ~filters.StatusUpdate.ALL,
            client.on_private_message,
        ),
        group=1,
    )
    app.add_handler(
        MessageHandler(
            operators & new_messages & ~filters.COMMAND & ~filters.StatusUpdate.ALL,
            _group_message,
        ),
        group=1,
    )


async def _group_message(update: Update, context: DeskContext) -> None:
    """An admin composing an announcement or answering the ``/orgs`` panel is answering the
    bot; anything else is for a ticket."""
    if await announce.capture(update, context):
        return
    if await orgs.capture(update, context):
        return
    await operator.on_group_message(update, context)


async def _stale_button(update: Update, context: DeskContext) -> None:
    """A button the bot does not know (an old message's, or made up): only answered."""
    query = update.callback_query
    if query is not None:
        answer(context.desk, query)


def _private_callback(handler: Any) -> Any:
    """Buttons of the client's chat are honoured only when pressed in that private chat."""
    return _pressed_in(handler, lambda query, desk: query.from_user.id)


def _operator_callback(handler: Any) -> Any:
    """Engineers' and admins' buttons are honoured only when pressed in the operator group."""
    return _pressed_in(handler, lambda query, desk: desk.operator_chat_id)


def _pressed_in(handler: Any, chat_of: Any) -> Any:
    """Wraps a button handler: a press under a message in any other chat is only answered."""

    async def wrapped(update: Update, context: DeskContext) -> None:
        query = update.callback_query
        assert query is not None
        message = query.message
        if message is None or message.chat.id != chat_of(query, context.desk):
            answer(context.desk, query)
            return
        await handler(update, context)

    wrapped.__doc__ = handler.__doc__
    return wrapped


async def _post_init(app: Application[Any, Any, Any, Any, Any, Any], stop: asyncio.Event) -> bool:
    """Migrates the database, checks the operator group and publishes the commands.

    False, and nothing else started, when `stop` was set meanwhile (Ctrl+C right after the
    start, or a busy machine): the stop then waits neither for the embedding model nor for
    the dispatcher, the sender and the poller to start and stop again."""
    desk: Desk = app.bot_data
    await ping(desk.engine)  # DatabaseUnavailable: the URL, password masked, and the reason
    await run_migrations(
        desk.engine, {"organization_managers": desk.settings.organization_managers}
    )
    if stop.is_set():
        return False
    bot = app.bot
    desk.bot_username = bot.username or ""
    desk.forum = await detect_forum(app)
    # The lexical stage is ready at once; the embedding model loads in the background and
    # the knowledge base is rebuilt with it when it is there.
    await knowledge.refresh(desk, force=True)
    desk.background.append(asyncio.create_task(knowledge.load_semantic(desk)))
    desk.dispatcher = Dispatcher(bot, desk)
    await desk.dispatcher.start()
    desk.background.append(asyncio.create_task(desk.dispatcher.run(), name="dispatcher"))
    desk.broadcaster = Broadcaster(bot, desk)
    desk.background.append(asyncio.create_task(desk.broadcaster.run()))
    # Not messages, and not needed to serve anyone: published in the background.
    desk.background.append(asyncio.create_task(_publish_commands(app)))
    logger.info(
        "bot @%s ready; operator group %s in %s mode",
        desk.bot_username,
        desk.operator_chat_id,
        "topics" if desk.forum else "reply",
    )
    return True


async def detect_forum(app: Application[Any, Any, Any, Any, Any, Any]) -> bool:
    """Topics mode when the group has topics and the bot may manage them."""
    desk: Desk = app.bot_data
    try:
        chat = await app.bot.get_chat(desk.operator_chat_id)
        member = await app.bot.get_chat_member(desk.operator_chat_id, app.bot.id)
    except TelegramError as exc:
        logger.error(
            "cannot reach the operator group %s (%s): add the bot to the group as an admin; "
            "client messages are kept and delivered once it can",
            desk.operator_chat_id,
            exc,
        )
        return False
    is_admin = member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
    if not is_admin:
        logger.error(
            "the bot is not an admin of the operator group: with privacy mode it will not see "
            "engineers' messages. Make it an admin allowed to manage topics."
        )
    can_topics = bool(getattr(member, "can_manage_topics", False)) or member.status == "creator"
    if chat.is_forum and not can_topics:
        logger.error("the operator group has topics but the bot may not manage them: reply mode")
    return bool(chat.is_forum and is_admin and can_topics)


async def _publish_commands(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    desk: Desk = app.bot_data
    try:
        for lang in LANGUAGES:
            await app.bot.set_my_commands(
                menu(lang, Audience.CLIENT),
                scope=BotCommandScopeAllPrivateChats(),
                language_code=None if lang == desk.settings.default_language else lang,
            )
            await app.bot.set_my_commands(
                menu(lang, Audience.ENGINEER, Audience.ADMIN),
                scope=BotCommandScopeChat(desk.operator_chat_id),
                language_code=None if lang == desk.op_lang else lang,
            )
    except TelegramError as exc:
        logger.warning("could not publish the command list: %s", exc)


async def _post_shutdown(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    desk: Desk = app.bot_data
    for task in desk.background:
        task.cancel()
    if desk.background:
        await asyncio.gather(*desk.background, return_exceptions=True)
    await desk.engine.dispose()


async def _sweep(context: DeskContext) -> None:
    """Job: reminders, auto-close and deadlines that fell due (``bot/service/sweeps.py``)."""
    await sweeps.sweep(context.desk)


async def _digest(context: DeskContext) -> None:
    """Job: the daily digest of tickets at risk and breached, posted once a day."""
    await sweeps.post_digest(context.desk)


async def _watch_kb(context: DeskContext) -> None:
    """Job: re-reads the knowledge base when an article file changes."""
    if await knowledge.refresh(context.desk):
        logger.info("knowledge base files changed: reloaded")


async def _housekeeping(context: DeskContext) -> None:
    """Forgets handled updates and sent records long past (tickets keep their history)."""
    desk = context.desk
    if desk.poller is not None:
        await desk.poller.prune()
    now = datetime.now(UTC)
    async with desk.sessions() as session, session.begin():
        await records.prune(session, before=now - timedelta(days=30))
        await records.prune_instances(session, before=now - timedelta(days=2))


async def _on_error(update: object, context: DeskContext) -> None:
    """Logs the failure with its traceback and tells the person something useful."""
    error = context.error
    if isinstance(error, AlreadyHandled):
        logger.info("update %s was handled already: ignored", error)
        return
    logger.error("error while handling an update", exc_info=error)
    scope = CURRENT_UPDATE.get()
    if scope is not None:
        scope.error = redact(f"{type(error).__name__}: {error}")
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    desk = context.desk
    chat = update.effective_chat
    try:
        async with desk.unit() as unit:
            if chat.type == "private":
                lang: str = desk.settings.default_language
                user = update.effective_user
                if user is not None and user.language_code:
                    from desk.language import pick_language

                    lang = pick_language(user.language_code, lang)
                await unit.out.message(chat.id, t(lang, "error.generic"))
            elif chat.id == desk.operator_chat_id and update.effective_message is not None:
                await unit.out.answer(
                    update.effective_message,
                    escape(redact(f"⚠️ {type(error).__name__}: {error}")),
                )
    except AlreadyHandled:
        pass
    except Exception:
        logger.exception("could not report the error")


async def serve(settings: Settings, *, stop: asyncio.Event, clock: Clock | None = None) -> None:
    """Runs the bot with long polling until `stop` is set: production and tests alike.

    Stopping takes a few seconds whatever Telegram does: polling stops at once, handlers
    and sends in flight get ``SHUTDOWN_GRACE`` seconds each, and everything else stays in
    the database (stored updates, outgoing records) for the next start.
    """
    app = build_application(settings, clock=clock)
    desk: Desk = app.bot_data
    processor = app.update_processor
    assert isinstance(processor, PerChatUpdateProcessor)

    def submit(update: Update, claimed: bool) -> None:
        if claimed:
            processor.claimed.add(update.update_id)
        task = asyncio.create_task(
            processor.process_update(update, app.process_update(update)),
            name=f"update-{update.update_id}",
        )
        processor.in_progress.add(task)
        task.add_done_callback(processor.in_progress.discard)

    poller = Poller(app.bot, desk, submit)
    started = False
    try:
        await connect(app, desk.settings)
        # SQLite is for one process: a second one on the file stops here, before migrating.
        with single_process(settings.database_url):
            async with app:
                try:
                    if not await _post_init(app, stop):
                        return
                    processor.desk = desk
                    await app.start()
                    started = True
                    await poller.recover()
                    poller.start()
                    desk.poller = poller
                    await stop.wait()
                finally:
                    await _stop(app, poller, started=started)
    finally:
        await _post_shutdown(app)


async def connect(app: DeskApp, settings: Settings) -> None:
    """Asks Telegram who the bot is (getMe), a few times over a few seconds if it does not
    answer. A token it rejects, or no answer at all, is a :class:`StartupError`."""
    url = settings.telegram_api_url
    began = monotonic()
    pause = CONNECT_PAUSE
    for attempt in range(1, CONNECT_TRIES + 1):
        try:
            await app.bot.initialize()
            return
        except InvalidToken as exc:
            await app.bot.shutdown()
            # bot.initialize() words it with the token in it; the server's answer is the cause.
            answer = str(exc.__cause__ or exc)
            if "Unauthorized" in answer:
                raise StartupError(
                    "Telegram rejected BOT_TOKEN (401 Unauthorized): check the token from "
                    "@BotFather"
                ) from None
            raise StartupError(
                f"{url} answered getMe with {answer}: check BOT_TOKEN (from @BotFather) and "
                "TELEGRAM_API_URL"
            ) from None
        except BadRequest as exc:
            await app.bot.shutdown()
            raise StartupError(f"{url} refused getMe: {exc}") from None
        except NetworkError as exc:  # TimedOut too
            if attempt < CONNECT_TRIES:
                await asyncio.sleep(pause)
                pause *= 2
                continue
            await app.bot.shutdown()
            reason = (
                f"no answer within {settings.request_timeout:g} s"
                if isinstance(exc, TimedOut)
                else str(exc)
            )
            raise StartupError(
                f"cannot reach Telegram at {url} ({CONNECT_TRIES} tries in "
                f"{monotonic() - began:.0f} s): {reason}"
            ) from None
        except TelegramError as exc:
            await app.bot.shutdown()
            raise StartupError(f"{url} answered getMe with an error: {exc}") from None


async def _stop(app: DeskApp, poller: Poller, *, started: bool) -> None:
    """Stops taking updates, gives work in flight a few seconds, leaves the rest stored."""
    desk: Desk = app.bot_data
    grace = desk.settings.shutdown_grace
    await poller.stop()
    processor = app.update_processor
    if isinstance(processor, PerChatUpdateProcessor) and processor.in_progress:
        busy = list(processor.in_progress)
        _done, late = await asyncio.wait(busy, timeout=grace)
        for task in late:
            task.cancel()
        if late:
            logger.warning("%d updates were cut off by the stop; handled after restart", len(late))
            await asyncio.wait(late, timeout=1)
    if desk.dispatcher is not None:
        await desk.dispatcher.stop(grace)
    if desk.broadcaster is not None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(desk.broadcaster.stop(), timeout=grace)
    for task in desk.background:
        task.cancel()
    if desk.background:
        await asyncio.wait(desk.background, timeout=1)
    if started:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(app.stop(), timeout=grace)
