"""Valid input for every action of a sample health check (tests/test_offered_actions.py)."""

from datetime import date, timedelta

from portal.accounts.profiles import profile_of, save_profile
from portal.accounts.roles import Role
from portal.core.clock import local_today
from portal.extensions import db


def sample_work(check, staff) -> dict[str, dict[str, str]]:
    """Make the lawyers among `staff` team candidates; the form data of each action."""
    lawyers = [u for u in staff if u.has_role(Role.LAWYER)]
    for user in lawyers:
        if profile_of(user) is None:
            save_profile(user, profession="lawyer", practising_since=date(2005, 1, 1))
    db.session.flush()
    visit = {"day": (local_today() + timedelta(days=3)).isoformat(), "start": "09:30", "place": "企业会议室"}
    return {
        "decline": {"reason": "不在服务范围"},
        "assign_team": {"lead": str(lawyers[0].id) if lawyers else ""},
        "schedule_visit": visit,
        "schedule_follow_up": visit,
        "send_back": {"comment": "请补充依据"},
        "publish": {"confirm_empty": "y", "documents_seen": "公司章程、劳动合同二十份"},
        "correct_report": {"comment": "更正错字"},
    }
