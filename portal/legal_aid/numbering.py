"""文号: one numbering series per document type, per year (SPEC §3).

准予 / 不予 / 终止法律援助决定书, the 法律援助公函 and the bureau's decisions on objections
each run their own series, restarting every year, with the prefix the bureau sets in
LEGAL_AID_DOCUMENT_PREFIXES (长援准字〔2026〕第1号). A number is taken when the document
is made and kept with it; a document made again (a refusal after the bureau's order to
correct, a change of lawyer) takes the next number.

Concurrency: the next number is the largest of the series and year plus one. Writers of
one series take turns: SQLite runs writing transactions one at a time (BEGIN IMMEDIATE),
PostgreSQL takes a transaction-scoped advisory lock on the series and year. The unique
constraint on (series, year, number) is the last word: a writer that still read a number
already taken (a session that bypassed the lock) fails in its savepoint, reads again and
takes the next one. So two officers deciding at the same moment never share a number.
"""

from datetime import datetime

from flask import current_app
from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint, bindparam, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.clock import local_today, utcnow
from portal.extensions import db

APPROVAL, REFUSAL, TERMINATION, LETTER, OBJECTION = (
    "approval",
    "refusal",
    "termination",
    "letter",
    "objection",
)
SERIES = (APPROVAL, REFUSAL, TERMINATION, LETTER, OBJECTION)
#: Tries before giving up when other writers keep taking the number read.
ATTEMPTS = 10


class DocumentNumber(db.Model):
    """One number of one series, given to one document of one application."""

    __tablename__ = "legal_aid_document_number"
    __table_args__ = (UniqueConstraint("series", "year", "number", name="uq_legal_aid_document_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("legal_aid_application.id", ondelete="CASCADE"), index=True
    )
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def text(self) -> str:
        return format_number(self.series, self.year, self.number)


def format_number(series: str, year: int, number: int) -> str:
    """长援准字〔2026〕第12号: the series' prefix from the settings, the year, the number."""
    prefix = current_app.config["LEGAL_AID_DOCUMENT_PREFIXES"].get(series, series)
    return f"{prefix}〔{year}〕第{number}号"


def _largest(series: str, year: int) -> int:
    return (
        db.session.scalar(
            select(func.max(DocumentNumber.number)).where(
                DocumentNumber.series == series, DocumentNumber.year == year
            )
        )
        or 0
    )


def issue(application, series: str, now: datetime | None = None) -> DocumentNumber:
    """Take the next number of `series` for this year and give it to `application`."""
    if series not in SERIES:
        raise ValueError(f"unknown document series: {series}")
    now = now or utcnow()
    year = local_today(now).year
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"legal-aid-number:{series}:{year}"}
        )
    for _attempt in range(ATTEMPTS):
        row = DocumentNumber(
            series=series,
            year=year,
            number=_largest(series, year) + 1,
            application_id=application.id,
            issued_at=now,
        )
        try:
            with db.session.begin_nested():
                db.session.add(row)
                db.session.flush()
        except IntegrityError:
            continue  # another writer took it: read the largest again
        return row
    raise RuntimeError(f"no free number in series {series} after {ATTEMPTS} tries")


#: Every number given to the documents of one application, oldest first: built once.
_NUMBERS = (
    select(DocumentNumber.series, DocumentNumber.year, DocumentNumber.number)
    .where(DocumentNumber.application_id == bindparam("application_id"))
    .order_by(DocumentNumber.id)
)


def numbers_of(application) -> dict[str, str]:
    """The number of the latest document of each series made for `application`, as
    printed: one statement for all its decisions (a page listing three read three)."""
    if application is None or application.id is None:
        return {}
    rows = db.session.execute(_NUMBERS, {"application_id": application.id})
    return {series: format_number(series, year, number) for series, year, number in rows}  # the latest wins


def number_of(application, series: str) -> str | None:
    """The number of the latest document of `series` made for `application`, as printed."""
    return numbers_of(application).get(series)
