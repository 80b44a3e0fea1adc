"""Attachments both ways. Outgoing email carries a staff reply's files: an outbox row names
the conversation message whose public attachments are attached when it is sent (read from
storage then, so the row stays small and a retry sends the same files). A message says
whether it has attachments, so conversation pages without any skip that query.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 15:00:00.000000

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN, never a batch copy of `messages`: recreating the table would drop
    # its full-text search triggers on SQLite (0003).
    op.add_column(
        "messages",
        sa.Column("has_attachments", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.execute(
        "UPDATE messages SET has_attachments = true"
        " WHERE id IN (SELECT message_id FROM attachments)"
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_message_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_outbox_source_message_id_messages",
            "messages",
            ["source_message_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint("fk_outbox_source_message_id_messages", type_="foreignkey")
        batch_op.drop_column("source_message_id")
    # SQLite (3.35+) drops a plain column in place, keeping the search triggers.
    op.drop_column("messages", "has_attachments")
