"""Realistic bulk data for benchmarks and trying the app at size: customers with repeat
contacts, tickets in plausible proportions of status, kind, priority and channel, messages
in English, Thai, Indonesian and Bengali, tags.

Written with Core bulk inserts in batches, each batch one transaction; ids are handed out
here, so run one generator at a time. Generated customers use the `generated.example`
domain, which is how the generator tells its own data from real data.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from helpdesk.auth.service import user_create
from helpdesk.clock import now
from helpdesk.extensions import db
from helpdesk.models import Customer, Message, Tag, Ticket, User, ticket_tags
from helpdesk.models.ticket import PRIORITY_RANKS
from helpdesk.rendering import markdown_to_html
from helpdesk.tickets.numbers import reserve_numbers
from helpdesk.tickets.service import snippet

GENERATED_DOMAIN = "generated.example"
AGENT_COUNT = 8
# Benchmark accounts only: generated data is never real.
AGENT_PASSWORD = "generated-agent-password"  # noqa: S105 # nosec B105
BATCH = 2000

FIRST = (
    "Anong",
    "Somchai",
    "Nattaya",
    "Budi",
    "Siti",
    "Dewi",
    "Rahim",
    "Nusrat",
    "Tanvir",
    "Emily",
    "James",
    "Sofia",
    "Lukas",
    "Amara",
    "Hiroshi",
    "Priya",
    "Mei",
    "Kwame",
)
LAST = (
    "Srisuk",
    "Wongsakul",
    "Santoso",
    "Lestari",
    "Uddin",
    "Jahan",
    "Hasan",
    "Carter",
    "O'Neill",
    "García",
    "Müller",
    "Okafor",
    "Tanaka",
    "Sharma",
    "Lin",
    "Mensah",
)
SUBJECTS = (
    ("question", "How do I export my invoices?"),
    ("question", "Can I change my plan mid-month?"),
    ("problem", "Password reset email never arrives"),
    ("problem", "Export to CSV cuts off characters"),
    ("problem", "The dashboard is slow today"),
    ("complaint", "Charged twice this month"),
    ("complaint", "Order arrived broken, nobody answers"),
    ("feature_request", "Please add dark mode"),
    ("question", "ขอใบแจ้งหนี้เดือนที่แล้ว"),
    ("problem", "Tidak bisa masuk ke akun saya"),
    ("question", "আমার চালান কোথায় পাব?"),
)
CUSTOMER_LINES = (
    "Hi, I need help with my account. It worked yesterday.",
    "This is the second time this happened. I am really frustrated.",
    "สวัสดีครับ ระบบเข้าสู่ระบบไม่ได้ตั้งแต่เมื่อวาน ช่วยตรวจสอบให้หน่อยครับ",
    "Halo, saya tidak bisa masuk ke akun saya sejak kemarin. Mohon bantuannya.",
    "আমি গতকাল থেকে আমার অ্যাকাউন্টে লগইন করতে পারছি না। সাহায্য করুন।",
    "Thanks, that worked! One more question about billing though.",
    "I want a refund for the duplicate charge, please.",
)
STAFF_LINES = (
    "Thank you for telling us. I'm looking into it now and will update you within the hour.",
    "I'd be frustrated too. I've refunded the duplicate charge; it shows in 3-5 days.",
    "You can download every invoice from **Billing → Invoices**.",
    "Is there anything else I can help with?",
)
STATUSES = (("new", 8), ("open", 20), ("pending", 12), ("resolved", 45), ("closed", 15))
PRIORITIES = (("low", 20), ("normal", 55), ("high", 18), ("urgent", 7))
CHANNELS = (("widget", 45), ("email", 35), ("api", 10), ("agent", 10))
TAGS = ("billing", "refund", "bug", "login", "shipping", "feature", "account", "export")


class RealDataPresent(Exception):
    """The database holds customers the generator did not make."""


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([value for value, _ in pairs], [weight for _, weight in pairs])[0]


def _next_id(model: type[Any]) -> int:
    return int(db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(model.id), 0)))) + 1


def _agents() -> list[int]:
    ids = []
    for index in range(1, AGENT_COUNT + 1):
        email = f"agent{index}@{GENERATED_DOMAIN}"
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is None:
            user = user_create(
                email=email,
                name=f"{FIRST[index]} Agent",
                role="agent",
                password=AGENT_PASSWORD,
                actor="generate",
            )
        ids.append(user.id)
    return ids


def _tags() -> list[int]:
    for name in TAGS:
        if db.session.scalar(sa.select(Tag.id).where(Tag.name == name)) is None:
            db.session.add(Tag(name=name))
    db.session.commit()
    return list(db.session.scalars(sa.select(Tag.id).where(Tag.name.in_(TAGS))))


def _batches(total: int) -> Iterator[int]:
    done = 0
    while done < total:
        size = min(BATCH, total - done)
        yield size
        done += size


def generate(
    *,
    tickets: int,
    messages_per_ticket: int = 3,
    seed: int = 1,
    force: bool = False,
    progress: Callable[[int], None] = lambda done: None,
) -> int:
    """Add `tickets` tickets (and customers, messages, tags); returns how many were added."""
    real = db.session.scalar(
        sa.select(sa.func.count(Customer.id)).where(
            ~Customer.email.endswith(f"@{GENERATED_DOMAIN}")
        )
    )
    if real and not force:
        raise RealDataPresent(f"{real} customers here were not generated")
    # Test data, not security: a seeded generator repeats the same data.
    rng = random.Random(seed)  # noqa: S311 # nosec B311
    agents = _agents()
    tag_ids = _tags()
    current = now()
    customer_count = max(1, tickets // 3)  # about three tickets per customer: repeat contacts
    customer_ids = _insert_customers(rng, customer_count, current)
    numbers = iter(reserve_numbers(tickets))
    db.session.commit()
    ticket_id, message_id = _next_id(Ticket), _next_id(Message)
    html_cache: dict[str, str] = {}
    for size in _batches(tickets):
        ticket_rows, message_rows, tag_rows = [], [], []
        for _ in range(size):
            row, messages = _ticket(
                rng,
                ticket_id,
                next(numbers),
                customer_ids,
                agents,
                messages_per_ticket,
                current,
                html_cache,
                message_id,
            )
            ticket_rows.append(row)
            message_rows.extend(messages)
            message_id += len(messages)
            for tag_id in rng.sample(tag_ids, k=rng.choice((0, 0, 1, 1, 2))):
                tag_rows.append({"ticket_id": ticket_id, "tag_id": tag_id})
            ticket_id += 1
        db.session.execute(sa.insert(Ticket), ticket_rows)
        db.session.execute(sa.insert(Message), message_rows)
        if tag_rows:
            db.session.execute(sa.insert(ticket_tags), tag_rows)
        db.session.commit()
        progress(size)
    _sync_sequences()
    return tickets


def _insert_customers(rng: random.Random, count: int, current: datetime) -> list[int]:
    start = _next_id(Customer)
    rows: list[dict[str, Any]] = []
    for offset in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        rows.append(
            {
                "id": start + offset,
                "email": f"c{start + offset}@{GENERATED_DOMAIN}",
                "name": f"{first} {last}",
                "plan": rng.choice(("starter", "team", "business")),
                "lifetime_value_cents": rng.randint(0, 1_000_000),
                "vip": rng.random() < 0.03,
                "language": rng.choice(("en", "en", "th", "id", "bn")),
                "timezone": rng.choice(("Asia/Bangkok", "Asia/Jakarta", "Asia/Dhaka", "UTC")),
                "created_at": current - timedelta(days=rng.randint(30, 900)),
            }
        )
    for index in range(0, len(rows), BATCH * 5):
        db.session.execute(sa.insert(Customer), rows[index : index + BATCH * 5])
    return list(range(start, start + count))


def _ticket(
    rng: random.Random,
    ticket_id: int,
    number: int,
    customer_ids: list[int],
    agents: list[int],
    messages_per_ticket: int,
    current: datetime,
    html_cache: dict[str, str],
    first_message: int,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    kind, subject = rng.choice(SUBJECTS)
    status = _weighted(rng, STATUSES)
    priority = _weighted(rng, PRIORITIES)
    customer_id = rng.choice(customer_ids)
    created = current - timedelta(minutes=rng.randint(10, 365 * 24 * 60))
    assignee = None if status == "new" else rng.choice([*agents, None])
    messages, at = [], created
    first_reply = waiting = None
    last_public = ""
    for index in range(max(1, messages_per_ticket)):
        from_customer = index % 2 == 0 or status == "new"
        text = rng.choice(CUSTOMER_LINES if from_customer else STAFF_LINES)
        html = html_cache.get(text) or html_cache.setdefault(text, markdown_to_html(text))
        internal = not from_customer and rng.random() < 0.1
        messages.append(
            {
                "id": first_message + index,
                "ticket_id": ticket_id,
                "author_type": "customer" if from_customer else "staff",
                "author_customer_id": customer_id if from_customer else None,
                "author_user_id": None if from_customer else (assignee or agents[0]),
                "body_source": text,
                "body_html": html,
                "internal": internal,
                "created_at": at,
            }
        )
        if not internal:
            last_public = text
            if from_customer:
                waiting = waiting or at
            else:
                waiting = None
                first_reply = first_reply or at
        at = min(current, at + timedelta(minutes=rng.randint(5, 600)))
    resolved = at if status in ("resolved", "closed") else None
    row = {
        "id": ticket_id,
        "number": number,
        "subject": subject,
        "status": status,
        "priority": priority,
        "priority_rank": PRIORITY_RANKS[priority],
        "kind": kind,
        "channel": _weighted(rng, CHANNELS),
        "customer_id": customer_id,
        "assignee_id": assignee,
        "sentiment_score": -0.7 if kind == "complaint" else round(rng.uniform(-0.2, 0.6), 2),
        "sentiment_reasons": ["strongly negative words"] if kind == "complaint" else [],
        "created_at": created,
        "last_activity_at": at,
        "waiting_since": waiting if status in ("new", "open") else None,
        "first_staff_reply_at": first_reply,
        "resolved_at": resolved,
        "last_message_snippet": snippet(last_public),
    }
    return row, messages


def _sync_sequences() -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move them past the data."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in (Customer, Ticket, Message, Tag, User):
        highest = sa.select(sa.func.coalesce(sa.func.max(model.id), 1)).scalar_subquery()
        sequence = sa.func.pg_get_serial_sequence(model.__tablename__, "id")
        db.session.execute(sa.select(sa.func.setval(sequence, highest)))
    db.session.commit()
