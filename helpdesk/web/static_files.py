"""Static files with content-hashed URLs and a year of caching.

`url_for('static', filename=...)` adds `?v=<the first 12 hex digits of the file's SHA-256>`,
so a changed file gets a new URL. A request whose `v` matches the file as it is now is
answered with `Cache-Control: public, max-age=31536000, immutable`; any other (no `v`, an
old one) with the default: revalidate by ETag. Hashes are kept per (path, mtime, size), so
an edited file in development gets its new hash at once; in production a file's hash is
read once per worker (its files change with a deploy, which starts new workers): the
`os.stat` behind each of a page's dozen asset URLs cost about 7 µs (issue 25).

Static files are also compressed (zstd, brotli or gzip, as the browser accepts; through
Flask-Compress) for when gunicorn faces browsers directly. Pages and JSON are not: they
carry CSRF tokens next to text the visitor can influence (a search box echoed back), which
is what the BREACH attack needs; a proxy in front may compress them knowingly.
"""

from __future__ import annotations

import hashlib
import os
import threading
from typing import Any

from flask import Flask, request
from flask.wrappers import Response
from flask_compress import Compress
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600
VERSION_ARG = "v"
_hashes: dict[tuple[str, int, int], str] = {}
_lock = threading.Lock()
compress = Compress()


def static_version(folder: str, filename: str) -> str | None:
    """The file's content hash, or None when there is no such file."""
    path = safe_join(folder, filename)
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = (path, stat.st_mtime_ns, stat.st_size)
    with _lock:
        found = _hashes.get(key)
    if found is None:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 16), b""):
                digest.update(chunk)
        found = digest.hexdigest()[:12]
        with _lock:
            _hashes[key] = found
    return found


def register_static_files(app: Flask) -> None:
    folder = app.static_folder
    if folder is None:
        return
    app.config["COMPRESS_REGISTER"] = False  # static files only, below
    compress.init_app(app)

    # File name -> hash, in production only, filled by the URLs our templates build (never
    # by a name a request sends: those are endless, "x/../css/app.css" and so on).
    deployed: dict[str, str] = {}

    def version_of(filename: str, *, keep: bool = False) -> str | None:
        known = deployed.get(filename)
        if known is not None:
            return known
        version = static_version(folder, filename)
        if keep and version is not None and app.config["ENVIRONMENT"] == "production":
            deployed[filename] = version
        return version

    @app.url_defaults
    def _hashed_static_urls(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "filename" in values and VERSION_ARG not in values:
            version = version_of(values["filename"], keep=True)
            if version is not None:
                values[VERSION_ARG] = version

    @app.after_request
    def _cache_hashed_static_files(response: Response) -> Response:
        if request.endpoint != "static" or response.status_code != 200:
            return response
        filename = (request.view_args or {}).get("filename", "")
        asked = request.args.get(VERSION_ARG)
        if asked and asked == version_of(filename):
            response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        if response.direct_passthrough and request.headers.get("Accept-Encoding"):
            # Read the (small) file into the response, so it is compressed whole, and close
            # the file now rather than whenever the response object is collected.
            body = response.response
            try:
                data = b"".join(
                    chunk if isinstance(chunk, bytes) else chunk.encode() for chunk in body
                )
            finally:
                close = getattr(body, "close", None)
                if close is not None:
                    close()
            response.direct_passthrough = False
            response.set_data(data)
        compressed: Response = compress.after_request(response)
        return compressed
