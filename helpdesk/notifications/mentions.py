"""@mentions in internal notes: who a note names, and who can be named.

A person is named by `@` and the local part of their email (`@dewi`, what the composer's
picker inserts), their whole email, their name without spaces (`@DewiLestari`) or their
first name when no other active staff member shares it. Matching ignores case; only
active staff count; an `@` inside a word (an email address in the text) is not a mention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import User

# `@` not preceded by a word character, `@` or `.`; a handle may itself be an email.
_MENTION = re.compile(r"(?<![\w@.])@([\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)")
MAX_MENTIONS = 50


@dataclass(frozen=True)
class Mentionable:
    id: int
    name: str
    handle: str
    email: str


def _active_staff() -> list[User]:
    return list(
        db.session.scalars(sa.select(User).where(User.active.is_(True)).order_by(User.name))
    )


def _handles(staff: list[User]) -> dict[str, set[int]]:
    """Every spelling that names someone, lower-cased, to the ids it names. Spellings are
    resolved in order — whole email, email local part, name without spaces, unique first
    name — and a spelling taken by an earlier kind is never shadowed by a later one: the
    picker's `@sam` (Samuel's local part) still names Samuel when "Sam Lee" also works
    here."""
    kinds: list[dict[str, set[int]]] = [{}, {}, {}, {}]
    for user in staff:
        email = user.email.lower()
        spellings = (email, email.partition("@")[0], "".join(user.name.lower().split()))
        for kind, spelling in zip(kinds, spellings, strict=False):
            if spelling:
                kind.setdefault(spelling, set()).add(user.id)
        first = user.first_name.lower()
        if first:
            kinds[3].setdefault(first, set()).add(user.id)
    kinds[3] = {first: ids for first, ids in kinds[3].items() if len(ids) == 1}
    handles: dict[str, set[int]] = {}
    for kind in kinds:
        for spelling, ids in kind.items():
            handles.setdefault(spelling, ids)
    return handles


def mentioned_ids(body: str) -> list[int]:
    """The active staff a note names, each once, in the order first named. A handle that
    names several people (two `dewi@` at different domains) names nobody: the picker
    inserts the whole address then."""
    tokens = [match.rstrip(".-") for match in _MENTION.findall(body or "")][:MAX_MENTIONS]
    if not tokens:
        return []
    handles = _handles(_active_staff())
    found: list[int] = []
    for token in tokens:
        ids = handles.get(token.lower(), set())
        if len(ids) == 1:
            (user_id,) = ids
            if user_id not in found:
                found.append(user_id)
    return found


def mentionable() -> list[Mentionable]:
    """Active staff with the handle the picker inserts (the email's local part, or the
    whole email when another person shares the local part)."""
    staff = _active_staff()
    locals_: dict[str, int] = {}
    for user in staff:
        local = user.email.lower().partition("@")[0]
        locals_[local] = locals_.get(local, 0) + 1
    result = []
    for user in staff:
        email = user.email.lower()
        local = email.partition("@")[0]
        handle = local if locals_[local] == 1 else email
        result.append(Mentionable(id=user.id, name=user.name, handle=handle, email=user.email))
    return result
