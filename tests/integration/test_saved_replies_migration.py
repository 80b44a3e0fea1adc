"""Migration 0017 on a database that has a phrase library: the active General phrases
become team saved replies (with their use counts) beside the starting replies, disabled ones
stay, and a downgrade puts the team replies back as General phrases."""

from __future__ import annotations

import flask_migrate
import sqlalchemy as sa

from helpdesk import create_app
from helpdesk.extensions import db
from tests.conftest import app_config


def test_general_phrases_move_to_team_saved_replies(tmp_path):
    url = f"sqlite:///{tmp_path / 'library.db'}"
    app = create_app({**app_config(url), "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade(revision="0015")
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO phrases (step, language, text, active, use_count, position,"
                    " created_at) VALUES"
                    " ('general', 'en', 'Hi {customer_first_name}, {agent_first_name} here.',"
                    "  1, 7, 0, '2026-01-01 00:00:00'),"
                    " ('general', 'id', 'Sampai jumpa, {customer_first_name}!', 1, 3, 1,"
                    "  '2026-01-01 00:00:00'),"
                    " ('general', 'en', 'A disabled one', 0, 0, 2, '2026-01-01 00:00:00')"
                )
            )
        flask_migrate.upgrade(revision="0017")
        with db.engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT language, body, use_count, owner_id FROM saved_replies")
            ).all()
            general = connection.execute(
                sa.text("SELECT text FROM phrases WHERE step = 'general'")
            ).all()
        bodies = [row.body for row in rows]
        assert ("en", "Hi {customer_first_name}, {agent_first_name} here.", 7, None) in rows
        assert ("id", "Sampai jumpa, {customer_first_name}!", 3, None) in rows
        # The starting replies join them, without a second copy of the same greeting.
        assert bodies.count("Hi {customer_first_name}, {agent_first_name} here.") == 1
        assert "Is there anything else I can help with, {customer_first_name}?" in bodies
        assert {row.language for row in rows} == {"en", "th", "id", "bn"}
        assert general == [("A disabled one",)]

        flask_migrate.downgrade(revision="0015")
        with db.engine.connect() as connection:
            back = set(
                connection.execute(
                    sa.text("SELECT text FROM phrases WHERE step = 'general'")
                ).scalars()
            )
        assert "Sampai jumpa, {customer_first_name}!" in back
        assert "A disabled one" in back
        db.engine.dispose()
