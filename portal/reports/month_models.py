"""The monthly summary's tables: each kind's month with its version, and the numbers counted
for it (portal.reports.summary)."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class ReportMonth(db.Model):
    """The version of one kind's month: bumped by every change, and the one last counted."""

    __tablename__ = "report_month"

    request_type: Mapped[str] = mapped_column(String(4), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    computed_version: Mapped[int | None]
    computed_at: Mapped[datetime | None]


#: `ReportMonthValue.township_id` of the whole county's numbers (every key of the month,
#: zeros included); a township's row holds only what is not zero, and 0 stands for
#: requests without a township.
COUNTY = -1


class ReportMonthValue(db.Model):
    """One number of a month: a count, a sum or a histogram bin (`portal.reports.measures.Measure`),
    for the county or one township."""

    __tablename__ = "report_month_value"

    request_type: Mapped[str] = mapped_column(String(4), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    township_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[Decimal] = mapped_column(Numeric(18, 2))
