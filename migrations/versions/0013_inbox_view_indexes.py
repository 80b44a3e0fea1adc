"""Indexes that give each inbox view its rows in order: the complaints view by
(status, kind, last activity), "mine" and "unassigned" by (assignee, status, last activity).
Without them each status was walked by last activity, reading every ticket of that status
to find the few complaints or the agent's own (3,000 rows for 30 complaints at 100,000
tickets). (assignee_id, status, last_activity_at, id) replaces (assignee_id, status).

Plain CREATE INDEX, like 0009 (a batch migration of tickets on SQLite would drop the search
triggers of migration 0003).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-24 14:00:00.000000

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

INDEXES = (
    (
        "ix_tickets_status_kind_last_activity_at",
        ["status", "kind", "last_activity_at", "id"],
    ),
    (
        "ix_tickets_assignee_id_status_last_activity_at",
        ["assignee_id", "status", "last_activity_at", "id"],
    ),
)


def upgrade():
    for name, columns in INDEXES:
        op.create_index(name, "tickets", columns, unique=False)
    op.drop_index("ix_tickets_assignee_id_status", table_name="tickets")


def downgrade():
    op.create_index("ix_tickets_assignee_id_status", "tickets", ["assignee_id", "status"])
    for name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name="tickets")
