"""What a view declares about its page: shareable (no personal data) or with a quick exit.

Pages are private by default: every response is `Cache-Control: no-store` unless its view
is marked `public_page`, so a new page that shows a person's data can never be cached by
forgetting a list entry (SPEC §13).
"""

from collections.abc import Callable

from flask import current_app, g, request, session

PUBLIC_PAGE = "portal_public_page"
QUICK_EXIT = "portal_quick_exit"


def public_page(view: Callable) -> Callable:
    """Mark a view whose page carries no personal data and no per-person form."""
    setattr(view, PUBLIC_PAGE, True)
    return view


def quick_exit(view: Callable) -> Callable:
    """Mark a view whose page needs the quick exit (someone may be watching the screen)."""
    setattr(view, QUICK_EXIT, True)
    return view


def _current_view() -> Callable | None:
    return current_app.view_functions.get(request.endpoint or "")


def is_public_page(endpoint: str | None = None) -> bool:
    """True for static files and views marked public_page."""
    endpoint = endpoint if endpoint is not None else request.endpoint
    if endpoint == "static":
        return True
    return bool(getattr(current_app.view_functions.get(endpoint or ""), PUBLIC_PAGE, False))


def has_quick_exit() -> bool:
    """A view marked quick_exit, an applicant's page about a request whose kind declares
    it for that request (e.g. a family-topic booking's confirmation), or any public page of
    a capability whose request kind declares `quick_exit=True` (its staff areas excepted)."""
    if getattr(_current_view(), QUICK_EXIT, False):
        return True
    shown = g.get("shown_request")  # an applicant's page about one request (confirmation, decision)
    if shown is not None:
        from portal.core.registry import kind_of

        if request_has_quick_exit(kind_of(shown), shown):
            return True
    return endpoint_has_quick_exit(request.endpoint or "")


def endpoint_has_quick_exit(endpoint: str) -> bool:
    """The page of this endpoint has the quick exit: its view is marked, or its capability's
    request kind declares `quick_exit=True` (staff areas excepted)."""
    from portal.core.registry import capabilities

    if getattr(current_app.view_functions.get(endpoint), QUICK_EXIT, False):
        return True
    blueprint = endpoint.rpartition(".")[0]
    return bool(blueprint) and any(
        blueprint in {bp.name for bp in capability.blueprints}
        and blueprint not in (capability.staff_areas or {})
        for capability in capabilities()
        if any(kind.quick_exit is True for kind in capability.kinds)
    )


def request_has_quick_exit(kind, request_obj) -> bool:
    """Whether a request's own pages (tracking) carry the quick exit: the kind declares it
    for all its requests (True) or for some (a function of the request, e.g. family topics)."""
    declared = kind.quick_exit
    return bool(declared(request_obj)) if callable(declared) else bool(declared)


#: How long a browser or a shared cache may keep a visitor's public page without asking.
PUBLIC_MAX_AGE = 60


def share_if_anonymous(response):
    """Let caches keep a public page that is the same for every visitor who sees it.

    Called for public pages seen by a visitor who is not signed in. The page is shared
    only when nothing in it or around it belongs to this browser: the session stayed
    empty and untouched (no CSRF token was made, no flash message was shown or left),
    and the response sets no cookie. `Vary: Cookie` keeps a language choice (or any
    other cookie) from being answered with someone else's copy. The ETag answers a
    repeat visit with 304 Not Modified.
    """
    if (
        request.method not in ("GET", "HEAD")
        or response.status_code != 200
        or session.modified
        or session.accessed
        and bool(session)
        or response.headers.get("Set-Cookie")
        or response.direct_passthrough
    ):
        return response
    response.vary.add("Cookie")
    response.cache_control.public = True
    response.cache_control.max_age = PUBLIC_MAX_AGE
    response.add_etag()
    return response.make_conditional(request)
