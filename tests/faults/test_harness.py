"""The fault harness works: the real bot process starts, answers, dies by SIGKILL, starts
again and answers again."""

from __future__ import annotations

import signal

import pytest

from tests.faults.conftest import FaultDesk

pytestmark = pytest.mark.faults


async def test_bot_process_answers_after_kill9_and_restart(fault_desk: FaultDesk) -> None:
    emu = fault_desk.emu
    bot = await fault_desk.start_bot()
    client = fault_desk.client("Harness")

    emu.send_command(client, client, "/start")
    await emu.wait_message(client, contains="Harness", timeout=15)  # "Hello, Harness!"

    assert bot.kill9() == -signal.SIGKILL
    assert not bot.running

    await bot.start()
    assert bot.starts == 2 and bot.running
    mark = emu.messages(client)[-1]["message_id"]
    emu.send_command(client, client, "/help")
    await emu.wait_message(client, after=mark, timeout=15)

    seconds = await bot.terminate()
    assert bot.returncode == 0, f"exit {bot.returncode} after {seconds:.1f}s"
    assert "start #2" in bot.log_text()
