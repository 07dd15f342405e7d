"""The applicant's rating form and the supervisor's answer to a poor rating."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.core.choices import options
from portal.ratings.levels import LEVELS


class RatingForm(FlaskForm):
    level = RadioField(
        _l("How satisfied are you with this service?"),
        choices=options(LEVELS),
        coerce=int,
        validators=[InputRequired(message=_l("Choose how satisfied you are."))],
    )
    comment = TextAreaField(_l("Comment (optional)"), validators=[Optional(), Length(max=1000)])


class FollowUpAnswerForm(FlaskForm):
    answer = TextAreaField(
        _l("Answer to the person"),
        validators=[DataRequired(message=_l("Write the answer the person will read.")), Length(max=2000)],
        description=_l("Sent to the person by text message and shown on their tracking page."),
    )
