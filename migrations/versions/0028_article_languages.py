"""Article languages: each help article has a language (`articles.language`, the app's
languages; existing articles are in the default, English) and may be the translation of
another (`articles.translation_of_id`, its original; at most one translation per language
of an original). The help centre and the widget show a reader the article in their
language when one exists, else the original.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-05 21:20:00

"""

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(
            sa.Column("language", sa.String(8), nullable=False, server_default="en")
        )
        batch.add_column(sa.Column("translation_of_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_articles_translation_of_id_articles"),
            "articles",
            ["translation_of_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index(
            batch.f("ix_articles_translation_of_id_language"),
            ["translation_of_id", "language"],
            unique=True,
        )
    _recreate_search_triggers()


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_index(batch.f("ix_articles_translation_of_id_language"))
        batch.drop_constraint(
            batch.f("fk_articles_translation_of_id_articles"), type_="foreignkey"
        )
        batch.drop_column("translation_of_id")
        batch.drop_column("language")
    _recreate_search_triggers()


def _recreate_search_triggers() -> None:
    """On SQLite the batch copied `articles`, dropping the triggers that keep the help
    search's FTS table in step (migration 0007): create them again."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for name, sql in _article_search_triggers().items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(sql)


def _article_search_triggers() -> dict[str, str]:
    """Migration 0007's SQLite triggers keeping the help search's FTS table in step."""
    path = next(Path(__file__).parent.glob("0007_*.py"))
    spec = importlib.util.spec_from_file_location("migration_0007", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.SQLITE_TRIGGERS)
