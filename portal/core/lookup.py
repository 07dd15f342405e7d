"""Finding a request by its reference, of any type, with its type's own columns."""

import functools
import re
import unicodedata

from sqlalchemy import bindparam, select
from sqlalchemy.orm import defaultload, with_polymorphic

from portal.core.models import ServiceRequest
from portal.extensions import db


def normalise_reference(typed: str) -> str:
    """A reference as stored, from however it was typed (SPEC §2): with or without dashes
    or spaces, any case, full-width characters: "la2026000001" -> "LA-2026-000001"."""
    compact = "".join(c for c in unicodedata.normalize("NFKC", typed or "") if c.isalnum()).upper()
    if re.fullmatch(r"[A-Z]{2,4}\d{10}", compact):
        return f"{compact[:-10]}-{compact[-10:-6]}-{compact[-6:]}"
    return (typed or "").strip().upper()


@functools.cache
def _any_type():
    return with_polymorphic(ServiceRequest, "*")


def load_by_reference(reference: str) -> ServiceRequest | None:
    """Return the request with this reference (any type), or None.

    Its type's own columns come in the same statement (an outer join of each type's table
    on the key): loaded later, on the first use of one, they cost a second statement and
    SQLAlchemy's slower path for expired attributes on every tracking and detail page."""
    return db.session.scalar(_by_reference(), {"reference": normalise_reference(reference)})


@functools.cache
def _by_reference():
    """The statement, built once (with every type's table it cost more to build than to run)."""
    request_any_type = _any_type()
    return (
        select(request_any_type)
        .where(request_any_type.reference == bindparam("reference"))
        # The handler comes joined for its name; its roles (a statement of their own) only
        # when something reads them.
        .options(defaultload(request_any_type.handler).lazyload("*"))
    )
