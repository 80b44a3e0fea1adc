"""The team report: every figure against data built for the test (business hours Monday to
Friday 09:00-17:00 UTC, the default), the drilldown lists exactly the tickets behind a
number, the CSVs equal the table and quote formulas, bad input and permissions."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest

from helpdesk.extensions import db
from helpdesk.founders.team_report.report import team_report
from helpdesk.founders.trends import trend_range
from helpdesk.models import AuditEvent, Promise, Rating, Recovery, SlaTarget, User
from tests.factories import CustomerFactory, TicketFactory

# Two full weeks, Monday 2 March to Sunday 15 March 2026.
START, END = "2026-03-02", "2026-03-15"
RANGE = f"start={START}&end={END}"
MON = datetime(2026, 3, 2, tzinfo=UTC)


def at(days: float, hours: float = 0) -> datetime:
    return MON + timedelta(days=days, hours=hours)


def status_change(ticket_id: int, old: str, new: str, when: datetime) -> AuditEvent:
    return AuditEvent(
        actor_label="test",
        action="ticket.update",
        object_type="tickets",
        object_id=str(ticket_id),
        changes={"status": [old, new]},
        created_at=when,
    )


@pytest.fixture
def data(app, make_user):
    """Ann has two tickets in the range, Bob one, one is unassigned; one ticket of Ann's
    is older than the range and one of Bob's newer."""
    ann = make_user("agent", name="Ann Agent", email="ann@example.com")
    bob = make_user("agent", name="Bob Agent", email="bob@example.com")
    with app.app_context():
        customer = CustomerFactory(name="=HYPERLINK(1)")
        t1 = TicketFactory(
            customer=customer,
            subject="=cmd|' /C calc'!A0",
            assignee_id=ann.id,
            status="resolved",
            created_at=at(0, 9),  # Monday 09:00
            first_staff_reply_at=at(0, 11),  # 2 business hours
            resolved_at=at(1, 9),  # Tuesday 09:00: 8 business hours
        )
        t2 = TicketFactory(
            assignee_id=ann.id,
            status="open",
            created_at=at(4, 16),  # Friday 16:00
            first_staff_reply_at=at(7, 10),  # Monday 10:00: 2 business hours
        )
        t3 = TicketFactory(
            assignee_id=bob.id,
            status="closed",
            kind="complaint",
            created_at=at(2, 9),  # Wednesday 09:00
            first_staff_reply_at=at(2, 9.5),  # half an hour
            resolved_at=at(2, 12),  # 3 business hours
        )
        t4 = TicketFactory(status="new", created_at=at(8, 10))  # unassigned, no reply
        TicketFactory(assignee_id=ann.id, status="open", created_at=at(-10))  # before
        TicketFactory(assignee_id=bob.id, status="open", created_at=at(14, 1))  # after
        db.session.add_all(
            [
                Rating(ticket_id=t1.id, customer_id=customer.id, score="good", channel="page"),
                Rating(ticket_id=t3.id, customer_id=t3.customer_id, score="bad", channel="page"),
                SlaTarget(ticket_id=t1.id, kind="first_reply", met_at=at(0, 11)),
                SlaTarget(
                    ticket_id=t2.id, kind="first_reply", met_at=at(7, 10), breached_at=at(7, 9)
                ),
                SlaTarget(ticket_id=t3.id, kind="first_reply", cancelled_at=at(2, 10)),
                SlaTarget(ticket_id=t4.id, kind="first_reply", due_at=at(9)),  # running
                Promise(
                    ticket_id=t1.id,
                    agent_id=ann.id,
                    due_at=at(0, 15),
                    remind_at=at(0, 14),
                    text="By three",
                    status="kept",
                    kept_early=True,
                ),
                Promise(
                    ticket_id=t2.id,
                    agent_id=ann.id,
                    due_at=at(7, 12),
                    remind_at=at(7, 11),
                    text="Monday noon",
                    status="missed",
                ),
                Recovery(ticket_id=t3.id, state="completed", started_at=at(2, 9)),
                status_change(t1.id, "open", "resolved", at(1, 9)),
                status_change(t3.id, "open", "resolved", at(2, 11)),
                status_change(t3.id, "resolved", "open", at(2, 11.5)),
                status_change(t3.id, "open", "closed", at(2, 12)),
            ]
        )
        db.session.commit()
        numbers = {"t1": t1.number, "t2": t2.number, "t3": t3.number, "t4": t4.number}
    return {"ann": ann, "bob": bob, **numbers}


@pytest.fixture
def founder(login_as):
    return login_as("founder")


def report_rows(app) -> dict[str, list[str]]:
    with app.test_request_context():
        rng = trend_range(start=date.fromisoformat(START), end=date.fromisoformat(END))
        return {row.label: [cell.text for cell in row.cells] for row in team_report(rng).rows}


def drill(client, query: str) -> list[int]:
    response = client.get(f"/founders/team/tickets?{query}&{RANGE}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return sorted(int(n) for n in re.findall(r">#(\d+)</a>", response.get_data(as_text=True)))


# --- the figures ---------------------------------------------------------------------------


def test_every_figure_per_person_unassigned_and_team(app, data, founder):
    rows = report_rows(app)
    # Opened | ratings, good % | answered, median, p90 | resolved, median, p90 |
    # SLA attained, missed, % | promises kept, early, missed | recoveries started,
    # completed | reopened, % of resolved
    assert rows["Ann Agent"] == [
        "2", "1", "100.0", "2", "2.0", "2.0", "1", "8.0", "8.0",
        "1", "1", "50.0", "1", "1", "1", "0", "0", "0", "0.0",
    ]  # fmt: skip
    assert rows["Bob Agent"] == [
        "1", "1", "0.0", "1", "0.5", "0.5", "1", "3.0", "3.0",
        "0", "0", "", "0", "0", "0", "1", "1", "1", "100.0",
    ]  # fmt: skip
    assert rows["Unassigned"] == [
        "1", "0", "", "0", "", "", "0", "", "", "0", "0", "", "0", "0", "0", "0", "0", "0", "",
    ]  # fmt: skip
    # Team medians and 90th percentiles over everyone's tickets: first replies 0.5, 2, 2;
    # resolutions 3 and 8.
    assert rows["Whole team"] == [
        "4", "2", "50.0", "3", "2.0", "2.0", "2", "5.5", "7.5",
        "1", "1", "50.0", "1", "1", "1", "1", "1", "1", "50.0",
    ]  # fmt: skip
    # Everyone active has a row, even with nothing in the range.
    assert rows[founder.user.name][0] == "0"


def test_people_are_listed_alphabetically_never_ranked(app, data, founder):
    with app.app_context():
        zed = User(email="zed@example.com", name="aaron Zed", role="agent", password_hash="x")
        db.session.add(zed)
        db.session.commit()
    labels = list(report_rows(app))
    assert labels[:3] == ["aaron Zed", "Ann Agent", "Bob Agent"]
    assert labels[-2:] == ["Unassigned", "Whole team"]


def test_a_deactivated_holder_keeps_a_row_so_the_totals_add_up(app, data, founder):
    with app.app_context():
        bob = db.session.get(User, data["bob"].id)
        bob.active = False
        db.session.commit()
    rows = report_rows(app)
    assert rows["Bob Agent (deactivated)"][0] == "1"


def test_page_explains_coaching_marks_thin_figures_and_says_why_cells_are_empty(app, data, founder):
    response = founder.get(f"/founders/team?{RANGE}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "For coaching, not blame" in html
    assert "few tickets — read with care" in html
    assert "No ratings for these tickets." in html  # the unassigned row's CSAT
    assert "None resolved yet." in html
    # Neutral presentation: no judgement colours.
    assert "good" not in re.findall(r'class="([^"]*)"', html)
    # Every count links to its drilldown, for the person's key.
    ann = data["ann"].id
    assert f"metric=tickets_all&amp;key={ann}&amp;start={START}" in html


def test_default_range_is_four_weeks_including_the_current_one(app, founder, set_now):
    set_now(datetime(2026, 3, 18, 12, tzinfo=UTC))  # a Wednesday
    html = founder.get("/founders/team").get_data(as_text=True)
    assert 'value="2026-02-23"' in html
    assert 'value="2026-03-22"' in html


# --- the drilldown -------------------------------------------------------------------------


def test_drilldown_lists_exactly_the_counted_tickets(app, data, founder):
    ann, bob = data["ann"].id, data["bob"].id
    t1, t2, t3, t4 = data["t1"], data["t2"], data["t3"], data["t4"]
    assert drill(founder, f"metric=tickets_all&key={ann}") == sorted([t1, t2])
    assert drill(founder, "metric=tickets_all") == sorted([t1, t2, t3, t4])
    assert drill(founder, "metric=tickets_all&key=unassigned") == [t4]
    assert drill(founder, "metric=ratings_rated") == sorted([t1, t3])
    assert drill(founder, "metric=sla_missed") == [t2]
    assert drill(founder, f"metric=sla_judged&key={ann}") == sorted([t1, t2])
    assert drill(founder, "metric=reopens_reopened") == [t3]
    assert drill(founder, f"metric=reopens_resolved_once&key={bob}") == [t3]
    assert drill(founder, f"metric=promises_early&key={ann}") == [t1]
    assert drill(founder, "metric=tickets_answered&key=unassigned") == []


def test_drilldown_page_names_whose_number_it_is(app, data, founder):
    html = founder.get(
        f"/founders/team/tickets?metric=sla_missed&key={data['ann'].id}&{RANGE}"
    ).get_data(as_text=True)
    assert "Ann Agent · Service-level targets missed" in html
    assert "Back to the team report" in html
    assert "/founders/team/tickets.csv?" in html


# --- CSV -----------------------------------------------------------------------------------


def test_csv_equals_the_table_and_keeps_empty_cells_empty(app, data, founder):
    response = founder.get(f"/founders/team/team.csv?{RANGE}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert f"team-report-{START}-{END}.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][0] == "Person"
    assert rows[0][1] == "Tickets: Opened"
    by_label = {row[0]: row[1:] for row in rows[1:]}
    assert by_label == report_rows(app)


def test_csv_quotes_what_a_spreadsheet_would_run(app, data, founder, make_user):
    make_user("agent", name="=SUM(A1)", email="formula@example.com")
    table = founder.get(f"/founders/team/team.csv?{RANGE}").get_data(as_text=True)
    assert "'=SUM(A1)" in table
    tickets = founder.get(
        f"/founders/team/tickets.csv?metric=tickets_all&key={data['ann'].id}&{RANGE}"
    ).get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(tickets)))
    assert rows[0] == ["Number", "Subject", "Customer", "Status", "Created (UTC)"]
    assert sorted(int(row[0]) for row in rows[1:]) == sorted([data["t1"], data["t2"]])
    first = next(row for row in rows[1:] if int(row[0]) == data["t1"])
    assert first[1] == "'=cmd|' /C calc'!A0"
    assert first[2] == "'=HYPERLINK(1)"
    assert first[4] == "2026-03-02 09:00"


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2026-3-2&end=2026-03-15", "Enter a date as YYYY-MM-DD."),
        ("start=2026-02-30&end=2026-03-15", "Enter a date as YYYY-MM-DD."),
        ("start=2026-03-15&end=2026-03-01", "The end date must not be before the start date."),
        ("start=2016-01-01&end=2026-03-01", "Choose a range of at most five years."),
    ],
)
def test_bad_ranges_are_field_errors_that_keep_what_was_typed(founder, query, message):
    response = founder.get(f"/founders/team?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    start = dict(part.split("=") for part in query.split("&"))["start"]
    assert f'value="{start}"' in html
    assert "Download CSV" not in html
    assert founder.get(f"/founders/team/team.csv?{query}").status_code == 400


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("metric=nope", 404),
        ("metric=complaints", 404),  # a trends number, not the team report's
        ("metric=tickets_all&key=abc", 400),
        ("metric=tickets_all&key=-1", 400),
        ("metric=tickets_all&page=x", 400),
        ("metric=tickets_all&start=yesterday", 400),
    ],
)
def test_bad_drilldowns_answer_plain_errors(founder, query, status):
    page = founder.get(f"/founders/team/tickets?{query}")
    assert page.status_code == status
    assert page.mimetype == "text/plain"
    if "page=" not in query:
        assert founder.get(f"/founders/team/tickets.csv?{query}").status_code == status


def test_a_page_past_the_end_shows_the_last_one(app, data, founder):
    response = founder.get(f"/founders/team/tickets?metric=tickets_all&page=9&{RANGE}")
    assert response.status_code == 200
    assert len(re.findall(r">#(\d+)</a>", response.get_data(as_text=True))) == 4


# --- who may see it ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/founders/team",
        "/founders/team/team.csv",
        "/founders/team/tickets?metric=tickets_all",
        "/founders/team/tickets.csv?metric=tickets_all",
    ],
)
def test_agents_are_refused_and_strangers_sent_to_log_in(client, login_as, path):
    assert login_as("agent").get(path).status_code == 403
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_admins_may_read_it_and_founders_see_it_in_the_navigation(login_as):
    assert login_as("admin").get("/founders/team").status_code == 200
    founder = login_as("founder")
    assert 'href="/founders/team"' in founder.get("/founders/team").get_data(as_text=True)
    agent_page = login_as("agent").get("/inbox").get_data(as_text=True)
    assert 'href="/founders/team"' not in agent_page


# --- generated data: the rows add up, and the cache --------------------------------------


def test_on_generated_data_the_rows_add_up_to_the_team(app, set_now):
    from helpdesk.dev.generate import generate
    from helpdesk.founders.team_report.report import TeamRow

    set_now(datetime(2026, 11, 20, 12, tzinfo=UTC))
    with app.test_request_context():
        generate(tickets=120, seed=7)
        rng = trend_range(start=date(2025, 11, 21), end=date(2026, 11, 20))
        report = team_report(rng)
    people = [row for row in report.rows if row.kind != "team"]
    team: TeamRow = report.rows[-1]
    assert team.kind == "team"
    counts = [index for index, column in enumerate(report.columns) if "%" not in column.title]
    counts = [index for index in counts if "business hours" not in report.columns[index].title]
    for index in counts:
        assert sum(int(row.cells[index].text) for row in people) == int(team.cells[index].text)
    assert int(team.cells[0].text) > 0
    # Generated data has something in every family.
    for index in counts:
        assert int(team.cells[index].text) > 0, report.columns[index].title


def test_the_page_reuses_its_result_while_the_data_is_unchanged(app, founder, monkeypatch):
    from helpdesk.founders.team_report import views

    calls = []

    def counting(rng):
        calls.append(rng)
        return team_report(rng)

    monkeypatch.setattr(views, "team_report", counting)
    assert founder.get(f"/founders/team?{RANGE}").status_code == 200
    assert founder.get(f"/founders/team/team.csv?{RANGE}").status_code == 200
    assert len(calls) == 1
    # The trends' cache for the same range is another store.
    assert founder.get(f"/founders/trends?{RANGE}").status_code == 200
    assert founder.get(f"/founders/team?{RANGE}").status_code == 200
    assert len(calls) == 1


def test_drilldown_csv_is_streamed_in_batches_without_losing_rows(app, data, founder, monkeypatch):
    from helpdesk.founders.trends import drill as drill_module

    monkeypatch.setattr(drill_module, "CSV_BATCH", 1)
    response = founder.get(f"/founders/team/tickets.csv?metric=tickets_all&{RANGE}")
    assert response.status_code == 200
    assert response.is_streamed
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][0] == "Number"
    numbers = [int(row[0]) for row in rows[1:]]
    assert sorted(numbers) == sorted([data["t1"], data["t2"], data["t3"], data["t4"]])


def test_the_report_reads_the_big_tables_through_their_indexes(app, founder, set_now):
    """SQLite's plans (no ANALYZE statistics: the schema alone decides): nothing scans a
    big table, and the audit trail is searched by ticket, not by object type alone (which
    read every ticket event: 23 s at 20,000 tickets)."""
    import sqlalchemy as sa

    from helpdesk.dev.generate import generate

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite's query plans")
    set_now(datetime(2026, 11, 20, 12, tzinfo=UTC))
    with app.app_context():
        generate(tickets=40, seed=6)
        engine = db.engine
    statements: list[tuple[str, object]] = []

    def record(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append((statement, params))

    query = "start=2026-10-01&end=2026-11-20"
    sa.event.listen(engine, "after_cursor_execute", record)
    try:
        for url in (
            f"/founders/team?{query}",
            f"/founders/team/tickets?metric=reopens_reopened&{query}",
            f"/founders/team/tickets?metric=sla_missed&key=unassigned&{query}",
            f"/founders/team/tickets.csv?metric=promises_kept&{query}",
        ):
            assert founder.get(url).status_code == 200, url
    finally:
        sa.event.remove(engine, "after_cursor_execute", record)
    big = ("tickets", "messages", "customers", "promises", "ratings", "recoveries")
    details = []
    with app.app_context():
        connection = db.session.connection()
        for statement, params in statements:
            plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
            details.extend(row[-1] for row in plan)
    scans = {
        detail for detail in details if re.match(rf"SCAN ({'|'.join(big)}|audit_events)\b", detail)
    }
    assert not scans
    # (A bare "SEARCH audit_events" is the data version's max(id), read by the cache.)
    audit = [detail for detail in details if detail.startswith("SEARCH audit_events ")]
    assert audit
    odd = [detail for detail in audit if "object_type=? AND object_id=?" not in detail]
    assert not odd, odd


def test_spam_is_left_out_of_the_team_report(app):
    import sqlalchemy as sa

    from helpdesk.founders.team_report.metrics import in_range
    from helpdesk.models import Ticket

    with app.app_context():
        kept = TicketFactory(created_at=datetime(2026, 3, 3, 10, tzinfo=UTC))
        TicketFactory(
            created_at=datetime(2026, 3, 3, 11, tzinfo=UTC),
            status="closed",
            spam_at=datetime(2026, 3, 3, 12, tzinfo=UTC),
        )
        span = (datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 9, tzinfo=UTC))
        found = db.session.scalars(sa.select(Ticket.id).where(in_range(span))).all()
        assert found == [kept.id]
