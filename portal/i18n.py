"""Languages: Chinese by default, English second; the choice is remembered."""

import functools
from dataclasses import dataclass

from flask import Blueprint, Flask, current_app, g, has_request_context, make_response, redirect, request
from flask.globals import _cv_app
from flask_babel import get_locale
from flask_login import current_user

from portal.extensions import babel
from portal.safe_urls import safe_next_url

LANGUAGE_COOKIE = "lang"
bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """The cookie's language, else the signed-in user's, else Chinese."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    chosen = g.get("language") or request.cookies.get(LANGUAGE_COOKIE)  # a form's switch wins
    if chosen in languages:
        return chosen
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in languages:
        return user_locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@bp.get("/language/<code>")
def switch_language(code: str):
    """Switch the language and go back to the page the user was on."""
    languages = current_app.config["LANGUAGES"]
    if code not in languages:
        code = current_app.config["BABEL_DEFAULT_LOCALE"]
    response = make_response(redirect(safe_next_url(request.args.get("next"), "public.home")))
    return remember_language(response, code)


def remember_language(response, code: str):
    """Remember the language in a cookie (ignored when it is not one of ours)."""
    if code not in current_app.config["LANGUAGES"]:
        return response
    response.set_cookie(
        LANGUAGE_COOKIE,
        code,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


_LANGUAGE_OF: dict = {}


def _locale_in_force():
    """The locale Flask-Babel has already chosen for this app context (`force_locale`
    included), read without `get_locale`'s three passes through the `g` proxy; None when
    it has not chosen one yet (then `get_locale` chooses)."""
    context = _cv_app.get(None)
    if context is None:
        return None
    babel_state = context.g.__dict__.get("_flask_babel")
    return getattr(babel_state, "babel_locale", None)


def current_language() -> str:
    """The page's language code ("zh_Hans", "en"). A page asks it for every lazily
    translated text it prints; Babel's str(Locale) rebuilds the identifier each time
    (8% of a queue page), and comparing two Locales is slow too, so the code is kept by
    the locale object's identity (the entry holds the object: its id is not reused while
    it is there), worked out once per request."""
    locale = _locale_in_force() or get_locale()
    known = _LANGUAGE_OF.get(id(locale))
    if known is not None and known[0] is locale:
        return known[1]
    if len(_LANGUAGE_OF) >= 64:
        _LANGUAGE_OF.clear()
    language = str(locale)
    _LANGUAGE_OF[id(locale)] = (locale, language)
    return language


@dataclass(frozen=True)
class Bilingual:
    """A name stored in both languages that renders in the language in force (e.g. in a
    message formatted with force_locale for the applicant)."""

    zh: str
    en: str

    def __str__(self) -> str:
        return self.en if current_language() == "en" and self.en else self.zh


@functools.cache
def _wtforms_catalog(language: str):
    from babel.support import Translations
    from wtforms.i18n import messages_path

    return Translations.load(messages_path(), [language], domain="wtforms")


class WTFormsMessages:
    """WTForms' own messages ("Not a valid choice.") in the page's language, each catalog
    read from disk once per process. Flask-WTF read and parsed it again on every request
    that made a form; it takes a catalog it finds on the request as this request's. The
    language is looked up when a message is needed, never earlier (a form's language
    switch may still change it)."""

    def ugettext(self, string):
        return _wtforms_catalog(current_language()).ugettext(string)

    def ungettext(self, singular, plural, n):
        return _wtforms_catalog(current_language()).ungettext(singular, plural, n)


WTFORMS_MESSAGES = WTFormsMessages()


_TRANSLATED: dict = {}


def lazy_texts_translated_once() -> None:
    """A lazily translated text without variables (a label, a hint, a choice) is looked
    up once per process and language. Flask-Babel's lookup (domain, catalog cache, locale,
    through several context proxies) cost ~25 µs each time, and a queue page renders ~70
    of them. A text with variables, or made by another function, is worked out as before."""
    from flask_babel import gettext
    from flask_babel.speaklater import LazyString

    def __str__(self):
        if self._func is gettext and not self._kwargs and len(self._args) == 1:
            key = (current_language(), self._args[0])
            text = _TRANSLATED.get(key)
            if text is None:
                if len(_TRANSLATED) >= 8192:
                    _TRANSLATED.clear()
                text = _TRANSLATED[key] = str(gettext(self._args[0]))
            return text
        return str(self._func(*self._args, **self._kwargs))

    LazyString.__str__ = __str__


def register(app: Flask) -> None:
    lazy_texts_translated_once()
    babel.init_app(app, locale_selector=select_locale, default_timezone=app.config["BABEL_DEFAULT_TIMEZONE"])
    app.register_blueprint(bp)

    @app.before_request
    def wtforms_messages_read_once():
        request.wtforms_translations = WTFORMS_MESSAGES
