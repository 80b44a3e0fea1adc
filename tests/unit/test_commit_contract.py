"""The commit contract stays true: only `@use_case` (helpdesk/db/transaction.py) and a few
batch and infrastructure modules commit the session; every other function joins its
caller's transaction. Read with `ast`, so comments, docstrings and strings do not count."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "helpdesk"

# Modules that may call `<...>session.commit()`, relative to the repository root.
ALLOWED = {
    # The decorator that commits every use case.
    "helpdesk/db/transaction.py",
    # Jobs and batch code that commits per batch or per item.
    "helpdesk/db/batches.py",
    "helpdesk/automations/sweep.py",
    "helpdesk/notifications/digest.py",
    "helpdesk/mail/outbox.py",
    "helpdesk/mail/inbound.py",
    "helpdesk/webhooks/delivery.py",
    "helpdesk/recovery/adaptation.py",
    "helpdesk/scheduling/runs.py",
    "helpdesk/web/idempotency.py",
    # Ends a request's transaction that only read (there is nothing to commit) with a
    # commit, so PostgreSQL's prepared statements outlive it.
    "helpdesk/db/postgresql.py",
    # Development data: the benchmark's generator and the demo, in batches.
    "helpdesk/dev/generate/__init__.py",
    "helpdesk/dev/demo.py",
}


def _is_session(node: ast.expr) -> bool:
    """`session`, `db.session`, `self.session`, `db_session`...: a name for the session (a
    DB-API connection's own `commit`, as in `super().commit()`, is not one)."""
    if isinstance(node, ast.Name):
        return node.id.endswith("session")
    if isinstance(node, ast.Attribute):
        return node.attr.endswith("session")
    if isinstance(node, ast.Call):  # db.session() and the like
        return _is_session(node.func)
    return False


def session_commits(source: str, filename: str = "<source>") -> list[int]:
    """The lines where `source` calls `.commit()` on the session."""
    return sorted(
        node.lineno
        for node in ast.walk(ast.parse(source, filename))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "commit"
        and _is_session(node.func.value)
    )


def _commits_by_module() -> dict[str, list[int]]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = session_commits(path.read_text(encoding="utf-8"), str(path))
        if lines:
            found[path.relative_to(PACKAGE.parent).as_posix()] = lines
    return found


def test_the_checker_finds_session_commits_and_nothing_else() -> None:
    source = (
        '"""db.session.commit() in a docstring"""\n'
        "# db.session.commit() in a comment\n"
        "def f(db, session, connection):\n"
        "    db.session.commit()\n"
        "    session.commit()\n"
        "    text = 'db.session.commit()'\n"
        "    connection.commit()\n"
        "    super().commit()\n"
    )
    assert session_commits(source) == [4, 5]


def test_only_use_cases_and_batch_modules_commit() -> None:
    offenders = {
        module: lines for module, lines in _commits_by_module().items() if module not in ALLOWED
    }
    assert offenders == {}, (
        "These modules commit the session themselves. Decorate the public use case with "
        "@use_case (helpdesk/db/transaction.py) and drop the commit; other functions join "
        f"their caller's transaction: {offenders}"
    )


def test_the_allow_list_shrinks_as_modules_are_converted() -> None:
    """A listed module that exists and no longer commits comes off the list."""
    committing = _commits_by_module()
    stale = sorted(
        module
        for module in ALLOWED
        if (PACKAGE.parent / module).exists() and module not in committing
    )
    assert stale == [], f"Take these off ALLOWED in {Path(__file__).name}: {stale}"
