"""Drafts (issue #30) seen from around them: a form without a quick exit offers its own
draft again to the same browser only; the quick exit offers to delete only where there
is something typed; staff pages and reports never see or count a draft."""

from deployed import new_mobile
from sqlalchemy import func, select
from test_journeys_deployed import through_the_pages
from test_reports import figures_of, section_html

from portal.core.clock import local_today
from portal.core.models import ServiceRequest
from portal.extensions import db

from support import application_form

RESUME = "Continue where you left off"


def test_a_form_without_quick_exit_offers_its_draft_to_the_same_browser_only(browser):
    """Mutant caught: `page_context` offering the resume link without a draft of this browser."""
    from test_advisers import contact_form
    from test_advisers_support import directory

    world = directory()
    page = f"/advisers/villages/{world['金龙村'].id}/contact"
    person, mobile = browser(), new_mobile()
    person.set_cookie("lang", "en", domain="localhost")
    assert RESUME not in person.visit(page).get_data(as_text=True)
    check = person.send("intake-form", contact_form(mobile=mobile))
    assert check.status_code == 200 and 'id="check-form"' in check.get_data(as_text=True)
    html = person.visit(page).get_data(as_text=True)
    assert RESUME in html and "Started this form before" not in html  # no proof asked here
    stranger = browser()
    stranger.set_cookie("lang", "en", domain="localhost")
    assert RESUME not in stranger.visit(page).get_data(as_text=True)


def test_the_quick_exit_offers_to_delete_only_what_this_browser_typed(browser):
    person = browser()
    html = person.visit("/legal-aid/apply").get_data(as_text=True)
    assert 'id="quick-exit"' in html and 'id="quick-exit-form"' not in html  # nothing typed yet
    person.send("intake-form", application_form(mobile=new_mobile()))
    assert 'id="quick-exit-form"' in person.visit("/legal-aid/apply").get_data(as_text=True)


def test_staff_pages_and_reports_never_count_a_draft(client, make_staff, make_client):
    """Mutant caught: the check page keeping the request it built to show the answers
    (`check_answers` without its rollback): a request counted before its code."""
    draft = client.submit(
        "/legal-aid/apply", application_form(applicant_name="草稿人"), answers_checked=False
    )
    assert draft.status_code == 200 and 'id="check-form"' in draft.get_data(as_text=True)
    make_staff("supervisor", "supervisor")
    staff = make_client()
    staff.set_cookie("lang", "en")
    staff.sign_in("supervisor")
    assert "草稿人" not in staff.get("/staff/queue/legal-aid").get_data(as_text=True)
    year = local_today().year
    html = staff.get(f"/staff/reports/annual?start={year}-01&end={year}-12").get_data(as_text=True)
    assert figures_of(section_html(html, "legal_aid"))["Applications received"][0] == 0
    assert db.session.scalar(select(func.count()).select_from(ServiceRequest)) == 0


def test_a_mediation_draft_is_hidden_after_the_quick_exit_and_opens_with_the_code(browser):
    """The same rule for every kind that declares a quick exit, not legal aid alone."""
    from deployed import code_sent_to, hidden_inputs
    from test_mediation import form

    from portal.core.models import Township
    from portal.mediation.models import MediationCommittee

    township = db.session.scalars(select(Township).order_by(Township.sort_order)).first()
    db.session.add(
        MediationCommittee(name="星沙街道人民调解委员会", name_en="Xingsha", township_id=township.id)
    )
    db.session.commit()
    person, mobile = browser(), new_mobile()
    person.visit("/mediation/apply")
    check = through_the_pages(
        person, form({"township_id": township.id}, mobile=mobile, other_mobile=new_mobile())
    )
    assert check.status_code == 200 and 'id="check-form"' in check.get_data(as_text=True)
    person.post("/leave", data=hidden_inputs(person.last_html, "quick-exit-form"))
    facts = "邻居在通道上堆放杂物"
    assert facts not in person.visit("/mediation/apply?change=1").get_data(as_text=True)
    person.visit("/continue/mediation.apply")
    person.visit(person.send(None, {"mobile": mobile}).headers["Location"])
    opened = person.send(None, {"code": code_sent_to(mobile)})
    assert opened.status_code == 303 and person.visit(opened.headers["Location"]).status_code == 200
    assert facts in person.visit("/mediation/apply/check").get_data(as_text=True)
