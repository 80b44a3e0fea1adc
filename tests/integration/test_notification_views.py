"""The bell and the notification pages through HTTP: staff only, each person sees and
marks only their own, a poll with the current ETag is a 304, following an item marks it
read (a plain GET of the bell never does), the mention list, and the preferences form
(CSRF, bad input kept and explained, nothing half-saved)."""

from __future__ import annotations

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import Notification, NotificationPreference, User
from tests.conftest import csrf_token
from tests.factories import TicketFactory

HTMX = {"HX-Request": "true"}


def tell(app, user_id: int, kind: str = "assigned", **fields) -> tuple[int, int]:
    """A notification for `user_id` on a new ticket; returns (its id, the ticket number)."""
    with app.app_context():
        ticket = TicketFactory(subject="Parcel lost")
        row = Notification(user_id=user_id, kind=kind, ticket_id=ticket.id, **fields)
        db.session.add(row)
        db.session.commit()
        return row.id, ticket.number


def read_at(app, notification_id: int):
    with app.app_context():
        return db.session.get(Notification, notification_id).read_at


def test_anonymous_people_are_sent_to_log_in(client):
    for path in ("/notifications", "/notifications/mentionable", "/account/notifications"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post("/notifications/1/open").status_code in (302, 400)


def test_the_bell_answers_304_until_something_changes(app, login_as):
    agent = login_as("agent")
    first = agent.get("/notifications", headers=HTMX)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert f'If-None-Match": "\\"{etag.strip(chr(34))}\\""' in first.get_data(as_text=True)
    again = agent.get("/notifications", headers={**HTMX, "If-None-Match": etag})
    assert (again.status_code, again.get_data()) == (304, b"")

    tell(app, agent.user.id)
    changed = agent.get("/notifications", headers={**HTMX, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert 'class="bell-count">1<' in changed.get_data(as_text=True)


def test_the_bell_is_an_svg_with_a_spoken_count_and_says_what_happened(app, login_as):
    agent = login_as("agent")
    with app.app_context():
        actor = db.session.scalar(sa.select(User).where(User.id == agent.user.id))
        actor_id = actor.id
    _, number = tell(app, agent.user.id, actor_id=actor_id)
    html = agent.get("/notifications", headers=HTMX).get_data(as_text=True)
    assert '<svg class="bell-icon" aria-hidden="true"' in html and "&#128276;" not in html
    assert "1 unread notification" in html
    assert f"Agent assigned #{number} to you" in html
    assert 'hx-trigger="every 30s"' in html


def test_the_poll_interval_is_configurable(app, login_as):
    app.config["BELL_POLL_SECONDS"] = 1
    agent = login_as("agent")
    assert 'hx-trigger="every 1s"' in agent.get("/notifications").get_data(as_text=True)


def test_following_an_item_marks_it_read_and_opens_the_ticket(app, login_as):
    agent = login_as("agent")
    notification_id, number = tell(app, agent.user.id)
    agent.get("/notifications")
    assert read_at(app, notification_id) is None  # looking is not reading
    url = f"/notifications/{notification_id}/open"
    assert agent.post(url).status_code == 400  # no CSRF
    response = agent.post(url, data={"csrf_token": csrf_token(agent, "/inbox")})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/tickets/{number}")
    assert read_at(app, notification_id) is not None


def test_nobody_sees_or_marks_another_persons_notifications(app, login_as):
    owner, other = login_as("agent"), login_as("admin")
    notification_id, _ = tell(app, owner.user.id)
    assert "Nothing new." in other.get("/notifications").get_data(as_text=True)
    token = csrf_token(other, "/inbox")
    assert (
        other.post(f"/notifications/{notification_id}/open", data={"csrf_token": token}).status_code
        == 404
    )
    other.post("/notifications/read", data={"csrf_token": token}, headers=HTMX)
    assert read_at(app, notification_id) is None
    assert owner.get("/notifications").get_data(as_text=True).count('class="unread"') == 1


def test_the_mention_list_has_active_staff_only(app, login_as, make_user):
    agent = login_as("agent")
    make_user("agent", name="Dewi Lestari", email="dewi@example.com")
    gone = make_user("agent", name="Ayu Gone", email="ayu@example.com")
    with app.app_context():
        db.session.get(User, gone.id).active = False
        db.session.commit()
    people = agent.get("/notifications/mentionable").get_json()
    assert {"name": "Dewi Lestari", "handle": "dewi"} in people
    assert all(person["handle"] != "ayu" for person in people)
    assert all(person["name"] != agent.user.name for person in people)  # not oneself


def test_the_account_page_saves_preferences(app, login_as):
    agent = login_as("agent")
    page = agent.get("/account").get_data(as_text=True)
    assert "Notifications by email" in page
    assert (
        '<input checked id="delivery-0" name="delivery" required type="radio" value="each">' in page
    )
    assert '<input checked id="email_mentioned" name="email_mentioned" type="checkbox"' in page
    assert '<input id="email_promise_missed" name="email_promise_missed" type="checkbox"' in page
    token = csrf_token(agent, "/account")
    response = agent.post(
        "/account/notifications",
        data={"csrf_token": token, "email_mentioned": "y", "delivery": "digest"},
    )
    assert response.status_code == 303
    with app.app_context():
        row = db.session.get(NotificationPreference, agent.user.id)
        assert (row.email_mentioned, row.email_assigned, row.digest) == (True, False, True)


def test_bad_preferences_are_explained_kept_and_not_saved(app, login_as):
    agent = login_as("agent")
    token = csrf_token(agent, "/account")
    odd = agent.post(
        "/account/notifications",
        data={"csrf_token": token, "email_mentioned": "y", "delivery": "weekly"},
    )
    assert odd.status_code == 422
    assert "Not a valid choice" in odd.get_data(as_text=True)
    empty = agent.post("/account/notifications", data={"csrf_token": token, "delivery": "digest"})
    html = empty.get_data(as_text=True)
    assert empty.status_code == 422
    assert "Choose at least one notification to email" in html
    assert (
        '<input checked id="delivery-1" name="delivery" required type="radio" value="digest">'
        in html
    )
    forged = agent.post("/account/notifications", data={"email_mentioned": "y", "delivery": "each"})
    assert forged.status_code == 400  # no CSRF token
    with app.app_context():
        assert db.session.get(NotificationPreference, agent.user.id) is None
