"""Demo data for trying the helpdesk: four staff, ~30 customers and ~60 tickets.

Loaded in one transaction; a second run finds the demo admin and adds nothing.
"""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta

import sqlalchemy as sa

from helpdesk.audit import audit
from helpdesk.clock import now
from helpdesk.dev.demo_feedback import seed_demo_feedback
from helpdesk.dev.demo_outreach import seed_demo_outreach
from helpdesk.dev.demo_usage import seed_demo_usage
from helpdesk.extensions import db
from helpdesk.kb.demo_articles import seed_demo_articles
from helpdesk.models import AutomationRule, Customer, Message, SlaPolicy, Tag, Ticket, User
from helpdesk.models.ticket import DONE_STATUSES, OPEN_STATUSES
from helpdesk.recovery.library import seed_library
from helpdesk.recovery.service import apply_label
from helpdesk.recovery.steps import detect_complaint
from helpdesk.rendering import markdown_to_html
from helpdesk.saved_replies.service import seed_saved_replies
from helpdesk.settings.service import setting_get, setting_put
from helpdesk.sla import clocks as sla_clocks
from helpdesk.tickets.numbers import reserve_numbers
from helpdesk.tickets.steps import record_message

# A published demo credential, printed by `make run`.
DEMO_PASSWORD = "helpdesk-demo"  # noqa: S105 # nosec B105
DEMO_USERS = (
    ("admin@example.com", "Ada Admin", "admin"),
    ("founder@example.com", "Farah Rahman", "founder"),
    ("agent@example.com", "Somchai Wongsakul", "agent"),
    ("agent2@example.com", "Dewi Lestari", "agent"),
)

# name, email, plan, lifetime value (USD), vip, language, timezone
CUSTOMERS = (
    ("Nattaya Srisuk", "nattaya@example.co.th", "business", 4800, True, "th", "Asia/Bangkok"),
    ("Kittipong Chai", "kittipong@example.co.th", "starter", 290, False, "th", "Asia/Bangkok"),
    ("Pim Chaiyaporn", "pim@example.co.th", "team", 1250, False, "th", "Asia/Bangkok"),
    ("Arthit Boonmee", "arthit@example.co.th", "starter", 120, False, "th", None),
    ("Siti Nurhaliza", "siti@example.co.id", "team", 1900, False, "id", "Asia/Jakarta"),
    ("Budi Santoso", "budi@example.co.id", "business", 7200, True, "id", "Asia/Jakarta"),
    ("Putri Ayu", "putri@example.co.id", "starter", 90, False, "id", "Asia/Makassar"),
    ("Agus Wijaya", "agus@example.co.id", "team", 860, False, "id", "Asia/Jakarta"),
    ("Rahim Uddin", "rahim@example.com.bd", "team", 1420, False, "bn", "Asia/Dhaka"),
    ("Nusrat Jahan", "nusrat@example.com.bd", "business", 5300, True, "bn", "Asia/Dhaka"),
    ("Tanvir Hasan", "tanvir@example.com.bd", "starter", 60, False, "bn", "Asia/Dhaka"),
    ("Emily Carter", "emily@example.com", "team", 2100, False, "en", "America/New_York"),
    ("James O'Neill", "james@example.ie", "starter", 340, False, "en", "Europe/Dublin"),
    ("Sofia García", "sofia@example.es", "business", 9600, True, "en", "Europe/Madrid"),
    ("Lukas Müller", "lukas@example.de", "team", 1800, False, "en", "Europe/Berlin"),
    ("Amara Okafor", "amara@example.ng", "starter", 150, False, "en", "Africa/Lagos"),
    ("Hiroshi Tanaka", "hiroshi@example.jp", "team", 2600, False, "en", "Asia/Tokyo"),
    ("Priya Sharma", "priya@example.in", "business", 4100, False, "en", "Asia/Kolkata"),
    ("Mateo Rossi", "mateo@example.it", "starter", 210, False, "en", "Europe/Rome"),
    ("Chloé Martin", "chloe@example.fr", "team", 1320, False, "en", "Europe/Paris"),
    ("Olivia Brown", "olivia@example.com.au", "starter", 95, False, "en", "Australia/Sydney"),
    ("Noah Wilson", "noah@example.ca", "team", 990, False, "en", "America/Toronto"),
    ("Fatima Zahra", "fatima@example.ma", "starter", 180, False, "en", None),
    ("Kwame Mensah", "kwame@example.gh", "team", 760, False, "en", "Africa/Accra"),
    ("Mei Lin", "mei@example.sg", "business", 6800, True, "en", "Asia/Singapore"),
    ("Diego Fernández", "diego@example.mx", "starter", 130, False, "en", "America/Mexico_City"),
    ("Anna Kowalska", "anna@example.pl", "team", 1150, False, "en", "Europe/Warsaw"),
    ("Erik Johansson", "erik@example.se", "starter", 270, False, "en", "Europe/Stockholm"),
    ("Grace Lee", "grace@example.kr", "team", 1480, False, "en", "Asia/Seoul"),
    ("Samuel Adeyemi", "samuel@example.ng", "starter", 40, False, "en", "Africa/Lagos"),
)

# kind, priority, tags, subject, the customer's first message, a staff reply (or None)
SCENARIOS = (
    (
        "question",
        "normal",
        ["billing"],
        "How do I download my invoices?",
        "Hi, where can I find the invoices for the last three months? My accountant needs them.",
        "Hi {first}, you can download every invoice from **Billing → Invoices**. "
        "Is there anything else I can help with?",
    ),
    (
        "problem",
        "high",
        ["login", "bug"],
        "Password reset email never arrives",
        "I have asked for a password reset four times and no email came. Spam folder is empty.",
        "Thank you for telling us, {first}. I'm checking our mail logs now and "
        "I'll send you an update within the hour.",
    ),
    (
        "complaint",
        "urgent",
        ["billing", "refund"],
        "Charged twice this month — I want a refund",
        "This is the second time you have charged my card twice. I am really angry. This is "
        "unacceptable and I want a refund today or I will cancel.",
        "{first}, I'm so sorry. Being charged twice is not okay, and I'd be frustrated too. "
        "I have refunded the duplicate charge and I'm finding out why it happened.",
    ),
    (
        "complaint",
        "high",
        ["shipping"],
        "Order arrived broken, nobody answers",
        "My order arrived broken and I have written three times without an answer. Terrible "
        "service. I want my money back.",
        None,
    ),
    (
        "feature_request",
        "low",
        ["feature"],
        "Please add dark mode",
        "Love the product! Would it be possible to have a dark mode? My team works late.",
        "Thank you for the idea, {first}! I've passed it to the product team and linked this "
        "ticket to the feature request, so you hear from us when it ships.",
    ),
    (
        "question",
        "normal",
        ["account"],
        "Can I add a second admin?",
        "We are growing. Can two people on our team manage billing?",
        "Yes, {first}: go to **Settings → Team** and give a teammate the admin role.",
    ),
    (
        "problem",
        "normal",
        ["bug"],
        "Export to CSV cuts off Thai characters",
        "When I export my report, the Thai text shows as question marks.",
        None,
    ),
    (
        "question",
        "low",
        ["onboarding"],
        "Where do I start?",
        "Just signed up. Is there a quick guide for the first day?",
        "Welcome, {first}! Our getting-started guide walks through the first day in ten minutes.",
    ),
)

THAI_OPENERS = (
    "สวัสดีครับ ระบบเข้าสู่ระบบไม่ได้ตั้งแต่เมื่อวาน ช่วยตรวจสอบให้หน่อยครับ",
    "ขอใบแจ้งหนี้เดือนที่แล้วได้ไหมคะ",
)
INDONESIAN_OPENERS = (
    "Halo, saya tidak bisa masuk ke akun saya sejak kemarin. Mohon bantuannya.",
    "Bagaimana cara mengganti paket langganan saya?",
)
BENGALI_OPENERS = ("আমি গতকাল থেকে আমার অ্যাকাউন্টে লগইন করতে পারছি না। সাহায্য করুন।", "আমার চালান কোথায় পাব?")
LOCAL_OPENERS = {"th": THAI_OPENERS, "id": INDONESIAN_OPENERS, "bn": BENGALI_OPENERS}

STATUS_WEIGHTS = (("new", 12), ("open", 25), ("pending", 15), ("resolved", 35), ("closed", 13))
TAGS = ("billing", "refund", "bug", "login", "shipping", "feature", "account", "onboarding")
TICKET_COUNT = 90
# Tickets arrive over the past three months, so every trend has weeks to compare.
DEMO_DAYS = 91
# Where `make run` serves the demo shop (`flask helpdesk demo-site`), a different origin.
DEMO_PORT = 5001


def demo_load(seed: int = 7, demo_port: int = DEMO_PORT) -> bool:
    """Load the demo data in one transaction; False if present (then only help articles
    missing by slug, and the demo shop's port, are brought up to date)."""
    seed_library()
    seed_saved_replies()
    admin = db.session.scalar(sa.select(User).where(User.email == DEMO_USERS[0][0]))
    if admin is not None:
        added_sites = _allow_demo_sites(demo_port)
        if seed_demo_articles(author=admin, current=now()) or added_sites:
            db.session.commit()
        return False
    _allow_demo_sites(demo_port)
    # The demo team works from Bangkok: promises land inside its business day.
    setting_put("business_hours", {"timezone": "Asia/Bangkok"})
    # Demo data, not security: a seeded generator keeps the demo the same each time.
    rng = random.Random(seed)  # noqa: S311 # nosec B311
    current = now()
    users = _staff(current)
    agents = [user for user in users if user.role in ("agent", "founder")]
    customers = _customers(rng, current)
    tags = {name: _tag(name) for name in TAGS}
    numbers = iter(reserve_numbers(TICKET_COUNT))
    statuses = [status for status, weight in STATUS_WEIGHTS for _ in range(weight)]

    # A repeat-contact customer: three tickets inside a fortnight.
    repeat = customers[1]
    tickets = []
    kinds = []
    for index in range(TICKET_COUNT):
        customer = repeat if index < 3 else rng.choice(customers)
        scenario = SCENARIOS[1] if index < 3 else rng.choice(SCENARIOS)
        created = current - timedelta(
            days=index * 4 if index < 3 else rng.randint(0, DEMO_DAYS), minutes=rng.randint(0, 1439)
        )
        ticket = _ticket(
            rng=rng,
            number=next(numbers),
            scenario=scenario,
            customer=customer,
            status="open" if index < 3 else rng.choice(statuses),
            assignee=rng.choice([*agents, None]),
            tags=[tags[name] for name in scenario[2]],
            created=created,
            current=current,
        )
        tickets.append(ticket)
        kinds.append(scenario[0])
    db.session.flush()
    for ticket in tickets:
        event = audit(
            actor="demo", action="ticket.create", obj=ticket, changes={"channel": ticket.channel}
        )
        event.created_at = ticket.created_at
        if ticket.resolved_at is not None:
            # The move into resolved/closed, as the ticket page would have audited it
            # (the founders' resolution times read it).
            resolved = audit(
                actor=ticket.assignee or "demo",
                action="ticket.update",
                obj=ticket,
                changes={"status": ["open", ticket.status]},
            )
            resolved.created_at = ticket.resolved_at
        # The detector decides which demo tickets are complaints, as it would live.
        detect_complaint(ticket=ticket, message=ticket.messages[0])
    _label_some(rng, tickets, kinds, agents)
    _service_levels(rng, tickets, current)
    seed_demo_feedback(rng=rng, tickets=tickets, agents=agents, current=current)
    seed_demo_usage(rng=rng, customers=customers, current=current)
    founder = next(user for user in users if user.role == "founder")
    seed_demo_outreach(rng=rng, tickets=tickets, founder=founder, current=current)
    for user in users:
        audit(actor="cli", action="demo.load", obj=user)
    seed_demo_articles(author=users[0], current=current)
    _switch_on_rules(users[0])
    db.session.commit()
    return True


def _service_levels(rng: random.Random, tickets: list[Ticket], current: datetime) -> None:
    """A sensible policy set, and clocks on the open tickets started in the last few hours
    (the demo's tickets are weeks old; started from then, every clock would be overdue)."""
    minutes = 60
    demo_policies = [
        SlaPolicy(
            name="VIP customers",
            position=0,
            vip_only=True,
            first_reply_minutes=1 * minutes,
            next_reply_minutes=2 * minutes,
            resolution_minutes=8 * minutes,
            warn_minutes=30,
            escalate_to_assignee=True,
            escalate_to_founders=True,
        ),
        SlaPolicy(
            name="High and urgent",
            position=1,
            priorities=["high", "urgent"],
            first_reply_minutes=2 * minutes,
            next_reply_minutes=2 * minutes,
            resolution_minutes=16 * minutes,
            warn_minutes=30,
        ),
        SlaPolicy(
            name="Everyone",
            position=2,
            first_reply_minutes=4 * minutes,
            next_reply_minutes=4 * minutes,
            resolution_minutes=24 * minutes,
            warn_minutes=60,
        ),
    ]
    db.session.add_all(demo_policies)
    db.session.flush()
    for ticket in tickets:
        if ticket.status not in OPEN_STATUSES:
            continue
        started = max(ticket.created_at, current - timedelta(minutes=rng.randint(10, 300)))
        sla_clocks.start_for_new_ticket(ticket, started, demo_policies)
        if ticket.first_staff_reply_at is not None:
            sla_clocks.meet_replies(ticket, started)


def _switch_on_rules(admin: User) -> None:
    """The demo shows automation at work: the default rules (migration 0022) go on, so the
    scheduler closes demo tickets waiting on the customer for a week and new complaints
    get high priority (and the founders' queue, from VIP or high-value customers)."""
    for rule in db.session.scalars(
        sa.select(AutomationRule).where(AutomationRule.enabled.is_(False))
    ):
        rule.enabled = True
        audit(actor=admin, action="automation.update", obj=rule, changes={"enabled": [False, True]})


def _label_some(
    rng: random.Random, tickets: list[Ticket], kinds: list[str], agents: list[User]
) -> None:
    """Agents answered "is this a complaint?" on about half the tickets (the scenario says
    what is true), a few hours after each arrived: the founders' detector trend and the
    threshold guide have something to show."""
    for ticket, kind in zip(tickets, kinds, strict=True):
        if ticket.status == "closed" or rng.random() >= 0.5:
            continue
        apply_label(ticket, rng.choice(agents), kind == "complaint")
        if ticket.complaint_label is not None:
            later = timedelta(hours=rng.randint(1, 8))
            ticket.complaint_label.labelled_at = ticket.created_at + later


_LOCAL_ORIGIN = re.compile(r"^http://(127\.0\.0\.1|localhost):\d{1,5}$")


def demo_sites(port: int = DEMO_PORT) -> list[str]:
    return [f"http://127.0.0.1:{port}", f"http://localhost:{port}"]


def _allow_demo_sites(port: int = DEMO_PORT) -> bool:
    """Let the demo shop embed the widget: set the allowed sites when nobody has, or move
    them to `port` when they only list an earlier demo's local addresses (`DEMO_PORT=…
    make run` after a run on another port); a site an admin added is never touched."""
    stored = setting_get("widget", None)
    sites = demo_sites(port)
    if stored is None:
        setting_put("widget", {"allowed_origins": sites})
        return True
    current = stored.get("allowed_origins") if isinstance(stored, dict) else None
    if not isinstance(current, list) or current == sites:
        return False
    if not current or not all(isinstance(o, str) and _LOCAL_ORIGIN.match(o) for o in current):
        return False
    setting_put("widget", {**stored, "allowed_origins": sites})
    return True


def _staff(current: datetime) -> list[User]:
    users = []
    for email, name, role in DEMO_USERS:
        user = User(
            email=email,
            name=name,
            role=role,
            timezone="Asia/Bangkok",
            created_at=current,
            available=role == "agent",
        )
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        users.append(user)
    db.session.flush()
    return users


def _customers(rng: random.Random, current: datetime) -> list[Customer]:
    customers = []
    for name, email, plan, value, vip, language, zone in CUSTOMERS:
        customer = Customer(
            name=name,
            email=email,
            plan=plan,
            lifetime_value_cents=value * 100,
            vip=vip,
            language=language,
            timezone=zone,
            last_seen_at=current - timedelta(hours=rng.randint(1, 24 * 30)),
            created_at=current - timedelta(days=rng.randint(60, 900)),
        )
        db.session.add(customer)
        customers.append(customer)
    db.session.flush()
    return customers


def _tag(name: str) -> Tag:
    tag = db.session.scalar(sa.select(Tag).where(Tag.name == name)) or Tag(name=name)
    db.session.add(tag)
    return tag


def _ticket(
    *,
    rng: random.Random,
    number: int,
    scenario: tuple,
    customer: Customer,
    status: str,
    assignee: User | None,
    tags: list[Tag],
    created: datetime,
    current: datetime,
) -> Ticket:
    kind, priority, _tags, subject, opener, reply = scenario
    if customer.language in LOCAL_OPENERS and kind in ("question", "problem"):
        opener = rng.choice(LOCAL_OPENERS[customer.language])
    ticket = Ticket(
        number=number,
        subject=subject,
        status=status,
        priority=priority,
        kind="problem" if kind == "complaint" else kind,
        channel=rng.choice(("widget", "widget", "email", "email", "api", "agent")),
        customer=customer,
        assignee=None if status == "new" else assignee,
        tags=tags,
        created_at=created,
        last_activity_at=created,
    )
    db.session.add(ticket)
    _message(ticket, "customer", opener, created, customer=customer)
    if reply and status != "new":
        staff = ticket.assignee or assignee
        if staff is not None:
            replied = created + timedelta(minutes=rng.randint(5, 240))
            if replied < current:
                text = reply.format(first=customer.first_name)
                _message(ticket, "staff", text, replied, user=staff)
    if status in (*DONE_STATUSES, "pending"):
        ticket.waiting_since = None  # answered, or waiting on the customer
    if status in DONE_STATUSES:
        ticket.resolved_at = min(current, ticket.last_activity_at + timedelta(hours=2))
        ticket.last_activity_at = ticket.resolved_at
    ticket.status_changed_at = ticket.last_activity_at
    return ticket


def _message(
    ticket: Ticket,
    author_type: str,
    text: str,
    at: datetime,
    *,
    customer: Customer | None = None,
    user: User | None = None,
) -> None:
    message = Message(
        ticket=ticket,
        author_type=author_type,
        author_customer=customer,
        author_user=user,
        body_source=text,
        body_html=markdown_to_html(text),
        created_at=at,
    )
    db.session.add(message)
    record_message(ticket, message)
