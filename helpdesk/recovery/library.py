"""The phrase library and the root-cause list: what admins and founders manage. The
functions that change them are use cases, decorated `@use_case`.

The phrases are team saved replies with a HEARD step (`SavedReply.heard_step`): one library
with the composer's saved replies, one table, one set of placeholders and usage counts.
Everyday replies (no step) are managed under Saved replies."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.db.transaction import use_case
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.extensions import db
from helpdesk.models import RootCause, SavedReply, User
from helpdesk.models.recovery import PHRASE_STEPS
from helpdesk.models.user import DEFAULT_REGISTERS, PHRASE_REGISTERS
from helpdesk.recovery.phrases import check_phrase_text
from helpdesk.recovery.seed_data import LIBRARY, ROOT_CAUSES

# A phrase of the panel is a team saved reply with its step (this module's name for it).
Phrase = SavedReply

LANGUAGES = ("en", "th", "id", "bn")


def _in_register(language: str | None, register: str | None) -> sa.ColumnElement[bool]:
    """A phrase any register may use, an English one, or one in `register` (the language's
    default register when none is given)."""
    register = register or DEFAULT_REGISTERS.get(language or "", "")
    return sa.or_(Phrase.register.is_(None), Phrase.language == "en", Phrase.register == register)


def phrases_for(step: str, language: str | None, register: str | None = None) -> list[Phrase]:
    """Active phrases for a step in the customer's language (the agent's register and the
    register-free ones), else English."""
    languages = [language] if language in LANGUAGES and language != "en" else []
    query = (
        sa.select(Phrase)
        .where(
            Phrase.heard_step == step,
            Phrase.owner_id.is_(None),
            Phrase.active.is_(True),
            Phrase.language.in_([*languages, "en"]),
            _in_register(language, register),
        )
        .order_by(Phrase.position, Phrase.id)
    )
    found = list(db.session.scalars(query))
    own = [phrase for phrase in found if phrase.language == language]
    return own or [phrase for phrase in found if phrase.language == "en"]


def phrases_by_step(language: str | None, register: str | None = None) -> dict[str, list[Phrase]]:
    """Every step's phrases (one query), with the same language fallback: in the customer's
    language, the phrases of the agent's `register` and the register-free ones."""
    languages = [language] if language in LANGUAGES and language != "en" else []
    rows = db.session.scalars(
        sa.select(Phrase)
        .where(
            Phrase.heard_step.is_not(None),
            Phrase.owner_id.is_(None),
            Phrase.active.is_(True),
            Phrase.language.in_([*languages, "en"]),
            _in_register(language, register),
        )
        .order_by(Phrase.position, Phrase.id)
    )
    grouped: dict[str, dict[str, list[Phrase]]] = {}
    for phrase in rows:
        step = phrase.heard_step or ""
        grouped.setdefault(step, {}).setdefault(phrase.language, []).append(phrase)
    return {
        step: by_language.get(language or "en") or by_language.get("en", [])
        for step, by_language in grouped.items()
    }


def phrase_title(text: str) -> str:
    """A phrase's title in the one library: its opening words."""
    words = " ".join(text.split())
    return words if len(words) <= 60 else words[:59].rstrip() + "…"


def _check(step: str, language: str, register: str | None = None) -> None:
    if step == "general":
        # General phrases became team saved replies (one library: Settings, Saved replies).
        raise ValidationError("step", _("General phrases are saved replies now: add it there."))
    if step not in PHRASE_STEPS:
        raise ValidationError("step", _("Unknown step."))
    if language not in LANGUAGES:
        raise ValidationError("language", _("Choose a language from the list."))
    if register is not None and register not in PHRASE_REGISTERS.get(language, ()):
        raise ValidationError(
            "register", _("This language has no such voice: choose one of its own, or every voice.")
        )


@use_case
def phrase_create(
    *, actor: User, step: str, language: str, text: str, register: str | None = None
) -> Phrase:
    if not actor.can("admin"):
        raise NotAllowed(_("Only an admin can change the phrase library."))
    _check(step, language, register)
    text = check_phrase_text(text)
    created = now()
    phrase = Phrase(
        heard_step=step,
        language=language,
        register=register,
        title=phrase_title(text),
        body=text,
        created_at=created,
        updated_at=created,
    )
    db.session.add(phrase)
    db.session.flush()
    audit(
        actor=actor,
        action="phrase.create",
        obj=phrase,
        changes={"step": step, "language": language, "register": register, "text": text},
    )
    return phrase


@use_case
def phrase_update(
    *,
    actor: User,
    phrase: Phrase,
    step: str,
    language: str,
    text: str,
    register: str | None = None,
) -> Phrase:
    if not actor.can("admin"):
        raise NotAllowed(_("Only an admin can change the phrase library."))
    _check(step, language, register)
    if phrase.heard_step is None:
        raise NotAllowed(_("Change everyday replies under Saved replies."))
    text = check_phrase_text(text)
    before = {
        "step": phrase.heard_step,
        "language": phrase.language,
        "register": phrase.register,
        "text": phrase.body,
    }
    after = {"step": step, "language": language, "register": register, "text": text}
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changes:
        phrase.heard_step, phrase.language, phrase.body = step, language, text
        phrase.register = register
        phrase.title = phrase_title(text)
        phrase.updated_at = now()
        audit(actor=actor, action="phrase.update", obj=phrase, changes=changes)
    return phrase


@use_case
def phrase_set_active(*, actor: User, phrase: Phrase, active: bool) -> Phrase:
    """Disable (never delete: usage counts stay meaningful) or enable a phrase."""
    if not actor.can("admin"):
        raise NotAllowed(_("Only an admin can change the phrase library."))
    if phrase.active != active:
        phrase.active = active
        audit(actor=actor, action="phrase.enable" if active else "phrase.disable", obj=phrase)
    return phrase


@use_case
def phrase_used(*, phrase: Phrase) -> None:
    """Count one use (an agent inserted it into a reply)."""
    db.session.execute(
        sa.update(Phrase)
        .where(Phrase.id == phrase.id)
        .values(use_count=Phrase.use_count + 1, last_used_at=now())
    )


def step_phrase(phrase_id: int) -> Phrase | None:
    """A phrase of the panel by id (None for an everyday saved reply or no such row)."""
    phrase = db.session.get(Phrase, phrase_id)
    return phrase if phrase is not None and phrase.heard_step is not None else None


def root_causes(*, include_inactive: bool = False) -> list[RootCause]:
    query = sa.select(RootCause).order_by(RootCause.position, RootCause.name)
    if not include_inactive:
        query = query.where(RootCause.active.is_(True))
    return list(db.session.scalars(query))


@use_case
def root_cause_create(*, actor: User, name: str) -> RootCause:
    if not actor.can("founder"):
        raise NotAllowed(_("Only founders manage root causes."))
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError("name", _("Enter a name."))
    if len(name) > 80:
        raise ValidationError("name", _("Use at most %(count)d characters.", count=80))
    if db.session.scalar(sa.select(RootCause.id).where(RootCause.name == name)) is not None:
        raise ValidationError("name", _("That root cause is already on the list."))
    position = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(RootCause.position), 0)))
    cause = RootCause(name=name, position=int(position or 0) + 1)
    db.session.add(cause)
    db.session.flush()
    audit(actor=actor, action="root_cause.create", obj=cause, changes={"name": name})
    return cause


@use_case
def root_cause_set_active(*, actor: User, cause: RootCause, active: bool) -> RootCause:
    if not actor.can("founder"):
        raise NotAllowed(_("Only founders manage root causes."))
    if cause.active != active:
        cause.active = active
        audit(
            actor=actor, action="root_cause.enable" if active else "root_cause.disable", obj=cause
        )
    return cause


@use_case
def seed_library() -> None:
    """Load the starting phrases and root causes where none exist yet (idempotent)."""
    have = sa.select(sa.func.count(Phrase.id)).where(Phrase.heard_step.is_not(None))
    if db.session.scalar(have) == 0:
        created = now()
        for position, seed in enumerate(LIBRARY):
            db.session.add(
                Phrase(
                    heard_step=seed.step,
                    language=seed.language,
                    register=seed.register,
                    seed_key=seed.key,
                    title=phrase_title(seed.text),
                    body=seed.text,
                    position=position,
                    created_at=created,
                    updated_at=created,
                )
            )
    if db.session.scalar(sa.select(sa.func.count(RootCause.id))) == 0:
        for position, name in enumerate(ROOT_CAUSES):
            db.session.add(RootCause(name=name, position=position))
