"""Results computed once for every web worker and host: the founders' trends and team
report (a year of them reads every ticket of the year: seconds at a million tickets).

Each result is kept under a key with the data version it was computed from
(`helpdesk.db.data_version`) — in Redis when `HELPDESK_REDIS_URL` is set, else in the
database (`shared_results`). A request that finds the result of the current version uses
it. One that finds it out of date claims the computation (a token with a lapse time: a
worker that dies while computing holds it no longer than `CLAIM_SECONDS`); the worker
that wins computes and stores it, and the others never wait for it: they show the result
they found, older by one change, or, when there is none yet, `PENDING` (the page says the
figures are being prepared and reloads itself). So one data change costs one computation,
whatever the number of workers and hosts, and each key counts its computations.

The winner computes on a thread of its own and its request waits for it at most
`WAIT_SECONDS`: a computation that takes longer (the first year of trends at five million
tickets took 92 s) goes on after the request has answered like the others, so no request
outlives gunicorn's worker timeout (30 s), which would end it, and the computation with it,
again and again. While it runs it renews its claim every `CLAIM_SECONDS` / 3; a worker
runs one such computation at a time (`_Computation` says what happens when one fails).

The payload is pickled: it is written and read only by this application, in its own
database or Redis, which it trusts like its own code.
"""

from __future__ import annotations

import logging
import pickle  # nosec B403 - our own results, in our own database or Redis (see above)
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, cast

import sqlalchemy as sa
from flask import Flask, copy_current_request_context, current_app, has_request_context

from helpdesk.clock import now
from helpdesk.db.data_version import LIFETIME, data_version
from helpdesk.db.upsert import insert_on_conflict
from helpdesk.extensions import db
from helpdesk.models import SharedResult

CLAIM_SECONDS = 120
# How long the request that computes waits for its computation before answering as the
# others do (it goes on in the background): well inside gunicorn's 30 s worker timeout.
WAIT_SECONDS = 10.0
# A result nobody computed again for this long is dropped (ranges, zones and languages
# asked for once do not pile up).
KEEP = timedelta(days=1)
TABLE = cast(sa.Table, SharedResult.__table__)
REDIS_PREFIX = "helpdesk:shared:"
log = logging.getLogger(__name__)


class _Pending:
    def __repr__(self) -> str:
        return "PENDING"


# The result is being computed by another worker and none was kept before.
PENDING: Any = _Pending()


@dataclass(frozen=True)
class Kept:
    version: str
    computed_at: datetime
    payload: bytes


class Store(Protocol):
    def read(self, key: str) -> Kept | None: ...
    def claim(self, key: str, token: str, until: datetime) -> bool: ...
    def renew(self, key: str, token: str, until: datetime) -> bool: ...
    def write(self, key: str, token: str, kept: Kept) -> bool: ...
    def release(self, key: str, token: str) -> None: ...
    def computations(self, key: str) -> int: ...


class DatabaseStore:
    """One row per key. Claims and writes run on a connection of their own and commit at
    once, so other workers see them while this request's own transaction goes on."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine

    def read(self, key: str) -> Kept | None:
        table = TABLE
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(table.c.version, table.c.computed_at, table.c.payload).where(
                    table.c.key == key
                )
            ).one_or_none()
        if row is None or row.payload is None or row.computed_at is None:
            return None
        return Kept(row.version, _aware(row.computed_at), bytes(row.payload))

    def claim(self, key: str, token: str, until: datetime) -> bool:
        table = TABLE
        with self.engine.begin() as connection:
            connection.execute(
                insert_on_conflict(table)
                .values(key=key)
                .on_conflict_do_nothing(index_elements=["key"])
            )
            claimed = connection.execute(
                sa.update(table)
                .where(
                    table.c.key == key,
                    sa.or_(table.c.claimed_until.is_(None), table.c.claimed_until < now()),
                )
                .values(claim_token=token, claimed_until=until)
            ).rowcount
        return claimed == 1

    def renew(self, key: str, token: str, until: datetime) -> bool:
        table = TABLE
        with self.engine.begin() as connection:
            renewed = connection.execute(
                sa.update(table)
                .where(table.c.key == key, table.c.claim_token == token)
                .values(claimed_until=until)
            ).rowcount
        return renewed == 1

    def write(self, key: str, token: str, kept: Kept) -> bool:
        table = TABLE
        with self.engine.begin() as connection:
            written = connection.execute(
                sa.update(table)
                .where(table.c.key == key, table.c.claim_token == token)
                .values(
                    version=kept.version,
                    computed_at=kept.computed_at,
                    payload=kept.payload,
                    claim_token=None,
                    claimed_until=None,
                    computations=table.c.computations + 1,
                )
            ).rowcount
            connection.execute(
                sa.delete(table).where(
                    table.c.computed_at < kept.computed_at - KEEP, table.c.claim_token.is_(None)
                )
            )
        return written == 1

    def release(self, key: str, token: str) -> None:
        table = TABLE
        with self.engine.begin() as connection:
            connection.execute(
                sa.update(table)
                .where(table.c.key == key, table.c.claim_token == token)
                .values(claim_token=None, claimed_until=None)
            )

    def computations(self, key: str) -> int:
        table = TABLE
        with self.engine.connect() as connection:
            found = connection.execute(
                sa.select(table.c.computations).where(table.c.key == key)
            ).scalar()
        return int(found or 0)


# Deletes the claim only while it is still the caller's (a lapsed claim taken over by
# another worker is not ours to clear), and stores the result with it.
_WRITE_IF_CLAIMED = """
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'computed_at', ARGV[3], 'payload', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('DEL', KEYS[2])
redis.call('INCR', KEYS[3])
redis.call('EXPIRE', KEYS[3], ARGV[5])
return 1
"""
_RELEASE_IF_CLAIMED = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_RENEW_IF_CLAIMED = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""


class RedisStore:
    """A hash per key, a claim key that expires by itself, and a counter."""

    def __init__(self, url: str):
        import redis  # only loaded when configured

        self.client = redis.Redis.from_url(url)
        self._write = self.client.register_script(_WRITE_IF_CLAIMED)
        self._release = self.client.register_script(_RELEASE_IF_CLAIMED)
        self._renew = self.client.register_script(_RENEW_IF_CLAIMED)

    def _keys(self, key: str) -> tuple[str, str, str]:
        base = REDIS_PREFIX + key
        return base, base + ":claim", base + ":computations"

    def read(self, key: str) -> Kept | None:
        found = cast(dict[bytes, bytes], self.client.hgetall(self._keys(key)[0]))
        if not found:
            return None
        return Kept(
            found[b"version"].decode(),
            datetime.fromisoformat(found[b"computed_at"].decode()),
            found[b"payload"],
        )

    def claim(self, key: str, token: str, until: datetime) -> bool:
        milliseconds = max(int((until - now()).total_seconds() * 1000), 1)
        return bool(self.client.set(self._keys(key)[1], token, nx=True, px=milliseconds))

    def renew(self, key: str, token: str, until: datetime) -> bool:
        milliseconds = max(int((until - now()).total_seconds() * 1000), 1)
        return bool(self._renew(keys=[self._keys(key)[1]], args=[token, milliseconds]))

    def write(self, key: str, token: str, kept: Kept) -> bool:
        return bool(
            self._write(
                keys=list(self._keys(key)),
                args=[
                    token,
                    kept.version,
                    kept.computed_at.isoformat(),
                    kept.payload,
                    int(KEEP.total_seconds()),
                ],
            )
        )

    def release(self, key: str, token: str) -> None:
        self._release(keys=[self._keys(key)[1]], args=[token])

    def computations(self, key: str) -> int:
        return int(self.client.get(self._keys(key)[2]) or 0)


def store_for(app: Flask) -> Store:
    """The app's store (one per app): Redis when configured, else its database."""
    with _lock:
        store = app.extensions.get("helpdesk.shared_results")
        if store is None:
            url = app.config.get("REDIS_URL")
            store = RedisStore(url) if url else DatabaseStore(db.engine)
            app.extensions["helpdesk.shared_results"] = store
    return cast(Store, store)


_lock = threading.Lock()


def shared_result(key: str, compute: Callable[[], Any], *, max_age: timedelta) -> Any:
    """`compute()`'s result for the data as it is, computed once for all workers (see the
    module's docstring); a result older than the data is still used while younger than
    `max_age`, and always while another worker computes the new one. `PENDING` when
    another worker is computing and nothing was kept yet."""
    store = store_for(current_app)
    version = ".".join(str(part) for part in data_version())
    kept = store.read(key)
    moment = now()
    if kept is not None:
        age = moment - kept.computed_at
        if age < max_age or (kept.version == version and age < LIFETIME):
            return _loads(kept.payload)
    token = secrets.token_hex(16)
    if not store.claim(key, token, moment + timedelta(seconds=CLAIM_SECONDS)):
        return _loads(kept.payload) if kept is not None else PENDING
    computation = _Computation(store, key, token, version, moment, compute)
    if getattr(_computing, "now", False):  # a computation asking for another: no thread
        computation.run()
    else:
        computation.start()
    if not computation.wait(WAIT_SECONDS):
        return _loads(kept.payload) if kept is not None else PENDING
    if computation.error is not None:
        raise computation.error
    return computation.value


# One background computation at a time in a worker: the others wait their turn (their
# requests answer after `WAIT_SECONDS`), so trying a few ranges does not pile up year-long
# computations, their connections and their memory, in one process.
_one_at_a_time = threading.Lock()
_computing = threading.local()


class _Computation:
    """`compute()` on a thread of its own, in a copy of the request's context (or of the
    app's, outside a request: its own session, its own `g`), renewing its claim while it
    runs and storing the result under the claim's token.

    A failure the request is still waiting for is handed to it (a 500, and the claim
    given back: the next request tries again). One after the request stopped waiting is
    logged and keeps the claim until it lapses, so the "being prepared" page, reloading
    every 3 s, does not start the failing computation again each time."""

    def __init__(
        self,
        store: Store,
        key: str,
        token: str,
        version: str,
        moment: datetime,
        compute: Callable[[], Any],
    ):
        self.store, self.key, self.token = store, key, token
        self.version, self.moment, self.compute = version, moment, compute
        self.value: Any = None
        self.error: BaseException | None = None
        self._finished = threading.Event()
        self._handover = threading.Lock()  # between the request giving up and a failure
        self._abandoned = False

    def start(self) -> None:
        if has_request_context():
            run = copy_current_request_context(self._in_turn)
        else:
            app = current_app._get_current_object()  # type: ignore[attr-defined]

            def run() -> None:
                with app.app_context():
                    self._in_turn()

        threading.Thread(target=run, name=f"shared-result {self.key}", daemon=True).start()
        threading.Thread(target=self._renew, name=f"claim {self.key}", daemon=True).start()

    def wait(self, seconds: float) -> bool:
        """Whether it finished within `seconds`; if not, the request answers without it."""
        if self._finished.wait(seconds):
            return True
        with self._handover:
            self._abandoned = not self._finished.is_set()
        return not self._abandoned

    def _in_turn(self) -> None:
        with _one_at_a_time:
            _computing.now = True
            try:
                self.run()
            finally:
                _computing.now = False

    def run(self) -> None:
        try:
            self.value = self.compute()
            kept = Kept(self.version, self.moment, pickle.dumps(self.value))
            if not self.store.write(self.key, self.token, kept):
                log.warning("shared result %s: computed after its claim lapsed", self.key)
            self._finished.set()
        except BaseException as error:
            with self._handover:
                self.error = error
                try:
                    if self._abandoned:
                        log.exception("computing the shared result %s failed", self.key)
                    else:
                        self.store.release(self.key, self.token)
                finally:
                    self._finished.set()

    def _renew(self) -> None:
        """Keep the claim while computing (a year at five million tickets outlasts
        `CLAIM_SECONDS`); a worker that dies stops renewing, and its claim lapses."""
        while not self._finished.wait(CLAIM_SECONDS / 3):
            try:
                until = now() + timedelta(seconds=CLAIM_SECONDS)
                if not self.store.renew(self.key, self.token, until):
                    return
            except Exception:
                log.exception("renewing the claim on shared result %s failed", self.key)


def kept_value(key: str) -> Any | None:
    """The value `keep_value` last stored under `key`, None when there is none. (For values
    that carry their own validity, such as the trends' kept weeks.)"""
    kept = store_for(current_app).read(key)
    return _loads(kept.payload) if kept is not None else None


def keep_value(key: str, value: Any, *, version: tuple[int, ...], moment: datetime) -> bool:
    """Store `value` under `key`, computed from the data at `version`; False (and nothing
    stored) while another worker holds the key's claim: its value is as good."""
    store = store_for(current_app)
    token = secrets.token_hex(16)
    if not store.claim(key, token, moment + timedelta(seconds=CLAIM_SECONDS)):
        return False
    dotted = ".".join(str(part) for part in version)
    store.write(key, token, Kept(dotted, moment, pickle.dumps(value)))
    return True


def computations(key: str) -> int:
    """How many times `key` was computed, by every worker together."""
    return store_for(current_app).computations(key)


def _loads(payload: bytes) -> Any:
    return pickle.loads(payload)  # noqa: S301  # nosec B301 - see the module's docstring


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
