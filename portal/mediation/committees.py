"""Mediation committees managed on staff pages (SPEC §12 round 3): committees of any level
(county, township, village, industry or enterprise) with their area and their mediators,
kept by the mediation coordinator and the admin. A case's mediators are chosen among the
mediators of its committee (`check_members`)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import Forbidden
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from portal.accounts.models import User
from portal.accounts.services import active_staff_with_role
from portal.core.choices import options, township_options
from portal.core.fields import Checkboxes
from portal.core.workflow import GuardFailed
from portal.extensions import db
from portal.mediation.models import MediationCommittee
from portal.mediation.roles import COORDINATOR, MEDIATOR
from portal.mediation.vocabulary import COMMITTEE_LEVELS

#: Who keeps the committees: the coordinator and the admin.
KEEPERS = frozenset({str(COORDINATOR), "admin"})

bp = Blueprint("mediation_committees", __name__, url_prefix="/staff/mediation/committees")


class CommitteeForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Enter the name.")), Length(max=100)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=150)])
    level = SelectField(_l("Level"), choices=options(COMMITTEE_LEVELS), validators=[DataRequired()])
    township = SelectField(_l("Township or street (none for a county committee)"), validators=[Optional()])
    area = StringField(
        _l("Area or enterprises served"),
        validators=[Optional(), Length(max=200)],
        description=_l("For example: the whole county; Xingsha industrial park; Wangjia village."),
    )
    mediators = Checkboxes(_l("Its mediators"), validators=[Optional()])
    is_active = BooleanField(_l("Takes new cases"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.township.choices = options(
            [
                ("", _l("No township (a county or industry committee)")),
                *((str(c.value), c.label) for c in township_options()),
            ]
        )
        self.mediators.choices = options(
            (str(u.id), u.display_name) for u in active_staff_with_role(MEDIATOR)
        )


def check_members(committee_id, *mediator_ids) -> None:
    """Refuse a mediator who is not one of the committee's (People's Mediation Law Art. 13)."""
    committee = db.session.get(MediationCommittee, committee_id) if committee_id else None
    members = {u.id for u in committee.mediators} if committee is not None else set()
    for mediator_id in mediator_ids:
        if mediator_id is not None and mediator_id not in members:
            raise GuardFailed(_l("This mediator is not a mediator of the chosen committee."))


def _keeper_only():
    if not current_user.is_authenticated or not current_user.has_role(*KEEPERS):
        raise Forbidden()


@bp.get("/")
def index():
    _keeper_only()
    committees = db.session.scalars(
        select(MediationCommittee)
        .options(selectinload(MediationCommittee.mediators))  # one query for every row's mediators
        .order_by(MediationCommittee.level, MediationCommittee.id)
    )
    return render_template("mediation/committees.html", committees=list(committees), levels=COMMITTEE_LEVELS)


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:committee_id>", methods=["GET", "POST"])
def edit(committee_id: int | None = None):
    _keeper_only()
    committee = db.session.get(MediationCommittee, committee_id) if committee_id else None
    if committee_id and committee is None:
        abort(404)
    form = CommitteeForm()
    if committee is not None and not form.is_submitted():
        form.name.data, form.name_en.data, form.level.data = (
            committee.name,
            committee.name_en,
            committee.level,
        )
        form.township.data = str(committee.township_id or "")
        form.area.data, form.is_active.data = committee.area, committee.is_active
        form.mediators.data = [str(u.id) for u in committee.mediators]
    if form.validate_on_submit():
        if committee is None:
            committee = MediationCommittee()
            db.session.add(committee)
        committee.name = form.name.data.strip()
        committee.name_en = (form.name_en.data or "").strip() or committee.name
        committee.level = form.level.data
        committee.township_id = int(form.township.data) if (form.township.data or "").isdigit() else None
        committee.area = (form.area.data or "").strip() or None
        committee.is_active = bool(form.is_active.data)
        ids = [int(i) for i in form.mediators.data or []]
        committee.mediators = list(db.session.scalars(select(User).where(User.id.in_(ids)))) if ids else []
        db.session.commit()
        flash(_l("Saved: %(name)s.", name=committee.name), "success")
        return redirect(url_for("mediation_committees.index"), 303)
    status = 400 if request.method == "POST" else 200
    return render_template("mediation/committee_form.html", form=form, committee=committee), status
