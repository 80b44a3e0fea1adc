"""SQLite writers take turns (helpdesk/db/sqlite.py): a connection takes the `-writers` file
lock just before its transaction's first write and gives it back when the transaction
ends, so two workers writing at once follow each other instead of backing off in SQLite's
busy handler."""

from __future__ import annotations

import sqlite3
import threading

import pytest
import sqlalchemy as sa

from helpdesk.db.sqlite import TurnTakingConnection, WriterTurn, writers_lock_path
from helpdesk.extensions import db


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "turns.db"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    return path


def connect(path):
    connection = sqlite3.connect(path, factory=TurnTakingConnection, check_same_thread=False)
    connection.execute("PRAGMA busy_timeout=5000")
    return connection


def someone_else_can_write(path) -> bool:
    other = WriterTurn(writers_lock_path(str(path)), timeout=0)
    try:
        return other.take()
    finally:
        other.close()


def test_the_turn_is_taken_at_the_first_write_and_given_back_at_commit(database):
    connection = connect(database)
    connection.execute("SELECT count(*) FROM notes").fetchone()
    assert not connection.turn.held  # reading takes no turn
    assert someone_else_can_write(database)
    connection.execute("INSERT INTO notes (body) VALUES ('a')")
    assert connection.turn.held
    assert not someone_else_can_write(database)
    connection.commit()
    assert not connection.turn.held
    assert someone_else_can_write(database)
    connection.close()


def test_rollback_and_close_give_the_turn_back(database):
    connection = connect(database)
    connection.execute("UPDATE notes SET body = 'b'")
    connection.rollback()
    assert someone_else_can_write(database)
    connection.execute("DELETE FROM notes")
    connection.close()
    assert someone_else_can_write(database)


def test_an_explicit_begin_takes_the_turn(database):
    connection = connect(database)
    connection.execute("BEGIN")
    assert not someone_else_can_write(database)
    connection.commit()
    assert someone_else_can_write(database)
    connection.close()


def test_a_writer_that_cannot_get_the_turn_goes_on_to_sqlites_own_lock(database):
    holder = WriterTurn(writers_lock_path(str(database)))
    assert holder.take()
    connection = connect(database)
    connection.turn.timeout = 0.01
    connection.execute("INSERT INTO notes (body) VALUES ('still written')")
    connection.commit()
    holder.close()
    assert connection.execute("SELECT body FROM notes").fetchall() == [("still written",)]
    connection.close()


def test_concurrent_writers_all_succeed(database):
    errors: list[Exception] = []

    def write(worker: int) -> None:
        connection = connect(database)
        try:
            for n in range(100):
                connection.execute("SELECT count(*) FROM notes").fetchone()
                connection.execute("INSERT INTO notes (body) VALUES (?)", (f"{worker}-{n}",))
                connection.execute("UPDATE notes SET body = body WHERE id = 1")
                connection.commit()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with sqlite3.connect(database) as check:
        assert check.execute("SELECT count(*) FROM notes").fetchone() == (400,)


def test_memory_and_uri_databases_have_no_turn_file():
    assert writers_lock_path(":memory:") is None
    assert writers_lock_path("file:x?mode=memory") is None
    assert sqlite3.connect(":memory:", factory=TurnTakingConnection).turn is None


def test_the_apps_sqlite_connections_take_turns(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite only")
    with app.app_context():
        connection = db.session.connection().connection.dbapi_connection
        assert isinstance(connection, TurnTakingConnection)
        db.session.execute(sa.text("CREATE TEMP TABLE t (x)"))
        db.session.execute(sa.text("INSERT INTO t VALUES (1)"))
        assert connection.turn is not None and connection.turn.held
        db.session.commit()
        assert not connection.turn.held
