"""Demo data of written consultations, and the sample the shared tests make."""

from sqlalchemy import select

from portal.core.models import Township
from portal.core.services import submit
from portal.extensions import db
from portal.written_consultations.models import WrittenQuestion


def sample_question() -> WrittenQuestion:
    """One submitted written question, consenting to publication (shared tests, benchmark)."""
    township = db.session.scalars(select(Township).order_by(Township.sort_order)).first()
    question = WrittenQuestion(
        applicant_name="周阿姨（演示）",
        applicant_mobile="13900000031",
        township_id=township.id if township else None,
        topic="labour",
        question="工地老板拖欠三个月工资不给，我该怎么办？",
        consent_to_publish=True,
    )
    return submit(question)


def seed_demo() -> list[str]:
    sample_question()
    return ["1 written question"]


def demo_logins() -> list[str]:
    return []
