"""The mediation agreement's page and PDF (People's Mediation Law Arts. 28-33), for the
coordinator and the case's mediators: more terms before signing, each party's signature,
the mediator's and the committee's seal (the written agreement takes effect on the last of
them), the joint application for judicial confirmation and its result, and the performance
of each term. Each form is offered only while the agreement's state allows it."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import Conflict

from portal.core import documents
from portal.core.clock import local_today
from portal.core.services import record_event
from portal.extensions import db
from portal.mediation.agreement_forms import (
    LABELS,
    ConfirmationForm,
    ConfirmationResultForm,
    SignatureForm,
    TermForm,
    TermResultForm,
)
from portal.mediation.commands import tell_effective
from portal.mediation.courts import competent_courts
from portal.mediation.models import MediationCase, MediationSignature, MediationTerm
from portal.mediation.records import _case_for_staff
from portal.mediation.states import MediationState as S

bp = Blueprint("mediation_agreements", __name__, url_prefix="/staff/mediation/cases")


def signers(case: MediationCase) -> dict[str, str]:
    """Who signs a written agreement, in order: the parties, the mediator, then the seal."""
    found = {"applicant": f"{_l('Applicant')}: {case.applicant_name}"}
    for party in case.parties:
        found[f"party-{party.id}"] = f"{_l('The other party')}: {party.name}"
    mediator = case.mediator.display_name if case.mediator else ""
    found["mediator"] = f"{_l('Mediator')}: {mediator}"
    committee = case.committee.name if case.committee else ""
    found["seal"] = f"{_l('Seal of the committee')}: {committee}"
    return found


def signer_name(case: MediationCase, key: str) -> str:
    """The name alone (no translated words), as the history keeps it in any language."""
    if key == "applicant":
        return case.applicant_name
    if key == "mediator":
        return case.mediator.display_name if case.mediator else ""
    if key == "seal":
        return case.committee.name if case.committee else ""
    return next((p.name for p in case.parties if f"party-{p.id}" == key), "")


#: What the agreement page records, in the case's history (RequestKind.event_labels).
EVENT_LABELS = {
    "agreement_signed": _l("Signature recorded on the mediation agreement"),
    "agreement_sealed": _l("Seal of the committee recorded on the mediation agreement"),
    "confirmation_applied": LABELS["applied_for"],
    "confirmation_confirmed": _l("The court confirmed the agreement"),
    "confirmation_refused": _l("The court refused to confirm the agreement"),
}


def missing_signatures(case: MediationCase) -> dict[str, str]:
    done = {s.signer for s in case.signatures}
    return {key: label for key, label in signers(case).items() if key not in done}


def may_draft(case) -> bool:
    return case.status == S.AGREEMENT and case.agreement_form == "written" and not case.signatures


def may_sign(case) -> bool:
    return (
        case.status == S.AGREEMENT
        and case.agreement_form == "written"
        and case.agreement_effective_on is None
    )


def may_apply(case) -> bool:
    return (
        case.agreement_form == "written"
        and case.agreement_effective_on is not None
        and case.confirmation_applied_on is None
        and case.status in (S.AGREEMENT, S.CLOSED)
    )


def may_record_result(case) -> bool:
    return case.confirmation_applied_on is not None and case.confirmation_result is None


def may_check(case) -> bool:
    return case.agreement_effective_on is not None and case.status == S.AGREEMENT


def _forms(case: MediationCase, **submitted) -> dict:
    forms = {
        "term_form": TermForm(prefix="term") if may_draft(case) else None,
        "sign_form": SignatureForm(case, missing_signatures(case), prefix="sign") if may_sign(case) else None,
        "apply_form": ConfirmationForm(case, competent_courts(case), prefix="confirm")
        if may_apply(case)
        else None,
        "result_form": ConfirmationResultForm(case, prefix="result") if may_record_result(case) else None,
        "term_results": {t.id: TermResultForm(prefix=f"performed-{t.id}") for t in case.terms}
        if may_check(case)
        else {},
    }
    forms.update(submitted)
    return forms


def _case(reference: str) -> MediationCase:
    case = _case_for_staff(reference)
    if not case.agreement_form:
        abort(404)
    return case


def _page(case, status=200, **submitted):
    forms = _forms(case, **submitted)
    single = ("term_form", "sign_form", "apply_form", "result_form")
    page_forms = [forms[k] for k in single if forms[k]] + list(forms["term_results"].values())
    return render_template(
        "mediation/agreement.html", case=case, signers=signers(case), page_forms=page_forms, **forms
    ), status


def _done(case, message):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("mediation_agreements.agreement", reference=case.reference), 303)


@bp.get("/<reference>/agreement")
def agreement(reference: str):
    return _page(_case(reference))


@bp.get("/<reference>/agreement.pdf")
def agreement_pdf(reference: str):
    """The agreement to print and sign (调解协议书)."""
    case = _case(reference)
    return documents.pdf_response(
        "mediation/agreement_document.html",
        f"{case.reference}-agreement",
        case=case,
        signers=signers(case),
        printed_on=local_today(),
    )


@bp.post("/<reference>/agreement/terms")
def add_term(reference: str):
    case = _case(reference)
    if not may_draft(case):
        raise Conflict()
    form = TermForm(prefix="term")
    if not form.validate_on_submit():
        return _page(case, 400, term_form=form)
    case.terms.append(
        MediationTerm(
            position=len(case.terms) + 1,
            obligor=form.obligor.data.strip(),
            obligation=form.obligation.data.strip(),
            due_on=form.due_on.data,
            method=(form.method.data or "").strip() or None,
        )
    )
    dues = [t.due_on for t in case.terms if t.due_on]
    case.performance_due_on = max(dues) if dues else None
    return _done(case, _l("Term added."))


@bp.post("/<reference>/agreement/signatures")
def sign(reference: str):
    """Record one signature or the seal; the last of them makes the agreement effective."""
    case = _case(reference)
    if not may_sign(case):
        raise Conflict()
    form = SignatureForm(case, missing_signatures(case), prefix="sign")
    if not form.validate_on_submit():
        return _page(case, 400, sign_form=form)
    case.signatures.append(
        MediationSignature(
            signer=form.signer.data, signed_on=form.signed_on.data, recorded_by_id=current_user.id
        )
    )
    record_event(
        case,
        "agreement_sealed" if form.signer.data == "seal" else "agreement_signed",
        user=current_user,
        comment=f"{signer_name(case, form.signer.data)} · {form.signed_on.data.isoformat()}",
    )
    if not missing_signatures(case):
        case.agreement_effective_on = max(s.signed_on for s in case.signatures)
        tell_effective(case)
        return _done(case, _l("Signed and sealed: the agreement is in effect."))
    return _done(case, _l("Recorded."))


@bp.post("/<reference>/agreement/confirmation")
def apply_for_confirmation(reference: str):
    case = _case(reference)
    if not may_apply(case):
        raise Conflict()
    form = ConfirmationForm(case, competent_courts(case), prefix="confirm")
    if not form.validate_on_submit():
        return _page(case, 400, apply_form=form)
    court = form.other_court.data.strip() if form.court.data == "other" else form.court.data
    case.confirmation_court, case.confirmation_applied_on = court, form.applied_on.data
    record_event(
        case, "confirmation_applied", user=current_user, comment=f"{court} · {case.confirmation_applied_on}"
    )
    return _done(case, _l("The application for judicial confirmation is recorded."))


@bp.post("/<reference>/agreement/confirmation/result")
def confirmation_result(reference: str):
    case = _case(reference)
    if not may_record_result(case):
        raise Conflict()
    form = ConfirmationResultForm(case, prefix="result")
    if not form.validate_on_submit():
        return _page(case, 400, result_form=form)
    case.confirmation_result = form.result.data
    case.confirmation_decided_on = form.decided_on.data
    case.confirmation_number = form.number.data.strip()
    record_event(
        case,
        f"confirmation_{case.confirmation_result}",
        user=current_user,
        comment=f"{case.confirmation_court} {case.confirmation_number}",
    )
    return _done(case, _l("The court's decision is recorded."))


@bp.post("/<reference>/agreement/terms/<int:term_id>/performance")
def term_performance(reference: str, term_id: int):
    case = _case(reference)
    term = next((t for t in case.terms if t.id == term_id), None)
    if term is None:
        abort(404)
    if not may_check(case):
        raise Conflict()
    form = TermResultForm(prefix=f"performed-{term.id}")
    if not form.validate_on_submit():
        results = _forms(case)["term_results"]
        results[term.id] = form
        return _page(case, 400, term_results=results)
    term.performance, term.performance_noted_on = form.result.data, local_today()
    results = {t.performance for t in case.terms}
    if None not in results:  # every term checked: the agreement's own result follows from them
        case.performance = results.pop() if len(results) == 1 else "partly"
    return _done(case, _l("Performance recorded."))
