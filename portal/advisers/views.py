"""Public pages: browse townships and villages, search, adviser pages, "contact my adviser"."""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from sqlalchemy import func, select

from portal.advisers import search, services
from portal.advisers.forms import ContactForm
from portal.advisers.models import Adviser, AdviserContact, Village
from portal.advisers.vocabulary import (
    ADVISER_PROFESSIONS,
    PREFERRED_TIMES,
    SERVICE_TYPES,
    TOPICS,
    VILLAGE_TYPES,
)
from portal.core.access import applicant_request_or_proof
from portal.core.intake import Intake, run_intake
from portal.core.intake_lost import intake_page
from portal.core.models import Township
from portal.core.pages import public_page
from portal.core.services import submit
from portal.extensions import db
from portal.i18n import current_language

bp = Blueprint("advisers", __name__, url_prefix="/advisers")
PAGE_SIZE = 30
MAX_PAGE = 20


def adviser_labels():
    """Labels for the adviser partials shown on shared pages (tracking, staff detail)."""
    return {
        "ac_labels": {
            "topics": TOPICS,
            "times": PREFERRED_TIMES,
            "adviser_professions": ADVISER_PROFESSIONS,
            "village_types": VILLAGE_TYPES,
            "services": SERVICE_TYPES,
        }
    }


def _page() -> int:
    value = request.args.get("page", "1")
    return min(max(int(value), 1), MAX_PAGE) if value.isdigit() else 1


@bp.get("/")
@public_page
def index():
    """Browse by township, or search villages, townships and advisers (?q=)."""
    q = request.args.get("q", "").strip()[: search.MAX_QUERY]
    if q:
        page = _page()
        hits, more = search.search(q, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        terms = search.query_terms(q)
        matching_townships = [
            t
            for t in db.session.scalars(select(Township).order_by(Township.sort_order))
            if terms and search.SEP + terms[0] + search.SEP in (t.search_keys or "")
        ]
        return render_template(
            "advisers/index.html",
            q=q,
            results=services.village_rows([h.village_id for h in hits]),
            townships=matching_townships,
            page=page,
            more=more and page < MAX_PAGE,
        )
    counts = dict(
        db.session.execute(select(Village.township_id, func.count()).group_by(Village.township_id)).all()
    )
    townships = list(db.session.scalars(select(Township).order_by(Township.sort_order)))
    return render_template("advisers/index.html", q="", townships=townships, counts=counts, results=None)


@bp.get("/townships/<code>")
@public_page
def township(code: str):
    """The villages and communities of one township, each with its adviser."""
    found = db.session.scalar(select(Township).where(Township.code == code))
    if found is None:
        abort(404)
    ids = db.session.scalars(
        select(Village.id)
        .where(Village.township_id == found.id)
        .order_by(Village.village_type.desc(), Village.name)
    ).all()
    return render_template("advisers/township.html", township=found, rows=services.village_rows(list(ids)))


@bp.get("/villages/<int:village_id>")
@public_page
def village(village_id: int):
    """A village's adviser: photo, firm, phone, schedule, specialties, last visit."""
    found = db.get_or_404(Village, village_id)
    assignment = services.current_assignment(found.id)
    adviser = assignment.adviser if assignment else None
    last = services.last_served(adviser.id, [found.id]).get(found.id) if adviser else None
    return render_template(
        "advisers/village.html", village=found, adviser=adviser, assignment=assignment, card_last_served=last
    )


@bp.get("/people/<int:adviser_id>")
@public_page
def adviser(adviser_id: int):
    """An adviser and every village they serve."""
    found = db.get_or_404(Adviser, adviser_id)
    if not found.is_active:
        abort(404)
    assignments = services.villages_of(found.id)
    last = services.last_served(found.id, [a.village_id for a in assignments])
    return render_template("advisers/adviser.html", adviser=found, assignments=assignments, last_served=last)


@bp.route("/villages/<int:village_id>/contact", methods=["GET", "POST"])
@intake_page
def contact(village_id: int):
    """ "Contact my adviser": a short request that enters the adviser queue (type AC)."""
    found = db.get_or_404(Village, village_id)
    assignment = services.current_assignment(found.id)
    if assignment is None or not assignment.adviser.is_active:
        abort(404)
    form = ContactForm()
    resident = current_user if current_user.is_authenticated and not current_user.is_staff else None
    if request.method == "GET" and resident is not None:
        form.name.data = form.name.data or resident.display_name
        form.mobile.data = form.mobile.data or resident.mobile

    def send(form: ContactForm, _staged) -> AdviserContact:
        contact_request = AdviserContact(
            applicant_name=form.name.data.strip(),
            applicant_mobile=form.mobile.data,
            township_id=found.township_id,
            adviser_id=assignment.adviser_id,
            village_id=found.id,
            topic=form.topic.data,
            description=form.description.data.strip(),
            preferred_time=form.preferred_time.data,
        )
        return submit(contact_request, user=resident, locale=current_language())

    return run_intake(
        Intake(
            form,
            "advisers/contact.html",
            send,
            confirmation="advisers.contact_sent",
            context={"village": found, "adviser": assignment.adviser},
        )
    )


@bp.get("/contact/sent/<reference>")
def contact_sent(reference: str):
    """The printable confirmation with the AC reference, for the browser that sent it."""
    return render_template(
        "advisers/contact_sent.html", request_obj=applicant_request_or_proof(reference, "AC")
    )
