"""Offered = allowed (SPEC §2), walked over HTTP for every kind × state × role.

For each request kind, the walk reaches every state it can (claimed and unclaimed) with
the kind's own sample request and sample form data (`RequestKind.sample_work`), through
the real services. In each, every staff role (and the handler, a supervisor and the
participant) opens the detail page, and the applicant the tracking page. Every action
offered there, posted with the sample data on a fresh request in the same state, is
taken (no 409, no refusal flashed): nothing that the guard refuses is offered. (Each
action is posted once per state, by the first role offered it: page and post ask the
same `can_take`, so the roles differ in what they are offered, which is all rendered.) Liveness:
every staff and applicant transition of the kind is offered, or explained in words,
somewhere on the walk.

Seen red: with the guard no longer asked before offering (`_split` putting every
transition in `allowed`), LA's second "ask for materials" and CB's early no-show were
offered and answered 409; with nothing offered (`allowed` always empty), liveness names
every transition.
"""

import re
from collections import deque

import pytest

from portal.config import DefaultConfig
from portal.core import attachments
from portal.core.access import can_claim, can_take
from portal.core.forms import ActionForm, ApplicantActionForm
from portal.core.registry import kind_for_code, load_capability
from portal.core.services import claim, load_by_reference, perform
from portal.core.workflow import STAFF, WorkflowError
from portal.extensions import db

CODES = [k.code for p in DefaultConfig.CAPABILITIES for k in load_capability(p).kinds if k.make_sample]
CLAIM = "claim"


def staff_of(kind, make_staff):
    """One account per role that may meet the kind, and the handler holding every queue role."""
    roles = set(kind.staff_roles) | {"supervisor"} | {r for t in kind.workflow.transitions for r in t.roles}
    if kind.participant_role:
        roles.add(kind.participant_role)
    people = {role: make_staff(f"{kind.code.lower()}-{role}", role) for role in sorted(roles)}
    people["handler"] = make_staff(f"{kind.code.lower()}-handler", *sorted(kind.staff_roles))
    return people


def service_data(app, request_obj, transition, fields: dict):
    """What the transition's form makes of the sample fields, as the view would pass it on."""
    form_class = transition.form or (ActionForm if transition.actor == STAFF else ApplicantActionForm)
    prefixed = {f"{transition.action}-{k}": v for k, v in fields.items()}
    with app.test_request_context(method="POST", data=prefixed):
        form = form_class(prefix=transition.action, meta={"csrf": False})
        form.prepare(request_obj)
        assert form.validate(), (transition.action, form.errors)
        return attachments.stage_checked(form.transition_data()), form.comment.data


def build(app, kind, recipe, people):
    """A fresh sample request taken through `recipe` (actions, or "claim" by the handler)."""
    request_obj = kind.make_sample()
    data = kind.sample_work(request_obj, list(people.values()))
    db.session.commit()
    for step in recipe:
        if step == CLAIM:
            claim(request_obj, people["handler"])
        else:
            transition = kind.workflow.transition(step)
            values, comment = service_data(app, request_obj, transition, data.get(step, {}))
            user = None
            if transition.actor == STAFF:
                user = next(u for u in people.values() if can_take(u, request_obj, transition))
            perform(request_obj, step, user=user, actor_type=transition.actor, data=values, comment=comment)
        db.session.commit()
    return request_obj, data


def reachable(app, kind, people):
    """A shortest recipe to each (state, claimed) the sample can reach."""
    found = {}
    todo = deque([[]])
    while todo:
        recipe = todo.popleft()
        try:
            request_obj, _data = build(app, kind, recipe, people)
        except (WorkflowError, StopIteration, AssertionError):
            db.session.rollback()
            continue
        key = (request_obj.status, request_obj.handler_id is not None)
        if key in found:
            continue
        found[key] = recipe
        if len(recipe) > 8:
            continue
        for transition in kind.workflow.from_state(request_obj.status):
            todo.append([*recipe, transition.action])
        if can_claim(people["handler"], request_obj):
            todo.append([*recipe, CLAIM])
    return found


def offered_on(html: str, reference: str, base: str) -> set[str]:
    return set(re.findall(rf'{re.escape(base)}/{re.escape(reference)}/actions/(\w+)"', html))


def explained_on(html: str) -> set[str]:
    return set(re.findall(r'class="hint refusal" data-action="(\w+)"', html))


def post_and_check(client, request_obj, page: str, url: str, action: str, fields: dict):
    """Post one offered action; it must be taken (an audit event of it), not refused."""
    before = {e.id for e in request_obj.events}
    data = {f"{action}-{k}": v for k, v in fields.items()}
    data[f"{action}-version"] = str(request_obj.version)
    response = client.submit(page, data, action=url)
    assert response.status_code in (302, 303), (
        action,
        response.status_code,
        response.get_data(as_text=True)[:3000],
    )
    db.session.expire_all()
    fresh = load_by_reference(request_obj.reference)
    taken = [e.action for e in fresh.events if e.id not in before]
    assert action in taken, (action, fresh.status, taken)


@pytest.mark.parametrize("code", CODES)
def test_every_offered_action_is_allowed_for_every_state_and_role(app, make_staff, make_client, code):
    kind = kind_for_code(code)
    people = staff_of(kind, make_staff)
    clients = {}
    for name, user in people.items():
        clients[name] = make_client()
        clients[name].sign_in(user.username)
    recipes = reachable(app, kind, people)
    wanted = {t.action for t in kind.workflow.transitions if t.actor in (STAFF, "applicant")}
    seen: set[str] = set()
    for (status, claimed), recipe in sorted(recipes.items()):
        where = f"{code} {status} {'claimed' if claimed else 'unclaimed'}"
        posted: set[str] = set()  # each offered action posted once per state (by the first role offered it)
        # Staff: the detail page of every role.
        for name, client in clients.items():
            request_obj, _data = build(app, kind, recipe, people)
            page = f"/staff/requests/{request_obj.reference}"
            response = client.get(page)
            assert response.status_code in (200, 403), (where, name, response.status_code)
            if response.status_code == 403:
                continue
            html = response.get_data(as_text=True)
            offered = offered_on(html, request_obj.reference, "/staff/requests")
            seen |= offered | explained_on(html)
            if f"{page}/claim" in html:
                offered.add(CLAIM)
            for action in sorted(offered - posted):
                posted.add(action)
                fresh, data = build(app, kind, recipe, people)
                url = f"/staff/requests/{fresh.reference}/" + (
                    CLAIM if action == CLAIM else f"actions/{action}"
                )
                post_and_check(
                    client, fresh, f"/staff/requests/{fresh.reference}", url, action, data.get(action, {})
                )
        # The applicant: the tracking page.
        applicant = make_client()
        request_obj, _data = build(app, kind, recipe, people)
        html = track(applicant, request_obj)
        offered = offered_on(html, request_obj.reference, "/track")
        seen |= offered | explained_on(html)
        for action in sorted(offered):
            fresh, data = build(app, kind, recipe, people)
            track(applicant, fresh)
            url = f"/track/{fresh.reference}/actions/{action}"
            transition = kind.workflow.transition(action)
            page = url if transition.needs_confirmation else f"/track/{fresh.reference}"
            post_and_check(applicant, fresh, page, url, action, data.get(action, {}))
    assert wanted <= seen, f"{code}: never offered nor explained: {sorted(wanted - seen)}"


def track(client, request_obj) -> str:
    """Follow the request as its applicant (reference + mobile) and return its page."""
    response = client.submit(
        "/track", {"reference": request_obj.reference, "mobile": request_obj.applicant_mobile}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = client.get(f"/track/{request_obj.reference}")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_a_second_materials_request_is_explained_with_its_date_not_offered(app, make_staff, make_client):
    """Catches the detail page offering a transition whose guard refuses it (seen red with
    `_split` ignoring the guard: the form was there, and posting it answered 409)."""
    from portal.core.clock import to_local

    officer = make_staff("officer", "legal_aid_officer")
    kind = kind_for_code("LA")
    application = kind.make_sample()
    data = kind.sample_work(application, [officer])
    claim(application, officer)
    perform(application, "request_materials", user=officer, data={"items": ["id_copy"], "other_items": ""})
    perform(application, "answer_materials", actor_type="applicant", data={"comment": "已补充"})
    db.session.commit()
    assert data["request_materials"]
    client = make_client()
    client.sign_in("officer")
    html = client.get(f"/staff/requests/{application.reference}").get_data(as_text=True)
    assert f"/staff/requests/{application.reference}/actions/request_materials" not in html
    sent = to_local(application.materials_requested_at)
    assert 'data-action="request_materials"' in html
    assert f"补正通知已于{sent.year}年{sent.month}月{sent.day}日发出" in html


@pytest.mark.parametrize("code", CODES)
def test_after_the_first_staff_action_an_open_request_has_a_handler(app, make_staff, make_client, code):
    """Ownership (issue 31): accepting a mediation left it "Handler: nobody" under
    "unassigned". Each first staff action a queue worker may take on a new request, posted
    over HTTP without claiming first, leaves the request (if still open) with that worker
    as its handler. Seen red without the handler rule in `perform` (MD accept, HC accept,
    CB check-in)."""
    kind = kind_for_code(code)
    people = staff_of(kind, make_staff)
    workers = [(role, user) for role, user in people.items() if role in kind.staff_roles]
    for role, user in workers:
        client = make_client()
        client.sign_in(user.username)
        request_obj, _data = build(app, kind, [], people)
        html = client.get(f"/staff/requests/{request_obj.reference}").get_data(as_text=True)
        for action in sorted(offered_on(html, request_obj.reference, "/staff/requests")):
            fresh, data = build(app, kind, [], people)
            url = f"/staff/requests/{fresh.reference}/actions/{action}"
            post_and_check(
                client, fresh, f"/staff/requests/{fresh.reference}", url, action, data.get(action, {})
            )
            db.session.expire_all()
            fresh = load_by_reference(fresh.reference)
            assert not fresh.is_open or fresh.handler_id == user.id, (code, role, action, fresh.status)
