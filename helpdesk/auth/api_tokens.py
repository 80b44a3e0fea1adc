"""API tokens: made by a staff user for themselves, shown once, stored as a SHA-256 hash.

A token acts as its owner with the owner's role, narrowed by its scope: `read` allows only
safe methods, `read-write` everything the owner may do."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.extensions import db
from helpdesk.models import API_SCOPES, ApiToken, User

# Secrets look like `hd_<43 url-safe characters>` (256 random bits): the prefix makes a
# leaked token easy to recognise (and to scan for in code).
SECRET_PREFIX = "hd_"  # noqa: S105 # nosec B105 - a marker, not a secret
SHOWN_PREFIX_CHARS = 10
MAX_NAME_CHARS = 100
MAX_TOKENS_PER_USER = 50
MAX_LIFETIME = timedelta(days=3 * 365)
# Writing last-used on every request would turn every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


@use_case
def token_create(
    *, owner: User, name: str, scope: str, expires_at: datetime | None
) -> tuple[ApiToken, str]:
    """A new token for `owner`; returns it with its secret, which is never shown again."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError("name", _("Name the token after what will use it."))
    if len(name) > MAX_NAME_CHARS:
        raise ValidationError("name", _("Use at most %(count)d characters.", count=MAX_NAME_CHARS))
    if scope not in API_SCOPES:
        raise ValidationError("scope", _("Choose read or read-write."))
    moment = now()
    if expires_at is not None:
        if expires_at <= moment:
            raise ValidationError("expires_at", _("Choose a date in the future."))
        if expires_at > moment + MAX_LIFETIME:
            raise ValidationError("expires_at", _("Choose a date within three years."))
    if not owner.active:
        raise NotAllowed(_("A deactivated account cannot have API tokens."))
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ApiToken)
        .where(ApiToken.user_id == owner.id, ApiToken.revoked_at.is_(None))
    )
    if (count or 0) >= MAX_TOKENS_PER_USER:
        raise ValidationError(
            "name",
            _("You have %(count)d tokens; revoke one you no longer use first.", count=count),
        )
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=owner,
        name=name,
        scope=scope,
        prefix=secret[:SHOWN_PREFIX_CHARS],
        token_hash=token_hash(secret),
        expires_at=expires_at,
        created_at=moment,
    )
    db.session.add(token)
    db.session.flush()
    audit(
        actor=owner,
        action="api_token.create",
        obj=token,
        changes={"name": name, "scope": scope, "expires_at": expires_at},
    )
    return token, secret


@use_case
def token_revoke(*, token: ApiToken, actor: User) -> None:
    """Revoke `token` (its owner, or an admin); it stops working on the next request."""
    if token.user_id != actor.id and not actor.can("admin"):
        raise NotAllowed(_("Only the token's owner or an admin can revoke it."))
    if token.revoked_at is not None:
        return
    token.revoked_at = now()
    audit(actor=actor, action="api_token.revoke", obj=token, changes={"name": token.name})


def tokens_visible_to(user: User) -> list[ApiToken]:
    """The user's own tokens; an admin sees everyone's (to revoke a leaked one)."""
    query = sa.select(ApiToken).options(joinedload(ApiToken.user))
    if not user.can("admin"):
        query = query.where(ApiToken.user_id == user.id)
    return list(
        db.session.scalars(
            query.order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())
        )
    )


def token_for_revoking(token_id: int, actor: User) -> ApiToken | None:
    """The token with `token_id` if `actor` may see it (None alike for unknown and others')."""
    token = db.session.get(ApiToken, token_id)
    if token is None or (token.user_id != actor.id and not actor.can("admin")):
        return None
    return token


@use_case
def token_authenticate(secret: str) -> ApiToken | None:
    """The usable token whose secret this is, noting its use; None for unknown, revoked or
    expired tokens and tokens of deactivated users.

    The lookup is by the hash of the secret (a unique index), so timing reveals nothing
    about other tokens' secrets."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(
        sa.select(ApiToken)
        .where(ApiToken.token_hash == token_hash(secret))
        .options(joinedload(ApiToken.user))
    )
    moment = now()
    if token is None or not token.usable_at(moment):
        return None
    if token.last_used_at is None or moment - token.last_used_at >= LAST_USED_RESOLUTION:
        db.session.execute(
            sa.update(ApiToken)
            .where(
                ApiToken.id == token.id,
                sa.or_(
                    ApiToken.last_used_at.is_(None),
                    ApiToken.last_used_at <= moment - LAST_USED_RESOLUTION,
                ),
            )
            .values(last_used_at=moment)
        )
        # The UPDATE wrote it: the loaded token shows it without writing it again.
        set_committed_value(token, "last_used_at", moment)
    return token
