"""Statements built once per app: a report page runs the same few statements on every
visit, and building one (its clauses through the ORM's operators) costs more than
running it. A statement's values either lie in its key (a period, a township) or are
bound parameters given at each run (`now`)."""

from collections.abc import Callable, Hashable

from flask import current_app

BUILT_KEY = "portal.reports.built"
#: More than a few pages' worth (periods × townships) are dropped at once.
_MOST = 256


def built_once(key: Hashable, build: Callable):
    """The statement `build()` made the first time `key` was asked for in this app."""
    built = current_app.extensions.setdefault(BUILT_KEY, {})
    if (statement := built.get(key)) is None:
        if len(built) >= _MOST:
            built.clear()
        statement = built[key] = build()
    return statement
