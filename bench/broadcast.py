"""A release announcement to many subscribers, through the emulator with Telegram's ceilings on.

    .venv/bin/python bench/broadcast.py                   # 10,000 subscribers
    .venv/bin/python bench/broadcast.py --kill-at 3000    # SIGKILL the bot while its send to
                                                          # the 3,000th subscriber is in flight,
                                                          # start it again, finish the job

The bot runs as in production: ``python -m bot run`` in its own process, on a fresh SQLite
database, talking over loopback HTTP to the emulator in this process. The emulator answers
429 above 30 messages per second overall, 1 per second into one private chat and 20 per
minute into one group, as Telegram does. An admin composes the announcement with /announce
in the operator group and presses Send, exactly as in the chat. Meanwhile a few clients
(not subscribers) keep asking the bot questions, and the time to the bot's answer is the
interactive latency.

The last line printed is one JSON object: sustained messages per second (10 %..90 % of the
deliveries), 429s received by the bot, duplicates and lost subscribers (counted in the
emulator, per chat), rows the bot reports as "unknown", and the probe latencies.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from emulator import BotApiEmulator, buttons, text_of
from storage.db import create_engine, create_sessionmaker, migrate
from storage.models import Client, Delivery

ANNOUNCEMENT = "Вышла версия 3.2 ДокСферы: быстрый поиск и новые отчёты"
PROBE_QUESTIONS = (
    "Как восстановить пароль?",
    "не запускается сервер после обновления",
    "какие браузеры поддерживаются",
    "как собрать логи для поддержки",
)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def seed(url: str, ids: list[int]) -> None:
    """Subscribers as they would be after each pressed "Yes" at /start."""
    engine = create_engine(url)
    now = datetime.now(UTC)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            for start in range(0, len(ids), 2000):
                await session.execute(
                    insert(Client),
                    [
                        {
                            "id": uid,
                            "first_name": f"Клиент {uid % 100000}",
                            "language": "ru",
                            "language_chosen": True,
                            "subscribed": True,
                            "subscription_asked": True,
                            "created_at": now,
                            "updated_at": now,
                        }
                        for uid in ids[start : start + 2000]
                    ],
                )
    finally:
        await engine.dispose()


async def delivery_states(url: str) -> dict[int, str]:
    """What the bot's database says of each subscriber's copy."""
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            rows = (await session.execute(select(Delivery.client_id, Delivery.state))).all()
    finally:
        await engine.dispose()
    return {int(client): str(state) for client, state in rows}


def limited_by_kind(errors: list[Any], group: int, probes: list[int]) -> dict[str, int]:
    """429s by method and where they went: the group, a probe (an interactive answer), or a
    subscriber (the broadcast: one message per chat, so only the overall ceiling applies)."""
    out: dict[str, int] = {}
    for method, params, err in errors:
        if err.error_code != 429:
            continue
        chat = params.get("chat_id")
        where = "group" if chat == group else "probe" if chat in probes else "subscriber"
        key = f"{method}/{where}: {err.description}"
        out[key] = out.get(key, 0) + 1
    return out


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.emu = BotApiEmulator(token="123456:BENCH", bot_username="bench_bot")
        self.work = Path(tempfile.mkdtemp(prefix="bench-broadcast-"))
        self.url = f"sqlite+aiosqlite:///{self.work / 'desk.db'}"
        self.proc: asyncio.subprocess.Process | None = None
        self.delivered_at: dict[int, float] = {}
        self.latencies: list[float] = []
        self.probe_sends: list[tuple[float, int]] = []  # (when, bot messages in the answer)
        self.probe_errors = 0
        self.kills = 0
        self.calls_seen: int = 0

    def env(self) -> dict[str, str]:
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE"))},
            "BOT_TOKEN": self.emu.token,
            "TELEGRAM_API_URL": self.emu.api_url,
            "OPERATOR_CHAT_ID": str(self.group),
            "ADMIN_IDS": str(self.admin),
            "DATABASE_URL": self.url,
            "DATA_DIR": str(self.work / "data"),
            "KB_SEMANTIC": "false",
            "POLL_TIMEOUT": "1",
            "REQUEST_TIMEOUT": "5",
            "BROADCAST_LEASE": "21",
            "LOG_LEVEL": "WARNING",
            **({"MESSAGES_PER_SECOND": str(self.args.rate)} if self.args.rate else {}),
        }

    async def start_bot(self) -> None:
        log = open(self.work / "bot.log", "ab")  # noqa: ASYNC230
        polls = len(self.emu.calls_of("deleteWebhook"))
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=self.work,
            env=self.env(),
            stdout=log,
            stderr=log,
        )
        await self.emu.wait_for(
            lambda: len(self.emu.calls_of("deleteWebhook")) > polls, timeout=60
        )

    def count_delivered(self) -> int:
        """Subscribers whose chat shows the announcement (first arrival time kept).

        Only chats the bot sent to since the last look are examined, so that counting never
        stalls the emulator (it shares this process and its event loop): a stall would bunch
        the bot's requests together and make the emulator see bursts the bot never sent.
        """
        now = time.monotonic()
        calls = self.emu.state.calls
        for method, params in calls[self.calls_seen :]:
            chat = params.get("chat_id")
            if method.lower() == "sendmessage" and chat in self.subscriber_set:
                self.candidates.add(chat)
        self.calls_seen = len(calls)
        chats = self.emu.state.chats
        for uid in list(self.candidates):
            if any(ANNOUNCEMENT in (m.get("text") or "") for m in chats[uid].messages.values()):
                self.delivered_at.setdefault(uid, now)
                self.candidates.discard(uid)
        return len(self.delivered_at)

    async def compose(self) -> dict[str, Any]:
        emu, group, admin = self.emu, self.group, self.admin
        emu.send_command(group, admin, "/announce")
        ask = await emu.wait_message(group, contains="Пришлите сообщение", timeout=30)
        emu.send_text(group, admin, ANNOUNCEMENT)
        ask = await emu.wait_message(group, contains="Кому отправить", timeout=30)
        emu.press_button(
            group, admin, ask["message_id"], next(b for b in buttons(ask) if b.startswith("👥"))
        )
        ask = await emu.wait_message(group, contains="Номер версии", timeout=30)
        emu.press_button(group, admin, ask["message_id"], "Без версии")
        control = await emu.wait_message(group, contains="Так рассылку увидят", timeout=30)
        return control

    async def probe(self, stop: asyncio.Event) -> None:
        """Clients asking questions during the broadcast: time to the bot's answer."""
        n = 0
        while not stop.is_set():
            user = self.probes[n % len(self.probes)]
            question = PROBE_QUESTIONS[n % len(PROBE_QUESTIONS)]
            n += 1
            chat = self.emu.state.chats[user]
            before = max(chat.messages, default=0)
            sent_at = time.monotonic()
            self.emu.send_text(user, user, question)
            try:

                def answered(c: Any = chat, b: int = before) -> bool:
                    return any(
                        mid > b and m.get("from", {}).get("id") == self.emu.bot_id
                        for mid, m in c.messages.items()
                    )

                await self.emu.wait_for(answered, timeout=15)
                self.latencies.append(time.monotonic() - sent_at)
                await asyncio.sleep(0.3)  # the rest of the answer, if it has several parts
                self.probe_sends.append(
                    (
                        time.monotonic(),
                        sum(
                            1
                            for mid, m in chat.messages.items()
                            if mid > before and m.get("from", {}).get("id") == self.emu.bot_id
                        ),
                    )
                )
            except TimeoutError:
                self.probe_errors += 1
            await asyncio.sleep(self.args.probe_every)

    async def run(self) -> dict[str, Any]:
        args, emu = self.args, self.emu
        await emu.start()
        self.group = emu.add_group(title="Поддержка", is_forum=True, bot_is_admin=True)
        self.admin = emu.add_user(first_name="Анна", language_code="ru")
        emu.add_member(self.group, self.admin)
        self.subscribers = [
            emu.add_user(first_name=f"Клиент {n}", language_code="ru", started=True)
            for n in range(args.subscribers)
        ]
        self.subscriber_set = set(self.subscribers)
        self.candidates: set[int] = set()
        self.calls_seen = 0
        self.probes = [
            emu.add_user(first_name=f"Пробный {n}", language_code="ru", started=True)
            for n in range(5)
        ]
        await asyncio.to_thread(migrate, self.url)
        await seed(self.url, self.subscribers)
        emu.enforce_limits(per_chat_per_second=1, per_group_per_minute=20, global_per_second=30)

        await self.start_bot()
        # Warm the probes up (first contact asks about subscriptions; not measured).
        for user in self.probes:
            emu.send_command(user, user, "/start")
        for user in self.probes:
            await emu.wait_message(user, contains="Присылать вам новости", timeout=30)
        await asyncio.sleep(1.5)  # Telegram's one message a second into a chat

        control = await self.compose()
        send = next(b for b in buttons(control) if b.startswith("🚀"))
        stop = asyncio.Event()
        prober = asyncio.create_task(self.probe(stop))
        errors_before = len(emu.state.errors)
        started = time.monotonic()
        emu.press_button(self.group, self.admin, control["message_id"], send)

        killed_at = None
        if args.kill_at:
            # The worst moment: the request for the N-th subscriber has reached Telegram and
            # its answer is held back (2 s), so the bot dies with that send in flight.
            target = self.subscribers[args.kill_at - 1]
            emu.inject_delay("sendMessage", 2.0, when=lambda p: p.get("chat_id") == target)
        deadline = started + args.timeout
        while time.monotonic() < deadline:
            self.count_delivered()
            in_flight = args.kill_at and any(
                p.get("chat_id") == target for _, p in emu.state.calls[-50:]
            )
            if args.kill_at and killed_at is None and in_flight:
                assert self.proc is not None
                self.proc.send_signal(signal.SIGKILL)
                await self.proc.wait()
                killed_at = self.count_delivered()
                self.kills += 1
                print(
                    f"killed the bot after {killed_at} deliveries; starting it again", flush=True
                )
                await self.start_bot()
            finished = any(
                "завершена: доставлено" in text_of(m)
                for m in emu.messages(self.group, from_bot=True)[-5:]
            )
            if finished:
                break
            await asyncio.sleep(0.05)
        else:
            print("timed out waiting for the summary", flush=True)
        elapsed = time.monotonic() - started
        stop.set()
        await prober
        self.count_delivered()

        copies = {uid: 0 for uid in self.subscribers}
        for uid in self.subscribers:
            copies[uid] = sum(
                1
                for m in emu.state.chats[uid].messages.values()
                if ANNOUNCEMENT in (m.get("text") or "")
            )
        duplicates = sum(n - 1 for n in copies.values() if n > 1)
        lost = sum(1 for n in copies.values() if n == 0)
        times = sorted(self.delivered_at.values())
        lo, hi = int(len(times) * 0.1), int(len(times) * 0.9) - 1
        span = times[hi] - times[lo] if hi > lo else 0.0
        sustained = (hi - lo) / span if span > 0 else 0.0
        # Everything the bot sent in that span: the broadcast and its answers to the probes.
        answers = sum(n for when, n in self.probe_sends if times[lo] <= when <= times[hi])
        all_sent = (hi - lo + answers) / span if span > 0 else 0.0
        errors = emu.state.errors[errors_before:]
        states = await delivery_states(self.url)
        counts: dict[str, int] = {}
        for state in states.values():
            counts[state] = counts.get(state, 0) + 1
        unknown = [uid for uid, state in states.items() if state == "unknown"]
        summary = next(
            (
                text_of(m)
                for m in emu.messages(self.group, from_bot=True)
                if text_of(m).startswith("✅ Рассылка")
            ),
            "",
        )
        print(summary, flush=True)
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            await self.proc.wait()
        await emu.stop()
        return {
            "subscribers": args.subscribers,
            "kill_at": args.kill_at,
            "messages_per_second_setting": args.rate or "default",
            "killed_after": killed_at,
            "elapsed_s": round(elapsed, 1),
            "sustained_msgs_per_s": round(sustained, 2),
            "sustained_all_bot_msgs_per_s": round(all_sent, 2),
            "overall_msgs_per_s": round(len(times) / elapsed, 2) if elapsed else 0.0,
            "http_429_received": sum(1 for _, _, e in errors if e.error_code == 429),
            "http_429_by_kind": limited_by_kind(errors, self.group, self.probes),
            "duplicates": duplicates,
            "lost": lost,
            "rows": counts,
            # Rows reported "unknown" (not resent) whose client in fact got the message.
            "unknown_rows_delivered": sum(1 for uid in unknown if copies.get(uid, 0) > 0),
            "probe_replies": len(self.latencies),
            "probe_timeouts": self.probe_errors,
            "reply_latency_median_s": round(statistics.median(self.latencies), 3)
            if self.latencies
            else None,
            "reply_latency_p95_s": round(percentile(self.latencies, 0.95), 3)
            if self.latencies
            else None,
            "reply_latency_max_s": round(max(self.latencies), 3) if self.latencies else None,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument(
        "--kill-at", type=int, default=0, help="SIGKILL the bot during the N-th send"
    )
    parser.add_argument("--probe-every", type=float, default=1.0, help="seconds between questions")
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--rate", type=float, default=0.0, help="MESSAGES_PER_SECOND for the bot")
    args = parser.parse_args()
    result = asyncio.run(Bench(args).run())
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
