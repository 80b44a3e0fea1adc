"""Login, logout and the staff member's own account page."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from helpdesk.auth import service
from helpdesk.auth.access import public, safe_next, start_session_clock
from helpdesk.auth.forms import (
    LoginForm,
    LogoutForm,
    PasswordForm,
    PhraseVoiceForm,
    ProfileForm,
    language_choices,
)
from helpdesk.auth.known_device import is_known_device, remember_device
from helpdesk.errors import NotAllowed, ValidationError
from helpdesk.extensions import limiter
from helpdesk.forms import show_domain_error, strip_control
from helpdesk.i18n import timezone_names
from helpdesk.web.current import staff

bp = Blueprint("auth", __name__)


def _login_failed(response: Response) -> bool:
    """Only failed attempts count against the login limits."""
    return response.status_code != 302


def _login_email() -> str:
    """The account a login attempt is for, normalised exactly as authentication does, so
    spelling variants of one address share one limit."""
    raw = strip_control(request.form.get("email", ""))[:254]
    try:
        return service.normalise_email(raw)
    except ValidationError:
        return raw.strip().lower()


def _account_address_key() -> str:
    """Failed logins to one account from one client address."""
    return f"login-account:{_login_email()}|{request.remote_addr or ''}"


def _account_key() -> str:
    """Failed logins to one account from anywhere (the backstop against guessing spread
    over many addresses)."""
    return "login-account-any:" + _login_email()


def _known_device() -> bool:
    return is_known_device(_login_email())


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["RATELIMIT_LOGIN_PER_IP"],
    methods=["POST"],
    deduct_when=_login_failed,
    scope="login-ip",
)
@limiter.limit(
    lambda: current_app.config["RATELIMIT_LOGIN_PER_ACCOUNT"],
    key_func=_account_address_key,
    methods=["POST"],
    deduct_when=_login_failed,
    scope="login-account",
)
@limiter.limit(
    lambda: current_app.config["RATELIMIT_LOGIN_PER_ACCOUNT_ANY"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_login_failed,
    exempt_when=_known_device,
    scope="login-account-any",
)
def login() -> Response | str | tuple[str, int]:
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
        if current_user.is_authenticated:
            return redirect(form.next.data or url_for("tickets.inbox"))
        return render_template("auth/login.html", form=form)
    if form.validate_on_submit():
        try:
            user = service.user_authenticate(email=form.email.data, password=form.password.data)
        except NotAllowed as error:
            form.form_errors.append(error.message)
        else:
            session.clear()  # a fresh session: nothing from before login carries over
            login_user(user)
            session.permanent = True
            start_session_clock()
            response = redirect(safe_next(form.next.data) or url_for("tickets.inbox"))
            remember_device(response, user.email)
            return response
    form.password.data = ""
    return render_template("auth/login.html", form=form), 422


@bp.post("/logout")
@public
def logout() -> Response:
    form = LogoutForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        service.user_end_sessions(user=staff())
        logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


def _profile_form(formdata: object | None = None) -> ProfileForm:
    form = ProfileForm(formdata=formdata, obj=None if formdata else current_user)
    form.timezone.choices = [SelectChoice(name, name) for name in timezone_names()]
    form.language.choices = language_choices()
    if formdata is None:
        form.language.data = current_user.language or ""
    return form


def _voice_form() -> PhraseVoiceForm:
    user = staff()
    return PhraseVoiceForm(
        formdata=None,
        data={f"voice_{code}": user.phrase_register(code) for code in ("th", "id", "bn")},
    )


def _account_page(
    profile: ProfileForm | None = None,
    password: PasswordForm | None = None,
    status: int = 200,
    voice: PhraseVoiceForm | None = None,
) -> tuple[str, int]:
    return render_template(
        "auth/account.html",
        profile=profile or _profile_form(),
        password=password or PasswordForm(formdata=None),
        voice=voice or _voice_form(),
    ), status


@bp.get("/account")
def account() -> tuple[str, int]:
    return _account_page()


@bp.post("/account/profile")
def account_profile() -> Response | tuple[str, int]:
    form = _profile_form(request.form)
    if form.validate_on_submit():
        try:
            service.user_update_profile(
                user=staff(),
                name=form.name.data,
                timezone=form.timezone.data,
                language=form.language.data or None,
            )
        except ValidationError as error:
            show_domain_error(form, error)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("auth.account"))
    return _account_page(profile=form, status=422)


@bp.post("/account/phrase-voice")
def account_phrase_voice() -> Response | tuple[str, int]:
    form = PhraseVoiceForm()
    if form.validate_on_submit():
        try:
            service.user_set_phrase_voice(
                user=staff(),
                voice={
                    "th": form.voice_th.data,
                    "id": form.voice_id.data,
                    "bn": form.voice_bn.data,
                },
            )
        except ValidationError as error:
            show_domain_error(form, error)
        else:
            flash(_("Your phrase voice is saved."), "success")
            return redirect(url_for("auth.account"))
    return _account_page(voice=form, status=422)


@bp.post("/account/password")
def account_password() -> Response | tuple[str, int]:
    form = PasswordForm()
    if form.validate_on_submit():
        user = staff()
        try:
            service.user_change_password(
                user=user,
                current_password=form.current_password.data,
                new_password=form.new_password.data,
            )
        except ValidationError as error:
            show_domain_error(form, error)
        else:
            # Every other session has ended; this one carries on with the new version.
            login_user(user)
            flash(_("Your password is changed. Other sessions have been logged out."), "success")
            return redirect(url_for("auth.account"))
    return _account_page(password=form, status=422)
