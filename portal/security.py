"""Cross-cutting protection: headers, default-deny staff area, session revocation and
idle limits, safe redirects, clean input (no control characters, bounded numbers), the
client address through ProxyFix."""

import functools
import re
from datetime import datetime, timedelta

from flask import Flask, Request, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, ValidationError
from werkzeug.utils import cached_property

from portal.core.clock import utcnow
from portal.core.contract import CORE_STAFF_AREAS
from portal.core.pages import is_public_page, share_if_anonymous
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
#: When a visitor without an account last used the requests it tracks.
TRACK_SEEN_KEY = "track_seen"
TRACKED_KEY = "tracked_requests"
#: What a proven pair lets this browser see: requests (as applicant) and parties.
TRACKED_KEYS = (TRACKED_KEY, "tracked_parties")
#: C0 and C1 control characters and DEL, except tab, line feed and carriage return.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: The largest id a URL may carry: every id column is a signed 32-bit INTEGER (PostgreSQL
#: answers a larger number with "integer out of range"); a larger one is a 404, not a 500.
MAX_URL_INTEGER = 2**31 - 1


def strip_control_characters(value: str) -> str:
    return CONTROL_CHARACTERS.sub("", value)


def _clean(multidict):
    return ImmutableMultiDict(
        [(strip_control_characters(k), strip_control_characters(v)) for k, v in multidict.items(multi=True)]
    )


class CleanRequest(Request):
    """Form fields and query parameters without control characters (SPEC §11: removed,
    the rest of the form kept): a NUL byte never reaches a validator or the database."""

    @cached_property
    def args(self):
        return _clean(super().args)

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = _clean(self.__dict__["form"])


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` that refuses a number no column can hold (404 instead of an overflow)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 (werkzeug's name)
        kwargs.setdefault("max", MAX_URL_INTEGER)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str):
        if len(value) > len(str(MAX_URL_INTEGER)):
            raise ValidationError()
        return super().to_python(value)


def lazy_strings_are_plain_text() -> None:
    """A lazily translated string is text, not HTML: flask_babel's LazyString says it is
    safe HTML (`__html__` returns it as it is), so a message carrying user data (an
    upload's file name, a party's name in a flash) would reach the page unescaped. No
    msgid carries markup, so escaping is always right."""
    from flask_babel.speaklater import LazyString
    from markupsafe import escape

    def __html__(self):
        return str(escape(str(self)))

    LazyString.__html__ = __html__


def refuse_control_characters_in_path():
    """A NUL byte or other control character in the address: 404, never the database."""
    if CONTROL_CHARACTERS.search(request.path):
        abort(404)


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
        response = share_if_anonymous(response)
        if "Cache-Control" not in response.headers and _showed_flash_messages():
            # A message for this browser once ("Your request was sent"): never kept, never
            # shown again by the back button.
            response.headers["Cache-Control"] = "no-store"
    return response


def _showed_flash_messages() -> bool:
    """The page took this session's flash messages (Flask keeps them on the request)."""
    from flask.globals import request_ctx

    return bool(getattr(request_ctx, "flashes", None))


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
    """The roles declared for a staff blueprint (a core area such as the reports, or a
    capability's), or None for pages every staff member may open."""
    if blueprint in CORE_STAFF_AREAS:
        return CORE_STAFF_AREAS[blueprint]
    for capability in capabilities():
        if capability.staff_areas and blueprint in capability.staff_areas:
            return capability.staff_areas[blueprint]
    return None


def _stamp_age(key: str, now: datetime) -> timedelta | None:
    try:
        return now - datetime.fromisoformat(session[key])
    except (KeyError, TypeError, ValueError):
        return None


def forget_idle_tracking():
    """A visitor's tracked requests (as applicant or as another party) end after
    TRACK_IDLE_TIMEOUT idle (a shared PC)."""
    if current_user.is_authenticated or not any(key in session for key in TRACKED_KEYS):
        return None
    age = _stamp_age(TRACK_SEEN_KEY, utcnow())
    if age is None or age > current_app.config["TRACK_IDLE_TIMEOUT"]:
        for key in (*TRACKED_KEYS, TRACK_SEEN_KEY):
            session.pop(key, None)
    return None


def stamp_tracking(response):
    """Stamp the tracking session from the request that started it on."""
    if any(key in session for key in TRACKED_KEYS) and not current_user.is_authenticated:
        age = _stamp_age(TRACK_SEEN_KEY, utcnow())
        if age is None or age > LAST_SEEN_RESOLUTION:
            session[TRACK_SEEN_KEY] = utcnow().isoformat(timespec="seconds")
    return response


def enforce_idle_timeout():
    """Sign staff out after STAFF_IDLE_TIMEOUT without a request.

    Sign-in stamps the session, so the limit holds from the first request; a staff
    session without a stamp is not one this portal issued since, and ends too.
    """
    if not current_user.is_authenticated or not current_user.is_staff:
        return None
    now = utcnow()
    last_seen = session.get(LAST_SEEN_KEY)
    timeout = current_app.config["STAFF_IDLE_TIMEOUT"]
    age = _stamp_age(LAST_SEEN_KEY, now)
    if age is None or age > timeout:
        logout_user()
        session.clear()
        flash(_l("You were signed out after 30 minutes without activity."), "info")
        return redirect(
            url_for("backoffice.login", next=request.full_path if request.method == "GET" else None)
        )
    if not last_seen or age > LAST_SEEN_RESOLUTION:
        # Re-signing the session cookie on every request costs; a minute is precise enough.
        session[LAST_SEEN_KEY] = now.isoformat(timespec="seconds")
    return None


@functools.cache
def _user_with_roles():
    from sqlalchemy import bindparam, select
    from sqlalchemy.orm import joinedload

    from portal.accounts.models import User

    return select(User).where(User.id == bindparam("id")).options(joinedload(User.role_rows))


def register(app: Flask) -> None:

    from portal.extensions import db

    lazy_strings_are_plain_text()
    app.request_class = CleanRequest
    app.url_map.converters["int"] = BoundedIntegerConverter
    if app.config.get("PROXY_FIX_X_FOR"):
        # The client address from X-Forwarded-For only through the trusted proxies.
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=int(app.config["PROXY_FIX_X_FOR"]), x_proto=int(app.config["PROXY_FIX_X_FOR"])
        )
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_id: str):
        """The account of a session, if the session was not revoked since (sign-out,
        password change, disable: User.end_all_sessions)."""
        user_id, _, epoch = (session_id or "").partition(":")
        if not (user_id.isdigit() and epoch.isdigit() and len(user_id) < 19):
            return None
        # The roles in the same statement: every staff page asks them (one statement less);
        # the statement built once (session.get builds its query on every request).
        user = db.session.execute(_user_with_roles(), {"id": int(user_id)}).unique().scalar_one_or_none()
        if user is None or (user.session_epoch or 0) != int(epoch) or not user.is_active_account:
            return None
        return user

    app.before_request(refuse_control_characters_in_path)
    app.before_request(forget_idle_tracking)
    app.before_request(enforce_idle_timeout)
    app.before_request(guard_staff_area)
    app.after_request(stamp_tracking)
    app.after_request(add_security_headers)
