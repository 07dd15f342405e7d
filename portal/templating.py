"""Jinja filters and globals shared by every template."""

from flask import Flask, current_app, request, url_for
from flask_babel import get_translations
from flask_login import current_user
from jinja2 import pass_context
from jinja2.ext import _make_new_ngettext
from markupsafe import Markup, escape
from wtforms.widgets import ListWidget

from portal import field_html, legal_basis
from portal.core.clock import is_overdue, local_date, local_datetime, time_left, to_local
from portal.core.contract import CORE_STAFF_LINKS
from portal.core.drafts import in_progress as intake_in_progress
from portal.core.identity import mask_id_number, mask_mobile
from portal.core.pages import has_quick_exit
from portal.core.registry import all_roles, capabilities, kind_of


def state_label(request_obj) -> str:
    """The request's state in the page's language; each label is translated once per
    process and language (a queue page shows one per row)."""
    from portal.i18n import current_language

    labels = current_app.extensions.setdefault("portal_state_labels", {})
    key = (request_obj.request_type, request_obj.status, current_language())
    label = labels.get(key)
    if label is None:
        label = labels[key] = str(kind_of(request_obj).workflow.state(request_obj.status).label)
    return label


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


def tel_href(number) -> str:
    """A `tel:` URL from a phone number as people write it ("0731-8400 0000"): its digits
    only (a leading + kept), since spaces and dashes make the URL invalid on some phones.
    Empty when there are no digits, so a template can leave the link out."""
    text = str(number or "").strip()
    digits = "".join(c for c in text if c in "0123456789")
    if not digits:
        return ""
    return "tel:" + ("+" if text.startswith("+") else "") + digits


def only_digits(text) -> str:
    return "".join(c for c in str(text or "") if c in "0123456789")


def required_select(field, attrs: dict, placeholder: str) -> Markup:
    """A required <select> whose first option is a placeholder with an empty value.

    HTML requires it (the W3C checker refuses a required select whose first option is a
    real answer, or that has none): otherwise the browser shows the first answer as chosen
    and the required check can never fail. The field's own default stays selected."""
    html = field(**attrs)  # Markup: the widget escaped every value
    end = html.index(">") + 1
    return html[:end] + Markup('<option value="">{}</option>').format(placeholder) + html[end:]


def is_choice_group(field) -> bool:
    """True for radio buttons and checkbox lists (any field drawn as a list of options):
    the field macro draws them as a fieldset with a legend, each option with its own label."""
    return isinstance(field.widget, ListWidget)


def needs_placeholder(field) -> bool:
    """True for a single-choice select whose first option is a real answer (or that has none)."""
    if field.type not in ("SelectField", "QuerySelectField") or getattr(field.widget, "multiple", False):
        return False
    first = next(iter(field.iter_choices()), None)
    return first is None or first[0] not in ("", None)


URL_SLOT = "0url0slot0"


def url_maker(endpoint: str, name: str, **values):
    """A function of one value that gives `url_for(endpoint, name=value, **values)`,
    routed once: a queue page links each of its rows, and `url_for` was 15% of it.
    The value is quoted by the route's own converter."""
    prefix, _slot, suffix = url_for(endpoint, **values, **{name: URL_SLOT}).partition(URL_SLOT)
    (rule,) = current_app.url_map.iter_rules(endpoint)
    to_url = rule._converters[name].to_url
    return lambda value: prefix + to_url(value) + suffix


def select_options(choices, selected) -> Markup:
    """The <option>s of a plain filter <select>, the one whose value (as text) is
    `selected` marked: built in Python in one call, where a Jinja loop cost a queue page
    a fifth of its time (89 options, a comparison and two escapes each)."""
    chosen = "" if selected is None else str(selected)
    markup = "".join(
        f'<option value="{escape(value)}"{" selected" if str(value) == chosen else ""}>{escape(label)}</option>'
        for value, label in choices
    )
    return Markup(markup)  # noqa: S704 (every value and label escaped above)


def role_label(role: str) -> str:
    known = all_roles().get(role)
    return str(known.label) if known is not None else role  # a role of a disabled capability


def visible_links(links, user) -> list:
    """Links without roles for everyone; the others for staff holding one of their roles."""
    return [
        link for link in links if not link.roles or (user.is_authenticated and user.has_role(*link.roles))
    ]


def _page_gettext(ugettext):
    """Jinja's new-style `_()` (jinja2.ext._make_new_gettext), minus the `% {}` it applies to
    every text, variables or not: a page prints about a hundred texts, and that formatting
    (a Markup wrapper per call) was half of each call's cost. A text is still formatted when
    it has variables or a `%` (so `%%` still prints as `%`), and still escaped the same way."""

    @pass_context
    def gettext(__context, __string, **variables):
        text = ugettext(__string)
        if __context.eval_ctx.autoescape:
            text = Markup(text)  # noqa: S704 (a translator's text, as Jinja's own _() treats it)
        return text % variables if variables or "%" in text else text

    return gettext


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        local_datetime=local_datetime,
        local_date=local_date,
        time_left=time_left,
        mask_id=mask_id_number,
        mask_mobile=mask_mobile,
        state_label=state_label,
        tel_href=tel_href,
        digits=only_digits,
        legal_basis=legal_basis.split,
    )
    app.jinja_env.globals.update(
        role_label=role_label,
        url_maker=url_maker,
        select_options=select_options,
        field_attrs=field_attrs,
        required_select=required_select,
        needs_placeholder=needs_placeholder,
        is_choice_group=is_choice_group,
        field_cache_key=field_html.key,
        field_cache_get=field_html.get,
        field_cache_put=field_html.put,
        is_overdue=is_overdue,
        kind_of=kind_of,
        to_local=to_local,
    )
    app.jinja_env.add_extension("jinja2.ext.i18n")  # {% trans %} blocks, via Flask-Babel

    @app.context_processor
    def request_translations():
        """Bind the page's gettext to this request's catalog once.

        Flask-Babel's template callables look the catalog up again for every string
        (through several context proxies); a page with a hundred strings paid for it.
        """
        translations = get_translations()
        gettext_ = _page_gettext(translations.ugettext)
        return {"_": gettext_, "gettext": gettext_, "ngettext": _make_new_ngettext(translations.ungettext)}

    @app.context_processor
    def inject_common():
        from portal.core.site_requests import elderly_mode_on
        from portal.i18n import current_language
        from portal.public.site import site_furniture

        enabled = capabilities()
        return {
            "current_language": current_language(),
            "current_path": request.full_path.rstrip("?") if request else "/",
            "hotline": app.config["COUNTY_HOTLINE"],
            "current_user": current_user,
            "capabilities": enabled,
            "public_nav": [link for c in enabled for link in c.nav],
            "home_cards": [c.home_card for c in enabled if c.home_card],
            "staff_links": visible_links(
                [*CORE_STAFF_LINKS, *(link for c in enabled for link in c.staff_links)], current_user
            ),
            "page_has_quick_exit": (quick := has_quick_exit()),
            "quick_exit_can_delete": quick and intake_in_progress(),
            "site": site_furniture(app.config),
            "elderly_mode": elderly_mode_on(),
        }
