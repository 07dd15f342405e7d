# ruff: noqa: F811  (the `people` fixture is imported from test_mediation)
"""Issue 35's "done when", as deployed (the SMS code on, CSRF, staff two-factor, https): a
dispute reaches a written agreement whose PDF lists its terms; it takes effect only once
every party, the mediator and the committee's seal are recorded; a court the parties chose
confirms it with its document number; each term's performance is recorded; the case shows
in every figure of the report, each linking to its queue. An agreement dated before its
session is refused next to the field."""

import io
import re
from datetime import timedelta

from deployed import hidden_inputs, new_mobile, staff_signed_in
from sqlalchemy import select
from test_journeys_deployed import through_the_code
from test_mediation import STARTED, SUMMARY, agreement, form, people  # noqa: F401
from test_reports import REFERENCE, figures_of, section_html

from portal.core.clock import local_today
from portal.extensions import db
from portal.mediation.models import MediationCase, MediationSession

NUMBER = "（2026）湘0121民特123号"


def send(browser, page: str, action: str, answers: dict):
    """Open `page` and send its form posting to `action`, with its hidden inputs (as a browser)."""
    html = browser.visit(page).get_data(as_text=True)
    if action == page:  # a page of one form, posting to itself
        return browser.post(action, data={**hidden_inputs(html), **answers})
    match = re.search(rf'<form\b[^>]*action="{re.escape(action)}"[^>]*>(.*?)</form>', html, re.S)
    assert match, f"no form to {action} on {page}"
    form_html = f'<form id="it">{match.group(1)}</form>'
    return browser.post(action, data={**hidden_inputs(form_html, "it"), **answers})


def found() -> MediationCase:
    db.session.expire_all()
    return db.session.scalar(select(MediationCase).order_by(MediationCase.id))


def test_a_written_agreement_from_dispute_to_court_confirmation_and_every_figure(browser, people, make_staff):
    applicant, mobile = browser(), new_mobile()
    answers = form(people, mobile=mobile, other_mobile=new_mobile())
    assert through_the_code(applicant, mobile, "/mediation/apply", answers).status_code == 303
    reference = found().reference
    detail = f"/staff/requests/{reference}"
    coordinator = staff_signed_in(browser, "mediation")
    # A second dispute, declined: received but neither accepted nor mediated.
    register = "/staff/mediation/register"
    answers = {**form(people, mobile=new_mobile(), other_mobile=new_mobile()), "channel": "counter"}
    assert send(coordinator, register, register, answers).status_code == 303
    declined = db.session.scalar(select(MediationCase).where(MediationCase.reference != reference)).reference
    to_decline = f"/staff/requests/{declined}"
    refusal = send(
        coordinator, to_decline, f"{to_decline}/actions/decline", {"decline-reason": "已由法院受理"}
    )
    assert refusal.status_code == 303
    accepted = send(
        coordinator,
        detail,
        f"{detail}/actions/accept",
        {
            "accept-committee": str(people["committee_id"]),
            "accept-mediator": str(people["mediator"].id),
            "accept-summary": SUMMARY,
            "accept-major": "y",
            "accept-enterprise_related": "y",
        },
    )
    assert accepted.status_code == 303, accepted.get_data(as_text=True)[:2000]
    mediator = staff_signed_in(browser, "mediator")
    assert send(mediator, detail, f"{detail}/actions/start", STARTED).status_code == 303
    day = local_today() + timedelta(days=1)
    session_form = {
        "schedule_session-day": day.isoformat(),
        "schedule_session-start": "09:30",
        "schedule_session-minutes": "60",
        "schedule_session-place": "星沙司法所调解室",
    }
    assert send(mediator, detail, f"{detail}/actions/schedule_session", session_form).status_code == 303
    session = db.session.scalar(select(MediationSession))
    assert mediator.get(f"/staff/mediation/cases/{reference}/agreement").status_code == 404  # none yet

    # A session not held yet is refused next to the session, what was typed kept.
    written = {**agreement(), "record_agreement-session": str(session.id)}
    early = send(mediator, detail, f"{detail}/actions/record_agreement", written)
    html = early.get_data(as_text=True)
    assert early.status_code == 400 and 'id="record_agreement-session-error"' in html
    assert "三日内清理通道杂物" in html and found().status == "mediating"

    session.starts_at -= timedelta(days=2)  # the session took place
    db.session.commit()
    # Dated before the session that reached it: refused next to the date.
    before = {**written, "record_agreement-reached_on": (local_today() - timedelta(days=3)).isoformat()}
    early = send(mediator, detail, f"{detail}/actions/record_agreement", before)
    html = early.get_data(as_text=True)
    assert early.status_code == 400 and 'id="record_agreement-reached_on-error"' in html
    assert "协议日期不能早于达成协议的调解会" in html and found().status == "mediating"
    reached = send(mediator, detail, f"{detail}/actions/record_agreement", written)
    assert reached.status_code == 303
    case = found()
    assert case.status == "agreement" and case.agreement_effective_on is None
    assert [t.obligor for t in case.terms] == ["冯建军"]

    page = f"/staff/mediation/cases/{reference}/agreement"
    more = {"term-obligor": "冯桂兰", "term-obligation": "共同出资修好排水沟。", "term-method": "各出一半"}
    assert send(mediator, page, f"{page}/terms", more).status_code == 303
    pdf = mediator.get(f"{page}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "三日内清理通道杂物" in text and "共同出资修好排水沟" in text and "人民调解协议书" in text

    # Not in effect before all signatures and the seal: confirmation is neither offered nor taken.
    html = mediator.visit(page).get_data(as_text=True)
    assert f'action="{page}/signatures"' in html and f'action="{page}/confirmation"' not in html
    before = send(
        mediator, page, f"{page}/signatures", {"sign-signer": "applicant", "sign-signed_on": "2020-01-01"}
    )
    assert before.status_code == 400 and 'id="sign-signed_on-error"' in before.get_data(as_text=True)
    signers = ["applicant", f"party-{case.parties[0].id}", "mediator"]
    for signer in signers:
        today = local_today().isoformat()
        assert (
            send(
                mediator, page, f"{page}/signatures", {"sign-signer": signer, "sign-signed_on": today}
            ).status_code
            == 303
        )
        assert found().agreement_effective_on is None, signer
    refused = mediator.post(
        f"{page}/confirmation", data=hidden_inputs(mediator.visit(page).get_data(as_text=True))
    )
    assert refused.status_code == 409
    sealed = send(
        mediator,
        page,
        f"{page}/signatures",
        {"sign-signer": "seal", "sign-signed_on": local_today().isoformat()},
    )
    assert sealed.status_code == 303 and found().agreement_effective_on == local_today()

    html = mediator.visit(page).get_data(as_text=True)
    assert f'action="{page}/signatures"' not in html and "长沙县人民法院" in html
    applied = send(
        mediator,
        page,
        f"{page}/confirmation",
        {"confirm-court": "长沙县人民法院", "confirm-applied_on": local_today().isoformat()},
    )
    assert applied.status_code == 303
    decided = send(
        mediator,
        page,
        f"{page}/confirmation/result",
        {
            "result-result": "confirmed",
            "result-decided_on": local_today().isoformat(),
            "result-number": NUMBER,
        },
    )
    assert decided.status_code == 303
    case = found()
    assert (case.confirmation_court, case.confirmation_result, case.confirmation_number) == (
        "长沙县人民法院",
        "confirmed",
        NUMBER,
    )
    for term in case.terms:
        done = send(
            mediator,
            page,
            f"{page}/terms/{term.id}/performance",
            {f"performed-{term.id}-result": "performed"},
        )
        assert done.status_code == 303
    assert found().performance == "performed"
    risk = f"/staff/mediation/cases/{reference}/risk"
    flagged = send(mediator, risk, risk, {"level": "low", "note": "言语冲突", "turned_criminal": "y"})
    assert flagged.status_code == 303

    make_staff("boss", "supervisor")
    boss = staff_signed_in(browser, "boss")
    boss.set_cookie("lang", "en")
    section = section_html(boss.visit("/staff/reports/").get_data(as_text=True), "mediation")
    figures = figures_of(section)
    expected = {
        "Disputes received": 2,
        "Accepted by a committee": 1,
        "Mediated: ended with or without an agreement": 1,
        "Agreements reached": 1,
        "Commissioned by a court before filing": 0,
        "Major disputes": 1,
        "Disputes involving an enterprise": 1,
        "Flagged at risk of turning violent or criminal": 1,
        "Turned into a criminal case": 1,
        "Agreements performed in full": 1,
        "Judicial confirmation applied for": 1,
        "Confirmed by a court": 1,
    }
    assert {label: figures[label][0] for label in expected} == expected
    row = section[section.index("Agreements reached") :]
    assert "100.0%" in row[: row.index("</tr>")]  # agreements over those mediated (1 of 1), not received
    for label in expected:
        queue = boss.visit(figures[label][1]).get_data(as_text=True)
        table = queue[queue.find("<tbody>") : queue.find("</tbody>")] if "<tbody>" in queue else ""
        assert len(set(REFERENCE.findall(table))) == expected[label], label


def test_the_courts_offered_follow_the_case(app):
    """The inviting court alone for a court-commissioned mediation; else the basic court of
    where the dispute arose and of the committee (from settings), and another of a party's
    domicile."""
    from portal.core.models import Township
    from portal.mediation.courts import competent_courts

    township = db.session.scalars(select(Township).order_by(Township.sort_order)).first()
    app.config["MEDIATION_BASIC_COURTS"] = {"": "长沙县人民法院", township.code: "长沙县人民法院星沙人民法庭"}
    invited = MediationCase(channel="court_commission", referring_body="长沙县人民法院")
    assert [court for court, _label in competent_courts(invited)] == ["长沙县人民法院"]
    applied = MediationCase(channel="online", township=township)
    assert [court for court, _label in competent_courts(applied)] == [
        "长沙县人民法院星沙人民法庭",
        "长沙县人民法院",
        "other",
    ]


def test_the_agreement_page_is_for_the_case_staff_and_offers_what_its_state_allows(
    client, people, make_client
):
    """An oral agreement is in effect when reached (Art. 30): nothing to sign, no court
    confirmation offered, each term's performance recorded. Another mediator, the parties
    and anyone else never open it."""
    from test_mediation import accept, act, applied, signed_in

    reference = applied(client, people)
    accept(make_client, people, reference)
    mediator = signed_in(make_client, "mediator")
    assert act(mediator, reference, "start", STARTED).status_code == 303
    assert act(mediator, reference, "record_agreement", agreement("oral")).status_code == 303
    case = found()
    assert case.agreement_effective_on == local_today() and case.agreement_reached_on == local_today()
    page = f"/staff/mediation/cases/{reference}/agreement"
    html = mediator.get(page).get_data(as_text=True)
    assert "三日内清理通道杂物" in html and f'action="{page}/terms/{case.terms[0].id}/performance"' in html
    assert f'action="{page}/signatures"' not in html and f'action="{page}/confirmation"' not in html
    assert mediator.submit(page, {"sign-signer": "seal"}, action=f"{page}/signatures").status_code == 409
    term = f"{page}/terms/{case.terms[0].id}/performance"
    missing = mediator.submit(page, {}, action=term)
    assert (
        missing.status_code == 400
        and f'id="performed-{case.terms[0].id}-result-error"' in missing.get_data(as_text=True)
    )
    assert (
        mediator.submit(page, {f"performed-{case.terms[0].id}-result": "partly"}, action=term).status_code
        == 303
    )
    assert found().performance == "partly"
    assert signed_in(make_client, "mediator2").get(page).status_code == 403
    assert signed_in(make_client, "mediator2").get(f"{page}.pdf").status_code == 403
    assert make_client().get(page).status_code in (302, 401, 403)
    assert client.get(f"{page}.pdf").status_code in (302, 401, 403)
