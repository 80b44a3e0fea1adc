"""Usage on staff pages: the customer page's "Usage" card, the founders' "At risk" list
and its CSV (founders and admins; agents 403), and the admins' usage settings."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from helpdesk.extensions import db
from helpdesk.models import CustomerUsage, Promise, Setting
from helpdesk.usage.sweep import sweep_usage_health
from tests.conftest import csrf_token
from tests.factories import CustomerFactory, TicketFactory
from tests.integration.test_usage_health_sweep import _history

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _at_risk_customers(app, make_user) -> dict[str, int]:
    """Two slipping customers (one with an open complaint and a missed promise), one
    active, one with no usage."""
    agent = make_user("agent")
    with app.app_context():
        rich = CustomerFactory(name="Rich Slipper", lifetime_value_cents=900_000)
        poor = CustomerFactory(name="=Poor Slipper", lifetime_value_cents=1_000)
        fine = CustomerFactory(name="Fine Customer", lifetime_value_cents=5_000_000)
        none = CustomerFactory(name="No Usage")
        db.session.flush()
        _history(rich.id, [1, 20, 20, 20, 20, 20])
        _history(poor.id, [0, 10, 10, 10, 10])
        _history(fine.id, [20, 20, 20, 20, 20])
        complaint = TicketFactory(customer=rich, kind="complaint", status="open")
        TicketFactory(customer=rich, kind="complaint", status="closed")
        db.session.flush()
        db.session.add(
            Promise(
                ticket_id=complaint.id,
                agent_id=agent.id,
                due_at=NOW - timedelta(days=2),
                remind_at=NOW - timedelta(days=3),
                text="An update by Monday",
                status="missed",
            )
        )
        db.session.commit()
        sweep_usage_health()
        return {"rich": rich.id, "poor": poor.id, "fine": fine.id, "none": none.id}


def test_at_risk_lists_slipping_customers_by_value(app, login_as, make_user, set_now):
    set_now(NOW)
    ids = _at_risk_customers(app, make_user)
    founder = login_as("founder")
    page = founder.get("/founders/at-risk")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    rows = re.findall(r"/customers/(\d+)\"", html.split('id="at-risk"')[1])
    assert [int(row) for row in rows] == [ids["rich"], ids["poor"]]
    rich_row = html.split(f'/customers/{ids["rich"]}"')[1].split("</tr>")[0]
    # Open complaints 1 (the closed one does not count), missed promises 1.
    assert re.findall(r"<td>(\d+)</td>", rich_row)[-2:] == ["1", "1"]
    assert "Slipping" in rich_row
    assert "At risk" in founder.get("/inbox").get_data(as_text=True)  # founders' menu

    csv = founder.get("/founders/at-risk.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).splitlines()
    assert lines[0].startswith("Customer,Email,Lifetime value")
    assert lines[1].startswith("Rich Slipper,") and ",9000.00,Slipping," in lines[1]
    assert lines[1].endswith(",1,1")
    assert lines[2].startswith("'=Poor Slipper,")  # no formula
    assert len(lines) == 3

    assert founder.get("/founders/at-risk?page=abc").status_code == 400
    assert founder.get("/founders/at-risk?page=99").status_code == 200  # the last page


def test_agents_may_not_see_at_risk_or_usage_settings(app, login_as):
    agent = login_as("agent")
    assert agent.get("/founders/at-risk").status_code == 403
    assert agent.get("/founders/at-risk.csv").status_code == 403
    assert agent.get("/settings/usage").status_code == 403
    assert "At risk" not in agent.get("/inbox").get_data(as_text=True)
    founder = login_as("founder")
    assert founder.get("/settings/usage").status_code == 403
    anonymous = app.test_client()
    assert anonymous.get("/founders/at-risk").status_code == 302


def test_the_customer_page_shows_the_usage_card(app, login_as, make_user, set_now):
    set_now(NOW)
    ids = _at_risk_customers(app, make_user)
    agent = login_as("agent")
    html = agent.get(f"/customers/{ids['rich']}").get_data(as_text=True)
    card = html.split('id="customer-usage"')[1].split("</section>")[0]
    assert 'id="usage-state">Slipping<' in card
    assert ">1 event<" in card and ">20 events<" in card
    assert "<polyline" in card
    empty = agent.get(f"/customers/{ids['none']}").get_data(as_text=True)
    assert "No product events for this customer yet." in empty


def test_admins_change_usage_settings_with_errors_kept(app, login_as):
    admin = login_as("admin")
    page = admin.get("/settings/usage")
    assert page.status_code == 200 and 'value="400"' in page.get_data(as_text=True)
    token = csrf_token(admin, "/settings/usage")
    values = {
        "csrf_token": token,
        "daily_retention_days": "30",
        "event_id_retention_days": "30",
        "slipping_ratio_percent": "60",
        "key_event": "Order Placed",
        "key_event_days": "10",
        "dormant_days": "21",
    }
    refused = admin.post("/settings/usage", data=values)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Use a number from 63 to 3650." in html
    assert 'value="Order Placed"' in html and 'value="60"' in html
    with app.app_context():
        assert db.session.get(Setting, "usage") is None
    values["daily_retention_days"] = "90"
    refused = admin.post("/settings/usage", data=values)
    assert refused.status_code == 422
    assert "lower-case letters" in refused.get_data(as_text=True)
    values["key_event"] = "order_placed"
    saved = admin.post("/settings/usage", data=values)
    assert saved.status_code == 303
    with app.app_context():
        stored = db.session.get(Setting, "usage").value
        assert stored["key_event"] == "order_placed" and stored["daily_retention_days"] == 90
        assert db.session.query(CustomerUsage).count() == 0


def test_the_demo_has_customers_at_risk(app, runner, login_as):
    assert runner.invoke(args=["helpdesk", "demo"]).exit_code == 0
    founder = login_as("founder")
    html = founder.get("/founders/at-risk").get_data(as_text=True)
    table = html.split('id="at-risk"')[1]
    # Slipping, by lifetime value (7,200 then 4,100), then the dormant one (150).
    assert table.index("Budi Santoso") < table.index("Priya Sharma") < table.index("Amara Okafor")
    assert table.count("<tr>") == 4  # the header and three customers
