"""One generated ticket as rows: the ticket, its messages and tags, and what follows from
it in the app (a recovery with its steps for a complaint, promises kept, missed or still
pending, a rating after resolving, escalations for the founders, the audit events of the
resolve (and, for a few, of an earlier resolve and a reopen), a first-reply service-level
clock), all consistent with the rules the services keep. The columns, weights and records
it fills are in `parts.py`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from helpdesk.dev.generate import text
from helpdesk.dev.generate.parts import (
    CHANNELS,
    COMPLAINT_PRIORITIES,
    COMPLAINT_RATING_SCORES,
    FIRST_REPLY_TARGET,
    OPEN_ESCALATION_AGE,
    ORDER_SENTINEL,
    PRIORITIES,
    PRODUCT_SENTINEL,
    PROMISE_WINDOWS,
    RATING_SCORES,
    REOPEN_EVERY,
    STATUS_BY_AGE,
    Context,
    Pick,
    Rows,
    Template,
)
from helpdesk.models.recovery import STEPS
from helpdesk.models.ticket import DONE_STATUSES, PRIORITY_RANKS
from helpdesk.recovery.detection import Detection, detect
from helpdesk.rendering import markdown_to_html
from helpdesk.tickets.steps import snippet


class TicketBuilder:
    """Builds tickets one after another, handing out ids for the rows it makes."""

    def __init__(self, context: Context, *, ids: dict[str, int]):
        self.c = context
        self.ids = ids
        self.kinds = Pick(text.KINDS)
        self.priorities = Pick(PRIORITIES)
        self.complaint_priorities = Pick(COMPLAINT_PRIORITIES)
        self.channels = Pick(CHANNELS)
        self.statuses = [(age, Pick(weights)) for age, weights in STATUS_BY_AGE]
        self.rating_scores = Pick(RATING_SCORES)
        self.complaint_rating_scores = Pick(COMPLAINT_RATING_SCORES)

    # -- text -------------------------------------------------------------------------
    def template(self, source: str) -> Template:
        found = self.c.templates.get(source)
        if found is None:
            marked = source.replace("{product}", PRODUCT_SENTINEL).replace(
                "{order}", ORDER_SENTINEL
            )
            found = self.c.templates[source] = Template(marked, markdown_to_html(marked))
        return found

    def detection(self, body: str, language: str) -> Detection:
        key = (body, language)
        found = self.c.detections.get(key)
        if found is None:
            neutral = body.replace("{product}", "gadget").replace("{order}", "A1")
            found = self.c.detections[key] = detect(neutral, language=language)
        return found

    def product(self) -> str:
        # A long tail: the first products are common, the last ones rare.
        return self.c.products[int(len(self.c.products) * self.c.rng.random() ** 3)]

    # -- one ticket -------------------------------------------------------------------
    def add(self, rows: Rows, *, number: int, created: datetime) -> None:
        c, rng = self.c, self.c.rng
        ticket_id = self.ids["tickets"]
        self.ids["tickets"] += 1
        # Repeat contacts: one ticket in four comes from the few customers (one in twenty)
        # who write often; the rest from anyone.
        pool = len(c.customer_ids) if rng.random() >= 0.25 else max(1, len(c.customer_ids) // 20)
        index = rng.randrange(pool)
        customer_id, language = c.customer_ids[index], c.customer_languages[index]
        kind = self.kinds(rng)
        subject_template, body_template = rng.choice(text.OPENINGS[kind][language])
        detection = self.detection(body_template, language)
        if detection.score >= c.complaint_threshold:
            kind = "complaint"
        age = c.current - created
        status = next(pick for limit, pick in self.statuses if age < limit)(rng)
        priority = (self.complaint_priorities if kind == "complaint" else self.priorities)(rng)
        assignee = None if status == "new" or rng.random() < 0.08 else rng.choice(c.agents)
        product, order = self.product(), f"A{rng.randrange(10**7):07d}"
        subject = subject_template.replace("{product}", product).replace("{order}", order)

        public: list[tuple[str, datetime, str]] = []  # (author type, at, text)
        first_staff_message: tuple[int, datetime] | None = None
        at = created
        count = c.messages_per_ticket
        for position in range(count):
            from_customer = status == "new" or position % 2 == 0
            if position == count - 1 and position and status in ("pending", *DONE_STATUSES):
                from_customer = False  # the last word is ours: waiting on the customer, or done
            internal = False
            if position == 0:
                source = body_template
            elif from_customer:
                source = rng.choice(text.CUSTOMER_REPLIES[language])
            elif position < count - 1 and rng.random() < 0.1:
                source, internal = rng.choice(text.INTERNAL_NOTES), True
            else:
                source = rng.choice(text.STAFF_REPLIES[language])
            body, html = self.template(source).fill(product, order)
            message_id = self.ids["messages"]
            self.ids["messages"] += 1
            staff_id = assignee or c.agents[0]
            rows.messages.append(
                (
                    message_id,
                    ticket_id,
                    "customer" if from_customer else "staff",
                    None if from_customer else staff_id,
                    customer_id if from_customer else None,
                    body,
                    html,
                    internal,
                    at,
                )
            )
            if not internal:
                public.append(("customer" if from_customer else "staff", at, body))
                if not from_customer and first_staff_message is None:
                    first_staff_message = (message_id, at)
            if position < count - 1:
                at = min(c.current, at + timedelta(minutes=rng.randint(5, 600)))

        waiting = None
        for author, moment, _body in public:
            waiting = (waiting or moment) if author == "customer" else None
        last_activity = at
        resolved_at = last_activity if status in DONE_STATUSES else None
        flagged = created if kind == "complaint" and detection.strongly_negative else None
        # A running service-level clock on tickets we owe something (the inbox's "Due
        # soonest" sort and "Breaching soon" view read these columns only); some overdue.
        sla_due = sla_kind = sla_warn = None
        if status in ("new", "open"):
            sla_kind = (
                "first_reply"
                if first_staff_message is None
                else ("next_reply" if waiting else "resolution")
            )
            # From the id, not the random stream, so the rest of the data stays as it was.
            sla_due = (waiting or last_activity) + timedelta(
                minutes=(60, 120, 240, 480, 1440, 4320)[ticket_id % 6]
            )
            sla_warn = sla_due - timedelta(hours=1)
        rows.tickets.append(
            (
                ticket_id,
                number,
                subject,
                status,
                priority,
                PRIORITY_RANKS[priority],
                kind,
                self.channels(rng),
                customer_id,
                assignee,
                round(detection.score, 3),
                [reason.as_dict() for reason in detection.reasons],
                created,
                last_activity,
                waiting,
                first_staff_message[1] if first_staff_message else None,
                resolved_at,
                flagged,
                1,
                snippet(public[-1][2]) if public else "",
                last_activity,  # status_changed_at: the status last moved with the activity
                sla_due,
                sla_kind,
                sla_warn,
            )
        )
        for tag_id in rng.sample(c.tag_ids, k=rng.choice((0, 0, 1, 1, 2))):
            rows.tags.append((ticket_id, tag_id))
        if flagged:
            excerpt = " ".join(public[0][2].split())[:300]
            self._escalation(
                rows,
                ticket_id,
                "negative_sentiment",
                f"Score {detection.score:.2f}: “{excerpt}”",
                None,
                created,
            )
        if kind == "complaint":
            self._recovery(rows, ticket_id, status, assignee, created, last_activity)
        if first_staff_message and assignee and rng.random() < 0.25:
            self._promise(rows, ticket_id, status, assignee, language, first_staff_message[1])
        self._sla_target(rows, ticket_id, created, first_staff_message)
        if resolved_at is not None:
            actor = (assignee, f"user:{assignee}" if assignee else "system")
            if ticket_id % REOPEN_EVERY == 0:
                # Resolved once before, then reopened by the customer writing again.
                first_resolve = created + (resolved_at - created) * 0.4
                reopen = created + (resolved_at - created) * 0.6
                rows.audit.append(
                    (*actor, "ticket.update", "tickets", str(ticket_id),
                     {"status": ["open", "resolved"]}, first_resolve)
                )  # fmt: skip
                rows.audit.append(
                    (None, f"customer:{customer_id}", "ticket.customer_reply", "tickets",
                     str(ticket_id), {"status": ["resolved", "open"]}, reopen)
                )  # fmt: skip
            rows.audit.append(
                (
                    *actor,
                    "ticket.update",
                    "tickets",
                    str(ticket_id),
                    {"status": ["open", status]},
                    resolved_at,
                )
            )
            if rng.random() < 0.35:
                self._rating(rows, ticket_id, customer_id, kind, resolved_at)

    # -- what follows from a ticket ---------------------------------------------------
    def _sla_target(
        self,
        rows: Rows,
        ticket_id: int,
        created: datetime,
        first_staff_message: tuple[int, datetime] | None,
    ) -> None:
        """A first-reply clock (wall time, not business time: enough for the reports to
        have attained, missed and running targets to read)."""
        due = created + FIRST_REPLY_TARGET
        met = first_staff_message[1] if first_staff_message else None
        late = (met or self.c.current) > due
        rows.sla_targets.append(
            (ticket_id, "first_reply", created, None if met else due, met,
             due if late else None)
        )  # fmt: skip

    def _escalation(
        self,
        rows: Rows,
        ticket_id: int,
        reason: str,
        detail: str,
        promise_id: int | None,
        at: datetime,
    ) -> None:
        status = "open" if self.c.current - at < OPEN_ESCALATION_AGE else "done"
        rows.escalations.append((ticket_id, reason, detail, status, promise_id, at, at))

    def _recovery(
        self,
        rows: Rows,
        ticket_id: int,
        status: str,
        assignee: int | None,
        started: datetime,
        last_activity: datetime,
    ) -> None:
        rng = self.c.rng
        recovery_id = self.ids["recoveries"]
        self.ids["recoveries"] += 1
        done_steps = len(STEPS) if status in DONE_STATUSES else rng.randint(0, len(STEPS) - 1)
        agent = assignee or self.c.agents[0]
        span = max(last_activity - started, timedelta(minutes=5))
        times = sorted(started + span * rng.random() for _ in range(done_steps))
        for step, moment in zip(STEPS, times, strict=False):
            rows.steps.append((recovery_id, step, moment, agent, None, False))
        notes = text.RECOVERY_NOTES
        complete = done_steps == len(STEPS)
        rows.recoveries.append(
            (
                recovery_id,
                ticket_id,
                "completed" if complete else "active",
                "done" if complete else STEPS[done_steps],
                started,
                times[0] if times else None,
                agent if times else None,
                notes["hear"] if done_steps >= 1 else None,
                notes["resolve"] if done_steps >= 4 else None,
                rng.choice(self.c.root_cause_ids) if complete else None,
                notes["process_gap"] if complete else None,
                notes["process_fix"] if complete else None,
                (rng.random() < 0.04) if complete else None,
            )
        )

    def _promise(
        self,
        rows: Rows,
        ticket_id: int,
        status: str,
        agent: int,
        language: str,
        made: datetime,
    ) -> None:
        rng, current = self.c.rng, self.c.current
        promise_id = self.ids["promises"]
        self.ids["promises"] += 1
        window = rng.choice(PROMISE_WINDOWS)
        due = made + window
        remind = due - min(timedelta(minutes=30), window / 4)
        wording = text.PROMISE_TEXTS[language].format(time=f"{due:%Y-%m-%d %H:%M} UTC")
        reminded = fulfilled = escalated = None
        early = False
        if due > current and status in ("new", "open", "pending"):
            state = "pending"
            reminded = remind if remind <= current else None
        else:
            roll = rng.random()
            if roll < 0.8:
                state = "kept"
                fulfilled = made + window * rng.uniform(0.15, 1.0)
                early = fulfilled <= due - window / 4
            elif roll < 0.95:
                state, reminded, escalated = "missed", remind, due
            else:
                state = "cancelled"
        rows.promises.append(
            (
                promise_id,
                ticket_id,
                agent,
                made,
                due,
                remind,
                wording,
                state,
                early,
                reminded,
                fulfilled,
                escalated,
            )
        )
        if state == "missed":
            self._escalation(rows, ticket_id, "missed_promise", wording, promise_id, due)

    def _rating(
        self, rows: Rows, ticket_id: int, customer_id: int, kind: str, resolved: datetime
    ) -> None:
        rng = self.c.rng
        pick = self.complaint_rating_scores if kind == "complaint" else self.rating_scores
        score = pick(rng)
        at = min(self.c.current, resolved + timedelta(minutes=rng.randint(10, 3 * 24 * 60)))
        comment = rng.choice(text.RATING_COMMENTS[score])
        rows.ratings.append(
            (
                ticket_id,
                customer_id,
                score,
                comment,
                rng.choice(("widget", "page", "email")),
                at,
                at,
            )
        )
        if score == "bad":
            self._escalation(rows, ticket_id, "bad_rating", comment, None, at)
