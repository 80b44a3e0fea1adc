"""Every scheduled job, in one declarative list.

A job is a thin function that calls one service (which claims its work and commits); the
scheduler runs each inside an app context and records the run in `scheduler_runs`. To add
one, write the function here and add a line to JOBS: `Job("sweep_promises", sweep_promises,
seconds=5)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from helpdesk.automations import sweep as automation_sweep
from helpdesk.feedback import nps
from helpdesk.founders import digest
from helpdesk.founders.trends import warming
from helpdesk.mail import imap, outbox
from helpdesk.notifications import digest as notification_digest
from helpdesk.promises import sweeps
from helpdesk.recovery import adaptation
from helpdesk.sla import sweeps as sla_sweeps
from helpdesk.tickets import snooze_sweep
from helpdesk.usage import sweep as usage_sweep
from helpdesk.web import idempotency


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


def sweep_sla_breaches() -> None:
    """Mark service-level clocks whose due time passed unmet as breached and escalate them
    as their policy says (exactly once)."""
    sla_sweeps.sweep_breaches()


def automation_time_rules() -> None:
    """Run time-based automation rules ("waiting on the customer for 7 days") on the
    tickets whose wait was reached, each once."""
    automation_sweep.sweep_time_rules()


def wake_snoozed() -> None:
    """Bring back snoozed tickets whose time has come (exactly once)."""
    snooze_sweep.sweep_snoozed()


def send_outbox() -> None:
    """Send due emails over SMTP (none without SMTP) and webhook deliveries over HTTP,
    with retries."""
    outbox.send_outbox()


def purge_idempotency_records() -> None:
    """Forget widget Idempotency-Keys older than a day (a key is a retry window)."""
    idempotency.idempotency_purge()


def fetch_mail() -> None:
    """Read new mail from the HELPDESK_IMAP_URL mailbox into tickets (nothing when unset)."""
    imap.mail_fetch()


def weekly_digest() -> None:
    """Make last week's founder digest on Monday morning (workspace time), once."""
    digest.digest_if_due()


def warm_trends() -> None:
    """Keep the founders' trends computed a year back: the weeks not computed yet (after a
    deploy or a change of zone), changed since, or past their lifetime."""
    warming.warm_trends()


def notification_digests() -> None:
    """Email each person who chose the daily digest their unread notifications of the last
    day, once per day (from 08:00 in their time zone)."""
    notification_digest.notifications_send_digests()


def adapt_detector() -> None:
    """Fit the workspace's complaint detector on its team's labels when new ones came in
    (does nothing until there are enough)."""
    adaptation.detector_adapt()


def nps_round() -> None:
    """Start an NPS round when one is due (does nothing otherwise, or when switched off)."""
    nps.nps_round_start()


def usage_health() -> None:
    """Recompute each customer's usage state from their product events; publish each
    change once."""
    usage_sweep.sweep_usage_health()


def prune_usage() -> None:
    """Delete daily usage counts and event ids older than the usage settings keep them."""
    usage_sweep.usage_prune()


JOBS: tuple[Job, ...] = (
    Job("heartbeat", heartbeat, seconds=5),
    Job("sweep_promises", sweep_promises, seconds=5),
    Job("sweep_sla_breaches", sweep_sla_breaches, seconds=5),
    Job("wake_snoozed", wake_snoozed, seconds=30),
    Job("send_outbox", send_outbox, seconds=10),
    Job("automation_time_rules", automation_time_rules, seconds=60),
    Job("fetch_mail", fetch_mail, seconds=60),
    Job("purge_idempotency_records", purge_idempotency_records, seconds=3600),
    Job("weekly_digest", weekly_digest, seconds=3600),
    Job("nps_round", nps_round, seconds=3600),
    Job("notification_digests", notification_digests, seconds=600),
    Job("warm_trends", warm_trends, seconds=600),
    Job("adapt_detector", adapt_detector, seconds=600),
    Job("usage_health", usage_health, seconds=3600),
    Job("prune_usage", prune_usage, seconds=3600),
)
