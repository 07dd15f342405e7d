"""Counter staff move a request to the applicant's new mobile after an in-person ID check
(SPEC §2 "Identity and tracking", issue #28): audited, never "proven", and tracking then
follows the new number only."""

from sqlalchemy import select
from test_track_proof import SAME_ANSWER, codes_to, pair
from test_track_proof import deployed as deployed  # noqa: F401 (a fixture)

from portal.core.models import AuditEvent, ServiceRequest
from portal.extensions import db

OLD, NEW = "13900000011", "13600000066"


def test_counter_staff_move_a_request_to_a_new_mobile_after_an_id_check(
    deployed,  # noqa: F811
    make_application,
    make_staff,
):
    """Catches: a change without the ID check confirmed, one not audited, one that marks the
    typed number proven, and a change by staff who may not see the request."""
    application = make_application()
    reference = application.reference
    make_staff("officer", "legal_aid_officer")
    make_staff("lawyer", "lawyer")
    page = f"/staff/requests/{reference}"
    officer = deployed.test_client()
    officer.sign_in("officer")
    assert 'id="mobile-title"' in officer.get(page).get_data(as_text=True)

    unchecked = officer.submit(page, {"mobile": NEW}, action=f"{page}/mobile")
    assert unchecked.status_code == 400 and 'id="id_checked-error"' in unchecked.get_data(as_text=True)
    assert NEW in unchecked.get_data(as_text=True)  # the typed number kept
    db.session.expire_all()
    assert db.session.get(ServiceRequest, application.id).applicant_mobile == OLD

    moved = officer.submit(page, {"mobile": NEW, "id_checked": "y"}, action=f"{page}/mobile")
    assert moved.status_code == 303
    db.session.expire_all()
    found = db.session.get(ServiceRequest, application.id)
    assert found.applicant_mobile == NEW and found.mobile_proven is False
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "change_mobile"))
    assert event.audience == "staff" and event.comment == "139****0011 → 136****0066"
    assert event.actor.username == "officer"

    lawyer = deployed.test_client()
    lawyer.sign_in("lawyer")
    assert lawyer.submit(
        "/staff/", {"mobile": OLD, "id_checked": "y"}, action=f"{page}/mobile"
    ).status_code in (
        403,
        404,
    )
    db.session.expire_all()
    assert db.session.get(ServiceRequest, application.id).applicant_mobile == NEW

    for mobile in (OLD, NEW):
        assert SAME_ANSWER in pair(deployed.test_client(), reference, mobile).get_data(as_text=True)
    assert codes_to(OLD) == [] and len(codes_to(NEW)) == 1
