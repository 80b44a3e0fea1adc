"""PostgreSQL connections run without parallel query, with random reads priced for SSDs and
a plan for each query's own values, unless HELPDESK_POSTGRESQL_OPTIONS says otherwise; their
prepared statements outlive a request that only read (helpdesk/db/postgresql.py)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from config import Config
from helpdesk.db.postgresql import plan_once_for_any_values, postgresql_engine_options
from helpdesk.extensions import db
from helpdesk.models import Tag


def _postgresql_only(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("PostgreSQL only")


def test_the_settings_are_on_the_apps_connections(app):
    _postgresql_only(app)
    with app.app_context():
        assert db.session.scalar(sa.text("SHOW max_parallel_workers_per_gather")) == "0"
        assert db.session.scalar(sa.text("SHOW random_page_cost")) == "1.1"
        assert db.session.scalar(sa.text("SHOW plan_cache_mode")) == "force_custom_plan"


_TAG_BY_NAME = sa.select(Tag.id).where(Tag.name == sa.bindparam("name"))


def _prepared() -> list[str]:
    return list(db.session.scalars(sa.text("SELECT statement FROM pg_prepared_statements")))


def test_a_statement_stays_prepared_across_requests_that_only_read(app):
    _postgresql_only(app)
    for round in range(8):  # psycopg prepares on the fifth use; one use a request
        with app.app_context():
            db.session.execute(_TAG_BY_NAME, {"name": f"tag-{round}"}).all()
    with app.app_context():
        prepared = _prepared()
    assert any("tags.name = $1" in statement for statement in prepared), prepared


def test_a_request_that_wrote_still_ends_in_a_rollback(app):
    _postgresql_only(app)
    with app.app_context():
        db.session.add(Tag(name="flushed-not-committed"))
        db.session.flush()
    with app.app_context():
        db.session.add(Tag(name="pending-not-flushed"))
        db.session.autoflush = False
    with app.app_context():
        names = set(db.session.scalars(sa.select(Tag.name)))
    assert not {"flushed-not-committed", "pending-not-flushed"} & names


def test_a_request_that_failed_ends_in_a_rollback(app):
    _postgresql_only(app)
    with pytest.raises(RuntimeError):
        with app.app_context():
            db.session.execute(_TAG_BY_NAME, {"name": "x"}).all()
            raise RuntimeError("the view failed")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Tag)) == 0


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


def test_one_plan_for_any_values_lasts_until_the_transaction_ends(app):
    _postgresql_only(app)
    with app.app_context():
        plan_once_for_any_values()
        assert db.session.scalar(sa.text("SHOW plan_cache_mode")) == "auto"
        for round in range(8):
            db.session.execute(_TAG_BY_NAME, {"name": f"tag-{round}"}).all()
    with app.app_context():
        assert db.session.scalar(sa.text("SHOW plan_cache_mode")) == "force_custom_plan"
        # SET LOCAL leaves nothing behind: that transaction ended in a commit, and the
        # statement it prepared is still there.
        assert any("tags.name = $1" in statement for statement in _prepared())
