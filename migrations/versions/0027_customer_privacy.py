"""Privacy requests (issue 20): `customers.legal_hold` (erasure is refused while it is set)
and `customers.erased_at` (when the customer's personal data was erased).

Plain ADD/DROP COLUMN on both databases: a batch (copy-and-rename) migration of
`customers` would drop its search triggers on SQLite (see 0003).

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05 21:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "customers",
        sa.Column("legal_hold", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("customers", sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    op.drop_column("customers", "erased_at")
    op.drop_column("customers", "legal_hold")
