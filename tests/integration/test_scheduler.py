"""The scheduler: each run recorded (errors too, without stopping anything), the heartbeat
as `/healthz` and the staff banner see it, the three modes, and the two CLI commands.

Jobs are run by calling `run_job` directly with the clock frozen; only
`test_the_external_scheduler_runs_jobs_and_stops_on_sigterm` starts a real scheduler and
waits (at most five seconds) for its first runs.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from apscheduler.triggers.interval import IntervalTrigger

import config
import helpdesk.scheduling.scheduler as scheduler_module
from helpdesk import clock
from helpdesk.extensions import db
from helpdesk.models import Counter, SchedulerRun
from helpdesk.scheduling.jobs import JOBS, Job, heartbeat
from helpdesk.scheduling.runs import HEARTBEAT_JOB, STALE_AFTER, job_started, scheduler_health
from helpdesk.scheduling.scheduler import build_scheduler, run_external, run_job, start_embedded

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
HEARTBEAT = Job(HEARTBEAT_JOB, heartbeat, seconds=5)
BANNER = "Scheduled work has"


def run_record(app, name: str) -> SchedulerRun | None:
    with app.app_context():
        return db.session.get(SchedulerRun, name)


def fail() -> None:
    db.session.add(Counter(name="half-done", value=1))
    db.session.flush()
    raise RuntimeError("boom")


# --- recording runs ---------------------------------------------------------------------


def test_a_run_is_recorded_with_its_time_duration_and_process(app, set_now):
    set_now(T0)

    def slow() -> None:
        clock.set_now(T0 + timedelta(milliseconds=1500))

    run_job(app, Job("slow", slow, seconds=5))
    record = run_record(app, "slow")
    assert record.last_started_at == T0
    assert record.last_finished_at == T0 + timedelta(milliseconds=1500)
    assert record.last_duration_ms == 1500
    assert record.last_error is None
    assert record.runs == 1
    assert record.host.endswith(f":{os.getpid()}")

    set_now(T0 + timedelta(seconds=5))
    run_job(app, Job("slow", lambda: None, seconds=5))
    record = run_record(app, "slow")
    assert (record.runs, record.last_duration_ms) == (2, 0)
    assert record.last_started_at == T0 + timedelta(seconds=5)


def test_a_failing_job_is_rolled_back_and_recorded_and_the_next_run_goes_on(app, set_now):
    set_now(T0)
    run_job(app, Job("flaky", fail, seconds=5))  # does not raise
    record = run_record(app, "flaky")
    assert record.last_error == "RuntimeError: boom"
    assert record.last_finished_at == T0
    assert record.runs == 1
    with app.app_context():
        assert db.session.get(Counter, "half-done") is None  # the job's work was rolled back

    set_now(T0 + timedelta(seconds=5))
    run_job(app, Job("flaky", lambda: None, seconds=5))
    record = run_record(app, "flaky")
    assert (record.runs, record.last_error) == (2, None)


def test_a_job_that_finds_the_database_busy_logs_one_line_and_is_recorded(app, set_now, caplog):
    """A scheduler paused inside its transaction (SQLite) makes the other's jobs fail with
    "database is locked": expected, so one warning line each, not a traceback."""
    import sqlite3

    def locked() -> None:
        raise sa.exc.OperationalError("UPDATE", {}, sqlite3.OperationalError("database is locked"))

    set_now(T0)
    run_job(app, Job("busy", locked, seconds=5))
    [logged] = [r for r in caplog.records if r.name == scheduler_module.__name__]
    assert logged.levelname == "WARNING" and logged.exc_info is None
    assert "database was busy" in logged.getMessage()
    assert "database is locked" in (run_record(app, "busy").last_error or "")


def test_an_unfinished_run_shows_as_started_only(app, set_now):
    set_now(T0)
    with app.app_context():
        job_started(job="stuck", host="worker:1", at=T0)
    record = run_record(app, "stuck")
    assert (record.last_started_at, record.last_finished_at, record.runs) == (T0, None, 0)


# --- the heartbeat ----------------------------------------------------------------------


def test_the_heartbeat_is_ok_for_two_minutes_then_stale(app, set_now):
    with app.app_context():
        assert scheduler_health().state == "never"
        assert scheduler_health().last_run_at is None
    set_now(T0)
    run_job(app, HEARTBEAT)
    with app.app_context():
        for later, state in [(timedelta(0), "ok"), (STALE_AFTER, "ok")]:
            set_now(T0 + later)
            assert scheduler_health().state == state
        set_now(T0 + STALE_AFTER + timedelta(seconds=1))
        health = scheduler_health()
        assert (health.ok, health.state, health.last_run_at) == (False, "stale", T0)
        assert health.minutes_since_run(clock.now()) == 2


def test_healthz_reports_the_scheduler_but_stays_200_when_it_is_stale(app, client, set_now):
    app.config["SCHEDULER"] = "external"
    assert client.get("/healthz").json == {
        "status": "ok",
        "scheduler": "never",
        "scheduler_last_run": None,
    }
    set_now(T0)
    run_job(app, HEARTBEAT)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {
        "status": "ok",
        "scheduler": "ok",
        "scheduler_last_run": "2026-03-02T10:00:00+00:00",
    }
    set_now(T0 + timedelta(minutes=10))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["scheduler"] == "stale"


def test_healthz_says_nothing_about_the_scheduler_when_it_is_off(client):
    assert client.get("/healthz").json == {"status": "ok"}


def test_staff_see_a_banner_while_the_scheduler_is_not_running(app, login_as, set_now):
    app.config["SCHEDULER"] = "external"
    set_now(T0)
    agent = login_as("agent")
    page = agent.get("/account").get_data(as_text=True)
    assert "Scheduled work has never run: reminders and escalations are paused." in page
    assert "<code>flask helpdesk scheduler</code>" in page
    assert 'class="flash flash-error"' in page

    run_job(app, HEARTBEAT)
    assert BANNER not in agent.get("/account").get_data(as_text=True)

    set_now(T0 + timedelta(minutes=3, seconds=20))
    page = agent.get("/account").get_data(as_text=True)
    assert "Scheduled work has not run for 3 minutes: reminders and escalations are paused." in page


def test_no_banner_when_the_scheduler_is_off_or_for_visitors(app, client, login_as):
    assert app.config["SCHEDULER"] == "off"
    assert BANNER not in login_as("agent").get("/account").get_data(as_text=True)
    app.config["SCHEDULER"] = "external"
    assert BANNER not in client.get("/login").get_data(as_text=True)


# --- configuration ----------------------------------------------------------------------

KEY = {"SECRET_KEY": "k" * 32}


@pytest.mark.parametrize(
    ("config_class", "environ", "expected"),
    [
        (config.Config, {}, "external"),
        (config.DevelopmentConfig, {}, "embedded"),
        (config.TestingConfig, {"HELPDESK_SCHEDULER": "external"}, "off"),
        (config.Config, {"HELPDESK_SCHEDULER": " off "}, "off"),
        (config.DevelopmentConfig, {"HELPDESK_SCHEDULER": "external"}, "external"),
    ],
)
def test_the_scheduler_mode_comes_from_helpdesk_scheduler(
    tmp_path: Path, config_class, environ, expected
):
    assert config_class(tmp_path, {**KEY, **environ}).SCHEDULER == expected


def test_an_unknown_scheduler_mode_is_refused_by_name(tmp_path: Path):
    with pytest.raises(RuntimeError, match="HELPDESK_SCHEDULER must be one of embedded"):
        config.Config(tmp_path, {**KEY, "HELPDESK_SCHEDULER": "sometimes"})


# --- building and starting --------------------------------------------------------------


def test_every_job_is_scheduled_once_per_interval_one_at_a_time(app):
    assert HEARTBEAT_JOB in {job.name for job in JOBS}
    assert len({job.name for job in JOBS}) == len(JOBS)
    assert all(len(job.name) <= 60 for job in JOBS)
    scheduler = build_scheduler(app)
    scheduled = {job.id: job for job in scheduler.get_jobs()}
    assert set(scheduled) == {job.name for job in JOBS}
    for job in JOBS:
        entry = scheduled[job.name]
        assert isinstance(entry.trigger, IntervalTrigger)
        assert entry.trigger.interval == timedelta(seconds=job.seconds)
        assert (entry.coalesce, entry.max_instances) == (True, 1)
        assert entry.misfire_grace_time == job.seconds
        assert entry.args == (app, job)
    assert not scheduler.running


@pytest.fixture
def no_jobs(monkeypatch):
    """Schedulers started in these tests hold no jobs, so nothing runs behind the test."""
    monkeypatch.setattr(scheduler_module, "JOBS", ())
    yield
    scheduler_module.stop_embedded()


def test_start_embedded_twice_starts_one_scheduler(app, no_jobs, monkeypatch):
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    first = start_embedded(app)
    second = start_embedded(app)
    assert first is second
    assert first.running
    scheduler_module.stop_embedded()
    assert not first.running


def test_the_reloaders_watcher_process_does_not_start_one(app, no_jobs, monkeypatch):
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    assert start_embedded(app, reloader=True) is None
    assert scheduler_module._embedded is None
    monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")  # the reloader's serving child
    assert start_embedded(app, reloader=True).running


def test_the_external_scheduler_runs_jobs_and_stops_on_sigterm(app, monkeypatch):
    monkeypatch.setattr(scheduler_module, "JOBS", (HEARTBEAT, Job("flaky", fail, seconds=60)))
    finished = threading.Event()
    seen: dict[str, int] = {}

    def watch_then_stop() -> None:
        deadline = time.monotonic() + 5
        try:
            while time.monotonic() < deadline and not finished.is_set():
                with app.app_context():
                    rows = db.session.execute(sa.select(SchedulerRun.job, SchedulerRun.runs))
                    seen.update({job: runs for job, runs in rows})
                if {"heartbeat", "flaky"} <= {job for job, runs in seen.items() if runs >= 1}:
                    break
                time.sleep(0.02)
        finally:  # whatever happened, stop the scheduler the way an operator would
            if not finished.is_set():
                os.kill(os.getpid(), signal.SIGTERM)

    handler_before = signal.getsignal(signal.SIGTERM)
    watcher = threading.Thread(target=watch_then_stop)
    watcher.start()
    try:
        run_external(app)  # returns once SIGTERM arrives
    finally:
        finished.set()
        watcher.join()
    assert seen.keys() == {"heartbeat", "flaky"} and min(seen.values()) >= 1
    assert signal.getsignal(signal.SIGTERM) is handler_before
    assert run_record(app, "heartbeat").last_error is None
    assert run_record(app, "flaky").last_error == "RuntimeError: boom"
    with app.app_context():
        assert scheduler_health().ok


# --- the CLI ----------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["scheduler", "serve"])
def test_the_commands_explain_themselves(runner, command):
    result = runner.invoke(args=["helpdesk", command, "--help"])
    assert result.exit_code == 0, result.output
    assert "HELPDESK_SCHEDULER" in result.output or "Ctrl+C" in result.output


def test_the_scheduler_command_lists_its_jobs_and_runs_them(app, runner, monkeypatch):
    calls = []
    monkeypatch.setattr(scheduler_module, "run_external", calls.append)
    result = runner.invoke(args=["helpdesk", "scheduler"])
    assert result.exit_code == 0, result.output
    assert calls == [app]
    assert "heartbeat" in result.output and "every 5 s" in result.output


@pytest.mark.parametrize(("mode", "embedded"), [("embedded", True), ("external", False)])
def test_serve_embeds_the_scheduler_only_when_asked(app, runner, monkeypatch, mode, embedded):
    import werkzeug.serving

    started, served = [], []
    monkeypatch.setattr(scheduler_module, "start_embedded", started.append)
    monkeypatch.setattr(werkzeug.serving, "run_simple", lambda *a, **kw: served.append((a, kw)))
    app.config["SCHEDULER"] = mode
    result = runner.invoke(args=["helpdesk", "serve", "--port", "5057"])
    assert result.exit_code == 0, result.output
    assert started == ([app] if embedded else [])
    assert served == [(("127.0.0.1", 5057, app), {"use_reloader": False, "threaded": True})]
