"""How the status-machine tests (tests/test_status_machines.py) exercise each request kind.

The tests run for every kind of the registry. A kind listed here gets its own staff, form
data and starting points; any other kind gets `generic`: its `make_sample()`, one staff
user holding every role its machine names, and no form data. That is enough for a kind
whose transitions need no input; otherwise the liveness check fails naming the transitions
never taken, and the kind's data goes here (one function, keyed by its code).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from portal.core.access import is_participant
from portal.core.services import claim, perform
from portal.core.workflow import Transition
from portal.extensions import db

from support import open_for_booking


@dataclass
class Staff:
    """Who acts for staff: `handler` holds the queue's role (and claims when a transition
    needs a handler); `participant` (e.g. the assigned lawyer) may take some transitions."""

    handler: object
    participant: object | None = None

    def any(self, who: int):
        return self.participant if who and self.participant is not None else self.handler

    def right_one(self, transition: Transition, request_obj, who: int):
        """The participant when `who` says so and they may take it, else the handler. A
        transition only a participant may take (no staff role, e.g. legal aid's
        report_ground) goes to the participant whatever `who` says: else Hypothesis's
        simplest examples (who = 0) never try it and liveness depends on luck."""
        only_theirs = transition.participant_may and not transition.roles
        if only_theirs and self.participant is not None and is_participant(self.participant, request_obj):
            return self.participant
        participant = self.any(who) if transition.participant_may else self.handler
        return participant if is_participant(participant, request_obj) else self.handler


@dataclass
class Exercise:
    staff: Staff
    #: (goal, draw) -> a new request of the kind, for one example (`draw` is Hypothesis's).
    start: Callable
    #: Form data of each action that needs some (what its form's `transition_data()` gives).
    data: dict[str, dict] = field(default_factory=dict)
    #: (request) -> None: the kind's own invariants, checked after each example.
    after: Callable | None = None


def committed_sample(kind):
    request_obj = kind.make_sample()
    db.session.commit()
    return request_obj


def machine_roles(kind) -> list[str]:
    return sorted(
        {str(r) for r in kind.staff_roles} | {str(r) for t in kind.workflow.transitions for r in t.roles}
    )


def generic(kind, fixture) -> Exercise:
    """A new kind, as declared: its sample, one user with every role its machine names."""
    handler = fixture("make_staff")(f"machine-{kind.code.lower()}", *machine_roles(kind))
    return Exercise(Staff(handler), start=lambda goal, draw: committed_sample(kind))


def a_lawyer(fixture):
    from portal.accounts.models import User
    from portal.accounts.profiles import save_profile

    lawyer = db.session.scalar(db.select(User).where(User.username == "lawyer"))
    if lawyer is None:
        lawyer = fixture("make_staff")("lawyer", "lawyer")
        save_profile(
            lawyer, profession="lawyer", practising_since=date(2010, 1, 1)
        )  # Art. 12: only profiles are assigned
        db.session.commit()
    return lawyer


def legal_aid(kind, fixture) -> Exercise:
    make_application = fixture("make_application")
    # Every role that works the legal aid queue (the officer, and the bureau's reviewer of objections).
    officer = fixture("make_staff")("officer", *sorted(kind.staff_roles))
    lawyer = a_lawyer(fixture)
    data = {
        "request_materials": {"items": ["id_copy"], "other_items": ""},
        "answer_materials": {"comment": "已补充"},
        "refuse": {"reasons": "收入超过标准"},
        "assign_lawyer": {"lawyer": lawyer.id},
        "change_lawyer": {"lawyer": lawyer.id},
        "ask_change": {"comment": "换人"},
        "refuse_change": {"reasons": "无正当理由"},
        "submit_closing": {"outcome": "mediated", "ended_on": date(2026, 1, 5), "summary": "结案"},
        "return_closing": {"reasons": "缺少材料"},
        # Into an application no step touches: it stays open.
        "merge": {"into": make_application().reference, "reason": "同一事项已在办理"},
    }

    def start(goal, draw):
        application = make_application()
        claimed = draw(booleans())
        if (claimed or "_termination" in goal.action) and goal.action != "refuse_change":
            claim(application, officer)
            db.session.commit()
        if "_termination" in goal.action:
            # The shortest path to an objection runs through a refusal, whose guard then
            # stops the termination's review: start these examples from a terminated case.
            # A correction returns the case to the state it was terminated in (assigned here).
            path = (
                ("approve", "assign_lawyer", "terminate")
                if goal.action == "correct_termination"
                else ("approve", "terminate")
            )
            for action in path:
                perform(application, action, user=officer, data=data.get(action, {}))
            db.session.commit()
        if goal.action == "refuse_change":
            # Its guard needs a pending request for another person, which the shortest
            # path (approve, assign) never makes: start from an asked change.
            claim(application, officer)
            for action in ("approve", "assign_lawyer"):
                perform(application, action, user=officer, data=data.get(action, {}))
            perform(application, "ask_change", actor_type="applicant", data=data["ask_change"])
            db.session.commit()
        return application

    return Exercise(Staff(officer, lawyer), start, data)


def booleans():
    from hypothesis import strategies as st

    return st.booleans()


def desk_and_point(make_staff):
    """The same desk user and service point for every example (they share one database)."""
    from portal.accounts.models import User
    from portal.consultations.models import ServicePoint, StaffServicePoint

    point = db.session.scalar(db.select(ServicePoint).where(ServicePoint.code == "C"))
    if point is None:
        point = ServicePoint(
            code="C",
            point_type="centre",
            name="中心",
            name_en="Centre",
            address="a",
            phone="1",
            hours="h",
            services="s",
        )
        db.session.add(point)
        db.session.flush()
        desk = make_staff("desk", "consultation_desk")
        db.session.add(StaffServicePoint(user_id=desk.id, service_point_id=point.id))
        db.session.commit()
    return db.session.scalar(db.select(User).where(User.username == "desk")), point


def consultations(kind, fixture) -> Exercise:
    from portal.consultations import guards as booking_guards
    from portal.consultations.models import ConsultationBooking, ConsultationSlot
    from portal.core.clock import utcnow
    from portal.core.services import submit

    # Served "on the day" is a date rule (tests/test_consultations_desk.py); here every day is the day.
    fixture("monkeypatch").setattr(booking_guards, "not_on_the_day", lambda booking, now: None)
    fixture("monkeypatch").setattr(booking_guards, "too_early_for_no_show", lambda booking, now: None)
    # The 14 days to choose another time are a clock rule (tests/test_consultations_rebooking.py).
    fixture("monkeypatch").setattr(booking_guards, "rebook_window_open", lambda booking, now: None)
    desk, point = desk_and_point(fixture("make_staff"))
    data: dict[str, dict] = {
        "complete": {"summary": "s", "advice": "a", "referral": "", "minutes": 10},
        "staff_cancel": {"reason": "停电"},
    }
    slots: list = []

    def start(goal, draw):
        latest = db.session.scalar(db.select(db.func.max(ConsultationSlot.starts_at)))
        moment = latest or open_for_booking((utcnow() + timedelta(days=2)).replace(microsecond=0))
        slots[:] = []
        for _ in range(2):
            moment += timedelta(hours=1)
            slots.append(
                ConsultationSlot(
                    service_point_id=point.id,
                    starts_at=moment,
                    ends_at=moment + timedelta(minutes=30),
                    capacity=5,
                    booked=0,
                )
            )
        db.session.add_all(slots)
        db.session.flush()
        slots[0].booked = 1
        data["reschedule"] = {"slot": slots[1].id}
        booking = ConsultationBooking(
            service_point_id=point.id,
            slot_id=slots[0].id,
            starts_at=slots[0].starts_at,
            channel="phone" if goal.action == "called" else "in_person",
            topic="labour",
            description="工资",
            applicant_name="周",
            applicant_mobile="13900000011",
        )
        submit(booking)
        db.session.commit()
        return booking

    def after(booking):
        for slot in slots:
            db.session.refresh(slot)
        held = 0 if booking.status in ("cancelled", "office_closed_lapsed") else 1
        assert slots[0].booked + slots[1].booked == held  # a seat is never lost or counted twice

    return Exercise(Staff(desk), start, data, after)


def adviser_contacts(kind, fixture) -> Exercise:
    from portal.advisers.models import Adviser

    lawyer = a_lawyer(fixture)
    staff = Staff(handler=fixture("make_staff")("advisers", "adviser_admin"), participant=lawyer)

    def start(goal, draw):
        contact = kind.make_sample()
        if draw(booleans()):  # the lawyer's account is linked to this request's adviser only
            db.session.execute(db.update(Adviser).where(Adviser.user_id == lawyer.id).values(user_id=None))
            contact.adviser.user_id = lawyer.id
        db.session.commit()
        return contact

    return Exercise(staff, start, {"answer": {"answer": "已电话联系并解答"}})


def mediations(kind, fixture) -> Exercise:
    from portal.core.clock import local_today
    from portal.mediation.models import MediationCommittee

    make_staff = fixture("make_staff")
    coordinator = make_staff("mediation", "mediation_coordinator")
    mediator = make_staff("mediator", "mediator")
    committee = MediationCommittee(name="委员会", name_en="Committee", mediators=[mediator])
    db.session.add(committee)
    db.session.commit()
    day = local_today() + timedelta(days=3)
    data = {
        "accept": {
            "committee": committee.id,
            "mediator": str(mediator.id),
            "second_mediator": "",
            "summary": "邻里纠纷",
        },
        "party_agree": {"privacy": "private", "rights_read": True},
        "ask_other_mediator": {"reason": "希望更换"},
        "party_ask_other_mediator": {"reason": "希望更换"},
        "decide_mediator_change": {"decision": "refuse", "reasons": "无回避情形"},
        "decline": {"reason": "已由法院受理"},
        "record_failure": {"reason": "双方分歧过大"},
        "record_no_consent": {"reason": "对方未答复"},
        "schedule_session": {
            "starts": datetime.combine(day, time(9, 30)),
            "minutes": "60",
            "place": "调解室",
        },
        "record_agreement": {
            "agreement_form": "oral",
            "session": "none",
            "reached_on": local_today(),
            "facts": "邻里纠纷",
            "obligor": "甲",
            "obligation": "三日内清理",
            "performance_method": "当场清理",
        },
        "close": {"performance": "performed"},
    }

    def start(goal, draw):
        case = kind.make_sample()
        if goal.action == "decide_mediator_change":  # guarded: a party asked for another mediator
            case.mediator_change_by, case.mediator_change_reason = "party", "希望更换"
        db.session.commit()
        return case

    return Exercise(Staff(coordinator, mediator), start, data)


def health_checks(kind, fixture) -> Exercise:
    from portal.core.clock import local_today

    coordinator = fixture("make_staff")("hc", "health_check_coordinator")
    lawyer = a_lawyer(fixture)
    visit = {"day": local_today() + timedelta(days=3), "start": time(9, 30), "place": "企业"}
    data = {
        "decline": {"reason": "不在服务范围"},
        "assign_team": {"lead": str(lawyer.id), "members": []},
        "schedule_visit": visit,
        "schedule_follow_up": visit,
        "publish": {"confirm_empty": True},
        "correct_report": {"comment": "更正"},
    }
    return Exercise(Staff(coordinator, lawyer), lambda goal, draw: committed_sample(kind), data)


def written_questions(kind, fixture) -> Exercise:
    data = {
        "answer": {"answer": "可以申请劳动仲裁。", "referral": "", "suitable": True},
        "ask_follow_up": {"follow_up_question": "仲裁要多久？"},
        "answer_follow_up": {"follow_up_answer": "一般四十五日内结案。"},
    }
    duty = fixture("make_staff")("wq-duty", "duty_lawyer")
    return Exercise(Staff(duty), lambda goal, draw: committed_sample(kind), data)


#: Kinds that need more than `generic`, by code.
EXERCISES: dict[str, Callable] = {
    "LA": legal_aid,
    "CB": consultations,
    "AC": adviser_contacts,
    "MD": mediations,
    "HC": health_checks,
    "WQ": written_questions,
}


def exercise(kind, fixture) -> Exercise:
    return EXERCISES.get(kind.code, generic)(kind, fixture)
