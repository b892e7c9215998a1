"""Importing organizations on a real database (SQLite and PostgreSQL): created, updated,
unchanged; only the file's columns change; a second import changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

from desk.org_rows import parse_csv, write_csv
from storage import orgs
from storage.db import create_engine, create_sessionmaker, run_migrations
from storage.orgs import Change

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

FILE = (
    "name;kind;partner_name;partner_contacts;manager_user_id;contract_until\n"
    "ООО Ромашка;direct;;;5000000001;31.12.2026\n"
    'АО Лютик;partner;ИнтегроСофт;"тел. 1\nпочта 2";;\n'
).encode()


async def test_import_twice_then_a_partial_file_then_export(database_url: str) -> None:
    engine = create_engine(database_url)
    await run_migrations(engine)
    sessions = create_sessionmaker(engine)
    try:

        async def load(data: bytes) -> tuple[dict[Change, int], list[str]]:
            parsed = parse_csv(data)
            async with sessions() as session, session.begin():
                counts, bad = await orgs.import_rows(session, parsed.rows, now=NOW)
            return dict(counts), [str(b) for b in parsed.bad + bad]

        assert await load(FILE) == ({Change.CREATED: 2}, [])
        assert await load(FILE) == ({Change.UNCHANGED: 2}, [])

        # Only the columns present change; the name's new spelling is taken; a row that
        # would leave a stored partner without its name is refused against what is stored.
        partial = "name,notes,partner_name\nооо ромашка,VIP,\nАО Лютик,,\nНовая,,\n".encode()
        assert await load(partial) == (
            {Change.UPDATED: 1, Change.CREATED: 1},
            ["line 3: a partner's organization without partner_name"],
        )
        async with sessions() as session:
            romashka = await orgs.find(session, "ООО Ромашка")
            lyutik = await orgs.find(session, "ао лютик")
            assert romashka is not None and lyutik is not None
            assert (romashka.name, romashka.notes) == ("ооо ромашка", "VIP")
            assert romashka.manager_user_id == 5_000_000_001
            assert romashka.contract_until == date(2026, 12, 31)
            assert (lyutik.partner_name, lyutik.partner_contacts) == (
                "ИнтегроСофт",
                "тел. 1\nпочта 2",
            )
            exported = write_csv([orgs.record(o) for o in await orgs.all_organizations(session)])
        # What an export writes imports as no change at all.
        assert await load(exported.encode()) == ({Change.UNCHANGED: 3}, [])
    finally:
        await engine.dispose()
