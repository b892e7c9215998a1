"""organizations, invitations and hours; free-text organizations carried over

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 05:00:00

Each distinct ``clients.organization`` becomes an organization (names that differ only in
case, quotes or spaces become one), its clients linked to it; the managers of the former
``ORGANIZATION_MANAGERS`` setting become the organizations' managers (an organization named
there but with no clients yet is created). The free-text column is then dropped.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import storage.types
from desk.organizations import clean_name, name_key

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _managers() -> dict[str, int]:
    """The former setting, handed in by the application (or from the environment when
    Alembic is run by hand)."""
    config = op.get_context().config
    carried = (config.attributes.get("carried") if config is not None else None) or {}
    raw = carried.get("organization_managers", os.environ.get("ORGANIZATION_MANAGERS", ""))
    if not raw:
        return {}
    try:
        found = json.loads(raw)
    except ValueError:
        return {}
    if not isinstance(found, dict):
        return {}
    return {str(k): int(v) for k, v in found.items() if isinstance(v, int)}


def upgrade() -> None:
    op.create_table(
        "organizations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), server_default="direct", nullable=False),
        sa.Column("partner_name", sa.String(length=200), nullable=True),
        sa.Column("partner_contacts", sa.Text(), nullable=True),
        sa.Column("manager_name", sa.String(length=200), nullable=True),
        sa.Column("manager_user_id", sa.BigInteger(), nullable=True),
        sa.Column("contract_until", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizations")),
        sa.UniqueConstraint("name_key", name=op.f("uq_organizations_name_key")),
    )
    op.create_table(
        "invitations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("max_uses", sa.Integer(), nullable=True),
        sa.Column("uses", sa.Integer(), server_default="0", nullable=False),
        sa.Column("revoked_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_invitations_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("token", name=op.f("uq_invitations_token")),
    )
    op.create_index(
        op.f("ix_invitations_organization_id"), "invitations", ["organization_id"], unique=False
    )
    op.create_table(
        "invitation_uses",
        sa.Column("invitation_id", sa.BigInteger(), nullable=False),
        sa.Column("client_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("used_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitations.id"],
            name=op.f("fk_invitation_uses_invitation_id_invitations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("invitation_id", "client_id", name=op.f("pk_invitation_uses")),
    )
    op.create_table(
        "time_entries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("ticket_id", sa.BigInteger(), nullable=False),
        sa.Column("engineer_id", sa.BigInteger(), nullable=False),
        sa.Column("engineer_name", sa.String(length=200), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("work_date", sa.Date(), nullable=False),
        sa.Column("comment", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_time_entries_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_time_entries")),
    )
    op.create_index(op.f("ix_time_entries_ticket_id"), "time_entries", ["ticket_id"])
    op.create_index("ix_time_entries_work_date", "time_entries", ["work_date"])
    with op.batch_alter_table("clients") as batch:
        batch.add_column(sa.Column("organization_id", sa.BigInteger(), nullable=True))
        batch.create_index(batch.f("ix_clients_organization_id"), ["organization_id"])
        batch.create_foreign_key(
            batch.f("fk_clients_organization_id_organizations"),
            "organizations",
            ["organization_id"],
            ["id"],
            ondelete="SET NULL",
        )
    _carry_over()
    with op.batch_alter_table("clients") as batch:
        batch.drop_column("organization")


def _carry_over() -> None:
    bind = op.get_bind()
    clients = sa.table(
        "clients",
        sa.column("id", sa.BigInteger),
        sa.column("organization", sa.String),
        sa.column("organization_id", sa.BigInteger),
    )
    orgs = sa.table(
        "organizations",
        sa.column("id", sa.BigInteger),
        sa.column("name", sa.String),
        sa.column("name_key", sa.String),
        sa.column("kind", sa.String),
        sa.column("manager_user_id", sa.BigInteger),
        sa.column("notes", sa.String),
        sa.column("created_at", storage.types.UTCDateTime(timezone=True)),
        sa.column("updated_at", storage.types.UTCDateTime(timezone=True)),
    )
    now = datetime.now(UTC)
    ids: dict[str, int] = {}

    def ensure(name: str) -> int | None:
        try:
            cleaned = clean_name(name)
        except ValueError:
            return None
        key = name_key(cleaned)
        if key not in ids:
            bind.execute(
                orgs.insert().values(
                    name=cleaned,
                    name_key=key,
                    kind="direct",
                    notes="",
                    created_at=now,
                    updated_at=now,
                )
            )
            found = bind.execute(sa.select(orgs.c.id).where(orgs.c.name_key == key)).scalar_one()
            ids[key] = int(found)
        return ids[key]

    rows = bind.execute(
        sa.select(clients.c.organization)
        .where(clients.c.organization.is_not(None))
        .distinct()
        .order_by(clients.c.organization)
    ).all()
    for (name,) in rows:
        org_id = ensure(str(name))
        if org_id is not None:
            bind.execute(
                clients.update()
                .where(clients.c.organization == name)
                .values(organization_id=org_id)
            )
    for name, manager in _managers().items():
        org_id = ensure(name)
        if org_id is not None:
            bind.execute(orgs.update().where(orgs.c.id == org_id).values(manager_user_id=manager))


def downgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.add_column(sa.Column("organization", sa.String(length=200), nullable=True))
    op.execute(
        "UPDATE clients SET organization = "
        "(SELECT name FROM organizations WHERE organizations.id = clients.organization_id)"
    )
    with op.batch_alter_table("clients") as batch:
        batch.drop_constraint(
            batch.f("fk_clients_organization_id_organizations"), type_="foreignkey"
        )
        batch.drop_index(batch.f("ix_clients_organization_id"))
        batch.drop_column("organization_id")
    op.drop_index("ix_time_entries_work_date", table_name="time_entries")
    op.drop_index(op.f("ix_time_entries_ticket_id"), table_name="time_entries")
    op.drop_table("time_entries")
    op.drop_table("invitation_uses")
    op.drop_index(op.f("ix_invitations_organization_id"), table_name="invitations")
    op.drop_table("invitations")
    op.drop_table("organizations")
