"""The migrations build the schema from nothing, and agree with the models."""

from __future__ import annotations

import os
import uuid

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from config import normalise_database_url
from helpdesk import create_app
from helpdesk.extensions import db
from helpdesk.models.base import include_name_for_alembic, render_item_for_alembic
from tests.conftest import app_config


def _assert_schema_matches_models(app) -> None:
    with app.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "compare_type": True,
                    "render_item": render_item_for_alembic,
                    "include_name": include_name_for_alembic,
                },
            )
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"


def _upgrade_downgrade_upgrade(url: str) -> None:
    app = create_app({**app_config(url), "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade()
    _assert_schema_matches_models(app)
    with app.app_context():
        flask_migrate.downgrade(revision="base")
        assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
        flask_migrate.upgrade()
        assert "tickets" in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_sqlite_empty_database_upgrades_to_head_matching_the_models(tmp_path):
    _upgrade_downgrade_upgrade(f"sqlite:///{tmp_path / 'fresh.db'}")


@pytest.mark.skipif(
    not os.environ.get("HELPDESK_TEST_DATABASE_URL"),
    reason="HELPDESK_TEST_DATABASE_URL is not set (CI sets it to PostgreSQL)",
)
def test_postgresql_empty_database_upgrades_to_head_matching_the_models():
    base = sa.make_url(normalise_database_url(os.environ["HELPDESK_TEST_DATABASE_URL"]))
    name = f"helpdesk_migrations_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        _upgrade_downgrade_upgrade(base.set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
