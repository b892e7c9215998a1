"""``python -m emulator``: a bare Telegram Bot API emulator, until Ctrl+C or SIGTERM.

It creates no users or groups (the control API ``/_emu/...`` acts as users). With
``--state FILE`` the world is loaded from FILE if it exists, saved every 2 s when it changed
and once more on exit.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from . import BotApiEmulator
from .persist import autosave, load_state, save_state

DEFAULT_TOKEN = "123456:TEST"
SAVE_EVERY = 2.0


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line options."""
    parser = argparse.ArgumentParser(
        prog="python -m emulator", description="A Telegram Bot API emulator."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument(
        "--port", type=int, default=8081, help="port to listen on (0: any free port)"
    )
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="the bot token it accepts")
    parser.add_argument(
        "--state", type=Path, metavar="FILE", help="keep the emulator's world in FILE"
    )
    return parser.parse_args(argv)


async def run(emu: BotApiEmulator, args: argparse.Namespace) -> None:
    """Serve until SIGINT or SIGTERM; then stop, and save the world if ``--state``."""
    state_file: Path | None = args.state
    await emu.start(args.host, args.port)
    print(f"Telegram Bot API emulator at {emu.api_url} (bot @{emu.bot_username})")
    print(f"point the bot at it: TELEGRAM_API_URL={emu.api_url} BOT_TOKEN={emu.token}")
    if state_file is not None:
        print(f"its world is kept in {state_file}")
    print("Ctrl+C stops it", flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    for sig in signals:
        loop.add_signal_handler(sig, stop.set)
    saver = (
        asyncio.create_task(autosave(emu.state, state_file, every=SAVE_EVERY))
        if state_file is not None
        else None
    )
    try:
        await stop.wait()
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)
        if saver is not None:
            saver.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await saver
        await emu.stop()
        if state_file is not None:
            save_state(emu.state, state_file)
            print(f"saved to {state_file}", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    emu = BotApiEmulator(token=args.token)
    try:
        if args.state is not None and args.state.exists():
            load_state(emu.state, args.state)
        asyncio.run(run(emu, args))
    except (ValueError, OSError) as exc:  # an unreadable state file, a port in use
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover - Ctrl+C before the handlers are set
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
