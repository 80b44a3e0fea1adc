"""Recovery settings admins change: the complaint threshold, and the product name phrases
use."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.db.transaction import use_case
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.models import User
from helpdesk.recovery.detection import COMPLAINT_THRESHOLD
from helpdesk.settings.service import setting_get, setting_put


@dataclass(frozen=True)
class RecoverySettings:
    complaint_threshold: float = COMPLAINT_THRESHOLD
    # What the company sells, as phrases say it ("your Acme account"); empty: "us".
    product_name: str = ""


def recovery_settings() -> RecoverySettings:
    stored = setting_get("recovery", {})
    return RecoverySettings(
        complaint_threshold=float(stored.get("complaint_threshold", COMPLAINT_THRESHOLD)),
        product_name=str(stored.get("product_name", "")),
    )


@use_case
def recovery_settings_update(
    *, actor: User, threshold: float, product_name: str
) -> RecoverySettings:
    """Set the score above which a customer message makes the ticket a complaint, and the
    product name phrases use."""
    if not actor.can("admin"):
        raise NotAllowed(_("Only an admin can change recovery settings."))
    if not 0.05 <= threshold <= 1.0:
        raise ValidationError("complaint_threshold", _("Use a number from 0.05 to 1.0."))
    product_name = " ".join((product_name or "").split())
    if len(product_name) > 80:
        raise ValidationError("product_name", _("Use at most %(count)d characters.", count=80))
    before = recovery_settings()
    stored = dict(setting_get("recovery", {}))
    stored["complaint_threshold"] = round(threshold, 2)
    stored["product_name"] = product_name
    setting_put("recovery", stored)
    audit(
        actor=actor,
        action="settings.recovery",
        obj=actor,
        changes={
            "complaint_threshold": [before.complaint_threshold, round(threshold, 2)],
            "product_name": [before.product_name, product_name],
        },
    )
    return recovery_settings()
