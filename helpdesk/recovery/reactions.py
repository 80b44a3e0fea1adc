"""What recovery does when tickets change: score every customer message for a complaint
(a new conversation's first message is scored before the first write and its INSERT
carries the result), refuse to close a complaint whose recovery is under way, and note a
recovered complaint that reopens."""

from __future__ import annotations

from helpdesk.models.ticket import DONE_STATUSES, OPEN_STATUSES
from helpdesk.recovery.detection import Detection
from helpdesk.recovery.steps import (
    check_can_close,
    complaint_detection,
    detect_complaint,
    note_reopened,
    prefill_detection,
)
from helpdesk.tickets.events import (
    CustomerReplied,
    CustomerWriting,
    StatusChanged,
    TicketCreated,
    TicketOpening,
)

KEY = "recovery.detection"


def score_before_writing(event: CustomerWriting) -> None:
    event.prepared[KEY] = complaint_detection(
        body=event.body,
        customer_id=event.customer.id if event.customer is not None else None,
        language=event.language,
        at=event.at,
    )


def fill_new_ticket(event: TicketOpening) -> None:
    detection: Detection | None = event.prepared.get(KEY)
    if detection is not None:
        prefill_detection(event.ticket, detection)
        event.message.complaint_score = detection.score


def detect_on_new_ticket(event: TicketCreated) -> None:
    detect_complaint(ticket=event.ticket, message=event.message, detection=event.prepared.get(KEY))


def detect_on_reply(event: CustomerReplied) -> None:
    detect_complaint(ticket=event.ticket, message=event.message)


def guard_status(event: StatusChanged) -> None:
    if event.new == "closed":
        check_can_close(event.ticket)
    if event.new in OPEN_STATUSES and event.old in DONE_STATUSES:
        note_reopened(event.ticket)


REACTIONS = (
    (CustomerWriting, score_before_writing),
    (TicketOpening, fill_new_ticket),
    (TicketCreated, detect_on_new_ticket),
    (CustomerReplied, detect_on_reply),
    (StatusChanged, guard_status),
)
