"""Product usage: events counted per customer, day and name (`usage_daily`), the event
ids already taken (`usage_event_ids`, so a resent event counts once) and each customer's
usage state (`customer_usage`, kept by the health sweep).

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06 00:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

STATES = ("new", "active", "slipping", "dormant")


def upgrade() -> None:
    op.create_table(
        "usage_daily",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("count > 0", name=op.f("ck_usage_daily_count_positive")),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_usage_daily_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("customer_id", "day", "name", name=op.f("pk_usage_daily")),
    )
    op.create_index("ix_usage_daily_day", "usage_daily", ["day"], unique=False)
    op.create_table(
        "usage_event_ids",
        sa.Column("event_id", sa.String(length=100), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_usage_event_ids")),
    )
    op.create_index(
        op.f("ix_usage_event_ids_received_at"), "usage_event_ids", ["received_at"], unique=False
    )
    op.create_table(
        "customer_usage",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(*STATES, name="usage_state", native_enum=False, create_constraint=True, length=8),
            nullable=False,
        ),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_7_days", sa.Integer(), nullable=False),
        sa.Column("usual_week", sa.Integer(), nullable=True),
        sa.Column("first_event_on", sa.Date(), nullable=True),
        sa.Column("last_event_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.String(length=30), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_usage_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customer_usage")),
    )
    op.create_index(
        "ix_customer_usage_state_checked_at",
        "customer_usage",
        ["state", "checked_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_customer_usage_state_checked_at", table_name="customer_usage")
    op.drop_table("customer_usage")
    op.drop_index(op.f("ix_usage_event_ids_received_at"), table_name="usage_event_ids")
    op.drop_table("usage_event_ids")
    op.drop_index("ix_usage_daily_day", table_name="usage_daily")
    op.drop_table("usage_daily")
