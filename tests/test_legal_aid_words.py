"""Words as the law has them (issue #33): the Art. 32(一) option protects the martyr's own
name and honour; income is counted after tax and social insurance; a reference handed out
before anything is accepted is a 查询编号, never a 受理编号."""

from support import application_form, every_apply_page


def test_the_form_says_what_art_32_and_the_hardship_rule_mean(client):
    """Mutants caught: the old label "维护英雄烈士亲属的权益" and the "税前" hint."""
    page = every_apply_page(client)
    assert "英雄烈士的姓名、名誉、荣誉" in page and "英雄烈士亲属的权益" not in page
    assert "社会保险费后" in page and "税前" not in page


def test_the_reference_given_on_applying_is_not_an_acceptance_number(client):
    """Mutant caught: any catalog entry saying 受理编号 again (the confirmation or tracking)."""
    response = client.submit("/legal-aid/apply", application_form())
    assert response.status_code in (302, 303)
    for page in (client.get(response.headers["Location"]), client.get("/track")):
        html = page.get_data(as_text=True)
        assert "受理编号" not in html
    assert "查询编号" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_person_applied_for_is_no_recipient_until_aid_is_granted(client, make_client, make_staff):
    """Mutants caught: 受援人 back on the form's fields for someone else, or on a refusal
    (nobody is aided); the 公函, written once aid is granted, names the 受援人."""
    form = every_apply_page(client)
    assert "当事人姓名" in form and "受援人姓名" not in form and "受援人与您的关系" not in form
    make_staff("officer", "legal_aid_officer", name="张敏")
    officer = make_client()
    officer.sign_in("officer")
    response = client.submit(
        "/legal-aid/apply",
        application_form(
            applying_for="relative",
            relation="parent",
            represented_name="周父",
            represented_id_number="11010519491231002X",
        ),
    )
    reference = response.headers["Location"].rsplit("/", 1)[1]
    officer.submit(f"/staff/requests/{reference}", {}, action=f"/staff/requests/{reference}/claim")
    page = f"/staff/requests/{reference}"
    officer.submit(page, {"refuse-reasons": "收入超过标准"}, action=f"{page}/actions/refuse")
    refusal = officer.get(f"/legal-aid/decisions/{reference}/refusal").get_data(as_text=True)
    assert "周父" in refusal and "当事人" in refusal and "受援人" not in refusal
    tracking = client.get(f"/track/{reference}").get_data(as_text=True)
    assert "周父" in tracking and "代为申请" in tracking and "受援人" not in tracking


def test_demo_hardship_amounts_are_marked_as_demo(app, client):
    """Mutant caught: the illustrative amounts shown to the public as fact (no 演示 mark)."""
    page = client.get("/legal-aid/").get_data(as_text=True)
    assert "（演示数据：正式上线时以本县公布的标准为准）" in page and "1860" in page
    app.config["LEGAL_AID_HARDSHIP_AMOUNTS_ARE_DEMO"] = False  # the county's amounts set
    assert "以本县公布的标准为准" not in client.get("/legal-aid/").get_data(as_text=True)


def test_no_hint_is_only_an_article_number(client):
    """Mutant caught: a hint of the form that says only "第三十二条第（三）项。" (or Art. 42(1))."""
    import re

    page = every_apply_page(client)
    hints = [
        re.sub(r"<[^>]+>", "", h).strip()
        for h in re.findall(r'class="[^"]*hint[^"]*"[^>]*>(.*?)</', page, re.S)
    ]
    assert hints and "无固定生活来源的未成年人、老年人或残疾人。" in hints  # the article behind 法律依据
    assert re.search(r"<summary>法律依据</summary><p>第四十二条第（一）项</p>", page)
    article_only = re.compile(
        r"^[（(]?第[零一二三四五六七八九十]+条(第[（(][一二三四五六七八九十]+[）)]项)?[）)]?。?$"
    )
    assert [h for h in hints if article_only.match(h)] == []
