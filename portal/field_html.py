"""The HTML of a blank form field, rendered once per process and language.

A public form (legal aid: ~40 fields) spent 90% of its CPU in WTForms widgets and the
`field` macro, rebuilding the same markup with the same translated labels, hints and
choices for every visitor. A field is shared only while it holds nothing of the visitor:
no error, and a value that is empty, the field's own static default, or one of the
field's declared choices (the same markup for everyone who chose it; the chosen value is
part of the key). A value typed or filled in — a name, a number, a signed-in applicant's
name — is rendered afresh. Hidden fields and the CSRF token never are.

The key is everything the markup is made of: the field's type, widget, name, id, flags,
`render_kw`, its label, hint, choices and option hints (a lazily translated text by its
msgid (any other lazy text as it reads now), a text from the database as it is, so a renamed township or a new lawyer makes a
new key), the macro's arguments and the language. The store is the app's (one per
process and app) and bounded: it is emptied when it reaches `LIMIT` entries.
"""

from dataclasses import fields, is_dataclass

from flask import current_app
from flask_babel import gettext, ngettext, npgettext, pgettext
from flask_babel.speaklater import LazyString
from wtforms.fields.choices import SelectChoice

from portal.core.choices import declared_values
from portal.i18n import current_language

LIMIT = 4096
NEVER = frozenset({"HiddenField", "CSRFTokenField"})
EMPTY = (None, "", (), [])
TRANSLATORS = (gettext, ngettext, pgettext, npgettext)


def _store() -> dict:
    return current_app.extensions.setdefault("portal_field_html", {})


def _fingerprint(value):
    """A hashable stand-in for a label, hint or choice that changes when its text would."""
    kind = type(value)
    if kind is str or value is None:
        return value
    if kind is SelectChoice:  # the common case first: ~40 per form, each visit
        return (kind, value.value, _fingerprint(value.label), value.optgroup, _fingerprint(value.render_kw))
    if kind is LazyString:
        if value._func in TRANSLATORS:  # its text depends on the msgid, the variables and the language only
            return (kind, value._func, _fingerprint(value._args), _fingerprint(value._kwargs))
        return str(
            value
        )  # text made by some other function (one for staff, one for residents): as it reads now
    if kind is list or kind is tuple:
        return tuple(map(_fingerprint, value))
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int | float | bool):
        return (kind, value)  # 1 and True print differently
    if isinstance(value, dict):
        return tuple(sorted((str(k), _fingerprint(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(map(_fingerprint, value))
    if is_dataclass(value):  # a name in two languages
        return (kind, *(_fingerprint(getattr(value, f.name)) for f in fields(value)))
    if callable(value):  # choices made when rendered (from the database, perhaps): never shared
        raise TypeError(value)
    return (kind, str(value))


def _fixed_choice(field) -> bool:
    """A choice made among the field's own declared options (or a tick box): the same
    markup for everyone who made that choice, nothing typed by the visitor. The answered
    self-check re-shows nine such answers (its free-typed numbers are never shared)."""
    data = field.data
    if field.type == "BooleanField":
        return type(data) is bool
    choices = getattr(field, "choices", None)
    if choices is None or callable(choices):
        return False
    try:
        values = {field.coerce(value) for value in declared_values(choices)}
    except (TypeError, ValueError):
        return False
    chosen = data if isinstance(data, list | tuple) else [data]
    try:
        return all(value in values for value in chosen)
    except TypeError:  # unhashable
        return False


def _blank(field) -> bool:
    if field.errors or field.type in NEVER:
        return False
    if field.raw_data is not None:  # submitted: shared only when a declared choice
        return _fixed_choice(field)
    data = field.data
    if data is False or any(data is e or (type(data) is type(e) and data == e) for e in EMPTY):
        return True
    default = field.default
    return not callable(default) and type(data) is type(default) and data == default


def key(field, *arguments):
    """The cache key of this field's markup, or None when it holds something of the visitor."""
    if not _blank(field):
        return None
    try:
        return (
            type(field).__qualname__,
            type(field.widget).__qualname__,
            getattr(field.widget, "multiple", None),
            field.name,
            field.id,
            repr(field.data),
            _fingerprint(vars(field.flags)),
            _fingerprint(field.render_kw),
            _fingerprint(field.label.text),
            _fingerprint(field.description),
            _fingerprint(getattr(field, "choices", None)),
            _fingerprint(getattr(field, "option_hints", None)),
            getattr(field, "coerce", None),
            _fingerprint(arguments),
            current_language(),
        )
    except TypeError:  # something unhashable: render it afresh
        return None


def get(cache_key):
    return _store().get(cache_key) if cache_key is not None else None


def put(cache_key, html):
    if cache_key is not None:
        store = _store()
        if len(store) >= LIMIT:
            store.clear()
        store[cache_key] = html
    return html


def clear() -> None:
    _store().clear()
