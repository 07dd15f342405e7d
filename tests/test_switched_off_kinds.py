"""A capability switched off in the settings keeps its requests readable, read-only.

A request is made while every capability is on; then an app on the same database, with the
request's capability left out of CAPABILITIES, serves its tracking page and its staff detail
page: 200, with a plain note, no action offered, and every change refused. For every kind of
the registry, so a new kind is covered without an edit.
"""

import pytest
from sqlalchemy import select

from portal import create_app
from portal.accounts.models import User
from portal.config import DefaultConfig
from portal.core.access import can_claim, can_reassign, can_take, can_view
from portal.core.models import ServiceRequest
from portal.core.registry import REGISTRY_KEY, build_registry, load_capability
from portal.core.services import perform
from portal.core.workflow import GuardFailed
from portal.extensions import db

from conftest import PortalClient, app_config

NOTE = "此类服务已停用，相关申请仅供查阅。"


def shipped_kind_codes() -> list[str]:
    from portal.accounts.roles import Role

    return sorted(build_registry(DefaultConfig.CAPABILITIES, core_roles=tuple(Role)).kinds)


@pytest.fixture
def without(schema, tmp_path):
    """An app on the test database whose settings leave out the capability of a kind."""
    made = []

    def factory(app, code: str):
        packages = [
            p for p in app.config["CAPABILITIES"] if code not in {k.code for k in load_capability(p).kinds}
        ]
        other = create_app(dict(app_config(schema, tmp_path / "off"), CAPABILITIES=tuple(packages)))
        other.test_client_class = PortalClient
        made.append(other)
        return other

    yield factory
    for other in made:
        with other.app_context():
            db.engine.dispose()


@pytest.mark.parametrize("code", shipped_kind_codes())
def test_a_request_of_a_switched_off_kind_is_shown_read_only(app, make_staff, without, code):
    """Mutants caught: `kind_of` without the switched-off kinds (KeyError: 500 on both pages);
    the kind's partial templates included (they link to routes that are gone: 500); the
    actions, claim, notes or messages still offered or accepted."""
    kind = app.extensions[REGISTRY_KEY].kinds[code]
    sample = kind.make_sample()
    make_staff("boss", "supervisor")
    make_staff("worker", *kind.staff_roles)
    db.session.commit()
    reference, mobile = sample.reference, sample.applicant_mobile
    transition = next(t for t in kind.workflow.from_state(sample.status, "staff"))
    own = next(iter(kind.workflow.from_state(sample.status, "applicant")), None)

    other = without(app, code)
    assert code not in other.extensions[REGISTRY_KEY].kinds
    assert code in other.extensions[REGISTRY_KEY].switched_off

    staff = other.test_client()
    staff.sign_in("boss")
    page = staff.get(f"/staff/requests/{reference}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200, html[:3000]
    assert NOTE in html and reference in html
    for offered in ("/actions/", "/claim", "/notes", "/message", "/reassign"):
        assert f"{reference}{offered}" not in html, offered
    for refused in (f"/actions/{transition.action}", "/claim", "/notes", "/message"):
        response = staff.submit(
            f"/staff/requests/{reference}", {"body": "x"}, action=f"/staff/requests/{reference}{refused}"
        )
        assert response.status_code == 409, refused
        assert NOTE in response.get_data(as_text=True)

    applicant = other.test_client()
    assert mobile, "the sample has an applicant's mobile to track it with"
    found = applicant.submit("/track", {"reference": reference, "mobile": mobile})
    assert found.status_code == 302, found.get_data(as_text=True)[:2000]
    tracking = applicant.get(f"/track/{reference}")
    html = tracking.get_data(as_text=True)
    assert tracking.status_code == 200, html[:3000]
    assert NOTE in html and "/actions/" not in html and "/rating" not in html
    if own is not None:  # e.g. withdraw: refused too
        response = applicant.submit("/track", {}, action=f"/track/{reference}/actions/{own.action}")
        assert response.status_code == 409

    assert staff.get("/staff/").status_code == 200  # its queue is gone, the home still opens
    assert staff.get(f"/staff/queue/{kind.slug}").status_code == 404
    with other.test_request_context():
        found, boss, worker = (
            db.session.scalar(select(ServiceRequest).where(ServiceRequest.reference == reference)),
            db.session.scalar(select(User).where(User.username == "boss")),
            db.session.scalar(select(User).where(User.username == "worker")),
        )
        assert can_view(boss, found)
        assert not (can_claim(worker, found) or can_reassign(boss, found))
        assert not any(can_take(user, found, t) for user in (boss, worker) for t in kind.workflow.transitions)
        with pytest.raises(GuardFailed):
            perform(found, transition.action, user=boss)
        db.session.rollback()
