"""ticket search: SQLite FTS5 trigram tables + triggers, PostgreSQL full-text + trigram indexes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 09:00:00.000000

Every object is named `search_*`, which `include_name_for_alembic` hides from autogenerate.

SQLite: three external-content FTS5 tables with the `trigram` tokenizer (substring matching,
so Thai words are found inside unbroken runs of Thai text), each mirroring columns of one
table and kept in step by that table's own insert/update/delete triggers. Trigger bodies
refer only to `search_*` tables, never to another application table, so a later batch
migration (copy, drop, rename) of one table cannot trip over another table's trigger --
but it DOES drop that table's own triggers: such a migration must re-run the statements
for that table from `SQLITE_TRIGGERS` below (tests/integration/test_search.py checks that
they all exist at head).

PostgreSQL: `to_tsvector('simple', ...)` expression GIN indexes for word matches and
ranking, and pg_trgm GIN indexes so the substring (ILIKE) match used for scripts without
spaces between words can use an index. Indexes need no back-fill and no triggers.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


# table -> (FTS5 table, indexed columns)
SQLITE_SOURCES = {
    "tickets": ("search_tickets", ("subject",)),
    "customers": ("search_customers", ("name", "email")),
    "messages": ("search_messages", ("body_source",)),
}


def _sqlite_triggers(table, fts, columns):
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    insert = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new});"
    delete = f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old});"
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in columns)
    # `table` without the final `s` keeps names short: search_ticket_ai, search_message_au.
    stem = f"search_{table[:-1]}"
    return {
        f"{stem}_ai": f"CREATE TRIGGER {stem}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"{stem}_ad": f"CREATE TRIGGER {stem}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"{stem}_au": (
            f"CREATE TRIGGER {stem}_au AFTER UPDATE OF {cols} ON {table}"
            f" WHEN {changed} BEGIN {delete} {insert} END"
        ),
    }


SQLITE_TRIGGERS = {
    name: sql
    for table, (fts, columns) in SQLITE_SOURCES.items()
    for name, sql in _sqlite_triggers(table, fts, columns).items()
}

POSTGRESQL_INDEXES = {
    "search_tickets_subject_tsv": "tickets USING gin (to_tsvector('simple', subject))",
    "search_messages_body_tsv": "messages USING gin (to_tsvector('simple', body_source))",
    "search_customers_tsv": (
        "customers USING gin (to_tsvector('simple', name || ' ' || email))"
    ),
}
POSTGRESQL_TRIGRAM_INDEXES = {
    "search_tickets_subject_trgm": "tickets USING gin (subject gin_trgm_ops)",
    "search_messages_body_trgm": "messages USING gin (body_source gin_trgm_ops)",
    "search_customers_name_trgm": "customers USING gin (name gin_trgm_ops)",
    "search_customers_email_trgm": "customers USING gin (email gin_trgm_ops)",
}


def upgrade():
    dialect = op.get_context().dialect.name  # also set in offline (--sql) mode
    if dialect == "sqlite":
        for table, (fts, columns) in SQLITE_SOURCES.items():
            op.execute(
                f"CREATE VIRTUAL TABLE {fts} USING fts5({', '.join(columns)},"
                f" content='{table}', content_rowid='id', tokenize='trigram')"
            )
            # Back-fill from the rows that already exist.
            op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
        for sql in SQLITE_TRIGGERS.values():
            op.execute(sql)
    elif dialect == "postgresql":
        for name, definition in POSTGRESQL_INDEXES.items():
            op.execute(f"CREATE INDEX {name} ON {definition}")
        # pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it.
        # Without it, substring search still works, by scanning.
        available = op.get_context().as_sql or op.get_bind().exec_driver_sql(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'"
        ).scalar()
        if available:
            op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            for name, definition in POSTGRESQL_TRIGRAM_INDEXES.items():
                op.execute(f"CREATE INDEX {name} ON {definition}")
    else:
        raise NotImplementedError(f"ticket search does not support {dialect}")


def downgrade():
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        for fts, _columns in SQLITE_SOURCES.values():
            op.execute(f"DROP TABLE IF EXISTS {fts}")
    elif dialect == "postgresql":
        # The pg_trgm extension stays: other schemas or tools may use it.
        for name in [*POSTGRESQL_TRIGRAM_INDEXES, *POSTGRESQL_INDEXES]:
            op.execute(f"DROP INDEX IF EXISTS {name}")
