"""Automation rules and their runs (issue 21): rules an admin reads and edits (when … if …
then …, conditions and actions as versioned JSON), one run row per rule, ticket and trigger
(unique: the exactly-once claim), and `tickets.status_changed_at` (indexed with the status)
so a time rule can find tickets waiting on the customer for 7 days. The column is
backfilled from what the ticket already records (its resolution time when done, else its
last activity). Three default rules are seeded, switched off.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 17:34:31.360356

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

DEFAULT_RULES = (
    {
        "name": "Close tickets waiting on the customer for 7 days",
        "position": 1,
        "trigger": "time_since",
        "time_field": "status_since",
        "time_amount": 7,
        "time_unit": "days",
        "conditions": {"version": 1, "statuses": ["pending"]},
        # No text: the polite default note, in the customer's language.
        "actions": {"version": 1, "steps": [{"type": "close", "status": "closed"}]},
    },
    {
        "name": "Complaints → high priority",
        "position": 2,
        "trigger": "customer_writes",
        "conditions": {"version": 1, "complaint": True, "priorities": ["low", "normal"]},
        "actions": {"version": 1, "steps": [{"type": "set_priority", "priority": "high"}]},
    },
    {
        "name": "Complaints from VIP or high-value customers → founders' queue",
        "position": 3,
        "trigger": "customer_writes",
        # The founders' default high-value threshold: 1,000.00 in the workspace currency.
        "conditions": {"version": 1, "complaint": True, "vip": True, "min_value_cents": 100000},
        "actions": {"version": 1, "steps": [{"type": "escalate"}]},
    },
)


def _seed():
    rules = sa.table(
        "automation_rules",
        sa.column("name", sa.String),
        sa.column("enabled", sa.Boolean),
        sa.column("position", sa.Integer),
        sa.column("trigger", sa.String),
        sa.column("time_field", sa.String),
        sa.column("time_amount", sa.Integer),
        sa.column("time_unit", sa.String),
        sa.column("conditions", sa.JSON),
        sa.column("actions", sa.JSON),
        sa.column("turns_taken", sa.Integer),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    at = sa.func.current_timestamp()
    for rule in DEFAULT_RULES:
        values = {"time_field": None, "time_amount": None, "time_unit": None, **rule}
        op.execute(
            rules.insert().values(
                enabled=False, turns_taken=0, created_at=at, updated_at=at, **values
            )
        )


def _backfill():
    op.execute(
        "UPDATE tickets SET status_changed_at = CASE WHEN status IN ('resolved', 'closed') "
        "THEN COALESCE(resolved_at, last_activity_at) ELSE last_activity_at END"
    )


def upgrade():
    op.create_table(
        "automation_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "trigger",
            sa.Enum(
                "ticket_created",
                "customer_replied",
                "customer_writes",
                "status_changed",
                "time_since",
                name="automation_trigger",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("trigger_status", sa.String(length=20), nullable=True),
        sa.Column(
            "time_field",
            sa.Enum(
                "status_since",
                "created",
                "last_activity",
                "customer_waiting",
                name="automation_time_field",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("time_amount", sa.Integer(), nullable=True),
        sa.Column(
            "time_unit",
            sa.Enum(
                "hours",
                "days",
                name="automation_time_unit",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("turns_taken", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_automation_rules")),
    )
    with op.batch_alter_table("automation_rules", schema=None) as batch_op:
        batch_op.create_index(
            "ix_automation_rules_enabled_trigger", ["enabled", "trigger"], unique=False
        )

    op.create_table(
        "automation_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("trigger_key", sa.String(length=80), nullable=False),
        sa.Column("trigger_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "done",
                "failed",
                "skipped",
                name="automation_outcome",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("done", sa.JSON(), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["automation_rules.id"],
            name=op.f("fk_automation_runs_rule_id_automation_rules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_automation_runs_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_automation_runs")),
        sa.UniqueConstraint(
            "rule_id", "ticket_id", "trigger_key", name=op.f("uq_automation_runs_rule_id")
        ),
    )
    with op.batch_alter_table("automation_runs", schema=None) as batch_op:
        batch_op.create_index("ix_automation_runs_rule_id_at", ["rule_id", "at"], unique=False)
        batch_op.create_index("ix_automation_runs_ticket_id", ["ticket_id"], unique=False)

    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            "ix_tickets_status_status_changed_at",
            ["status", "status_changed_at", "id"],
            unique=False,
        )

    _backfill()
    _seed()


def downgrade():
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_status_status_changed_at")
        batch_op.drop_column("status_changed_at")

    with op.batch_alter_table("automation_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_automation_runs_ticket_id")
        batch_op.drop_index("ix_automation_runs_rule_id_at")

    op.drop_table("automation_runs")
    with op.batch_alter_table("automation_rules", schema=None) as batch_op:
        batch_op.drop_index("ix_automation_rules_enabled_trigger")

    op.drop_table("automation_rules")
