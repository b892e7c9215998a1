"""Renders the example act and chart shown in the README (``docs/examples/``).

Builds a known desk in a temporary SQLite database through the storage layer: November 2026's
hours from ``tests/report_data.py`` (two organizations, one of them a partner's client, and
clients without one), plus twelve weeks of tickets and knowledge-base questions drawn from a
seeded random generator; then writes what ``support-bot report`` writes::

    python -m bench.render_reports            # from the repository's root
    python -m bench.render_reports --out /tmp/examples
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
from datetime import timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot import reports as render
from desk.act import Act, Month
from desk.stats import Figures
from storage import repo
from storage.db import create_engine, create_sessionmaker, run_migrations
from storage.reports import load_act, load_figures
from tests.report_data import ZONE, add_client, add_ticket, msk, seed_act

NOW = msk("2026-12-01", 9)
WEEKS = 12
ROOT = Path(__file__).resolve().parents[1]


async def seed_weeks(session: AsyncSession, rng: random.Random) -> None:
    """Twelve weeks of incidents and questions ending on `NOW`: most answered in time,
    mostly well rated; about half the questions answered by the knowledge base."""
    await add_client(session, 5_000_000_050, "Олег", "Юдин", "ООО «Ромашка»")
    start = NOW - timedelta(weeks=WEEKS - 1, days=NOW.weekday())
    for day in range(WEEKS * 7 - 6):
        moment = start + timedelta(days=day, hours=rng.randint(0, 8))
        if moment.astimezone(ZONE).weekday() >= 5:
            continue
        for _ in range(rng.randint(0, 3 + day // 28)):
            ticket = await add_ticket(
                session, 5_000_000_050, "Инцидент", created=moment, type_="incident"
            )
            ticket.fr_due_at = moment + timedelta(hours=4)
            ticket.first_response_at = moment + timedelta(hours=rng.choice((1, 2, 3, 3, 5)))
            closed = moment + timedelta(days=rng.randint(0, 6), hours=3)
            if closed < NOW:
                ticket.status, ticket.closed_at = "closed", closed
                ticket.csat = rng.choice((5, 5, 5, 4, 4, 3, None))
        for _ in range(rng.randint(2, 6)):
            search = await repo.record_search(
                session,
                client_id=5_000_000_050,
                query="как выгрузить реестр",
                message_id=None,
                outcome=rng.choice(("results", "results", "results", "none")),
                results="[]",
                source="chat",
                now=moment,
            )
            if search.outcome == "results":
                search.helped = rng.choice((True, True, None, False))
                search.opened_article = "export-data-excel"


async def build() -> tuple[Act, Figures]:
    """The known desk in a temporary database: November's act and the last 12 weeks' figures."""
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(folder) / 'desk.db'}")
        try:
            await run_migrations(engine)
            sessions = create_sessionmaker(engine)
            async with sessions() as session, session.begin():
                await seed_act(session)
                await seed_weeks(session, random.Random(2026))
            async with sessions() as session:
                act = await load_act(session, Month(2026, 11), ZONE)
                figures = await load_figures(session, now=NOW, weeks=WEEKS, zone=ZONE)
        finally:
            await engine.dispose()
    return act, figures


def write_examples(act: Act, figures: Figures, out: Path) -> list[Path]:
    """Writes the act (XLSX and CSV) and the chart into `out`; returns the files."""
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "act-2026-11.xlsx", out / "stats.png"]
    written[0].write_bytes(render.act_xlsx(act, "ru"))
    written[1].write_bytes(render.stats_png(figures, "ru"))
    folder_out = out / "act-2026-11"
    folder_out.mkdir(exist_ok=True)
    for name, content in render.act_csv(act, "ru"):
        (folder_out / name).write_bytes(content)
        written.append(folder_out / name)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "examples")
    args = parser.parse_args()
    act, figures = asyncio.run(build())
    print(render.stats_text(figures, "ru"))
    for path in write_examples(act, figures, args.out):
        print(path)


if __name__ == "__main__":
    main()
