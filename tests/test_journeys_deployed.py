"""Every public form as deployed (issue #27): the SMS code on and read from the outbox,
rate limits, Secure cookies over https, CSRF with the Referer a browser sends.

Each journey goes form → check your answers → code → reference, the way a person does,
sending only what the page gives (hidden inputs) and what they type.
"""

import re

import pytest
from deployed import code_sent_to, new_mobile
from sqlalchemy import func, select

from portal.core.intake_state import IntakeState
from portal.core.models import ServiceRequest
from portal.extensions import db

from support import application_form

LEGAL_AID = "/legal-aid/apply"


def requests_made() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(ServiceRequest))


def typed(person, answers: dict) -> dict:
    """The answers to the questions of the page the browser is on (what a person types there)."""
    names = set(re.findall(r'name="([^"]+)"', person.last_html))
    return {name: value for name, value in answers.items() if name in names}


def through_the_pages(person, answers: dict, seen: list | None = None, **kwargs):
    """Answer the form on the page the browser is on and, for a form of question pages
    (core.question_pages), each page that follows: the first page that is not a question
    page (the check page, or a page refused with 400)."""
    response = person.send("intake-form", typed(person, answers), **kwargs)
    for _page in range(40):
        if response.status_code != 303 or response.headers["Location"].split("/")[1] in ("track", "account"):
            return response
        if seen is not None:
            seen.append(response.headers["Location"])
        response = person.visit(response.headers["Location"])
        if 'id="intake-form"' not in response.get_data(as_text=True):
            return response
        response = person.send("intake-form", typed(person, answers), **kwargs)
    return response


def through_the_code(person, mobile: str, form_page: str, answers: dict):
    """Fill the form, accept the answers, type the code: the confirmation's response."""
    person.visit(form_page)
    check = through_the_pages(person, answers)
    assert check.status_code == 200 and 'id="check-form"' in check.get_data(as_text=True), check.get_data(
        as_text=True
    )[:3000]
    code_page = person.send("check-form", {}, press={"answers_checked": "1"})
    html = code_page.get_data(as_text=True)
    assert code_page.status_code == 200 and 'name="mobile_code"' in html, html[:3000]
    assert f"{mobile[:3]}****{mobile[-4:]}" in html  # the number, masked
    assert requests_made() == 0  # nothing is kept before the code
    return person.send("code-form", {"mobile_code": code_sent_to(mobile)})


def legal_aid_answers(mobile: str) -> dict:
    return application_form(mobile=mobile)


def test_legal_aid_reaches_a_reference_through_the_code_step(browser):
    """Mutant caught: the code form posting its answers in hidden inputs (they are gone
    now), or a code step that lets the request through without the code."""
    person, mobile = browser(), new_mobile()
    done = through_the_code(person, mobile, LEGAL_AID, legal_aid_answers(mobile))
    assert done.status_code == 303 and "/legal-aid/applied/LA-" in done.headers["Location"]
    assert requests_made() == 1
    assert person.visit(done.headers["Location"]).status_code == 200


def test_an_anonymous_booking_is_made_after_the_code(browser):
    """The bug of issue #27: the code form posted to request.path and lost ?point=&date=,
    so the booking was never made. Seen red on the code before this change (400, step 1)."""
    from test_consultations import booking_form, day_of, make_point, make_slot

    point = make_point()
    slot = make_slot(point, 26)
    person, mobile = browser(), new_mobile()
    page = f"/consultations/book?point={point.id}&date={day_of(slot)}"
    done = through_the_code(person, mobile, page, booking_form(slot, mobile=mobile))
    assert done.status_code == 303 and "/consultations/booked/CB-" in done.headers["Location"]
    assert requests_made() == 1


def test_mediation_reaches_a_reference_through_the_code_step(browser):
    from test_mediation import form

    from portal.core.models import Township
    from portal.mediation.models import MediationCommittee

    township = db.session.scalars(select(Township).order_by(Township.sort_order)).first()
    db.session.add(
        MediationCommittee(name="星沙街道人民调解委员会", name_en="Xingsha", township_id=township.id)
    )
    db.session.commit()
    person, mobile = browser(), new_mobile()
    answers = form({"township_id": township.id}, mobile=mobile, other_mobile=new_mobile())
    done = through_the_code(person, mobile, "/mediation/apply", answers)
    assert done.status_code == 303 and "/mediation/applied/MD-" in done.headers["Location"]
    assert requests_made() == 1


def test_adviser_contact_reaches_a_reference_through_the_code_step(browser):
    from test_advisers import contact_form
    from test_advisers_support import directory

    world = directory()
    person, mobile = browser(), new_mobile()
    page = f"/advisers/villages/{world['金龙村'].id}/contact"
    done = through_the_code(person, mobile, page, contact_form(mobile=mobile))
    assert done.status_code == 303 and "/advisers/contact/sent/AC-" in done.headers["Location"]
    assert requests_made() == 1


def collect(responses: list, response):
    responses.append(response.get_data(as_text=True))
    return response


def test_registration_proves_the_mobile_and_no_page_carries_the_password(browser):
    """Mutant caught: the code page writing the typed fields back as hidden inputs (it
    did, password and confirmation included, before this change)."""
    person, mobile, password = browser(), new_mobile(), "Zq8!long-secret-2026"
    seen: list[str] = []
    collect(seen, person.visit("/account/register"))
    answers = {
        "account_type": "resident",
        "display_name": "李秀英",
        "mobile": mobile,
        "password": password,
        "confirm": password,
    }
    code_page = collect(seen, person.send(None, answers))
    assert code_page.status_code == 200 and 'name="mobile_code"' in seen[-1]
    wrong = "000000" if code_sent_to(mobile) != "000000" else "111111"
    collect(seen, person.send("code-form", {"mobile_code": wrong}))
    assert "还可以再试 4 次" in seen[-1]  # tries left, said after a wrong code
    done = collect(seen, person.send("code-form", {"mobile_code": code_sent_to(mobile)}))
    assert done.status_code == 302
    collect(seen, person.visit(done.headers["Location"]))
    assert not any(password in page for page in seen)
    from portal.accounts.models import User

    user = db.session.scalar(select(User).where(User.mobile == mobile))
    assert user is not None and user.check_password(password) and user.mobile_verified_at is not None
    assert db.session.scalar(select(func.count()).select_from(IntakeState)) == 0  # the hash is gone too


def test_a_forgotten_password_is_reset_with_the_code(browser):
    from portal.accounts.models import AccountType
    from portal.accounts.services import register_public_account

    mobile = new_mobile()
    register_public_account(AccountType.RESIDENT, mobile, "王芳", "old-password-2026")
    db.session.commit()
    person = browser()
    person.visit("/account/reset-password")
    asked = person.send(None, {"mobile": mobile})
    assert asked.status_code == 303
    person.visit(asked.headers["Location"])
    new_password = "brand-new-secret-2026"
    done = person.send(
        None, {"code": code_sent_to(mobile), "password": new_password, "confirm": new_password}
    )
    assert done.status_code == 303, done.get_data(as_text=True)[:2000]
    assert new_password not in person.last_html
    person.visit("/account/login")
    assert person.send(None, {"login": mobile, "password": new_password}).status_code == 302


def at_the_code_page(person, mobile: str) -> str:
    person.visit(LEGAL_AID)
    form_page = person.last_html
    through_the_pages(person, legal_aid_answers(mobile))
    person.send("check-form", {}, press={"answers_checked": "1"})
    return form_page


def test_a_health_check_from_an_enterprise_proved_by_the_code_and_verified_by_staff(browser, make_staff):
    """The enterprise's mobile is proved by the code at registration (its own signed-in
    number needs none at the request); the coordinator signs in with a real TOTP code."""
    from test_health_checks import request_form

    clerk = verified_enterprise_browser(browser, make_staff)
    done = through_the_code_or_not(clerk, "/health-checks/request", request_form())
    assert done.status_code == 303 and "/HC-" in done.headers["Location"]
    assert requests_made() == 1


def verified_enterprise_browser(browser, make_staff):
    """An enterprise clerk registered through the code, verified by a coordinator signed in
    with a real TOTP code: the clerk's browser."""
    import io

    from deployed import staff_signed_in
    from test_health_checks import USCC

    from portal.accounts.enterprises import EnterpriseMember

    make_staff("hc", "health_check_coordinator", name="孙协调员")
    clerk, mobile, password = browser(), new_mobile(), "long-enough-pw-2026"
    clerk.visit("/account/register")
    answers = {
        "account_type": "enterprise",
        "display_name": "唐会计",
        "mobile": mobile,
        "company_name": "长沙星沙精工机械有限公司",
        "uscc": USCC,
        "password": password,
        "confirm": password,
    }
    assert 'name="mobile_code"' in clerk.send(None, answers).get_data(as_text=True)
    made = clerk.send("code-form", {"mobile_code": code_sent_to(mobile)})
    assert made.status_code == 302 and made.headers["Location"].endswith("/account/enterprise")
    clerk.visit("/account/enterprise")
    pdf = b"%PDF-1.4\n%%EOF\n"
    files = {
        "verify-licence": [(io.BytesIO(pdf), "营业执照.pdf")],
        "verify-authorisation": [(io.BytesIO(pdf), "授权书.pdf")],
    }
    form_id = re.search(r'<form[^>]*id="([^"]+)"[^>]*enctype', clerk.last_html)
    sent = clerk.send(form_id.group(1) if form_id else None, files, content_type="multipart/form-data")
    assert sent.status_code == 303, sent.get_data(as_text=True)[:2000]
    member = db.session.scalars(select(EnterpriseMember).order_by(EnterpriseMember.id.desc())).first()
    coordinator = staff_signed_in(browser, "hc")
    coordinator.visit(f"/staff/health-checks/members/{member.id}")
    assert coordinator.send(None, {"decision": "verify"}).status_code == 303
    return clerk


def through_the_code_or_not(person, page: str, answers: dict):
    """A signed-in person's own proved number: form → check → sent, no code needed."""
    person.visit(page)
    check = through_the_pages(person, answers)
    assert check.status_code == 200 and 'id="check-form"' in check.get_data(as_text=True)
    return person.send("check-form", {}, press={"answers_checked": "1"})


def test_the_clock_moves_only_in_tests_and_an_old_code_is_refused(browser, deployed):
    """A code typed after its 5 minutes is refused and a new one is sent, on the movable
    clock; outside TESTING the clock cannot be moved."""
    from datetime import timedelta

    from portal.core.clock import move_clock

    person, mobile = browser(), new_mobile()
    at_the_code_page(person, mobile)
    code = code_sent_to(mobile)
    move_clock(timedelta(minutes=6))
    from portal.extensions import limiter

    limiter.reset()  # the limiter counts real time: its minute has passed as well
    late = person.send("code-form", {"mobile_code": code})
    assert late.status_code == 200 and requests_made() == 0 and code_sent_to(mobile) != code
    deployed.testing = False
    try:
        with pytest.raises(RuntimeError):
            move_clock(timedelta(minutes=1))
    finally:
        deployed.testing = True


def test_a_new_mobile_is_proved_and_the_code_page_never_carries_the_password(browser):
    """Mutant caught: the code page writing the typed fields back (the password with
    them, as it did before this change)."""
    from portal.accounts.models import AccountType, User
    from portal.accounts.services import register_public_account

    old, new, password = new_mobile(), new_mobile(), "my-own-secret-2026"
    register_public_account(AccountType.RESIDENT, old, "赵六", password).mobile_verified_at = None
    db.session.commit()
    person = browser()
    person.visit("/account/login")
    assert person.send(None, {"login": old, "password": password}).status_code == 302
    person.visit("/account/mobile")
    code_page = person.send(None, {"mobile": new, "password": password})
    html = code_page.get_data(as_text=True)
    assert code_page.status_code == 200 and 'name="mobile_code"' in html and password not in html
    done = person.send("code-form", {"mobile_code": code_sent_to(new)})
    assert done.status_code == 303 and password not in person.last_html
    db.session.expire_all()
    assert db.session.scalar(select(User.mobile).where(User.display_name == "赵六")) == new
