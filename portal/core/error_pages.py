"""The plain error page (templates/error.html) and its messages by status: the core's own
refusals (too many submissions, a storage failure) show it, and so do the app's error
handlers (portal.errors)."""

from flask import render_template
from flask_babel import lazy_gettext as _l

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


def render_error(code: int, message=None):
    return render_template(
        "error.html", code=code, message=message or MESSAGES.get(code, MESSAGES[500])
    ), code
