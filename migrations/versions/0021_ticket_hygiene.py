"""Everyday ticket hygiene (issue 21): snoozing, merging, spam and blocked senders.

`tickets` gains `snoozed_until` (hidden from the working views until then; the wake sweep
and the "Snoozed" view read it through `ix_tickets_snoozed_until`), `merged_into_id` (the
ticket this one was merged into; links to it lead there), `spam_at` and
`status_before_spam` (closed as spam, and the status "Not spam" restores; the "Spam" view
reads `ix_tickets_spam_at`). `blocked_senders` holds the addresses and domains whose new
mail and widget messages open no ticket, with who blocked them, from which ticket, and how
many messages were refused since. Columns are only added (no table rebuild on SQLite, so
the search triggers on `tickets` stay).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 17:34:35.369131

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "blocked_senders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pattern", sa.String(length=254), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("email", "domain", name="kind", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dropped_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_dropped_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_blocked_senders_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_blocked_senders_ticket_id_tickets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blocked_senders")),
        sa.UniqueConstraint("pattern", name=op.f("uq_blocked_senders_pattern")),
    )
    with op.batch_alter_table("blocked_senders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_blocked_senders_ticket_id"), ["ticket_id"], unique=False
        )

    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("snoozed_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("spam_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("status_before_spam", sa.String(length=20), nullable=True))
        batch_op.create_index("ix_tickets_snoozed_until", ["snoozed_until", "id"], unique=False)
        batch_op.create_index("ix_tickets_spam_at", ["spam_at", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_spam_at")
        batch_op.drop_index("ix_tickets_snoozed_until")
        batch_op.drop_column("status_before_spam")
        batch_op.drop_column("spam_at")
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("snoozed_until")

    with op.batch_alter_table("blocked_senders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_blocked_senders_ticket_id"))

    op.drop_table("blocked_senders")
