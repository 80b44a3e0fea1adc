"""The complaint detector learns from the team: each customer message keeps the score the
detector gave it, agents label tickets "complaint" / "not a complaint", and the workspace's
adaptations fitted on those labels are kept.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 09:30:00.000000

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("complaint_score", sa.Double(), nullable=True))
    op.create_table(
        "complaint_labels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("is_complaint", sa.Boolean(), nullable=False),
        sa.Column("score", sa.Double(), nullable=True),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("labelled_by_id", sa.Integer(), nullable=True),
        sa.Column("labelled_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_complaint_labels_message_id_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["labelled_by_id"], ["users.id"], name=op.f("fk_complaint_labels_labelled_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_complaint_labels_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_labels")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_complaint_labels_ticket_id")),
    )
    op.create_index(
        "ix_complaint_labels_labelled_at", "complaint_labels", ["labelled_at"], unique=False
    )
    op.create_table(
        "detector_adaptations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("model_version", sa.String(length=40), nullable=False),
        sa.Column("last_label_id", sa.Integer(), nullable=False),
        sa.Column("complaints", sa.Integer(), nullable=False),
        sa.Column("not_complaints", sa.Integer(), nullable=False),
        sa.Column("bias", sa.Double(), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_detector_adaptations")),
    )


def downgrade():
    op.drop_table("detector_adaptations")
    op.drop_index("ix_complaint_labels_labelled_at", table_name="complaint_labels")
    op.drop_table("complaint_labels")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("complaint_score")
