"""Rendering emails: a template pair (`templates/mail/<name>.txt` and `.html`) and a
subject, in the recipient's language (Flask-Babel `force_locale`; en, th, id or bn, else
English), plus what the templates need that is not a row of the database: absolute links
built on HELPDESK_BASE_URL (never a request's Host header) and an honest reply expectation
from business hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from flask import current_app
from flask_babel import LazyString, force_locale

from helpdesk.clock import now
from helpdesk.db.data_version import app_cache
from helpdesk.extensions import db
from helpdesk.format_filters import options as format_options
from helpdesk.locale_format import format_date, format_time
from helpdesk.models import Ticket
from helpdesk.settings.hours import business_hours, is_open, next_open

# The reply-time estimate looks at first replies to tickets opened in this window, and
# says nothing (rather than guess) with fewer than EXPECTATION_MIN_SAMPLES of them.
EXPECTATION_WINDOW = timedelta(days=30)
EXPECTATION_MIN_SAMPLES = 5
EXPECTATION_MAX_SAMPLES = 500


@dataclass(frozen=True)
class Composed:
    subject: str
    text: str
    html: str
    language: str


def mail_language(language: str | None) -> str:
    """The language an email goes out in: the recipient's if we have it, else English."""
    languages = current_app.config["LANGUAGES"]
    return language if language is not None and language in languages else "en"


def compose(
    template: str, *, subject: str | LazyString, language: str | None, **context: Any
) -> Composed:
    """Render `mail/<template>.txt` and `.html` and the subject in `language`. Pass the
    subject as a `lazy_gettext(...)` so it is translated inside the forced locale."""
    lang = mail_language(language)
    with force_locale(lang):
        context = {**context, "mail_language": lang}
        return Composed(
            subject=str(subject),
            text=_render(f"mail/{template}.txt", context),
            html=_render(f"mail/{template}.html", context),
            language=lang,
        )


def _render(name: str, context: dict[str, Any]) -> str:
    # Straight from the Jinja environment: the app's context processors describe the page
    # being served (navigation, the logged-in user) and do not belong in an email, which
    # is often rendered by a scheduled job with no request at all.
    return current_app.jinja_env.get_template(name).render(context)


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link for an email, on HELPDESK_BASE_URL."""
    base = urlsplit(str(current_app.config["BASE_URL"]).rstrip("/"))
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


@dataclass(frozen=True)
class ReplyExpectation:
    """What we can honestly say about when a reply comes: whether we are open now, when we
    open next (formatted for the reader) and, given enough history, the usual wait."""

    open_now: bool
    next_opening: str | None
    typical_hours: int | None


def reply_expectation(*, language: str, zone: str | None) -> ReplyExpectation:
    """From business hours and the last 30 days' first replies (median, rounded up to
    whole hours of elapsed time); `zone` is the reader's time zone for the opening time."""
    hours = business_hours()
    at = now()
    open_now = is_open(at, hours)
    next_opening = None
    if not open_now:
        try:
            opening = next_open(at, hours)
        except ValueError:  # a year of holidays: say nothing rather than guess
            opening = None
        if opening is not None:
            next_opening = format_moment(opening, language=language, zone=zone or hours.timezone)
    return ReplyExpectation(
        open_now=open_now, next_opening=next_opening, typical_hours=_typical_first_reply_hours()
    )


def format_moment(
    moment: datetime, *, language: str, zone: str, same_day_as: datetime | None = None
) -> str:
    """`moment` as a reader in `zone` would write it: the full date and the time, in the
    email's `language` with the workspace's digits and (Thai) Buddhist-era years, like
    every page (`helpdesk.locale_format`). It is written before the email is rendered, so
    it takes the recipient's language rather than the locale in use. With `same_day_as`
    on the same local day, the time alone ("by … 1:55 PM; it is now 2:55 PM")."""
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")
    options = format_options(language)
    time = format_time(moment, "short", locale=language, options=options, tz=tz)
    if (
        same_day_as is not None
        and same_day_as.astimezone(tz).date() == moment.astimezone(tz).date()
    ):
        return time
    day = format_date(moment, "full", locale=language, options=options, tz=tz)
    return f"{day} {time} ({zone})"


def _typical_first_reply_hours() -> int | None:
    """The median first-reply time of recent tickets, in whole hours. It moves slowly and
    every acknowledgement asks for it, so a process reuses it for up to
    `STATS_CACHE_SECONDS` (`helpdesk.db.data_version`)."""
    return app_cache(current_app, "typical_first_reply_hours", 1).get(
        None,
        _measure_typical_first_reply_hours,
        max_age=timedelta(seconds=current_app.config["STATS_CACHE_SECONDS"]),
    )


def _measure_typical_first_reply_hours() -> int | None:
    since = now() - EXPECTATION_WINDOW
    rows = db.session.execute(
        sa.select(Ticket.created_at, Ticket.first_staff_reply_at)
        .where(Ticket.created_at >= since, Ticket.first_staff_reply_at.is_not(None))
        .order_by(Ticket.created_at.desc())
        .limit(EXPECTATION_MAX_SAMPLES)
    ).all()
    waits = sorted(
        (replied - created).total_seconds()
        for created, replied in rows
        if replied is not None and replied >= created
    )
    if len(waits) < EXPECTATION_MIN_SAMPLES:
        return None
    median = waits[len(waits) // 2]
    return max(1, int(-(-median // 3600)))
