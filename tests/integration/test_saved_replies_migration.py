"""Migration 0017 on a database with a phrase library: every phrase becomes a team saved
reply (step phrases keep their step, "General" ones become everyday replies) with its use
count and on/off state, the starting replies join them, the `phrases` table goes, and a
downgrade puts the phrases back."""

from __future__ import annotations

import flask_migrate
import sqlalchemy as sa

from helpdesk import create_app
from helpdesk.extensions import db
from tests.conftest import app_config


def test_the_phrase_library_moves_into_saved_replies(tmp_path):
    url = f"sqlite:///{tmp_path / 'library.db'}"
    app = create_app({**app_config(url), "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade(revision="0015")
        with db.engine.begin() as connection:
            seeded = connection.execute(sa.text("SELECT COUNT(*) FROM phrases")).scalar()
            connection.execute(
                sa.text(
                    "INSERT INTO phrases (step, language, text, active, use_count, position,"
                    " created_at) VALUES"
                    " ('general', 'en', 'Hi {customer_first_name}, {agent_first_name} here.',"
                    "  1, 7, 0, '2026-01-01 00:00:00'),"
                    " ('general', 'id', 'Sampai jumpa, {customer_first_name}!', 1, 3, 1,"
                    "  '2026-01-01 00:00:00'),"
                    " ('hear', 'en', 'A disabled hear phrase', 0, 2, 9, '2026-01-01 00:00:00')"
                )
            )
        flask_migrate.upgrade(revision="0017")
        with db.engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT heard_step, language, body, use_count, active, owner_id"
                    " FROM saved_replies"
                )
            ).all()
            tables = sa.inspect(connection).get_table_names()
        assert "phrases" not in tables
        everyday = [row for row in rows if row.heard_step is None]
        steps = [row for row in rows if row.heard_step is not None]
        assert len(steps) == seeded + 1
        assert ("hear", "en", "A disabled hear phrase", 2, False, None) in steps
        assert (
            None,
            "en",
            "Hi {customer_first_name}, {agent_first_name} here.",
            7,
            True,
            None,
        ) in everyday
        assert (None, "id", "Sampai jumpa, {customer_first_name}!", 3, True, None) in everyday
        bodies = [row.body for row in everyday]
        # The starting replies join them, without a second copy of the same greeting.
        assert bodies.count("Hi {customer_first_name}, {agent_first_name} here.") == 1
        assert "Is there anything else I can help with, {customer_first_name}?" in bodies

        flask_migrate.downgrade(revision="0015")
        with db.engine.connect() as connection:
            back = connection.execute(sa.text("SELECT step, text, active FROM phrases")).all()
        assert ("general", "Sampai jumpa, {customer_first_name}!", True) in back
        assert ("hear", "A disabled hear phrase", False) in back
        db.engine.dispose()
