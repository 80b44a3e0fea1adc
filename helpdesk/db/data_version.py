"""A cheap fingerprint of the data: the highest audit event, message, ticket and NPS
response ids, one index lookup each.

Every state change is audited (`helpdesk.audit`), and every new ticket or message gets a
new id, so two equal fingerprints mean nothing a count or a trend reads has changed in
between. Figures derived from the whole table (the inbox's view counts, the founders'
trends) are kept per process against it and recomputed after a change.

One gap: on PostgreSQL ids are handed out before commit, so a transaction that took a
lower id and commits after a higher one did leaves the fingerprint as it was. Entries are
therefore recomputed after `LIFETIME` even when the fingerprint still matches: a figure is
never more than that much behind. (On SQLite writers take turns, so ids follow commits.)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

import sqlalchemy as sa

from helpdesk.clock import now
from helpdesk.db.rows import read_rows
from helpdesk.models import AuditEvent, Message, NpsResponse, Ticket

T = TypeVar("T")
LIFETIME = timedelta(seconds=60)


def data_version() -> tuple[int, ...]:
    highest = [
        sa.select(sa.func.max(column)).scalar_subquery()
        for column in (AuditEvent.id, Message.id, Ticket.id, NpsResponse.id)
    ]
    row = read_rows(sa.select(*highest)).one()
    return tuple(int(value or 0) for value in row)


@dataclass(frozen=True)
class _Entry(Generic[T]):
    version: tuple[int, ...]
    computed_at: datetime
    value: T


class VersionedCache(Generic[T]):
    """Values computed from the data, kept while the data version is the same (for at most
    `LIFETIME`), or while younger than `max_age` whatever changed (bounded staleness) when
    one is given. At most `size` keys, least recently used dropped first. Safe to share
    between threads."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[Hashable, _Entry[T]] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[Hashable, threading.Lock] = {}

    def get(
        self, key: Hashable, compute: Callable[[], T], *, max_age: timedelta = timedelta(0)
    ) -> T:
        version, current = data_version(), now()
        with self._lock:
            entry = self._entries.get(key)
            age = current - entry.computed_at if entry is not None else None
            if (
                entry is not None
                and age is not None
                and (age < max_age or (entry.version == version and age < LIFETIME))
            ):
                self._entries.move_to_end(key)
                return entry.value
        with self._computing(key):
            # Another thread may have computed it while this one waited for the lock.
            with self._lock:
                entry = self._entries.get(key)
                if (
                    entry is not None
                    and entry.version == version
                    and current - entry.computed_at < LIFETIME
                ):
                    return entry.value
            value = compute()
            with self._lock:
                self._entries[key] = _Entry(version, current, value)
                self._entries.move_to_end(key)
                while len(self._entries) > self.size:
                    dropped, _entry = self._entries.popitem(last=False)
                    self._key_locks.pop(dropped, None)
        return value

    def _computing(self, key: Hashable) -> threading.Lock:
        """One computation per key at a time in this process: threads asking at once
        wait for the first one's result instead of all doing the same work."""
        with self._lock:
            return self._key_locks.setdefault(key, threading.Lock())

    def __len__(self) -> int:
        return len(self._entries)


def app_cache(app: Any, name: str, size: int) -> VersionedCache[Any]:
    """The app's cache called `name` (one per app, so tests never share one)."""
    caches: dict[str, VersionedCache[Any]] = app.extensions.setdefault("helpdesk.caches", {})
    with _app_lock:
        return caches.setdefault(name, VersionedCache(size))


_app_lock = threading.Lock()
