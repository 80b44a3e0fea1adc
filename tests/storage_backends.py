"""Attachment storage for tests, on both backends: a temporary directory, and a real
S3-compatible server (moto in server mode, one per test session, on a free loopback port)
reached through boto3 exactly as in production. Import the fixtures into a test module:

    from tests.storage_backends import moto_server, storage_backend  # noqa: F401
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

BUCKET = "helpdesk-test"
BACKENDS = ["local", "s3"]
_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",  # noqa: S105 - moto accepts any key
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """The endpoint URL of a running moto S3 server with the test bucket."""
    from moto.server import ThreadedMotoServer

    saved = {name: os.environ.get(name) for name in _AWS_ENV}
    os.environ.update(_AWS_ENV)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    import boto3

    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=BUCKET)
    try:
        yield endpoint
    finally:
        server.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def storage_url(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if kind == "local":
        return (tmp_path / "attachments").as_uri()
    endpoint = request.getfixturevalue("moto_server")
    prefix = f"t-{uuid.uuid4().hex}"  # each test its own prefix: nothing shared between tests
    return f"s3://{BUCKET}/{prefix}?endpoint_url={endpoint}&region=us-east-1"


@pytest.fixture(params=BACKENDS)
def storage_backend(request: pytest.FixtureRequest, app: Flask, tmp_path: Path) -> str:
    """Points the app's attachment storage at a fresh place on one backend; returns its
    kind ("local" or "s3")."""
    app.config["ATTACHMENTS_URL"] = storage_url(request.param, tmp_path, request)
    return str(request.param)


def stored_keys(app: Flask) -> list[str]:
    """Every object in the app's storage (to prove nothing was left behind)."""
    from helpdesk.attachments.storage import LocalStorage, S3Storage, storage

    with app.app_context():
        store = storage()
        if isinstance(store, LocalStorage):
            if not store.root.exists():
                return []
            return sorted(p.name for p in store.root.rglob("*") if p.is_file())
        assert isinstance(store, S3Storage)
        listing = store.client.list_objects_v2(Bucket=store.bucket, Prefix=store.prefix)
        return sorted(item["Key"].rpartition("/")[2] for item in listing.get("Contents", []))
