"""SQLite connections: WAL, and `synchronous` NORMAL unless FULL is asked for."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from config import Config
from helpdesk import create_app
from helpdesk.extensions import db
from tests.conftest import app_config


def pragma(app, name):
    with app.app_context():
        return db.session.execute(sa.text(f"PRAGMA {name}")).scalar()


def test_wal_and_normal_by_default(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite only")
    assert pragma(app, "journal_mode") == "wal"
    assert pragma(app, "synchronous") == 1  # NORMAL


def test_full_when_asked(database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite only")
    full = create_app({**app_config(database_url), "SQLITE_SYNCHRONOUS": "FULL"})
    assert pragma(full, "synchronous") == 2


def test_the_setting_is_checked(tmp_path):
    base = {"SECRET_KEY": "k" * 40}
    assert Config(tmp_path, base).SQLITE_SYNCHRONOUS == "NORMAL"
    assert (
        Config(tmp_path, {**base, "HELPDESK_SQLITE_SYNCHRONOUS": "FULL"}).SQLITE_SYNCHRONOUS
        == "FULL"
    )
    with pytest.raises(RuntimeError, match="HELPDESK_SQLITE_SYNCHRONOUS"):
        Config(tmp_path, {**base, "HELPDESK_SQLITE_SYNCHRONOUS": "OFF"})
