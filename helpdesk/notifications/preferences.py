"""Each person's email preferences for notifications: which kinds reach their inbox, and
whether as one email each or as one daily digest. No row means the defaults
(`EMAIL_DEFAULTS`); saving writes the whole row."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.models import User
from helpdesk.models.notification import EMAIL_DEFAULTS, NOTIFICATION_KINDS, NotificationPreference


@dataclass(frozen=True)
class Preferences:
    email: dict[str, bool]
    digest: bool

    def emails(self, kind: str) -> bool:
        """Whether `kind` reaches this person's inbox at all (now or in the digest)."""
        return self.email.get(kind, False)


DEFAULTS = Preferences(email=dict(EMAIL_DEFAULTS), digest=False)


def _from_row(row: NotificationPreference | None) -> Preferences:
    if row is None:
        return DEFAULTS
    return Preferences(
        email={kind: bool(getattr(row, f"email_{kind}")) for kind in NOTIFICATION_KINDS},
        digest=row.digest,
    )


def preferences_for(user_id: int) -> Preferences:
    return _from_row(db.session.get(NotificationPreference, user_id))


def preferences_of(user_ids: Iterable[int]) -> dict[int, Preferences]:
    """Several people's preferences in one query (defaults for those without a row)."""
    wanted = set(user_ids)
    if not wanted:
        return {}
    rows = db.session.scalars(
        sa.select(NotificationPreference).where(NotificationPreference.user_id.in_(wanted))
    )
    found = {row.user_id: _from_row(row) for row in rows}
    return {user_id: found.get(user_id, DEFAULTS) for user_id in wanted}


@use_case
def preferences_save(*, user: User, email: Mapping[str, bool], digest: bool) -> Preferences:
    """Save `user`'s choices (every kind: a missing one is off). A digest with nothing in
    it is refused, so nobody believes they will get an email that never comes."""
    unknown = set(email) - set(NOTIFICATION_KINDS)
    if unknown:
        raise ValidationError("email", _("Choose among the listed notifications."))
    choices = {kind: bool(email.get(kind, False)) for kind in NOTIFICATION_KINDS}
    if digest and not any(choices.values()):
        raise ValidationError(
            "delivery",
            _("Choose at least one notification to email, or turn the daily digest off."),
        )
    row = db.session.get(NotificationPreference, user.id)
    if row is None:
        row = NotificationPreference(user_id=user.id)
        db.session.add(row)
    for kind, wanted in choices.items():
        setattr(row, f"email_{kind}", wanted)
    row.digest = digest
    row.updated_at = now()
    return Preferences(email=choices, digest=digest)
