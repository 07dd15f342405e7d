"""The steps of every public intake, written once (SPEC §13).

validate → check your answers → verify the mobile → commit → confirmation.

Each public form's view hands its form, template and a `build` function to `run_intake`.
The answers live on the server while the intake is in progress (core.intake_state, keyed
by the browser session): the check page and the code page carry no answer, only their
step (`STEP_FIELD`), and read the answers back from there. The form page carries its
one-time key (`KEY_FIELD`): a key that made a request once makes no second one (double
tap, Back and resubmit, a second code), the page says it was sent already instead.

Files are staged as pending uploads as soon as they pass their checks, so a form shown
again keeps them. Switching language or elderly mode on a form page is a button of the
form: a POST that writes the intake state and shows the same page again without
validating. The check page's send button carries `ANSWERS_CHECKED`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, g, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext, refresh
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from wtforms import MultipleFileField

from portal.core import attachments, drafts, intake_state, safe_contact, storage
from portal.core.access import remember_tracked
from portal.core.fields import plain_required_messages
from portal.core.intake_fields import (
    ANSWERS_CHECKED,
    CHANGE_ANSWER,
    CHANGE_PARAM,
    KEY_FIELD,
    STAGED_FIELD,
    STEP_FIELD,
    SWITCH_ELDERLY,
    SWITCH_LANGUAGE,
)
from portal.core.intake_limits import count_submission, within_submission_limits
from portal.core.models import PendingUpload, ServiceRequest
from portal.extensions import db

#: Fields that are the form's machinery or files (listed apart on the check page), not answers.
_FILE_FIELDS = ("MultipleFileField", "FileField")
_NOT_ANSWERS = ("CSRFTokenField", "HiddenField", "SubmitField", *_FILE_FIELDS)
#: Posted names that are not answers: never written to the intake state.
MACHINERY = {
    "csrf_token",
    STAGED_FIELD,
    SWITCH_LANGUAGE,
    SWITCH_ELDERLY,
    CHANGE_ANSWER,
    ANSWERS_CHECKED,
    STEP_FIELD,
    KEY_FIELD,
    "mobile_code",
    "mobile_code_resend",
}
#: Said when a form comes back because its session or token was lost (issue #27).
LOST_MESSAGE = _l("The page was open for a long time. Check your answers and send them again.")
FILE_GONE = _l("A file you attached earlier is no longer kept. Attach it again.")


class IntakeError(Exception):
    """The service refused the answers; `field` is where the message belongs."""

    def __init__(self, field_name: str, message, status: int = 400):
        super().__init__(str(message))
        self.field = field_name
        self.message = message
        self.status = status


@dataclass
class Intake:
    """One public form going through the steps."""

    form: FlaskForm
    template: str
    #: (form, staged files) -> a new request, submitted (flushed, not committed), or IntakeError.
    build: Callable[[FlaskForm, list[PendingUpload]], ServiceRequest]
    #: The confirmation page's endpoint; it takes `reference`.
    confirmation: str
    context: dict[str, Any] = field(default_factory=dict)
    #: Called after an IntakeError, before the form is shown again (e.g. refresh choices).
    on_refused: Callable[[FlaskForm], None] | None = None
    staged: list[PendingUpload] = field(default_factory=list)
    #: The request `build` made, for the steps (not committed yet).
    created: ServiceRequest | None = None
    #: This submission's one-time key and its server-side state.
    key: str = ""
    state: intake_state.IntakeState | None = None
    #: Shown above the form (e.g. the session was lost).
    notice: Any = None


def check_answers(intake: Intake):
    """The check-your-answers page, unless its send button was pressed (then None: go on)."""
    if request.form.get(ANSWERS_CHECKED) or request.form.get(STEP_FIELD) in ("code", "proof"):
        return None
    db.session.rollback()  # the request built to check the answers is not kept
    intake.state.step = "check"
    db.session.commit()
    page = render_template(
        "public/check_answers.html",
        answers=list(answer_rows(intake.form)),
        staged_uploads=intake.staged,
        action=request.full_path.rstrip("?"),
        intake_form_id="check-form",
        names={"change": CHANGE_ANSWER, "send": ANSWERS_CHECKED, "step": STEP_FIELD},
        files_field_id=next((f.id for f in intake.form if f.type in _FILE_FIELDS), None),
        **intake.context,
    )
    return current_app.make_response((page, 200))


def change_url(state: intake_state.IntakeState, form: FlaskForm) -> str | None:
    """The form again with every kept answer, at its mobile question; None when the form
    asks no mobile (a health check uses the enterprise account's: the code page offers the
    account's own change instead of a link back to a form with no number on it)."""
    anchor = next((f.id for f in form if "mobile" in f.name), None)
    if anchor is None:
        return None
    joiner = "&" if "?" in state.path else "?"
    return f"{state.path}{joiner}{CHANGE_PARAM}=1#{anchor}"


def verify_mobile(intake: Intake):
    """Mobile verification (SPEC §2): the code page to show instead, or None to go on
    (MOBILE_VERIFICATION off, staff entering a request, a signed-in user's own mobile,
    or the right code typed)."""
    from portal.core.mobile_proof import mobile_proof

    if getattr(intake.created, "safe_contact", False):
        return None  # no text of any kind, not even the code: the PIN set on the form instead
    proof = mobile_proof()
    mobile = getattr(intake.created, "applicant_mobile", None)
    page = proof.verify_intake_mobile(mobile, change_url=change_url(intake.state, intake.form))
    if page is not None:
        intake.state.mobile, intake.state.step = mobile, "code"  # the build is rolled back already
        db.session.commit()
    elif intake.created is not None:
        intake.created.mobile_proven = proof.proven_here(mobile)  # its account lists it (SPEC §2)
    return page


#: The steps between validation and commit, in order.
STEPS: tuple[Callable[[Intake], Any], ...] = (check_answers, verify_mobile)


def run_intake(intake: Intake):
    """Take the form through the steps and answer with the page or the confirmation."""
    form = intake.form
    if g.get("csrf_lost"):
        return form_as_typed(intake)
    state = intake.state = intake_state.current()
    live = state if state is not None and state.reference is None else None
    if request.method != "POST":
        intake.key = live.one_time_key if live else intake_state.new_key()
        if live and request.args.get(CHANGE_PARAM):  # "change the number": every answer kept
            form.process(formdata=intake_state.formdata(live))
            intake.staged = attachments.staged(live.staged)
        return _render(intake, 200)
    step = request.form.get(STEP_FIELD)
    if step:  # the check or code page: the answers are on the server
        if state is None:
            intake.key, intake.notice = intake_state.new_key(), LOST_MESSAGE
            return _render(intake, 400)
        if state.reference is not None:
            return already_sent(intake, state)
        intake.key = state.one_time_key
        form.process(formdata=intake_state.formdata(state, csrf_token=request.form.get("csrf_token", "")))
        intake.staged = attachments.staged(state.staged)
    else:
        intake.key = request.form.get(KEY_FIELD) or intake_state.new_key()
        if intake_state.submitted(intake.key) is not None:
            return already_sent(intake, state if state and state.one_time_key == intake.key else None)
        intake.staged = attachments.staged(request.form.getlist(STAGED_FIELD))
    form.existing_attachment_count = len(intake.staged)
    switch = _switches()
    if switch is not None:
        if step:  # the same step again, in the other language or size
            return switch(_run_steps(intake, step))
        return switch(_keep_typed(intake))
    if CHANGE_ANSWER in request.form:
        return _render(intake, 200)  # back to the form, every answer and file kept
    return _run_steps(intake, step)


def _switches():
    """Apply a language or elderly button of this POST to this page; a function that
    remembers it on the response, or None when no switch was pressed."""
    from portal.core.site_requests import remember_elderly
    from portal.i18n import remember_language

    language = request.form.get(SWITCH_LANGUAGE)
    elderly = request.form.get(SWITCH_ELDERLY)
    if language is None and elderly is None:
        return None
    if language is not None:
        _use_language(language)
        return lambda response: remember_language(response, language)
    g.elderly_mode = elderly == "1"
    return lambda response: remember_elderly(response, elderly == "1")


def _keep_typed(intake: Intake):
    """A switch on the form page: the typed answers written down and shown again."""
    for upload_field in intake.form:
        if isinstance(upload_field, MultipleFileField):
            upload_field.validate(intake.form)  # check the files only, to keep the good ones
    _stage_new_files(intake)
    _save(intake, "form")
    db.session.commit()
    return _render(intake, 200)


def _save(intake: Intake, step: str) -> None:
    answers = [(n, v) for n, v in request.form.items(multi=True) if n not in MACHINERY]
    answers = safe_contact.sealed_answers(answers)  # a PIN is never kept as typed
    if request.form.get(STEP_FIELD) and intake.state is not None:
        answers = intake.state.answers  # a step page: the answers stay as they were
    intake.state = intake_state.save(
        answers, key=intake.key, staged=[upload.token for upload in intake.staged], step=step
    )


def _run_steps(intake: Intake, step: str | None):
    """Validate, then build and take the request through the steps to its commit."""
    form = intake.form
    valid = form.validate_on_submit()
    plain_required_messages(form)
    upload_field = next((f for f in form if isinstance(f, MultipleFileField)), None)
    wanted = intake.state.staged if step else attachments.wanted_tokens(request.form.getlist(STAGED_FIELD))
    if valid and upload_field and len(wanted) > len(intake.staged):
        # A file listed on the form is gone (removed after a day, or staged by another
        # browser): say so rather than create the request without it.
        upload_field.errors.append(FILE_GONE)
        valid = False
    try:
        _stage_new_files(intake)
    except storage.StorageError as error:
        # The store is down: the form comes back with what was typed, nothing is created.
        db.session.rollback()
        upload_field.errors.append(error.message)
        return _render(intake, 503)
    if not valid:
        return _render(intake, 400 if form.is_submitted() else 200)
    _save(intake, step or "form")
    db.session.commit()  # the answers are kept whatever the next steps say
    g.safe_contact = safe_contact.answers_of(form)  # values for services.submit (core.safe_contact)
    try:
        created = intake.build(form, intake.staged)
    except IntakeError as error:
        db.session.rollback()
        getattr(form, error.field).errors.append(error.message)
        if intake.on_refused:
            intake.on_refused(form)
        return _render(intake, error.status)
    intake.created = created
    for each in STEPS:
        if (answer := each(intake)) is not None:
            db.session.rollback()
            return answer
    if (answer := within_submission_limits(created)) is not None:
        db.session.rollback()
        return answer
    intake_state.record_submission(intake.state, created.reference)
    try:
        db.session.commit()
    except IntegrityError:  # the same key committed by another request at the same moment
        db.session.rollback()
        return already_sent(intake, intake_state.current())
    count_submission(created)
    remember_tracked(created)
    return redirect(url_for(intake.confirmation, reference=created.reference), 303)


def already_sent(intake: Intake, state: intake_state.IntakeState | None):
    """This intake made its request already: say so, and show the request only to whom
    proves the mobile again (a code) or the session that made it."""
    from portal.core.proof import sent_request_page

    db.session.rollback()
    return sent_request_page(intake, state)


def _stage_new_files(intake: Intake) -> None:
    for upload_field in intake.form:
        if isinstance(upload_field, MultipleFileField) and getattr(upload_field, "checked", None):
            intake.staged += attachments.stage(upload_field.checked)
            upload_field.checked = []


def _use_language(language: str) -> None:
    if language in current_app.config["LANGUAGES"]:
        g.language = language
        refresh()  # this very page is answered in the new language


def _render(intake: Intake, status: int):
    page = render_template(
        intake.template,
        form=intake.form,
        staged_uploads=intake.staged,
        intake_form_id="intake-form",
        intake_key=intake.key,
        intake_notice=intake.notice,
        **drafts.page_context(intake.state),  # a draft to continue (issue #30)
        **intake.context,
    )
    return current_app.make_response((page, status))


def answer_rows(form: FlaskForm, only=None):
    """(label, answer as shown, field id) of each question answered, in the form's order
    (`only`: these field names alone, as a question page asks them)."""
    for question in form:
        if question.type in _NOT_ANSWERS or (only is not None and question.name not in only):
            continue
        if question.type == "PasswordField":  # a PIN is never shown again
            shown = "••••••" if question.data else ""
        elif question.type == "BooleanField":
            # An unticked box is left off, unless its field says the "no" is an answer too.
            unticked = gettext("No") if getattr(question, "shown_unticked", False) else ""
            shown = gettext("Yes") if question.data else unticked
        elif hasattr(question, "iter_choices"):
            chosen = [
                str(choice[1])
                for choice in question.iter_choices()
                if choice[2] and choice[0] not in ("", None)
            ]
            shown = "、".join(chosen) if str(get_locale()).startswith("zh") else ", ".join(chosen)
        else:
            shown = question._value() if hasattr(question, "_value") else str(question.data or "")
        if str(shown).strip():
            yield question.label.text, shown, question.id


def form_as_typed(intake):
    """The form as typed, unchecked and unsaved; files are asked for again, never staged."""
    intake.key, intake.notice = request.form.get(KEY_FIELD) or intake_state.new_key(), LOST_MESSAGE
    upload_field = next((f for f in intake.form if isinstance(f, MultipleFileField)), None)
    sent_files = any(f.filename for f in request.files.getlist(upload_field.name)) if upload_field else False
    if upload_field and (sent_files or request.form.get(STAGED_FIELD)):
        upload_field.errors = [_l("Attach your files again.")]
    return _render(intake, 400)
