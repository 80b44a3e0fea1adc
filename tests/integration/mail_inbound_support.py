"""Helpers shared by the inbound email tests: the sample messages and header rewriting."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "mail"


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def with_headers(raw: bytes, **headers: str | None) -> bytes:
    """`raw` with the named headers replaced (`In_Reply_To=` → `In-Reply-To:`), or removed
    when the value is None; continuation lines of a replaced header go with it."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = raw.partition(b"\n\n")
    newline = b"\r\n" if sep == b"\r\n\r\n" else b"\n"
    names = {name.replace("_", "-").lower(): value for name, value in headers.items()}
    kept: list[bytes] = []
    skipping = False
    for line in head.split(newline):
        if line[:1] in (b" ", b"\t"):
            if not skipping:
                kept.append(line)
            continue
        name = line.split(b":", 1)[0].decode("ascii", "replace").strip().lower()
        skipping = name in names
        if not skipping:
            kept.append(line)
    added = [f"{name}: {value}".encode() for name, value in names.items() if value is not None]
    return newline.join(added + kept) + sep + body


def message_id(raw: bytes) -> str:
    match = re.search(rb"(?im)^message-id:\s*(<[^>]+>)", raw)
    assert match
    return match.group(1).decode()


def configure(app: Flask, tmp_path: Path) -> None:
    app.config.update(
        ATTACHMENTS_DIR=str(tmp_path / "attachments"),
        MAIL_FROM="support@example.com",
    )
