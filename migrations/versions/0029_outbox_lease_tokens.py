"""Outbox lease tokens: a sender's claim writes a token of its own on the rows it leased
(`outbox.lease_token`), renews the lease while it works, and records an outcome only while
the token is still its own, so a sender that wakes after its lease ran out cannot overwrite
what the sender that took the row over recorded.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-05 21:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("lease_token", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("lease_token")
