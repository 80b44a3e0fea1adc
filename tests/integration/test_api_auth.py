"""The API's front door: bearer tokens only, scopes, revocation and expiry, cookies
ignored, tokens in URLs refused, per-token rate limits, JSON errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import ApiToken, AuditEvent
from tests.conftest import csrf_token


def test_no_token_is_401_with_a_challenge(client):
    response = client.get("/api/v1/tickets")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ["Bearer hd_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "hd_abc", "Bearer x" * 100],
)
def test_wrong_tokens_are_401(client, header):
    response = client.get("/api/v1/tickets", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json["error"]["code"] in {"unauthorized", "invalid_token"}


def test_a_valid_token_reads_and_notes_its_use(app, client, api_token):
    caller = api_token("agent", "read")
    response = client.get("/api/v1/tickets", headers=caller.headers)
    assert response.status_code == 200, response.json
    assert response.json == {"items": [], "next_cursor": None}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    with app.app_context():
        assert db.session.get(ApiToken, caller.token_id).last_used_at is not None


def test_a_token_in_the_query_string_is_refused(client, api_token):
    caller = api_token()
    for name in ("access_token", "token", "api_key"):
        response = client.get(f"/api/v1/tickets?{name}={caller.secret}")
        assert response.status_code == 400
        assert response.json["error"]["code"] == "token_in_url"
    response = client.get(f"/api/v1/tickets?token={caller.secret}", headers=caller.headers)
    assert response.status_code == 400


def test_a_session_cookie_does_not_authenticate_the_api(login_as):
    staff = login_as("admin")
    assert staff.get("/inbox").status_code == 200
    response = staff.get("/api/v1/tickets")
    assert response.status_code == 401
    response = staff.post(
        "/api/v1/tickets",
        json={"customer_email": "a@example.com", "subject": "s", "body": "b"},
        headers={"X-CSRFToken": csrf_token(staff, "/inbox")},
    )
    assert response.status_code == 401


def test_a_read_token_cannot_write(client, api_token):
    caller = api_token("agent", "read")
    response = client.post(
        "/api/v1/tickets",
        json={"customer_email": "a@example.com", "customer_name": "A", "subject": "s", "body": "b"},
        headers=caller.headers,
    )
    assert response.status_code == 403
    assert response.json["error"]["code"] == "insufficient_scope"
    assert "insufficient_scope" in response.headers["WWW-Authenticate"]


def test_revoking_takes_effect_on_the_next_request(app, client, api_token):
    caller = api_token()
    assert client.get("/api/v1/tickets", headers=caller.headers).status_code == 200
    with app.app_context():
        db.session.execute(
            sa.update(ApiToken)
            .where(ApiToken.id == caller.token_id)
            .values(revoked_at=datetime.now(UTC))
        )
        db.session.commit()
    response = client.get("/api/v1/tickets", headers=caller.headers)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "invalid_token"


def test_an_expired_token_is_refused(client, api_token, set_now):
    start = datetime(2026, 11, 1, 12, tzinfo=UTC)
    set_now(start)
    caller = api_token(expires_at=start + timedelta(days=1))
    assert client.get("/api/v1/tickets", headers=caller.headers).status_code == 200
    set_now(start + timedelta(days=1, seconds=1))
    assert client.get("/api/v1/tickets", headers=caller.headers).status_code == 401


def test_a_deactivated_owner_s_token_stops_working(app, client, api_token):
    from helpdesk.models import User

    caller = api_token()
    with app.app_context():
        db.session.get(User, caller.user.id).active = False
        db.session.commit()
    assert client.get("/api/v1/tickets", headers=caller.headers).status_code == 401


def test_reactivating_a_user_does_not_bring_their_tokens_back(app, client, api_token, make_user):
    from helpdesk.auth.service import user_set_active
    from helpdesk.models import User

    caller = api_token()
    admin = make_user("admin")
    with app.app_context():
        acting = db.session.get(User, admin.id)
        owner = db.session.get(User, caller.user.id)
        user_set_active(user=owner, active=False, actor=acting)
        user_set_active(user=owner, active=True, actor=acting)
        token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == owner.id))
        assert token.revoked_at is not None
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "user.deactivate")
        )
        assert event.changes["api_tokens_revoked"] == [token.id]
    assert client.get("/api/v1/tickets", headers=caller.headers).status_code == 401


def test_rate_limit_per_token_answers_429_with_retry_after(app, client, api_token):
    app.config["RATELIMIT_API"] = "3 per minute"
    first, second = api_token(), api_token()
    for _ in range(3):
        assert client.get("/api/v1/tickets", headers=first.headers).status_code == 200
    limited = client.get("/api/v1/tickets", headers=first.headers)
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.json["error"]["code"] == "too_many_requests"
    # Another token is counted on its own.
    assert client.get("/api/v1/tickets", headers=second.headers).status_code == 200


def test_non_json_bodies_are_415_and_bad_json_400(client, api_token):
    caller = api_token()
    response = client.post(
        "/api/v1/tickets", data="subject=x", headers=caller.headers, content_type="text/plain"
    )
    assert response.status_code == 415
    response = client.post(
        "/api/v1/tickets", data="{not json", headers=caller.headers, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_request"


def test_unknown_api_paths_are_json_404(client, api_token):
    caller = api_token()
    response = client.get("/api/v1/nothing-here", headers=caller.headers)
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_token_settings_page_creates_shows_once_and_revokes(app, login_as):
    agent = login_as("agent")
    page = agent.get("/settings/api-tokens")
    assert page.status_code == 200
    response = agent.post(
        "/settings/api-tokens",
        data={
            "name": "Billing alerts",
            "scope": "read-write",
            "expires": "30",
            "csrf_token": csrf_token(agent, "/settings/api-tokens"),
        },
    )
    assert response.status_code == 201
    html = response.get_data(as_text=True)
    with app.app_context():
        token = db.session.scalar(sa.select(ApiToken).where(ApiToken.name == "Billing alerts"))
        assert token is not None and token.scope == "read-write"
        assert token.expires_at is not None
        assert db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "api_token.create")
        )
    secret = html.split('id="new-token-secret" class="token-secret" type="text" value="')[1]
    secret = secret.split('"')[0]
    assert secret.startswith("hd_") and secret not in agent.get("/settings/api-tokens").text
    assert token.token_hash != secret and secret not in token.token_hash
    assert (
        agent.application.test_client()
        .get("/api/v1/tickets", headers={"Authorization": f"Bearer {secret}"})
        .status_code
        == 200
    )
    revoked = agent.post(
        f"/settings/api-tokens/{token.id}/revoke",
        data={"csrf_token": csrf_token(agent, "/settings/api-tokens")},
    )
    assert revoked.status_code == 302
    assert (
        agent.application.test_client()
        .get("/api/v1/tickets", headers={"Authorization": f"Bearer {secret}"})
        .status_code
        == 401
    )


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"name": "", "scope": "read", "expires": "30"}, "This field is required."),
        ({"name": "x" * 101, "scope": "read", "expires": "30"}, "characters"),
        ({"name": "ok", "scope": "admin", "expires": "30"}, "Not a valid choice"),
        ({"name": "ok", "scope": "read", "expires": "9999"}, "Not a valid choice"),
    ],
)
def test_token_form_bad_input_is_422_and_keeps_what_was_typed(login_as, data, field_error):
    agent = login_as("agent")
    response = agent.post(
        "/settings/api-tokens",
        data={**data, "csrf_token": csrf_token(agent, "/settings/api-tokens")},
    )
    assert response.status_code == 422
    assert field_error in response.text
    if data["name"]:
        assert f'value="{data["name"]}"' in response.text


def test_token_form_needs_csrf(login_as):
    agent = login_as("agent")
    response = agent.post("/settings/api-tokens", data={"name": "x", "scope": "read"})
    assert response.status_code == 400


def test_only_owner_or_admin_can_revoke_and_only_admin_sees_all(app, login_as, api_token):
    caller = api_token("agent")
    other = login_as("agent")
    page = other.get("/settings/api-tokens").text
    assert caller.secret[:10] not in page
    response = other.post(
        f"/settings/api-tokens/{caller.token_id}/revoke",
        data={"csrf_token": csrf_token(other, "/settings/api-tokens")},
    )
    assert response.status_code == 404
    admin = login_as("admin")
    assert caller.secret[:10] in admin.get("/settings/api-tokens").text
    response = admin.post(
        f"/settings/api-tokens/{caller.token_id}/revoke",
        data={"csrf_token": csrf_token(admin, "/settings/api-tokens")},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(ApiToken, caller.token_id).revoked_at is not None


def test_logged_out_token_page_redirects_to_login(client):
    response = client.get("/settings/api-tokens")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_openapi_document_is_3_1_and_lists_the_api(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert document["openapi"].startswith("3.1")
    assert "/api/v1/tickets" in document["paths"]
    assert all(path.startswith("/api/v1/") for path in document["paths"])
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_reference_page_uses_installed_assets(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in response.text
    assert "https://" not in response.text.split("<body>")[0]
