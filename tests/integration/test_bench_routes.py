"""The benchmark's baseline routes exist only when HELPDESK_BENCH=1 turns them on."""

from __future__ import annotations

from config import Config
from helpdesk import create_app
from helpdesk.dev.generate import generate
from helpdesk.extensions import db
from tests.conftest import app_config


def test_absent_unless_the_benchmark_turns_them_on(client):
    assert client.get("/_bench/template").status_code == 404
    assert client.get("/_bench/row").status_code == 404


def test_the_setting_comes_from_helpdesk_bench(tmp_path):
    assert Config(tmp_path, {"HELPDESK_BENCH": "1", "SECRET_KEY": "x" * 40}).BENCH_ROUTES
    assert not Config(tmp_path, {"HELPDESK_BENCH": "", "SECRET_KEY": "x" * 40}).BENCH_ROUTES
    assert not Config(tmp_path, {"SECRET_KEY": "x" * 40}).BENCH_ROUTES


def test_they_serve_a_template_and_a_row_when_on(app, database_url):
    with app.app_context():
        generate(tickets=2)
        subject = db.session.execute(db.text("SELECT subject FROM tickets WHERE id = 1")).scalar()
    bench = create_app({**app_config(database_url), "BENCH_ROUTES": True})
    client = bench.test_client()
    page = client.get("/_bench/template")
    assert page.status_code == 200
    assert "Baseline" in page.get_data(as_text=True)
    row = client.get("/_bench/row")
    with bench.app_context():
        db.session.remove()
        db.engine.dispose()  # this second app's pool: no connection left for the GC
    assert row.status_code == 200
    assert subject.replace("'", "&#39;") in row.get_data(as_text=True)
