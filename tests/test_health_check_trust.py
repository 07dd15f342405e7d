# ruff: noqa: F811  (the fixtures team, seeded and supervisor are imported from test_health_checks and test_reports)
"""Health checks an enterprise can trust (SPEC §5, round 3), over HTTP: the team's pledge
before anything opens, declared conflicts, the enterprise's objection, the report that says
who looked at what, and the clerk's path from verification to a request without retyping."""

import io
from datetime import datetime, timedelta

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select
from test_health_checks import (
    act,
    check,
    pledge,
    request_form,
    signed_in,
    team,  # noqa: F401 (fixture)
    verified_clerk,
)
from test_reports import (  # noqa: F401 (fixtures)
    seeded,
    supervisor,
)

from portal.core.clock import local_today
from portal.extensions import db
from portal.health_checks.models import TeamMember


def requested(clerk) -> str:
    response = clerk.submit("/health-checks/request", request_form())
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return response.headers["Location"].rsplit("/", 1)[1]


def with_team(make_client, team, partners=()):
    """A verified clerk's request, accepted, with 陈律师 leading and 刘律师 on the team."""
    clerk = verified_clerk(make_client)
    reference = requested(clerk)
    coordinator = signed_in(make_client, "hc")
    assert act(coordinator, reference, "accept").status_code == 303
    data = {
        "assign_team-lead": str(team["lead"].id),
        "assign_team-members": [str(team["member"].id)],
        "assign_team-partners": list(partners),
    }
    assert act(coordinator, reference, "assign_team", data).status_code == 303
    return clerk, coordinator, reference


def visit(client, reference, days=5):
    data = {
        "schedule_visit-day": (local_today() + timedelta(days=days)).isoformat(),
        "schedule_visit-start": "09:30",
        "schedule_visit-place": "星沙开元路 1 号",
    }
    assert act(client, reference, "schedule_visit", data).status_code == 303


def test_a_member_who_has_not_pledged_opens_nothing_of_the_enterprise(team, make_client):
    """Mutant caught: `team.may_open` returning True for any member on the team (seen red:
    the findings page answered 200 before the pledge)."""
    clerk, coordinator, reference = with_team(make_client, team)
    lead = signed_in(make_client, "lawyer")
    visit(coordinator, reference)
    assert act(coordinator, reference, "start_report").status_code == 303
    findings = f"/staff/health-checks/{reference}/findings"
    refused = lead.get(findings)
    assert refused.status_code == 403
    assert f"/staff/health-checks/{reference}/pledge" in refused.get_data(as_text=True)
    assert lead.post(findings, data={"area": "labour"}).status_code in (400, 403)
    detail = lead.get(f"/staff/requests/{reference}").get_data(as_text=True)
    assert "每位员工都签订了书面劳动合同吗" not in detail  # the self-assessment stays closed
    page = f"/staff/health-checks/{reference}/pledge"
    unticked = lead.submit(page, {"conflict": "none"})
    assert unticked.status_code == 400 and 'id="accept-error"' in unticked.get_data(as_text=True)
    assert check(reference).member_of(team["lead"]).pledged_at is None
    pledge(lead, reference)
    assert lead.get(findings).status_code == 200
    member = check(reference).member_of(team["lead"])
    assert "保密" in member.pledge_text  # the text as accepted is kept
    tracking = clerk.get(f"/track/{reference}").get_data(as_text=True)
    assert "陈律师" in tracking and "湖南某律师事务所" in tracking
    assert "已作出保密和不招揽业务承诺" in tracking  # who pledged, and when
    assert "尚未作出承诺" in tracking  # 刘律师 has not


def test_the_pledge_text_is_a_setting(team, make_client, app):
    """Mutant caught: `pledge_text` ignoring HEALTH_CHECK_PLEDGE_TEXT."""
    app.config["HEALTH_CHECK_PLEDGE_TEXT"] = "本所律师承诺：保密，不招揽。"
    _clerk, _coordinator, reference = with_team(make_client, team)
    lead = signed_in(make_client, "lawyer")
    assert "本所律师承诺：保密，不招揽。" in lead.get(f"/staff/health-checks/{reference}/pledge").get_data(
        as_text=True
    )
    pledge(lead, reference)
    assert check(reference).member_of(team["lead"]).pledge_text == "本所律师承诺：保密，不招揽。"


def test_a_declared_conflict_keeps_the_lawyer_off_the_team(team, make_client):
    """Mutants caught: `_is_team_member` ignoring `on_team` (seen red: the detail page opened
    after the declaration), and `TeamForm` not refusing a conflicted lawyer (seen red: the
    coordinator put 刘律师 back)."""
    clerk, coordinator, reference = with_team(make_client, team)
    member = signed_in(make_client, "lawyer2")
    page = f"/staff/health-checks/{reference}/pledge"
    silent = member.submit(page, {"conflict": "declared", "conflict_note": ""})
    assert silent.status_code == 400 and 'id="conflict_note-error"' in silent.get_data(as_text=True)
    declared = member.submit(
        page, {"conflict": "declared", "conflict_note": "本人是该企业集团的常年法律顾问。"}
    )
    assert declared.status_code == 303
    assert not check(reference).member_of(team["member"]).on_team
    assert member.get(f"/staff/requests/{reference}").status_code == 403
    assert member.get(f"/staff/health-checks/{reference}/findings").status_code == 403
    assert member.get(page).status_code == 403
    staff_view = coordinator.get(f"/staff/requests/{reference}").get_data(as_text=True)
    assert "本人是该企业集团的常年法律顾问。" in staff_view
    again = act(
        coordinator,
        reference,
        "assign_team",
        {"assign_team-lead": str(team["lead"].id), "assign_team-members": [str(team["member"].id)]},
    )
    assert again.status_code == 400 and "利益冲突" in again.get_data(as_text=True)
    assert [m.user_id for m in check(reference).active_team] == [team["lead"].id]
    # The next request of the same enterprise cannot have them either.
    second = requested(clerk)
    assert act(coordinator, second, "accept").status_code == 303
    refused = act(coordinator, second, "assign_team", {"assign_team-lead": str(team["member"].id)})
    assert refused.status_code == 400 and check(second).team == []


def test_an_enterprise_objection_is_decided_with_reasons_before_the_visit(team, make_client):
    """Mutant caught: `decide_objection` leaving an upheld member on the team (seen red: 刘律师
    still opened the check)."""
    clerk, coordinator, reference = with_team(make_client, team)
    member = check(reference).member_of(team["member"])
    tracking = f"/track/{reference}"
    assert f"/team/{member.id}/objection" in clerk.get(tracking).get_data(as_text=True)
    action = f"/health-checks/{reference}/team/{member.id}/objection"
    assert clerk.submit(tracking, {f"object{member.id}-reason": ""}, action=action).status_code == 303
    assert check(reference).member_of(team["member"]).objection is None  # no reason, nothing sent
    sent = clerk.submit(tracking, {f"object{member.id}-reason": "该律师代理我司的诉讼对方。"}, action=action)
    assert sent.status_code == 303
    detail = f"/staff/requests/{reference}"
    assert "该律师代理我司的诉讼对方。" in coordinator.get(detail).get_data(as_text=True)
    decide = f"/staff/health-checks/{reference}/team/{member.id}/objection"
    outsider = signed_in(make_client, "lawyer")
    assert outsider.post(decide, data={}).status_code in (400, 403)  # only the coordinator decides
    no_reasons = coordinator.submit(detail, {f"decide{member.id}-decision": "upheld"}, action=decide)
    assert no_reasons.status_code == 303 and check(reference).member_of(team["member"]).on_team
    upheld = coordinator.submit(
        detail,
        {
            f"decide{member.id}-decision": "upheld",
            f"decide{member.id}-reasons": "确有代理对方的案件，予以回避。",
        },
        action=decide,
    )
    assert upheld.status_code == 303
    assert not check(reference).member_of(team["member"]).on_team
    assert signed_in(make_client, "lawyer2").get(detail).status_code == 403
    assert "确有代理对方的案件，予以回避。" in clerk.get(tracking).get_data(as_text=True)
    # After the visit, no more objections.
    lead_member = check(reference).member_of(team["lead"])
    visit(coordinator, reference)
    assert act(coordinator, reference, "start_report").status_code == 303
    late = clerk.submit(
        tracking,
        {f"object{lead_member.id}-reason": "太晚了"},
        action=f"/health-checks/{reference}/team/{lead_member.id}/objection",
    )
    assert late.status_code == 409


def test_the_published_report_names_the_team_the_visit_the_scope_and_its_limits(team, make_client):
    """Mutant caught: `report_facts` left out of `publish_version` (seen red: no team in the PDF)."""
    clerk, coordinator, reference = with_team(make_client, team, partners=["industry"])
    lead = signed_in(make_client, "lawyer")
    pledge(lead, reference)
    pledge(signed_in(make_client, "lawyer2"), reference)
    visit(coordinator, reference, days=3)
    assert act(coordinator, reference, "start_report").status_code == 303
    missing = act(coordinator, reference, "publish", {"publish-confirm_empty": "y"})
    assert missing.status_code == 400 and 'id="publish-documents_seen-error"' in missing.get_data(
        as_text=True
    )
    published = act(
        coordinator,
        reference,
        "publish",
        {"publish-confirm_empty": "y", "publish-documents_seen": "公司章程、劳动合同样本、印章登记簿"},
    )
    assert published.status_code == 303
    day = (local_today() + timedelta(days=3)).isoformat()
    page = clerk.get(f"/health-checks/{reference}/report").get_data(as_text=True)
    for expected in (
        "陈律师",
        "刘律师",
        "湖南某律师事务所",
        day,
        "公司章程、劳动合同样本、印章登记簿",
        "工业和信息化局",
        "不是全面的法律审计",
    ):
        assert expected in page, expected
    pdf = clerk.get(f"/health-checks/{reference}/report.pdf")
    text = (
        "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
        .replace("\n", "")
        .replace(" ", "")
    )
    for expected in ("陈律师", "刘律师", day, "公司章程", "不是全面的法律审计"):
        assert expected in text, expected
    workbook = load_workbook(io.BytesIO(clerk.get(f"/health-checks/{reference}/report.xlsx").data))
    about = {row[0]: row[1] for row in workbook.worksheets[2].iter_rows(min_row=2, values_only=True)}
    assert "陈律师" in about["律师团队"] and about["查阅的文件"] == "公司章程、劳动合同样本、印章登记簿"


def test_the_clerk_goes_from_verification_to_a_request_without_retyping(team, make_client):
    """Mutant caught: the request form asking the enterprise's details again (seen red:
    `name="industry"` on the page after My enterprise held them)."""
    clerk = verified_clerk(make_client)
    mine = clerk.get("/account/enterprise").get_data(as_text=True)
    assert 'href="/health-checks/request"' in mine and "申请企业法治体检" in mine
    form = request_form()
    saved = clerk.submit(
        "/account/enterprise",
        {
            "details-industry": "机械制造",
            "details-employees": "120",
            "details-township_id": form["township_id"],
            "details-park": "",
        },
    )
    assert saved.status_code == 303
    page = clerk.get("/health-checks/request").get_data(as_text=True)
    assert 'name="industry"' not in page and "机械制造" in page
    assert "咨询方式" not in page  # the mode is the check's, not a consultation's
    assert "是否没有" not in page  # no double negative in the self-assessment
    sent = clerk.submit(
        "/health-checks/request",
        {"areas": ["disputes", "labour"], "mode": "remote", "q_disputes": "yes", "q_labour": "yes"},
    )
    assert sent.status_code == 303, sent.get_data(as_text=True)[:3000]
    reference = sent.headers["Location"].rsplit("/", 1)[1]
    assert check(reference).enterprise.industry == "机械制造"
    detail = signed_in(make_client, "hc").get(f"/staff/requests/{reference}").get_data(as_text=True)
    assert detail.count("可能存在风险") == 1  # "yes, we have a lawsuit" is the risk; "yes, contracts" is not


def test_the_breach_report_names_the_pledge(team, make_client):
    """Mutants caught: `report_breach` without `pledges_named` (seen red: no name in the
    trail), and `_check_for_report` without `may_open` (seen red: an unpledged member read
    the published report)."""
    clerk, coordinator, reference = with_team(make_client, team)
    pledge(signed_in(make_client, "lawyer"), reference)
    visit(coordinator, reference)
    for action, data in (
        ("start_report", {}),
        ("publish", {"publish-confirm_empty": "y", "publish-documents_seen": "章程"}),
    ):
        assert act(coordinator, reference, action, data).status_code == 303
    page = f"/health-checks/{reference}/report"
    unpledged = signed_in(make_client, "lawyer2")  # on the team, never pledged
    assert unpledged.get(page).status_code == 403
    assert unpledged.get(f"/health-checks/{reference}/report.pdf").status_code == 403
    assert signed_in(make_client, "lawyer").get(page).status_code == 200
    shown = clerk.get(page).get_data(as_text=True)
    assert "保密" in shown and "纠纷经过" not in shown  # the pledge is shown; the box is not a dispute's
    clerk.submit(page, {"report": "律师推销收费服务。"}, action=f"/health-checks/{reference}/breach")
    from portal.core.models import AuditEvent

    comment = db.session.scalar(select(AuditEvent.comment).where(AuditEvent.action == "breach_reported"))
    assert "保密和不招揽业务承诺" in comment and "陈律师" in comment  # the pledge, and who gave it
    assert comment in coordinator.get(f"/staff/requests/{reference}").get_data(as_text=True)
    assert db.session.scalar(select(TeamMember.pledged_at).where(TeamMember.user_id == team["lead"].id))


def test_the_report_counts_checks_by_partner_and_findings_fixed_within_the_deadline(app, seeded, supervisor):
    """Mutant caught: the deadline condition of `fixed_in_time` turned round (`>=`) (seen
    red: 0 instead of 1), and `_partner_clause` ignoring its value."""
    from datetime import date

    from test_reports import YEAR, _refresh, figures_of, section_html

    from portal.health_checks.models import Finding, HealthCheck

    found = db.session.scalars(select(HealthCheck)).one()
    found.partners = "industry"
    late = Finding(
        check_id=found.id,
        area="contracts",
        risk="low",
        finding="x",
        legal_basis="y",
        recommendation="z",
        fix_by=date(2025, 7, 20),
        fixed_at=datetime(2025, 8, 30, 2, 0),
    )
    on_time = db.session.scalars(select(Finding)).one()
    on_time.fix_by = date(2025, 9, 1)
    db.session.add(late)
    db.session.commit()
    _refresh(app)
    html = section_html(
        supervisor.get(f"/staff/reports/annual?{YEAR}").get_data(as_text=True), "health_checks"
    )
    figures = figures_of(html)
    assert figures["With findings fixed within the deadline"][0] == 1
    assert figures["Bureau of Industry and Information Technology"][0] == 1
    assert figures["Federation of Industry and Commerce"][0] == 0
    on_time.fix_by = date(2025, 7, 1)  # fixed after its deadline now
    db.session.commit()
    _refresh(app)
    html = section_html(
        supervisor.get(f"/staff/reports/annual?{YEAR}").get_data(as_text=True), "health_checks"
    )
    assert figures_of(html)["With findings fixed within the deadline"][0] == 0
