"""The record of scheduled runs: written around every job, read as the scheduler's heartbeat.

Rows are upserted, so any number of scheduler processes share one row per job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from helpdesk.clock import now
from helpdesk.db.upsert import insert_on_conflict
from helpdesk.extensions import db
from helpdesk.models import SchedulerRun

HEARTBEAT_JOB = "heartbeat"
# Sweeps run every few seconds; two minutes without a finished run means no scheduler.
STALE_AFTER = timedelta(minutes=2)
MAX_ERROR_LENGTH = 2000


@dataclass(frozen=True)
class SchedulerHealth:
    ok: bool
    last_run_at: datetime | None

    @property
    def state(self) -> str:
        """What `/healthz` reports: ok, stale (ran, but too long ago) or never."""
        if self.ok:
            return "ok"
        return "stale" if self.last_run_at is not None else "never"

    def minutes_since_run(self, at: datetime) -> int | None:
        """Whole minutes since the last finished run (None when there was none)."""
        if self.last_run_at is None:
            return None
        return max(0, int((at - self.last_run_at).total_seconds() // 60))


def _upsert(values: dict[str, Any], update: dict[str, Any]) -> None:
    statement = insert_on_conflict(SchedulerRun).values(**values)
    db.session.execute(statement.on_conflict_do_update(index_elements=["job"], set_=update))


def job_started(*, job: str, host: str, at: datetime) -> None:
    """Record that `host` began a run of `job` at `at` (a stuck run shows as started only)."""
    _upsert(
        {"job": job, "last_started_at": at, "runs": 0, "host": host},
        {"last_started_at": at, "host": host},
    )
    db.session.commit()


def job_finished(*, job: str, host: str, started_at: datetime, error: str | None) -> None:
    """Record the end of a run that began at `started_at`: when, how long, and its error."""
    at = now()
    duration_ms = max(0, round((at - started_at).total_seconds() * 1000))
    if error is not None:
        error = error[:MAX_ERROR_LENGTH]
    values = {
        "last_started_at": started_at,
        "last_finished_at": at,
        "last_duration_ms": duration_ms,
        "last_error": error,
        "host": host,
    }
    _upsert({"job": job, "runs": 1, **values}, {**values, "runs": SchedulerRun.runs + 1})
    db.session.commit()


def scheduler_health() -> SchedulerHealth:
    """Whether the heartbeat job finished within STALE_AFTER: one primary-key read."""
    run = db.session.get(SchedulerRun, HEARTBEAT_JOB, populate_existing=True)
    last = run.last_finished_at if run is not None else None
    return SchedulerHealth(ok=last is not None and now() - last <= STALE_AFTER, last_run_at=last)
