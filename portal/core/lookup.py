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


def _model_of(prefix: str):
    """The request type whose code a reference starts with (`LA-2026-000001`: legal aid),
    or None. Not cached: the prefix comes from the address typed, and a cache keyed by it
    would grow with every made-up reference (a dictionary lookup is all it costs)."""
    mapper = ServiceRequest.__mapper__.polymorphic_map.get(prefix)
    return mapper.class_ if mapper is not None else None


def load_by_reference(reference: str) -> ServiceRequest | None:
    """Return the request with this reference (any type), or None.

    Its type's own columns come in the same statement: loaded later, on the first use of
    one, they cost a second statement and SQLAlchemy's slower path for expired attributes
    on every tracking and detail page. The type is read from the reference's prefix (its
    code, `core.services.next_reference`), so the statement joins that type's table only:
    the outer join of every type's table took PostgreSQL 4-5 ms to plan on each tracking
    and detail page, ten times its running. A reference not found under its prefix's type
    is looked for under every type, so no request is missed."""
    wanted = normalise_reference(reference)
    model = _model_of(wanted.split("-", 1)[0])
    if model is not None:
        found = db.session.scalar(_by_reference(model), {"reference": wanted})
        if found is not None:
            return found
    return db.session.scalar(_by_reference(None), {"reference": wanted})


@functools.cache
def _by_reference(model):
    """The statement for one type (`model`) or any (None), built once: with every type's
    table it cost more to build than to run."""
    entity = _any_type() if model is None else model
    return (
        select(entity)
        .where(entity.reference == bindparam("reference"))
        # The handler comes joined for its name; its roles (a statement of their own) only
        # when something reads them.
        .options(defaultload(entity.handler).lazyload("*"))
    )
