"""The steps of every public intake, written once (SPEC §13).

validate → check your answers → verify the mobile → commit → confirmation.

Each public form's view hands its form, template and a `build` function to `run_intake`.
Files are staged as pending uploads as soon as they pass their checks, so a form shown
again (an error elsewhere, a language switch) keeps them. Switching language on a form
page is a button of the form: a POST that re-renders the typed values in the other
language without validating. The check-your-answers and mobile-verification steps are
seams (`STEPS`) that later work fills in; today both let the submission through.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, g, redirect, render_template, request, url_for
from flask_babel import refresh
from flask_wtf import FlaskForm
from wtforms import MultipleFileField

from portal.core import attachments
from portal.core.access import remember_tracked
from portal.core.models import PendingUpload, ServiceRequest
from portal.extensions import db

#: Name of the language buttons that every intake form carries.
SWITCH_LANGUAGE = "switch_language"
#: Hidden field that carries the tokens of files staged by an earlier try.
STAGED_FIELD = "staged_upload"


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


def check_answers(intake: Intake):
    """Seam for the check-your-answers page: a response to show instead, or None to go on."""
    return None


def verify_mobile(intake: Intake):
    """Seam for mobile verification (SPEC §2): a response to show instead, or None to go on."""
    return None


#: The steps between validation and commit, in order.
STEPS: tuple[Callable[[Intake], Any], ...] = (check_answers, verify_mobile)


def run_intake(intake: Intake):
    """Take the form through the steps and answer with the page or the confirmation."""
    form = intake.form
    if request.method == "POST":
        intake.staged = attachments.staged(request.form.getlist(STAGED_FIELD))
        form.existing_attachment_count = len(intake.staged)
        if (language := request.form.get(SWITCH_LANGUAGE)) is not None:
            return _switch_language(intake, language)
    valid = form.validate_on_submit()
    _stage_new_files(intake)
    if valid:
        try:
            created = intake.build(form, intake.staged)
        except IntakeError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(error.message)
            if intake.on_refused:
                intake.on_refused(form)
            return _render(intake, error.status)
        for step in STEPS:
            if (answer := step(intake)) is not None:
                db.session.rollback()
                return answer
        db.session.commit()
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

    if language in current_app.config["LANGUAGES"]:
        g.language = language
        refresh()  # this very page is answered in the new language
    for upload_field in intake.form:
        if isinstance(upload_field, MultipleFileField):
            upload_field.validate(intake.form)  # check the files only, to keep the good ones
    _stage_new_files(intake)
    response = _render(intake, 200)
    return remember_language(response, language)


def _render(intake: Intake, status: int):
    page = render_template(
        intake.template, form=intake.form, staged_uploads=intake.staged, intake_form_id="intake-form", **intake.context
    )
    return current_app.make_response((page, status))
