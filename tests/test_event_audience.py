"""Each party sees only their own (SPEC §2, issue #28): every audit event is addressed to the
applicant, the other party, both sides or staff only, and each side's tracking page shows
only what is addressed to it."""

from sqlalchemy import select
from test_mediation import AGREE, OTHER_MOBILE, SUMMARY, accept, act, applied, case
from test_mediation import people as people  # noqa: F401 (a fixture)
from test_track_proof import deployed as deployed  # noqa: F401 (a fixture)
from test_track_proof import last_code, pair, type_code

from portal.core.models import AuditEvent, OutboxMessage, RequestParty
from portal.core.registry import all_kinds
from portal.core.services import record_event
from portal.core.workflow import APPLICANT, BOTH, PARTY, STAFF
from portal.extensions import db

APPLICANT_MOBILE = "13900000041"


def opened_as(app, reference: str, mobile: str):
    """A browser of `app` that proved `mobile` for `reference` with the code from the outbox."""
    browser = app.test_client()
    pair(browser, reference, mobile)
    assert type_code(browser, last_code(mobile)).status_code == 303
    return browser


def test_the_other_party_never_sees_what_is_addressed_to_the_applicant(
    deployed,  # noqa: F811
    people,  # noqa: F811
):
    """Over HTTP, as deployed: a staff message to the applicant, the coordinator's comment on
    accepting, a message to the other party and each side's own note. Catches: the one
    `is_public` flag (the applicant's messages in the other party's history) and a party
    page that shows every public event."""
    make_client = deployed.test_client
    deployed.config["MOBILE_VERIFICATION"] = False  # the application itself (its code is tested elsewhere)
    reference = applied(make_client(), people)
    deployed.config["MOBILE_VERIFICATION"] = True
    coordinator = make_client()
    coordinator.sign_in("mediation")
    page = f"/staff/requests/{reference}"
    accepted = act(
        coordinator,
        reference,
        "accept",
        {
            "accept-committee": str(people["committee_id"]),
            "accept-mediator": str(people["mediator"].id),
            "accept-second_mediator": "",
            "accept-summary": SUMMARY,
            "accept-comment": "申请人请带上房产证复印件",
        },
    )
    assert accepted.status_code == 303
    coordinator.submit(page, {"body": "请申请人周三上午来司法所面谈"}, action=f"{page}/message")
    party = db.session.scalar(select(RequestParty))
    coordinator.submit(
        page,
        {f"party{party.id}-body": "请被申请人周四上午来司法所"},
        action=f"{page}/parties/{party.id}/message",
    )

    other = opened_as(deployed, reference, OTHER_MOBILE)
    agreed = other.submit(
        "/track",
        {**AGREE, "party_agree-comment": "我只在周末有空"},
        action=f"/track/{reference}/actions/party_agree",
    )
    assert agreed.status_code == 303
    applicant = opened_as(deployed, reference, APPLICANT_MOBILE)

    theirs = other.get(f"/track/{reference}").get_data(as_text=True)
    mine = applicant.get(f"/track/{reference}").get_data(as_text=True)
    for addressed_to_the_applicant in ("请申请人周三上午来司法所面谈", "申请人请带上房产证复印件"):
        assert addressed_to_the_applicant in mine and addressed_to_the_applicant not in theirs
    assert "请被申请人周四上午来司法所" in theirs and "请被申请人周四上午来司法所" not in mine
    assert "我只在周末有空" in theirs and "我只在周末有空" not in mine
    audiences = {e.action: e.audience for e in db.session.scalars(select(AuditEvent))}
    assert audiences["message"] == APPLICANT and audiences["message_party"] == PARTY
    assert audiences["accept"] == audiences["party_agree"] == BOTH


def expected_audience(transition) -> str:
    """The rule, written out once more: staff only when not public; both sides when the
    other party is told of it; else the applicant."""
    if not transition.public:
        return STAFF
    return BOTH if transition.party_notice else APPLICANT


def test_every_event_of_every_kind_reaches_only_its_addressees(
    app,
    client,
    make_client,
    people,  # noqa: F811
):
    """Walks every transition of every kind (and the events outside the workflows) on one
    request with a told party and checks, on both sides' tracking pages, who sees each
    comment. Catches: a transition addressed to the wrong side (e.g. every public one to
    both), and a page that filters on anything but the audience."""
    reference = applied(client, people)  # a request with a told party; the pages are every kind's
    accept(make_client, people, reference)
    application = case(reference)
    events = [("message", STAFF, APPLICANT), ("message_party", STAFF, PARTY), ("note", STAFF, STAFF)]
    for kind in all_kinds():
        for transition in kind.workflow.transitions:
            assert transition.audience == expected_audience(transition), (kind.code, transition.action)
            events.append((transition.action, transition.actor, transition.audience))
    written = []
    for number, (action, actor, audience) in enumerate(events):
        comment = f"注{number:03d}号"
        record_event(application, action, actor_type=actor, comment=comment, audience=audience)
        written.append((comment, actor, audience))
    db.session.commit()
    assert {audience for _c, _a, audience in written} == {APPLICANT, PARTY, BOTH, STAFF}

    assert client.submit("/track", {"reference": reference, "mobile": APPLICANT_MOBILE}).status_code == 302
    other = make_client()
    assert other.submit("/track", {"reference": reference, "mobile": OTHER_MOBILE}).status_code == 302
    mine = client.get(f"/track/{application.reference}").get_data(as_text=True)
    theirs = other.get(f"/track/{application.reference}").get_data(as_text=True)
    for comment, actor, audience in written:
        party_wrote = actor == PARTY
        assert (comment in mine) == (audience == APPLICANT or (audience == BOTH and not party_wrote)), comment
        assert (comment in theirs) == (audience == PARTY or (audience == BOTH and party_wrote)), comment


def test_the_migration_addresses_the_events_already_written(tmp_path):
    """0026 on a database of the old schema: messages to the applicant, to the other party,
    a mediation step that told the party, another public step, a staff-only one. Catches: a
    migration that made every public event "both" (the applicant's messages to the party)."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from portal import create_app
    from portal.database import MIGRATIONS_DIR

    from conftest import app_config

    old = create_app(app_config("sqlite:///" + str(tmp_path / "old.sqlite3"), tmp_path / "uploads"))
    with old.app_context():
        upgrade(directory=MIGRATIONS_DIR, revision="0024_report_summary")
        db.session.execute(
            text(
                "INSERT INTO service_request (id, request_type, reference, status, is_open, priority, due_sort,"
                " applicant_name, applicant_mobile, locale, created_at, updated_at, version)"
                " VALUES (1, 'MD', 'MD-2026-000001', 'accepted', 1, 1, '9999-12-31', '冯桂兰', '13900000041',"
                " 'zh_Hans', '2026-01-01', '2026-01-01', 1)"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO request_party (id, request_id, role, name, locale, created_at)"
                " VALUES (1, 1, 'other_party', '冯建军', 'zh_Hans', '2026-01-01')"
            )
        )
        rows = [
            ("submit", 1),
            ("message", 1),
            ("message_party", 0),
            ("accept", 1),
            ("rated", 0),
            ("withdraw", 1),
        ]
        for number, (action, public) in enumerate(rows, start=1):
            db.session.execute(
                text(
                    "INSERT INTO audit_event (id, request_id, actor_kind, action, is_public, created_at)"
                    " VALUES (:id, 1, 'staff', :action, :public, '2026-01-01')"
                ),
                {"id": number, "action": action, "public": bool(public)},
            )
        db.session.commit()
        db.session.remove()
        upgrade(directory=MIGRATIONS_DIR)
        found = dict(db.session.execute(text("SELECT action, audience FROM audit_event")).all())
        db.session.remove()
        db.engine.dispose()
    assert found == {
        "submit": BOTH,
        "message": APPLICANT,
        "message_party": PARTY,
        "accept": BOTH,
        "withdraw": APPLICANT,
        "rated": STAFF,
    }


def test_online_consent_is_recorded_as_consent_to_be_confirmed(deployed, people):  # noqa: F811
    """The other party's "我同意调解" online may come from the applicant's second SIM: it is
    recorded as consent the mediator confirms at the first contact, and both are told so.
    Catches: an online press recorded (and announced) as plain, final consent."""
    make_client = deployed.test_client
    deployed.config["MOBILE_VERIFICATION"] = False  # the application and its acceptance
    reference = applied(make_client(), people)
    accept(make_client, people, reference)
    deployed.config["MOBILE_VERIFICATION"] = True
    other = opened_as(deployed, reference, OTHER_MOBILE)
    agreed = other.submit("/track", AGREE, action=f"/track/{reference}/actions/party_agree")
    assert agreed.status_code == 303
    assert "调解员将在首次联系时与您确认" in other.get(f"/track/{reference}").get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "party_agree"))
    assert event.comment == "网上表示同意调解：由调解员在首次联系时确认。"
    told = [
        m.body
        for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == APPLICANT_MOBILE))
    ]
    assert any("首次联系时与其确认" in body for body in told)
    mediator = make_client()
    mediator.sign_in("mediator")
    assert "网上表示同意调解：由调解员在首次联系时确认。" in mediator.get(
        f"/staff/requests/{reference}"
    ).get_data(as_text=True)
