"""Blameless Diagnose: a diagnosis that names a staff member or blames a person gets a
warning with the text kept and a "Save anyway" (never a refusal); reopening Diagnose shows
what was written."""

from __future__ import annotations

import pytest

from helpdesk.extensions import db
from helpdesk.models import RootCause, Ticket
from helpdesk.recovery import library, service
from helpdesk.recovery.blameless import blame_findings
from tests.conftest import csrf_token
from tests.integration.test_recovery import HTMX, agent, angry_ticket


def _at_diagnose(actor):
    library.seed_library()
    ticket = angry_ticket(actor)
    for step, extra in [
        ("hear", {"problem_summary": "Charged twice"}),
        ("empathize", {}),
        ("apologize", {}),
        ("resolve", {"resolution": "Refunded the second charge"}),
    ]:
        service.recovery_complete_step(recovery=ticket.recovery, step=step, actor=actor, **extra)
    cause_id = db.session.scalars(db.select(RootCause.id).where(RootCause.active)).first()
    return ticket.number, cause_id


@pytest.mark.parametrize(
    ("text", "names", "words"),
    [
        (
            "Somchai forgot to check the order and Dewi was careless",
            ["Somchai", "Dewi"],
            ["careless", "forgot"],
        ),
        ("Fire Dewi", ["Dewi"], ["fire"]),
        ("Dewi Lestari skipped it", ["Dewi Lestari"], []),
        ("พนักงานประมาท ไม่ตรวจสอบคำสั่งซื้อ", [], ["ประมาท"]),
        ("Staf ceroboh dan lupa mengecek", [], ["ceroboh", "lupa"]),
        ("কর্মীর গাফিলতি ছিল", [], ["গাফিলতি"]),
        # Process wording passes; parts of longer words do not count.
        ("The stock check is manual and nothing reminds anyone of it at busy times", [], []),
        ("Firewall rules blocked the payment callback", [], []),
        ("", [], []),
    ],
)
def test_blame_findings_names_people_and_blame_words_in_four_languages(
    database, text, names, words
):
    agent("Dewi Lestari")
    agent("Somchai Wong")
    found_names, found_words = blame_findings(text)
    assert sorted(found_names) == sorted(names)
    assert sorted(found_words) == sorted(words)


def test_blame_findings_ignore_names_of_people_who_left_and_very_short_names(database):
    gone = agent("Dewi Lestari")
    gone.active = False
    agent("Al Green")
    db.session.commit()
    assert blame_findings("Dewi and Al looked at it") == ([], [])


def test_a_blaming_diagnosis_is_warned_about_with_the_text_kept_then_saved_anyway(app, login_as):
    client = login_as("agent")
    with app.app_context():
        number, cause_id = _at_diagnose(agent("Dewi Lestari"))
    token = csrf_token(client, f"/tickets/{number}")
    data = {
        "root_cause_id": str(cause_id),
        "process_gap": "Somchai forgot to check the order and Dewi was careless",
        "process_fix": "Fire Dewi",
        "csrf_token": token,
    }
    warned = client.post(f"/tickets/{number}/recovery/steps/diagnose/done", data=data, headers=HTMX)
    page = warned.get_data(as_text=True)
    assert warned.status_code == 200
    assert 'id="blame-warning"' in page
    assert "“Dewi”" in page and "“careless”" in page and "“fire”" in page
    assert "Fire Dewi</textarea>" in page  # nothing typed is lost
    assert f'value="{cause_id}" selected' in page
    with app.app_context():
        assert (
            db.session.scalar(db.select(Ticket).filter_by(number=number)).recovery.current_step
            == "diagnose"
        )

    saved = client.post(
        f"/tickets/{number}/recovery/steps/diagnose/done",
        data={**data, "blame_confirmed": "y"},
        headers=HTMX,
    )
    assert saved.status_code == 200
    assert 'id="blame-warning"' not in saved.get_data(as_text=True)
    with app.app_context():
        recovery = db.session.scalar(db.select(Ticket).filter_by(number=number)).recovery
        assert recovery.state == "completed"
        assert recovery.process_fix == "Fire Dewi"


def test_without_htmx_a_blaming_diagnosis_is_saved_with_a_warning(app, login_as):
    client = login_as("agent")
    with app.app_context():
        number, cause_id = _at_diagnose(agent("Dewi Lestari"))
    response = client.post(
        f"/tickets/{number}/recovery/steps/diagnose/done",
        data={
            "root_cause_id": str(cause_id),
            "process_gap": "Dewi was careless",
            "process_fix": "Retrain",
            "csrf_token": csrf_token(client, f"/tickets/{number}"),
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "next time, describe the process" in response.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(db.select(Ticket).filter_by(number=number)).recovery.state
            == "completed"
        )


def test_a_blameless_diagnosis_saves_at_once(app, login_as):
    client = login_as("agent")
    with app.app_context():
        number, cause_id = _at_diagnose(agent("Dewi Lestari"))
    response = client.post(
        f"/tickets/{number}/recovery/steps/diagnose/done",
        data={
            "root_cause_id": str(cause_id),
            "process_gap": "The stock check is a manual step nobody is reminded of",
            "process_fix": "Make the check part of the order screen",
            "csrf_token": csrf_token(client, f"/tickets/{number}"),
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    assert 'id="blame-warning"' not in response.get_data(as_text=True)
    assert "All five steps are done" in response.get_data(as_text=True)


def test_reopening_diagnose_keeps_what_was_written(app, login_as):
    client = login_as("agent")
    with app.app_context():
        actor = agent("Dewi Lestari")
        number, cause_id = _at_diagnose(actor)
        ticket = db.session.scalar(db.select(Ticket).filter_by(number=number))
        service.recovery_complete_step(
            recovery=ticket.recovery,
            step="diagnose",
            actor=actor,
            root_cause_id=cause_id,
            process_gap="The stock check is manual",
            process_fix="Automate the stock check",
        )
    token = csrf_token(client, f"/tickets/{number}")
    reopened = client.post(
        f"/tickets/{number}/recovery/steps/diagnose/reopen",
        data={"csrf_token": token},
        headers=HTMX,
    )
    page = reopened.get_data(as_text=True)
    assert reopened.status_code == 200
    assert "The stock check is manual</textarea>" in page
    assert "Automate the stock check</textarea>" in page
    assert f'value="{cause_id}" selected' in page
