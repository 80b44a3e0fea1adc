"""The widget's public side: the loader script (size, caching, settings safely embedded),
the frame's headers (who may embed it, what it posts to) and language, and the demo shop."""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import re

import pytest
from werkzeug.test import Client

from helpdesk.widget.demo_site import create_demo_site
from helpdesk.widget.settings import widget_settings_update

ALLOWED = ["https://shop.example.com", "http://127.0.0.1:5001"]
_CONFIG = re.compile(r"var C = (\{.*?\});\n")
_FRAME_CONFIG = re.compile(
    r'<script type="application/json" id="widget-config" nonce="([^"]+)">(.*?)</script>', re.S
)


@pytest.fixture
def configure(app, make_user):
    """Save widget settings through the service, as an admin would."""
    admin = make_user("admin")

    def save(**changes: object) -> None:
        values: dict[str, object] = {
            "colour": "#1f6feb",
            "position": "bottom-right",
            "label": "",
            "greeting": "",
            "allowed_origins": list(ALLOWED),
            **changes,
        }
        from helpdesk.extensions import db
        from helpdesk.models import User

        with app.app_context():
            widget_settings_update(actor=db.session.get(User, admin.id), **values)  # type: ignore[arg-type]

    return save


def loader_config(body: str) -> dict[str, str]:
    match = _CONFIG.search(body)
    assert match, "no config literal in the loader"
    return json.loads(match.group(1))


def frame_config(html: str) -> dict[str, object]:
    match = _FRAME_CONFIG.search(html)
    assert match, "no config block in the frame"
    return json.loads(match.group(2))


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


# ---- The loader


def test_loader_is_javascript_cached_for_five_minutes_with_an_etag(client):
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert "Accept-Language" in response.headers["Vary"]
    etag = response.headers["ETag"]
    again = client.get("/widget.js", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""


def test_loader_is_at_most_4_kb_gzipped(client, configure):
    configure(label="x" * 40, greeting="y" * 300)  # the largest config the settings allow
    body = client.get("/widget.js").get_data()
    assert len(gzip.compress(body)) <= 4096


def test_loader_defaults_without_settings(client):
    config = loader_config(client.get("/widget.js").get_data(as_text=True))
    assert config == {
        "colour": "#1f6feb",
        "ink": "#ffffff",
        "position": "bottom-right",
        "label": "Help",
        "title": "Support",
        "unread": "new reply",
        "frame": "/widget/frame",
        "views": "/api/widget/v1/page-views",
    }


def test_loader_config_follows_the_settings_and_the_etag_changes(client, configure):
    before = client.get("/widget.js").headers["ETag"]
    configure(colour="#AA3300", position="bottom-left", label="Need a hand?")
    response = client.get("/widget.js", headers={"If-None-Match": before})
    assert response.status_code == 200
    config = loader_config(response.get_data(as_text=True))
    assert (config["colour"], config["position"], config["label"]) == (
        "#aa3300",
        "bottom-left",
        "Need a hand?",
    )


@pytest.mark.parametrize(
    "label",
    [
        "</script><script>alert(1)</script>",
        '"};alert(1);var x={"a":"',
        "';alert(1);//",
        "<!-- \u2028 \u2029 & é ไทย",
    ],
)
def test_a_hostile_label_stays_a_string(client, configure, label):
    configure(label=label)
    body = client.get("/widget.js").get_data(as_text=True)
    literal = _CONFIG.search(body).group(1)
    assert "<" not in literal and ">" not in literal and "'" not in literal
    assert "\u2028" not in literal and "\u2029" not in literal
    assert literal.isascii()
    assert json.loads(literal)["label"] == " ".join(label.split())
    assert body.count("</script") == 0


def test_loader_only_defines_one_global_and_adds_no_stylesheet(client):
    body = client.get("/widget.js").get_data(as_text=True)
    assert re.findall(r"\bW\.(\w+)\s*=", body) == ["HelpdeskWidget"]
    assert "<style" not in body and 'createElement("style")' not in body
    assert "insertRule" not in body and "stylesheet" not in body.lower()


# ---- The frame


def test_frame_may_be_embedded_only_by_itself_and_the_allowed_sites(client, configure):
    configure()
    response = client.get("/widget/frame")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    directives = csp_directives(response.headers["Content-Security-Policy"])
    assert directives["frame-ancestors"] == ["'self'", *ALLOWED]
    nonce = _FRAME_CONFIG.search(response.get_data(as_text=True)).group(1)
    assert directives["script-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]


def test_frame_without_allowed_sites_is_same_origin_only(client):
    directives = csp_directives(client.get("/widget/frame").headers["Content-Security-Policy"])
    assert directives["frame-ancestors"] == ["'self'"]


def test_every_other_page_still_refuses_framing(client):
    for path in ("/login", "/widget.js", "/no-such-page"):
        response = client.get(path)
        assert response.headers["X-Frame-Options"] == "DENY"
        directives = csp_directives(response.headers["Content-Security-Policy"])
        assert directives["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        ("https://shop.example.com", "https://shop.example.com"),
        ("http://127.0.0.1:5001", "http://127.0.0.1:5001"),
        ("http://localhost", "http://localhost"),  # the helpdesk itself
        ("https://evil.example.com", ""),
        ("https://shop.example.com.evil.com", ""),
        ("https://shop.example.com/", ""),
        ("*", ""),
        ("", ""),
    ],
)
def test_frame_posts_only_to_a_vetted_origin(client, configure, origin, expected):
    configure()
    html = client.get("/widget/frame", query_string={"origin": origin}).get_data(as_text=True)
    assert frame_config(html)["parentOrigin"] == expected


def test_frame_takes_its_language_from_the_browser(client):
    thai = client.get("/widget/frame", headers={"Accept-Language": "th,en;q=0.5"})
    assert '<html lang="th">' in thai.get_data(as_text=True)
    assert "Accept-Language" in thai.headers["Vary"]
    other = client.get("/widget/frame", headers={"Accept-Language": "de"})
    assert '<html lang="en">' in other.get_data(as_text=True)


def test_frame_page_structure(client, configure):
    configure(greeting='Hi <b hx-get="/x">there</b>', colour="#123456")
    html = client.get("/widget/frame").get_data(as_text=True)
    assert "Hi &lt;b hx-get=&#34;/x&#34;&gt;there&lt;/b&gt;" in html
    assert "<script>" not in html and " style=" not in html and " on" + "click" not in html
    # The honeypot: hidden by a class, out of the tab order and the accessibility tree.
    honeypot = re.search(r'<div class="trap" aria-hidden="true">.*?</div>', html, re.S).group(0)
    assert 'name="website" autocomplete="off" tabindex="-1" aria-hidden="true"' in honeypot
    for field in ("name", "email", "message"):
        assert f'<label for="compose-{field}">' in html
    assert 'aria-live="polite"' in html and 'role="alert"' in html
    config = frame_config(html)
    assert config["api"] == "/api/widget/v1"
    assert config["colour"] == "#123456"
    assert "{name}" in config["text"]["new_reply"]


def test_frame_default_greeting(client):
    html = client.get("/widget/frame").get_data(as_text=True)
    assert "Hello! Search our help articles, or write to us." in html


def test_frame_first_open_stays_small(client):
    """frame.html + frame.js + frame.css, gzipped (the API calls come on top)."""
    html = client.get("/widget/frame").get_data()
    total = len(gzip.compress(html))
    for asset in ("widget/frame.js", "widget/frame.css"):
        with client.get(f"/static/{asset}") as response:
            assert response.status_code == 200
            total += len(gzip.compress(response.get_data()))
    assert total < 16 * 1024


def test_frame_keeps_the_token_out_of_urls():
    from pathlib import Path

    source = (Path(__file__).parents[2] / "static" / "widget" / "frame.js").read_text()
    assert '"X-Conversation-Token": entry.token' in source
    assert "token=" not in source and "?token" not in source


# ---- The demo shop


def test_demo_site_embeds_the_loader_from_the_helpdesk():
    site = Client(create_demo_site("http://helpdesk.test:5000/"))
    response = site.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<script src="http://helpdesk.test:5000/widget.js" async></script>' in html
    assert "data-user-hash" not in html and "?signed=1" not in html
    directives = csp_directives(response.headers["Content-Security-Policy"])
    assert directives["script-src"] == ["http://helpdesk.test:5000"]
    assert directives["frame-src"] == ["http://helpdesk.test:5000"]
    assert site.get("/other").status_code == 404


def test_demo_site_signed_mode_uses_the_current_secret():
    secrets = iter(["first-secret", "second-secret"])
    site = Client(create_demo_site("http://helpdesk.test", secret=lambda: next(secrets)))
    assert "?signed=1" in site.get("/").get_data(as_text=True)
    html = site.get("/?signed=1").get_data(as_text=True)
    expected = hmac.new(b"second-secret", b"sam.lee@example.com", hashlib.sha256).hexdigest()
    assert 'data-user-email="sam.lee@example.com"' in html
    assert 'data-user-name="Sam Lee"' in html
    assert f'data-user-hash="{expected}"' in html


def test_demo_site_refuses_a_helpdesk_url_that_is_not_http():
    with pytest.raises(ValueError):
        create_demo_site("javascript:alert(1)")


def test_demo_site_command_help(runner):
    result = runner.invoke(args=["helpdesk", "demo-site", "--help"])
    assert result.exit_code == 0
    assert "--port" in result.output and "--helpdesk-url" in result.output
