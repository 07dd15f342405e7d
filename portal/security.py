"""Cross-cutting protection: headers, default-deny staff area, idle timeout, safe redirects."""

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user

from portal.core.clock import utcnow
from portal.core.pages import is_public_page
from portal.core.registry import capabilities
from portal.extensions import csrf, limiter, login_manager

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
#: Staff pages reachable without signing in.
STAFF_PUBLIC_ENDPOINTS = frozenset({"backoffice.login"})
LAST_SEEN_KEY = "last_seen"
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


def safe_next_url(target: str | None, fallback_endpoint: str) -> str:
    """Return `target` when it stays on this site, else the fallback page."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//") and "\\" not in target:
            return target
    return url_for(fallback_endpoint)


def add_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if not (is_public_page() and not current_user.is_authenticated):
        # Private by default: personal data must not linger in shared caches or in the
        # back button of a kiosk. Only views marked public_page may be kept, and only as
        # a visitor who is not signed in sees them (a signed-in header names the person).
        response.headers["Cache-Control"] = "no-store"
    else:
        response.vary.add("Cookie")
    return response


def guard_staff_area():
    """Default deny: everything under /staff/ needs a signed-in staff account, and a
    capability's own staff pages one of the roles it declared for them."""
    if not request.path.startswith("/staff") or request.endpoint in STAFF_PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        flash(login_manager.login_message, "info")
        target = request.full_path.rstrip("?") if request.method == "GET" else None
        return redirect(url_for("backoffice.login", next=target))
    if not current_user.is_staff:
        abort(403)
    roles = staff_area_roles(request.blueprint)
    if roles is not None and not current_user.has_role(*roles):
        abort(403)
    return None


def staff_area_roles(blueprint: str | None) -> frozenset[str] | None:
    """The roles a capability declared for its staff blueprint, or None for shared pages."""
    for capability in capabilities():
        if capability.staff_areas and blueprint in capability.staff_areas:
            return capability.staff_areas[blueprint]
    return None


def enforce_idle_timeout():
    """Sign staff out after STAFF_IDLE_TIMEOUT without a request."""
    if not current_user.is_authenticated or not current_user.is_staff:
        return None
    now = utcnow()
    last_seen = session.get(LAST_SEEN_KEY)
    timeout = current_app.config["STAFF_IDLE_TIMEOUT"]
    if last_seen and now - datetime.fromisoformat(last_seen) > timeout:
        logout_user()
        session.clear()
        flash(_l("You were signed out after 30 minutes without activity."), "info")
        return redirect(url_for("backoffice.login", next=request.full_path if request.method == "GET" else None))
    if not last_seen or now - datetime.fromisoformat(last_seen) > LAST_SEEN_RESOLUTION:
        # Re-signing the session cookie on every request costs; a minute is precise enough.
        session[LAST_SEEN_KEY] = now.isoformat(timespec="seconds")
    return None


def register(app: Flask) -> None:
    from portal.accounts.models import User
    from portal.extensions import db

    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str):
        return db.session.get(User, int(user_id)) if user_id.isdigit() else None

    app.before_request(enforce_idle_timeout)
    app.before_request(guard_staff_area)
    app.after_request(add_security_headers)
