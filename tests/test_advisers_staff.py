"""Staff pages of the adviser directory: roles, advisers and villages, reassignment with
history, roster import (all-or-nothing, row report) and export, the service log."""

import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from test_advisers_support import directory, make_adviser

from portal.advisers import search
from portal.advisers.models import Adviser, Assignment, ServiceLogEntry, Village
from portal.extensions import db

HEADER = "编号 No.,姓名 Name,类别 Kind,执业机构 Law firm,工作电话 Work phone,乡镇（街道） Township,服务村（社区） Villages,驻村时间 Schedule,业务专长 Specialties"


@pytest.fixture
def world(app, make_staff):
    make_staff("admin1", "adviser_admin")
    return directory()


@pytest.fixture
def admin(world, make_client):
    client = make_client()
    client.sign_in("admin1")
    return client


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("role", ["legal_aid_officer", "lawyer", "supervisor", "admin"])
def test_only_adviser_administrators_manage(world, make_staff, make_client, role):
    make_staff("someone", role)
    client = make_client()
    client.sign_in("someone")
    for path in (
        "/staff/advisers/",
        "/staff/advisers/villages",
        "/staff/advisers/roster",
        "/staff/advisers/roster/export.csv",
        f"/staff/advisers/{world['chen'].id}",
        f"/staff/advisers/villages/{world['金龙村'].id}",
        "/staff/advisers/new",
    ):
        assert client.get(path).status_code == 403, (role, path)
    reassign = client.submit(
        "/staff/advisers/me" if role == "lawyer" else "/staff/login",
        {"adviser_id": world["wang"].id, "start_date": "2026-01-01"},
        action=f"/staff/advisers/villages/{world['金龙村'].id}/reassign",
    )
    assert reassign.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 3


def test_anonymous_is_sent_to_the_staff_sign_in(client, world):
    answer = client.get("/staff/advisers/")
    assert answer.status_code == 302 and "/staff/login" in answer.headers["Location"]


def test_create_and_edit_an_adviser(admin, world, make_staff):
    lawyer = make_staff("liwei", "lawyer", name="李伟")
    admin.get("/language/en")
    bad = admin.submit(
        "/staff/advisers/new",
        {"name": "李伟", "profession": "lawyer", "law_firm": "某所", "work_phone": "12345", "user_id": "0"},
    )
    assert bad.status_code == 400 and "0731-84000000" in bad.get_data(as_text=True)
    made = admin.submit(
        "/staff/advisers/new",
        {
            "name": "李伟",
            "profession": "lawyer",
            "law_firm": "某律师事务所",
            "work_phone": "(0731) 8400 0002",
            "user_id": str(lawyer.id),
            "is_active": "y",
        },
    )
    assert made.status_code == 303
    adviser = db.session.scalar(select(Adviser).where(Adviser.name == "李伟"))
    assert adviser.work_phone == "0731-84000002" and adviser.user_id == lawyer.id
    # One account per adviser.
    taken = admin.submit(
        f"/staff/advisers/{world['chen'].id}/edit",
        {
            "name": "陈明",
            "profession": "lawyer",
            "law_firm": "x",
            "work_phone": "13900001001",
            "user_id": str(lawyer.id),
            "is_active": "y",
        },
    )
    assert taken.status_code == 400
    renamed = admin.submit(
        f"/staff/advisers/{world['chen'].id}/edit",
        {
            "name": "陈晓明",
            "profession": "legal_worker",
            "law_firm": "x",
            "work_phone": "13900001001",
            "user_id": "0",
            "is_active": "y",
        },
    )
    assert renamed.status_code == 303
    assert {h.village_id for h in search.search("陈晓明")[0]} == {world["金龙村"].id, world["金龙湾社区"].id}


def test_create_and_rename_a_village(admin, world):
    from test_advisers_support import township

    xingsha = township("430121001")
    made = admin.submit(
        "/staff/advisers/villages/new",
        {"name": "新桥村", "village_type": "village", "township_id": str(xingsha.id)},
    )
    assert made.status_code == 303
    village = db.session.scalar(select(Village).where(Village.name == "新桥村"))
    assert [h.village_id for h in search.search("xinqiao")[0]] == [village.id]
    page = f"/staff/advisers/villages/{village.id}"
    assert (
        admin.submit(
            page, {"name": "新桥社区", "village_type": "community", "township_id": str(xingsha.id)}
        ).status_code
        == 303
    )
    assert search.search("xinqiaocun")[0] == [] and [h.village_id for h in search.search("新桥社区")[0]] == [
        village.id
    ]
    assert "新桥社区" in admin.get("/staff/advisers/villages").get_data(as_text=True)


def test_reassigning_a_village_keeps_the_history(admin, client, world):
    village = world["金龙村"]
    page = f"/staff/advisers/villages/{village.id}"
    moved = admin.submit(
        page,
        {"adviser_id": str(world["wang"].id), "start_date": "2026-03-01", "note": "工作调整"},
        action=f"{page}/reassign",
    )
    assert moved.status_code == 303
    rows = list(
        db.session.scalars(
            select(Assignment).where(Assignment.village_id == village.id).order_by(Assignment.id)
        )
    )
    assert [(r.adviser_id, r.start_date, r.end_date) for r in rows] == [
        (world["chen"].id, date(2025, 1, 1), date(2026, 3, 1)),
        (world["wang"].id, date(2026, 3, 1), None),
    ]
    history = admin.get(page).get_data(as_text=True)
    assert "陈明" in history and "王芳" in history and "2026-03-01" in history and "工作调整" in history
    # The public page and the search follow the new adviser.
    assert "王芳" in client.get(f"/advisers/villages/{village.id}").get_data(as_text=True)
    assert village.id in {h.village_id for h in search.search("wangfang")[0]}
    assert village.id not in {h.village_id for h in search.search("chenming")[0]}
    # An unknown adviser, or a start before the current assignment, is refused.
    assert (
        admin.submit(
            page, {"adviser_id": "99999", "start_date": "2026-04-01"}, action=f"{page}/reassign"
        ).status_code
        == 400
    )
    early = admin.submit(
        page, {"adviser_id": str(world["chen"].id), "start_date": "2026-01-01"}, action=f"{page}/reassign"
    )
    assert early.status_code == 400
    assert count(Assignment) == 4


def upload(client, content: bytes, filename: str):
    return client.submit(
        "/staff/advisers/roster",
        {"roster": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def test_roster_with_an_error_row_imports_nothing_and_reports_each_row(admin, world):
    before = (count(Adviser), count(Village), count(Assignment))
    csv = "\n".join(
        [
            HEADER,
            ",刘强,律师,某律师事务所,13900002001,星沙街道,新星村、新月村,每周一上午,合同",
            ",赵敏,律师,某律师事务所,1390000,星沙街道,新光村,,",  # malformed phone
            ",孙华,律师,某律师事务所,13900002003,火星镇,新田村,,",  # unknown township
            ",刘强,律师,某律师事务所,13900002001,黄兴镇,黄兴新村,,",  # duplicate adviser
            ",周杰,律师,某律师事务所,13900002005,星沙街道,新星村,,",  # village listed twice
        ]
    ).encode("utf-8")
    admin.get("/language/en")  # the report's messages are checked in English
    answer = upload(admin, csv, "roster.csv")
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert "1390000" in html and "火星镇" in html
    assert html.count('class="row-error"') == 4
    for message in (
        "Malformed phone number",
        "Unknown township",
        "Duplicate adviser",
        "also listed in row 2",
    ):
        assert message in html, message
    assert (count(Adviser), count(Village), count(Assignment)) == before


def test_valid_roster_imports_creates_updates_and_assigns(admin, world):
    chen = world["chen"]
    csv = "\n".join(
        [
            HEADER,
            f"{chen.id},陈明,律师,新所名,13900001001,星沙街道,金龙村、新星村、㮾梨街道/老金龙村,每周二上午,土地",
            ",刘强,基层法律服务工作者,某法律服务所,0731-84000009,榔梨街道,临湘社区,,",
        ]
    ).encode("gb18030")  # as Excel saves a Chinese CSV
    answer = upload(admin, csv, "roster.csv")
    assert answer.status_code == 200, answer.get_data(as_text=True)[-3000:]
    db.session.expire_all()
    chen = db.session.get(Adviser, chen.id)
    assert chen.law_firm == "新所名" and chen.schedule == "每周二上午"
    liu = db.session.scalar(select(Adviser).where(Adviser.name == "刘强"))
    assert liu.profession == "legal_worker" and liu.work_phone == "0731-84000009"
    # 老金龙村 moved from 王芳 to 陈明, keeping the old assignment; 新星村 and 临湘社区 are new.
    old = db.session.scalar(select(Village).where(Village.name == "老金龙村"))
    assert [
        (a.adviser_id, a.end_date is None)
        for a in db.session.scalars(
            select(Assignment).where(Assignment.village_id == old.id).order_by(Assignment.id)
        )
    ] == [(world["wang"].id, False), (chen.id, True)]
    community = db.session.scalar(select(Village).where(Village.name == "临湘社区"))
    assert community.village_type == "community" and community.township.code == "430121004"
    assert [h.village_id for h in search.search("linxiang")[0]] == [community.id]
    assert {h.village_id for h in search.search("xinxingcun")[0]} == {
        db.session.scalar(select(Village.id).where(Village.name == "新星村"))
    }


def test_excel_roster_round_trip_and_formula_cells_are_neutralised(admin, world):
    world["wang"].specialties = '=HYPERLINK("http://evil")'
    db.session.commit()
    exported = admin.get("/staff/advisers/roster/export.csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    text = exported.get_data(as_text=True)
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    assert "金龙村、金龙湾社区" in text and "王芳" in text
    workbook = load_workbook(io.BytesIO(admin.get("/staff/advisers/roster/export.xlsx").data))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][1] == "姓名 Name" and len(rows) == 3
    wang_row = next(r for r in rows if r[1] == "王芳")
    assert wang_row[8] == '\'=HYPERLINK("http://evil")'
    # Importing the export again changes nothing (no new advisers, villages or assignments).
    before = (count(Adviser), count(Village), count(Assignment))
    again = upload(admin, admin.get("/staff/advisers/roster/export.xlsx").data, "roster.xlsx")
    assert again.status_code == 200, again.get_data(as_text=True)[-3000:]
    assert (count(Adviser), count(Village), count(Assignment)) == before
    db.session.expire_all()
    assert db.session.get(Adviser, world["wang"].id).specialties == '=HYPERLINK("http://evil")'


def test_excel_roster_with_errors_and_unreadable_files(admin, world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append([None, "吴军", "律师", "某所", 13900003001, "不存在镇", "甲村", None, None])
    out = io.BytesIO()
    workbook.save(out)
    answer = upload(admin, out.getvalue(), "roster.xlsx")
    assert answer.status_code == 400 and "不存在镇" in answer.get_data(as_text=True)
    assert upload(admin, b"not a workbook", "roster.xlsx").status_code == 400
    assert upload(admin, b"a,b\n1,2", "roster.csv").status_code == 400  # columns missing
    assert upload(admin, b"x", "roster.pdf").status_code == 400
    assert count(Adviser) == 2


def test_service_log_by_administrator_and_by_the_linked_adviser(admin, world, make_staff, make_client):
    chen = world["chen"]
    page = f"/staff/advisers/{chen.id}"
    entry = {
        "service_type": "mediation",
        "served_on": "2026-03-02",
        "count": "2",
        "village_id": str(world["金龙村"].id),
        "description": "土地纠纷调解",
    }
    assert admin.submit(page, entry, action=f"{page}/service-log").status_code == 303
    # The adviser's own account records too, and only for themselves.
    lawyer = make_staff("chenming", "lawyer", name="陈明")
    chen.user_id = lawyer.id
    db.session.commit()
    own = make_client()
    own.sign_in("chenming")
    me = own.get("/staff/advisers/me")
    assert me.status_code == 302 and me.headers["Location"].endswith(page)
    assert own.get(page).status_code == 200
    education = dict(entry, service_type="education", count="1", village_id="0", description="法治讲座")
    assert own.submit(page, education, action=f"{page}/service-log").status_code == 303
    other = f"/staff/advisers/{world['wang'].id}"
    assert own.get(other).status_code == 403
    assert own.submit(page, education, action=f"{other}/service-log").status_code == 403
    assert own.get("/staff/advisers/").status_code == 403
    future = own.submit(page, dict(education, served_on="2999-01-01"), action=f"{page}/service-log")
    assert future.status_code == 400
    entries = list(db.session.scalars(select(ServiceLogEntry).order_by(ServiceLogEntry.id)))
    assert [(e.service_type, e.count, e.adviser_id) for e in entries] == [
        ("mediation", 2, chen.id),
        ("education", 1, chen.id),
    ]
    assert entries[1].entered_by_id == lawyer.id
    shown = admin.get(page).get_data(as_text=True)
    assert "土地纠纷调解" in shown and "法治讲座" in shown
    # The public village page shows when the adviser last served it.
    from portal.advisers.models import Village as V

    visitor = make_client()
    assert "2026-03-02" in visitor.get(f"/advisers/villages/{world['金龙村'].id}").get_data(as_text=True)
    adviser_page = visitor.get(f"/advisers/people/{chen.id}")
    assert adviser_page.status_code == 200 and "2026-03-02" in adviser_page.get_data(as_text=True)
    assert db.session.get(V, world["金龙村"].id)


def test_a_lawyer_without_an_adviser_record_sees_a_note(world, make_staff, make_client):
    make_staff("lonely", "lawyer")
    client = make_client()
    client.sign_in("lonely")
    assert client.get("/staff/advisers/me").status_code == 200


def test_lists_page_by_keyset(admin, world):
    for i in range(60):
        make_adviser(f"测试{i:02d}", f"139000050{i:02d}")
    db.session.commit()
    first = admin.get("/staff/advisers/").get_data(as_text=True)
    assert "after=" in first
    assert admin.get("/staff/advisers/?q=测试0").get_data(as_text=True).count("/staff/advisers/") >= 10
