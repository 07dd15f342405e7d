"""Demo data of written consultations, and the sample the shared tests make."""

from datetime import timedelta

from sqlalchemy import select

from portal.accounts.services import create_staff_user
from portal.core.clock import local_today, utcnow
from portal.core.models import Township
from portal.core.services import perform, submit
from portal.extensions import db
from portal.written_consultations import archive
from portal.written_consultations.models import ContactLogEntry, DutyDay, WrittenQuestion
from portal.written_consultations.roles import DUTY

DUTY_USERNAME = "duty"
DUTY_PASSWORD = "duty-demo-2026"  # noqa: S105  (demo only, printed by seed-demo)


def _township():
    return db.session.scalars(select(Township).order_by(Township.sort_order)).first()


def sample_question() -> WrittenQuestion:
    """One submitted written question, consenting to publication (shared tests, benchmark)."""
    township = _township()
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
    """A duty lawyer on the roster this week, a question waiting, one answered and waiting
    for review, one in the archive, and a logged 12348 call."""
    from portal.accounts.models import User

    if db.session.scalar(select(User.id).where(User.username == DUTY_USERNAME)) is not None:
        return []  # loaded already
    lawyer = create_staff_user(DUTY_USERNAME, DUTY_PASSWORD, [DUTY], "吴值班律师（演示）")
    db.session.flush()
    for offset in range(7):
        db.session.add(DutyDay(day=local_today() + timedelta(days=offset), user_id=lawyer.id))
    db.session.flush()
    sample_question()
    answered = sample_question()
    answered.question = "离婚后孩子的抚养费一般怎么计算？"
    answered.topic = "family"
    perform(
        answered,
        "answer",
        user=lawyer,
        data={"answer": "抚养费一般按月总收入的百分之二十至三十确定，可协商，也可起诉。", "suitable": True},
    )
    published = sample_question()
    perform(
        published,
        "answer",
        user=lawyer,
        data={
            "answer": "可以向劳动监察大队投诉，也可以申请劳动仲裁，仲裁不收费。",
            "referral": "legal_aid",
            "suitable": True,
        },
    )
    published.public_question = published.question
    published.public_answer = published.answer
    published.published_at = utcnow()
    db.session.flush()
    archive.index(published)
    township = _township()
    db.session.add(
        ContactLogEntry(
            channel="call",
            topic="labour",
            township_id=township.id if township else None,
            summary="来电咨询工资拖欠如何维权，已解答",
            logged_on=local_today(),
            logged_at=utcnow(),
        )
    )
    return ["3 written questions (one waiting for review, one in the archive)", "1 logged 12348 call"]


def demo_logins() -> list[str]:
    return [f"  {DUTY_USERNAME:<11} {DUTY_PASSWORD:<22} duty_lawyer (written questions, consultation log)"]
