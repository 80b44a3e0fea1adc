"""The scheduler process: runs every entry of `jobs.JOBS` on an interval, and records each run.

Three ways to run it, chosen by HELPDESK_SCHEDULER: `external` (production: the web runs
without it and `flask helpdesk scheduler` calls `run_external`), `embedded` (`make run`:
`flask helpdesk serve` calls `start_embedded` in the web process) and `off` (tests). Nothing
starts at import or in `create_app`.
"""

from __future__ import annotations

import atexit
import logging
import os
import signal
import socket
import threading
from datetime import UTC
from types import FrameType

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from helpdesk.clock import now
from helpdesk.db.busy import database_busy
from helpdesk.extensions import db
from helpdesk.scheduling.jobs import JOBS, Job
from helpdesk.scheduling.runs import job_finished, job_started
from helpdesk.scheduling.timeouts import limit_scheduler_sessions

logger = logging.getLogger(__name__)

_embedded: BackgroundScheduler | None = None
_embedded_lock = threading.Lock()


def process_name() -> str:
    """hostname:pid, so a run record says which process made it."""
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def run_job(app: Flask, job: Job) -> None:
    """Run `job` once in an app context and record the run.

    A failing job is rolled back and its error recorded, never raised: the scheduler keeps
    running it on its interval (a sweep's next run finishes what this one left).
    """
    host = process_name()
    with app.app_context():
        started_at = now()
        error: str | None = None
        try:
            job_started(job=job.name, host=host, at=started_at)
            job.function()
        except Exception as exc:  # a failing job must not stop the scheduler
            db.session.rollback()
            if database_busy(exc):  # another process holds the lock: expected, no traceback
                logger.warning(
                    "scheduled job %s: the database was busy; next run retries", job.name
                )
            else:
                logger.exception("scheduled job %s failed", job.name)
            error = f"{type(exc).__name__}: {exc}"
        try:
            job_finished(job=job.name, host=host, started_at=started_at, error=error)
        except Exception as exc:  # e.g. the database is down: log it, the next run tries again
            db.session.rollback()
            if database_busy(exc):
                logger.warning("could not record the run of %s: the database was busy", job.name)
            else:
                logger.exception("could not record the run of %s", job.name)


def build_scheduler(app: Flask) -> BackgroundScheduler:
    """A scheduler (not started) holding every entry of JOBS.

    Each job runs first at start (catching up after downtime), then every `seconds`; runs
    missed while the process was busy collapse into one (`coalesce`), one run at a time per
    job (`max_instances`), and a run up to one interval late still happens.
    """
    scheduler = BackgroundScheduler(timezone=UTC)
    for job in JOBS:
        scheduler.add_job(
            run_job,
            trigger=IntervalTrigger(seconds=job.seconds, timezone=UTC),
            args=(app, job),
            id=job.name,
            name=job.name,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=job.seconds,
            next_run_time=now(),
        )
    return scheduler


def run_external(app: Flask) -> None:
    """Run the scheduler in this process until SIGTERM or SIGINT (Ctrl+C), then stop cleanly:
    no new runs start and running ones finish. A second signal stops at once. On
    PostgreSQL its sessions get time limits (`scheduling.timeouts`)."""
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        stop.set()

    limit_scheduler_sessions(app)
    scheduler = build_scheduler(app)
    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        scheduler.start()
        stop.wait()
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def start_embedded(app: Flask, *, reloader: bool = False) -> BackgroundScheduler | None:
    """Start the scheduler on a background thread of this (web) process, at most once.

    With the Werkzeug reloader (`reloader=True`) only the serving child, which Werkzeug marks
    with WERKZEUG_RUN_MAIN, starts it; the watching parent would otherwise run a second one.
    Returns the running scheduler, or None in the reloader's watcher.
    """
    global _embedded
    if reloader and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        return None
    with _embedded_lock:
        if _embedded is None:
            _embedded = build_scheduler(app)
            _embedded.start()
            atexit.register(stop_embedded)
        return _embedded


def stop_embedded() -> None:
    """Shut the embedded scheduler down (waiting for running jobs), if one was started."""
    global _embedded
    with _embedded_lock:
        if _embedded is not None:
            _embedded.shutdown(wait=True)
            _embedded = None
            atexit.unregister(stop_embedded)
