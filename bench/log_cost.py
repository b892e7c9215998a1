"""What a log line costs in each format, with the context and the secrets' masking.

Writes distinct INFO lines (so the repeat filter lets every one through) to an in-memory
handler prepared as the bot prepares its own (:func:`bot.logs.prepare`), with the token and
a webhook secret kept, an update, chat and ticket bound; prints the median microseconds a
line over several rounds, per format, and the ratio to text::

    python -m bench.log_cost [--lines 20000] [--rounds 7]
"""

from __future__ import annotations

import argparse
import io
import logging
import statistics
import time

from bot.logs import bind_ticket, bind_update, keep_secret, prepare

TOKEN = "123456:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQ"
SECRET = "webhook-secret-0123456789"


def per_line(fmt: str, lines: int, rounds: int) -> float:
    """The median microseconds one line takes in `fmt`."""
    logger = logging.getLogger(f"bench.{fmt}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    handler = prepare(logging.StreamHandler(io.StringIO()), fmt)
    logger.addHandler(handler)
    bind_update(812_000, 5_000_000_001)
    bind_ticket(1042)
    samples = []
    for round_ in range(rounds):
        start = time.perf_counter()
        for i in range(lines):
            logger.info("sent %s to chat %s (round %s)", i, 5_000_000_001, round_)
        samples.append((time.perf_counter() - start) / lines * 1e6)
    logger.removeHandler(handler)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    bare = per_line("text", args.lines, args.rounds)
    keep_secret(TOKEN, SECRET)
    text = per_line("text", args.lines, args.rounds)
    json_ = per_line("json", args.lines, args.rounds)
    print(f"text, no secret kept: {bare:.1f} µs a line")
    print(f"text: {text:.1f} µs a line (median of {args.rounds} rounds of {args.lines})")
    print(f"json: {json_:.1f} µs a line, {json_ / text:.2f}× text")


if __name__ == "__main__":
    main()
