"""Friendly error pages, in the user's language; workflow errors become 403/409; log
lines without personal data (ID numbers and mobiles masked in every record)."""

import logging
import re
import traceback

from flask import Flask, Response, g
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException

from portal.core.error_pages import MESSAGES, render_error
from portal.core.workflow import WorkflowError
from portal.extensions import db

log = logging.getLogger("portal")

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


UNAVAILABLE_TITLE = _l("Service temporarily unavailable")
UNAVAILABLE = _l(
    "The service is temporarily unavailable. Your data is safe; please try again in a few minutes."
)
UNAVAILABLE_PAGE = """<!doctype html>
<html lang="zh-Hans"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{zh_title} | {en_title}</title></head>
<body><main><h1>{zh_title}</h1><p>{zh}</p><h2 lang="en">{en_title}</h2><p lang="en">{en}</p></main></body></html>
"""


#: PostgreSQL error classes that mean "not now" rather than a defect: connection
#: exceptions (08…), a statement cancelled by its timeout (57014), the server going down (57P…).
UNAVAILABLE_SQLSTATES = ("08", "57014", "57P")


def is_unavailable(error: Exception) -> bool:
    """The database did not answer in time, or not at all (not a wrong query)."""
    if isinstance(error, PoolTimeoutError) or getattr(error, "connection_invalidated", False):
        return True
    original = getattr(error, "orig", None)
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate:
        return sqlstate.startswith(UNAVAILABLE_SQLSTATES)
    text = str(original or error).lower()
    # psycopg's failures to connect carry no SQLSTATE; SQLite's lock waits say so.
    return "locked" in text or "busy" in text or "connection" in text or "timeout" in text


def database_unavailable(error: Exception) -> Response:
    """503 when the database cannot be reached in time: a plain page in both languages.

    It renders nothing that could ask the database again (no base template, no signed-in
    user, no language from the account): the request ends now, not at nginx's timeout.
    Any other OperationalError (a wrong query) goes on to the 500 handler."""
    from portal.extensions import login_manager

    if not is_unavailable(error):
        raise error
    log.warning("database unavailable: %s", type(error).__name__)
    g._login_user = login_manager.anonymous_user()  # after_request hooks must not load the user
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001, S110 (the connection is gone; the session is dropped anyway)
        pass
    texts: dict[str, tuple] = {}
    for language in ("zh_Hans", "en"):
        with force_locale(language):
            texts[language] = (escape(str(UNAVAILABLE_TITLE)), escape(str(UNAVAILABLE)))
    page = UNAVAILABLE_PAGE.format(
        zh_title=texts["zh_Hans"][0], zh=texts["zh_Hans"][1], en_title=texts["en"][0], en=texts["en"][1]
    )
    response = Response(page, status=503, mimetype="text/html")
    response.headers["Retry-After"] = "30"
    response.headers["Cache-Control"] = "no-store"
    return response


def register(app: Flask) -> None:
    install_log_masking()
    app.register_error_handler(OperationalError, database_unavailable)
    app.register_error_handler(PoolTimeoutError, database_unavailable)

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
