"""Conditional GETs where they are free: an ETag made from what an answer depends on
(the published articles' version, the language, the query…), known before anything is
rendered, so a client that has the answer gets `304 Not Modified` without the page or the
search being built again. For anonymous readers only: staff pages are never stored
(`web/security.py`). A 304 carries no Content-Security-Policy, so the stored page keeps
the policy (and nonce) it was sent with."""

from __future__ import annotations

import hashlib

from flask import Response, request, session
from flask_login import current_user


def etag_of(*parts: object) -> str:
    """A strong ETag for an answer that depends only on `parts`."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def unchanged(etag: str) -> bool:
    """Whether the client already has the answer tagged `etag` and may be told so: an
    anonymous reader with no message waiting to be shown on the next page."""
    if current_user and current_user.is_authenticated:
        return False
    return etag in request.if_none_match and not session.get("_flashes")


def not_modified(etag: str) -> Response:
    response = Response(status=304)
    return tagged(response, etag)


def tagged(response: Response, etag: str) -> Response:
    """`response` with `etag`, to be revalidated on each use (`no-cache`: stored, but asked
    about again, so an edited article shows at once)."""
    if current_user and current_user.is_authenticated:
        return response  # never stored (web/security.py)
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response
