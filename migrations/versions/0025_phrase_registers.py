"""Phrase registers: each agent chooses the voice of the HEARD phrases per language
(`users.phrase_voice`: Thai ผม…ครับ or ดิฉัน…ค่ะ, Indonesian and Bengali formal or friendly),
and a phrase records its register (`saved_replies.register`, NULL: any) and, when it came
from the starting library, its key (`saved_replies.seed_key`).

The library is rewritten (helpdesk/recovery/seed_data.py): every language gets every
English phrase, in each register. A seeded phrase nobody edited (its text still the one
migration 0004 seeded, helpdesk/recovery/legacy_phrases.py) takes the new text, its key
and the language's first register (Thai kha, Indonesian and Bengali formal); the phrases
and registers the old library lacked are added (off where the team had turned that phrase
off). Phrases the team edited or wrote are left as they are (register NULL: shown to every
register). Downgrading puts the old texts back, removes the added phrases nobody has used,
and drops the columns.

Revision ID: 0025
Revises: 0023
Create Date: 2026-12-05 18:00:54.292892

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0025"
down_revision = "0023"
branch_labels = None
depends_on = None

REGISTERS = ("kha", "khrap", "formal", "friendly")
# The register an old (0004) phrase was written in: Thai used ดิฉัน…ค่ะ, the others formal.
FIRST_REGISTER = {"th": "kha", "id": "formal", "bn": "formal"}

saved_replies = sa.table(
    "saved_replies",
    sa.column("id", sa.Integer),
    sa.column("owner_id", sa.Integer),
    sa.column("title", sa.String),
    sa.column("body", sa.Text),
    sa.column("language", sa.String),
    sa.column("keywords", sa.String),
    sa.column("add_tags", sa.String),
    sa.column("heard_step", sa.String),
    sa.column("register", sa.String),
    sa.column("seed_key", sa.String),
    sa.column("active", sa.Boolean),
    sa.column("position", sa.Integer),
    sa.column("use_count", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


def _title(text):
    words = " ".join(text.split())
    return words if len(words) <= 60 else words[:59].rstrip() + "…"


def _updated_register(language, register):
    """Whether a seed of this register replaces an old row (else it is added)."""
    return register is None or register == FIRST_REGISTER.get(language)


def upgrade():
    with op.batch_alter_table("saved_replies", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "register",
                sa.Enum(
                    *REGISTERS,
                    name="saved_reply_register",
                    native_enum=False,
                    create_constraint=True,
                    length=8,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("seed_key", sa.String(length=40), nullable=True))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("phrase_voice", sa.JSON(), server_default=sa.text("'{}'"), nullable=False)
        )

    from helpdesk.recovery.legacy_phrases import LEGACY_PHRASES
    from helpdesk.recovery.seed_data import LIBRARY

    connection = op.get_bind()
    team_phrases = connection.execute(
        sa.select(
            saved_replies.c.id,
            saved_replies.c.heard_step,
            saved_replies.c.language,
            saved_replies.c.body,
            saved_replies.c.active,
        )
        .where(saved_replies.c.heard_step.is_not(None), saved_replies.c.owner_id.is_(None))
        .order_by(saved_replies.c.id)
    ).all()
    legacy = {(language, step, text): key for key, step, language, text in LEGACY_PHRASES}
    # (key, language) -> the old unedited row's id and on/off state (the first such row).
    unedited: dict[tuple[str, str], tuple[int, bool]] = {}
    for row in team_phrases:
        key = legacy.get((row.language, row.heard_step, row.body))
        if key is not None:
            unedited.setdefault((key, row.language), (row.id, bool(row.active)))
    old_keys = {(key, language) for key, _step, language, _text in LEGACY_PHRASES}

    created = datetime.now(UTC)
    added = []
    for position, seed in enumerate(LIBRARY):
        found = unedited.get((seed.key, seed.language))
        values = {
            "title": _title(seed.text),
            "body": seed.text,
            "register": seed.register,
            "seed_key": seed.key,
            "position": position,
        }
        if found is not None and _updated_register(seed.language, seed.register):
            connection.execute(
                sa.update(saved_replies).where(saved_replies.c.id == found[0]).values(**values)
            )
            continue
        if (seed.key, seed.language) in old_keys and found is None:
            # The team edited this phrase: their wording stands, for every register.
            continue
        added.append(
            {
                **values,
                "owner_id": None,
                "language": seed.language,
                "keywords": "",
                "add_tags": "",
                "heard_step": seed.step,
                "active": found[1] if found is not None else True,
                "use_count": 0,
                "created_at": created,
                "updated_at": created,
            }
        )
    if added:
        op.bulk_insert(saved_replies, added)


def downgrade():
    from helpdesk.recovery.legacy_phrases import LEGACY_PHRASES
    from helpdesk.recovery.seed_data import LIBRARY

    connection = op.get_bind()
    old_text = {
        (key, language): (position, text)
        for position, (key, _step, language, text) in enumerate(LEGACY_PHRASES)
    }
    for seed in LIBRARY:
        mine = sa.and_(
            saved_replies.c.owner_id.is_(None),
            saved_replies.c.seed_key == seed.key,
            saved_replies.c.language == seed.language,
            saved_replies.c.body == seed.text,
            saved_replies.c.register.is_(None)
            if seed.register is None
            else saved_replies.c.register == seed.register,
        )
        old = old_text.get((seed.key, seed.language))
        if old is not None and _updated_register(seed.language, seed.register):
            position, text = old
            connection.execute(
                sa.update(saved_replies)
                .where(mine)
                .values(title=_title(text), body=text, position=position)
            )
        else:
            connection.execute(
                sa.delete(saved_replies).where(mine, saved_replies.c.use_count == 0)
            )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("phrase_voice")
    with op.batch_alter_table("saved_replies", schema=None) as batch_op:
        # SQLite's copy of the table would keep the CHECK naming the dropped column.
        batch_op.drop_constraint(
            batch_op.f("ck_saved_replies_saved_reply_register"), type_="check"
        )
        batch_op.drop_column("seed_key")
        batch_op.drop_column("register")
