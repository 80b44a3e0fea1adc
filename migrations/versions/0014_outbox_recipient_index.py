"""An index on the outbox by recipient and time: every conversation started from the widget
or by email counts the acknowledgements sent to its address in the last hour (at most one
an hour to an unverified address), which read every email of that hour without it.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-24 14:30:00.000000

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_outbox_to_address_created_at", "outbox", ["to_address", "created_at"], unique=False
    )


def downgrade():
    op.drop_index("ix_outbox_to_address_created_at", table_name="outbox")
