"""scheduler: fire bookkeeping on bots and runs, the scheduler lease

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 15:10:00.000000
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from openorchestrator.db.base import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fired_until", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("failed_fires", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scheduled_for", UTCDateTime(), nullable=True))
        batch_op.create_index(
            "ux_runs_bot_id_scheduled_for",
            ["bot_id", "scheduled_for"],
            unique=True,
            sqlite_where=sa.text("trigger = 'schedule'"),
            postgresql_where=sa.text("trigger = 'schedule'"),
        )
    op.create_table(
        "leases",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_leases")),
    )
    # Bots scheduled before this revision count as handled up to now: no invented misses.
    now = sa.bindparam("now", datetime.now(UTC), type_=UTCDateTime())
    op.get_bind().execute(sa.text("UPDATE bots SET fired_until = :now WHERE schedule IS NOT NULL").bindparams(now))


def downgrade() -> None:
    op.drop_table("leases")
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.drop_index("ux_runs_bot_id_scheduled_for")
        batch_op.drop_column("scheduled_for")
    with op.batch_alter_table("bots", schema=None) as batch_op:
        batch_op.drop_column("failed_fires")
        batch_op.drop_column("fired_until")
