"""The Helpdesk application factory."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from config import config_for
from helpdesk.extensions import babel, csrf, db, htmx, limiter, login_manager

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
    register_cli(app)
    register_error_handlers(app)
    register_request_hooks(app)
    return app


def register_extensions(app: Flask) -> None:
    import helpdesk.models  # noqa: F401 - every table is on the metadata before Alembic looks
    from helpdesk.format_filters import register_format_filters
    from helpdesk.i18n import (
        age,
        current_locale,
        due_in,
        local_time,
        select_locale,
        select_timezone,
    )
    from helpdesk.lazy_migrate import init_migrations
    from helpdesk.web.converters import register_converters

    register_converters(app)  # before any blueprint's rules use them
    sqlite = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    engine_options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})
    if sqlite:
        from helpdesk.sqlite import sqlite_engine_options

        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = sqlite_engine_options(engine_options)
    else:
        from helpdesk.postgresql import postgresql_engine_options

        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = postgresql_engine_options(
            engine_options, settings=app.config.get("POSTGRESQL_OPTIONS", "")
        )
    db.init_app(app)
    init_migrations(app)  # Flask-Migrate only when it is used (see helpdesk/lazy_migrate.py)
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.globals["current_locale"] = current_locale
    app.jinja_env.filters["age"] = age
    app.jinja_env.filters["due_in"] = due_in
    app.jinja_env.globals["customer_local_time"] = local_time
    register_format_filters(app)  # after Babel: its date and number filters are replaced
    limiter.init_app(app)
    if sqlite:
        from helpdesk.sqlite import enable_wal_and_busy_timeout

        with app.app_context():
            enable_wal_and_busy_timeout(
                db.engine, synchronous=app.config.get("SQLITE_SYNCHRONOUS", "NORMAL")
            )


def register_blueprints(app: Flask) -> None:
    from helpdesk.api.articles import bp as api_articles_bp
    from helpdesk.api.customers import bp as api_customers_bp
    from helpdesk.api.docs_views import bp as api_docs_bp
    from helpdesk.api.escalations import bp as api_escalations_bp
    from helpdesk.api.feedback import bp as api_feedback_bp
    from helpdesk.api.promises import bp as api_promises_bp
    from helpdesk.api.root_causes import bp as api_root_causes_bp
    from helpdesk.api.tickets import bp as api_tickets_bp
    from helpdesk.api.token_views import bp as api_tokens_bp
    from helpdesk.auth.views import bp as auth_bp
    from helpdesk.customers.views import bp as customers_bp
    from helpdesk.feedback.nps_settings_views import bp as nps_admin_bp
    from helpdesk.feedback.views import bp as feedback_bp
    from helpdesk.founders.digest_views import bp as digests_bp
    from helpdesk.founders.trends_views import bp as trends_bp
    from helpdesk.founders.views import bp as founders_bp
    from helpdesk.founders.views import escalate_bp as founders_escalate_bp
    from helpdesk.home import bp as home_bp
    from helpdesk.kb.help_views import bp as help_bp
    from helpdesk.kb.views import bp as kb_bp
    from helpdesk.mail.inbound_views import attachments_bp
    from helpdesk.mail.inbound_views import bp as inbound_bp
    from helpdesk.mail.views import bp as mail_viewer_bp
    from helpdesk.ops.views import bp as ops_bp
    from helpdesk.promises.hours_views import bp as hours_bp
    from helpdesk.promises.views import bp as promises_bp
    from helpdesk.recovery.library_views import causes_bp, phrases_bp
    from helpdesk.recovery.views import bp as recovery_bp
    from helpdesk.settings.formats_views import bp as formats_bp
    from helpdesk.settings.views import bp as settings_bp
    from helpdesk.tickets.views import bp as tickets_bp
    from helpdesk.webhooks.views import bp as webhooks_bp
    from helpdesk.widget.api import bp as widget_api_bp
    from helpdesk.widget.customer_views import bp as customer_bp
    from helpdesk.widget.settings_views import bp as widget_settings_bp
    from helpdesk.widget.views import bp as widget_bp

    for blueprint in (
        home_bp,
        auth_bp,
        ops_bp,
        tickets_bp,
        kb_bp,
        help_bp,
        recovery_bp,
        settings_bp,
        formats_bp,
        customers_bp,
        phrases_bp,
        causes_bp,
        hours_bp,
        promises_bp,
        customer_bp,
        digests_bp,
        widget_api_bp,
        widget_bp,
        widget_settings_bp,
        founders_bp,
        founders_escalate_bp,
        trends_bp,
        feedback_bp,
        nps_admin_bp,
        mail_viewer_bp,
        inbound_bp,
        attachments_bp,
        webhooks_bp,
        api_docs_bp,
        api_tokens_bp,
        api_tickets_bp,
        api_articles_bp,
        api_customers_bp,
        api_promises_bp,
        api_escalations_bp,
        api_feedback_bp,
        api_root_causes_bp,
    ):
        app.register_blueprint(blueprint)
    if app.config.get("BENCH_ROUTES"):  # bench/run's baseline routes; never otherwise
        from helpdesk.bench_routes import bp as bench_bp

        app.register_blueprint(bench_bp)


def register_cli(app: Flask) -> None:
    from helpdesk.cli import helpdesk_cli

    app.cli.add_command(helpdesk_cli)


def register_error_handlers(app: Flask) -> None:
    from helpdesk.web.error_handlers import register_error_handlers as register

    register(app)


def register_request_hooks(app: Flask) -> None:
    from flask_login import current_user

    from helpdesk.api.auth import refuse_query_tokens, strip_api_cookies
    from helpdesk.auth.access import require_login
    from helpdesk.auth.forms import LogoutForm
    from helpdesk.web.navigation import nav_for
    from helpdesk.web.security import register_security
    from helpdesk.web.static_files import register_static_files

    register_security(app)
    register_static_files(app)
    app.wsgi_app = strip_api_cookies(app.wsgi_app)  # type: ignore[method-assign]
    app.before_request(refuse_query_tokens)
    app.before_request(require_login)

    @app.context_processor
    def layout_context() -> dict[str, Any]:
        if current_user.is_authenticated:
            return {"navigation": nav_for(current_user), "logout_form": LogoutForm(formdata=None)}
        return {"navigation": [], "logout_form": None}
