"""The emulator's world survives a restart: saved to a file, loaded into a new emulator, and
``python -m emulator --state FILE`` keeps it between runs."""

from __future__ import annotations

import asyncio
import itertools
import os
import pickle
import re
import signal
import sys
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReactionTypeEmoji

from emulator import BotApiEmulator
from emulator.persist import COUNTERS, autosave, load_state, save_state
from emulator.state import EmulatorState

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

TOKEN = "123456:TEST"
ROOT = Path(__file__).resolve().parents[2]


@asynccontextmanager
async def bot_of(emu: BotApiEmulator) -> AsyncIterator[telegram.Bot]:
    bot = telegram.Bot(
        emu.token, base_url=f"{emu.api_url}/bot", base_file_url=f"{emu.api_url}/file/bot"
    )
    async with bot:
        yield bot


async def download(bot: telegram.Bot, file_id: str) -> bytes:
    return bytes(await (await bot.get_file(file_id)).download_as_bytearray())


async def test_the_world_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "emulator.state"
    first = BotApiEmulator(TOKEN)
    await first.start()
    try:
        async with bot_of(first) as bot:
            alice = first.add_user("Alice", username="alice")
            bob = first.add_user("Bob")
            carol = first.add_user("Carol", started=True)
            first.block_bot(carol)
            first.send_command(alice, alice, "/start")
            group = first.add_group("Operators", is_forum=True)
            first.add_member(group, bob, "administrator")
            ticket = await bot.create_forum_topic(group, "Ticket #1 — Alice", icon_color=0x6FB9F0)
            tid = ticket.message_thread_id
            done = await bot.create_forum_topic(group, "Ticket #0")
            await bot.close_forum_topic(group, done.message_thread_id)
            await bot.set_my_commands([("start", "Start over")])

            keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="yes")]])
            asked = await bot.send_message(
                alice, "<b>Solved</b>?", parse_mode="HTML", reply_markup=keyboard
            )
            stale = await bot.send_message(
                alice, "Rate us", reply_markup=InlineKeyboardMarkup([[_button("1", "rate:1")]])
            )
            await bot.edit_message_reply_markup(
                alice, stale.message_id, reply_markup=InlineKeyboardMarkup([[_button("2", "r:2")]])
            )
            photo = first.send_photo(alice, alice, data=b"\x89PNG-screenshot", caption="error")
            doc = first.send_document(
                group, bob, file_name="log.txt", data=b"l1\nl2", thread_id=tid
            )
            await bot.set_message_reaction(alice, photo["message_id"], ReactionTypeEmoji("👍"))

            seen = await bot.get_updates(timeout=0)
            await bot.get_updates(offset=seen[-1].update_id + 1, timeout=0)
            waiting = first.send_text(alice, alice, "still there?")
            (pending,) = first.pending_updates()
    finally:
        await first.stop()
    save_state(first.state, path)

    second = BotApiEmulator(TOKEN)
    load_state(second.state, path)
    assert second.state.revision == first.state.revision
    await second.start()
    try:
        async with bot_of(second) as bot:
            # the update the bot had not fetched comes with its own id; the next one after it
            (again,) = await bot.get_updates(timeout=0)
            assert again.update_id == pending["update_id"]
            assert again.message is not None and again.message.text == "still there?"
            new = second.send_text(alice, alice, "hello again")
            assert new["message_id"] == waiting["message_id"] + 1
            (after,) = await bot.get_updates(offset=again.update_id + 1, timeout=0)
            assert after.update_id == again.update_id + 1

            # chats, messages, formatting, topics, reactions, commands, users
            sent = await bot.send_message(group, "noted", message_thread_id=tid)
            assert sent.message_id == doc["message_id"] + 1
            stored = second.get_message(alice, asked.message_id)
            assert stored is not None and stored["entities"][0]["type"] == "bold"
            assert stored["_html"] == "<b>Solved</b>?"
            assert second.topics(group) == {
                tid: {"name": "Ticket #1 — Alice", "icon_color": 0x6FB9F0, "closed": False},
                done.message_thread_id: {
                    "name": "Ticket #0",
                    "icon_color": 7322096,
                    "closed": True,
                },
            }
            assert second.reactions(alice, photo["message_id"]) == [
                {"type": "emoji", "emoji": "👍"}
            ]
            assert [c.command for c in await bot.get_my_commands()] == ["start"]
            users = second.state.users
            assert users[carol].blocked and users[alice].started and not users[bob].started
            assert second.state.chats[alice].user is users[alice]  # one object, as before
            assert second.state.chats[group].members == {bob: "administrator"}

            # files: the same bytes, and new uploads get new file ids
            fresh = second.send_photo(alice, alice, data=b"new")["photo"]
            assert not {s["file_id"] for s in fresh} & set(first.state.files)
            assert await download(bot, fresh[0]["file_id"]) == b"new"
            for size in photo["photo"]:
                assert await download(bot, size["file_id"]) == b"\x89PNG-screenshot"
            assert await download(bot, doc["document"]["file_id"]) == b"l1\nl2"

            # old buttons: the one shown, and one the keyboard lost before the restart
            qid = second.press_button(alice, alice, asked.message_id, "Yes")
            old_qid = second.press_button(alice, alice, stale.message_id, "1")
            presses = await bot.get_updates(offset=after.update_id + 1, timeout=0)
            assert [u.callback_query.data for u in presses if u.callback_query] == [
                "yes",
                "rate:1",
            ]
            assert await bot.answer_callback_query(qid)
            assert int(old_qid) > int(qid)

            # new users and groups get new ids
            assert second.add_user("Dan") not in (alice, bob, carol)
            assert second.add_group("Other") != group
    finally:
        await second.stop()


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data)


def test_every_counter_goes_on(tmp_path: Path) -> None:
    state = EmulatorState(TOKEN)
    counters = {n for n, v in vars(state).items() if isinstance(v, itertools.count)}
    assert counters - {"_hold_ids"} == set(COUNTERS)  # holds do not outlive the process
    for name in COUNTERS:
        next(getattr(state, name))
    path = tmp_path / "s"
    save_state(state, path)
    save_state(state, path)  # over an older file
    assert [p.name for p in tmp_path.iterdir()] == ["s"]  # no temporary file left
    loaded = EmulatorState(TOKEN)
    load_state(loaded, path)
    for name in COUNTERS:
        expected = next(getattr(state, name))  # saving did not skip a number
        assert next(getattr(loaded, name)) == expected, name


def test_an_unreadable_file_names_its_path(tmp_path: Path) -> None:
    good = tmp_path / "good.state"
    save_state(EmulatorState(TOKEN), good)
    blob = good.read_bytes()
    data = pickle.loads(blob)
    cases = {
        "garbage": b"this is not a pickle",
        "truncated": blob[: len(blob) // 2],
        "empty": b"",
        "foreign": pickle.dumps({"some": "dict"}),
        "future": pickle.dumps(data | {"version": 999}),
        "incomplete": pickle.dumps(data | {"world": {}}),
    }
    for name, content in cases.items():
        path = tmp_path / f"{name}.state"
        path.write_bytes(content)
        with pytest.raises(ValueError, match=re.escape(str(path))) as info:
            load_state(EmulatorState(TOKEN), path)
        if name == "future":
            assert "version 999" in str(info.value)
    with pytest.raises(ValueError, match="another bot token"):
        load_state(EmulatorState("654321:OTHER"), good)


async def test_revision_moves_with_the_world_not_with_polls() -> None:
    async with BotApiEmulator(TOKEN) as emu, bot_of(emu) as bot:
        user = emu.add_user("Ann")
        emu.send_command(user, user, "/start")
        await bot.get_updates(offset=emu.pending_updates()[-1]["update_id"] + 1, timeout=0)
        group = emu.add_group("G", is_forum=True)

        async def moves(action: Awaitable[object]) -> None:
            before = emu.state.revision
            await action
            assert emu.state.revision > before

        await moves(bot.send_message(user, "hi"))
        before = emu.state.revision
        assert await bot.get_updates(timeout=0) == ()  # an idle poll changes nothing
        assert emu.state.revision == before
        msg = await bot.send_message(
            user, "q", reply_markup=InlineKeyboardMarkup([[_button("A", "a")]])
        )
        await moves(bot.edit_message_text("q2", chat_id=user, message_id=msg.message_id))
        await moves(bot.set_message_reaction(user, msg.message_id, ReactionTypeEmoji("👍")))
        topic = await bot.create_forum_topic(group, "T")
        await moves(bot.edit_forum_topic(group, topic.message_thread_id, name="T2"))
        await moves(bot.close_forum_topic(group, topic.message_thread_id))
        before = emu.state.revision
        emu.press_button(user, user, msg.message_id, "A")
        assert emu.state.revision > before
        await moves(bot.delete_message(user, msg.message_id))


async def test_autosave_writes_when_the_revision_moved(tmp_path: Path) -> None:
    state = EmulatorState(TOKEN)
    path = tmp_path / "auto.state"
    saver = asyncio.create_task(autosave(state, path, every=0.01))
    try:
        await asyncio.sleep(0.05)
        assert not path.exists()  # nothing changed yet
        uid = state.add_user("Ann")
        for _ in range(200):
            if path.exists():
                break
            await asyncio.sleep(0.01)
        loaded = EmulatorState(TOKEN)
        load_state(loaded, path)
        assert uid in loaded.users
    finally:
        saver.cancel()


async def _line_with(stream: asyncio.StreamReader, pattern: str) -> re.Match[str]:
    while True:
        line = (await asyncio.wait_for(stream.readline(), 10)).decode()
        assert line, "the emulator exited before printing its URL"
        found = re.search(pattern, line)
        if found is not None:
            return found


async def _run_cli(state_file: Path, calls: list[tuple[str, dict[str, object]]]) -> list[object]:
    """Start ``python -m emulator``, make ``calls`` to its Bot API, stop it with SIGINT."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "emulator",
        "--port",
        "0",
        "--state",
        str(state_file),
        cwd=ROOT,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    try:
        found = await _line_with(proc.stdout, r"TELEGRAM_API_URL=(http://\S+) BOT_TOKEN=(\S+)")
        url, token = found.group(1), found.group(2)
        assert not url.endswith(":0")
        results = []
        async with httpx.AsyncClient(base_url=f"{url}/bot{token}") as client:
            for method, params in calls:
                body = (await client.post(f"/{method}", json=params)).json()
                assert body["ok"], body
                results.append(body["result"])
        proc.send_signal(signal.SIGINT)
        _out, errors = await asyncio.wait_for(proc.communicate(), 10)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0, errors.decode()
    assert b"Traceback" not in errors, errors.decode()
    return results


async def test_python_m_emulator_keeps_its_world(tmp_path: Path) -> None:
    state_file = tmp_path / "data" / "emulator.state"
    commands = [{"command": "help", "description": "Help"}]
    me, _ = await _run_cli(state_file, [("getMe", {}), ("setMyCommands", {"commands": commands})])
    assert isinstance(me, dict) and me["id"] == 123456 and me["is_bot"] is True
    assert state_file.exists()
    saved = EmulatorState(TOKEN)
    load_state(saved, state_file)
    assert next(iter(saved.commands.values())) == commands

    (again,) = await _run_cli(state_file, [("getMyCommands", {})])
    assert again == commands  # loaded at start
