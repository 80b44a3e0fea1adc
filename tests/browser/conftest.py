"""Browser fixtures: the app served on a loopback port, and Playwright driving the system
Chromium. Without Chromium the tests skip with a one-line reason, unless
HELPDESK_REQUIRE_BROWSER is set (CI sets it), when they fail instead."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("HELPDESK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium_missing() -> str | None:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (install Debian's chromium package)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (make test installs it)"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    reason = _chromium_missing()
    if reason:
        if os.environ.get("HELPDESK_REQUIRE_BROWSER"):
            pytest.fail(f"browser tests are required here, but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class _ClosedWhenDropped:
    """A response body that is closed even when the server drops it unclosed.

    Werkzeug's development server closes a body after a dropped connection only if its
    clean-up read of the socket succeeds; when the browser has already reset the
    connection (a favicon or a stylesheet abandoned as a test's page closes), that read
    raises first, and a static file's handle is left to the garbage collector, whose
    ResourceWarning then fails whichever test happens to be running."""

    def __init__(self, body: Iterable[bytes]) -> None:
        self._body = body
        self._closed = False

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._body)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            close = getattr(self._body, "close", None)
            if close is not None:
                close()

    def __del__(self) -> None:
        self.close()


def _closing_bodies(wsgi_app: Any) -> Any:
    def app(environ: dict[str, Any], start_response: Any) -> _ClosedWhenDropped:
        return _ClosedWhenDropped(wsgi_app(environ, start_response))

    return app


@contextmanager
def serving(wsgi_app: Any, port: int = 0) -> Iterator[str]:
    """`wsgi_app` on 127.0.0.1 at `port` (0: a free one), in a thread, while the block runs."""
    server = make_server("127.0.0.1", port, _closing_bodies(wsgi_app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app on 127.0.0.1 at a free port, for the length of one test."""
    with serving(app) as url:
        yield url


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    """A fresh browser tab on the live server. After the test it checks that no script
    failed, nothing broke the CSP, and no stylesheet, script or image failed to load
    (a page answered with 4xx on purpose, or a form fragment answered 409/422, is the
    test's own business)."""
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: (
            errors.append(f"console: {message.text}")
            if message.type == "error" and not message.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            errors.append(f"{response.status} for {response.url}")
            if response.status >= 400
            and response.request.resource_type != "document"
            # htmx requests answered 409/422 carry a form with its errors: part of the UI.
            and not (
                response.status in (409, 422) and response.request.resource_type in ("xhr", "fetch")
            )
            else None
        ),
    )
    yield page
    context.close()
    assert errors == [], f"the page had errors: {errors}"
