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
