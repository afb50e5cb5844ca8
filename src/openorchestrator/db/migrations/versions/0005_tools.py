"""tools: bots.max_model_requests (the tool-call loop's limit per run); notifications.digest_id

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 17:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("max_model_requests", sa.Integer(), nullable=False, server_default="10"))
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digest_id", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("digest_id")
    with op.batch_alter_table("bots", schema=None) as batch_op:
        batch_op.drop_column("max_model_requests")
