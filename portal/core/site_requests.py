"""What the shared pages need to know of the browser's request: whether a POST was sent
from one of this site's pages, and the elderly mode (长辈版) display preference. The core
owns them (its intake reads both); the site's pages (portal.public.site) use them too."""

from urllib.parse import urlsplit

from flask import current_app, g, request

#: The elderly mode (长辈版) cookie: "1" when on. A display preference only.
ELDERLY_COOKIE = "elderly"


def elderly_mode_on() -> bool:
    if not request:
        return False
    if "elderly_mode" in g:  # switched by this very request (a form's button)
        return g.elderly_mode
    return request.cookies.get(ELDERLY_COOKIE) == "1"


def remember_elderly(response, turn_on: bool):
    """Set or clear the elderly mode cookie on `response`."""
    g.elderly_mode = turn_on
    return _set_elderly_cookie(response, turn_on)


def sent_from_this_site() -> bool:
    """True when the POST comes from one of this site's pages: its Origin (browsers send one
    with every POST), or without one its Referer, is this host or the configured
    PUBLIC_BASE_URL (a proxy may pass another Host header)."""
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    parts = urlsplit(source)
    if not parts.scheme or not parts.netloc:
        return False
    allowed = {request.host}
    if base := current_app.config.get("PUBLIC_BASE_URL"):
        allowed.add(urlsplit(base).netloc)
    return parts.netloc in allowed


def _set_elderly_cookie(response, turn_on: bool):
    if turn_on:
        response.set_cookie(
            ELDERLY_COOKIE,
            "1",
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    else:
        response.delete_cookie(
            ELDERLY_COOKIE, samesite="Lax", httponly=True, secure=current_app.config["SESSION_COOKIE_SECURE"]
        )
    return response
