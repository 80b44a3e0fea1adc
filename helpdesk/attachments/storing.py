"""Storing a message's files inside its use case, and taking them back if it fails.

`store_uploads` is a step (it joins the caller's transaction): it writes each checked file to
storage and returns unsaved `Attachment` rows for the caller to link to its message. The
keys it newly created are remembered on the session; when that transaction rolls back
(a refused value further on, a failing event handler, an exception), a session listener
deletes exactly those objects, so an upload that fails half-way leaves no file behind. On
commit the list is simply forgotten. Objects that existed before (the same bytes attached
earlier) are never deleted.

`delete_after_commit` is the other direction (erasing a customer's files): the objects
named are deleted only once the transaction that removed their rows has committed, so a
rolled-back erasure leaves every file in place.

Known limit: two requests storing identical new bytes at the same moment, one failing,
may delete the object the other just committed; the other's download then answers 404
(logged). Content addressing makes this need the same file from two people within
milliseconds; a periodic sweep could re-check keys against rows if it ever matters.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from helpdesk.attachments.previews import LABEL as PREVIEW_LABEL
from helpdesk.attachments.storage import Storage, content_key, derived_key, storage
from helpdesk.attachments.uploads import Upload
from helpdesk.extensions import db
from helpdesk.models import Attachment, Message

logger = logging.getLogger(__name__)

INFO_KEY = "helpdesk_new_attachment_objects"
RELEASED_KEY = "helpdesk_released_attachment_objects"


def store_uploads(uploads: Sequence[Upload]) -> list[Attachment]:
    """Write the files (all already checked) and return unsaved rows for them."""
    store = storage()
    session = db.session()
    if not session.in_transaction():
        session.begin()  # so the rollback that must clean up has a transaction to end
    created: list[tuple[Storage, str]] = session.info.setdefault(INFO_KEY, [])
    rows = []
    for upload in uploads:
        key = content_key(upload.data)
        if store.put(key, upload.data):
            created.append((store, key))
        rows.append(
            Attachment(
                kind="file",
                filename=upload.filename,
                content_type=upload.content_type,
                size=upload.size,
                sha256=key,
            )
        )
    return rows


def attach(message: Message, attachments: Sequence[Attachment]) -> None:
    """Link stored files to a flushed message (in the caller's transaction)."""
    for attachment in attachments:
        attachment.message_id = message.id
        db.session.add(attachment)
    if attachments:
        message.has_attachments = True


def unreferenced_keys(keys: Sequence[str]) -> list[str]:
    """Those of `keys` no attachment row refers to any more (in this transaction)."""
    wanted = sorted(set(keys))
    used: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        used.update(
            db.session.scalars(sa.select(Attachment.sha256).where(Attachment.sha256.in_(chunk)))
        )
    return [key for key in wanted if key not in used]


def delete_after_commit(keys: Sequence[str]) -> None:
    """Delete these objects, and their previews, once the caller's transaction commits
    (a step: the caller has removed the rows that referred to them)."""
    store = storage()
    released: list[tuple[Storage, str]] = db.session().info.setdefault(RELEASED_KEY, [])
    for key in keys:
        released.append((store, key))
        released.append((store, derived_key(key, PREVIEW_LABEL)))


def _forget(session: Session, *args: Any) -> None:
    session.info.pop(INFO_KEY, None)
    for store, key in session.info.pop(RELEASED_KEY, []):
        try:
            store.delete(key)
        except Exception:  # the commit has happened; a leftover object is logged
            logger.exception("Could not delete released attachment object %s", key)


def _delete_created(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.nested:
        return  # a savepoint: the outer transaction may still commit
    session.info.pop(RELEASED_KEY, None)  # rolled back: the rows, so the objects, stay
    for store, key in session.info.pop(INFO_KEY, []):
        try:
            store.delete(key)
        except Exception:  # a rollback must not fail on cleanup
            logger.exception("Could not delete attachment object %s after a rollback", key)


if not event.contains(Session, "after_commit", _forget):
    event.listen(Session, "after_commit", _forget)
if not event.contains(Session, "after_soft_rollback", _delete_created):
    event.listen(Session, "after_soft_rollback", _delete_created)
