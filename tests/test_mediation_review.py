# ruff: noqa: F811  (the `people` fixture is imported from test_mediation)
"""The review of issue 35's agreements, as the staff use them (CSRF on): the court of a
judicial confirmation is always recorded; mediation starts only once both parties read their
rights and duties and chose public or not; signatures, seal and court events are events of
their own; a case is not closed before its written agreement takes effect."""

import re
from datetime import timedelta

from sqlalchemy import select
from test_mediation import STARTED, accept, act, agreement, applied, people, signed_in  # noqa: F401

from portal.core.clock import local_today
from portal.core.models import AuditEvent
from portal.extensions import db
from portal.mediation.models import MediationCase


def found() -> MediationCase:
    db.session.expire_all()
    return db.session.scalar(select(MediationCase).order_by(MediationCase.id))


def mediating(client, people, make_client):
    reference = applied(client, people)
    accept(make_client, people, reference)
    mediator = signed_in(make_client, "mediator")
    assert act(mediator, reference, "start", STARTED).status_code == 303
    return reference, mediator


def written(client, people, make_client, *, sign=True):
    """A written agreement recorded, and (if `sign`) signed by all and sealed: in effect."""
    reference, mediator = mediating(client, people, make_client)
    assert act(mediator, reference, "record_agreement", agreement()).status_code == 303
    page = f"/staff/mediation/cases/{reference}/agreement"
    if sign:
        for signer in ["applicant", f"party-{found().parties[0].id}", "mediator", "seal"]:
            data = {"sign-signer": signer, "sign-signed_on": local_today().isoformat()}
            assert mediator.submit(page, data, action=f"{page}/signatures").status_code == 303
    return reference, mediator, page


def test_another_court_must_be_named(client, people, make_client):
    reference, mediator, page = written(client, people, make_client)
    data = {
        "confirm-court": "other",
        "confirm-other_court": " ",
        "confirm-applied_on": local_today().isoformat(),
    }
    refused = mediator.submit(page, data, action=f"{page}/confirmation")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'id="confirm-other_court-error"' in html
    assert re.search(r'<input checked[^>]*value="other"', html)  # the choice is kept
    assert found().confirmation_court is None and found().confirmation_applied_on is None
    data["confirm-other_court"] = "浏阳市人民法院"
    assert mediator.submit(page, data, action=f"{page}/confirmation").status_code == 303
    assert found().confirmation_court == "浏阳市人民法院"


def test_mediation_starts_only_once_both_parties_read_their_rights_and_chose(client, people, make_client):
    """Art. 23-24: the other party's consent given in person is recorded with their choice;
    an applicant who never read theirs (an old record) blocks the start, said on the page."""
    reference = applied(client, people)
    accept(make_client, people, reference)
    mediator = signed_in(make_client, "mediator")
    empty = act(mediator, reference, "start", {})
    html = empty.get_data(as_text=True)
    assert (
        empty.status_code == 400
        and 'id="start-privacy-error"' in html
        and 'id="start-rights_read-error"' in html
    )
    assert found().status == "accepted" and found().party_rights_read_at is None

    case = found()
    case.applicant_rights_read_at = None
    db.session.commit()
    page = mediator.get(f"/staff/requests/{reference}").get_data(as_text=True)
    assert f'action="/staff/requests/{reference}/actions/start"' not in page
    assert 'data-action="start"' in page and "申请人尚未阅读" in page
    assert act(mediator, reference, "start", STARTED).status_code in (400, 409)
    assert found().status == "accepted"

    case = found()
    case.applicant_rights_read_at = case.created_at
    db.session.commit()
    assert act(mediator, reference, "start", STARTED).status_code == 303
    case = found()
    assert case.status == "mediating" and case.party_rights_read_at and case.party_private is True
    page = mediator.get(f"/staff/requests/{reference}").get_data(as_text=True)
    assert "对方当事人: —" not in page


def test_signatures_seal_and_court_are_events_of_their_own_in_each_language(client, people, make_client):
    reference, mediator, page = written(client, people, make_client)
    data = {"confirm-court": "长沙县人民法院", "confirm-applied_on": local_today().isoformat()}
    assert mediator.submit(page, data, action=f"{page}/confirmation").status_code == 303
    result = {
        "result-result": "confirmed",
        "result-decided_on": local_today().isoformat(),
        "result-number": "X1",
    }
    assert mediator.submit(page, result, action=f"{page}/confirmation/result").status_code == 303
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.request_id == found().id)).all()
    assert "note" not in actions
    assert actions.count("agreement_signed") == 3 and actions.count("agreement_sealed") == 1
    assert "confirmation_applied" in actions and "confirmation_confirmed" in actions
    detail = f"/staff/requests/{reference}"
    html = mediator.get(detail).get_data(as_text=True)
    assert (
        "已在调解协议上记录签名" in html
        and "已在调解协议上记录调解委员会印章" in html
        and "已添加内部备注" not in html
    )
    mediator.set_cookie("lang", "en")
    html = mediator.get(detail).get_data(as_text=True)
    assert "Signature recorded" in html and "Judicial confirmation applied for" in html
    assert "申请人" not in html and "申请司法确认" not in html  # nothing frozen in Chinese


def test_a_written_agreement_is_closed_only_once_in_effect_and_a_later_session_is_cancelled(
    client, people, make_client
):
    reference, mediator = mediating(client, people, make_client)
    day = (local_today() + timedelta(days=2)).isoformat()
    session = {
        "schedule_session-day": day,
        "schedule_session-start": "09:30",
        "schedule_session-minutes": "60",
        "schedule_session-place": "星沙司法所调解室",
    }
    assert act(mediator, reference, "schedule_session", session).status_code == 303
    assert act(mediator, reference, "record_agreement", agreement()).status_code == 303
    assert found().sessions == []  # the session still to come is cancelled, not left live
    detail = f"/staff/requests/{reference}"
    html = mediator.get(detail).get_data(as_text=True)
    assert f'action="{detail}/actions/close"' not in html and 'data-action="close"' in html
    assert "书面调解协议尚未生效" in html
    assert act(mediator, reference, "close", {"close-performance": ""}).status_code in (400, 409)
    assert found().status == "agreement"
    page = f"/staff/mediation/cases/{reference}/agreement"
    for signer in ["applicant", f"party-{found().parties[0].id}", "mediator", "seal"]:
        data = {"sign-signer": signer, "sign-signed_on": local_today().isoformat()}
        assert mediator.submit(page, data, action=f"{page}/signatures").status_code == 303
    assert f'action="{detail}/actions/close"' in mediator.get(detail).get_data(as_text=True)
    assert act(mediator, reference, "close", {"close-performance": ""}).status_code == 303


def test_the_agreement_form_offers_held_sessions_and_says_what_is_required(client, people, make_client):
    reference = applied(client, people)
    coordinator = signed_in(make_client, "mediation")
    empty = act(coordinator, reference, "accept", {"accept-committee": "", "accept-summary": "摘要"})
    html = empty.get_data(as_text=True)
    assert empty.status_code == 400 and "请选择调解委员会。" in html
    assert 'id="accept-committee-error"' in html
    accept(make_client, people, reference)
    mediator = signed_in(make_client, "mediator")
    assert act(mediator, reference, "start", STARTED).status_code == 303
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    session = {
        "schedule_session-day": tomorrow,
        "schedule_session-start": "09:30",
        "schedule_session-minutes": "60",
        "schedule_session-place": "星沙司法所调解室",
    }
    assert act(mediator, reference, "schedule_session", session).status_code == 303
    future = found().sessions[0]
    html = mediator.get(f"/staff/requests/{reference}").get_data(as_text=True)
    form = html[html.index('id="action-record_agreement"') :]
    form = form[: form.index("</form>")]
    assert f'value="{future.id}"' not in form and 'value="none"' in form  # not held yet: not offered
    assert form.index("record_agreement-agreement_form") < form.index("record_agreement-session")
    assert "record_agreement-method" not in form  # 履行方式和时限 alone, not also 履行方式（选填）
    assert "（必填）" in form[: form.index("record_agreement-facts")]
    refused = act(mediator, reference, "record_agreement", agreement(session=str(future.id)))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'id="record_agreement-session-error"' in html
    assert 'id="record_agreement-reached_on-error"' not in html


def test_the_printed_agreement_is_one_document_of_the_parties_with_its_last_day_for_the_court(
    client, people, make_client
):
    import io

    from pypdf import PdfReader

    reference, mediator, page = written(client, people, make_client)
    last_day = (found().agreement_effective_on + timedelta(days=30)).isoformat()
    assert last_day in mediator.get(page).get_data(as_text=True)
    pdf = mediator.get(f"{page}.pdf")
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages]
    text = "".join(pages)
    assert last_day in text and "星沙街道某小区" in text  # Art. 28: the parties' details
    assert "是否履行" not in text and "履行情况" not in text  # internal: never printed
    assert text.count("签名和盖章") == 1, text
    assert all(len(p.strip()) > 80 for p in pages), pages  # no page of the footer alone


def test_the_report_counts_as_mediated_only_what_ended_and_links_every_figure(
    client, people, make_client, make_staff
):
    """Agreements over mediations that ended (agreement or not): one still being mediated is
    not in the denominator. The amount agreed has a row of its own."""
    from test_reports import figures_of, section_html

    written(client, people, make_client, sign=False)
    mediating(client, people, make_client)
    make_staff("boss", "supervisor")
    boss = signed_in(make_client, "boss")
    boss.set_cookie("lang", "en")
    for page in ("/staff/reports/", "/staff/reports/annual"):
        section = section_html(boss.get(page).get_data(as_text=True), "mediation")
        figures = figures_of(section)
        assert figures["Mediated: ended with or without an agreement"][0] == 1
        row = section[section.index("Agreements reached") :]
        row = row[: row.index("</tr>")]
        assert "100.0%" in row and "Amount agreed" not in row
        assert re.search(r'<th scope="row">Amount agreed \(yuan\)</th>', section)
        rows = re.findall(r'<th scope="row">([^<]+)</th>\s*<td>(.*?)</td>', section, re.S)
        plain = [label for label, cell in rows if "<a " not in cell and not label.startswith("Amount")]
        assert plain == [], plain


def test_the_courts_are_punctuated_as_each_language_writes(app):
    from flask_babel import force_locale

    from portal.core.models import Township
    from portal.mediation.courts import competent_courts

    township = db.session.scalars(select(Township).order_by(Township.sort_order)).first()
    app.config["MEDIATION_BASIC_COURTS"] = {"": "长沙县人民法院"}
    case = MediationCase(channel="online", township=township)
    with app.test_request_context(), force_locale("zh_Hans"):
        label = competent_courts(case)[0][1]
    assert label.startswith("长沙县人民法院（") and label.endswith("）") and "；" in label
    with app.test_request_context(), force_locale("en"):
        label = competent_courts(case)[0][1]
    assert label.startswith("长沙县人民法院 (") and "; " in label
