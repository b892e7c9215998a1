"""Starts the sandbox: the emulator, the real bot pointed at it, and the web page.

Nothing in the desk knows it runs in a sandbox: ``bot.app.serve`` is started exactly as in
production, with settings whose ``TELEGRAM_API_URL`` is the emulator's address, and with a
clock the page can move forward (the desk takes its time from one place).
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import secrets
import shutil
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desk.clock import OffsetClock
from emulator import BotApiEmulator
from emulator.persist import autosave, load_state, save_state
from sandbox.world import CLIENTS, ENGINEERS, World

if TYPE_CHECKING:
    from collections.abc import Callable

    from bot.config import Settings
    from sandbox.web import Page

log = logging.getLogger(__name__)

DATA_ROOT = Path("data") / "sandbox"
TOKEN = "7000000001:SANDBOX-not-a-real-token"
BOT_USERNAME = "support_sandbox_bot"
BOT_NAME = "Поддержка"
GROUP_TITLE = "Поддержка — инженеры"
SWEEP_INTERVAL = 2.0  # reminders and auto-close follow a moved clock within seconds


class SandboxProblem(Exception):
    """The sandbox cannot start; the message says what to do."""


@dataclass(frozen=True)
class Options:
    """What ``support-bot sandbox`` was asked for."""

    port: int = 8080
    host: str = "127.0.0.1"
    plain: bool = False  # a group without topics: engineers reply to the ticket's message
    demo_data: bool = False
    fresh: bool = False
    password: str | None = None  # asked for by the page when it listens beyond loopback
    data_root: Path = DATA_ROOT
    env_file: str | None = ".env"
    settings: tuple[tuple[str, Any], ...] = ()  # further settings on top (tests: faster polls)

    @property
    def data_dir(self) -> Path:
        """Each mode keeps its own world: a forum group's topics mean nothing in a plain one."""
        return self.data_root / ("plain" if self.plain else "forum")

    @property
    def loopback(self) -> bool:
        return self.host in ("127.0.0.1", "localhost", "::1")


@dataclass
class Files:
    """The sandbox's data folder."""

    root: Path

    @property
    def world(self) -> Path:
        return self.root / "world.json"

    @property
    def emulator(self) -> Path:
        return self.root / "emulator.state"

    @property
    def database(self) -> Path:
        return self.root / "desk.db"

    @property
    def clock(self) -> Path:
        return self.root / "clock.json"


class Sandbox:
    """One sandbox: its world, emulator, clock and the settings the real bot runs with."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.files = Files(options.data_dir)
        self.emu = BotApiEmulator(TOKEN, bot_username=BOT_USERNAME, bot_first_name=BOT_NAME)
        self.clock = OffsetClock()
        self.world: World
        self.fresh_world = False

    # --------------------------------------------------------------------- the world

    def prepare(self) -> None:
        """Loads the world of an earlier start, or makes a new one (``--fresh`` forgets)."""
        root = self.files.root
        if self.options.fresh and root.exists():
            shutil.rmtree(root)
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SandboxProblem(f"cannot create the sandbox's folder {root}: {exc}") from None
        if self.files.world.exists() and self.files.emulator.exists():
            self._load()
        else:
            for leftover in (self.files.database, self.files.emulator, self.files.clock):
                leftover.unlink(missing_ok=True)
            self._create()
        self.emu.state.clock = lambda: self.clock.now().timestamp()

    def _load(self) -> None:
        try:
            load_state(self.emu.state, self.files.emulator)
            data = json.loads(self.files.world.read_text(encoding="utf-8"))
            self.world = World(**data)
            if self.files.clock.exists():
                seconds = json.loads(self.files.clock.read_text(encoding="utf-8"))["offset"]
                self.clock.offset = timedelta(seconds=float(seconds))
        except (ValueError, KeyError, TypeError, OSError) as exc:
            raise SandboxProblem(
                f"the sandbox's data in {self.files.root} cannot be read ({exc}); "
                "start it with --fresh to begin anew"
            ) from None

    def _create(self) -> None:
        emu = self.emu
        forum = not self.options.plain
        group = emu.add_group(
            GROUP_TITLE, is_forum=forum, bot_is_admin=True, can_manage_topics=forum
        )
        world = World(group_id=group, forum=forum)
        for person in (*CLIENTS, *ENGINEERS):
            world.user_ids[person.key] = emu.add_user(
                person.first_name, person.last_name, person.username, person.language
            )
        for person in ENGINEERS:
            status = "creator" if person.admin else "administrator"
            emu.add_member(group, world.user_id(person), status)
        self.world = world
        self.fresh_world = True
        self.save()

    def save(self) -> None:
        """Writes the world, the emulator's chats and the clock."""
        self.files.world.write_text(json.dumps(asdict(self.world)), encoding="utf-8")
        self.files.clock.write_text(
            json.dumps({"offset": self.clock.offset.total_seconds()}), encoding="utf-8"
        )
        save_state(self.emu.state, self.files.emulator)

    def advance(self, delta: timedelta) -> None:
        """Moves the desk's clock forward and keeps the new offset."""
        self.clock.advance(delta)
        self.save()
        self.emu.state.changed()

    # --------------------------------------------------------------------- the bot

    @functools.cached_property
    def desk_settings(self) -> Settings:
        """The real bot's settings, read once: the desk's own ``.env`` (hours, zone,
        knowledge base), with Telegram, the database and the people replaced by the sandbox's."""
        from bot.config import Settings

        world = self.world
        admins = [world.user_id(p) for p in ENGINEERS if p.admin]
        genders = {world.user_id(p): p.gender for p in ENGINEERS if p.gender}
        values: dict[str, Any] = {
            "bot_token": self.emu.token,
            "operator_chat_id": world.group_id,
            "telegram_api_url": self.emu.api_url,
            "database_url": f"sqlite+aiosqlite:///{self.files.database}",
            "data_dir": self.files.root,
            "admin_ids": ",".join(map(str, admins)),
            "engineer_genders": ",".join(f"{k}:{v}" for k, v in genders.items()),
            "sweep_interval": SWEEP_INTERVAL,
            **dict(self.options.settings),
        }
        return Settings(_env_file=self.options.env_file, **values)  # type: ignore[call-arg]


async def run(
    options: Options,
    stop: asyncio.Event,
    *,
    ready: asyncio.Event | None = None,
    on_ready: Callable[[Sandbox, Page], object] | None = None,
) -> None:
    """Runs the sandbox until ``stop`` is set: emulator, bot, page (and demo data if asked).

    ``ready`` is set (and ``on_ready`` called) once the page listens and the bot starts."""
    from bot.app import serve
    from sandbox.web import Page

    sandbox = Sandbox(options)
    sandbox.prepare()
    await sandbox.emu.start("127.0.0.1", 0)
    page = Page(sandbox, password=options.password)
    try:
        try:
            page.listen(options.port, options.host)
        except OSError as exc:
            raise SandboxProblem(
                f"cannot listen on {options.host}:{options.port} ({exc.strerror}); "
                "choose another port with --port"
            ) from None
        bot_stop = asyncio.Event()
        # The emulator's chats are saved while they change; the last save is after it stopped.
        background = [
            asyncio.create_task(
                autosave(sandbox.emu.state, sandbox.files.emulator), name="sandbox-autosave"
            ),
        ]
        bot = asyncio.create_task(serve(sandbox.desk_settings, stop=bot_stop, clock=sandbox.clock))
        if options.demo_data:
            from sandbox.demo import fill

            background.append(asyncio.create_task(fill(sandbox), name="sandbox-demo"))
        announce(options, page.url, sandbox)
        if on_ready is not None:
            on_ready(sandbox, page)
        if ready is not None:
            ready.set()
        stopped = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({bot, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
            for task in background:  # the demo's people stop first, then the bot
                task.cancel()
            await asyncio.gather(*background, return_exceptions=True)
            bot_stop.set()
        await bot  # raises the bot's start-up problem, if it had one
    finally:
        await page.close()
        await sandbox.emu.stop()
        sandbox.save()


def announce(options: Options, url: str, sandbox: Sandbox) -> None:
    """Tells the person at the terminal where the page is and how to leave the sandbox."""
    mode = "a group without topics" if options.plain else "a group with topics"
    state = "new" if sandbox.fresh_world else "continued"
    print(f"sandbox ({state}, {mode}, data in {sandbox.files.root}): open {url}", flush=True)
    if options.password is not None and not options.loopback:
        print(f"the page asks for a password: {options.password}", flush=True)
    print(
        "to run the real bot instead, put BOT_TOKEN and OPERATOR_CHAT_ID in .env "
        "and run ./dev.sh run again; Ctrl+C stops the sandbox",
        flush=True,
    )


def new_password() -> str:
    """A password for a page that listens beyond loopback."""
    return secrets.token_urlsafe(9)
