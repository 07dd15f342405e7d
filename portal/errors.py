"""Friendly error pages, in the user's language; workflow errors become 403/409."""

import logging

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
    409: _l("This action is not possible in the request's current state, or someone changed it first. Reload the page and check."),
}


def render_error(code: int, message=None):
    return render_template("error.html", code=code, message=message or MESSAGES.get(code, MESSAGES[500])), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, _l("Your form expired or was sent from elsewhere. Reload the page and send it again."))

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
