"""Where attachment bytes live: one small interface, two backends, chosen by one URL.

Every file is stored under its SHA-256 hex digest (the "key"), so the same bytes sent twice
are stored once and a key names its content forever. Derived files (image previews) get a
key of their own, the digest of a fixed label and the original's key.

- `file:///path` (the default, `HELPDESK_ATTACHMENTS_DIR`): `<path>/<key[:2]>/<key>`, the
  layout inbound mail always used. Writes go to a temporary file renamed into place, so a
  half-written file is never served.
- `s3://bucket/prefix?endpoint_url=…&region=…`: any S3-compatible object store, for
  deployments with several web hosts. Credentials come from boto3's usual chain (the
  `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` variables, a profile, an instance role), never
  from the URL, so the URL can be logged. A PUT is atomic in S3: readers see all or nothing.

`put` reports whether it created the object, so a request that fails afterwards deletes only
what it added (`storing.py`), never bytes another message already refers to.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app

_KEY = re.compile(r"^[0-9a-f]{64}$")
EXTENSION_KEY = "helpdesk_attachment_storage"


def content_key(data: bytes) -> str:
    """The key `data` is stored under."""
    return hashlib.sha256(data).hexdigest()


def derived_key(key: str, label: str) -> str:
    """A key for something made from the object at `key` (a preview): stable, so it can be
    cached, and never equal to a content key anyone could upload on purpose."""
    check_key(key)
    return hashlib.sha256(f"helpdesk:{label}:{key}".encode()).hexdigest()


def check_key(key: str) -> str:
    if not _KEY.match(key):
        raise ValueError("not a SHA-256 hex digest")
    return key


class Storage(Protocol):
    """Bytes by key. Implementations are safe to share between threads."""

    @property
    def url(self) -> str: ...

    def put(self, key: str, data: bytes) -> bool:
        """Store `data` under `key` unless it is there; True when this call created it."""

    def get(self, key: str) -> bytes | None:
        """The bytes under `key`, or None when there is no such object."""

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove the object (no error when it is already gone)."""


@dataclass
class LocalStorage:
    """A directory on this host (`file:///path`)."""

    root: Path

    @property
    def url(self) -> str:
        return self.root.as_uri()

    def path(self, key: str) -> Path:
        check_key(key)
        return self.root / key[:2] / key

    def put(self, key: str, data: bytes) -> bool:
        path = self.path(key)
        if path.exists():
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return True

    def get(self, key: str) -> bytes | None:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            return None

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


class S3Storage:
    """A bucket (and key prefix) in S3 or any S3-compatible store (`s3://bucket/prefix`)."""

    def __init__(self, url: str, client: Any, bucket: str, prefix: str) -> None:
        self._url = url
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    @property
    def url(self) -> str:
        return self._url

    def _name(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}{key[:2]}/{key}"

    def _missing(self, error: Exception) -> bool:
        response = getattr(error, "response", None) or {}
        code = str(response.get("Error", {}).get("Code", ""))
        return code in ("404", "NoSuchKey", "NotFound")

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if self._missing(error):
                return False
            raise
        return True

    def put(self, key: str, data: bytes) -> bool:
        if self.exists(key):
            return False
        self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data)
        return True

    def get(self, key: str) -> bytes | None:
        from botocore.exceptions import ClientError

        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if self._missing(error):
                return None
            raise
        body: bytes = response["Body"].read()
        return body

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))


def storage_from_url(url: str) -> Storage:
    """The backend a configuration URL names; a wrong URL fails loudly at first use."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise RuntimeError(f"HELPDESK_ATTACHMENTS_URL: a file URL has no host, got {url!r}")
        return LocalStorage(Path(unquote(parts.path)))
    if parts.scheme == "s3":
        if not parts.netloc:
            raise RuntimeError(
                f"HELPDESK_ATTACHMENTS_URL: name the bucket, s3://bucket/, got {url!r}"
            )
        options = {name: values[-1] for name, values in parse_qs(parts.query).items()}
        unknown = set(options) - {"endpoint_url", "region"}
        if unknown:
            raise RuntimeError(
                f"HELPDESK_ATTACHMENTS_URL: unknown option(s) {', '.join(sorted(unknown))}"
                " (endpoint_url and region are understood)"
            )
        import boto3

        client = boto3.client(
            "s3",
            endpoint_url=options.get("endpoint_url") or None,
            region_name=options.get("region") or None,
        )
        prefix = parts.path.strip("/")
        return S3Storage(url, client, parts.netloc, f"{prefix}/" if prefix else "")
    raise RuntimeError(f"HELPDESK_ATTACHMENTS_URL must start with file:// or s3://, got {url!r}")


def storage() -> Storage:
    """This app's storage (made once per app and URL: a boto3 client is costly to build)."""
    config = current_app.config
    url = config.get("ATTACHMENTS_URL") or Path(config["ATTACHMENTS_DIR"]).absolute().as_uri()
    made: dict[str, Storage] = current_app.extensions.setdefault(EXTENSION_KEY, {})
    if url not in made:
        made[url] = storage_from_url(url)
    return made[url]
