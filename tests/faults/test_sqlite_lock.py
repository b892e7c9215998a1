"""SQLite is for one process: a second real bot on the same file is refused with a clear
message and a non-zero exit, the first goes on, and a kill -9 leaves no lock behind."""

from __future__ import annotations

import json
import signal

import pytest

from emulator import BotApiEmulator
from tests.faults.conftest import BotSubprocess, FaultDesk

pytestmark = pytest.mark.faults


async def answers_help(emu: BotApiEmulator, client: int) -> None:
    """The client's /help gets an answer from whichever process runs."""
    messages = emu.messages(client)
    mark = messages[-1]["message_id"] if messages else 0
    emu.send_command(client, client, "/help")
    await emu.wait_message(client, after=mark, timeout=15)


async def exits(bot: BotSubprocess, fd: FaultDesk) -> int:
    """Starts a process expected to stop at start-up; its exit code."""
    proc = bot._spawn()
    await fd.emu.wait_for(lambda: proc.poll() is not None, timeout=60)
    code = proc.poll()
    assert code is not None
    return code


async def test_a_second_process_on_one_sqlite_file_is_refused(fault_desk: FaultDesk) -> None:
    fd = fault_desk
    emu = fd.emu
    path = fd.tmp_path / "one-process.db"
    url = f"sqlite+aiosqlite:///{path}"  # SQLite even when the suite runs on PostgreSQL
    first = await fd.start_bot("first", database_url=url, log_format="json", log_level="DEBUG")
    client = fd.client("Анна", "ru")
    await answers_help(emu, client)

    second = fd.bot("second", database_url=url)
    assert await exits(second, fd) == 1
    assert (
        f"support-bot: another support-bot (pid {first.pid}) is running on the SQLite database "
        f"{path}: SQLite is for one process; stop that one first, or use PostgreSQL to run "
        "several"
    ) in second.log_text()
    assert "Traceback" not in second.log_text()
    assert emu.polls_of("second") == 0  # it never took an update
    assert first.running
    await answers_help(emu, client)

    # kill -9: no stale lock; the next process starts at once, with the same tickets.
    assert first.kill9() == -signal.SIGKILL
    third = await fd.start_bot("third", database_url=url)
    assert third.running
    await answers_help(emu, client)
    assert str(third.pid) in (path.parent / "one-process.db.lock").read_text()

    # The first one's log (json, DEBUG): one JSON object a line, no token anywhere.
    logged = [line for line in first.log_text().splitlines() if not line.startswith("=====")]
    entries = [json.loads(line) for line in logged]
    assert any(entry["logger"] == "bot.app" and "ready" in entry["message"] for entry in entries)
    assert any("update_id" in entry for entry in entries)
    assert emu.token not in first.log_text() + second.log_text() + third.log_text()
