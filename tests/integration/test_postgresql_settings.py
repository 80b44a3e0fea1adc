"""PostgreSQL connections run without parallel query unless HELPDESK_POSTGRESQL_PARALLEL_WORKERS
says otherwise (helpdesk/postgresql.py)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from config import Config
from helpdesk.extensions import db
from helpdesk.postgresql import postgresql_engine_options


def test_parallel_query_is_off_on_the_apps_connections(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    with app.app_context():
        assert db.session.scalar(sa.text("SHOW max_parallel_workers_per_gather")) == "0"


def test_the_options_keep_what_was_there():
    options = postgresql_engine_options(
        {"pool_pre_ping": True, "connect_args": {"options": "-c statement_timeout=5000"}},
        parallel_workers=2,
    )
    assert options["pool_pre_ping"] is True
    assert options["connect_args"]["options"] == (
        "-c statement_timeout=5000 -c max_parallel_workers_per_gather=2"
    )


def test_the_setting_is_checked(tmp_path):
    base = {"SECRET_KEY": "k" * 40}
    assert Config(tmp_path, base).POSTGRESQL_PARALLEL_WORKERS == 0
    workers = {**base, "HELPDESK_POSTGRESQL_PARALLEL_WORKERS": "2"}
    assert Config(tmp_path, workers).POSTGRESQL_PARALLEL_WORKERS == 2
    for bad in ("-1", "many"):
        with pytest.raises(RuntimeError, match="HELPDESK_POSTGRESQL_PARALLEL_WORKERS"):
            Config(tmp_path, {**base, "HELPDESK_POSTGRESQL_PARALLEL_WORKERS": bad})
