"""Forms people can trust (issue 16): check your answers on every public form, a page that
asks before any action that cannot be undone, plain messages, the language switch that
keeps what was typed, tracking with progress steps, references however typed.

The public forms are found through the registry: every enabled request kind must have a
filled-in form below (a new capability fails `test_every_kind_has_a_public_form_here`).
"""

import re

import pytest
from sqlalchemy import func, select
from test_advisers import contact_form
from test_advisers_support import directory
from test_consultations import booking_form, day_of, make_point, make_slot
from test_health_checks import request_form, verified_clerk
from test_mediation import form as mediation_form

from portal.core.intake import ANSWERS_CHECKED, CHANGE_ANSWER
from portal.core.models import ServiceRequest, Township
from portal.core.registry import all_kinds
from portal.core.services import load_by_reference
from portal.core.workflow import APPLICANT
from portal.extensions import db
from portal.mediation.models import MediationCommittee

from support import application_form


def count_requests() -> int:
    return db.session.scalar(select(func.count()).select_from(ServiceRequest))


# Each kind's public form, filled in: (client, page, data) with the name typed in `name_field`.
def _legal_aid(client, make_client):
    return client, "/legal-aid/apply/contact", application_form(), "applicant_name"


def _mediation(client, make_client):
    township = db.session.scalars(select(Township).order_by(Township.sort_order)).first()
    db.session.add(
        MediationCommittee(name="星沙街道人民调解委员会", name_en="Xingsha", township_id=township.id)
    )
    db.session.commit()
    return client, "/mediation/apply/you", mediation_form({"township_id": township.id}), "applicant_name"


def _consultation(client, make_client):
    point = make_point()
    slot = make_slot(point, 30)
    return client, f"/consultations/book?point={point.id}&date={day_of(slot)}", booking_form(slot), "name"


def _adviser_contact(client, make_client):
    village = directory()["金龙村"]
    return client, f"/advisers/villages/{village.id}/contact", contact_form(), "name"


def _health_check(client, make_client):
    from portal.accounts.services import create_staff_user

    create_staff_user("hc", "correct-horse-battery", ["health_check_coordinator"], "孙协调员")
    db.session.commit()
    clerk = verified_clerk(make_client)
    return clerk, "/health-checks/request/enterprise", request_form(), "industry"


def _written_question(client, make_client):
    township = db.session.scalars(select(Township).order_by(Township.sort_order)).first()
    answers = {
        "topic": "labour",
        "township_id": str(township.id),
        "question": "老板拖欠我三个月工资不发，我该怎么办？",
        "name": "王小明",
        "mobile": "13900000077",
    }
    return client, "/consultations/ask", answers, "name"


PUBLIC_FORMS = {
    "LA": _legal_aid,
    "MD": _mediation,
    "CB": _consultation,
    "AC": _adviser_contact,
    "HC": _health_check,
    "WQ": _written_question,
}


def test_every_kind_has_a_public_form_here(app):
    assert {kind.code for kind in all_kinds()} <= set(PUBLIC_FORMS), "add the new kind's filled-in form above"


@pytest.fixture(params=sorted(PUBLIC_FORMS))
def public_form(request, app, client, make_client):
    return PUBLIC_FORMS[request.param](client, make_client)


def hidden_fields(html: str) -> list[tuple[str, str]]:
    """The check page's hidden inputs, as the browser sends them back."""
    import html as html_lib

    return [
        (html_lib.unescape(n), html_lib.unescape(v))
        for n, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html)
    ]


def post_fields(client, page, fields, **extra):
    from werkzeug.datastructures import MultiDict

    return client.post(page, data=MultiDict([*fields, *extra.items()]))


def test_a_valid_form_shows_the_answers_before_anything_is_sent(public_form):
    client, page, data, name_field = public_form
    before = count_requests()
    check = client.submit(page, data, answers_checked=False)
    html = check.get_data(as_text=True)
    assert check.status_code == 200 and 'id="check-form"' in html, html[:3000]
    assert count_requests() == before  # nothing sent yet
    typed = data[name_field]
    assert f'<dd class="prose">{typed}</dd>' in html  # the answer, shown with its label
    changes = html.count(f'name="{CHANGE_ANSWER}"') or html.count("?return=check")  # or a page's link
    assert changes >= 3  # a "Change" for each answer (or each page of answers)
    kept = hidden_fields(html)
    assert (name_field, typed) not in kept and ("intake_step", "check") in kept  # answers wait on the server

    # "Change": the form again with every answer kept, still nothing sent.
    again = post_fields(client, page, kept, **{CHANGE_ANSWER: name_field})
    form_html = again.get_data(as_text=True)
    assert again.status_code == 200 and 'id="intake-form"' in form_html
    assert f'value="{typed}"' in form_html and count_requests() == before

    # "Accept and send": the request is made, once.
    sent = post_fields(client, page, kept, **{ANSWERS_CHECKED: "1"})
    assert sent.status_code == 303, sent.get_data(as_text=True)[:3000]
    assert count_requests() == before + 1


def test_switching_language_keeps_the_typed_name_on_every_public_form(public_form):
    client, page, data, name_field = public_form
    before = count_requests()
    switched = client.submit(page, {**data, "switch_language": "en"}, answers_checked=False)
    html = switched.get_data(as_text=True)
    assert switched.status_code == 200 and '<html lang="en"' in html
    assert f'value="{data[name_field]}"' in html and count_requests() == before
    assert 'form="intake-form" name="switch_language" value="zh_Hans"' in html


def test_switching_language_on_the_check_page_shows_it_again_in_that_language(client):
    check = client.submit("/legal-aid/apply", application_form(), answers_checked=False).get_data(
        as_text=True
    )
    kept = hidden_fields(check)
    english = post_fields(client, "/legal-aid/apply", kept, switch_language="en").get_data(as_text=True)
    assert "Check your answers before sending" in english and "周建国" in english
    assert 'name="intake_step" value="check"' in english and count_requests() == 0


def test_messages_say_what_to_do_and_the_summary_shows_them_whole(client):
    page = client.submit(
        "/legal-aid/apply", application_form(applicant_name="", mobile="", pledge=None)
    ).get_data(as_text=True)
    summary = page.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "请填写您的姓名" in summary or "Enter your full name." in summary, summary
    assert "This field is required" not in page and "必填" not in summary
    assert "…" not in summary  # no label cut short
    page = client.submit("/legal-aid/apply/declaration", {"consent": "y"}).get_data(as_text=True)
    summary = page.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    # The pledge's message is short and whole; its long label is not in the summary.
    assert "承诺" in summary or "pledge" in summary


def test_a_required_radio_starts_with_no_answer(client):
    point = make_point()
    slot = make_slot(point, 30)
    html = client.get(f"/consultations/book?point={point.id}&date={day_of(slot)}").get_data(as_text=True)
    channel_inputs = re.findall(r'<input[^>]*name="channel"[^>]*>', html)
    assert channel_inputs and not any("checked" in tag for tag in channel_inputs)


def _track_sample(client, kind):
    found = kind.make_sample()
    db.session.commit()
    response = client.submit(
        "/track", {"reference": found.reference.replace("-", "").lower(), "mobile": found.applicant_mobile}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return found


def test_a_reference_is_found_without_dashes_and_in_any_case(client):
    kind = next(k for k in all_kinds() if k.make_sample)
    found = _track_sample(client, kind)
    assert load_by_reference(" " + found.reference.lower().replace("-", " ")) is not None
    assert client.get(f"/track/{found.reference}").status_code == 200


def test_every_action_that_cannot_be_undone_asks_on_a_page_of_its_own(app, make_client):
    checked = 0
    for kind in all_kinds():
        for transition in kind.workflow.transitions:
            if not (
                transition.needs_confirmation
                and transition.actor == APPLICANT
                and kind.workflow.initial in transition.sources
            ):
                continue
            client = make_client()
            found = _track_sample(client, kind)
            tracking = client.get(f"/track/{found.reference}").get_data(as_text=True)
            action_url = f"/track/{found.reference}/actions/{transition.action}"
            assert f'href="{action_url}"' in tracking  # a link to the question, not a button that acts
            assert f'action="{action_url}"' not in tracking
            question = client.get(action_url)
            assert question.status_code == 200 and f'action="{action_url}"' in question.get_data(as_text=True)
            db.session.expire_all()
            assert (
                load_by_reference(found.reference).status == kind.workflow.initial
            )  # the GET changed nothing
            done = client.submit(action_url, {}, action=action_url)
            assert done.status_code == 303
            db.session.expire_all()
            assert load_by_reference(found.reference).status == transition.target
            after = client.get(f"/track/{found.reference}").get_data(as_text=True)
            assert "Done:" not in after and "操作成功" not in after
            if transition.done_message:
                with app.test_request_context():
                    from flask_babel import force_locale

                    with force_locale("zh_Hans"):
                        assert str(transition.done_message) in after
            checked += 1
    assert checked >= 3  # withdraw (legal aid, mediation, adviser contact), cancel (booking, health check)


def test_tracking_shows_the_steps_with_the_current_one_marked(app, client):
    from flask_babel import force_locale

    kind = next(k for k in all_kinds() if len(k.workflow.main_path) >= 3 and k.make_sample)
    found = _track_sample(client, kind)
    html = client.get(f"/track/{found.reference}").get_data(as_text=True)
    steps = html.split('<ol class="progress-steps">', 1)[1].split("</ol>", 1)[0]
    assert steps.count("<li") == len(kind.workflow.main_path)
    assert steps.count('aria-current="step"') == 1
    current = steps.split('aria-current="step"', 1)[1].split("</li>", 1)[0]
    with app.test_request_context(), force_locale("zh_Hans"):
        assert str(kind.workflow.state(found.status).label) in current
        hint = kind.workflow.state(found.status).public_hint
        if hint:
            assert str(hint) in html.split('id="state-explanation"', 1)[1].split("</p>", 1)[0]


def test_the_quick_exit_is_on_every_public_page_of_a_capability_that_declares_it(client):
    for url in ("/legal-aid/", "/legal-aid/apply", "/mediation/", "/mediation/apply", "/consultations/book"):
        html = client.get(url).get_data(as_text=True)
        assert 'id="quick-exit"' in html, url
        assert 'id="quick-exit-hint" hidden' in html  # shown only by the script
    assert 'id="quick-exit"' not in client.get("/advisers/").get_data(as_text=True)
    assert 'id="quick-exit"' not in client.get("/").get_data(as_text=True)


def test_the_quick_exit_script_never_listens_for_escape(app):
    from pathlib import Path

    script = Path(app.static_folder, "js", "quick-exit.js").read_text()
    assert '"Escape"' not in script and '"Shift"' in script


def test_a_decision_deadline_is_not_shown_once_decided(client, make_client, make_staff):
    from test_legal_aid_workflow import act as officer_act

    make_staff("officer", "legal_aid_officer")
    reference = client.submit("/legal-aid/apply", application_form()).headers["Location"].rsplit("/", 1)[1]
    assert "作出决定期限" in client.get(f"/track/{reference}").get_data(as_text=True)
    officer = make_client()
    officer.sign_in("officer")
    assert (
        officer.submit(
            f"/staff/requests/{reference}", {}, action=f"/staff/requests/{reference}/claim"
        ).status_code
        == 303
    )
    assert officer_act(officer, reference, "approve", {"approve-comment": "符合条件"}).status_code == 303
    assert "作出决定期限" not in client.get(f"/track/{reference}").get_data(as_text=True)


def test_what_the_office_asks_for_comes_first_on_tracking(client, make_client, make_staff):
    from test_legal_aid_workflow import act as officer_act

    make_staff("officer", "legal_aid_officer")
    reference = client.submit("/legal-aid/apply", application_form()).headers["Location"].rsplit("/", 1)[1]
    officer = make_client()
    officer.sign_in("officer")
    officer.submit(f"/staff/requests/{reference}", {}, action=f"/staff/requests/{reference}/claim")
    assert (
        officer_act(
            officer,
            reference,
            "request_materials",
            {
                "request_materials-other_items": "劳务合同原件照片",
                "request_materials-comment": "请补充劳务合同。",
            },
        ).status_code
        == 303
    )
    page = client.get(f"/track/{reference}").get_data(as_text=True)
    top = page.split('class="latest-update"', 1)[1].split("</section>", 1)[0]
    assert "劳务合同原件照片" in top and "请补充劳务合同。" in top
    # Before the answer form and the details, not buried under the history.
    assert (
        page.index('class="latest-update"')
        < page.index('id="action-answer_materials"')
        < page.index('id="timeline-title"')
    )


def test_no_public_form_starts_with_a_radio_answer_chosen(public_form):
    """A default would be a guess: every radio button of a public form starts unchosen."""
    client, page, _data, _name = public_form
    html = client.get(page).get_data(as_text=True)
    radios = re.findall(r'<input[^>]*type="radio"[^>]*>', html)
    assert [tag for tag in radios if " checked" in tag] == []


def test_a_family_booking_carries_the_quick_exit_and_others_do_not(client, make_client):
    point = make_point()
    shown = {}
    for topic, mobile in (("family", "13900000051"), ("labour", "13900000052")):
        booker = make_client()
        slot = make_slot(point, 30 + len(shown))
        page = f"/consultations/book?point={point.id}&date={day_of(slot)}"
        sent = booker.submit(page, booking_form(slot, topic=topic, mobile=mobile))
        assert sent.status_code == 303, sent.get_data(as_text=True)[:2000]
        reference = sent.headers["Location"].rsplit("/", 1)[1]
        shown[topic] = [
            'id="quick-exit"' in booker.get(url).get_data(as_text=True)
            for url in (sent.headers["Location"], f"/track/{reference}")
        ]
    assert shown == {"family": [True, True], "labour": [False, False]}
