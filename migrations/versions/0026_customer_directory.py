"""The customer directory (issue 20, item 3).

`customers` gains `company` (typed by staff, searched by the directory) and
`last_contact_at` (when the customer last wrote: the "last contact" sort), filled here from
their newest message, and indexes for the directory's sorts. `customer_notes` holds the
team's internal notes about a customer; `customer_aliases` the addresses of records merged
into another, so mail and the widget from an old address find the kept customer.

Columns are only added, and dropped without a batch rebuild on downgrade (SQLite 3.35+
drops a column in place), so the search triggers on `customers` (0003) stay.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05 20:50:37.535971

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

# Named search_* so autogenerate ignores it, as the other search indexes (0003).
COMPANY_TRIGRAMS = "search_customers_company_trgm"


def upgrade():
    op.create_table(
        "customer_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("merged_from_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_aliases_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_aliases")),
        sa.UniqueConstraint("email", name=op.f("uq_customer_aliases_email")),
    )
    op.create_index(
        op.f("ix_customer_aliases_customer_id"), "customer_aliases", ["customer_id"], unique=False
    )
    op.create_table(
        "customer_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_customer_notes_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_notes_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_notes")),
    )
    op.create_index(
        "ix_customer_notes_customer_id_created_at",
        "customer_notes",
        ["customer_id", "created_at", "id"],
        unique=False,
    )
    op.add_column("customers", sa.Column("company", sa.String(length=120), nullable=True))
    op.add_column(
        "customers", sa.Column("last_contact_at", sa.DateTime(timezone=True), nullable=True)
    )
    # One grouped pass over the customers' messages (UPDATE … FROM: SQLite 3.33+).
    op.execute(
        "UPDATE customers SET last_contact_at = newest.at"
        " FROM (SELECT author_customer_id AS customer_id, max(created_at) AS at"
        " FROM messages WHERE author_type = 'customer' GROUP BY author_customer_id) AS newest"
        " WHERE newest.customer_id = customers.id"
    )
    op.create_index(
        "ix_customers_last_contact_at_id", "customers", ["last_contact_at", "id"], unique=False
    )
    op.create_index(
        "ix_customers_lifetime_value_cents_id",
        "customers",
        ["lifetime_value_cents", "id"],
        unique=False,
    )
    # The directory's company search, on PostgreSQL: a trigram index beside the name and
    # email ones of 0003 (when pg_trgm is there; without it, ILIKE scans).
    if op.get_context().dialect.name == "postgresql" and (
        op.get_context().as_sql
        or op.get_bind()
        .exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        .scalar()
    ):
        op.execute(f"CREATE INDEX {COMPANY_TRIGRAMS} ON customers USING gin (company gin_trgm_ops)")


def downgrade():
    if op.get_context().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {COMPANY_TRIGRAMS}")
    op.drop_index("ix_customers_lifetime_value_cents_id", table_name="customers")
    op.drop_index("ix_customers_last_contact_at_id", table_name="customers")
    op.drop_column("customers", "last_contact_at")
    op.drop_column("customers", "company")
    op.drop_index("ix_customer_notes_customer_id_created_at", table_name="customer_notes")
    op.drop_table("customer_notes")
    op.drop_index(op.f("ix_customer_aliases_customer_id"), table_name="customer_aliases")
    op.drop_table("customer_aliases")
