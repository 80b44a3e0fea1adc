"""Login (with the second factor), logout, password reset and the staff member's own
account page (profile, password, two-factor sign-in)."""

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
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from helpdesk.auth import service, two_factor
from helpdesk.auth.access import MUST_ENROL, load_user, public, safe_next, start_session_clock
from helpdesk.auth.forms import (
    ForgotPasswordForm,
    LoginCodeForm,
    LoginForm,
    LogoutForm,
    PasswordForm,
    PhraseVoiceForm,
    ProfileForm,
    RecoveryCodesForm,
    ResetPasswordForm,
    TwoFactorConfirmForm,
    TwoFactorDisableForm,
    language_choices,
)
from helpdesk.auth.known_device import is_known_device, remember_device
from helpdesk.auth.password_reset import (
    password_reset_complete,
    password_reset_request,
    password_reset_user,
)
from helpdesk.clock import now
from helpdesk.errors import DomainError, NotAllowed, ValidationError
from helpdesk.extensions import limiter
from helpdesk.forms import show_domain_error, strip_control
from helpdesk.i18n import timezone_names
from helpdesk.models import User
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
            user = service.user_check_password(email=form.email.data, password=form.password.data)
        except NotAllowed as error:
            form.form_errors.append(error.message)
        else:
            return _after_password(user, form.next.data)
    form.password.data = ""
    return render_template("auth/login.html", form=form), 422


# The session of someone who gave the right password and still owes a second factor:
# the user's Flask-Login id (with the session version) and when, for a few minutes.
PENDING = "two_factor_pending"
PENDING_SECONDS = 300


def _after_password(user: User, next_target: str | None) -> Response:
    """The password was right: ask for the second factor, or finish the login."""
    if user.has_second_factor and not two_factor.is_remembered_device(user):
        session.clear()
        session[PENDING] = {
            "user": user.get_id(),
            "at": int(now().timestamp()),
            "next": safe_next(next_target) or "",
        }
        return redirect(url_for("auth.login_code"))
    service.user_login_record(user=user)
    return _finish_login(user, next_target)


def _finish_login(user: User, next_target: str | None) -> Response:
    session.clear()  # a fresh session: nothing from before login carries over
    login_user(user)
    session.permanent = True
    start_session_clock()
    if not user.has_second_factor and two_factor.required_for(user):
        session[MUST_ENROL] = True
        flash(_("Your workspace requires two-factor sign-in: set it up to continue."), "info")
        response = redirect(url_for("auth.two_factor_page"))
    else:
        response = redirect(safe_next(next_target) or url_for("tickets.inbox"))
    remember_device(response, user.email)
    return response


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or not isinstance(pending.get("at"), int):
        return None
    if now().timestamp() - pending["at"] > PENDING_SECONDS:
        return None
    user = load_user(str(pending.get("user", "")))
    return user if user is not None and user.has_second_factor else None


def _pending_key() -> str:
    pending = session.get(PENDING)
    account = str(pending.get("user", "")).partition(":")[0] if isinstance(pending, dict) else ""
    return f"login-code:{account}"


def _pending_address_key() -> str:
    return f"{_pending_key()}|{request.remote_addr or ''}"


@bp.route("/login/code", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["RATELIMIT_LOGIN_PER_IP"],
    methods=["POST"],
    deduct_when=_login_failed,
    scope="login-code-ip",
)
@limiter.limit(
    lambda: current_app.config["RATELIMIT_LOGIN_PER_ACCOUNT"],
    key_func=_pending_address_key,
    methods=["POST"],
    deduct_when=_login_failed,
    scope="login-code-account",
)
@limiter.limit(
    lambda: current_app.config["RATELIMIT_LOGIN_PER_ACCOUNT_ANY"],
    key_func=_pending_key,
    methods=["POST"],
    deduct_when=_login_failed,
    scope="login-code-account-any",
)
def login_code() -> Response | tuple[str, int]:
    """The second step of a login: a code from the authenticator app or a recovery code."""
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(_("Log in again: the sign-in took too long or was interrupted."), "info")
        return redirect(url_for("auth.login"))
    form = LoginCodeForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            method = two_factor.user_second_factor(user=user, code=form.code.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            next_target = session[PENDING].get("next")
            response = _finish_login(user, next_target)
            if form.remember.data:
                two_factor.remember_device(response, user)
            if method == "recovery_code":
                left = two_factor.recovery_codes_left(user)
                flash(
                    ngettext(
                        "You used a recovery code; %(num)d is left. Make new ones on your "
                        "account page if you are running out.",
                        "You used a recovery code; %(num)d are left. Make new ones on your "
                        "account page if you are running out.",
                        left,
                    ),
                    "info",
                )
            return response
        form.code.data = ""
        return render_template("auth/login_code.html", form=form), 422
    return render_template("auth/login_code.html", form=form), 200


def _reset_address() -> str:
    raw = strip_control(request.form.get("email", ""))[:254]
    try:
        return service.normalise_email(raw)
    except ValidationError:
        return raw.strip().lower()


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["RATELIMIT_RESET_PER_IP"], methods=["POST"], scope="reset-ip"
)
@limiter.limit(
    lambda: current_app.config["RATELIMIT_RESET_PER_ADDRESS"],
    key_func=lambda: "reset-address:" + _reset_address(),
    methods=["POST"],
    scope="reset-address",
)
def password_forgot() -> Response | tuple[str, int]:
    """Ask for a reset link. The answer never says whether the address has an account."""
    form = ForgotPasswordForm()
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                service.normalise_email(form.email.data)
            except ValidationError as error:
                show_domain_error(form, error)
                return render_template("auth/password_forgot.html", form=form), 422
            password_reset_request(email=form.email.data)
            flash(
                _(
                    "If a staff account uses %(email)s, we have sent it a link to set a new "
                    "password. The link works once, for an hour.",
                    email=form.email.data.strip(),
                ),
                "info",
            )
            return redirect(url_for("auth.password_forgot"))
        return render_template("auth/password_forgot.html", form=form), 422
    return render_template("auth/password_forgot.html", form=form), 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def password_reset(token: str) -> Response | tuple[str, int]:
    """Set a new password with an emailed link; every session of the account ends."""
    form = ResetPasswordForm()
    if password_reset_user(token) is None:
        return render_template("auth/password_reset.html", form=None), 404
    if request.method == "POST" and form.validate_on_submit():
        if form.new_password.data != form.confirm_password.data:
            form.confirm_password.errors = [_("The two passwords are not the same.")]
        else:
            try:
                user = password_reset_complete(secret=token, new_password=form.new_password.data)
            except DomainError as error:
                show_domain_error(form, error)
            else:
                response = _after_password(user, None)  # a fresh session: flash after
                flash(_("Your password is changed, and every session was logged out."), "success")
                return response
        return render_template("auth/password_reset.html", form=form), 422
    return render_template("auth/password_reset.html", form=form), 200


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


def _enrol_secret() -> str:
    """The secret being set up in this session (made on first use, kept encrypted)."""
    stored = session.get("two_factor_secret")
    secret = two_factor.decrypt_secret(stored) if isinstance(stored, str) else None
    if secret is None:
        secret = two_factor.new_secret()
        session["two_factor_secret"] = two_factor.encrypt_secret(secret)
    return secret


def _two_factor_page(
    confirm: TwoFactorConfirmForm | None = None,
    disable: TwoFactorDisableForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    user = staff()
    context: dict[str, object] = {"user": user, "required": two_factor.required_for(user)}
    if user.has_second_factor:
        context["codes_left"] = two_factor.recovery_codes_left(user)
        context["disable"] = disable or TwoFactorDisableForm(formdata=None)
        context["new_codes"] = RecoveryCodesForm(formdata=None)
    else:
        secret = _enrol_secret()
        uri = two_factor.provisioning_uri(user, secret)
        context["qr"] = two_factor.qr_data_uri(uri)
        context["secret"] = secret
        context["confirm"] = confirm or TwoFactorConfirmForm(formdata=None)
    return render_template("auth/two_factor.html", **context), status


@bp.get("/account/two-factor")
def two_factor_page() -> tuple[str, int]:
    return _two_factor_page()


def _recovery_codes_page(codes: list[str]) -> tuple[str, int]:
    return render_template("auth/recovery_codes.html", codes=codes), 200


@bp.post("/account/two-factor/confirm")
def two_factor_confirm() -> tuple[str, int]:
    form = TwoFactorConfirmForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.two_factor_enable(
                user=staff(), secret=_enrol_secret(), code=form.code.data
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            session.pop("two_factor_secret", None)
            session.pop(MUST_ENROL, None)
            return _recovery_codes_page(codes)
    form.code.data = ""
    return _two_factor_page(confirm=form, status=422)


@bp.post("/account/two-factor/recovery-codes")
def two_factor_recovery_codes() -> Response | tuple[str, int]:
    if not RecoveryCodesForm().validate_on_submit():
        return redirect(url_for("auth.two_factor_page"))
    try:
        codes = two_factor.two_factor_new_recovery_codes(user=staff())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("auth.two_factor_page"))
    return _recovery_codes_page(codes)


def _own_account_key() -> str:
    return f"account-password:{current_user.get_id()}"


@bp.post("/account/two-factor/disable")
@limiter.limit(
    lambda: current_app.config["RATELIMIT_LOGIN_PER_ACCOUNT"],
    key_func=_own_account_key,
    deduct_when=_login_failed,
    scope="two-factor-disable",
)
def two_factor_disable() -> Response | tuple[str, int]:
    form = TwoFactorDisableForm()
    if form.validate_on_submit():
        try:
            two_factor.two_factor_disable(user=staff(), password=form.password.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Two-factor sign-in is off."), "success")
            return redirect(url_for("auth.two_factor_page"))
    form.password.data = ""
    return _two_factor_page(disable=form, status=422)
