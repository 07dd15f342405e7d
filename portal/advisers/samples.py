"""Valid input for every action of a sample adviser contact (tests/test_offered_actions.py)."""

from sqlalchemy import update

from portal.advisers.models import Adviser
from portal.extensions import db


def sample_work(contact, staff) -> dict[str, dict[str, str]]:
    """The first lawyer among `staff` becomes the contact's adviser (an account is one
    adviser's: it leaves any earlier sample's); each action's data."""
    lawyers = [u for u in staff if u.has_role("lawyer")]
    if lawyers:
        db.session.execute(update(Adviser).where(Adviser.user_id == lawyers[0].id).values(user_id=None))
        contact.adviser.user_id = lawyers[0].id
    return {"answer": {"answer": "已电话联系并解答"}}
