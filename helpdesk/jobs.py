"""Every scheduled job, in one declarative list.

A job is a thin function that calls one service (which claims its work and commits); the
scheduler runs each inside an app context and records the run in `scheduler_runs`. To add
one, write the function here and add a line to JOBS: `Job("sweep_promises", sweep_promises,
seconds=5)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from helpdesk.promises import sweeps
from helpdesk.widget import idempotency


@dataclass(frozen=True)
class Job:
    """A function the scheduler runs every `seconds` (names are unique, 60 characters at most)."""

    name: str
    function: Callable[[], None]
    seconds: int


def heartbeat() -> None:
    """Nothing to do: the run recorded around every job is the heartbeat, so staff pages and
    `/healthz` see a live scheduler even when no other job has work."""


def sweep_promises() -> None:
    """Send due promise reminders, mark missed promises and escalate them (exactly once)."""
    sweeps.sweep_promises()


def purge_idempotency_records() -> None:
    """Forget widget Idempotency-Keys older than a day (a key is a retry window)."""
    idempotency.idempotency_purge()


JOBS: tuple[Job, ...] = (
    Job("heartbeat", heartbeat, seconds=5),
    Job("sweep_promises", sweep_promises, seconds=5),
    Job("purge_idempotency_records", purge_idempotency_records, seconds=3600),
)
