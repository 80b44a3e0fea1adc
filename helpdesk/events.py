"""Domain events inside the process.

A use case publishes what happened (`publish(TicketCreated(...))`); features that react
(mail, webhooks, founders' escalations, recovery, promises, later notifications and
automations) subscribe with a handler that runs at once, in the same transaction, and never
commits. So the feature that publishes imports none of the features that react, and a new
reaction is a new subscription, not an edit to the use case.

Each reacting feature lists its subscriptions in `<feature>/reactions.py` as
`REACTIONS = ((EventType, handler), ...)`; the application factory connects them in the
order of `REACTING_FEATURES` (`helpdesk/__init__.py`), which is the order handlers run in.
Synchronous on purpose: no broker, no threads; what must leave the process (emails,
webhook deliveries) is written as outbox rows by the handlers and sent by jobs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Handler = Callable[[Any], None]

_handlers: dict[type, list[Handler]] = {}


def subscribe(event_type: type, handler: Handler) -> None:
    """Run `handler(event)` for every published event of `event_type` (once, however often
    the same pair is subscribed: the factory runs once per app, tests build many apps)."""
    handlers = _handlers.setdefault(event_type, [])
    if handler not in handlers:
        handlers.append(handler)


def subscribe_all(reactions: Iterable[tuple[type, Handler]]) -> None:
    for event_type, handler in reactions:
        subscribe(event_type, handler)


def publish(event: object) -> None:
    """Run every handler of the event's type, in subscription order. A handler that raises
    aborts the use case (which rolls back)."""
    for handler in _handlers.get(type(event), ()):
        handler(event)


def handlers_for(event_type: type) -> list[Handler]:
    """The handlers subscribed to `event_type`, in order (for tests and the docs)."""
    return list(_handlers.get(event_type, ()))
