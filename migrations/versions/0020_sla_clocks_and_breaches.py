"""Service-level clocks and breaches: when each clock enters its warning window (on the
clock, and the soonest on the ticket, indexed for the inbox's "Breaching soon" view), and
a bell notification for a breached target — a new kind, told once per target and person
(`sla_target_id` with a unique key), with its email preference (off by default).

The notifications' kind CHECK is swapped: SQLite rebuilds the table (batch mode copies
every row), PostgreSQL drops and re-creates the constraint. Downgrading deletes the
`sla_breached` notifications first, since the old CHECK does not allow them.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 17:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

OLD_KINDS = (
    "assigned",
    "customer_replied",
    "mentioned",
    "escalated",
    "promise_reminder",
    "promise_missed",
)
KINDS = (*OLD_KINDS, "sla_breached")


def _kinds(values):
    return sa.Enum(
        *values,
        name="kind",
        native_enum=False,
        create_constraint=True,
        length=max(map(len, values)),
    )


def _swap_kinds(old, new):
    """Swap the notifications.kind CHECK (the column's length does not change)."""
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("notifications", recreate="always") as batch_op:
            batch_op.alter_column("kind", existing_type=_kinds(old), type_=_kinds(new))
    else:
        op.drop_constraint(op.f("ck_notifications_kind"), "notifications", type_="check")
        op.create_check_constraint("kind", "notifications", sa.column("kind").in_(new))


def upgrade():
    with op.batch_alter_table("sla_targets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("warn_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sla_warn_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "ix_tickets_status_sla_warn_at", ["status", "sla_warn_at", "id"], unique=False
        )

    with op.batch_alter_table("notification_preferences", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "email_sla_breached", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )

    _swap_kinds(OLD_KINDS, KINDS)
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sla_target_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_notifications_sla_target_id"), ["sla_target_id", "user_id", "kind"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_notifications_sla_target_id_sla_targets"),
            "sla_targets",
            ["sla_target_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade():
    op.execute(sa.text("DELETE FROM notifications WHERE kind = 'sla_breached'"))
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_notifications_sla_target_id_sla_targets"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("uq_notifications_sla_target_id"), type_="unique")
        batch_op.drop_column("sla_target_id")
    _swap_kinds(KINDS, OLD_KINDS)

    with op.batch_alter_table("notification_preferences", schema=None) as batch_op:
        batch_op.drop_column("email_sla_breached")

    # Not batch mode: rebuilding tickets on SQLite would lose the search triggers (0003);
    # SQLite drops a plain column in place.
    op.drop_index("ix_tickets_status_sla_warn_at", table_name="tickets")
    op.drop_column("tickets", "sla_warn_at")

    with op.batch_alter_table("sla_targets", schema=None) as batch_op:
        batch_op.drop_column("warn_at")
