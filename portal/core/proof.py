""" "Sent already" (issue #27): what a second submission of one intake sees.

Never a second request and never the first one's receipt without proof: the browser that
may see it already (it made it, or its owner is signed in) gets a link; anyone else may
confirm the mobile the intake proved (a new code) to see it.
"""

from flask import current_app, redirect, render_template, request, url_for

from portal.core.access import applicant_may_see, remember_tracked
from portal.extensions import db


def sent_request_page(intake, state):
    from portal.core.intake_fields import STEP_FIELD
    from portal.core.mobile_proof import mobile_proof
    from portal.core.services import load_by_reference

    made = load_by_reference(state.reference) if state is not None and state.reference else None
    may_see = made is not None and applicant_may_see(made)
    provable = made is not None and bool(state.mobile)
    if made is not None and request.form.get(STEP_FIELD) == "proof" and (may_see or provable):
        page = None if may_see else mobile_proof().verify_intake_mobile(state.mobile, step="proof")
        if page is not None:
            return page
        db.session.commit()
        remember_tracked(made)
        return redirect(url_for(intake.confirmation, reference=made.reference), 303)
    page = render_template(
        "public/already_sent.html",
        link=url_for(intake.confirmation, reference=made.reference) if may_see else None,
        provable=provable and not may_see,
        action=request.full_path.rstrip("?"),
        step_field=STEP_FIELD,
    )
    return current_app.make_response((page, 409))
