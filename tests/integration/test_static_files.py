"""Static files: content-hashed URLs, cached for a year; pages for staff stay no-store."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "static"


def test_urls_carry_the_content_hash(client):
    html = client.get("/login").get_data(as_text=True)
    found = re.search(r'href="/static/css/app\.css\?v=([0-9a-f]{12})"', html)
    assert found, "app.css is linked without its hash"
    expected = hashlib.sha256((STATIC / "css" / "app.css").read_bytes()).hexdigest()[:12]
    assert found.group(1) == expected


def test_the_current_hash_is_cached_for_a_year(client):
    version = hashlib.sha256((STATIC / "css" / "app.css").read_bytes()).hexdigest()[:12]
    with client.get(f"/static/css/app.css?v={version}") as fresh:
        assert fresh.status_code == 200
        assert fresh.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    for url in ("/static/css/app.css", "/static/css/app.css?v=000000000000"):
        with client.get(url) as other:
            assert other.status_code == 200
            assert "immutable" not in other.headers.get("Cache-Control", "")


def test_staff_get_cached_static_files_and_uncached_pages(login_as):
    agent = login_as("agent")
    html = agent.get("/inbox").get_data(as_text=True)
    url = re.search(r'src="(/static/js/shortcuts\.js\?v=[0-9a-f]{12})"', html).group(1)
    with agent.get(url) as script:
        assert "immutable" in script.headers["Cache-Control"]
    assert agent.get("/inbox").headers["Cache-Control"] == "no-store"


def test_a_missing_file_is_a_404_without_a_hash(client):
    assert client.get("/static/nope.css").status_code == 404


def test_static_files_are_compressed_pages_are_not(client):
    import brotli

    with client.get("/static/css/app.css", headers={"Accept-Encoding": "br"}) as css:
        assert css.status_code == 200
        assert css.headers["Content-Encoding"] == "br"
        assert "Accept-Encoding" in css.headers["Vary"]
        assert brotli.decompress(css.get_data()) == (STATIC / "css" / "app.css").read_bytes()
    with client.get("/static/css/app.css") as plain:
        assert "Content-Encoding" not in plain.headers
    page = client.get("/login", headers={"Accept-Encoding": "br, gzip"})
    assert "Content-Encoding" not in page.headers  # CSRF token beside echoed input: BREACH


def _static_app(folder, environment):
    from flask import Flask

    from helpdesk.web.static_files import register_static_files

    app = Flask(__name__, static_folder=str(folder), static_url_path="/static")
    app.config["ENVIRONMENT"] = environment
    register_static_files(app)
    return app


def test_an_edited_file_gets_its_new_hash_at_once_outside_production(tmp_path):
    (tmp_path / "site.css").write_text("a {}")
    app = _static_app(tmp_path, "development")
    with app.test_request_context("/"):
        from flask import url_for

        before = url_for("static", filename="site.css")
        (tmp_path / "site.css").write_text("a { color: red }")
        after = url_for("static", filename="site.css")
    assert before != after
    assert after.endswith(hashlib.sha256(b"a { color: red }").hexdigest()[:12])


def test_production_reads_a_files_hash_once_per_worker(tmp_path, monkeypatch):
    import helpdesk.web.static_files as static_files

    (tmp_path / "site.css").write_text("a {}")
    app = _static_app(tmp_path, "production")
    hashed = []
    real = static_files.static_version
    monkeypatch.setattr(
        static_files, "static_version", lambda *args: hashed.append(args) or real(*args)
    )
    with app.test_request_context("/"):
        from flask import url_for

        urls = {url_for("static", filename="site.css") for _ in range(3)}
        assert url_for("static", filename="missing.css") == "/static/missing.css"
        assert url_for("static", filename="missing.css") == "/static/missing.css"
    assert len(urls) == 1
    assert [args[1] for args in hashed] == ["site.css", "missing.css", "missing.css"]


def test_names_a_request_sends_are_not_kept(tmp_path, monkeypatch):
    """Only the URLs templates build fill the production cache: a request can name the
    same file in endless ways ("x/../site.css"), and each is hashed again, not kept."""
    import helpdesk.web.static_files as static_files

    (tmp_path / "site.css").write_text("a {}")
    app = _static_app(tmp_path, "production")
    hashed = []
    real = static_files.static_version
    monkeypatch.setattr(
        static_files, "static_version", lambda *args: hashed.append(args[1]) or real(*args)
    )
    client = app.test_client()
    version = hashlib.sha256(b"a {}").hexdigest()[:12]
    for _ in range(2):
        with client.get(f"/static/x/../site.css?v={version}") as response:
            assert response.status_code == 200
            assert "immutable" in response.headers["Cache-Control"]
    assert hashed == ["x/../site.css", "x/../site.css"]
