"""Shared fixtures: the app on each test database, clients with CSRF on, staff factories,
and a settable clock.

Every test runs on SQLite; when HELPDESK_TEST_DATABASE_URL is set (CI points it at
PostgreSQL) every database test runs there too. The schema is built once per database by
running the migrations; each test then starts from empty tables.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from config import normalise_database_url
from helpdesk import clock, create_app
from helpdesk.extensions import db, limiter
from helpdesk.models import Base

PASSWORD = "correct-horse-battery"

DATABASES = ["sqlite"]
if os.environ.get("HELPDESK_TEST_DATABASE_URL"):
    DATABASES.append("postgresql")


def app_config(database_url: str) -> dict[str, object]:
    return {
        "ENVIRONMENT": "testing",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_STORAGE_URI": "memory://",
    }


def reset_postgresql_schema(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def xdist_worker() -> str | None:
    """The pytest-xdist worker running this process ("gw0", "gw1", ...), None when serial."""
    return os.environ.get("PYTEST_XDIST_WORKER")


def postgresql_url_for_this_process(base_url: str) -> str:
    """HELPDESK_TEST_DATABASE_URL itself when the run is serial; under pytest-xdist a
    database of this worker's own, `<name>_gw0`, `<name>_gw1`, ..., created on first use.

    Every worker empties the tables after each test and drops the schema at its start, so
    two workers sharing one database would wipe each other's rows mid-test."""
    worker = xdist_worker()
    if worker is None:
        return base_url
    if not re.fullmatch(r"gw\d+", worker):
        raise RuntimeError(f"unexpected PYTEST_XDIST_WORKER {worker!r}")
    base = sa.make_url(base_url)
    url = base.set(database=f"{base.database}_{worker}")
    if not _postgresql_database_exists(url):
        _create_postgresql_database(base, str(url.database))
    return url.render_as_string(hide_password=False)


def _postgresql_database_exists(url: sa.URL) -> bool:
    engine = sa.create_engine(url)
    try:
        with engine.connect():
            return True
    except sa.exc.OperationalError:
        return False
    finally:
        engine.dispose()


def _create_postgresql_database(base: sa.URL, name: str) -> None:
    """CREATE DATABASE cannot run in a transaction: it is sent with AUTOCOMMIT from the base
    database, or from the maintenance database `postgres` when the base does not exist."""
    for maintenance in (base.database, "postgres"):
        admin = sa.create_engine(base.set(database=maintenance), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
            return
        except sa.exc.OperationalError:
            if maintenance == "postgres":
                raise
        except sa.exc.ProgrammingError as error:
            if "already exists" not in str(error):  # created meanwhile by a concurrent run
                raise
            return
        finally:
            admin.dispose()


@pytest.fixture(scope="session")
def migrated_databases() -> dict[str, str]:
    """The URL of each database kind this process has already migrated.

    pytest sets a parametrised session fixture up again whenever the parameter changes
    between two tests. A serial run orders the tests so that happens once, but under
    `--dist loadfile` a worker runs a file's SQLite tests and then its PostgreSQL ones, so
    `database_url` would rebuild both schemas for every file."""
    return {}


@pytest.fixture(scope="session", params=DATABASES)
def database_url(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    migrated_databases: dict[str, str],
) -> str:
    """A database migrated to head, once per database kind (and per xdist worker: the
    SQLite file lives in the worker's own temporary directory, PostgreSQL gets a database
    per worker). Each test leaves its tables empty (`app`), so the schema is reused."""
    if request.param in migrated_databases:
        return migrated_databases[request.param]
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.db'}"
    else:
        base_url = normalise_database_url(os.environ["HELPDESK_TEST_DATABASE_URL"])
        url = postgresql_url_for_this_process(base_url)
        reset_postgresql_schema(url)
    app = create_app(app_config(url))
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    migrated_databases[request.param] = url
    return url


def empty_tables() -> None:
    tables = [table for table in reversed(Base.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(table.name for table in tables)
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = create_app(app_config(database_url))
    yield app
    with app.app_context():
        db.session.remove()
        empty_tables()
        db.session.remove()
        db.engine.dispose()
    limiter.reset()
    clock.set_now(None)


@pytest.fixture
def database(app: Flask) -> Iterator[object]:
    """`db` inside an app context, for service tests that make no HTTP requests (requests
    made while it is pushed would share its `g`, and so its logged-in user)."""
    with app.app_context():
        yield db


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def set_now() -> Iterator[Callable[[datetime], None]]:
    """Freeze the app's clock: `set_now(datetime(..., tzinfo=UTC))`."""
    yield clock.set_now
    clock.set_now(None)


_CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """The CSRF token a real page gives this client's session."""
    html = client.get(path, follow_redirects=True).get_data(as_text=True)
    match = _CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def login(client: FlaskClient, email: str, password: str = PASSWORD, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_token(client), **extra},
    )


@dataclass(frozen=True)
class StaffRef:
    id: int
    email: str
    name: str
    role: str
    password: str = PASSWORD


@pytest.fixture
def make_user(app: Flask) -> Callable[..., StaffRef]:
    """Create a staff account through the service and return plain facts about it."""
    from helpdesk.auth.service import user_create

    counter = iter(range(1, 10_000))

    def make(role: str = "agent", **fields: str) -> StaffRef:
        number = next(counter)
        values = {
            "email": f"{role}{number}@example.com",
            "name": f"{role.title()} Person{number}",
            "password": PASSWORD,
            **fields,
        }
        with app.app_context():
            user = user_create(role=role, actor="test", **values)
            return StaffRef(user.id, user.email, user.name, user.role, values["password"])

    return make


@pytest.fixture
def login_as(app: Flask, make_user: Callable[..., StaffRef]) -> Callable[[str], FlaskClient]:
    """A new client logged in as a new user with `role`; the user is at `client.user`."""

    def make(role: str) -> FlaskClient:
        user = make_user(role)
        new_client = app.test_client()
        response = login(new_client, user.email, user.password)
        assert response.status_code == 302, response.get_data(as_text=True)
        new_client.user = user  # type: ignore[attr-defined]
        return new_client

    return make


@dataclass(frozen=True)
class ApiCaller:
    """A staff user with an API token, and the headers that send it."""

    user: StaffRef
    secret: str
    token_id: int

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}"}


@pytest.fixture
def api_token(app: Flask, make_user: Callable[..., StaffRef]) -> Callable[..., ApiCaller]:
    """`api_token(role="agent", scope="read-write")`: a new user with a new API token."""
    from helpdesk.auth.api_tokens import token_create
    from helpdesk.models import User

    def make(role: str = "agent", scope: str = "read-write", **token: object) -> ApiCaller:
        user = make_user(role)
        with app.app_context():
            owner = db.session.get(User, user.id)
            assert owner is not None
            created, secret = token_create(
                owner=owner,
                name=str(token.get("name", "test")),
                scope=scope,
                expires_at=token.get("expires_at"),  # type: ignore[arg-type]
            )
            return ApiCaller(user, secret, created.id)

    return make


# The files whose tests take longest (docs/architecture.md, Tests: measured), started
# first: pytest-xdist hands out files in collection order, and a run whose last file is one
# of these ends with one worker busy and the others idle for a minute or more.
SLOWEST_FILES_FIRST = (
    "tests/integration/test_ticket_views.py",
    "tests/browser/test_accessibility.py",
    "tests/integration/test_public_bad_input.py",
    "tests/integration/test_auth.py",
    "tests/integration/test_api_fuzz.py",
    "tests/integration/test_search.py",
    "tests/integration/test_trends.py",
)


@pytest.hookimpl(trylast=True)  # after pytest's own grouping by database parameter
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {path: number for number, path in enumerate(SLOWEST_FILES_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.partition("::")[0], len(rank)))


# With HELPDESK_REQUIRE_BROWSER set (CI), a skipped browser test fails the run, and so does
# a run in which no browser test passed (a deselected marker cannot pass unnoticed). Under
# pytest-xdist the controller judges the whole run from the reports its workers send; a
# worker alone may rightly have run no browser test.
_browser_passed: list[str] = []
_browser_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if xdist_worker() is not None or "browser" not in report.keywords:
        return
    if report.skipped:
        _browser_skipped.append(report.nodeid)
    elif report.when == "call" and report.passed:
        _browser_passed.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not os.environ.get("HELPDESK_REQUIRE_BROWSER") or exitstatus != 0 or xdist_worker():
        return
    if _browser_skipped or not _browser_passed:
        session.exitstatus = 1
        print(  # noqa: T201
            f"\nHELPDESK_REQUIRE_BROWSER is set: {len(_browser_skipped)} browser test(s) "
            f"skipped, {len(_browser_passed)} passed. Browser tests must run here."
        )
