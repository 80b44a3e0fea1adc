"""PostgreSQL connections run without parallel query, with random reads priced for SSDs and
a plan for each query's own values, unless HELPDESK_POSTGRESQL_OPTIONS says otherwise
(helpdesk/db/postgresql.py)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from config import Config
from helpdesk.db.postgresql import postgresql_engine_options
from helpdesk.extensions import db


def test_the_settings_are_on_the_apps_connections(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    with app.app_context():
        assert db.session.scalar(sa.text("SHOW max_parallel_workers_per_gather")) == "0"
        assert db.session.scalar(sa.text("SHOW random_page_cost")) == "1.1"
        assert db.session.scalar(sa.text("SHOW plan_cache_mode")) == "force_custom_plan"


def test_the_options_keep_what_was_there():
    options = postgresql_engine_options(
        {"pool_pre_ping": True, "connect_args": {"options": "-c statement_timeout=5000"}},
        settings="-c max_parallel_workers_per_gather=2",
    )
    assert options["pool_pre_ping"] is True
    assert options["connect_args"]["options"] == (
        "-c statement_timeout=5000 -c max_parallel_workers_per_gather=2"
    )
    assert postgresql_engine_options({"pool_pre_ping": True}, settings="") == {
        "pool_pre_ping": True
    }


def test_the_setting_is_checked(tmp_path):
    base = {"SECRET_KEY": "k" * 40}
    assert Config(tmp_path, base).POSTGRESQL_OPTIONS == (
        "-c max_parallel_workers_per_gather=0 -c random_page_cost=1.1"
        " -c plan_cache_mode=force_custom_plan"
    )
    mine = {**base, "HELPDESK_POSTGRESQL_OPTIONS": " -c  work_mem=64MB  -c jit=off "}
    assert Config(tmp_path, mine).POSTGRESQL_OPTIONS == "-c work_mem=64MB -c jit=off"
    assert Config(tmp_path, {**base, "HELPDESK_POSTGRESQL_OPTIONS": ""}).POSTGRESQL_OPTIONS == ""
    for bad in ("work_mem=64MB", "-c work_mem=64MB; DROP TABLE x", "-c x='y z'"):
        with pytest.raises(RuntimeError, match="HELPDESK_POSTGRESQL_OPTIONS"):
            Config(tmp_path, {**base, "HELPDESK_POSTGRESQL_OPTIONS": bad})
