"""The Helpdesk application factory."""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from config import config_for
from helpdesk.extensions import babel, csrf, htmx, limiter, login_manager
from helpdesk.wiring import connect_features

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, CLI, error handlers, hooks.

    `config` overrides settings after the environment has been read (tests use it).
    """
    app = Flask(
        __name__,
        template_folder=os.path.join(PROJECT_ROOT, "templates"),
        static_folder=os.path.join(PROJECT_ROOT, "static"),
        instance_path=os.path.join(PROJECT_ROOT, "instance"),
    )
    environment = (config or {}).get("ENVIRONMENT") or os.environ.get("HELPDESK_ENV", "production")
    app.config.from_object(config_for(environment)(app.instance_path))
    app.config.update(config or {})
    register_extensions(app)
    register_blueprints(app)
    connect_features(app)
    register_cli(app)
    register_error_handlers(app)
    register_request_hooks(app)
    return app


def register_extensions(app: Flask) -> None:
    import helpdesk.models  # noqa: F401 - every table is on the metadata before Alembic looks
    from helpdesk import field_html
    from helpdesk.db.migrations import init_migrations
    from helpdesk.extensions import db  # local: the package `helpdesk.db` shadows a global
    from helpdesk.format_filters import register_format_filters
    from helpdesk.i18n import current_locale, select_locale, select_timezone
    from helpdesk.template_gettext import register_template_gettext
    from helpdesk.web.converters import register_converters

    register_converters(app)  # before any blueprint's rules use them
    field_html.install()  # WTForms' fields rendered without Markup.format
    sqlite = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    engine_options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})
    if sqlite:
        from helpdesk.db.sqlite import sqlite_engine_options

        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = sqlite_engine_options(
            engine_options, busy_timeout_ms=app.config.get("SQLITE_BUSY_TIMEOUT_MS", 5000)
        )
    else:
        from helpdesk.db.postgresql import postgresql_engine_options

        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = postgresql_engine_options(
            engine_options, settings=app.config.get("POSTGRESQL_OPTIONS", "")
        )
    db.init_app(app)
    init_migrations(app)  # Flask-Migrate only when it is used (see helpdesk/db/migrations.py)
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.globals["current_locale"] = current_locale
    register_format_filters(app)  # after Babel: its date and number filters are replaced
    register_template_gettext(app)  # after Babel too: numbers in the language's digits
    limiter.init_app(app)
    if sqlite:
        from helpdesk.db.sqlite import enable_wal_and_busy_timeout

        with app.app_context():
            enable_wal_and_busy_timeout(
                db.engine,
                busy_timeout_ms=app.config.get("SQLITE_BUSY_TIMEOUT_MS", 5000),
                synchronous=app.config.get("SQLITE_SYNCHRONOUS", "NORMAL"),
            )
    else:
        from helpdesk.db.postgresql import keep_prepared_statements

        with app.app_context():
            keep_prepared_statements(app, db.engine)


# Every feature that serves pages, in registration order. Each `helpdesk.<name>` has a
# `blueprints(app)` function returning its blueprints in order (imported lazily there);
# `dev` returns the benchmark routes only with HELPDESK_BENCH=1.
FEATURES = (
    "home",
    "auth",
    "ops",
    "attachments",
    "tickets",
    "kb",
    "recovery",
    "settings",
    "customers",
    "privacy",
    "promises",
    "notifications",
    "widget",
    "founders",
    "feedback",
    "mail",
    "webhooks",
    "saved_replies",
    "sla",
    "automations",
    "usage",
    "outreach",
    "api",
    "dev",
)


def register_blueprints(app: Flask) -> None:
    for name in FEATURES:
        feature = importlib.import_module(f"helpdesk.{name}")
        for blueprint in feature.blueprints(app):
            app.register_blueprint(blueprint)


def register_cli(app: Flask) -> None:
    from helpdesk.cli import helpdesk_cli

    app.cli.add_command(helpdesk_cli)


def register_error_handlers(app: Flask) -> None:
    from helpdesk.web.error_handlers import register_error_handlers as register

    register(app)


def register_request_hooks(app: Flask) -> None:
    from flask_login import current_user

    from helpdesk.auth.access import require_enrolment, require_login
    from helpdesk.auth.bearer import refuse_query_tokens, strip_api_cookies
    from helpdesk.auth.forms import LogoutForm
    from helpdesk.web.navigation import nav_for
    from helpdesk.web.security import register_security
    from helpdesk.web.static_files import register_static_files

    register_security(app)
    register_static_files(app)
    app.wsgi_app = strip_api_cookies(app.wsgi_app)  # type: ignore[method-assign]
    app.before_request(refuse_query_tokens)
    app.before_request(require_login)
    app.before_request(require_enrolment)

    @app.context_processor
    def layout_context() -> dict[str, Any]:
        if current_user.is_authenticated:
            return {"navigation": nav_for(current_user), "logout_form": LogoutForm(formdata=None)}
        return {"navigation": [], "logout_form": None}
