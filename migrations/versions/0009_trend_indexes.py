"""Indexes for the founders' trends dashboard: tickets, messages, recoveries and Diagnose
steps by week, complaints by week, repeat contacts per customer.

Plain CREATE INDEX on purpose: a batch (copy-and-move) migration of tickets or messages
on SQLite would drop the search triggers migration 0003 put on them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 09:00:00.000000

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_tickets_created_at", "tickets", ["created_at", "id"]),
    ("ix_tickets_kind_created_at", "tickets", ["kind", "created_at"]),
    ("ix_tickets_customer_id_created_at", "tickets", ["customer_id", "created_at"]),
    ("ix_messages_created_at", "messages", ["created_at"]),
    ("ix_recoveries_started_at", "recoveries", ["started_at"]),
    ("ix_recovery_steps_step_done_at", "recovery_steps", ["step", "done_at"]),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
