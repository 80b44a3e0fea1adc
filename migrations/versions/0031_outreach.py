"""Outreach: proactive messages (`outreaches`), feature requests and the tickets that
asked for them, when a customer left (`customers.left_at`), and the tickets' new channel
"outreach" (a conversation the team started).

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06 00:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

OLD_CHANNELS = ("widget", "email", "api", "agent")
CHANNELS = (*OLD_CHANNELS, "outreach")


def _channels(values):
    return sa.Enum(
        *values,
        name="channel",
        native_enum=False,
        create_constraint=True,
        length=max(map(len, values)),
    )


def _allow_channels(old, new):
    """Swap the tickets.channel CHECK and widen the column. On SQLite the batch copies
    `tickets`, which drops the triggers on it (the search index's, migration 0003): they
    are read before and created again after."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        triggers = bind.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'tickets'"
        ).fetchall()
        with op.batch_alter_table("tickets", recreate="always") as batch_op:
            batch_op.alter_column("channel", existing_type=_channels(old), type_=_channels(new))
        for name, sql in triggers:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
            op.execute(sql)
    else:
        op.drop_constraint(op.f("ck_tickets_channel"), "tickets", type_="check")
        op.alter_column(
            "tickets",
            "channel",
            existing_type=sa.String(max(map(len, old))),
            type_=sa.String(max(map(len, new))),
        )
        op.create_check_constraint("channel", "tickets", sa.column("channel").in_(new))


def upgrade() -> None:
    _allow_channels(OLD_CHANNELS, CHANNELS)
    with op.batch_alter_table("customers") as batch_op:
        batch_op.add_column(sa.Column("left_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "feature_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "planned",
                "shipped",
                name="feature_status",
                native_enum=False,
                create_constraint=True,
                length=7,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("shipped_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_feature_requests_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feature_requests")),
        sa.UniqueConstraint("title", name=op.f("uq_feature_requests_title")),
    )
    op.create_table(
        "feature_request_tickets",
        sa.Column("feature_request_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["users.id"],
            name=op.f("fk_feature_request_tickets_added_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["feature_request_id"],
            ["feature_requests.id"],
            name=op.f("fk_feature_request_tickets_feature_request_id_feature_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_feature_request_tickets_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "feature_request_id", "ticket_id", name=op.f("pk_feature_request_tickets")
        ),
    )
    op.create_index(
        "ix_feature_request_tickets_ticket_id", "feature_request_tickets", ["ticket_id"]
    )
    op.create_table(
        "outreaches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "slipping",
                "onboarding",
                "left",
                "feature_shipped",
                "manual",
                name="outreach_kind",
                native_enum=False,
                create_constraint=True,
                length=15,
            ),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "sent",
                "suppressed",
                "dismissed",
                name="outreach_state",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("suppressed_reason", sa.String(length=30), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("feature_request_id", sa.Integer(), nullable=True),
        sa.Column("source_ticket_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("came_back_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["users.id"],
            name=op.f("fk_outreaches_assignee_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_outreaches_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["feature_request_id"],
            ["feature_requests.id"],
            name=op.f("fk_outreaches_feature_request_id_feature_requests"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"],
            ["users.id"],
            name=op.f("fk_outreaches_sent_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_ticket_id"],
            ["tickets.id"],
            name=op.f("fk_outreaches_source_ticket_id_tickets"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_outreaches_ticket_id_tickets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outreaches")),
    )
    op.create_index(
        "ix_outreaches_state_assignee_id", "outreaches", ["state", "assignee_id", "id"]
    )
    op.create_index(
        "ix_outreaches_customer_id_sent_at", "outreaches", ["customer_id", "sent_at"]
    )
    op.create_index("ix_outreaches_ticket_id", "outreaches", ["ticket_id"])
    op.create_index("ix_outreaches_sent_at", "outreaches", ["sent_at"])
    op.create_index("ix_outreaches_feature_request_id", "outreaches", ["feature_request_id"])


def downgrade() -> None:
    op.drop_table("outreaches")
    op.drop_table("feature_request_tickets")
    op.drop_table("feature_requests")
    with op.batch_alter_table("customers") as batch_op:
        batch_op.drop_column("left_at")
    op.execute("UPDATE tickets SET channel = 'agent' WHERE channel = 'outreach'")
    _allow_channels(CHANNELS, OLD_CHANNELS)
