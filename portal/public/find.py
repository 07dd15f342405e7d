"""Lost references (SPEC §2, issue #28): `/track/find` lists, after a code sent to the
mobile, the requests made with that mobile proven, open or closed within the last 90
days, on screen only; closed earlier ones only when the ID number is typed as well. Never
a safe-contact request (no code reaches its phone; its PIN opens it on /track), one
entered by staff (its mobile was typed, not proven) nor an enterprise's."""

import hashlib
import hmac
from datetime import timedelta

from flask import current_app, render_template, request, session
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from portal.accounts.verification import shows_code_on_page
from portal.core.access import remember_tracked
from portal.core.clock import utcnow
from portal.core.error_pages import render_error
from portal.core.forms import TrackCodeForm, TrackFindForm
from portal.core.identity import mask_mobile
from portal.core.models import ServiceRequest
from portal.core.registry import all_kinds
from portal.extensions import db
from portal.public import track_proof
from portal.public.views import TOO_MANY_TRIES, bp

#: Requests closed longer ago than this are not listed.
RECENT = timedelta(days=90)
#: The codes of `/track/find` are bound to this in place of a reference.
SCOPE = "FIND"
SESSION_KEY = "track_find"


def id_key(id_number: str | None) -> str | None:
    """The ID number as the session keeps it: a keyed hash (the cookie is signed, not encrypted)."""
    if not id_number:
        return None
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"find-id:{id_number.upper()}".encode(), hashlib.sha256).hexdigest()


def findable(mobile: str, id_hash: str | None = None) -> list[ServiceRequest]:
    """The requests `/track/find` lists for a proven mobile, newest first: open or closed
    within RECENT; with the ID number (`id_key`), older closed ones whose ID number matches
    too. Never a safe-contact request, one entered by staff or an enterprise's."""
    codes = [kind.code for kind in all_kinds() if kind.findable_by_mobile]
    base = select(ServiceRequest).where(
        ServiceRequest.applicant_mobile == mobile,
        ServiceRequest.mobile_proven.is_(True),
        ServiceRequest.safe_contact.is_(False),  # never listed: its PIN opens it, on /track
        ServiceRequest.request_type.in_(codes),
    )
    recent = or_(ServiceRequest.is_open.is_(True), ServiceRequest.closed_at >= utcnow() - RECENT)
    found = list(db.session.scalars(base.where(recent).order_by(ServiceRequest.id.desc()).limit(50)))
    if id_hash:
        older = db.session.scalars(base.where(~recent).order_by(ServiceRequest.id.desc()).limit(200))
        found += [
            r for r in older if hmac.compare_digest(id_key(getattr(r, "id_number", None)) or "", id_hash)
        ]
        found.sort(key=lambda r: r.id, reverse=True)
    return found[:50]


def _code_page(mobile: str, form=None, *, demo_code=None, status: int = 200):
    page = render_template(
        "public/track_code.html",
        form=form or TrackCodeForm(formdata=None),
        masked=mask_mobile(mobile),
        demo_code=demo_code,
        action="public.find_code",
        sent_text=_l(
            "If requests were made with this number, a verification code has been sent to it (%(mobile)s).",
            mobile=mask_mobile(mobile),
        ),
    )
    return page, status


@bp.route("/track/find", methods=["GET", "POST"])
def find():
    """A lost reference: the mobile, then a code sent to it when it made requests."""
    form = TrackFindForm()
    if not form.validate_on_submit():
        return render_template("public/track_find.html", form=form), 400 if form.is_submitted() else 200
    if not track_proof.take_try(SCOPE):
        return render_error(429, TOO_MANY_TRIES)
    mobile, id_hash = form.mobile.data, id_key(form.id_number.data)
    session[SESSION_KEY] = {
        "mobile": mobile,
        "id": id_hash,
        "since": utcnow().replace(microsecond=0).isoformat(),
    }
    code = track_proof.send_code(SCOPE, mobile) if findable(mobile, id_hash) else None
    return _code_page(mobile, demo_code=code if shows_code_on_page() else None)


@bp.post("/track/find/code")
def find_code():
    """The code right: the list, on this page only (each request opens from it)."""
    from datetime import datetime

    waiting = session.get(SESSION_KEY) or {}
    try:
        mobile, since = waiting["mobile"], datetime.fromisoformat(waiting["since"])
    except (KeyError, TypeError, ValueError):
        return render_template("public/track_find.html", form=TrackFindForm(formdata=None)), 400
    if not track_proof.take_try(SCOPE):
        return render_error(429, TOO_MANY_TRIES)
    if request.form.get("resend"):  # the number again: a new code
        return render_template("public/track_find.html", form=TrackFindForm(formdata=None, mobile=mobile))
    form = TrackCodeForm()
    if not form.validate_on_submit():
        return _code_page(mobile, form, status=400)
    if not track_proof.code_is_right(SCOPE, mobile, since, form.code.data):
        form.code.errors.append(_l("The code is wrong or no longer valid. Check it, or send a new one."))
        return _code_page(mobile, form, status=400)
    session.pop(SESSION_KEY, None)
    found = findable(mobile, waiting.get("id"))
    for each in found:
        remember_tracked(each)  # the proven mobile is the applicant's: the links open
    return render_template("public/track_found.html", requests=found, masked=mask_mobile(mobile))
