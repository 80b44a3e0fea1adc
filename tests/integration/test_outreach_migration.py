"""Migration 0031 on SQLite: widening the tickets' channel CHECK copies the table; the
search index's triggers on it survive (upgrade and downgrade), the rows keep their data,
and an "outreach" ticket is refused before it and accepted after."""

from __future__ import annotations

import flask_migrate
import pytest
import sqlalchemy as sa

from helpdesk import create_app
from helpdesk.extensions import db
from tests.conftest import app_config

TRIGGERS = {"search_ticket_ai", "search_ticket_ad", "search_ticket_au"}


def _triggers() -> set[str]:
    rows = db.session.execute(
        sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'tickets'")
    )
    return {name for (name,) in rows}


def _insert_ticket(number: int, channel: str) -> None:
    db.session.execute(
        sa.text(
            "INSERT INTO tickets (number, subject, status, priority, kind, channel, customer_id,"
            " priority_rank, created_at, last_activity_at, version, last_message_snippet,"
            " sentiment_reasons) VALUES (:n, 'Lost parcel', 'open', 'normal', 'question', :c, 1,"
            " 1, '2026-06-01 09:00:00', '2026-06-01 09:00:00', 1, '', '[]')"
        ),
        {"n": number, "c": channel},
    )


def test_0031_keeps_the_ticket_search_triggers_and_widens_the_channel(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'channel.db'}"
    app = create_app({**app_config(url), "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade(revision="0029")
        db.session.execute(
            sa.text(
                "INSERT INTO customers (id, email, name, lifetime_value_cents, vip, created_at,"
                " legal_hold) VALUES (1, 'ana@example.net', 'Ana', 0, 0, '2026-06-01', 0)"
            )
        )
        _insert_ticket(1, "email")
        db.session.commit()
        with pytest.raises(sa.exc.IntegrityError):
            _insert_ticket(2, "outreach")
        db.session.rollback()
        assert _triggers() == TRIGGERS

        flask_migrate.upgrade()
        assert _triggers() == TRIGGERS
        _insert_ticket(2, "outreach")
        db.session.commit()
        found = db.session.execute(
            sa.text("SELECT t.number FROM search_tickets s JOIN tickets t ON t.id = s.rowid")
        ).all()
        assert sorted(number for (number,) in found) == [1, 2]

        flask_migrate.downgrade(revision="0029")
        assert _triggers() == TRIGGERS
        channels = db.session.execute(sa.text("SELECT channel FROM tickets ORDER BY number"))
        assert [channel for (channel,) in channels] == ["email", "agent"]
        db.engine.dispose()
