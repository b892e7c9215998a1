"""Migration 0010 on a desk that used free-text ``/org`` and ``ORGANIZATION_MANAGERS``: every
organization is carried over once, its clients linked and its manager set; and back."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

import storage.types
from storage.db import alembic_config, create_engine, run_migrations

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)

CLIENTS_0009 = sa.table(
    "clients",
    sa.column("id", sa.BigInteger),
    sa.column("first_name", sa.String),
    sa.column("language", sa.String),
    sa.column("language_chosen", sa.Boolean),
    sa.column("organization", sa.String),
    sa.column("created_at", storage.types.UTCDateTime(timezone=True)),
    sa.column("updated_at", storage.types.UTCDateTime(timezone=True)),
)

# client id → the organization an engineer typed with /org at the time
TYPED = {
    5_000_000_001: "ООО «Ромашка»",
    5_000_000_002: "ооо  ромашка",
    5_000_000_003: "Northwind Ltd",
    5_000_000_004: None,
    5_000_000_005: "   ",
}


def _to(revision: str, direction: str = "upgrade") -> Any:
    def run(sync_conn: Any) -> None:
        from alembic import command

        cfg = alembic_config()
        cfg.attributes["connection"] = sync_conn
        cfg.attributes["carried"] = {}
        getattr(command, direction)(cfg, revision)

    return run


async def _rows(engine: Any, query: str) -> list[Any]:
    async with engine.connect() as conn:
        return list((await conn.execute(sa.text(query))).all())


async def test_free_text_organizations_and_their_managers_are_carried_over(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_to("0009"))
            await conn.execute(
                CLIENTS_0009.insert(),
                [
                    {
                        "id": client_id,
                        "first_name": f"Клиент {client_id % 10}",
                        "language": "ru",
                        "language_chosen": False,
                        "organization": typed,
                        "created_at": NOW,
                        "updated_at": NOW,
                    }
                    for client_id, typed in TYPED.items()
                ],
            )
        await run_migrations(
            engine, {"organization_managers": '{"ООО Ромашка": 555, "Новая": 777}'}
        )

        organizations = await _rows(
            engine,
            "SELECT id, name, name_key, kind, manager_user_id FROM organizations",
        )
        by_key = {row.name_key: row for row in organizations}
        # One organization per folded name: the two spellings of Ромашка are one.
        assert sorted(by_key) == ["northwind ltd", "новая", "ооо ромашка"]
        assert {row.kind for row in organizations} == {"direct"}
        assert by_key["ооо ромашка"].manager_user_id == 555
        assert by_key["новая"].manager_user_id == 777  # named by the setting alone: created
        assert by_key["northwind ltd"].manager_user_id is None
        assert by_key["ооо ромашка"].name in ("ООО «Ромашка»", "ооо  ромашка")

        linked = dict(await _rows(engine, "SELECT id, organization_id FROM clients"))
        romashka, northwind = by_key["ооо ромашка"].id, by_key["northwind ltd"].id
        assert linked == {
            5_000_000_001: romashka,
            5_000_000_002: romashka,
            5_000_000_003: northwind,
            5_000_000_004: None,  # never had one: unverified
            5_000_000_005: None,  # only spaces: unverified
        }

        # And back: the free text returns, one spelling per organization.
        async with engine.begin() as conn:
            await conn.run_sync(_to("0009", "downgrade"))
        typed_back = dict(await _rows(engine, "SELECT id, organization FROM clients"))
        name = by_key["ооо ромашка"].name
        assert typed_back == {
            5_000_000_001: name,
            5_000_000_002: name,
            5_000_000_003: "Northwind Ltd",
            5_000_000_004: None,
            5_000_000_005: None,
        }
        # Upgraded again, the desk is what it was (the setting is no longer handed in).
        await run_migrations(engine)
        again = await _rows(engine, "SELECT name_key, manager_user_id FROM organizations")
        assert sorted(key for key, _ in again) == ["northwind ltd", "ооо ромашка"]
    finally:
        await engine.dispose()
