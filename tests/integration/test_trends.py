"""The founders' trends dashboard: every number against data built for the test (with a
controlled clock), the drilldown lists exactly the tickets behind a number, the CSV equals
the table, bad input, permissions and escaping."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser

import pytest

from helpdesk.extensions import db
from helpdesk.founders.trends import trend_range
from helpdesk.founders.trends.sections import SECTIONS, trend_section
from helpdesk.models import (
    NpsResponse,
    NpsRound,
    NpsSurvey,
    Promise,
    Rating,
    Recovery,
    RecoveryStep,
    RootCause,
    User,
)
from helpdesk.settings.hours import SETTING_KEY as HOURS_KEY
from helpdesk.settings.service import setting_put
from helpdesk.tickets import intake
from helpdesk.tickets import service as tickets
from tests.factories import CustomerFactory, MessageFactory, TicketFactory

# Two full weeks, Monday 2 March to Sunday 15 March 2026 (workspace zone UTC by default).
START, END = "2026-03-02", "2026-03-15"
RANGE = f"start={START}&end={END}"
W1, W2 = datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 9, tzinfo=UTC)


def at(week: datetime, days: float = 0, hours: float = 0) -> datetime:
    return week + timedelta(days=days, hours=hours)


def table(name: str, start: str = START, end: str = END):
    rng = trend_range(start=date.fromisoformat(start), end=date.fromisoformat(end))
    return trend_section(name=name, rng=rng)


def texts(name: str, **kwargs: str) -> list[list[str]]:
    """The table as text: one list per row, label first."""
    result = table(name, **kwargs)
    return [
        [row.label, *(cell.text for cell in row.cells)] for row in (*result.rows, *result.footer)
    ]


def drill_numbers(client, query: str) -> list[int]:
    response = client.get(f"/founders/trends/tickets?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return sorted(int(n) for n in re.findall(r">#(\d+)</a>", response.get_data(as_text=True)))


def agent_user() -> User:
    from helpdesk.auth.service import user_create

    return user_create(
        email="dewi@example.com",
        name="Dewi Lestari",
        role="agent",
        password="long-enough-password",
        actor="test",
    )


@pytest.fixture
def founder(login_as):
    return login_as("founder")


# --- complaints and capture rate ---------------------------------------------------------


def test_complaints_per_week_and_capture_rate_with_drilldown(app, founder):
    with app.app_context():
        ann, bob, cat = CustomerFactory(), CustomerFactory(), CustomerFactory()
        complaint = TicketFactory(customer=ann, kind="complaint", created_at=at(W1, 1))
        question = TicketFactory(customer=bob, kind="question", created_at=at(W1, 2))
        TicketFactory(customer=ann, kind="complaint", created_at=at(W1, 3))  # same customer
        old = TicketFactory(customer=cat, kind="question", created_at=at(W1, -20))
        MessageFactory(ticket=old, created_at=at(W2, 4))  # Cat writes again in week 2
        TicketFactory(kind="complaint", created_at=at(W2, 7))  # after the range
        numbers = (complaint.number, question.number, old.number)
        assert texts("complaints") == [
            ["2026-03-02", "2", "2", "100.0"],
            ["2026-03-09", "0", "1", "0.0"],
        ]
    complaint_number, question_number, old_number = numbers
    week1 = "start=2026-03-02&end=2026-03-08"
    complaints = drill_numbers(founder, f"metric=complaints&{week1}")
    assert complaint_number in complaints and question_number not in complaints
    assert len(complaints) == 2
    assert drill_numbers(founder, "metric=active&start=2026-03-09&end=2026-03-15") == [old_number]


# --- first response and resolution, reopened tickets -------------------------------------


def test_resolution_time_is_measured_to_the_final_resolve_of_a_reopened_ticket(
    app, founder, set_now
):
    # A request context: replies queue emails, whose templates read the current user.
    with app.test_request_context():
        agent = agent_user()
        set_now(at(W1, 0, 9))
        ticket = intake.ticket_create(
            actor=agent,
            customer_email="nok@example.com",
            customer_name="Nok",
            subject="Invoice",
            body="Where is my invoice, please?",
        )
        set_now(at(W1, 0, 11))
        tickets.ticket_reply(ticket=ticket, author=agent, body="Here it is.")
        set_now(at(W1, 0, 13))
        tickets.ticket_update(ticket=ticket, actor=agent, status="resolved")
        set_now(at(W1, 1, 9))
        intake.ticket_customer_reply(
            ticket=ticket, body="Thanks! Could you send the March one as well, please?"
        )
        set_now(at(W2, 0, 9))  # resolved again a week after it opened: 168 hours
        tickets.ticket_update(ticket=ticket, actor=agent, status="resolved")
        set_now(at(W2, 1, 9))  # closing a resolved ticket is not another resolve
        tickets.ticket_update(ticket=ticket, actor=agent, status="closed")

        # Two more: answered after 1 h and 6 h; one resolved then reopened and still open.
        other = intake.ticket_create(
            actor=agent, customer_email="a@example.com", customer_name="A", subject="S", body="Hi"
        )
        other.created_at = at(W1, 2, 8)
        db.session.commit()
        set_now(at(W1, 2, 9))
        tickets.ticket_reply(ticket=other, author=agent, body="Hello.")
        set_now(at(W1, 2, 10))
        tickets.ticket_update(ticket=other, actor=agent, status="resolved")
        set_now(at(W2, 2, 10))
        intake.ticket_customer_reply(
            ticket=other, body="Thanks, one more question about the same thing, please."
        )
        third = intake.ticket_create(
            actor=agent, customer_email="b@example.com", customer_name="B", subject="S", body="Hi"
        )
        third.created_at = at(W1, 3, 0)
        db.session.commit()
        set_now(at(W1, 3, 6))
        tickets.ticket_reply(ticket=third, author=agent, body="Hello.", internal=True)  # a note
        tickets.ticket_reply(ticket=third, author=agent, body="Hello.")
        set_now(at(W2, 6))
        number = ticket.number
        assert texts("response_times") == [
            # 2 h, 1 h, 6 h to the first public reply: median 2 h; nothing finally resolved.
            ["2026-03-02", "3", "2.0", "0", ""],
            ["2026-03-09", "0", "", "1", "168.0"],
        ]
    assert drill_numbers(founder, f"metric=resolution&{RANGE}") == [number]
    assert drill_numbers(founder, "metric=resolution&start=2026-03-02&end=2026-03-08") == []
    assert len(drill_numbers(founder, "metric=first_response&start=2026-03-02&end=2026-03-08")) == 3


# --- root causes, recovery completion and step medians ------------------------------------


def _recovery(ticket, started, steps, *, state="active", cause=None, skip_diagnose=False):
    recovery = Recovery(ticket=ticket, started_at=started, state=state, root_cause=cause)
    recovery.current_step = "done" if state == "completed" else "hear"
    for step, done_at in steps:
        skipped = skip_diagnose and step == "diagnose"
        recovery.steps.append(RecoveryStep(step=step, done_at=done_at, skipped=skipped))
    db.session.add(recovery)
    db.session.commit()
    return recovery


def _hours_after(start: datetime, *gaps: float) -> list[tuple[str, datetime]]:
    names = ("hear", "empathize", "apologize", "resolve", "diagnose")
    moments, current = [], start
    for name, gap in zip(names, gaps, strict=False):
        current += timedelta(hours=gap)
        moments.append((name, current))
    return moments


def test_root_causes_recovery_completion_and_median_step_times(app, founder):
    with app.app_context():
        billing = RootCause(name="Billing", position=1)
        script = RootCause(name="<script>alert(1)</script>", position=2)
        db.session.add_all([billing, script])
        db.session.commit()
        t1, t2, t3, t4 = (TicketFactory(kind="complaint") for _ in range(4))
        # Week 1: one completed (diagnosed Billing in week 1), one still at Empathize.
        _recovery(
            t1,
            at(W1, 0, 9),
            _hours_after(at(W1, 0, 9), 1, 2, 0.5, 2.5, 18),
            state="completed",
            cause=billing,
        )
        _recovery(t2, at(W1, 1, 9), _hours_after(at(W1, 1, 9), 3))
        # Week 2: one completed with Diagnose skipped, one diagnosed <script> in week 2.
        _recovery(
            t3,
            at(W2, 0, 9),
            _hours_after(at(W2, 0, 9), 2, 4, 1, 1, 1),
            state="completed",
            skip_diagnose=True,
        )
        _recovery(
            t4,
            at(W2, 1, 9),
            _hours_after(at(W2, 1, 9), 5, 1, 1, 1, 2),
            state="completed",
            cause=script,
        )
        numbers = {name: t.number for name, t in zip("1234", (t1, t2, t3, t4), strict=True)}
        cause_ids = (billing.id, script.id)

        result = table("root_causes")
        assert result.columns == ("Billing", "<script>alert(1)</script>")
        assert texts("root_causes") == [["2026-03-02", "1", "0"], ["2026-03-09", "0", "1"]]
        assert texts("recovery") == [
            ["2026-03-02", "2", "1", "50.0"],
            ["2026-03-09", "2", "2", "100.0"],
        ]
        assert texts("recovery_steps") == [
            ["Hear", "4", "2.5"],  # 1, 3, 2, 5 h
            ["Empathize", "3", "2.0"],  # 2, 4, 1
            ["Apologize", "3", "1.0"],  # 0.5, 1, 1
            ["Resolve", "3", "1.0"],  # 2.5, 1, 1
            ["Diagnose", "2", "10.0"],  # 18, 2 (the skipped one left out)
        ]
    assert drill_numbers(founder, f"metric=root_cause&key={cause_ids[0]}&{RANGE}") == [numbers["1"]]
    assert drill_numbers(founder, f"metric=recovery_completed&{RANGE}") == sorted(
        [numbers["1"], numbers["3"], numbers["4"]]
    )
    assert drill_numbers(founder, f"metric=recovery_step&key=diagnose&{RANGE}") == sorted(
        [numbers["1"], numbers["4"]]
    )

    page = founder.get(f"/founders/trends?{RANGE}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'role="img"' in page and "style=" not in page


# --- ratings, promises, NPS ---------------------------------------------------------------


def test_ratings_per_week(app, founder):
    with app.app_context():
        rated = []
        for score, when in (("good", W1), ("good", W1), ("bad", W1), ("okay", W2)):
            ticket = TicketFactory(status="resolved")
            db.session.add(
                Rating(
                    ticket=ticket,
                    customer=ticket.customer,
                    score=score,
                    channel="widget",
                    created_at=at(when, 2),
                    updated_at=at(when, 2),
                )
            )
            rated.append(ticket.number)
        db.session.commit()
        assert texts("ratings") == [["2026-03-02", "2", "0", "1"], ["2026-03-09", "0", "1", "0"]]
    assert drill_numbers(founder, "metric=rating&key=bad&start=2026-03-02&end=2026-03-08") == [
        rated[2]
    ]


def test_promises_per_week_kept_early_missed(app, founder):
    with app.app_context():
        agent = agent_user()
        made = {}
        for label, status, early, due in (
            ("early", "kept", True, at(W1, 1)),
            ("kept", "kept", False, at(W1, 2)),
            ("missed1", "missed", False, at(W1, 3)),
            ("missed2", "missed", False, at(W2, 1)),
            ("pending", "pending", False, at(W2, 2)),
            ("cancelled", "cancelled", False, at(W2, 3)),
        ):
            ticket = TicketFactory()
            db.session.add(
                Promise(
                    ticket=ticket,
                    agent_id=agent.id,
                    due_at=due,
                    remind_at=due - timedelta(minutes=30),
                    text="Tomorrow",
                    status=status,
                    kept_early=early,
                    created_at=due - timedelta(days=1),
                )
            )
            made[label] = ticket.number
        db.session.commit()
        assert texts("promises") == [["2026-03-02", "2", "1", "1"], ["2026-03-09", "0", "0", "1"]]
    assert drill_numbers(founder, f"metric=promise&key=kept&{RANGE}") == sorted(
        [made["early"], made["kept"]]
    )
    assert drill_numbers(founder, f"metric=promise&key=missed&{RANGE}") == sorted(
        [made["missed1"], made["missed2"]]
    )


def test_nps_per_round_with_groups_and_score(app, founder):
    with app.app_context():
        inside = NpsRound(period_start=at(W1, -90), period_end=at(W1), created_at=at(W1, 1))
        outside = NpsRound(
            period_start=at(W1, -180), period_end=at(W1, -90), created_at=at(W1, -80)
        )
        db.session.add_all([inside, outside])
        db.session.flush()
        numbers = {}
        for score in (10, 9, 8, 3):
            customer = CustomerFactory()
            ticket = TicketFactory(customer=customer, created_at=at(W1, -30))
            TicketFactory(customer=customer, created_at=at(W1, 3))  # after the period
            survey = NpsSurvey(round=inside, customer=customer, sent_at=at(W1, 1))
            db.session.add(survey)
            db.session.flush()
            db.session.add(
                NpsResponse(
                    survey_id=survey.id,
                    round_id=inside.id,
                    customer_id=customer.id,
                    score=score,
                    created_at=at(W1, 2),
                )
            )
            numbers[score] = ticket.number
        customer = CustomerFactory()
        survey = NpsSurvey(round=outside, customer=customer)
        db.session.add(survey)
        db.session.flush()
        db.session.add(
            NpsResponse(survey_id=survey.id, round_id=outside.id, customer_id=customer.id, score=0)
        )
        db.session.commit()
        round_id = inside.id
        rows = texts("nps")
        assert len(rows) == 1
        assert rows[0][1:] == ["4", "2", "1", "1", "25"]
        assert rows[0][0].startswith("2026-03-03")
    assert drill_numbers(founder, f"metric=nps&key={round_id}-detractor&{RANGE}") == [numbers[3]]
    assert drill_numbers(founder, f"metric=nps&key={round_id}&{RANGE}") == sorted(numbers.values())


# --- repeat contacts ----------------------------------------------------------------------


def test_customers_with_repeat_contacts(app, founder):
    with app.app_context():
        xena, yuri, zoe = CustomerFactory(), CustomerFactory(), CustomerFactory()
        # Xena: 1, 5 and 12 March: three within 11 days (the first before the range).
        x = [
            TicketFactory(customer=xena, created_at=datetime(2026, 3, d, 10, tzinfo=UTC))
            for d in (1, 5, 12)
        ]
        # Yuri: three tickets spread over 18 days; Zoe: only two, a day apart.
        for d in (2, 10, 20):
            TicketFactory(customer=yuri, created_at=datetime(2026, 3, d, 10, tzinfo=UTC))
        for d in (3, 4):
            TicketFactory(customer=zoe, created_at=datetime(2026, 3, d, 10, tzinfo=UTC))
        numbers = [ticket.number for ticket in x]
        assert texts("repeat_contacts") == [
            ["2026-03-02", "1"],
            ["2026-03-09", "1"],
            ["Whole range", "1"],
        ]
    assert drill_numbers(founder, "metric=repeat_contact&start=2026-03-02&end=2026-03-08") == [
        numbers[1]
    ]
    assert drill_numbers(founder, f"metric=repeat_contact&{RANGE}") == numbers[1:]


# --- time zone, default range, CSV, empty state --------------------------------------------


def test_weeks_follow_the_workspace_time_zone(app, set_now):
    with app.app_context():
        setting_put(HOURS_KEY, {"timezone": "America/New_York"})
        db.session.commit()
        # 03:30 UTC on Monday 9 March is still Sunday evening in New York (EDT since 8 March).
        TicketFactory(kind="complaint", created_at=datetime(2026, 3, 9, 3, 30, tzinfo=UTC))
        assert [row[:2] for row in texts("complaints")] == [
            ["2026-03-02", "1"],
            ["2026-03-09", "0"],
        ]
        # The default twelve weeks end today, the current week so far included; at 01:00
        # UTC on Thursday it is still Wednesday 18 March in New York.
        set_now(datetime(2026, 3, 19, 1, tzinfo=UTC))
        rng = trend_range(start=None, end=None)
        assert (rng.start, rng.end) == (date(2025, 12, 29), date(2026, 3, 18))
        weeks = rng.weeks()
        assert len(weeks) == 12
        assert (weeks[-1].first, weeks[-1].last) == (date(2026, 3, 16), date(2026, 3, 18))


class _Tables(HTMLParser):
    """Collects each trend section's table on the page as rows of cell text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.section: str | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "section" and (found.get("id") or "").startswith("trend-"):
            self.section = (found["id"] or "")[len("trend-") :]
            self.tables[self.section] = []
        elif tag == "tr" and self.section:
            self.tables[self.section].append([])
        elif tag in ("td", "th") and self.section and self.tables[self.section]:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None and self.section:
            self.tables[self.section][-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def test_each_csv_equals_its_table_on_the_page(app, founder):
    with app.app_context():
        cause = RootCause(name='=HYPERLINK("http://evil")')
        db.session.add(cause)
        db.session.commit()
        ticket = TicketFactory(kind="complaint", created_at=at(W1, 1))
        _recovery(
            ticket,
            at(W1, 1),
            _hours_after(at(W1, 1), 1, 1, 1, 1, 1),
            state="completed",
            cause=cause,
        )
        TicketFactory(kind="question", created_at=at(W2, 1))
    parser = _Tables()
    parser.feed(founder.get(f"/founders/trends?{RANGE}").get_data(as_text=True))
    for name in SECTIONS:
        response = founder.get(f"/founders/trends/{name}.csv?{RANGE}")
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        assert response.headers["Content-Disposition"].startswith("attachment;")
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
        shown = parser.tables.get(name)
        if shown:  # sections with data: the same header and numbers as the page
            unquote = [[cell.removeprefix("'") for cell in row] for row in rows]
            assert unquote == shown, name
    causes_csv = founder.get(f"/founders/trends/root_causes.csv?{RANGE}").get_data(as_text=True)
    assert causes_csv.splitlines()[0] == 'Week of,"\'=HYPERLINK(""http://evil"")"'


def test_no_data_shows_empty_states_not_broken_charts(founder):
    response = founder.get(f"/founders/trends?{RANGE}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<svg" not in html
    assert html.count("No data in this range yet.") == len(SECTIONS)
    assert founder.get(f"/founders/trends/ratings.csv?{RANGE}").status_code == 200


def test_default_page_renders_with_data_and_links_every_number(app, founder, set_now):
    set_now(datetime(2026, 3, 18, 12, tzinfo=UTC))
    with app.app_context():
        TicketFactory(kind="complaint", created_at=at(W1, 1))
    html = founder.get("/founders/trends").get_data(as_text=True)
    assert 'value="2025-12-29"' in html and 'value="2026-03-18"' in html
    assert "<svg" in html and "<title" in html
    assert "/founders/trends/tickets?metric=complaints" in html
    assert "/founders/trends/complaints.csv?start=2025-12-29&amp;end=2026-03-18" in html


# --- bad input and permissions ------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2026-03-15&end=2026-03-02", "must not be before"),
        ("start=2020-01-01&end=2025-12-31", "at most five years"),
        ("start=2026-13-01&end=2026-03-02", "YYYY-MM-DD"),
        ("start=yesterday", "YYYY-MM-DD"),
        ("start=2026-3-2", "YYYY-MM-DD"),
        ("end=%3Cscript%3Ealert(1)%3C/script%3E", "YYYY-MM-DD"),
        ("start=0001-01-01", "between 1970"),
    ],
)
def test_bad_dates_are_field_errors(founder, query, message):
    response = founder.get(f"/founders/trends?{query}")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and 'aria-invalid="true"' in html
    assert "<script>alert" not in html
    csv_response = founder.get(f"/founders/trends/complaints.csv?{query}")
    assert csv_response.status_code == 400 and csv_response.mimetype == "text/plain"
    assert message in csv_response.get_data(as_text=True)
    drill = founder.get(f"/founders/trends/tickets?metric=complaints&{query}")
    assert drill.status_code == 400 and message in drill.get_data(as_text=True)


def test_a_range_of_exactly_five_years_is_allowed(founder):
    assert founder.get("/founders/trends?start=2021-01-01&end=2025-12-31").status_code == 200


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/founders/trends/nope.csv", 404),
        ("/founders/trends/tickets?metric=nope", 404),
        ("/founders/trends/tickets", 404),
        ("/founders/trends/tickets?metric=complaints&key=x", 400),
        ("/founders/trends/tickets?metric=rating&key=awful", 400),
        ("/founders/trends/tickets?metric=root_cause&key=-1", 400),
        ("/founders/trends/tickets?metric=nps&key=1-fan", 400),
        ("/founders/trends/tickets?metric=complaints&page=abc", 400),
        ("/founders/trends/tickets?metric=complaints&page=99999999999", 400),
    ],
)
def test_unknown_sections_metrics_and_keys_answer_plainly(founder, path, status):
    response = founder.get(path)
    assert response.status_code == status
    assert response.mimetype == "text/plain"


def test_drilldown_pages(app, founder):
    with app.app_context():
        for day in range(60):
            TicketFactory(kind="complaint", created_at=at(W1, 0, day))
    first = founder.get(f"/founders/trends/tickets?metric=complaints&{RANGE}")
    html = first.get_data(as_text=True)
    assert "60 tickets" in html and "Page 1 of 2" in html
    second = founder.get(f"/founders/trends/tickets?metric=complaints&{RANGE}&page=2")
    assert len(re.findall(r">#\d+</a>", second.get_data(as_text=True))) == 10


@pytest.mark.parametrize(
    "path",
    [
        "/founders/trends",
        f"/founders/trends/complaints.csv?{RANGE}",
        f"/founders/trends/tickets?metric=complaints&{RANGE}",
    ],
)
def test_agents_get_403_and_visitors_go_to_login(login_as, client, path):
    assert login_as("agent").get(path).status_code == 403
    assert login_as("admin").get(path).status_code == 200
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_founders_see_trends_in_the_navigation(founder, login_as):
    assert 'href="/founders/trends"' in founder.get("/founders/trends").get_data(as_text=True)
    assert 'href="/founders/trends"' not in login_as("agent").get("/inbox").get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("metric=complaints", "Complaints"),
        ("metric=promise&key=missed", "Promises per week: Missed"),
        ("metric=rating&key=bad", "Ratings per week: Bad"),
        ("metric=recovery_step&key=diagnose", "Median time per HEARD step: Diagnose"),
        ("metric=detector&key=false_alarm", "False alarms"),
        ("metric=nps&key=7-detractor", "Net Promoter Score per round: round 7, Detractors"),
        ("metric=root_cause&key=999999", "Root causes over time"),  # a cause since deleted
    ],
)
def test_the_drilldown_says_which_number_it_explains(founder, query, title):
    response = founder.get(f"/founders/trends/tickets?{query}&start={START}&end={END}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"<h1>{title}</h1>" in html
    assert "Tickets behind this number" not in html


def test_the_drilldown_names_the_root_cause(app, founder):
    from helpdesk.models import RootCause

    with app.app_context():
        cause = RootCause(name="Shipping or delivery problem", position=1)
        db.session.add(cause)
        db.session.commit()
        cause_id = cause.id
    html = founder.get(
        f"/founders/trends/tickets?metric=root_cause&key={cause_id}&start={START}&end={END}"
    ).get_data(as_text=True)
    assert "<h1>Root cause: Shipping or delivery problem</h1>" in html
