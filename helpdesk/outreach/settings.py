"""The outreach playbooks and how long a contacted customer is left alone, stored as one
`Setting` row ("outreach"). A playbook belongs to one trigger: "slipping" (usage well below
their usual), "dormant" (onboarded but never came back) and "left" (staff marked them as
gone). Each says whether it is on, who the draft is assigned to (else the first founder),
the saved reply it starts from (else the built-in text) and whether it sends on its own
(opt-in: by default a person reviews every draft)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.db.transaction import use_case
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.extensions import db
from helpdesk.models import SavedReply, User
from helpdesk.settings.service import setting_get, setting_put

SETTING_KEY = "outreach"
# The playbooks' triggers, and the kind of outreach each drafts.
TRIGGERS = ("slipping", "dormant", "left")
KIND_OF_TRIGGER = {"slipping": "slipping", "dormant": "onboarding", "left": "left"}
COOLDOWN_DAYS_RANGE = (1, 365)
DEFAULT_COOLDOWN_DAYS = 14
# A customer whose usage becomes "active" this long after an outreach "came back".
CAME_BACK_DAYS = 30


@dataclass(frozen=True)
class Playbook:
    trigger: str
    enabled: bool = False
    assignee_id: int | None = None
    saved_reply_id: int | None = None
    auto_send: bool = False


@dataclass(frozen=True)
class OutreachSettings:
    playbooks: dict[str, Playbook] = field(default_factory=dict)
    cooldown_days: int = DEFAULT_COOLDOWN_DAYS

    def playbook(self, trigger: str) -> Playbook:
        return self.playbooks.get(trigger) or Playbook(trigger)


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def outreach_settings() -> OutreachSettings:
    stored = setting_get(SETTING_KEY, {})
    stored = stored if isinstance(stored, dict) else {}
    playbooks: dict[str, Playbook] = {}
    raw = stored.get("playbooks")
    raw = raw if isinstance(raw, dict) else {}
    for trigger in TRIGGERS:
        values = raw.get(trigger)
        values = values if isinstance(values, dict) else {}
        playbooks[trigger] = Playbook(
            trigger=trigger,
            enabled=bool(values.get("enabled", False)),
            assignee_id=_int_or_none(values.get("assignee_id")),
            saved_reply_id=_int_or_none(values.get("saved_reply_id")),
            auto_send=bool(values.get("auto_send", False)),
        )
    days = stored.get("cooldown_days", DEFAULT_COOLDOWN_DAYS)
    if not isinstance(days, int) or not COOLDOWN_DAYS_RANGE[0] <= days <= COOLDOWN_DAYS_RANGE[1]:
        days = DEFAULT_COOLDOWN_DAYS
    return OutreachSettings(playbooks=playbooks, cooldown_days=days)


def outreach_people() -> list[User]:
    """Who a playbook's drafts may be assigned to: active staff, founders first."""
    order = sa.case((User.role == "founder", 0), (User.role == "admin", 1), else_=2)
    return list(
        db.session.scalars(sa.select(User).where(User.active.is_(True)).order_by(order, User.id))
    )


def default_assignee() -> User | None:
    """The first active founder (else the first admin): who outreach goes out from."""
    people = [user for user in outreach_people() if user.role in ("founder", "admin")]
    return people[0] if people else None


def playbook_assignee(playbook: Playbook) -> User | None:
    if playbook.assignee_id is not None:
        user = db.session.get(User, playbook.assignee_id)
        if user is not None and user.active:
            return user
    return default_assignee()


def _check_playbook(playbook: Playbook) -> None:
    prefix = playbook.trigger
    if playbook.assignee_id is not None:
        user = db.session.get(User, playbook.assignee_id)
        if user is None or not user.active:
            raise ValidationError(f"{prefix}_assignee", _("Choose someone from the list."))
    if playbook.saved_reply_id is not None:
        reply = db.session.get(SavedReply, playbook.saved_reply_id)
        if reply is None or reply.owner_id is not None or not reply.active:
            raise ValidationError(f"{prefix}_saved_reply", _("Choose a team saved reply."))


def _flat(values: OutreachSettings) -> dict[str, object]:
    flat: dict[str, object] = {"cooldown_days": values.cooldown_days}
    for trigger, playbook in values.playbooks.items():
        for name, value in asdict(playbook).items():
            if name != "trigger":
                flat[f"{trigger}.{name}"] = value
    return flat


def _changes(before: OutreachSettings, after: OutreachSettings) -> dict[str, object]:
    old, new = _flat(before), _flat(after)
    return {name: [old.get(name), value] for name, value in new.items() if old.get(name) != value}


@use_case
def outreach_settings_update(
    *, actor: User, playbooks: list[Playbook], cooldown_days: int
) -> OutreachSettings:
    """Change the playbooks and the quiet period after a contact (admins); audited."""
    if not actor.can("admin"):
        raise NotAllowed(_("Only an admin can change the outreach playbooks."))
    low, high = COOLDOWN_DAYS_RANGE
    if not low <= cooldown_days <= high:
        raise ValidationError(
            "cooldown_days", _("Use a number from %(low)d to %(high)d.", low=low, high=high)
        )
    for playbook in playbooks:
        if playbook.trigger not in TRIGGERS:
            raise ValidationError("", _("Unknown playbook."))
        _check_playbook(playbook)
    before = outreach_settings()
    after = OutreachSettings(
        playbooks={**before.playbooks, **{p.trigger: p for p in playbooks}},
        cooldown_days=cooldown_days,
    )
    if after != before:
        stored = {
            "playbooks": {
                trigger: {k: v for k, v in asdict(p).items() if k != "trigger"}
                for trigger, p in after.playbooks.items()
            },
            "cooldown_days": cooldown_days,
        }
        setting_put(SETTING_KEY, stored)
        audit(actor=actor, action="settings.outreach", obj=actor, changes=_changes(before, after))
    return after
