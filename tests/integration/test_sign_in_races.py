"""Two requests racing with one reset link, or one two-factor code, on PostgreSQL: both
read the row before either writes (a barrier holds them there), and exactly one wins.
SQLite serialises writers, so the race cannot happen there."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pyotp
import pytest
import sqlalchemy as sa

from helpdesk.auth import password_reset, two_factor
from helpdesk.errors import DomainError
from helpdesk.extensions import db
from helpdesk.models import AuditEvent, PasswordReset, User


def race(app: Any, attempt: Callable[[], object]) -> list[str]:
    """Run `attempt` in two threads, each in its own app context; what each ended with."""
    outcomes: list[str] = []

    def run() -> None:
        with app.app_context():
            try:
                attempt()
                outcomes.append("ok")
            except DomainError:
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return sorted(outcomes)


@pytest.fixture
def postgresql_only(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("a race between two writers is a PostgreSQL test; SQLite serialises them")


def test_one_reset_link_sets_one_password(app, make_user, monkeypatch, postgresql_only):
    user = make_user("agent")
    with app.app_context():
        secret = "race-" + "x" * 40
        db.session.add(
            PasswordReset(
                user_id=user.id,
                token_hash=password_reset._hash(secret),
                expires_at=password_reset.now() + password_reset.LIFETIME,
            )
        )
        db.session.commit()
    both_read = threading.Barrier(2, timeout=30)
    real_check = password_reset.check_password_strength

    def check_then_wait(password: str, field: str = "password") -> None:
        real_check(password, field)
        both_read.wait()

    monkeypatch.setattr(password_reset, "check_password_strength", check_then_wait)
    passwords = iter(["first-new-password", "second-new-password"])
    lock = threading.Lock()

    def attempt() -> object:
        with lock:
            new = next(passwords)
        return password_reset.password_reset_complete(secret=secret, new_password=new)

    assert race(app, attempt) == ["ok", "refused"]
    with app.app_context():
        resets = db.session.scalar(
            sa.select(sa.func.count()).where(AuditEvent.action == "user.password_reset")
        )
        assert resets == 1


def test_one_code_logs_in_once(app, make_user, monkeypatch, postgresql_only):
    user = make_user("agent")
    secret = pyotp.random_base32()
    with app.app_context():
        two_factor.two_factor_enable(
            user=db.session.get(User, user.id),
            secret=secret,
            code=pyotp.TOTP(secret).at(two_factor.now()),
        )
    both_read = threading.Barrier(2, timeout=30)
    real_match = two_factor._matching_step

    def match_then_wait(*args: Any) -> int | None:
        step = real_match(*args)
        both_read.wait()
        return step

    monkeypatch.setattr(two_factor, "_matching_step", match_then_wait)
    next_code = pyotp.TOTP(secret).at(two_factor.now().timestamp() + 30)

    def attempt() -> object:
        person = db.session.get(User, user.id)
        return two_factor.user_second_factor(user=person, code=next_code)

    assert race(app, attempt) == ["ok", "refused"]
