"""Privacy requests through the API, for admins' read-write tokens:
`POST /customers/{id}/export` (the ZIP), `POST /customers/{id}/erase` and
`PUT /customers/{id}/legal-hold` (helpdesk.privacy; the same rules and audit entries as
the admin page)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from flask import Response, abort, jsonify
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, Field, StrictBool

from helpdesk.api.blueprint import api_blueprint
from helpdesk.api.schemas import In, Out
from helpdesk.api.spec import responses, spec
from helpdesk.auth.access import require_role
from helpdesk.customers.queries import customer_by_id
from helpdesk.models import Customer
from helpdesk.privacy.erase import customer_erase
from helpdesk.privacy.export import customer_export, export_filename
from helpdesk.privacy.legal_hold import customer_legal_hold_set
from helpdesk.web.converters import api_id

bp = api_blueprint("api_privacy", __name__)
bp.before_request(require_role("admin"))

TAG = "Privacy"


class ExportRequest(In):
    """No fields: send `{}`."""


class EraseRequest(In):
    # Only the word: a rule the document can state (the admin page also takes the
    # customer's email address).
    confirmation: Literal["ERASE"] = Field(description="The word ERASE, to confirm.")


class LegalHoldUpdate(In):
    legal_hold: StrictBool = Field(description="While true, erasure is refused (409).")


class PrivacyState(Out):
    id: int
    legal_hold: bool
    erased_at: datetime | None = Field(description="When the personal data was erased.")


class ErasureOut(BaseModel):
    customer: PrivacyState
    tickets: int = Field(description="Tickets whose subjects and messages were erased.")
    messages: int
    attachments: int = Field(description="Files deleted.")
    emails_cancelled: int = Field(description="Emails not yet sent, now cancelled.")


def _customer(customer_id: int) -> Customer:
    customer = customer_by_id(customer_id)
    if customer is None:
        abort(404, description=_("There is no customer with that id."))
    return customer


def _state(customer: Customer) -> dict[str, object]:
    return PrivacyState.model_validate(customer).model_dump(mode="json")


@bp.post(f"/customers/{api_id('customer_id')}/export")
@spec.validate(json=ExportRequest, resp=responses({200: None}, 404, 415, 422), tags=[TAG])
def export_customer(customer_id: int, json: ExportRequest) -> Response:
    """Export everything held about a customer (admins).

    Answers `application/zip`: JSON files (customer, tickets with public messages,
    promises, ratings, NPS answers, recoveries, audit entries, a manifest) and the files
    on their messages under `files/`. Audited as `privacy.export`."""
    customer = _customer(customer_id)
    handle = customer_export(actor=current_user, customer=customer)
    # SpecTree reads every answer to check it against the document, so it cannot pass a
    # file through: the API's export is read into memory once (the admin page streams it).
    with handle:
        data = handle.read()
    disposition = f'attachment; filename="{export_filename(customer)}"'
    return Response(data, mimetype="application/zip", headers={"Content-Disposition": disposition})


@bp.post(f"/customers/{api_id('customer_id')}/erase")
@spec.validate(json=EraseRequest, resp=responses({200: ErasureOut}, 404, 409, 415, 422), tags=[TAG])
def erase_customer(customer_id: int, json: EraseRequest) -> Response:
    """Erase a customer's personal data (admins).

    Name, email, external id, subjects, message bodies, files, comments and the unsent
    emails to them go; ticket rows, scores and flags stay, so counts do not change. 409
    under legal hold or when already erased; 422 when `confirmation` is not ERASE.
    Audited as `privacy.erase`."""
    customer = _customer(customer_id)
    erasure = customer_erase(actor=current_user, customer=customer, confirmation=json.confirmation)
    return jsonify(customer=_state(customer), **erasure.as_dict())


@bp.put(f"/customers/{api_id('customer_id')}/legal-hold")
@spec.validate(json=LegalHoldUpdate, resp=responses({200: PrivacyState}, 404, 415, 422), tags=[TAG])
def set_legal_hold(customer_id: int, json: LegalHoldUpdate) -> Response:
    """Set or lift a customer's legal hold (admins; audited as `privacy.legal_hold`)."""
    customer = customer_legal_hold_set(
        actor=current_user, customer=_customer(customer_id), hold=json.legal_hold
    )
    return jsonify(_state(customer))
