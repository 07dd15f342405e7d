"""A supervisor assigns several ticked rows of a queue at once (issue 31): the same guard as
one reassignment (open requests only, an officer of the queue), an audit event each."""

from sqlalchemy import select

from portal.core.models import AuditEvent
from portal.core.registry import kind_for_code
from portal.core.services import claim, load_by_reference, perform
from portal.extensions import db
from portal.i18n import LANGUAGE_COOKIE


def test_a_supervisor_assigns_the_ticked_open_requests_each_audited(app, make_staff, make_client):
    """Seen red with the `can_reassign` check dropped from `bulk_assign` (the closed
    request was given a handler)."""
    kind = kind_for_code("LA")
    supervisor = make_staff("boss", "supervisor")
    officer = make_staff("officer", "legal_aid_officer", name="张敏")
    other = make_staff("other", "legal_aid_officer", name="李强")
    first, second, closed = (kind.make_sample() for _ in range(3))
    claim(closed, other)
    perform(closed, "refuse", user=other, data={"reasons": "收入超过标准"})
    db.session.commit()
    assert not closed.is_open

    boss = make_client()
    boss.sign_in("boss")
    page = boss.get(f"/staff/queue/{kind.slug}?tab=all").get_data(as_text=True)
    assert 'form="bulk-assign"' in page and f'value="{first.id}"' in page
    assert f'name="ids" value="{closed.id}"' not in page  # a closed one is not offered
    assert f'aria-label="选择 {first.reference}"' in page  # each tick box says which request
    boss.set_cookie(LANGUAGE_COOKIE, "en")
    english = boss.get(f"/staff/queue/{kind.slug}?tab=all").get_data(as_text=True)
    boss.delete_cookie(LANGUAGE_COOKIE)
    assert f'aria-label="Select {first.reference}"' in english
    done = boss.submit(
        f"/staff/queue/{kind.slug}",
        {
            "ids": [str(first.id), str(second.id), str(closed.id)],
            "bulk-handler": str(officer.id),
            "next": f"/staff/queue/{kind.slug}",
        },
        action=f"/staff/queue/{kind.slug}/assign",
    )
    assert done.status_code == 303 and done.headers["Location"].endswith(f"/staff/queue/{kind.slug}")
    db.session.expire_all()
    assert load_by_reference(first.reference).handler_id == officer.id
    assert load_by_reference(second.reference).handler_id == officer.id
    assert load_by_reference(closed.reference).handler_id == other.id
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "reassign", AuditEvent.actor_id == supervisor.id)
    ).all()
    assert sorted(e.request_id for e in events) == sorted([first.id, second.id])

    clerk = make_client()
    clerk.sign_in("officer")
    assert 'form="bulk-assign"' not in clerk.get(f"/staff/queue/{kind.slug}").get_data(as_text=True)
    refused = clerk.submit(
        f"/staff/queue/{kind.slug}",
        {"ids": [str(first.id)], "bulk-handler": str(other.id)},
        action=f"/staff/queue/{kind.slug}/assign",
    )
    assert refused.status_code == 403 and load_by_reference(first.reference).handler_id == officer.id
