"""Safe contact (SPEC §2 "Identity and tracking", issue #28 item 6): a request whose
applicant asked for no text of any kind writes no SMS to the outbox on any transition,
codes included, is opened on /track with its PIN, never listed by /track/find, shows a
banner to staff, and is never withdrawn for silence without a recorded delivery.

Over HTTP with the production settings on (the code read from the outbox, rate limits);
each test says which broken implementation it catches.
"""

from datetime import timedelta

import pytest
from sqlalchemy import delete, func, or_, select
from test_track_proof import STRANGER_MOBILE, answer_shape, pair, texts_to
from test_track_proof import deployed as deployed  # noqa: F401 (a fixture)

from portal.core.clock import utcnow
from portal.core.models import AuditEvent, OutboxMessage, ServiceRequest
from portal.core.safe_contact import PIN_MAX_TRIES
from portal.core.services import load_by_reference
from portal.extensions import db

from support import application_form

MOBILE = "13900000011"
PIN = "482916"
SAFE = {
    "no_texts": "y",
    "contact_how": "工作日下午两点到四点打这个号码，自称社区服务中心",
    "tracking_pin": PIN,
    "tracking_pin_again": PIN,
}


def outbox_rows() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def apply_safely(app, **overrides) -> str:
    """A safe-contact legal aid application over HTTP: no code step, straight to the receipt."""
    browser = app.test_client()
    done = browser.submit("/legal-aid/apply", application_form(**SAFE, **overrides))
    assert done.status_code == 303, done.get_data(as_text=True)[:3000]
    assert "/legal-aid/applied/LA-" in done.headers["Location"]
    return done.headers["Location"].rsplit("/", 1)[1]


def test_a_safe_contact_application_texts_nothing_and_opens_with_its_pin(deployed):  # noqa: F811
    """Catches: the code step texting a safe-contact applicant, the "received" notice sent,
    the PIN kept as typed, /track texting a code for it (or answering differently from a
    wrong pair), a wrong PIN opening it, and PIN tries without a limit."""
    reference = apply_safely(deployed)
    assert outbox_rows() == 0 and texts_to(MOBILE) == []
    found = load_by_reference(reference)
    assert found.safe_contact and found.contact_how.startswith("工作日下午")
    assert found.mobile_proven is False  # no code proved it: no account lists it
    assert found.pin_hash and PIN not in found.pin_hash

    stranger = pair(deployed.test_client(), reference, STRANGER_MOBILE)
    visitor = deployed.test_client()
    asked = pair(visitor, reference, MOBILE)
    assert asked.status_code == stranger.status_code == 200
    assert answer_shape(asked) == answer_shape(stranger)
    assert outbox_rows() == 0  # no code texted, whoever asks
    assert visitor.get(f"/track/{reference}").status_code != 200 or "周建国" not in visitor.get(
        f"/track/{reference}"
    ).get_data(as_text=True)

    wrong = visitor.submit("/track/code", {"code": "135790"})
    assert wrong.status_code == 400 and "周建国" not in wrong.get_data(as_text=True)
    right = visitor.submit("/track/code", {"code": PIN})
    assert right.status_code == 303 and right.headers["Location"].endswith(f"/track/{reference}")
    assert "周建国" in visitor.get(f"/track/{reference}").get_data(as_text=True)

    # The PIN on a stranger's pair opens nothing.
    other = deployed.test_client()
    pair(other, reference, STRANGER_MOBILE, address="203.0.113.9")
    assert other.submit("/track/code", {"code": PIN}).status_code == 400

    # Limited tries: after PIN_MAX_TRIES wrong ones, the right PIN opens nothing either.
    guesser = deployed.test_client()
    pair(guesser, reference, MOBILE, address="203.0.113.7")
    for n in range(PIN_MAX_TRIES):
        assert guesser.submit("/track/code", {"code": f"10000{n}"}).status_code == 400
    assert guesser.submit("/track/code", {"code": PIN}).status_code == 400
    assert outbox_rows() == 0


def test_the_check_page_never_shows_the_pin_and_two_different_pins_are_refused(deployed):  # noqa: F811
    """Catches: the PIN echoed on the check-your-answers page, a PIN of fewer than six digits,
    and a safe-contact request without the two PINs agreeing or a way to call."""
    browser = deployed.test_client()
    check = browser.submit("/legal-aid/apply", application_form(**SAFE), answers_checked=False)
    html = check.get_data(as_text=True)
    assert check.status_code == 200 and 'id="check-form"' in html and PIN not in html
    short = browser.submit("/legal-aid/apply", application_form(**{**SAFE, "tracking_pin": "1234"}))
    assert short.status_code == 400 and 'id="tracking_pin-error"' in short.get_data(as_text=True)
    differ = browser.submit("/legal-aid/apply", application_form(**{**SAFE, "tracking_pin_again": "482917"}))
    assert differ.status_code == 400 and 'id="tracking_pin_again-error"' in differ.get_data(as_text=True)
    no_call = browser.submit("/legal-aid/apply", application_form(**{**SAFE, "contact_how": ""}))
    assert no_call.status_code == 400 and 'id="contact_how-error"' in no_call.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ServiceRequest)) == 0
    assert outbox_rows() == 0


def test_an_application_about_domestic_violence_offers_safe_contact_first(deployed):  # noqa: F811
    """Catches: the offer placed after the other questions (or missing) when the matter is
    abuse, abandonment or domestic violence."""
    import re

    victim = deployed.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', victim.get("/legal-aid/").get_data(as_text=True))
    answers = {"matter": "family_support", "claim_exemption": "abuse_victim", "means_waiver": "none"}
    victim.post("/legal-aid/apply-with-answers", data={**answers, "csrf_token": token.group(1)})
    # Its own page, before the page that asks the mobile number (issue #30: short pages).
    first = victim.get("/legal-aid/apply/safe-contact-first").get_data(as_text=True)
    assert 'id="safe-contact"' in first and 'name="applicant_name"' not in first
    contact = victim.get("/legal-aid/apply/contact").get_data(as_text=True)
    assert 'class="back-link" href="/legal-aid/apply/safe-contact-first"' in contact
    assert victim.get("/legal-aid/apply/safe-contact").status_code == 303  # not asked again after
    usual = deployed.test_client()
    assert usual.get("/legal-aid/apply/safe-contact-first").status_code == 303
    after = usual.get("/legal-aid/apply/safe-contact").get_data(as_text=True)
    assert 'id="safe-contact"' in after and 'class="back-link" href="/legal-aid/apply/contact"' in after


def test_no_code_of_any_kind_reaches_a_safe_contact_mobile(deployed):  # noqa: F811
    """Catches: a refusal bound to the request only, so that /track/find (or a new form)
    still texts a code to the shared phone; and /track/find listing a safe-contact request."""
    from portal.public.find import findable

    reference = apply_safely(deployed)
    found = load_by_reference(reference)
    found.mobile_proven = True  # even were it marked proven, /track/find never lists it
    db.session.commit()
    assert findable(MOBILE) == []
    asked = deployed.test_client().submit("/track/find", {"mobile": MOBILE})
    assert asked.status_code == 200 and outbox_rows() == 0
    # A new ordinary form with the same number: the code step texts nothing either.
    deployed.test_client().submit("/legal-aid/apply", application_form())
    assert texts_to(MOBILE) == []


def test_staff_see_the_banner_and_record_the_delivery_before_silence_counts(
    deployed,  # noqa: F811
    make_staff,
):
    """Catches: no banner on the queue row or the detail page, a delivery recorded without an
    audit event, and withdraw-expired firing on a safe-contact applicant who was never told
    (or told before the materials were asked for)."""
    reference = apply_safely(deployed)
    make_staff("officer", "legal_aid_officer")
    application = load_by_reference(reference)
    asked_at = utcnow() - timedelta(days=20)
    application.status = "needs_materials"
    application.materials_requested_at = asked_at
    application.materials_due_at = utcnow() - timedelta(minutes=1)
    db.session.add(
        AuditEvent(
            request=application,
            action="contact_notice_delivered",
            actor_type="staff",
            comment="an older call",
            audience="staff",
            created_at=asked_at - timedelta(days=1),
        )
    )
    db.session.commit()

    runner = deployed.test_cli_runner()
    assert "withdrew 0" in runner.invoke(args=["withdraw-expired"]).output
    db.session.expire_all()
    assert load_by_reference(reference).status == "needs_materials"

    officer = deployed.test_client()
    officer.sign_in("officer")
    page = f"/staff/requests/{reference}"
    detail = officer.get(page).get_data(as_text=True)
    assert 'id="safe-contact-banner"' in detail and "工作日下午两点到四点" in detail
    queue = officer.get("/staff/queue/legal-aid?tab=all").get_data(as_text=True)
    assert reference in queue and "safe-contact" in queue

    refused = officer.submit(page, {"channel": "call"}, action=f"{page}/contact-notice")
    assert refused.status_code == 400
    recorded = officer.submit(
        page,
        {"channel": "call", "what": "补充材料通知，12月1日下午电话告知"},
        action=f"{page}/contact-notice",
    )
    assert recorded.status_code == 303
    event = db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == "contact_notice_delivered")
        .order_by(AuditEvent.id.desc())
    )
    assert event.actor.username == "officer" and event.audience == "staff" and "电话告知" in event.comment

    assert "withdrew 1" in runner.invoke(args=["withdraw-expired"]).output
    db.session.expire_all()
    assert load_by_reference(reference).status == "withdrawn"
    assert outbox_rows() == 0  # the withdrawal notice is not texted either


def test_a_pin_locked_by_wrong_tries_is_let_again_by_staff_after_an_id_check(
    deployed,  # noqa: F811
    make_staff,
):
    """Catches: a locked PIN that nobody can unlock (or that unlocks itself), and an unlock
    without the ID check or without an audit event."""
    reference = apply_safely(deployed)
    make_staff("officer", "legal_aid_officer")
    guesser = deployed.test_client()
    pair(guesser, reference, MOBILE, address="203.0.113.8")
    for n in range(PIN_MAX_TRIES):
        guesser.submit("/track/code", {"code": f"20000{n}"})
    officer = deployed.test_client()
    officer.sign_in("officer")
    page = f"/staff/requests/{reference}"
    assert 'id="pin-unlock"' in officer.get(page).get_data(as_text=True)
    assert officer.submit(page, {}, action=f"{page}/contact-pin").status_code == 400
    assert officer.submit(page, {"pin-id_checked": "y"}, action=f"{page}/contact-pin").status_code == 303
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contact_pin_unlocked"))
    assert event is not None and event.actor.username == "officer"
    assert 'id="pin-unlock"' not in officer.get(page).get_data(as_text=True)
    visitor = deployed.test_client()
    pair(visitor, reference, MOBILE, address="203.0.113.4")
    assert visitor.submit("/track/code", {"code": PIN}).status_code == 303


def walk_every_transition(request, code: str, prepare, check) -> None:
    """Walk every transition of kind `code` as tests/test_status_machines.py does, each
    example's request first `prepare`d (after its sample was made and its texts dropped),
    then `check`ed; every transition taken but acting on silence ("expire")."""
    from hypothesis import given
    from hypothesis import strategies as st
    from test_status_machines import SETTINGS, run, steps

    from portal.core.registry import registry

    from machine_exercises import exercise

    kind = registry().kinds[code]
    plan = exercise(kind, request.getfixturevalue)
    reached: set[str] = set()

    @SETTINGS
    @given(steps=steps(kind.workflow), draw=st.data())
    def example(goal, steps, draw):
        request_obj = plan.start(goal, draw.draw)
        db.session.execute(delete(OutboxMessage))  # those of the sample, made before it asked
        prepare(request_obj)
        db.session.commit()
        reached.update(run(request_obj, steps, plan.staff, lambda action: plan.data.get(action, {}), goal))
        check(request_obj, reached)

    for goal in kind.workflow.transitions:
        for _ in range(3):  # a few more random walks for a goal the first ones missed
            example(goal)
            if goal.action in reached or goal.action == "expire":
                break
    never = {t.action for t in kind.workflow.transitions} - reached
    # Only acting on silence may wait: a safe-contact applicant's silence counts after a recorded delivery.
    assert never <= {"expire"}, never


@pytest.mark.parametrize("code", ["LA", "MD", "CB", "AC"])
def test_no_transition_of_a_safe_contact_request_writes_an_sms(app, request, code):
    """Every transition of each kind whose public form offers safe contact, walked as the
    status-machine test walks them (tests/test_status_machines.py), on a safe-contact
    request: no outbox row about it, to anyone (the other party included), nor to its
    mobile. Catches: any notice, reminder or party message that does not go through the one
    refusal (portal.core.safe_contact.refuses_sms)."""

    def prepare(request_obj):
        request_obj.safe_contact = True

    def check(request_obj, reached):
        written = db.session.scalars(
            select(OutboxMessage.template_key).where(
                or_(
                    OutboxMessage.request_id == request_obj.id,
                    OutboxMessage.recipient == request_obj.applicant_mobile,
                )
            )
        ).all()
        assert written == [], f"{code} texted {written} after {sorted(reached)}"

    walk_every_transition(request, code, prepare, check)


def test_every_public_form_for_a_person_offers_safe_contact(deployed):  # noqa: F811
    """Catches: a public form of a person's request without the offer (the enterprise's
    health check may skip it)."""
    from test_advisers_support import directory
    from test_consultations import day_of, make_point, make_slot

    point = make_point()
    slot = make_slot(point, 26)
    village = directory()["金龙村"]
    for page in (
        "/legal-aid/apply/safe-contact",
        "/mediation/apply/safe-contact",
        f"/consultations/book?point={point.id}&date={day_of(slot)}",
        f"/advisers/villages/{village.id}/contact",
    ):
        html = deployed.test_client().get(page).get_data(as_text=True)
        assert 'name="no_texts"' in html and 'name="tracking_pin"' in html, page


def test_the_pin_is_never_kept_as_typed_between_the_intake_pages(browser):
    """Through the check-your-answers page as a browser does (tests/deployed.py): the
    intake's server-side answers hold the PIN only sealed (a signed hash), and the request
    made from them opens with the PIN. Catches: the digits kept in intake_states, and a
    sealed PIN the send step cannot use."""
    from deployed import BASE_URL, new_mobile

    from portal.core.intake_state import IntakeState

    person, mobile = browser(), new_mobile()
    from test_journeys_deployed import through_the_pages

    person.visit("/legal-aid/apply")
    check = through_the_pages(person, application_form(mobile=mobile, **SAFE))
    assert check.status_code == 200 and 'id="check-form"' in check.get_data(as_text=True)
    db.session.expire_all()
    kept = str(db.session.scalars(select(IntakeState.answers)).all())
    assert "工作日下午" in kept and PIN not in kept
    done = person.send("check-form", {}, press={"answers_checked": "1"})
    assert done.status_code == 303 and "/legal-aid/applied/LA-" in done.headers["Location"], done.get_data(
        as_text=True
    )[:3000]
    reference = done.headers["Location"].rsplit("/", 1)[1]
    assert outbox_rows() == 0
    visitor = browser()
    visitor.visit("/track")
    visitor.send(None, {"reference": reference, "mobile": mobile})
    visitor.page_url = BASE_URL + "/track/code"  # the code page answers the pair on /track itself
    opened = visitor.send(None, {"code": PIN})
    assert opened.status_code == 303 and opened.headers["Location"].endswith(f"/track/{reference}")


def test_the_receipt_of_a_safe_contact_request_promises_no_text(deployed):  # noqa: F811
    """The receipt says no text of any kind will come and how the office will call, and no
    longer promises a text. Mutant seen red: the receipt's lines without the safe-contact
    condition (it promised 短信 to a shared phone's owner)."""
    person = deployed.test_client()
    done = person.submit("/legal-aid/apply", application_form(**SAFE))
    assert done.status_code == 303
    receipt = person.get(done.headers["Location"]).get_data(as_text=True)
    assert "本申请不会发送任何短信，包括验证码。" in receipt and "工作日下午" in receipt
    assert "会在查询页面和短信中告知您" not in receipt
    assert outbox_rows() == 0


def test_a_pin_typed_in_full_width_digits_opens_with_the_same_digits_typed_plainly(deployed):  # noqa: F811
    """A Chinese input method types １２３４５６: the PIN is the same digits whichever way
    they come. Mutant seen red: the PIN kept without NFKC (set in full width, the ASCII
    digits on /track were 'wrong' and cost a try)."""
    wide = "".join(chr(ord(c) + 0xFEE0) for c in PIN)  # full-width digits
    person = deployed.test_client()
    answers = application_form(**{**SAFE, "tracking_pin": wide, "tracking_pin_again": wide})
    done = person.submit("/legal-aid/apply", answers)
    assert done.status_code == 303, done.get_data(as_text=True)[:2000]
    reference = done.headers["Location"].rsplit("/", 1)[1]
    visitor = deployed.test_client()
    pair(visitor, reference, MOBILE)
    assert visitor.submit("/track/code", {"code": PIN}).status_code == 303
    assert load_by_reference(reference).pin_tries == 0
