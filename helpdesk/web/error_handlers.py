"""Error pages in the app's look, and JSON errors `{error: {code, message}}` under /api/.

A busy database (`helpdesk.db.busy`: SQLite's write lock held by a stalled process past
the busy timeout, a PostgreSQL lock timeout) answers 503 with Retry-After from a path that
reads nothing from the database: no current user, session or settings; the page is a
standalone template in the browser's language (Accept-Language), rendered without the
app's context processors.
"""

from __future__ import annotations

import logging
import time

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, jsonify, render_template, request, url_for
from flask_babel import force_locale, gettext
from flask_htmx import make_response as htmx_response
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from helpdesk.db.busy import database_busy
from helpdesk.extensions import db, limiter, login_manager

logger = logging.getLogger(__name__)
# What a client is told to wait before it tries again when the database was busy.
BUSY_RETRY_AFTER_SECONDS = 5


def _titles() -> dict[int, str]:
    return {
        400: gettext("Bad request"),
        401: gettext("Please log in"),
        403: gettext("Not allowed"),
        404: gettext("Page not found"),
        405: gettext("Method not allowed"),
        413: gettext("Too large"),
        422: gettext("Could not process the request"),
        429: gettext("Too many attempts"),
        500: gettext("Something went wrong"),
        503: gettext("Temporarily unavailable"),
    }


def _messages() -> dict[int, str]:
    return {
        400: gettext("The request could not be understood."),
        401: gettext("You need to log in to do that."),
        403: gettext("Your account does not have access to this page."),
        404: gettext("There is nothing at this address. Check the link, or go back."),
        405: gettext("This address does not accept that kind of request."),
        413: gettext("What you sent is larger than we accept. Send something smaller."),
        429: gettext("Please wait a moment before you try again."),
        500: gettext("We have been told about it. Please try again in a moment."),
        503: gettext("Please try again in a moment."),
    }


def _retry_after() -> int | None:
    """Seconds until the limit that was just hit resets, if Flask-Limiter knows."""
    current = limiter.current_limit
    if current is None:
        return None
    return max(1, int(current.reset_at - time.time()) + 1)


def _error_response(status: int, code: str, message: str | None = None) -> Response:
    message = message or _messages().get(status) or _titles().get(status, "")
    retry_after = _retry_after() if status == 429 else None
    if status == 429 and retry_after is not None:
        message = gettext(
            "Too many attempts. Try again in %(seconds)d seconds.", seconds=retry_after
        )
    if request.path.startswith("/api/"):
        response = jsonify(error={"code": code, "message": message})
        response.status_code = status
    else:
        html = render_template(
            "errors/error.html",
            status=status,
            title=_titles().get(status, gettext("Error")),
            message=message,
        )
        response = Response(html, status=status, mimetype="text/html")
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def handle_http_error(error: HTTPException) -> Response:
    status = error.code or 500
    if status == 500:
        return handle_server_error(error)
    code = (error.name or "error").lower().replace(" ", "_")
    message = None
    if status == 400 and isinstance(error, CSRFError) and _logged_out_htmx():
        # A page left open after logging out: send the whole page to the login form.
        return htmx_response(("", 401), redirect=url_for("auth.login"))
    if status == 400 and isinstance(error, CSRFError):
        code = "csrf_failed"
        message = gettext(
            "This form has expired or was sent from another site. Go back, reload the page "
            "and send it again."
        )
    elif error.description and error.description != type(error).description:
        message = error.description  # a specific reason given by the code that raised it
    response = _error_response(status, code, message)
    valid_methods = getattr(error, "valid_methods", None)
    if status == 405 and valid_methods:
        response.headers["Allow"] = ", ".join(valid_methods)
    return response


def _logged_out_htmx() -> bool:
    return bool(request.headers.get("HX-Request")) and not current_user.is_authenticated


def handle_server_error(error: Exception) -> Response:
    db.session.rollback()
    return _error_response(500, "internal_error")


def handle_database_error(error: sa.exc.OperationalError) -> Response:
    """503 with Retry-After when the database was busy; any other error goes on to the
    usual handling (a 500)."""
    if not database_busy(error):
        raise error
    logger.warning("database busy, answered 503: %s", error.orig)
    try:
        db.session.rollback()  # ends the failed transaction; takes no lock
    except sa.exc.SQLAlchemyError:
        logger.info("rollback after a busy database failed", exc_info=True)
    return database_busy_response()


def database_busy_response() -> Response:
    """The 503 for a busy database, JSON under /api/ and a minimal page elsewhere, in the
    browser's language; it reads nothing from the database."""
    if "_login_user" not in g:
        # The user was never loaded (loading them may be what hit the lock): nothing after
        # this (the security headers' check) may try again, so this request has nobody.
        g._login_user = login_manager.anonymous_user()
    languages = current_app.config["LANGUAGES"]
    language = request.accept_languages.best_match(languages) or "en"
    with force_locale(language):
        title = gettext("Temporarily unavailable")
        message = gettext("Please try again in a moment.")
        if request.path.startswith("/api/"):
            response = jsonify(error={"code": "database_busy", "message": message})
        else:
            html = current_app.jinja_env.get_template("errors/unavailable.html").render(
                status=503, title=title, message=message, lang=language
            )
            response = Response(html, mimetype="text/html")
    response.status_code = 503
    response.headers["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(sa.exc.OperationalError, handle_database_error)
