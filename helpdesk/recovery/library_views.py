"""Admin pages for the phrase library (and the complaint threshold); founder pages for the
root-cause list."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from helpdesk.auth.access import require_role
from helpdesk.errors import ValidationError
from helpdesk.forms import show_domain_error
from helpdesk.i18n import LANGUAGE_NAMES
from helpdesk.models import RootCause, SavedReply
from helpdesk.models.recovery import PHRASE_STEPS
from helpdesk.recovery import library
from helpdesk.recovery.forms import EmptyForm, PhraseForm, RootCauseForm, ThresholdForm
from helpdesk.recovery.guide import STEP_LABELS
from helpdesk.recovery.phrases import check_phrase_text, render_phrase
from helpdesk.recovery.queries import phrases_listed
from helpdesk.recovery.settings import recovery_settings, recovery_settings_update
from helpdesk.recovery.threshold_guide import threshold_guide
from helpdesk.web.current import staff
from helpdesk.web.lookups import row_or_404

phrases_bp = Blueprint("phrases", __name__, url_prefix="/settings/phrases")
phrases_bp.before_request(require_role("admin"))
causes_bp = Blueprint("root_causes", __name__, url_prefix="/founders/root-causes")
causes_bp.before_request(require_role("founder"))

SAMPLE = {
    "customer_first_name": "Nattaya",
    "agent_first_name": "Dewi",
    "product": "the Team plan",
    "issue_summary": "you were charged twice in March",
    "resolution": "I refunded the second charge",
    "promise_time": "Thursday 3 pm",
}


def _phrase_or_404(phrase_id: int) -> SavedReply:
    phrase = library.step_phrase(phrase_id)
    if phrase is None:
        abort(404)
    return phrase


def _phrase_form(formdata: object | None = None, phrase: SavedReply | None = None) -> PhraseForm:
    data = (
        {
            "step": phrase.heard_step,
            "language": phrase.language,
            "register": phrase.register or "",
            "text": phrase.body,
        }
        if phrase is not None
        else None
    )
    form = PhraseForm(formdata=formdata, data=data)
    # "General" phrases are team saved replies now (helpdesk/saved_replies/).
    form.step.choices = [
        SelectChoice(step, _step_label(step)) for step in PHRASE_STEPS if step != "general"
    ]
    form.language.choices = [SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()]
    form.register.choices = [
        SelectChoice("", _("Every voice")),
        *(SelectChoice(code, label) for code, label in register_labels().items()),
    ]
    return form


def register_labels() -> dict[str, str]:
    """The voices' names on the phrase library pages."""
    return {
        "kha": _("Thai: ดิฉัน … ค่ะ"),
        "khrap": _("Thai: ผม … ครับ"),
        "formal": _("Formal (Indonesian, Bengali)"),
        "friendly": _("Friendly (Indonesian, Bengali)"),
    }


def _step_label(step: str) -> str:
    labels = {"promise": _("Promise"), "closing": _("Closing"), "general": _("General")}
    return labels.get(step) or str(STEP_LABELS.get(step, step))


def _library_page(
    form: PhraseForm | None = None, threshold: ThresholdForm | None = None, status: int = 200
) -> tuple[str, int]:
    language = request.args.get("language", "")
    phrases = phrases_listed(language if language in LANGUAGE_NAMES else None)
    current = recovery_settings()
    if threshold is None:
        threshold = ThresholdForm(
            formdata=None,
            data={
                "complaint_threshold": Decimal(str(current.complaint_threshold)),
                "product_name": current.product_name,
            },
        )
    return render_template(
        "recovery/phrases.html",
        phrases=phrases,
        form=form or _phrase_form(),
        threshold=threshold,
        guide=threshold_guide(current.complaint_threshold),
        language_names=LANGUAGE_NAMES,
        language=language,
        languages=LANGUAGE_NAMES,
        step_label=_step_label,
        register_labels=register_labels(),
        action_form=EmptyForm(formdata=None),
    ), status


@phrases_bp.get("")
def library_page() -> tuple[str, int]:
    return _library_page()


@phrases_bp.post("")
def phrase_add() -> Response | tuple[str, int]:
    form = _phrase_form(request.form)
    if form.validate_on_submit():
        try:
            library.phrase_create(
                actor=staff(),
                step=form.step.data,
                language=form.language.data,
                text=form.text.data,
                register=form.register.data or None,
            )
        except ValidationError as error:
            show_domain_error(form, error)
        else:
            flash(_("The phrase is in the library."), "success")
            return redirect(url_for("phrases.library_page"))
    return _library_page(form=form, status=422)


@phrases_bp.post("/preview")
def phrase_preview() -> str:
    form = _phrase_form(request.form)
    if not form.validate_on_submit():
        abort(400)
    try:
        check_phrase_text(form.text.data or "")
    except ValidationError as error:
        return render_template("recovery/_phrase_preview.html", error=error.message)
    text = render_phrase(
        form.text.data or "", SAMPLE, form.language.data or "en", form.register.data or None
    )
    return render_template("recovery/_phrase_preview.html", text=text)


@phrases_bp.route("/<id:phrase_id>", methods=["GET", "POST"])
def phrase_edit(phrase_id: int) -> Response | tuple[str, int]:
    phrase = _phrase_or_404(phrase_id)
    form = _phrase_form(request.form if request.method == "POST" else None, phrase)
    if request.method == "POST" and form.validate_on_submit():
        try:
            library.phrase_update(
                actor=staff(),
                phrase=phrase,
                step=form.step.data,
                language=form.language.data,
                text=form.text.data,
                register=form.register.data or None,
            )
        except ValidationError as error:
            show_domain_error(form, error)
        else:
            flash(_("The phrase is saved."), "success")
            return redirect(url_for("phrases.library_page"))
    status = 422 if request.method == "POST" else 200
    return render_template("recovery/phrase_edit.html", phrase=phrase, form=form), status


@phrases_bp.post("/<id:phrase_id>/active")
def phrase_active(phrase_id: int) -> Response:
    phrase = _phrase_or_404(phrase_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    library.phrase_set_active(
        actor=staff(), phrase=phrase, active=request.form.get("active") == "1"
    )
    return redirect(url_for("phrases.library_page"))


@phrases_bp.post("/threshold")
def threshold() -> Response | tuple[str, int]:
    form = ThresholdForm()
    if form.validate_on_submit():
        try:
            recovery_settings_update(
                actor=staff(),
                threshold=float(form.complaint_threshold.data),
                product_name=form.product_name.data or "",
            )
        except ValidationError as error:
            show_domain_error(form, error)
        else:
            flash(_("Recovery settings are saved."), "success")
            return redirect(url_for("phrases.library_page"))
    return _library_page(threshold=form, status=422)


def _causes_page(form: RootCauseForm | None = None, status: int = 200) -> tuple[str, int]:
    return render_template(
        "recovery/root_causes.html",
        causes=library.root_causes(include_inactive=True),
        form=form or RootCauseForm(formdata=None),
        action_form=EmptyForm(formdata=None),
    ), status


@causes_bp.get("")
def causes_page() -> tuple[str, int]:
    return _causes_page()


@causes_bp.post("")
def cause_add() -> Response | tuple[str, int]:
    form = RootCauseForm()
    if form.validate_on_submit():
        try:
            library.root_cause_create(actor=staff(), name=form.name.data or "")
        except ValidationError as error:
            show_domain_error(form, error)
        else:
            flash(_("The root cause is on the list."), "success")
            return redirect(url_for("root_causes.causes_page"))
    return _causes_page(form=form, status=422)


@causes_bp.post("/<id:cause_id>/active")
def cause_active(cause_id: int) -> Response:
    cause = row_or_404(RootCause, cause_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    library.root_cause_set_active(
        actor=staff(), cause=cause, active=request.form.get("active") == "1"
    )
    return redirect(url_for("root_causes.causes_page"))
