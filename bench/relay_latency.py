"""What the durable relay costs a single message on an idle desk.

    .venv/bin/python bench/relay_latency.py             # 50 of each, SQLite in a temp folder
    .venv/bin/python bench/relay_latency.py --count 200

The real application (``bot.app.serve``, as ``support-bot run`` starts it) runs in this
process against the emulator on loopback, with no rate limits in the way. Three round trips
are timed, from the moment the emulator has the user's message to the moment the bot's message
is in the target chat:

* ``/help``: a client's command answered in their chat (an update stored and handled, a record
  claimed, sent and settled);
* ``client → topic``: a client's message copied into the ticket's topic;
* ``engineer → client``: an engineer's answer copied to the client.

Prints medians and 90th percentiles in milliseconds, then one JSON line. Machine noise is large
on a shared machine: compare medians of runs made one after the other.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from emulator import BotApiEmulator, text_of
from tests.e2e.conftest import running_desk


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "n": len(values),
        "median_ms": round(statistics.median(values) * 1000, 1),
        "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))] * 1000, 1),
    }


async def run(count: int) -> dict[str, object]:
    emu = BotApiEmulator(token="123456:BENCH", bot_username="bench_bot")
    await emu.start()
    url = f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='bench-latency-')}/desk.db"
    timings: dict[str, list[float]] = {"help": [], "client_to_topic": [], "engineer_to_client": []}
    try:
        async with running_desk(emu, url) as desk:
            client = desk.client()
            engineer = desk.engineers[0]
            number = await desk.register(client)
            thread = desk.topic(number)
            for n in range(count):
                mark = desk.last_id(client)
                started = time.perf_counter()
                emu.send_command(client, client, "/help")
                await desk.bot_says(client, "", after=mark)
                timings["help"].append(time.perf_counter() - started)

                text = f"client message {n}"
                started = time.perf_counter()
                emu.send_text(client, client, text)

                def in_topic(t: str = text) -> bool:
                    return any(text_of(m) == t for m in emu.messages(desk.group, thread_id=thread))

                await emu.wait_for(in_topic)
                timings["client_to_topic"].append(time.perf_counter() - started)

                text = f"engineer answer {n}"
                mark = desk.last_id(client)
                started = time.perf_counter()
                desk.engineer_says(engineer, number, text)
                await desk.bot_says(client, text, after=mark)
                timings["engineer_to_client"].append(time.perf_counter() - started)
    finally:
        await emu.stop()
    return {name: summary(values) for name, values in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50, help="round trips of each kind")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    result = asyncio.run(run(args.count))
    for name, figures in result.items():
        print(f"{name:20s} median {figures['median_ms']:7.1f} ms, p90 {figures['p90_ms']:7.1f} ms")  # type: ignore[index]
    print(json.dumps({"count": args.count, **result}))


if __name__ == "__main__":
    main()
