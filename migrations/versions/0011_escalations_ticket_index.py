"""Index escalations by ticket: the ticket page lists a ticket's escalations on every view,
which scanned the whole table (the only other index on ticket_id is partial, open ones).

Plain CREATE INDEX, like 0009 (no batch migration: see there).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 09:30:00.000000

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_escalations_ticket_id", "escalations", ["ticket_id", "created_at"])


def downgrade():
    op.drop_index("ix_escalations_ticket_id", table_name="escalations")
