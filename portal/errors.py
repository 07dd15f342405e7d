"""Friendly error pages, in the user's language; workflow errors become 403/409; log
lines without personal data (ID numbers and mobiles masked in every record)."""

import logging
import re
import traceback

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal.core.workflow import WorkflowError
from portal.extensions import db

log = logging.getLogger("portal")

MESSAGES = {
    400: _l("The request could not be understood. Go back and try again."),
    403: _l("You do not have access to this page."),
    404: _l("This page does not exist. Check the address, or start from the home page."),
    405: _l("This page cannot be used that way."),
    409: _l("This request changed in the meantime. Reload the page and try again."),
    413: _l("The files are too large: at most 10 MB each and 5 files in all."),
    429: _l("Too many attempts. Wait a minute and try again."),
    500: _l("Something went wrong on our side. Your data is safe; please try again later."),
}


WORKFLOW_MESSAGES = {
    403: _l("You may not take this action on this request."),
    409: _l(
        "This action is not possible in the request's current state, or someone changed it first. Reload the page and check."
    ),
}


#: An 18-character resident ID number (last character a digit or X).
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{4})\d{10}(\d{3}[0-9Xx])(?![0-9A-Za-z])")
#: A mainland mobile, alone or after +86/0086, with or without spaces or dashes inside.
MOBILE = re.compile(r"(?:(?<=\+86)|(?<=0086)|(?<!\d))(1[3-9]\d)[ -]?\d{4}[ -]?(\d{4})(?!\d)")


def mask_personal_data(text: str) -> str:
    """4301**********1237 and 139****0011: what a log line may show of a person."""
    text = ID_NUMBER.sub(lambda m: m.group(1) + "*" * 10 + m.group(2), text)
    return MOBILE.sub(lambda m: m.group(1) + "****" + m.group(2), text)


def install_log_masking() -> None:
    """Mask ID numbers and mobiles in every log record of the process, whatever logger
    or handler (gunicorn's, werkzeug's access log, a traceback's text): the record
    factory formats the message and the exception once, masked."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "masks_personal_data", False):
        return

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        try:
            record.msg, record.args = mask_personal_data(record.getMessage()), ()
            if record.exc_info and record.exc_info[0] is not None:
                record.exc_text = mask_personal_data(
                    "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
                )
        except Exception:  # noqa: BLE001, S110 (a log line must never raise)
            pass
        return record

    factory.masks_personal_data = True
    logging.setLogRecordFactory(factory)


def render_error(code: int, message=None):
    return render_template(
        "error.html", code=code, message=message or MESSAGES.get(code, MESSAGES[500])
    ), code


def register(app: Flask) -> None:
    install_log_masking()

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        from portal.core.intake_lost import lost_token_page

        if (page := lost_token_page()) is not None:
            return page  # a public form sent from this site: shown again as typed
        return render_error(
            400, _l("Your form expired or was sent from elsewhere. Reload the page and send it again.")
        )

    @app.errorhandler(WorkflowError)
    def workflow_error(error: WorkflowError):
        # A transition refused by the engine, wherever it was asked for: nothing is kept.
        db.session.rollback()
        code = error.status_code if error.status_code in MESSAGES else 409
        return render_error(code, getattr(error, "message", None) or WORKFLOW_MESSAGES.get(code))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code in MESSAGES:
            return render_error(error.code)
        return error

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if app.testing or app.config.get("PROPAGATE_EXCEPTIONS"):
            raise error  # tests see the real traceback
        log.exception("unhandled error")
        db.session.rollback()
        return render_error(500)
