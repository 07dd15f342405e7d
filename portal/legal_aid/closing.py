"""Closing a case (结案): the officer records the subsidy paid to the legal aid person
(Art. 52) and the centre's quality review of the work (Art. 59) when closing it. The
lawyer's closing report, and its end date not before the application reached the
centre, is forms.ClosingReportForm."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal.core.choices import options
from portal.core.forms import ActionForm
from portal.core.services import EVENT_COMMENT

#: The centre's quality review of a closed case (案件质量评估).
QUALITY_GRADES = {
    "excellent": _l("Excellent"),
    "good": _l("Good"),
    "adequate": _l("Adequate"),
    "inadequate": _l("Inadequate"),
}


class CloseForm(ActionForm):
    subsidy = DecimalField(
        _l("Subsidy paid to the legal aid person, in yuan (Art. 52)"),
        places=2,
        validators=[
            InputRequired(message=_l("Enter the subsidy paid (0 if none).")),
            NumberRange(min=0, max=1_000_000, message=_l("Enter an amount from 0 to 1,000,000 yuan.")),
        ],
    )
    quality = SelectField(
        _l("Quality review of the case (Art. 59)"),
        choices=options([("", "—"), *QUALITY_GRADES.items()]),
        validators=[InputRequired(message=_l("Record the quality review before closing."))],
    )
    quality_note = TextAreaField(
        _l("How the quality was reviewed (optional)"),
        description=_l(
            "For example: the case file checked, the court hearing attended, the person aided asked."
        ),
        validators=[Optional(), Length(max=2000)],
    )


def on_close(application, data, now) -> dict:
    application.set_due(None)
    subsidy = data.get("subsidy")
    application.subsidy_amount = Decimal(str(subsidy)) if subsidy is not None else None
    application.quality_grade = data.get("quality") or None
    application.quality_note = (data.get("quality_note") or "").strip() or None
    grade = QUALITY_GRADES.get(application.quality_grade or "", "")
    parts = [str(grade)] if grade else []
    if application.subsidy_amount is not None:
        parts.append(str(_l("subsidy %(amount)s yuan", amount=f"{application.subsidy_amount:.2f}")))
    return {EVENT_COMMENT: " · ".join(parts) or None}
