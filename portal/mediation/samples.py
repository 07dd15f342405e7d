"""Valid input for every action of a sample mediation (tests/test_offered_actions.py)."""

from datetime import timedelta

from portal.core.clock import local_today
from portal.extensions import db
from portal.mediation.models import MediationCommittee
from portal.mediation.roles import MEDIATOR


def sample_work(case, staff) -> dict[str, dict[str, str]]:
    """A committee to accept the case into, the mediator among `staff`; each action's data."""
    committee = db.session.scalar(db.select(MediationCommittee).order_by(MediationCommittee.id))
    if committee is None:
        committee = MediationCommittee(name="示例调解委员会", name_en="Sample committee")
        db.session.add(committee)
        db.session.flush()
    mediators = [u for u in staff if u.has_role(MEDIATOR)]
    committee.mediators = list({u.id: u for u in [*committee.mediators, *mediators]}.values())
    day = local_today() + timedelta(days=3)
    return {
        "accept": {
            "committee": str(committee.id),
            "mediator": str(mediators[0].id) if mediators else "",
            "summary": "邻里之间因通道堆放杂物发生纠纷。",
        },
        "party_agree": {"privacy": "private", "rights_read": "y"},
        "start": {"privacy": "public", "rights_read": "y"},
        "ask_other_mediator": {"reason": "调解员与对方是亲戚"},
        "party_ask_other_mediator": {"reason": "希望换一位调解员"},
        "decide_mediator_change": {"decision": "refuse", "reasons": "未发现应当回避的情形"},
        "decline": {"reason": "已由法院受理"},
        "schedule_session": {"day": day.isoformat(), "start": "09:30", "minutes": "60", "place": "调解室"},
        "record_agreement": {
            "agreement_form": "oral",
            "session": "none",
            "reached_on": local_today().isoformat(),
            "facts": "邻居在通道上堆放杂物。",
            "obligor": "冯建军",
            "obligation": "三日内清理通道",
            "performance_method": "当场清理，调解员到场查看",
        },
        "record_failure": {"reason": "双方分歧过大"},
        "record_no_consent": {"reason": "对方未答复"},
        "close": {"performance": ""},
    }
