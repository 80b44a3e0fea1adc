"""Settings are read once per transaction (every row, one query) and forgotten when the
transaction ends, so a change made elsewhere shows from the next transaction on, and a
change made in this one shows at once."""

from __future__ import annotations

import sqlalchemy as sa

from helpdesk.extensions import db
from helpdesk.models import Setting
from helpdesk.settings.service import setting_get, setting_put


def count_selects(engine, action):
    seen: list[str] = []

    def record(conn, cursor, statement, params, context, executemany):
        if "FROM settings" in statement:
            seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return len(seen)


def test_one_query_per_transaction_absent_keys_included(database):
    reads = count_selects(
        db.engine,
        lambda: [setting_get(key, {}) for key in ("recovery", "founders", "assignment", "x")],
    )
    assert reads == 1
    db.session.commit()
    assert count_selects(db.engine, lambda: setting_get("recovery", {})) == 1


def test_a_savepoint_does_not_forget_what_was_read(database):
    setting_get("recovery", {})
    with db.session.begin_nested():
        pass
    assert count_selects(db.engine, lambda: setting_get("recovery", {})) == 0


def test_a_put_shows_at_once_and_a_change_elsewhere_from_the_next_transaction(app, database):
    assert setting_get("business_hours", None) is None
    setting_put("business_hours", {"timezone": "Asia/Bangkok"})
    assert setting_get("business_hours", None) == {"timezone": "Asia/Bangkok"}
    db.session.commit()
    with app.app_context():  # another request's session
        other = db.session.get(Setting, "business_hours")
        other.value = {"timezone": "Asia/Dhaka"}
        db.session.commit()
    assert setting_get("business_hours", None) == {"timezone": "Asia/Dhaka"}
