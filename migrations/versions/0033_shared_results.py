"""Shared results: figures computed once for every web worker and host (the founders'
trends and team report), kept with the data version they were computed from and the claim
of the worker computing them now (used when no Redis is configured).

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-06 00:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shared_results",
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("version", sa.String(200), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("payload", sa.LargeBinary(), nullable=True),
        sa.Column("claim_token", sa.String(32), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("computations", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_shared_results")),
    )


def downgrade() -> None:
    op.drop_table("shared_results")
