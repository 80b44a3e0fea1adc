"""Admin page for the widget: launcher look, greeting, allowed sites, the identity secret
(shown, and rotated on request) and the snippet to paste into a site."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from helpdesk.auth.access import require_role
from helpdesk.contrast import AA_TEXT, launcher_contrast
from helpdesk.errors import ValidationError
from helpdesk.forms import show_domain_error
from helpdesk.web.current import staff
from helpdesk.widget.forms import RotateSecretForm, WidgetSettingsForm, settings_form_data
from helpdesk.widget.settings import (
    widget_secret,
    widget_secret_rotate,
    widget_settings,
    widget_settings_update,
)

bp = Blueprint("widget_settings", __name__, url_prefix="/settings/widget")
bp.before_request(require_role("admin"))

# Code to copy, not prose to translate.
PYTHON_EXAMPLE = """import hashlib, hmac

def helpdesk_hash(email: str) -> str:
    return hmac.new(WIDGET_SECRET.encode(), email.encode(), hashlib.sha256).hexdigest()"""
NODE_EXAMPLE = """const crypto = require("node:crypto");

function helpdeskHash(email) {
  return crypto.createHmac("sha256", WIDGET_SECRET).update(email).digest("hex");
}"""


def served_base_url() -> str:
    """HELPDESK_BASE_URL when set, else the address this admin page is served from (an
    admin's own request: `PORT=8000 make run` shows a snippet that works)."""
    if current_app.config.get("BASE_URL_CONFIGURED"):
        return str(current_app.config["BASE_URL"]).rstrip("/")
    return request.host_url.rstrip("/")


def embed_snippets() -> dict[str, str]:
    """The plain snippet and the one with a signed customer identity."""
    src = f"{served_base_url()}/widget.js"
    return {
        "plain": f'<script src="{src}" async></script>',
        "identity": (
            f'<script src="{src}" async\n'
            '        data-user-email="customer@example.com"\n'
            '        data-user-name="Customer Name"\n'
            '        data-user-hash="HMAC-SHA256 of the email, as hex"></script>'
        ),
    }


def contrast_warning(colour: str) -> str:
    """The warning shown when the launcher's text cannot reach 4.5:1 on `colour` (the
    widget picks near-black or white text, whichever reads better); "" when it can, or
    when `colour` is not a colour yet."""
    try:
        ratio = launcher_contrast(colour)
    except ValueError:
        return ""
    if ratio >= AA_TEXT:
        return ""
    return contrast_message(format_decimal(int(ratio * 100) / 100, format="0.00"))


def contrast_message(ratio: str) -> str:
    return _(
        "Low contrast: the launcher's text reaches only %(ratio)s:1 on this colour, below "
        "the 4.5:1 that WCAG AA asks for. Some customers will find the button hard to read: "
        "a darker or lighter colour reads better.",
        ratio=ratio,
    )


def _page(form: WidgetSettingsForm, status: int = 200) -> tuple[str, int]:
    context: dict[str, Any] = {
        "form": form,
        "contrast_warning": contrast_warning(form.colour.data or ""),
        "contrast_template": contrast_message("{ratio}"),
        "rotate_form": RotateSecretForm(formdata=None),
        "secret": widget_secret(),
        "snippets": embed_snippets(),
        "python_example": PYTHON_EXAMPLE,
        "node_example": NODE_EXAMPLE,
    }
    return render_template("widget/settings.html", **context), status


@bp.get("")
def settings_page() -> tuple[str, int]:
    return _page(WidgetSettingsForm(formdata=None, data=settings_form_data(widget_settings())))


@bp.post("")
def settings_save() -> Response | tuple[str, int]:
    form = WidgetSettingsForm()
    if form.validate_on_submit():
        try:
            widget_settings_update(
                actor=staff(),
                colour=form.colour.data or "",
                position=form.position.data or "",
                label=form.label.data or "",
                greeting=form.greeting.data or "",
                allowed_origins=form.origins(),
            )
        except ValidationError as error:
            show_domain_error(form, error)
        else:
            flash(_("Widget settings are saved."), "success")
            warning = contrast_warning(form.colour.data or "")
            if warning:
                flash(warning, "warning")
            return redirect(url_for("widget_settings.settings_page"))
    return _page(form, status=422)


@bp.post("/secret")
def secret_rotate() -> Response | tuple[str, int]:
    form = RotateSecretForm()
    if not form.validate_on_submit():
        flash(_("The secret was not changed: reload the page and try again."), "error")
        return redirect(url_for("widget_settings.settings_page"))
    widget_secret_rotate(actor=staff())
    flash(
        _(
            "The widget secret is new. Update your site: hashes made with the old one "
            "no longer work."
        ),
        "success",
    )
    return redirect(url_for("widget_settings.settings_page"))
