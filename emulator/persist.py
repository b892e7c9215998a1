"""The emulator's world on disk, so that a restarted emulator goes on where it stopped.

A bot keeps its own data across restarts (ticket topics, the last ``update_id`` it handled):
the emulated Telegram must keep the chats, topics, files and every id counter with them, or
the bot's records point nowhere and its de-duplication by ``update_id`` ignores new updates.

What is kept: the bot user, users (with their ``started``/``blocked`` flags), chats (members,
messages, topics, the next message id, the reply keyboard), stored files and their bytes,
published commands, reactions, HTML sources, keyboard histories, callback queries, the
webhook URL and ``allowed_updates``, pending updates, the update history and delivery counts,
:attr:`EmulatorState.revision` and every id counter. What is not: anything about the running
process (call and error logs, callback answers, faults, holds, rate limit windows, polls,
listeners, the event loop, the clocks).

The file is a pickle: load only files this emulator wrote.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from .state import EmulatorState

__all__ = ["FORMAT_VERSION", "autosave", "load_state", "save_state"]

log = logging.getLogger(__name__)

FORMAT = "telegram-bot-api-emulator-state"
FORMAT_VERSION = 1

#: EmulatorState attributes kept as they are (pickled together: shared objects stay shared,
#: e.g. a private chat's user is the user in ``users``, a re-queued update is in ``updates``).
WORLD = (
    "bot",
    "users",
    "chats",
    "files",
    "files_by_path",
    "commands",
    "reactions_store",
    "html_sources",
    "markup_history",
    "callback_queries",
    "webhook_url",
    "allowed_updates",
    "updates",
    "update_history",
    "deliveries",
    "_forced",
    "_raw_ids",
    "revision",
)
#: EmulatorState attributes holding an ``itertools.count``: kept as their next value.
COUNTERS = (
    "_user_ids",
    "_group_ids",
    "_update_ids",
    "_file_counter",
    "_media_group_ids",
    "_callback_ids",
)


def save_state(state: EmulatorState, path: Path) -> None:
    """Write the world of ``state`` to ``path`` atomically (a temporary file beside it,
    fsync, rename): a crash leaves the previous file or the new one, never half of one."""
    data = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "token": state.token,
        "world": {name: getattr(state, name) for name in WORLD},
        "counters": {name: _next_value(state, name) for name in COUNTERS},
    }
    _write_atomic(path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))


def load_state(state: EmulatorState, path: Path) -> None:
    """Fill ``state`` (freshly constructed, with the token the file was saved with) with the
    world saved in ``path``; numbering goes on from where it stopped.

    Raises ``ValueError`` naming ``path`` if the file is not an emulator state, is corrupt,
    has another format version or belongs to another bot token (``OSError`` if unreadable).
    """
    blob = path.read_bytes()
    try:
        data = pickle.loads(blob)
    except Exception as exc:
        raise ValueError(
            f"{path}: not a readable emulator state ({type(exc).__name__}: {exc})"
        ) from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"{path}: not an emulator state file")
    if data.get("version") != FORMAT_VERSION:
        raise ValueError(
            f"{path}: emulator state format version {data.get('version')!r}, "
            f"this emulator reads version {FORMAT_VERSION}"
        )
    if data.get("token") != state.token:
        raise ValueError(f"{path}: the emulator state of another bot token")
    world, counters = data.get("world"), data.get("counters")
    if (
        not isinstance(world, dict)
        or not isinstance(counters, dict)
        or any(name not in world for name in WORLD)
        or any(not isinstance(counters.get(name), int) for name in COUNTERS)
    ):
        raise ValueError(f"{path}: the emulator state is incomplete")
    for name in WORLD:
        setattr(state, name, world[name])
    for name in COUNTERS:
        setattr(state, name, itertools.count(counters[name]))


async def autosave(state: EmulatorState, path: Path, *, every: float = 2.0) -> None:
    """Save ``state`` to ``path`` every ``every`` seconds if its revision moved, until
    cancelled. A failed save is logged and tried again at the next tick (the task never
    fails). It does not save when cancelled: stop the emulator first, then
    :func:`save_state` a last time."""
    saved = state.revision
    while True:
        await asyncio.sleep(every)
        revision = state.revision
        if revision == saved:
            continue
        try:
            save_state(state, path)
        except Exception:
            log.exception("emulator: could not save the state to %s", path)
        else:
            saved = revision


def _next_value(state: EmulatorState, name: str) -> int:
    """The next value of the counter ``name``, which is rebuilt to give it again
    (an ``itertools.count`` can be neither peeked at nor, from Python 3.14, pickled)."""
    counter: Any = getattr(state, name)
    value = int(next(counter))
    setattr(state, name, itertools.count(value))
    return value


def _write_atomic(path: Path, blob: bytes) -> None:
    """Replace ``path`` by ``blob`` through a synced temporary file in the same folder."""
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # the rename itself survives a power cut (POSIX)
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
