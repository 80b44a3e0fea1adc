"""The outreach playbooks page (`/settings/outreach`, admins): for each trigger, on or
off, who the draft is assigned to, the team saved reply it starts from and whether it
sends without review; and how long a contacted customer is left alone."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from helpdesk.auth.access import require_role
from helpdesk.extensions import db
from helpdesk.forms import parse_id
from helpdesk.models import SavedReply
from helpdesk.outreach.forms import PlaybooksForm
from helpdesk.outreach.labels import TRIGGER_LABELS
from helpdesk.outreach.settings import (
    TRIGGERS,
    Playbook,
    outreach_people,
    outreach_settings,
    outreach_settings_update,
)
from helpdesk.web.current import staff
from helpdesk.web.use_case import run_use_case

bp = Blueprint("outreach_settings", __name__)
bp.before_request(require_role("admin"))


def _choices(form: PlaybooksForm) -> PlaybooksForm:
    people = [SelectChoice("", _("The first founder"))] + [
        SelectChoice(str(user.id), user.name) for user in outreach_people()
    ]
    replies = [SelectChoice("", _("The built-in message"))] + [
        SelectChoice(str(reply.id), f"{reply.title} ({reply.language})")
        for reply in db.session.scalars(
            sa.select(SavedReply)
            .where(
                SavedReply.owner_id.is_(None),
                SavedReply.active.is_(True),
                SavedReply.heard_step.is_(None),
            )
            .order_by(SavedReply.title, SavedReply.language)
        )
    ]
    for trigger in TRIGGERS:
        form[f"{trigger}_assignee"].choices = people
        form[f"{trigger}_saved_reply"].choices = replies
    return form


def _blank_form() -> PlaybooksForm:
    current = outreach_settings()
    data: dict[str, object] = {"cooldown_days": current.cooldown_days}
    for trigger in TRIGGERS:
        playbook = current.playbook(trigger)
        data[f"{trigger}_enabled"] = playbook.enabled
        data[f"{trigger}_assignee"] = str(playbook.assignee_id or "")
        data[f"{trigger}_saved_reply"] = str(playbook.saved_reply_id or "")
        data[f"{trigger}_auto_send"] = playbook.auto_send
    return _choices(PlaybooksForm(formdata=None, data=data))


def _page(form: PlaybooksForm, status: int = 200) -> tuple[str, int]:
    return render_template(
        "outreach/settings.html", form=form, triggers=TRIGGERS, trigger_labels=TRIGGER_LABELS
    ), status


@bp.get("/settings/outreach")
def settings_page() -> tuple[str, int]:
    return _page(_blank_form())


def _id_field(form: PlaybooksForm, name: str) -> int | None:
    raw = form[name].data or ""
    value = parse_id(raw)
    if raw and value is None:
        form[name].errors = [_("Choose from the list.")]
    return value


@bp.post("/settings/outreach")
def settings_save() -> Response | tuple[str, int]:
    form = _choices(PlaybooksForm())
    if not form.validate_on_submit():
        return _page(form, 422)
    playbooks = [
        Playbook(
            trigger=trigger,
            enabled=bool(form[f"{trigger}_enabled"].data),
            assignee_id=_id_field(form, f"{trigger}_assignee"),
            saved_reply_id=_id_field(form, f"{trigger}_saved_reply"),
            auto_send=bool(form[f"{trigger}_auto_send"].data),
        )
        for trigger in TRIGGERS
    ]
    if form.errors:
        return _page(form, 422)
    user = staff()
    done = run_use_case(
        lambda: outreach_settings_update(
            actor=user, playbooks=playbooks, cooldown_days=form.cooldown_days.data or 0
        ),
        form=form,
    )
    if not done.ok:
        return _page(form, done.status)
    flash(_("Outreach playbooks saved."), "success")
    return redirect(url_for("outreach_settings.settings_page"), code=303)
