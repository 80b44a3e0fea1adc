"""Schemathesis against `/api/v1/openapi.json` on a live loopback server, with all its
checks: every operation the document describes (new ones included, with no change here)
gets generated requests, valid and invalid, and every response must be no server error,
carry a declared status code, content type and headers, and match its declared schema; a
valid request must be accepted and an invalid one refused. The two rules JSON Schema
cannot state are applied by `schemathesis_hooks.py`.

The server is the real app (werkzeug, in a thread) on the test database, with an admin's
read-write token and a ticket, a customer and an article to find. The run is bounded (at
most `MAX_EXAMPLES` cases per operation, a fixed seed), so it is repeatable: 30 cases (a
few minutes) in CI; HELPDESK_FUZZ_MAX_EXAMPLES=100 for the longer run issue 26 asks for.
Emails and webhooks the requests cause only become outbox rows: nothing sends them here.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from helpdesk import clock, create_app
from helpdesk.extensions import db, limiter
from tests.conftest import app_config, empty_tables

MAX_EXAMPLES = int(os.environ.get("HELPDESK_FUZZ_MAX_EXAMPLES", "30"))
SEED = int(os.environ.get("HELPDESK_FUZZ_SEED", "20261124"))
CHECKS = ("all",)
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class LiveApi:
    base_url: str
    secret: str


def _seed() -> str:
    """An admin with a read-write token, a ticket (and so a customer) in the founders'
    queue, and an article."""
    from helpdesk.auth.api_tokens import token_create
    from helpdesk.auth.service import user_create
    from helpdesk.founders.escalations import escalation_raise
    from helpdesk.kb.service import article_create, article_publish
    from helpdesk.tickets.intake import ticket_create

    admin = user_create(
        email="fuzz-admin@example.com",
        name="Fuzz Admin",
        role="admin",
        password="correct-horse-battery",
        actor="test",
    )
    ticket = ticket_create(
        actor=admin,
        customer_email="ana@example.com",
        customer_name="Ana Lima",
        subject="Charged twice",
        body="My card was charged twice.",
    )
    escalation_raise(ticket=ticket, reason="manual", detail="Fuzzing", actor=admin)
    db.session.commit()
    article = article_create(actor=admin, title="Refunds", body="We refund within a week.")
    article_publish(article=article, actor=admin)
    _token, secret = token_create(owner=admin, name="fuzz", scope="read-write", expires_at=None)
    return secret


@pytest.fixture(scope="module")
def live_api(database_url: str) -> Iterator[LiveApi]:
    app = create_app(
        {
            **app_config(database_url),
            # Thousands of requests in a minute, from one token.
            "RATELIMIT_API": "100000 per minute",
            "RATELIMIT_PUBLIC": "100000 per minute",
            "SMTP_URL": "",
        }
    )
    with app.app_context():
        secret = _seed()
        db.session.remove()
    # One log line per request would bury a failure's report.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveApi(f"http://127.0.0.1:{server.server_port}", secret)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.session.remove()
            empty_tables()
            db.session.remove()
            db.engine.dispose()
        limiter.reset()
        clock.set_now(None)
        logging.getLogger("werkzeug").setLevel(logging.NOTSET)


def test_the_api_conforms_to_its_openapi_document(live_api: LiveApi, tmp_path: Path) -> None:
    command = [
        str(SCHEMATHESIS),
        "run",
        f"{live_api.base_url}/api/v1/openapi.json",
        "--checks",
        ",".join(CHECKS),
        "--header",
        f"Authorization: Bearer {live_api.secret}",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--generation-database",
        "none",
        "--workers",
        "1",
        "--request-timeout",
        "20",
        "--no-color",
    ]
    # The token would otherwise appear in failure reports as `[Filtered]`; keep it readable
    # only here, where the token is a throwaway one.
    env = {
        **os.environ,
        "NO_COLOR": "1",
        "COLUMNS": "120",
        # The rules JSON Schema cannot state (cursors, the promise window): see the module.
        "SCHEMATHESIS_HOOKS": "tests.integration.schemathesis_hooks",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(  # noqa: S603 - fixed arguments
        command,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,  # no schemathesis.toml or report directory from elsewhere
        env=env,
        check=False,
    )
    output = result.stdout + result.stderr
    print(output)  # noqa: T201 - the summary, shown with -s or on failure
    assert result.returncode == 0, output
