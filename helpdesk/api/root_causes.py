"""`/api/v1/root-causes`: the complaint categories founders manage, in their order (for
tagging recoveries or reporting elsewhere). Any agent may read them."""

from __future__ import annotations

from flask import Response, jsonify
from pydantic import BaseModel, Field

from helpdesk.api.blueprint import api_blueprint
from helpdesk.api.schemas import In, Out
from helpdesk.api.spec import responses, spec
from helpdesk.auth.access import require_role
from helpdesk.recovery.library import root_causes

bp = api_blueprint("api_root_causes", __name__)
bp.before_request(require_role("agent"))

TAG = "Root causes"


class RootCauseOut(Out):
    id: int
    name: str
    active: bool = Field(description="Retired categories are inactive: kept for history only.")
    position: int = Field(description="The order founders gave the list.")


class RootCauseList(BaseModel):
    items: list[RootCauseOut]


class RootCauseQuery(In):
    include_inactive: bool = Field(
        default=False, description="Also list retired (inactive) categories."
    )


@bp.get("/root-causes")
@spec.validate(query=RootCauseQuery, resp=responses({200: RootCauseList}, 422), tags=[TAG])
def list_root_causes(query: RootCauseQuery) -> Response:
    """List root-cause categories in their order; only active ones unless `include_inactive`."""
    causes = root_causes(include_inactive=query.include_inactive)
    return jsonify(
        items=[RootCauseOut.model_validate(cause).model_dump(mode="json") for cause in causes]
    )
