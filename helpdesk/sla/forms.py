"""The service-level policy form (shape only: the rules are `policies.checked`'s, so every
door gets the same messages). Targets are typed as hours and minutes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectMultipleField, StringField
from wtforms.validators import Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from helpdesk.forms import BaseForm
from helpdesk.models import SLA_KINDS, SlaPolicy
from helpdesk.sla.labels import PRIORITY_CHOICES

MAX_HOURS = 60 * 24
HOURS = [Optional(), NumberRange(min=0, max=MAX_HOURS, message=_l("Give 0 to 1440 hours."))]
MINUTES = [Optional(), NumberRange(min=0, max=59, message=_l("Give 0 to 59 minutes."))]


class PolicyForm(BaseForm):
    name = StringField(_l("Name"), validators=[Length(max=200)])
    first_reply_hours = IntegerField(_l("First reply within: hours"), validators=HOURS)
    first_reply_minutes = IntegerField(_l("First reply within: minutes"), validators=MINUTES)
    next_reply_hours = IntegerField(_l("Next reply within: hours"), validators=HOURS)
    next_reply_minutes = IntegerField(_l("Next reply within: minutes"), validators=MINUTES)
    resolution_hours = IntegerField(_l("Resolution within: hours"), validators=HOURS)
    resolution_minutes = IntegerField(_l("Resolution within: minutes"), validators=MINUTES)
    warn_hours = IntegerField(_l("“Breaching soon” before: hours"), validators=HOURS)
    warn_minutes = IntegerField(_l("“Breaching soon” before: minutes"), validators=MINUTES)
    priorities = SelectMultipleField(
        _l("Priorities"),
        choices=PRIORITY_CHOICES,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        description=_l("None ticked: any priority."),
    )
    plans = StringField(
        _l("Customer plans"),
        validators=[Length(max=2000)],
        description=_l("Separate plans with commas; empty: any plan."),
    )
    vip_only = BooleanField(_l("Only VIP customers"))
    enabled = BooleanField(_l("Enabled"), default=True)
    escalate_to_assignee = BooleanField(_l("On a breach, tell the assignee (bell)"), default=True)
    escalate_to_founders = BooleanField(_l("On a breach, add the ticket to the founders' queue"))

    def minutes(self, kind: str) -> int | None:
        """Hours and minutes typed for `kind` (or "warn") in minutes; None when both empty."""
        hours, minutes = self[f"{kind}_hours"].data, self[f"{kind}_minutes"].data
        if hours is None and minutes is None:
            return None
        return (hours or 0) * 60 + (minutes or 0)

    @classmethod
    def showing(cls, policy: SlaPolicy | None) -> PolicyForm:
        form = cls(formdata=None)
        if policy is None:
            form.priorities.data = []
            form.warn_hours.data = 1
            return form
        form.name.data = policy.name
        for kind in (*SLA_KINDS, "warn"):
            value = getattr(policy, f"{kind}_minutes")
            if value is not None:
                form[f"{kind}_hours"].data, form[f"{kind}_minutes"].data = divmod(value, 60)
        form.priorities.data = list(policy.priorities)
        form.plans.data = ", ".join(policy.plans)
        for name in ("vip_only", "enabled", "escalate_to_assignee", "escalate_to_founders"):
            form[name].data = getattr(policy, name)
        return form


class ActionForm(BaseForm):
    """CSRF only: delete, enable or disable, move."""
