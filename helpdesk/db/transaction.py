"""The commit contract: a public use case is decorated `@use_case` and commits once, or
rolls everything back when it raises; every other function joins its caller's transaction
and never commits.

Use cases do not call use cases (the inner commit would split the outer one): compose the
non-committing steps instead. Calling one inside another raises `NestedUseCase`, so a
broken composition fails in tests rather than half-committing in production.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

from helpdesk.extensions import db

P = ParamSpec("P")
R = TypeVar("R")

_running: ContextVar[str | None] = ContextVar("helpdesk_use_case", default=None)


class NestedUseCase(RuntimeError):
    """A use case was called from inside another one."""


def use_case(function: Callable[P, R]) -> Callable[P, R]:
    """Run `function` as one transaction: commit when it returns, roll back when it raises
    (a domain error included: nothing half-written survives a refused request)."""
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        outer = _running.get()
        if outer is not None:
            raise NestedUseCase(f"{name} called inside {outer}: compose their steps instead")
        token = _running.set(name)
        try:
            result = function(*args, **kwargs)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        finally:
            _running.reset(token)
        return result

    run.__use_case__ = True  # type: ignore[attr-defined]
    return run


def in_use_case() -> bool:
    """Whether a use case is running (steps may assert it)."""
    return _running.get() is not None
