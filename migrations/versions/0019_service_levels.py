"""Service levels: policies (targets for first reply, next reply and resolution in
business time, by priority, plan and VIP) and each ticket's clocks against them, with the
soonest running clock copied onto the ticket for the inbox's "due soonest" sort. Founders'
queue items gain three causes: a breached target, a complaint and an automation rule.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 17:28:33.185644

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

OLD_REASONS = (
    "missed_promise",
    "bad_rating",
    "detractor",
    "negative_sentiment",
    "vip",
    "repeat_contact",
    "manual",
)
REASONS = (*OLD_REASONS, "sla_breach", "complaint", "automation")


def _reasons(values):
    return sa.Enum(
        *values,
        name="reason",
        native_enum=False,
        create_constraint=True,
        length=max(map(len, values)),
    )


def _allow_reasons(old, new):
    """Swap the escalations.reason CHECK (the column's length does not change)."""
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("escalations", recreate="always") as batch_op:
            batch_op.alter_column("reason", existing_type=_reasons(old), type_=_reasons(new))
    else:
        op.drop_constraint(op.f("ck_escalations_reason"), "escalations", type_="check")
        op.create_check_constraint("reason", "escalations", sa.column("reason").in_(new))


def upgrade():
    _allow_reasons(OLD_REASONS, REASONS)
    op.create_table(
        "sla_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("priorities", sa.JSON(), nullable=False),
        sa.Column("plans", sa.JSON(), nullable=False),
        sa.Column("vip_only", sa.Boolean(), nullable=False),
        sa.Column("first_reply_minutes", sa.Integer(), nullable=True),
        sa.Column("next_reply_minutes", sa.Integer(), nullable=True),
        sa.Column("resolution_minutes", sa.Integer(), nullable=True),
        sa.Column("warn_minutes", sa.Integer(), nullable=False),
        sa.Column("escalate_to_assignee", sa.Boolean(), nullable=False),
        sa.Column("escalate_to_founders", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_policies")),
    )
    op.create_table(
        "sla_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "first_reply",
                "next_reply",
                "resolution",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=11,
            ),
            nullable=False,
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("remaining_seconds", sa.Integer(), nullable=True),
        sa.Column("met_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("breached_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["sla_policies.id"],
            name=op.f("fk_sla_targets_policy_id_sla_policies"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_sla_targets_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_targets")),
    )
    with op.batch_alter_table("sla_targets", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sla_targets_due_running",
            ["due_at"],
            unique=False,
            sqlite_where=sa.text("met_at IS NULL AND breached_at IS NULL AND cancelled_at IS NULL"),
            postgresql_where=sa.text(
                "met_at IS NULL AND breached_at IS NULL AND cancelled_at IS NULL"
            ),
        )
        batch_op.create_index("ix_sla_targets_started_at", ["started_at"], unique=False)
        batch_op.create_index("ix_sla_targets_ticket_id", ["ticket_id", "kind"], unique=False)

    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sla_due_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("sla_due_kind", sa.String(length=20), nullable=True))
        batch_op.create_index(
            "ix_tickets_status_sla_due_at", ["status", "sla_due_at", "id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_status_sla_due_at")
        batch_op.drop_column("sla_due_kind")
        batch_op.drop_column("sla_due_at")

    with op.batch_alter_table("sla_targets", schema=None) as batch_op:
        batch_op.drop_index("ix_sla_targets_ticket_id")
        batch_op.drop_index("ix_sla_targets_started_at")
        batch_op.drop_index(
            "ix_sla_targets_due_running",
            sqlite_where=sa.text("met_at IS NULL AND breached_at IS NULL AND cancelled_at IS NULL"),
            postgresql_where=sa.text(
                "met_at IS NULL AND breached_at IS NULL AND cancelled_at IS NULL"
            ),
        )

    op.drop_table("sla_targets")
    op.drop_table("sla_policies")
    op.execute(
        sa.text("DELETE FROM escalations WHERE reason IN ('sla_breach', 'complaint', 'automation')")
    )
    _allow_reasons(REASONS, OLD_REASONS)
