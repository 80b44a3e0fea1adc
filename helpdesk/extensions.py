"""Every Flask extension object, created unbound; `create_app()` binds them with `init_app`.
Flask-Migrate is the exception: `create_app()` makes it only when it is loaded (see there)."""

from flask import current_app, request
from flask_babel import Babel
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

import helpdesk.db  # noqa: F401  # see below
from helpdesk.models.base import Base

# Loading the package `helpdesk.db` binds it to the name `helpdesk.db`; loaded here, before
# `helpdesk/__init__.py` binds its module-level `db` to the object below, it cannot shadow
# that `db` when a service first imports `helpdesk.db.transaction`. (Redundant once the
# factory imports `db` locally, as the helpdesk/db/ move does.)

# Objects stay readable after a service commits (a view renders what the service returned
# without reloading every row); each request still gets a fresh session.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = HTMX()
babel = Babel()
# Keyed on request.remote_addr, which ProxyFix sets from X-Forwarded-For only for the
# configured number of trusted proxies, so the key cannot be spoofed by a client header.
# The default limit covers every public (not logged-in) request; login has its own limits.
limiter = Limiter(
    key_func=get_remote_address,
    default_limits=[lambda: current_app.config["RATELIMIT_PUBLIC"]],
    default_limits_exempt_when=lambda: current_user.is_authenticated,
)


@limiter.request_filter
def _static_files_are_not_limited() -> bool:
    return request.endpoint == "static"
