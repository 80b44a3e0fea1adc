"""Notifications for every event staff hear about (assigned, a customer's reply, a
mention, an escalation, a promise due or missed), with what caused them, and each
person's email preferences.

The notifications table is rebuilt (its kind CHECK and unique keys change): its rows are
copied into the new one, so nobody's unread notifications are lost.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 15:00:00.000000

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

OLD_KINDS = ("promise_reminder", "promise_missed")
KINDS = (
    "assigned",
    "customer_replied",
    "mentioned",
    "escalated",
    "promise_reminder",
    "promise_missed",
)
COPIED = ("id", "user_id", "kind", "ticket_id", "promise_id", "created_at", "read_at")


def _kind(values):
    return sa.Enum(
        *values,
        name="kind",
        native_enum=False,
        create_constraint=True,
        length=max(map(len, values)),
    )


def _create_notifications(kinds, *, full):
    columns = [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", _kind(kinds), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("promise_id", sa.Integer(), nullable=True),
    ]
    constraints = [
        sa.ForeignKeyConstraint(
            ["promise_id"],
            ["promises.id"],
            name=op.f("fk_notifications_promise_id_promises"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_notifications_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint(
            "promise_id", "user_id", "kind", name=op.f("uq_notifications_promise_id")
        ),
    ]
    if full:
        columns += [
            sa.Column("message_id", sa.Integer(), nullable=True),
            sa.Column("escalation_id", sa.Integer(), nullable=True),
            sa.Column("actor_id", sa.Integer(), nullable=True),
        ]
        constraints += [
            sa.ForeignKeyConstraint(
                ["message_id"],
                ["messages.id"],
                name=op.f("fk_notifications_message_id_messages"),
                ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                ["escalation_id"],
                ["escalations.id"],
                name=op.f("fk_notifications_escalation_id_escalations"),
                ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                ["actor_id"],
                ["users.id"],
                name=op.f("fk_notifications_actor_id_users"),
                ondelete="SET NULL",
            ),
            sa.UniqueConstraint(
                "message_id", "user_id", "kind", name=op.f("uq_notifications_message_id")
            ),
            sa.UniqueConstraint(
                "escalation_id", "user_id", "kind", name=op.f("uq_notifications_escalation_id")
            ),
        ]
    columns += [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
    ]
    op.create_table("notifications", *columns, *constraints)
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notifications_user_id_read_at", ["user_id", "read_at", "created_at"], unique=False
        )
        if full:
            batch_op.create_index("ix_notifications_user_id_id", ["user_id", "id"], unique=False)


def _rebuild(kinds, *, full, keep):
    """Drop and recreate `notifications`, copying back the rows whose kind `keep` allows
    (through a plain copy table, in SQL, so every value keeps its stored form)."""
    connection = op.get_bind()
    columns = ", ".join(COPIED)
    kept = ", ".join(f"'{kind}'" for kind in keep)
    op.execute(f"CREATE TABLE notifications_copy AS SELECT {columns} FROM notifications")
    op.drop_table("notifications")
    _create_notifications(kinds, full=full)
    op.execute(
        f"INSERT INTO notifications ({columns}) SELECT {columns} FROM notifications_copy"
        f" WHERE kind IN ({kept})"
    )
    op.drop_table("notifications_copy")
    if connection.dialect.name == "postgresql":
        connection.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('notifications', 'id'),"
                " coalesce((SELECT max(id) FROM notifications), 0) + 1, false)"
            )
        )


def upgrade():
    _rebuild(KINDS, full=True, keep=OLD_KINDS)
    op.create_table(
        "notification_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email_assigned", sa.Boolean(), nullable=False),
        sa.Column("email_customer_replied", sa.Boolean(), nullable=False),
        sa.Column("email_mentioned", sa.Boolean(), nullable=False),
        sa.Column("email_escalated", sa.Boolean(), nullable=False),
        sa.Column("email_promise_reminder", sa.Boolean(), nullable=False),
        sa.Column("email_promise_missed", sa.Boolean(), nullable=False),
        sa.Column("digest", sa.Boolean(), nullable=False),
        sa.Column("digest_sent_on", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_preferences")),
    )


def downgrade():
    op.drop_table("notification_preferences")
    _rebuild(OLD_KINDS, full=False, keep=OLD_KINDS)
