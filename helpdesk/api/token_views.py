"""`/settings/api-tokens`: every staff member makes and revokes their own API tokens; an
admin also sees everyone's, to revoke a leaked one. A new token's secret is shown once, in
the response to the POST that made it (never stored, never put in a URL or the session)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from helpdesk.api.forms import RevokeForm, TokenForm
from helpdesk.auth.access import require_role
from helpdesk.auth.api_tokens import (
    token_create,
    token_for_revoking,
    token_revoke,
    tokens_visible_to,
)
from helpdesk.clock import now
from helpdesk.errors import DomainError
from helpdesk.forms import show_domain_error
from helpdesk.web.current import staff

bp = Blueprint("api_tokens", __name__, url_prefix="/settings/api-tokens")
bp.before_request(require_role("agent"))


def _page(form: TokenForm, status: int = 200, secret: str | None = None) -> tuple[str, int]:
    html = render_template(
        "api/tokens.html",
        form=form,
        revoke_form=RevokeForm(formdata=None),
        tokens=tokens_visible_to(current_user),
        secret=secret,
        moment=now(),
    )
    return html, status


@bp.get("")
def index() -> tuple[str, int]:
    return _page(TokenForm(formdata=None))


@bp.post("")
def create() -> tuple[str, int]:
    form = TokenForm()
    if form.validate_on_submit():
        try:
            _token, secret = token_create(
                owner=staff(),
                name=form.name.data or "",
                scope=form.scope.data or "",
                expires_at=form.expires_at(now()),
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            return _page(TokenForm(formdata=None), status=201, secret=secret)
    return _page(form, status=422)


@bp.post("/<int:token_id>/revoke")
def revoke(token_id: int) -> Response:
    form = RevokeForm()
    token = token_for_revoking(token_id, current_user)
    if token is None:
        abort(404)
    if not form.validate_on_submit():
        flash(_("The token was not revoked: reload the page and try again."), "error")
    else:
        token_revoke(token=token, actor=staff())
        flash(_("Token “%(name)s” is revoked.", name=token.name), "success")
    return redirect(url_for("api_tokens.index"))
