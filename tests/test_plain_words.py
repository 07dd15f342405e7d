"""Plain words, checked (issue #30): every question page of the legal aid application (each
branch), the mediation form and the health-check request, in both languages, say nothing in
their labels, options and hints that only a lawyer reads: no article number (the law behind
a plain sentence sits in a "法律依据" disclosure), no 受援人 before aid is granted, none of the
jargon below (each with the plain words to use instead)."""

import re

import pytest
from test_forms_patterns import _health_check, _mediation

from portal.legal_aid.apply_pages import PAGES

#: Jargon and the plain words to use instead (Chinese, English).
JARGON = {
    "受援人": "申请人 (aid is not granted yet)",
    "诉讼标的": "您要求对方给的钱或东西",
    "管辖": "由哪里的机关办理",
    "免予审查": "不查经济状况",
    "经济困难审查": "看您家的收入够不够请律师",
    "申请事由": "发生了什么",
    "legally aided person": "the applicant",
    "recipient of legal aid": "the applicant",
    "jurisdiction": "where the case is handled",
    "means test": "a check of your money",
    "subject matter of the action": "what you claim",
}
ARTICLE = re.compile(r"第[零一二三四五六七八九十百]+条|\bArts?\.\s*\d+")
DISCLOSURE = re.compile(r'<details class="legal-basis".*?</details>', re.S)


def question_text(html: str) -> str:
    """The text of the form's labels, legends, options and hints, disclosures left out."""
    match = re.search(r'<form[^>]*id="intake-form"[^>]*>(.*?)</form>', html, re.S)
    assert match, html[:2000]
    form = DISCLOSURE.sub(" ", match.group(1))
    form = re.sub(r'<input[^>]*type="hidden"[^>]*>', " ", form)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", form))


def banned_in(text: str) -> list[str]:
    found = ARTICLE.findall(text)
    return found + [word for word in JARGON if word.lower() in text.lower()]


def legal_aid_pages(client, answers: dict) -> list[tuple[str, str]]:
    """(page, HTML) of every page the answers lead through (saved page by page)."""
    return question_pages(client, "/legal-aid/apply", PAGES, answers)


def question_pages(client, base: str, flow, answers: dict) -> list[tuple[str, str]]:
    """(page, HTML) of every page of `flow` at `base` the answers lead through."""
    client.get(base)
    shown = []
    for page in flow.pages:
        response = client.get(f"{base}/{page.name}")
        if response.status_code == 303:
            continue  # not asked on this branch
        shown.append((page.name, response.get_data(as_text=True)))
        names = set(re.findall(r'name="([^"]+)"', shown[-1][1]))
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', shown[-1][1]).group(1)
        data = {name: value for name, value in answers.items() if name in names}
        client.post(f"{base}/{page.name}", data={**data, "csrf_token": token})
    return shown


BRANCHES = {
    "self, civil": {"applying_for": "self", "matter_kind": "civil", "matter_type": "labour"},
    "guardian, criminal": {
        "applying_for": "guardian",
        "matter_kind": "criminal",
        "matter_type": "criminal_defence",
        "claim_exemption": "abuse_victim",
    },
    "agent": {"applying_for": "agent"},
}


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
@pytest.mark.parametrize("branch", list(BRANCHES))
def test_no_legal_aid_page_speaks_jargon(client, language, branch):
    """Mutants caught: a hint's article shown in the hint again (no disclosure), an option
    ending in "第三十二条第（一）项", 受援人 back in a label."""
    client.get(f"/language/{'en' if language == 'en' else 'zh_Hans'}")
    pages = legal_aid_pages(client, BRANCHES[branch])
    assert len(pages) >= 8
    for name, html in pages:
        assert banned_in(question_text(html)) == [], (language, name)
    claims = dict(pages)["claims"]
    assert "<summary>法律依据</summary>" in claims or "<summary>Legal basis</summary>" in claims


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
@pytest.mark.parametrize("form", [_mediation, _health_check])
def test_the_mediation_and_health_check_forms_speak_plainly(client, make_client, language, form):
    """Every question page of each (issue #30). Mutant caught: a page left out of the walk."""
    person, url, answers, _field = form(client, make_client)
    person.get(f"/language/{'en' if language == 'en' else 'zh_Hans'}")
    base = "/".join(url.split("/")[:3])
    flow = PAGED[base]()
    if "areas" in answers:  # an area of each self-assessment page: each page is asked
        answers = {**answers, "areas": ["labour", "ip", "data"]}
    pages = question_pages(person, base, flow, answers)
    assert [name for name, _html in pages] == [page.name for page in flow.pages]
    for name, html in pages:
        assert banned_in(question_text(html)) == [], (language, name)


def _health_check_pages():
    from portal.health_checks.request_pages import request_pages

    return request_pages(known=False)


def _mediation_pages():
    from portal.mediation.apply_pages import PAGES as MEDIATION_PAGES

    return MEDIATION_PAGES


PAGED = {"/health-checks/request": _health_check_pages, "/mediation/apply": _mediation_pages}


def test_the_check_sees_what_it_bans():
    """The checker itself: an article, 受援人 and jargon are found, a disclosure is not read."""
    page = '<form id="intake-form"><label>受援人姓名（第三十二条）</label><p class="hint">means test (Art. 42)</p><details class="legal-basis"><summary>法律依据</summary>第四十二条</details></form>'
    assert banned_in(question_text(page)) == ["第三十二条", "Art. 42", "受援人", "means test"]
