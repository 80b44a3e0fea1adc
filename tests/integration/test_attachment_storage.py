"""Attachment storage on both backends (a directory, and a real S3-compatible server), and
storing inside a use case: what a failed use case created is deleted again."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from helpdesk.attachments.storage import (
    LocalStorage,
    content_key,
    derived_key,
    storage,
    storage_from_url,
)
from helpdesk.attachments.storing import store_uploads
from helpdesk.attachments.uploads import Upload
from helpdesk.db.transaction import use_case
from helpdesk.errors import ValidationError
from tests.storage_backends import moto_server, storage_backend, stored_keys  # noqa: F401

ON_BOTH_BACKENDS = pytest.mark.usefixtures("storage_backend")

PNG = b"\x89PNG\r\n\x1a\n" + b"pretend image bytes"


@ON_BOTH_BACKENDS
def test_put_get_exists_delete(app: Flask) -> None:
    with app.app_context():
        store = storage()
        key = content_key(b"hello")
        assert not store.exists(key) and store.get(key) is None
        assert store.put(key, b"hello") is True
        assert store.put(key, b"hello") is False  # stored once
        assert store.exists(key) and store.get(key) == b"hello"
        store.delete(key)
        store.delete(key)  # already gone: no error
        assert not store.exists(key) and store.get(key) is None
        with pytest.raises(ValueError):
            store.get("../../etc/passwd")
        assert derived_key(key, "preview") != key


def test_local_layout_is_todays(app: Flask, tmp_path: Path) -> None:
    app.config["ATTACHMENTS_URL"] = ""
    app.config["ATTACHMENTS_DIR"] = str(tmp_path / "files")
    with app.app_context():
        store = storage()
        assert isinstance(store, LocalStorage)
        key = content_key(b"x")
        store.put(key, b"x")
        assert (tmp_path / "files" / key[:2] / key).read_bytes() == b"x"
        assert not list((tmp_path / "files" / key[:2]).glob(".incoming-*"))


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://host/x", "must start with file:// or s3://"),
        ("s3:///prefix", "name the bucket"),
        ("s3://bucket/p?endpoint=http://x", "unknown option(s) endpoint"),
        ("file://otherhost/x", "has no host"),
    ],
)
def test_a_wrong_storage_url_says_what_is_wrong(url: str, words: str) -> None:
    with pytest.raises(RuntimeError, match=words.replace("(", r"\(").replace(")", r"\)")):
        storage_from_url(url)


@use_case
def _store_then(fail: bool, data: bytes) -> list[str]:
    rows = store_uploads([Upload("a.png", "image/png", data)])
    if fail:
        raise ValidationError("body", "refused after storing")
    return [row.sha256 for row in rows]


@ON_BOTH_BACKENDS
def test_a_failed_use_case_leaves_nothing_behind(app: Flask) -> None:
    with app.app_context():
        with pytest.raises(ValidationError):
            _store_then(True, PNG)
        assert stored_keys(app) == []
        [key] = _store_then(False, PNG)
        assert stored_keys(app) == [key]
        # The same bytes again, then a failure: the object existed before, so it stays.
        with pytest.raises(ValidationError):
            _store_then(True, PNG)
        assert stored_keys(app) == [key]


def test_the_migration_keeps_the_message_search_triggers(app: Flask) -> None:
    """0016 adds `messages.has_attachments`; a batch copy of the table would have dropped
    the SQLite full-text triggers of 0003 (and search would find no new message)."""
    import sqlalchemy as sa

    from helpdesk.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's triggers")
        names = db.session.scalars(
            sa.text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'messages'"
            )
        ).all()
    assert len(names) == 3, names
