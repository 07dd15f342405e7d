"""Drafts (issue #30) seen from around them: a form without a quick exit offers its own
draft again to the same browser only; the quick exit offers to delete only where there
is something typed; staff pages and reports never see or count a draft."""

from deployed import new_mobile
from sqlalchemy import func, select
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
