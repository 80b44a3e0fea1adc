"""Exporting a customer's data (issue 20): the ZIP's JSON files and the files they sent,
on both storage backends; admins only; audited with counts."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
import sqlalchemy as sa
from flask import Flask

from helpdesk.extensions import db
from helpdesk.models import AuditEvent
from tests.conftest import csrf_token
from tests.integration import privacy_support as scenario
from tests.storage_backends import moto_server, storage_backend  # noqa: F401


def _export(client, customer_id: int):
    token = csrf_token(client, f"/customers/{customer_id}/privacy")
    return client.post(f"/customers/{customer_id}/privacy/export", data={"csrf_token": token})


@pytest.mark.usefixtures("storage_backend")
def test_the_export_holds_their_records_and_files(app: Flask, login_as, make_user):
    admin = login_as("admin")
    agent = make_user("agent")
    with app.app_context():
        built = scenario.build(admin.user.id, agent.id)
        db.session.remove()

    response = _export(admin, built.customer_id)
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    assert f"customer-{built.customer_id}-export.zip" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    response.close()  # a server closes it after sending: the temporary file goes
    names = set(archive.namelist())
    expected = {"customer.json", "tickets.json", "promises.json", "ratings.json", "nps.json"}
    assert expected | {"recoveries.json", "audit.json", "manifest.json"} <= names

    def read(name: str):
        return json.loads(archive.read(name))

    customer = read("customer.json")
    assert customer["email"] == scenario.EMAIL and customer["name"] == scenario.NAME
    tickets = read("tickets.json")
    assert [t["number"] for t in tickets] == list(built.numbers)
    bodies = [m["body"] for t in tickets for m in t["messages"]]
    assert scenario.BODIES[0] in bodies and scenario.BODIES[1] in bodies
    assert not any("called twice" in body for body in bodies)  # internal notes stay inside
    assert scenario.OTHER_BODY not in bodies  # nobody else's conversation
    [file] = [f for t in tickets for m in t["messages"] for f in m["files"]]
    assert file["filename"] == "marmalade-receipt.png"
    assert archive.read(file["path"]) == scenario.png_bytes()
    [promise] = read("promises.json")
    assert promise["ticket"] == built.numbers[0] and "Friday" in promise["text"]
    [rating] = read("ratings.json")
    assert rating["score"] == "bad" and "marmalade" in rating["comment"]
    [answer] = read("nps.json")
    assert answer["score"] == 3 and answer["reason"] == "the violet marmalade saga"
    summaries = {recovery["problem_summary"] for recovery in read("recoveries.json")}
    assert "Zephyrine lost her violet marmalade" in summaries
    actions = {event["action"] for event in read("audit.json")}
    assert "ticket.create" in actions
    manifest = read("manifest.json")
    assert manifest["files"] == 1 and manifest["missing_files"] == []
    assert manifest["tickets"] == len(built.numbers)

    with app.app_context():
        [event] = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "privacy.export")
        ).all()
        assert event.object_id == str(built.customer_id)
        assert event.actor_user_id == admin.user.id
        assert scenario.EMAIL not in json.dumps(event.changes)


def test_an_export_without_the_form_token_is_refused(app: Flask, login_as):
    admin = login_as("admin")
    with app.app_context():
        from helpdesk.models import Customer

        customer = Customer(name="Ana Lima", email="ana@example.com")
        db.session.add(customer)
        db.session.commit()
        customer_id = customer.id
    response = admin.post(f"/customers/{customer_id}/privacy/export")
    assert response.status_code == 400
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "privacy.export")
            )
            == 0
        )
