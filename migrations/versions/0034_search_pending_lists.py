"""PostgreSQL's search indexes keep short pending lists (256 kB instead of 4 MB).

A GIN index adds new rows to a pending list, merged into the index only when the list
outgrows `gin_pending_list_limit` (4 MB by default) or at a vacuum, and every search reads
the whole list. A busy widget's new customers and messages kept up to 4 MB of it on each
index: a customer probe that takes 0.3 ms took 2.4 ms behind 470 pending pages (issue 25).
At 256 kB an insert merges the list sixteen times as often, each merge a sixteenth of the
work, and a search reads at most 32 pending pages. The lists there are now are merged.
SQLite's FTS5 tables have no such list: nothing to do there.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-06 17:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

PENDING_LIST_KB = 256
SEARCH_INDEXES = (
    "search_tickets_subject_tsv",
    "search_tickets_subject_trgm",
    "search_messages_body_tsv",
    "search_messages_body_trgm",
    "search_customers_tsv",
    "search_customers_name_trgm",
    "search_customers_email_trgm",
    "search_customers_company_trgm",
    "search_articles_tsv",
    "search_articles_title_trgm",
    "search_articles_body_trgm",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in SEARCH_INDEXES:
        op.execute(f"ALTER INDEX {name} SET (gin_pending_list_limit = {PENDING_LIST_KB})")
        op.execute(f"SELECT gin_clean_pending_list('{name}'::regclass)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in SEARCH_INDEXES:
        op.execute(f"ALTER INDEX {name} RESET (gin_pending_list_limit)")
