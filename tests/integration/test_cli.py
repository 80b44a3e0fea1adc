"""`flask helpdesk create-user` and `flask helpdesk demo`."""

from __future__ import annotations

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Customer, Message, Ticket, User
from tests.conftest import login


def create_user(runner, *args, password="a-good-long-password"):
    return runner.invoke(
        args=["helpdesk", "create-user", *args, "--password-stdin"], input=password + "\n"
    )


def test_create_user_from_stdin_then_log_in(app, runner):
    result = create_user(
        runner, "--email", "Lina@Example.com", "--name", "Lina Hoque", "--role", "founder"
    )
    assert result.exit_code == 0, result.output
    assert "Created founder lina@example.com." in result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "lina@example.com"))
        assert user.role == "founder"
        assert user.password_hash.startswith("scrypt:")
        assert (
            db.session.scalar(
                sa.select(AuditEvent).where(AuditEvent.action == "user.create")
            ).actor_label
            == "cli"
        )
    assert login(app.test_client(), "lina@example.com", "a-good-long-password").status_code == 302


def test_create_user_prompts_for_the_password(app, runner):
    result = runner.invoke(
        args=[
            "helpdesk",
            "create-user",
            "--email",
            "p@example.com",
            "--name",
            "P",
            "--role",
            "agent",
        ],
        input="prompted-password\nprompted-password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Password" in result.output
    assert "prompted-password" not in result.output


def test_create_user_refuses_a_duplicate_email(runner):
    assert (
        create_user(runner, "--email", "d@example.com", "--name", "D", "--role", "agent").exit_code
        == 0
    )
    result = create_user(runner, "--email", "D@example.com", "--name", "D2", "--role", "agent")
    assert result.exit_code == 1
    assert "email: A user with this email already exists." in result.output


def test_create_user_refuses_an_invalid_role(app, runner):
    result = create_user(runner, "--email", "r@example.com", "--name", "R", "--role", "owner")
    assert result.exit_code == 2
    assert "invalid role 'owner'" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_create_user_refuses_a_weak_password(app, runner):
    result = create_user(
        runner, "--email", "w@example.com", "--name", "W", "--role", "agent", password="short"
    )
    assert result.exit_code == 1
    assert "password: Use at least 10 characters for the password." in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_create_user_refuses_a_bad_email(runner):
    result = create_user(runner, "--email", "not an email", "--name", "N", "--role", "agent")
    assert result.exit_code == 1
    assert "email: Enter a valid email address." in result.output


def counts(app):
    with app.app_context():
        return {
            model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (User, Customer, Ticket, Message)
        }


def test_demo_loads_realistic_data_once(app, runner):
    result = runner.invoke(args=["helpdesk", "demo"])
    assert result.exit_code == 0, result.output
    assert "admin@example.com" in result.output
    first = counts(app)
    assert first["User"] == 4
    assert first["Customer"] >= 30
    assert first["Ticket"] >= 60
    again = runner.invoke(args=["helpdesk", "demo"])
    assert "nothing added" in again.output
    assert counts(app) == first
    with app.app_context():
        roles = set(db.session.scalars(sa.select(User.role)))
        assert roles == {"admin", "founder", "agent"}
        kinds = set(db.session.scalars(sa.select(Ticket.kind)))
        assert {"complaint", "feature_request"} <= kinds
        statuses = set(db.session.scalars(sa.select(Ticket.status)))
        assert {"new", "open", "pending", "resolved"} <= statuses
        assert db.session.scalar(sa.select(sa.func.count(Customer.id)).where(Customer.vip)) >= 2
        numbers = list(db.session.scalars(sa.select(Ticket.number).order_by(Ticket.number)))
        assert numbers == list(range(1, len(numbers) + 1))
        repeat = db.session.execute(
            sa.select(Ticket.customer_id, sa.func.count())
            .group_by(Ticket.customer_id)
            .having(sa.func.count() >= 3)
        ).all()
        assert repeat


def test_demo_lets_the_demo_shop_on_its_port_embed_the_widget(app, runner):
    from helpdesk.settings.service import setting_get, setting_put

    def allowed():
        with app.app_context():
            return setting_get("widget", {}).get("allowed_origins")

    assert runner.invoke(args=["helpdesk", "demo", "--demo-port", "6001"]).exit_code == 0
    assert allowed() == ["http://127.0.0.1:6001", "http://localhost:6001"]
    # Run again on another port: the demo's own local sites move with it.
    assert runner.invoke(args=["helpdesk", "demo", "--demo-port", "7001"]).exit_code == 0
    assert allowed() == ["http://127.0.0.1:7001", "http://localhost:7001"]
    # A site an admin added is never replaced.
    with app.app_context():
        setting_put("widget", {"allowed_origins": ["https://shop.example.com"]})
        db.session.commit()
    runner.invoke(args=["helpdesk", "demo", "--demo-port", "5001"])
    assert allowed() == ["https://shop.example.com"]
    refused = runner.invoke(args=["helpdesk", "demo", "--demo-port", "70000"])
    assert refused.exit_code != 0 and "70000" in refused.output


def test_demo_gives_founders_a_queue_ratings_nps_and_finished_recoveries(app, runner):
    from helpdesk.models import Escalation, NpsResponse, Rating, Recovery

    runner.invoke(args=["helpdesk", "demo"])
    with app.app_context():
        reasons = set(db.session.scalars(sa.select(Escalation.reason)))
        assert {"bad_rating", "missed_promise"} <= reasons
        scores = set(db.session.scalars(sa.select(Rating.score)))
        assert {"good", "bad"} <= scores
        assert db.session.scalar(sa.select(sa.func.count(NpsResponse.id))) >= 5
        completed = db.session.scalars(
            sa.select(Recovery).where(Recovery.state == "completed")
        ).all()
        assert completed and all(r.root_cause_id for r in completed)
        assert all(len(r.steps) == 5 for r in completed)


def test_demo_gives_every_trend_a_story_over_three_months(app, runner):
    """The default trends (twelve weeks to today) show every section with data, and the
    recoveries, diagnoses, promises and resolutions are spread over the weeks, not piled
    into the week the demo was loaded."""
    import re

    from helpdesk.dev.demo import DEMO_PASSWORD

    runner.invoke(args=["helpdesk", "demo"])
    client = app.test_client()
    login(client, "founder@example.com", DEMO_PASSWORD)
    html = client.get("/founders/trends").get_data(as_text=True)
    assert "No data in this range yet" not in html
    for section in ("root_causes", "promises", "recovery", "response_times"):
        csv = client.get(f"/founders/trends/{section}.csv").get_data(as_text=True)
        weeks = [line for line in csv.splitlines()[1:] if re.match(r"\d{4}-", line)]
        with_data = [w for w in weeks if any(v not in ("", "0") for v in w.split(",")[1:])]
        assert len(with_data) >= 6, (section, weeks)
    resolved = client.get("/founders/trends/response_times.csv").get_data(as_text=True)
    header, *rows = (line.split(",") for line in resolved.splitlines())
    column = header.index("Resolved")
    assert sum(int(row[column] or 0) for row in rows if re.match(r"\d{4}-", row[0])) >= 20


def test_demo_logins_work(app, runner):
    from helpdesk.dev.demo import DEMO_PASSWORD, DEMO_USERS

    runner.invoke(args=["helpdesk", "demo"])
    for email, _name, _role in DEMO_USERS:
        assert login(app.test_client(), email, DEMO_PASSWORD).status_code == 302


def test_generate_adds_realistic_data_and_respects_real_data(app, runner):
    result = runner.invoke(args=["helpdesk", "generate", "--tickets", "40", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "Generated 40 tickets" in result.output
    first = counts(app)
    assert first["Ticket"] == 40
    assert first["Message"] == 200  # five messages per ticket by default
    with app.app_context():
        statuses = set(db.session.scalars(sa.select(Ticket.status)))
        assert len(statuses) >= 3
        numbers = sorted(db.session.scalars(sa.select(Ticket.number)))
        assert numbers == list(range(1, 41))
        snippets = db.session.scalars(sa.select(Ticket.last_message_snippet)).all()
        assert all(snippets)
    runner.invoke(args=["helpdesk", "generate", "--tickets", "10"])
    assert counts(app)["Ticket"] == 50  # the generator may add to its own data
    runner.invoke(args=["helpdesk", "demo"])
    refused = runner.invoke(args=["helpdesk", "generate", "--tickets", "10"])
    assert refused.exit_code == 1
    assert "refusing to mix generated data in" in refused.output
    forced = runner.invoke(args=["helpdesk", "generate", "--tickets", "10", "--force"])
    assert forced.exit_code == 0, forced.output


def test_generate_rejects_a_bad_count(runner):
    result = runner.invoke(args=["helpdesk", "generate", "--tickets", "0"])
    assert result.exit_code == 2
