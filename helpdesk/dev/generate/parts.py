"""What the generator's rows are made of: the columns of each table it writes, the weights
it draws with, a weighted choice prepared once (`Pick`), a batch of rows (`Rows`), a
message template (`Template`) and what every ticket draws on (`Context`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from helpdesk.dev.generate import text
from helpdesk.recovery.detection import Detection

TICKET_COLUMNS = (
    "id", "number", "subject", "status", "priority", "priority_rank", "kind", "channel",
    "customer_id", "assignee_id", "sentiment_score", "sentiment_reasons", "created_at",
    "last_activity_at", "waiting_since", "first_staff_reply_at", "resolved_at",
    "founder_flagged_at", "version", "last_message_snippet", "status_changed_at",
    "sla_due_at", "sla_due_kind", "sla_warn_at",
)  # fmt: skip
MESSAGE_COLUMNS = (
    "id", "ticket_id", "author_type", "author_user_id", "author_customer_id", "body_source",
    "body_html", "internal", "created_at",
)  # fmt: skip
TAG_COLUMNS = ("ticket_id", "tag_id")
RECOVERY_COLUMNS = (
    "id", "ticket_id", "state", "current_step", "started_at", "last_read_at", "last_read_by_id",
    "problem_summary", "resolution", "root_cause_id", "process_gap", "process_fix",
    "reopened_within_14_days",
)  # fmt: skip
STEP_COLUMNS = ("recovery_id", "step", "done_at", "done_by_id", "note", "skipped")
PROMISE_COLUMNS = (
    "id", "ticket_id", "agent_id", "created_at", "due_at", "remind_at", "text", "status",
    "kept_early", "reminded_at", "fulfilled_at", "escalated_at",
)  # fmt: skip
RATING_COLUMNS = (
    "ticket_id", "customer_id", "score", "comment", "channel", "created_at", "updated_at",
)  # fmt: skip
ESCALATION_COLUMNS = (
    "ticket_id", "reason", "detail", "status", "promise_id", "created_at", "updated_at",
)  # fmt: skip
SLA_TARGET_COLUMNS = ("ticket_id", "kind", "started_at", "due_at", "met_at", "breached_at")
AUDIT_COLUMNS = (
    "actor_user_id", "actor_label", "action", "object_type", "object_id", "changes",
    "created_at",
)  # fmt: skip

# Statuses by the ticket's age: recent tickets are still being worked on, old ones done.
STATUS_BY_AGE: tuple[tuple[timedelta, tuple[tuple[str, float], ...]], ...] = (
    (timedelta(days=3), (("new", 25), ("open", 35), ("pending", 20), ("resolved", 15),
                         ("closed", 5))),
    (timedelta(days=30), (("new", 2), ("open", 10), ("pending", 13), ("resolved", 50),
                          ("closed", 25))),
    (timedelta.max, (("new", 0.3), ("open", 1.5), ("pending", 2), ("resolved", 40),
                     ("closed", 56.2))),
)  # fmt: skip
PRIORITIES = (("low", 20), ("normal", 55), ("high", 18), ("urgent", 7))
COMPLAINT_PRIORITIES = (("normal", 40), ("high", 40), ("urgent", 20))
CHANNELS = (("widget", 45), ("email", 35), ("api", 10), ("agent", 10))
RATING_SCORES = (("good", 72), ("okay", 18), ("bad", 10))
COMPLAINT_RATING_SCORES = (("good", 50), ("okay", 25), ("bad", 25))
PROMISE_WINDOWS = (timedelta(hours=1), timedelta(hours=4), timedelta(days=1), timedelta(days=3))
OPEN_ESCALATION_AGE = timedelta(days=14)
# One resolved ticket in REOPEN_EVERY was resolved once before and reopened (the team
# report's reopens); chosen by id, so the seeded draws of everything else stay the same.
REOPEN_EVERY = 16
FIRST_REPLY_TARGET = timedelta(hours=4)
PRODUCT_SENTINEL = "zzproductzz"
ORDER_SENTINEL = "zzorderzz"


def products() -> list[str]:
    first, second = text.PRODUCT_PARTS
    return [f"{a}{b}" for a in first for b in second]


class Pick:
    """A weighted choice, prepared once (random.choices with cumulative weights)."""

    def __init__(self, pairs: tuple[tuple[str, float], ...]):
        self.values = [value for value, _ in pairs]
        total, self.cumulative = 0.0, []
        for _, weight in pairs:
            total += weight
            self.cumulative.append(total)

    def __call__(self, rng: random.Random) -> str:
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


@dataclass
class Rows:
    """Rows of one batch, by table."""

    tickets: list[tuple[Any, ...]] = field(default_factory=list)
    messages: list[tuple[Any, ...]] = field(default_factory=list)
    tags: list[tuple[Any, ...]] = field(default_factory=list)
    recoveries: list[tuple[Any, ...]] = field(default_factory=list)
    steps: list[tuple[Any, ...]] = field(default_factory=list)
    promises: list[tuple[Any, ...]] = field(default_factory=list)
    ratings: list[tuple[Any, ...]] = field(default_factory=list)
    escalations: list[tuple[Any, ...]] = field(default_factory=list)
    audit: list[tuple[Any, ...]] = field(default_factory=list)
    sla_targets: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass
class Template:
    """A message template: its Markdown source and HTML with the sentinels in place."""

    source: str
    html: str

    def fill(self, product: str, order: str) -> tuple[str, str]:
        if PRODUCT_SENTINEL not in self.source and ORDER_SENTINEL not in self.source:
            return self.source, self.html
        return (
            self.source.replace(PRODUCT_SENTINEL, product).replace(ORDER_SENTINEL, order),
            self.html.replace(PRODUCT_SENTINEL, product).replace(ORDER_SENTINEL, order),
        )


@dataclass
class Context:
    """What every ticket draws on: people, tags, causes, thresholds and the time line."""

    rng: random.Random
    agents: list[int]
    tag_ids: list[int]
    root_cause_ids: list[int]
    customer_ids: list[int]
    customer_languages: list[str]
    current: datetime
    complaint_threshold: float
    messages_per_ticket: int
    products: list[str] = field(default_factory=products)
    templates: dict[str, Template] = field(default_factory=dict)
    detections: dict[tuple[str, str], Detection] = field(default_factory=dict)
