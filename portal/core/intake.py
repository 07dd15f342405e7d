"""The steps of every public intake, written once (SPEC §13).

validate → check your answers → verify the mobile → commit → confirmation.

Each public form's view hands its form, template and a `build` function to `run_intake`.
Files are staged as pending uploads as soon as they pass their checks, so a form shown
again (an error elsewhere, a language switch) keeps them. Switching language on a form
page is a button of the form: a POST that re-renders the typed values in the other
language without validating. A valid form is shown once more as a check-your-answers
page (every answer with its label and a "Change" button back to the form, all values and
staged files carried in hidden inputs, so no JavaScript is needed); its send button
carries `ANSWERS_CHECKED`, which lets the next steps run.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, g, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext, refresh
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import MultipleFileField

from portal.core import attachments, storage
from portal.core.access import remember_tracked
from portal.core.fields import plain_required_messages
from portal.core.models import PendingUpload, ServiceRequest
from portal.extensions import db

#: Name of the language buttons that every intake form carries.
SWITCH_LANGUAGE = "switch_language"
#: Hidden field that carries the tokens of files staged by an earlier try.
STAGED_FIELD = "staged_upload"
#: Name of the check page's send button: the answers were read and accepted.
ANSWERS_CHECKED = "answers_checked"
#: Name of the check page's "Change" buttons (value: the field's id): the form again.
CHANGE_ANSWER = "change_answer"
#: Hidden marker of the check page's form: a language switch there shows the check page again.
ON_CHECK_PAGE = "on_check_page"
#: Fields that are the form's machinery or files (listed apart on the check page), not answers.
_FILE_FIELDS = ("MultipleFileField", "FileField")
_NOT_ANSWERS = ("CSRFTokenField", "HiddenField", "SubmitField", *_FILE_FIELDS)
#: What the check page does not carry again in hidden inputs (it writes its own).
_CHECK_PAGE_OWN = {"csrf_token", STAGED_FIELD, SWITCH_LANGUAGE, CHANGE_ANSWER, ANSWERS_CHECKED, ON_CHECK_PAGE}


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


def check_answers(intake: Intake):
    """The check-your-answers page, unless its send button was pressed (then None: go on)."""
    if request.form.get(ANSWERS_CHECKED):
        return None
    page = render_template(
        "public/check_answers.html",
        answers=list(answer_rows(intake.form)),
        kept=[(name, value) for name, value in request.form.items(multi=True) if name not in _CHECK_PAGE_OWN],
        staged_uploads=intake.staged,
        action=request.full_path.rstrip("?"),
        intake_form_id="check-form",
        names={
            "change": CHANGE_ANSWER,
            "send": ANSWERS_CHECKED,
            "marker": ON_CHECK_PAGE,
            "staged": STAGED_FIELD,
        },
        files_field_id=next((f.id for f in intake.form if f.type in _FILE_FIELDS), None),
        **intake.context,
    )
    return current_app.make_response((page, 200))


def verify_mobile(intake: Intake):
    """Mobile verification (SPEC §2): the code page to show instead, or None to go on
    (MOBILE_VERIFICATION off, staff entering a request, a signed-in user's own mobile,
    or the right code typed)."""
    from portal.accounts.verification import proven_here, verify_intake_mobile

    mobile = getattr(intake.created, "applicant_mobile", None)
    answer = verify_intake_mobile(mobile, [upload.token for upload in intake.staged])
    if answer is None and intake.created is not None:
        intake.created.mobile_proven = proven_here(mobile)  # its account lists it (SPEC §2)
    return answer


#: Abuse limits (SPEC §11): accepted submissions per client address (generous: a 司法所
#: counter PC or a carrier's NAT serves many people) and per mobile given (tight: each
#: submission texts that mobile). Only accepted submissions count, never page views,
#: validation errors or language switches; staff-entered requests are exempt.
SUBMISSION_LIMITS = (
    ("address", "RATELIMIT_SUBMISSIONS_PER_ADDRESS"),
    ("mobile", "RATELIMIT_SUBMISSIONS_PER_MOBILE"),
)


def _submission_limits(created: ServiceRequest) -> list:
    """(limit, identifiers) pairs for this submission, empty when limits are off or for staff."""
    from flask_login import current_user
    from limits import parse_many

    config = current_app.config
    if not config.get("RATELIMIT_ENABLED", True) or (current_user.is_authenticated and current_user.is_staff):
        return []
    keys = {"address": request.remote_addr or "unknown", "mobile": getattr(created, "applicant_mobile", None)}
    prefix = config.get("RATELIMIT_KEY_PREFIX") or "portal"
    pairs = []
    for what, setting in SUBMISSION_LIMITS:
        if keys[what] and config.get(setting):
            pairs += [
                (item, (prefix, "submissions", what, keys[what])) for item in parse_many(config[setting])
            ]
    return pairs


def within_submission_limits(intake: Intake, created: ServiceRequest):
    """A 429 page when this address or mobile has had its share of accepted submissions."""
    from portal.errors import render_error
    from portal.extensions import limiter

    pairs = _submission_limits(created)
    if all(limiter.limiter.test(item, *ids) for item, ids in pairs):
        return None
    return render_error(
        429,
        _l(
            "This address or mobile number has sent many requests recently. Wait an hour, "
            "or call 12348 or visit a justice office."
        ),
    )


def count_submission(created: ServiceRequest) -> None:
    """Count an accepted submission (after its commit) against the limits."""
    from portal.extensions import limiter

    for item, ids in _submission_limits(created):
        limiter.limiter.hit(item, *ids)


#: The steps between validation and commit, in order.
STEPS: tuple[Callable[[Intake], Any], ...] = (check_answers, verify_mobile)


def run_intake(intake: Intake):
    """Take the form through the steps and answer with the page or the confirmation."""
    form = intake.form
    if request.method == "POST":
        intake.staged = attachments.staged(request.form.getlist(STAGED_FIELD))
        form.existing_attachment_count = len(intake.staged)
        if (language := request.form.get(SWITCH_LANGUAGE)) is not None:
            if not request.form.get(ON_CHECK_PAGE):
                return _switch_language(intake, language)
            # On the check page: the same page again, in the other language.
            from portal.i18n import remember_language

            _use_language(language)
            return remember_language(_run_steps(intake), language)
        if CHANGE_ANSWER in request.form:
            return _render(intake, 200)  # back to the form, every answer and file kept
    return _run_steps(intake)


def _run_steps(intake: Intake):
    """Validate, then build and take the request through the steps to its commit."""
    form = intake.form
    valid = form.validate_on_submit()
    plain_required_messages(form)
    upload_field = next((f for f in form if isinstance(f, MultipleFileField)), None)
    if (
        valid
        and upload_field
        and len(attachments.wanted_tokens(request.form.getlist(STAGED_FIELD))) > len(intake.staged)
    ):
        # A file listed on the form is gone (removed after a day, or staged by another
        # browser): say so rather than create the request without it.
        upload_field.errors.append(_l("A file you attached earlier is no longer kept. Attach it again."))
        valid = False
    try:
        _stage_new_files(intake)
    except storage.StorageError as error:
        # The store is down: the form comes back with what was typed, nothing is created.
        db.session.rollback()
        upload_field.errors.append(error.message)
        return _render(intake, 503)
    if valid:
        try:
            created = intake.build(form, intake.staged)
        except IntakeError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(error.message)
            if intake.on_refused:
                intake.on_refused(form)
            return _render(intake, error.status)
        intake.created = created
        for step in STEPS:
            if (answer := step(intake)) is not None:
                db.session.rollback()
                return answer
        if (answer := within_submission_limits(intake, created)) is not None:
            db.session.rollback()
            return answer
        db.session.commit()
        count_submission(created)
        remember_tracked(created)
        return redirect(url_for(intake.confirmation, reference=created.reference), 303)
    return _render(intake, 400 if form.is_submitted() else 200)


def _stage_new_files(intake: Intake) -> None:
    for upload_field in intake.form:
        if isinstance(upload_field, MultipleFileField) and getattr(upload_field, "checked", None):
            intake.staged += attachments.stage(upload_field.checked)
            upload_field.checked = []


def _switch_language(intake: Intake, language: str):
    from portal.i18n import remember_language

    _use_language(language)
    for upload_field in intake.form:
        if isinstance(upload_field, MultipleFileField):
            upload_field.validate(intake.form)  # check the files only, to keep the good ones
    _stage_new_files(intake)
    response = _render(intake, 200)
    return remember_language(response, language)


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
        **intake.context,
    )
    return current_app.make_response((page, status))


def answer_rows(form: FlaskForm):
    """(label, answer as shown, field id) of each question answered, in the form's order."""
    for question in form:
        if question.type in _NOT_ANSWERS:
            continue
        if question.type == "BooleanField":
            shown = gettext("Yes") if question.data else ""
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
