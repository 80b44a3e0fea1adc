"""Outbox "sending" marker: a sender records `outbox.sending_at` (committed, under its lease
token) just before the SMTP transaction and clears it with the outcome. A row found with
the marker set once its lease ran out was cut off in the SMTP window, so whether the
server accepted it cannot be known: it is sent again with the same Message-ID and counted
in `outbox.possible_duplicates`.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-06 00:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("sending_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("possible_duplicates", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("possible_duplicates")
        batch.drop_column("sending_at")
