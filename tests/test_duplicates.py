"""Probable duplicates for staff (issue #27): the queue row and the detail page flag an open
request with the same declared key (legal aid: ID number and matter) within 30 days."""

import re
from datetime import timedelta

from portal.extensions import db

from support import PASSWORD

OTHER_ID = "110101199003070011"


def test_the_queue_and_the_detail_page_link_two_applications_of_one_person_and_matter(
    client, make_staff, make_application
):
    """Mutant caught: a key of the mobile alone (the third application, same mobile but
    another person, would be flagged) or no flag at all."""
    make_staff("officer", "legal_aid_officer")
    first = make_application()
    second = make_application()  # the same ID number and matter
    other_matter = make_application(matter_type="family")
    same_mobile_other_person = make_application(id_number=OTHER_ID)
    client.sign_in("officer", PASSWORD)
    queue = client.get("/staff/queue/legal-aid?tab=open").get_data(as_text=True)
    rows = dict(re.findall(r'<tr[^>]*>\s*<td><a href="[^"]+">(LA-[\d-]+)</a>(.*?)</tr>', queue, re.S))
    assert (
        f">{second.reference}</a>" in rows[first.reference]
        and f">{first.reference}</a>" in rows[second.reference]
    )
    for lone in (other_matter, same_mobile_other_person):
        assert "duplicate" not in rows[lone.reference]
    detail = client.get(f"/staff/requests/{first.reference}").get_data(as_text=True)
    assert f'href="/staff/requests/{second.reference}"' in detail and 'class="notice duplicate"' in detail
    alone = client.get(f"/staff/requests/{other_matter.reference}").get_data(as_text=True)
    assert 'class="notice duplicate"' not in alone


def test_an_old_or_closed_request_is_no_duplicate(client, make_staff, make_application):
    make_staff("officer", "legal_aid_officer")
    old = make_application()
    new = make_application()
    old.created_at = new.created_at - timedelta(days=31)
    db.session.commit()
    client.sign_in("officer", PASSWORD)
    detail = client.get(f"/staff/requests/{new.reference}").get_data(as_text=True)
    assert 'class="notice duplicate"' not in detail
    old.created_at = new.created_at - timedelta(days=29)
    old.is_open = False
    db.session.commit()
    assert 'class="notice duplicate"' not in client.get(f"/staff/requests/{new.reference}").get_data(
        as_text=True
    )
    old.is_open = True
    db.session.commit()
    assert 'class="notice duplicate"' in client.get(f"/staff/requests/{new.reference}").get_data(as_text=True)


def test_staff_close_a_duplicate_as_merged_with_a_public_reason(client, make_staff, make_application):
    """Its own closed state (not a withdrawal), the reason told to the applicant; a merge
    into a closed request or itself is refused and changes nothing."""
    from sqlalchemy import select

    from portal.core.models import OutboxMessage, ServiceRequest

    make_staff("officer", "legal_aid_officer")
    kept, duplicate, closed = make_application(), make_application(), make_application()
    closed.status, closed.is_open = "withdrawn", False
    db.session.commit()
    client.sign_in("officer", PASSWORD)
    page = f"/staff/requests/{duplicate.reference}"
    client.submit(page, {}, action=f"/staff/requests/{duplicate.reference}/claim")
    detail = client.get(page).get_data(as_text=True)
    assert "/actions/merge" in detail
    itself = client.submit(
        page, {"merge-into": duplicate.reference, "merge-reason": "重复"}, action=f"{page}/actions/merge"
    )
    db.session.expire_all()
    assert itself.status_code in (400, 409) and duplicate.status == "under_review"  # claimed, not merged
    assert "只能并入另一份同类且尚未办结的申请" in itself.get_data(as_text=True)
    into_closed = client.submit(
        page, {"merge-into": closed.reference, "merge-reason": "重复"}, action=f"{page}/actions/merge"
    )
    db.session.expire_all()
    assert into_closed.status_code == 409 and duplicate.status == "under_review"
    merged = client.submit(
        page,
        {"merge-into": kept.reference.lower(), "merge-reason": "您已提交过同一事项的申请。"},
        action=f"{page}/actions/merge",
    )
    assert merged.status_code in (302, 303), merged.get_data(as_text=True)[:2000]
    db.session.expire_all()
    row = db.session.scalar(select(ServiceRequest).where(ServiceRequest.reference == duplicate.reference))
    assert row.status == "merged" and row.is_open is False
    text = db.session.scalars(select(OutboxMessage.body).order_by(OutboxMessage.id.desc())).first()
    assert kept.reference in text and "您已提交过同一事项的申请。" in text
    assert 'class="notice duplicate"' not in client.get(f"/staff/requests/{kept.reference}").get_data(
        as_text=True
    )


def test_every_declared_key_flags_two_samples_and_is_never_the_mobile_alone(app):
    """Each kind's key names columns of its model (or of the shared request) and two
    samples of the kind made alike are flagged; the mobile alone is never a key.
    Mutant caught: a kind that loses its key, or a base-table column (applicant_name)
    that the query cannot find on the kind's own table."""
    from portal.core.duplicates import probable_duplicates
    from portal.core.registry import all_kinds

    declared = [kind for kind in all_kinds() if kind.duplicate_key]
    assert {kind.code for kind in declared} >= {"LA", "MD", "AC", "HC"}
    for kind in declared:
        assert set(kind.duplicate_key) - {"applicant_mobile"}, kind.code
        assert all(hasattr(kind.model, name) for name in kind.duplicate_key), kind.code
        first, second = kind.make_sample(), kind.make_sample()
        for name in kind.duplicate_key:  # alike (a sample may be of a new enterprise each time)
            setattr(second, name, getattr(first, name))
        db.session.commit()
        assert probable_duplicates(kind, [second.id]) == {second.id: first.reference}, kind.code
