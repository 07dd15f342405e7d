"""The period and township a report covers, chosen on a GET form and checked."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from flask import request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, ValidationError

from portal.core.choices import options
from portal.core.clock import local_today
from portal.core.models import Township
from portal.extensions import db
from portal.i18n import current_language

#: A report covers at most this many months (SPEC: a range over 5 years is refused).
MAX_MONTHS = 60
MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str | None) -> date | None:
    """The first day of a month written YYYY-MM, or None."""
    match = MONTH_PATTERN.match((text or "").strip())
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    return date(year, month, 1) if 1 <= month <= 12 and 2000 <= year <= 2100 else None


def month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """From the first day of one month to the last day of another, in one township or all."""

    start: date
    end: date
    township: str = ""

    def months(self) -> list[date]:
        months, current = [], self.start
        while current <= self.end:
            months.append(current)
            current = month_end(current) + timedelta(days=1)
        return months

    @classmethod
    def year_to_date(cls, today: date | None = None, township: str = "") -> "Period":
        today = today or local_today()
        return cls(date(today.year, 1, 1), month_end(today.replace(day=1)), township)


INVALID_MONTH = _l("Enter a month as YYYY-MM, e.g. 2025-01.")


def _month_field(label):
    return StringField(
        label,
        validators=[DataRequired(message=INVALID_MONTH)],
        description=_l("Year and month, e.g. 2025-01"),
        render_kw={"inputmode": "numeric"},
    )


class PeriodForm(FlaskForm):
    """The report's choices, read from the query string (a GET: no CSRF token)."""

    class Meta:
        csrf = False

    start = _month_field(_l("From (month)"))
    end = _month_field(_l("To (month)"))
    township = SelectField(_l("Township"), choices=[])

    def validate_start(self, field):
        if parse_month(field.data) is None:
            raise ValidationError(INVALID_MONTH)

    def validate_end(self, field):
        end, start = parse_month(field.data), parse_month(self.start.data)
        if end is None:
            raise ValidationError(INVALID_MONTH)
        if start is None:
            return
        if end < start:
            raise ValidationError(_l("The end month must not be before the start month."))
        if (end.year - start.year) * 12 + end.month - start.month + 1 > MAX_MONTHS:
            raise ValidationError(_l("A report covers at most 5 years (60 months)."))

    def period(self) -> Period:
        return Period(
            parse_month(self.start.data), month_end(parse_month(self.end.data)), self.township.data or ""
        )


def township_choices() -> list:
    english = current_language() == "en"
    rows = db.session.execute(
        select(Township.id, Township.name, Township.name_en).order_by(Township.sort_order)
    )
    return options(
        [("", gettext("All townships"))]
        + [(str(i), name_en if english else name) for i, name, name_en in rows]
    )


def period_form(form_class: type[PeriodForm] = PeriodForm) -> PeriodForm:
    """The form filled from the query string, or with this year to date when the period
    is not given (a link from the report carries it)."""
    args = {name: request.args.get(name, "") for name in form_class(formdata=None).data}
    if not (args.get("start") or args.get("end")):
        this_year = Period.year_to_date()
        args.update(start=this_year.start.strftime("%Y-%m"), end=this_year.end.strftime("%Y-%m"))
    form = form_class(formdata=None, data=args)
    form.township.choices = township_choices()
    return form


def period_args(period: Period) -> dict[str, str]:
    """The query string of a page's period and township (what `period_form` reads back)."""
    args = {"start": period.start.strftime("%Y-%m"), "end": period.end.strftime("%Y-%m")}
    return {**args, "township": period.township} if period.township else args
