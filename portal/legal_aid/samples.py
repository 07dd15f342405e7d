"""Valid input for every action of a sample application (the shared walk of every state
and role posts it: tests/test_offered_actions.py)."""

from datetime import date

from portal.accounts.profiles import profile_of, save_profile
from portal.accounts.roles import Role
from portal.core.clock import local_today
from portal.core.registry import kind_of
from portal.extensions import db


def sample_work(application, staff) -> dict[str, dict[str, str]]:
    """Make the lawyers among `staff` legal aid personnel; the form data of each action."""
    lawyers = [u for u in staff if u.has_role(Role.LAWYER)]
    for user in lawyers:
        if profile_of(user) is None:
            save_profile(user, profession="lawyer", practising_since=date(2005, 1, 1))
    db.session.flush()
    lawyer = str(lawyers[0].id) if lawyers else ""
    other = kind_of(application).make_sample()  # an open application to merge this one into
    db.session.flush()
    return {
        "merge": {"into": other.reference, "reason": "同一事项已在办理"},
        "request_materials": {"items": "id_copy"},
        "answer_materials": {"comment": "已补充身份证复印件"},
        "record_materials": {"comment": "身份证复印件"},
        "early_aid": {"lawyer": lawyer, "ground": "preservation"},
        "early_aid_waiting": {"lawyer": lawyer, "ground": "preservation"},
        "refuse": {"reasons": "收入超过标准"},
        "terminate": {"ground": "finances_changed", "reasons": "经济状况已改善"},
        "object": {"comment": "我的收入低于标准"},
        "uphold_refusal": {"reasons": "原决定正确"},
        "correct_refusal": {"reasons": "应当重新审查"},
        "uphold_termination": {"reasons": "原决定正确"},
        "correct_termination": {"reasons": "应当继续援助"},
        "correct_termination_approved": {"reasons": "应当继续援助"},
        "report_ground": {"ground": "finances_changed", "reasons": "受援人经济状况已明显改善"},
        "assign_lawyer": {"lawyer": lawyer},
        "change_lawyer": {"lawyer": lawyer},
        "ask_change": {"comment": "沟通不畅"},
        "refuse_change": {"reasons": "无正当理由"},
        "submit_closing": {
            "outcome": "mediated",
            "ended_on": local_today().isoformat(),
            "summary": "调解结案",
        },
        "return_closing": {"reasons": "缺少判决书"},
        "close": {"subsidy": "1200", "quality": "good"},
    }
