"""A harness for fault tests: the REAL bot as a separate process (``python -m bot run``, as in
production), talking over loopback HTTP to the emulator in the test's process, so that a test
can SIGKILL it at the worst moment, start it again, or run two of them on one database.

    async def test_something(fault_desk: FaultDesk) -> None:
        bot = fault_desk.bot()                    # a BotSubprocess, not started
        await bot.start()                         # returns once it polls for updates
        hold = fault_desk.emu.hold("sendMessage")
        ...
        await hold.wait_arrived()
        bot.kill9()                               # Telegram accepted the send; the bot died
        await bot.start()                         # only what is in the database survives

The bot reads no ``.env``: it runs in a temporary directory with an environment built from
keyword settings only (see :meth:`FaultDesk.bot`). Its stdout and stderr go to
``<tmp_path>/<name>.log`` (:meth:`BotSubprocess.log_text`). Every process still running at
teardown is killed.

The database is a SQLite file in ``tmp_path``, or a fresh PostgreSQL database when
``TEST_DATABASE_URL`` is set (the ``database_url`` fixture of ``tests/conftest.py``). Two
processes may share it: create them with different names and start them one after the
other (each migrates the database at start). The emulator tells them apart by the tag in
their TELEGRAM_API_URL: ``emu.polls_of(name)``, ``emu.calls_from(name)``.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from emulator import BotApiEmulator

REPO_ROOT = Path(__file__).resolve().parents[2]

# Variables of the test runner's environment the bot may see; nothing else leaks in (no
# BOT_TOKEN, DATABASE_URL... of a developer's shell).
PASSED_THROUGH = (
    "PATH",
    "HOME",
    "USER",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TMPDIR",
    "TEMP",
    "TMP",
    "SYSTEMROOT",
    "VIRTUAL_ENV",
)

# Quick knobs, as tests/conftest.make_settings sets them for the in-process bot.
QUICK_SETTINGS: dict[str, object] = {
    "kb_semantic": False,
    "poll_timeout": 1,
    "request_timeout": 3,
    "log_level": "INFO",
    "group_messages_per_minute": 10_000,
    "album_wait": 0.4,
    "retry_base_seconds": 0.2,
    "send_retries": 2,
    "private_chat_interval": 0,
    "cosmetic_settle": 0.1,
    "feedback_wait": 0.5,
    "shutdown_grace": 3,
}


def env_value(value: object) -> str:
    """A setting as an environment variable: booleans as true/false, collections joined
    with commas."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple | set | frozenset):
        return ",".join(str(v) for v in value)
    return str(value)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Linux: the bot gets SIGKILL if the test process dies without tearing down."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class BotSubprocess:
    """The real bot in its own process: ``sys.executable -m bot run``.

    ``env`` is its whole environment; ``workdir`` its current directory (no ``.env`` there).
    ``name`` tags its Bot API URL, so the emulator counts its polls separately.
    """

    START_TIMEOUT = 60.0
    TERM_TIMEOUT = 20.0

    def __init__(
        self, emu: BotApiEmulator, *, name: str, env: dict[str, str], workdir: Path, log: Path
    ) -> None:
        self.emu = emu
        self.name = name
        self.env = env
        self.workdir = workdir
        self.log_path = log
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def __repr__(self) -> str:
        state = "running" if self.running else f"exit {self.returncode}"
        return f"<BotSubprocess {self.name} pid={self.pid} {state}>"

    # ------------------------------------------------------------------ state

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def returncode(self) -> int | None:
        """Exit status of the last run (``-9`` after SIGKILL); ``None`` while running."""
        return self.proc.poll() if self.proc is not None else None

    def log_text(self) -> str:
        """Everything the process wrote so far (all runs; each starts with a ``=====``
        line)."""
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    # ------------------------------------------------------------------ life cycle

    async def start(self, timeout: float | None = None) -> None:  # noqa: ASYNC109
        """Starts the process and returns once it asked the emulator for updates (so its
        start-up - migrations, commands - is done and it is polling)."""
        if self.running:
            raise RuntimeError(f"{self} is already running")
        self.starts += 1
        polls = self.emu.polls_of(self.name)
        proc = self._spawn()
        limit = timeout if timeout is not None else self.START_TIMEOUT
        try:
            await self.emu.wait_for(
                lambda: proc.poll() is not None or self.emu.polls_of(self.name) > polls,
                timeout=limit,
            )
        except TimeoutError as exc:
            self.kill9()
            raise RuntimeError(
                f"bot {self.name} did not poll within {limit}s; its log:\n{self.log_tail()}"
            ) from exc
        if proc.poll() is not None:
            raise RuntimeError(
                f"bot {self.name} exited with {proc.returncode} before polling; its log:\n"
                f"{self.log_tail()}"
            )

    def _spawn(self) -> subprocess.Popen[bytes]:
        """Launches ``python -m bot run`` (fork and exec: quick, so a plain call)."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            stamp = datetime.now().isoformat(timespec="milliseconds")
            log.write(f"===== {self.name} start #{self.starts} at {stamp} =====\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=self.workdir,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            )
        return self.proc

    def kill9(self) -> int | None:
        """SIGKILL (nothing runs after it: no shutdown, no flush) and wait for the exit.
        Returns the exit status (``-9``), or ``None`` if it was not started."""
        proc = self.proc
        if proc is None:
            return None
        if proc.poll() is None:
            proc.kill()
        return proc.wait(timeout=30)

    async def terminate(self, timeout: float | None = None) -> float:  # noqa: ASYNC109
        """SIGTERM, as a service manager stops the bot; returns the seconds it took to exit.

        The emulator keeps serving meanwhile (the bot may still talk to Telegram while it
        shuts down). After ``timeout`` (``TERM_TIMEOUT``) it gets SIGKILL: then
        :attr:`returncode` is ``-9``.
        """
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return 0.0
        limit = timeout if timeout is not None else self.TERM_TIMEOUT
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        while proc.poll() is None:
            if time.monotonic() - started > limit:
                self.kill9()
                break
            await asyncio.sleep(0.02)
        return time.monotonic() - started

    async def restart(self, *, graceful: bool = False) -> None:
        """Stops the process (SIGKILL, or SIGTERM when ``graceful``) and starts it again."""
        if self.running:
            if graceful:
                await self.terminate()
            else:
                self.kill9()
        await self.start()


@dataclass
class FaultDesk:
    """The world of a fault test: the emulator, a forum operator group where the bot is an
    admin allowed to manage topics, one engineer in it, and bot processes."""

    emu: BotApiEmulator
    group: int
    engineer: int
    database_url: str
    tmp_path: Path
    processes: list[BotSubprocess] = field(default_factory=list)

    def bot(self, name: str | None = None, **settings: object) -> BotSubprocess:
        """A bot process (not started) on this desk's emulator, group and database.

        ``settings`` are the bot's settings by field name (``request_timeout=2``,
        ``admin_ids=[...]``, ``broadcast_lease=30``, any ``KEY="value"``), written into its
        environment in upper case; ``None`` removes a default. Defaults: BOT_TOKEN,
        OPERATOR_CHAT_ID, DATABASE_URL, TELEGRAM_API_URL (the emulator, tagged with
        ``name``), DATA_DIR (shared by this desk's processes) and :data:`QUICK_SETTINGS`.
        """
        name = name or f"bot-{len(self.processes) + 1}"
        if any(p.name == name for p in self.processes):
            raise ValueError(f"there is already a bot process named {name!r}")
        values: dict[str, object] = {
            "bot_token": self.emu.token,
            "operator_chat_id": self.group,
            "database_url": self.database_url,
            "telegram_api_url": self.emu.client_url(name),
            "data_dir": self.tmp_path / "data",
            **QUICK_SETTINGS,
        }
        values.update(settings)
        env = {k: os.environ[k] for k in PASSED_THROUGH if k in os.environ}
        env.update(
            {
                "PYTHONPATH": os.pathsep.join(
                    [str(REPO_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
                ),
                "PYTHONUNBUFFERED": "1",  # the log is complete up to a SIGKILL
                "PYTHONFAULTHANDLER": "1",
            }
        )
        env.update({k.upper(): env_value(v) for k, v in values.items() if v is not None})
        proc = BotSubprocess(
            self.emu,
            name=name,
            env=env,
            workdir=self.tmp_path / f"{name}-cwd",
            log=self.tmp_path / f"{name}.log",
        )
        self.processes.append(proc)
        return proc

    async def start_bot(self, name: str | None = None, **settings: object) -> BotSubprocess:
        """:meth:`bot` and :meth:`BotSubprocess.start`."""
        proc = self.bot(name, **settings)
        await proc.start()
        return proc

    def client(self, first_name: str = "Client", language_code: str | None = "en") -> int:
        """A new user with a private chat with the bot."""
        return self.emu.add_user(first_name=first_name, language_code=language_code)

    def topic(self, number: int) -> int | None:
        """The thread id of a ticket's topic, by its number in the title."""
        for thread_id, info in self.emu.topics(self.group).items():
            if f"#{number} " in info["name"]:
                return thread_id
        return None

    def update_of(self, chat_id: int, message_id: int) -> int:
        """The update id that carried a message, to have Telegram deliver it again."""
        for update_id, update in self.emu.state.update_history.items():
            message = update.get("message") or update.get("edited_message") or {}
            if (
                message.get("chat", {}).get("id") == chat_id
                and message.get("message_id") == message_id
            ):
                return int(update_id)
        raise KeyError(f"no update carried message {message_id} of chat {chat_id}")

    async def register(self, client: int, description: str = "Не открывается карточка") -> int:
        """A Russian-speaking client registers an incident through the whole conversation;
        returns its number once its topic and card are in the group."""
        emu = self.emu
        mark = _last_id(emu, client)
        emu.send_command(client, client, "/new")
        step = await emu.wait_message(client, contains="Шаг 1 из 3", after=mark, timeout=20)
        emu.press_button(client, client, step["message_id"], "Инцидент")
        step = await emu.wait_message(client, contains="Шаг 2 из 3", after=mark, timeout=20)
        label = next(b for b in _buttons(step) if "Высокий" in b)
        emu.press_button(client, client, step["message_id"], label)
        prompt = await emu.wait_message(client, contains="Шаг 3 из 3", after=mark, timeout=20)
        emu.send_text(client, client, description)
        await emu.wait_message(client, contains="Принято", after=prompt["message_id"], timeout=20)
        emu.press_button(client, client, prompt["message_id"], "✅ Готово")
        summary = await emu.wait_message(
            client, contains="Проверьте заявку", after=mark, timeout=20
        )
        emu.press_button(client, client, summary["message_id"], "✅ Отправить")
        done = await emu.wait_for(
            lambda: next(
                (
                    m
                    for m in emu.messages(client, from_bot=True)
                    if "зарегистрирована" in str(m.get("text"))
                ),
                None,
            ),
            timeout=20,
        )
        number = int(str(done["text"]).split("#")[1].split()[0])
        await emu.wait_for(
            lambda: (
                self.topic(number) is not None
                and any(
                    f"#{number}" in str(m.get("text") or m.get("caption") or "")
                    for m in emu.messages(self.group, thread_id=self.topic(number), from_bot=True)
                )
            ),
            timeout=20,
        )
        return number

    def kill_all(self) -> None:
        for proc in self.processes:
            proc.kill9()

    def logs(self, names: Iterable[str] | None = None) -> str:
        """The logs of the processes, one after the other (for assertion messages)."""
        wanted = set(names) if names is not None else None
        return "\n".join(
            f"----- {p.name} -----\n{p.log_text()}"
            for p in self.processes
            if wanted is None or p.name in wanted
        )


def _last_id(emu: BotApiEmulator, chat: int) -> int:
    messages = emu.messages(chat)
    return int(messages[-1]["message_id"]) if messages else 0


def _buttons(message: dict[str, Any]) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [str(b.get("text", "")) for row in rows for b in row]


@pytest.fixture
async def fault_desk(
    emu: BotApiEmulator, database_url: str, tmp_path: Path
) -> AsyncIterator[FaultDesk]:
    """The emulator with a forum operator group (bot admin, can manage topics), one engineer,
    and a factory of bot processes; every process still running at teardown is killed."""
    group = emu.add_group(
        title="Support team", is_forum=True, bot_is_admin=True, can_manage_topics=True
    )
    engineer = emu.add_user(first_name="Ольга", last_name="Инженер", language_code="ru")
    emu.add_member(group, engineer)
    desk = FaultDesk(
        emu=emu, group=group, engineer=engineer, database_url=database_url, tmp_path=tmp_path
    )
    try:
        yield desk
    finally:
        desk.kill_all()


def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> None:
    """A failing fault test shows the bot processes' logs."""
    if call.when != "call" or call.excinfo is None:
        return
    desk = getattr(item, "funcargs", {}).get("fault_desk")
    if isinstance(desk, FaultDesk) and desk.processes:
        item.add_report_section("call", "bot processes", desk.logs()[-20_000:])
