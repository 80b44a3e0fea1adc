"""Indexes for the REST API's lists, newest first by (created_at, id) with keyset
cursors: customers, promises (also by status), escalations, ratings, NPS responses.

Plain CREATE INDEX, like 0009 (a batch migration of customers on SQLite would drop the
search triggers of migration 0003).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24 10:00:00.000000

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_customers_created_at_id", "customers", ["created_at", "id"]),
    ("ix_promises_created_at_id", "promises", ["created_at", "id"]),
    ("ix_promises_status_created_at_id", "promises", ["status", "created_at", "id"]),
    ("ix_escalations_created_at_id", "escalations", ["created_at", "id"]),
    ("ix_ratings_created_at_id", "ratings", ["created_at", "id"]),
    ("ix_nps_responses_created_at_id", "nps_responses", ["created_at", "id"]),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
