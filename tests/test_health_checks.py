"""Enterprise legal health checks over HTTP (SPEC §5): enterprise identity and verification,
the request, the team, findings, the published report as PDF and Excel, fixes, follow-up."""

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from portal.accounts.enterprises import EnterpriseMember, MemberStatus
from portal.core.clock import local_today
from portal.core.models import ServiceRequest
from portal.extensions import db
from portal.health_checks.models import HealthCheck

USCC = "91110000600037341L"
PDF = b"%PDF-1.4\n%%EOF\n"
PASSWORD = "long-enough-pw-2026"


def register_enterprise(client, mobile: str, name="唐会计", company="长沙星沙精工机械有限公司"):
    response = client.submit(
        "/account/register",
        {
            "account_type": "enterprise",
            "display_name": name,
            "mobile": mobile,
            "company_name": company,
            "uscc": USCC,
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def send_documents(client):
    return client.submit(
        "/account/enterprise",
        {
            "verify-licence": [(io.BytesIO(PDF), "营业执照.pdf")],
            "verify-authorisation": [(io.BytesIO(PDF), "授权书.pdf")],
        },
        content_type="multipart/form-data",
    )


@pytest.fixture
def team(app, make_staff):
    from portal.accounts.profiles import save_profile

    people = {
        "coordinator": make_staff("hc", "health_check_coordinator", name="孙协调员"),
        "lead": make_staff("lawyer", "lawyer", name="陈律师"),
        "member": make_staff("lawyer2", "lawyer", name="刘律师"),
        "outsider": make_staff("lawyer3", "lawyer", name="周律师"),
    }
    for key, specialties in (("lead", ["labour", "contracts"]), ("member", ["ip"]), ("outsider", ["tax"])):
        save_profile(
            people[key],
            profession="lawyer",
            licence_number=f"1430120{key}",
            practising_since=date(2015, 3, 1),
            firm="湖南某律师事务所",
            work_phone="0731-84011234",
            specialties=specialties,
        )
    db.session.commit()
    return people


def signed_in(make_client, login, password=None):
    client = make_client()
    if password:
        client.submit("/account/login", {"login": login, "password": password})
    else:
        client.sign_in(login)
    return client


def verified_clerk(make_client, mobile="13800000011"):
    """An enterprise account, verified by a coordinator through the pages."""
    clerk = make_client()
    register_enterprise(clerk, mobile)
    assert send_documents(clerk).status_code == 303
    member = db.session.scalars(select(EnterpriseMember).order_by(EnterpriseMember.id.desc())).first()
    coordinator = signed_in(make_client, "hc")
    page = f"/staff/health-checks/members/{member.id}"
    assert coordinator.submit(page, {"decision": "verify"}).status_code == 303
    return clerk


def request_form(**overrides):
    data = {
        "areas": ["labour", "contracts"],
        "mode": "onsite",
        "preferred_dates": "三月下旬",
        "notes": "",
        "industry": "机械制造",
        "employees": "120",
        "township_id": "",
        "park": "",
        "q_labour": "no",
        "q_contracts": "yes",
    }
    from portal.core.models import Township

    data["township_id"] = str(db.session.scalars(select(Township.id).order_by(Township.sort_order)).first())
    data.update(overrides)
    return data


def pledge(client, reference):
    """A team member declares no conflict and accepts the pledge."""
    page = f"/staff/health-checks/{reference}/pledge"
    response = client.submit(page, {"conflict": "none", "accept": "y"})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return response


def act(client, reference, action, data=None):
    page = f"/staff/requests/{reference}"
    return client.submit(page, data or {}, action=f"{page}/actions/{action}")


def check(reference) -> HealthCheck:
    db.session.expire_all()
    return db.session.scalar(select(HealthCheck).where(ServiceRequest.reference == reference))


def test_typing_a_credit_code_makes_nobody_a_member_until_a_coordinator_verifies(client, team, make_client):
    register_enterprise(client, "13800000011")
    page = client.get("/health-checks/request").get_data(as_text=True)
    assert 'name="areas"' not in page  # no form before verification
    wrong = client.submit(
        "/account/enterprise",
        {
            "verify-licence": [(io.BytesIO(b"GIF89a"), "licence.gif")],
            "verify-authorisation": [(io.BytesIO(PDF), "授权书.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert wrong.status_code == 400 and 'id="verify-licence-error"' in wrong.get_data(as_text=True)
    assert send_documents(client).status_code == 303
    member = db.session.scalar(select(EnterpriseMember))
    coordinator = signed_in(make_client, "hc")
    listed = coordinator.get("/staff/health-checks/members").get_data(as_text=True)
    assert "长沙星沙精工机械有限公司" in listed
    document = member.documents[0]
    assert (
        coordinator.get(f"/staff/health-checks/members/{member.id}/documents/{document.id}").status_code
        == 200
    )
    refused = coordinator.submit(
        f"/staff/health-checks/members/{member.id}", {"decision": "reject", "note": ""}
    )
    assert refused.status_code == 400
    # A decision that is not offered (or none) decides nothing: 400, the member still waits.
    # Mutant seen red: `decision == "verify"` read from the raw form (a typo declined).
    for decision in ("verfy", ""):
        odd = coordinator.submit(
            f"/staff/health-checks/members/{member.id}", {"decision": decision, "note": "营业执照模糊"}
        )
        assert odd.status_code == 400
        db.session.refresh(member)
        assert member.status == MemberStatus.PENDING
    assert (
        coordinator.submit(f"/staff/health-checks/members/{member.id}", {"decision": "verify"}).status_code
        == 303
    )
    assert 'name="areas"' in client.get("/health-checks/request").get_data(as_text=True)
    assert signed_in(make_client, "lawyer").get("/staff/health-checks/members").status_code == 403


def test_a_request_needs_an_area_and_flags_the_self_assessment(team, make_client):
    clerk = verified_clerk(make_client)
    none = clerk.submit("/health-checks/request", request_form(areas=[]))
    assert none.status_code == 400 and 'id="areas-error"' in none.get_data(as_text=True)
    # Question pages (issue #30): the self-assessment asks only the areas chosen, and a page
    # refused keeps what was typed on it. Mutant seen red: the questions not filtered by area.
    token = clerk.csrf_token("/health-checks/request")
    chosen = {"areas": ["labour", "contracts"], "csrf_token": token}
    assert clerk.post("/health-checks/request/areas", data=chosen).status_code == 303
    asked = clerk.get("/health-checks/request/self-assessment").get_data(as_text=True)
    assert 'name="q_labour"' in asked and 'name="q_contracts"' in asked and 'name="q_tax"' not in asked
    typed = {"industry": "机械制造", "employees": "many", "township_id": "", "csrf_token": token}
    refused = clerk.post("/health-checks/request/enterprise", data=typed)
    assert refused.status_code == 400 and 'value="机械制造"' in refused.get_data(as_text=True)
    sent = clerk.submit("/health-checks/request", request_form())
    assert sent.status_code == 303
    reference = sent.headers["Location"].rsplit("/", 1)[1]
    assert reference.startswith(f"HC-{local_today().year}-")
    detail = signed_in(make_client, "hc").get(f"/staff/requests/{reference}").get_data(as_text=True)
    assert "likely risk" in detail or "可能存在风险" in detail


def test_the_whole_check_from_request_to_follow_up(team, make_client, app, tmp_path):
    clerk = verified_clerk(make_client)
    reference = clerk.submit("/health-checks/request", request_form()).headers["Location"].rsplit("/", 1)[1]
    coordinator = signed_in(make_client, "hc")
    assert act(coordinator, reference, "accept").status_code == 303
    assert (
        act(
            coordinator,
            reference,
            "assign_team",
            {"assign_team-lead": str(team["lead"].id), "assign_team-members": [str(team["member"].id)]},
        ).status_code
        == 303
    )
    assert check(reference).lead.id == team["lead"].id
    lead = signed_in(make_client, "lawyer")
    pledge(lead, reference)
    outsider = signed_in(make_client, "lawyer3")
    assert outsider.get(f"/staff/requests/{reference}").status_code == 403
    assert outsider.get(f"/staff/health-checks/{reference}/findings").status_code == 403
    day = (local_today() + timedelta(days=5)).isoformat()
    assert (
        act(
            lead,
            reference,
            "schedule_visit",
            {
                "schedule_visit-day": day,
                "schedule_visit-start": "09:30",
                "schedule_visit-place": "星沙开元路 1 号",
            },
        ).status_code
        == 303
    )
    ics = clerk.get(f"/health-checks/{reference}/visit.ics")
    assert ics.status_code == 200 and b"BEGIN:VALARM" in ics.data
    assert act(lead, reference, "start_report").status_code == 303

    findings = f"/staff/health-checks/{reference}/findings"
    bad = lead.submit(
        findings, {"area": "labour", "risk": "", "finding": "x", "legal_basis": "y", "recommendation": "z"}
    )
    assert bad.status_code == 400 and 'id="risk-error"' in bad.get_data(as_text=True)
    assert (
        lead.submit(
            findings,
            {
                "area": "labour",
                "risk": "high",
                "finding": "12 名员工未签书面劳动合同。",
                "legal_basis": "《劳动合同法》第八十二条",
                "recommendation": "一个月内补签。",
                "fix_by": (local_today() + timedelta(days=30)).isoformat(),
            },
        ).status_code
        == 303
    )
    assert (
        lead.submit(
            findings,
            {
                "area": "contracts",
                "risk": "medium",
                "finding": "采购合同未约定异议期。",
                "legal_basis": "《民法典》第六百二十一条",
                "recommendation": "修订范本。",
            },
        ).status_code
        == 303
    )
    assert (
        act(coordinator, reference, "publish", {"publish-documents_seen": "劳动合同 20 份"}).status_code
        == 303
    )
    assert check(reference).status == "report_published" and check(reference).current_report.version == 1

    report = clerk.get(f"/health-checks/{reference}/report").get_data(as_text=True)
    assert "12 名员工未签书面劳动合同。" in report
    pdf = clerk.get(f"/health-checks/{reference}/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages).replace("\n", "")
    assert "12 名员工未签书面劳动合同。".replace(" ", "") in text.replace(" ", "") and "劳动合同法" in text
    workbook = load_workbook(io.BytesIO(clerk.get(f"/health-checks/{reference}/report.xlsx").data))
    summary, listed, _about = workbook.worksheets
    assert listed.freeze_panes == "A2"
    rows = list(listed.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 2 and rows[0][2] == "12 名员工未签书面劳动合同。"
    assert isinstance(rows[0][5], date)  # a real date, not text
    assert sum(r[-1] for r in summary.iter_rows(min_row=2, values_only=True)) == 2

    assert (
        act(
            coordinator, reference, "correct_report", {"correct_report-comment": "更正第二条的法律依据。"}
        ).status_code
        == 303
    )
    assert [r.version for r in check(reference).reports] == [1, 2]
    assert clerk.get(f"/health-checks/{reference}/report/v1").status_code == 200

    finding = check(reference).findings[0]
    fixed = clerk.submit(
        f"/health-checks/{reference}/report",
        {f"fixed{finding.id}-note": "已全部补签。"},
        action=f"/health-checks/{reference}/findings/{finding.id}/fixed",
    )
    assert fixed.status_code == 303 and check(reference).findings[0].fixed_at is not None
    assert (
        clerk.submit(
            f"/track/{reference}", {}, action=f"/track/{reference}/actions/request_follow_up"
        ).status_code
        == 303
    )
    assert (
        act(
            lead,
            reference,
            "schedule_follow_up",
            {
                "schedule_follow_up-day": day,
                "schedule_follow_up-start": "14:00",
                "schedule_follow_up-place": "星沙开元路 1 号",
            },
        ).status_code
        == 303
    )
    too_early = act(lead, reference, "record_follow_up")
    assert too_early.status_code == 409  # every finding needs its result first
    for item in check(reference).findings:
        assert (
            lead.submit(
                findings,
                {f"result{item.id}-result": "resolved", f"result{item.id}-note": "已核实"},
                action=f"{findings}/{item.id}/follow-up",
            ).status_code
            == 303
        )
    assert act(lead, reference, "record_follow_up").status_code == 303
    assert check(reference).status == "closed"


def test_a_second_account_typing_the_same_code_cannot_see_the_report(team, make_client):
    clerk = verified_clerk(make_client)
    reference = clerk.submit("/health-checks/request", request_form()).headers["Location"].rsplit("/", 1)[1]
    coordinator = signed_in(make_client, "hc")
    act(coordinator, reference, "accept")
    act(coordinator, reference, "assign_team", {"assign_team-lead": str(team["lead"].id)})
    assert check(reference).lead is not None
    act(
        coordinator,
        reference,
        "schedule_visit",
        {
            "schedule_visit-day": local_today().isoformat(),
            "schedule_visit-start": "23:59",
            "schedule_visit-place": "x",
        },
    )
    act(coordinator, reference, "start_report")
    empty = act(coordinator, reference, "publish")
    assert empty.status_code == 400  # no finding: publishing asks for confirmation
    assert (
        act(
            coordinator,
            reference,
            "publish",
            {"publish-confirm_empty": "y", "publish-documents_seen": "章程"},
        ).status_code
        == 303
    )
    assert clerk.get(f"/health-checks/{reference}/report").status_code == 200
    impostor = make_client()
    register_enterprise(impostor, "13800000099", name="冒名者")
    assert impostor.get(f"/health-checks/{reference}/report").status_code == 404
    assert impostor.get(f"/health-checks/{reference}/report.pdf").status_code == 404
    assert 'name="areas"' not in impostor.get("/health-checks/request").get_data(as_text=True)


def test_an_admin_hands_an_enterprise_to_a_new_clerk_and_the_old_one_loses_it(team, make_client, make_staff):
    clerk = verified_clerk(make_client)
    newcomer = make_client()
    register_enterprise(newcomer, "13800000022", name="新会计")
    make_staff("admin", "admin")
    admin = signed_in(make_client, "admin")
    old = db.session.scalar(select(EnterpriseMember).where(EnterpriseMember.status == "verified"))
    assert (
        admin.submit(
            "/staff/admin/enterprises/",
            {"mobile": "13800000022"},
            action=f"/staff/admin/enterprises/members/{old.id}/transfer",
        ).status_code
        == 303
    )
    assert 'name="areas"' in newcomer.get("/health-checks/request").get_data(as_text=True)
    assert 'name="areas"' not in clerk.get("/health-checks/request").get_data(as_text=True)


def test_the_enterprise_reports_a_breach_of_the_pledge_and_staff_see_it(team, make_client):
    clerk = verified_clerk(make_client)
    reference = clerk.submit("/health-checks/request", request_form()).headers["Location"].rsplit("/", 1)[1]
    coordinator = signed_in(make_client, "hc")
    for action, data in (
        ("accept", {}),
        ("assign_team", {"assign_team-lead": str(team["lead"].id)}),
        (
            "schedule_visit",
            {
                "schedule_visit-day": local_today().isoformat(),
                "schedule_visit-start": "23:59",
                "schedule_visit-place": "x",
            },
        ),
        ("start_report", {}),
        ("publish", {"publish-confirm_empty": "y", "publish-documents_seen": "章程"}),
    ):
        assert act(coordinator, reference, action, data).status_code == 303, action
    page = f"/health-checks/{reference}/report"
    assert clerk.submit(page, {"report": ""}, action=f"/health-checks/{reference}/breach").status_code == 303
    assert check(reference).breach_reported_at is None  # an empty report is not recorded
    assert (
        clerk.submit(
            page, {"report": "律师推销收费的常年法律顾问服务。"}, action=f"/health-checks/{reference}/breach"
        ).status_code
        == 303
    )
    assert check(reference).breach_report == "律师推销收费的常年法律顾问服务。"
    assert "律师推销收费的常年法律顾问服务。" in coordinator.get(f"/staff/requests/{reference}").get_data(
        as_text=True
    )
    stranger = make_client()
    register_enterprise(stranger, "13800000077", name="旁人")
    assert (
        stranger.submit("/", {"report": "x"}, action=f"/health-checks/{reference}/breach").status_code == 404
    )
