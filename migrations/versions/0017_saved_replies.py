"""Saved replies: team and personal texts with placeholders and a macro. The phrase
library's active "General" phrases move here as team replies (one library, not two), and
the starting team replies (helpdesk/saved_replies/seed_data.py) are added beside them.

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-05 14:55:54.288053

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None

LANGUAGES = ("en", "th", "id", "bn")

phrases = sa.table(
    "phrases",
    sa.column("id", sa.Integer),
    sa.column("step", sa.String),
    sa.column("language", sa.String),
    sa.column("text", sa.Text),
    sa.column("active", sa.Boolean),
    sa.column("use_count", sa.Integer),
    sa.column("position", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
saved_replies = sa.table(
    "saved_replies",
    sa.column("owner_id", sa.Integer),
    sa.column("title", sa.String),
    sa.column("body", sa.Text),
    sa.column("language", sa.String),
    sa.column("keywords", sa.String),
    sa.column("set_status", sa.String),
    sa.column("set_priority", sa.String),
    sa.column("add_tags", sa.String),
    sa.column("use_count", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


def _title(text: str) -> str:
    words = " ".join(text.split())
    return words if len(words) <= 60 else words[:59].rstrip() + "…"


def upgrade():
    op.create_table(
        "saved_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "language",
            sa.Enum(
                "en",
                "th",
                "id",
                "bn",
                name="saved_reply_language",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("keywords", sa.String(length=200), nullable=False),
        sa.Column(
            "set_status",
            sa.Enum(
                "new",
                "open",
                "pending",
                "resolved",
                "closed",
                name="saved_reply_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column(
            "set_priority",
            sa.Enum(
                "low",
                "normal",
                "high",
                "urgent",
                name="saved_reply_priority",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("add_tags", sa.String(length=200), nullable=False),
        sa.Column("use_count", sa.Integer(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_saved_replies_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_replies")),
    )
    with op.batch_alter_table("saved_replies", schema=None) as batch_op:
        batch_op.create_index(
            "ix_saved_replies_owner_id_language", ["owner_id", "language"], unique=False
        )

    # The phrase library's active General phrases become team replies, with their counts.
    # Disabled ones stay where they are (shown nowhere, as before).
    from helpdesk.saved_replies.seed_data import SAVED_REPLIES

    connection = op.get_bind()
    created = datetime.now(UTC)
    general = connection.execute(
        sa.select(phrases.c.id, phrases.c.language, phrases.c.text, phrases.c.use_count)
        .where(
            phrases.c.step == "general",
            phrases.c.active.is_(True),
            phrases.c.language.in_(LANGUAGES),
        )
        .order_by(phrases.c.position, phrases.c.id)
    ).all()
    moved = [
        {
            "owner_id": None,
            "title": _title(row.text),
            "body": row.text,
            "language": row.language,
            "keywords": "",
            "set_status": None,
            "set_priority": None,
            "add_tags": "",
            "use_count": row.use_count or 0,
            "created_at": created,
            "updated_at": created,
        }
        for row in general
    ]
    taken = {(row.language, row.text) for row in general}
    seeded = [
        {
            "owner_id": None,
            "title": seed.title,
            "body": seed.body,
            "language": seed.language,
            "keywords": seed.keywords,
            "set_status": seed.set_status,
            "set_priority": None,
            "add_tags": seed.add_tags,
            "use_count": 0,
            "created_at": created,
            "updated_at": created,
        }
        for seed in SAVED_REPLIES
        if (seed.language, seed.body) not in taken
    ]
    if moved or seeded:
        op.bulk_insert(saved_replies, moved + seeded)
    if general:
        connection.execute(sa.delete(phrases).where(phrases.c.id.in_([row.id for row in general])))


def downgrade():
    # Team replies go back to the phrase library as General phrases, so no text is lost;
    # personal replies and macros have no place there.
    connection = op.get_bind()
    created = datetime.now(UTC)
    team = connection.execute(
        sa.select(saved_replies.c.language, saved_replies.c.body, saved_replies.c.use_count).where(
            saved_replies.c.owner_id.is_(None)
        )
    ).all()
    if team:
        op.bulk_insert(
            phrases,
            [
                {
                    "step": "general",
                    "language": row.language,
                    "text": row.body,
                    "active": True,
                    "use_count": row.use_count,
                    "position": 0,
                    "created_at": created,
                }
                for row in team
            ],
        )
    with op.batch_alter_table("saved_replies", schema=None) as batch_op:
        batch_op.drop_index("ix_saved_replies_owner_id_language")
    op.drop_table("saved_replies")
