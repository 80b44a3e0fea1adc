"""`/healthz` answers for the database."""

from __future__ import annotations

from helpdesk import create_app
from helpdesk.extensions import db
from tests.conftest import app_config


def test_healthz_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_healthz_503_when_the_database_is_unreachable(tmp_path, database_url):
    url = f"sqlite:///{tmp_path}/missing-dir/nope.db"
    app = create_app({**app_config(database_url), "SQLALCHEMY_DATABASE_URI": url})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    with app.app_context():
        db.engine.dispose()
