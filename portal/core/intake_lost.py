"""A lost form token on a public form (issue #27): a same-site POST gets its form back as
typed, with a plain message, HTTP 400 and nothing written; files are asked for again,
never staged from such a POST. Anything else gets the plain 400 page (portal.errors)."""

from flask import current_app, g, request

from portal.extensions import db


def intake_page(view):
    """Mark a public form's view: when its form token is lost, a same-site POST shows the
    form again with what was typed (`lost_token_page`), instead of the bare 400 page."""
    view.keeps_typed_on_lost_token = True
    return view


def lost_token_page():
    """Called for a refused form token: the marked view's form with the typed text, a
    plain message and HTTP 400, nothing written; None for any other view or a POST sent
    from elsewhere (then the plain 400 page)."""
    from portal.core.site_requests import sent_from_this_site

    view = current_app.view_functions.get(request.endpoint or "")
    if request.method != "POST" or not getattr(view, "keeps_typed_on_lost_token", False):
        return None
    if not sent_from_this_site():
        return None
    g.csrf_lost = True
    db.session.rollback()
    response = current_app.make_response(view(**(request.view_args or {})))
    db.session.rollback()  # nothing written
    response.status_code = 400
    return response
