"""Saved replies: team and personal texts with placeholders and a macro — one library with
the HEARD panel's phrases. Every row of the old `phrases` table moves here as a team reply
(its step in `heard_step`; the "General" ones become everyday replies with no step), with
its use count, position and on/off state; the starting everyday replies
(helpdesk/saved_replies/seed_data.py) are added beside them; `phrases` is dropped.
Downgrading puts the phrases back (everyday team replies as "General" phrases).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 14:55:54.288053

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

LANGUAGES = ("en", "th", "id", "bn")
HEARD_STEPS = ("hear", "empathize", "apologize", "resolve", "diagnose", "promise", "closing")

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
    sa.column("heard_step", sa.String),
    sa.column("active", sa.Boolean),
    sa.column("position", sa.Integer),
    sa.column("use_count", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


def _title(text: str) -> str:
    words = " ".join(text.split())
    return words if len(words) <= 60 else words[:59].rstrip() + "…"


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True)


def upgrade():
    op.create_table(
        "saved_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("language", _enum("saved_reply_language", *LANGUAGES), nullable=False),
        sa.Column("keywords", sa.String(length=200), nullable=False),
        sa.Column(
            "set_status",
            _enum("saved_reply_status", "new", "open", "pending", "resolved", "closed"),
            nullable=True,
        ),
        sa.Column(
            "set_priority",
            _enum("saved_reply_priority", "low", "normal", "high", "urgent"),
            nullable=True,
        ),
        sa.Column("add_tags", sa.String(length=200), nullable=False),
        sa.Column("heard_step", _enum("saved_reply_heard_step", *HEARD_STEPS), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
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
        batch_op.create_index(
            "ix_saved_replies_heard_step_language",
            ["heard_step", "language", "active"],
            unique=False,
        )

    from helpdesk.saved_replies.seed_data import SAVED_REPLIES

    connection = op.get_bind()
    created = datetime.now(UTC)
    old = connection.execute(
        sa.select(phrases)
        .where(phrases.c.language.in_(LANGUAGES))
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
            "heard_step": None if row.step == "general" else row.step,
            "active": bool(row.active),
            "position": row.position or 0,
            "use_count": row.use_count or 0,
            "created_at": row.created_at or created,
            "updated_at": created,
        }
        for row in old
    ]
    taken = {(row.language, row.text) for row in old if row.step == "general"}
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
            "heard_step": None,
            "active": True,
            "position": 0,
            "use_count": 0,
            "created_at": created,
            "updated_at": created,
        }
        for seed in SAVED_REPLIES
        if (seed.language, seed.body) not in taken
    ]
    if moved or seeded:
        op.bulk_insert(saved_replies, moved + seeded)

    with op.batch_alter_table("phrases", schema=None) as batch_op:
        batch_op.drop_index("ix_phrases_step_language")
    op.drop_table("phrases")


def downgrade():
    op.create_table(
        "phrases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("step", _enum("phrase_step", *HEARD_STEPS, "general"), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("use_count", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phrases")),
    )
    with op.batch_alter_table("phrases", schema=None) as batch_op:
        batch_op.create_index(
            "ix_phrases_step_language", ["step", "language", "active"], unique=False
        )
    # Team replies go back as phrases (everyday ones as "General"), so no team text is
    # lost; personal replies and macros have no place there.
    connection = op.get_bind()
    team = connection.execute(
        sa.select(saved_replies).where(saved_replies.c.owner_id.is_(None))
    ).all()
    if team:
        op.bulk_insert(
            phrases,
            [
                {
                    "step": row.heard_step or "general",
                    "language": row.language,
                    "text": row.body,
                    "active": row.active,
                    "use_count": row.use_count,
                    "position": row.position,
                    "created_at": row.created_at,
                }
                for row in team
            ],
        )
    with op.batch_alter_table("saved_replies", schema=None) as batch_op:
        batch_op.drop_index("ix_saved_replies_heard_step_language")
        batch_op.drop_index("ix_saved_replies_owner_id_language")
    op.drop_table("saved_replies")
