"""`read_rows`: column selects on the session's own connection, in its transaction."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from helpdesk.db.rows import read_rows
from helpdesk.extensions import db
from helpdesk.models import Tag

_NAMES = sa.select(Tag.id, Tag.name).where(Tag.name.like(sa.bindparam("pattern")))


def test_reads_what_the_session_wrote_in_its_transaction_and_nothing_after_rollback(database):
    tag = Tag(name="read-rows-probe")
    db.session.add(tag)
    db.session.flush()  # read_rows has no autoflush: what it reads must be flushed
    rows = read_rows(_NAMES, {"pattern": "read-rows-%"}).all()
    assert [tuple(row) for row in rows] == [(tag.id, "read-rows-probe")]
    assert rows[0].name == "read-rows-probe"
    db.session.rollback()
    assert read_rows(_NAMES, {"pattern": "read-rows-%"}).all() == []


def test_a_missing_parameter_is_an_error_not_an_empty_answer(database):
    with pytest.raises(sa.exc.StatementError, match="pattern"):
        read_rows(_NAMES).all()
    db.session.rollback()
