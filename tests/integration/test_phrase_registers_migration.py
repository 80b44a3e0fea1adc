"""Migration 0025 on a database with the old phrase library: seeded phrases nobody edited
take the new wording, key and first register; the missing phrases and registers are added
(off where the team had turned that phrase off); edited and team-written phrases stay as
they are; a downgrade puts the old wording back and removes the unused additions."""

from __future__ import annotations

import flask_migrate
import sqlalchemy as sa

from helpdesk import create_app
from helpdesk.extensions import db
from helpdesk.recovery.legacy_phrases import LEGACY_PHRASES
from helpdesk.recovery.seed_data import LIBRARY
from tests.conftest import app_config

OLD = {(key, language): text for key, _step, language, text in LEGACY_PHRASES}
NEW = {(seed.key, seed.language, seed.register): seed.text for seed in LIBRARY}
EDITED = "ขอบคุณที่เขียนมาหาเรานะคะ ทีมเราอ่านแล้วค่ะ"


def rows(connection):
    return connection.execute(
        sa.text(
            "SELECT id, heard_step, language, body, active, use_count FROM saved_replies"
            " WHERE heard_step IS NOT NULL ORDER BY id"
        )
    ).all()


def test_the_library_moves_to_registers_and_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'registers.db'}"
    app = create_app({**app_config(url), "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade(revision="0019")
        with db.engine.begin() as connection:
            before = rows(connection)
            # The team edited the Thai thanks, turned the Indonesian "our mistake" off,
            # and wrote a phrase of their own.
            connection.execute(
                sa.text(
                    "UPDATE saved_replies SET body = :body WHERE language = 'th' AND body = :old"
                ),
                {"body": EDITED, "old": OLD[("hear.thanks", "th")]},
            )
            connection.execute(
                sa.text("UPDATE saved_replies SET active = false WHERE body = :old"),
                {"old": OLD[("apologize.our_mistake", "id")]},
            )
            connection.execute(
                sa.text(
                    "INSERT INTO saved_replies (title, body, language, keywords, add_tags,"
                    " heard_step, active, position, use_count, created_at, updated_at)"
                    " VALUES ('Ours', 'Our own words', 'bn', '', '', 'hear', true, 99, 4,"
                    " '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
                )
            )
        flask_migrate.upgrade(revision="0025")
        with db.engine.connect() as connection:
            after = connection.execute(
                sa.text(
                    "SELECT id, seed_key, language, register, body, active FROM saved_replies"
                    " WHERE heard_step IS NOT NULL"
                )
            ).all()
        by_id = {row.id: row for row in after}
        # Unedited seeds kept their row (use counts stay) and took the new wording.
        for row in before:
            if (row.language, row.body) == ("th", OLD[("hear.thanks", "th")]):
                continue
            moved = by_id[row.id]
            assert moved.seed_key is not None
            assert moved.body == NEW[(moved.seed_key, moved.language, moved.register)]
            assert moved.register in (None, "kha", "formal")
        # The edited phrase stands, for every register, and no new Thai thanks joins it.
        edited = [row for row in after if row.body == EDITED]
        assert len(edited) == 1 and edited[0].register is None and edited[0].seed_key is None
        assert not [row for row in after if row.seed_key == "hear.thanks" and row.language == "th"]
        # The phrase the team turned off is off in the friendly register too.
        mistake = [
            row for row in after if row.seed_key == "apologize.our_mistake" and row.language == "id"
        ]
        assert {(row.register, row.active) for row in mistake} == {
            ("formal", False),
            ("friendly", False),
        }
        assert ("Our own words", None) in {(row.body, row.register) for row in after}
        # Every other key is there in every register: the whole library.
        have = {(row.seed_key, row.language, row.register) for row in after if row.seed_key}
        assert set(NEW) - have == {("hear.thanks", "th", "kha"), ("hear.thanks", "th", "khrap")}
        assert [row for row in after if row.body == NEW[("apologize.slow", "th", "khrap")]]

        flask_migrate.downgrade(revision="0019")
        with db.engine.connect() as connection:
            back = rows(connection)
            columns = {c["name"] for c in sa.inspect(connection).get_columns("saved_replies")}
        assert "register" not in columns and "seed_key" not in columns
        assert sorted((row.id, row.body) for row in back) == sorted(
            [
                (row.id, EDITED if row.body == OLD[("hear.thanks", "th")] else row.body)
                for row in before
            ]
            + [(next(r.id for r in back if r.body == "Our own words"), "Our own words")]
        )
