"""Jinja filters and globals shared by every template."""

from datetime import datetime

from flask import Flask, request
from flask_babel import format_date, format_datetime, get_translations, gettext, ngettext
from flask_login import current_user
from jinja2.ext import _make_new_gettext, _make_new_ngettext

from portal.accounts.roles import Role
from portal.core.clock import to_local, utcnow
from portal.core.identity import mask_id_number, mask_mobile
from portal.core.models import NO_DEADLINE
from portal.core.registry import kind_of

#: Numeric patterns read the same in every language: strftime is far cheaper than Babel.
NUMERIC_PATTERNS = {"yyyy-MM-dd HH:mm": "%Y-%m-%d %H:%M", "HH:mm": "%H:%M", "yyyy-MM-dd": "%Y-%m-%d"}


def local_datetime(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """A stored UTC moment in Changsha time."""
    if not value:
        return ""
    if fmt in NUMERIC_PATTERNS:
        return to_local(value).strftime(NUMERIC_PATTERNS[fmt])
    return format_datetime(value.replace(tzinfo=None), fmt)


def local_date(value, fmt: str = "yyyy-MM-dd") -> str:
    if isinstance(value, datetime):
        value = to_local(value).date()  # a stored UTC moment: its day in Changsha
    return format_date(value, fmt) if value else ""


def time_left(due: datetime | None) -> str:
    """"2 days left", "5 hours left" or "overdue by 1 day"."""
    if due is None or due >= NO_DEADLINE:
        return "—"
    seconds = (due - utcnow()).total_seconds()
    hours = int(abs(seconds) // 3600)
    if abs(seconds) >= 86400:
        days = hours // 24
        text = ngettext("%(num)d day", "%(num)d days", days)
    else:
        text = ngettext("%(num)d hour", "%(num)d hours", max(hours, 1))
    if seconds < 0:
        return gettext("overdue by %(time)s", time=text)
    return gettext("%(time)s left", time=text)


def is_overdue(due: datetime | None) -> bool:
    return bool(due and due < utcnow())


def state_label(request_obj) -> str:
    return str(kind_of(request_obj).workflow.state(request_obj.status).label)


def field_attrs(field, required: bool, extra: dict) -> dict:
    """HTML attributes of a form control: its hint and error, invalid state, required."""
    attrs = dict(extra)
    described = [f"{field.id}-hint"] if field.description else []
    if field.errors:
        described.append(f"{field.id}-error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if required:
        attrs["required"] = True
    return attrs


def role_label(role: str) -> str:
    return str(Role(role).label)


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        local_datetime=local_datetime,
        local_date=local_date,
        time_left=time_left,
        mask_id=mask_id_number,
        mask_mobile=mask_mobile,
        state_label=state_label,
    )
    app.jinja_env.globals.update(role_label=role_label, field_attrs=field_attrs, is_overdue=is_overdue, kind_of=kind_of, to_local=to_local)
    app.jinja_env.add_extension("jinja2.ext.i18n")  # {% trans %} blocks, via Flask-Babel

    @app.context_processor
    def request_translations():
        """Bind the page's gettext to this request's catalog once.

        Flask-Babel's template callables look the catalog up again for every string
        (through several context proxies); a page with a hundred strings paid for it.
        """
        translations = get_translations()
        gettext_ = _make_new_gettext(translations.ugettext)
        return {"_": gettext_, "gettext": gettext_, "ngettext": _make_new_ngettext(translations.ungettext)}

    @app.context_processor
    def inject_common():
        from portal.i18n import current_language

        return {
            "current_language": current_language(),
            "current_path": request.full_path.rstrip("?") if request else "/",
            "hotline": app.config["COUNTY_HOTLINE"],
            "current_user": current_user,
        }
