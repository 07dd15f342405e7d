"""Messages to the legal aid person on a case (not the applicant): what they must act on."""

from flask_babel import lazy_gettext as _l

from portal.accounts.profiles import profile_of
from portal.core.identity import normalise_mobile
from portal.core.notifications import queue_message
from portal.core.services import template_key

REPORT_RETURNED = _l(
    "The closing report of legal aid case %(reference)s was sent back: %(reasons)s Please correct it and submit it again."
)


def lawyer_mobile(application) -> str | None:
    """The assigned person's mobile: their account's, else a mobile given as work phone."""
    lawyer = application.lawyer
    if lawyer is None:
        return None
    profile = profile_of(lawyer)
    return normalise_mobile(lawyer.mobile) or normalise_mobile(profile.work_phone if profile else None)


def tell_lawyer_report_returned(application) -> None:
    """Text the lawyer that their closing report came back, with what to correct."""
    mobile = lawyer_mobile(application)
    if mobile is None:
        return  # they see it in their queue; there is no number to text
    params = {"reference": application.reference, "reasons": application.closing_returned_reason}
    queue_message(
        mobile,
        str(REPORT_RETURNED) % params,
        request_id=application.id,
        template=template_key(application, "return_closing", "lawyer"),
        params=params,
    )
