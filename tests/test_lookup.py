"""Finding a request by its reference (portal.core.lookup): one statement that joins only
its own type's table, found however typed, and never missed when its prefix misleads."""

from statement_count import counted_statements

from portal.core.lookup import load_by_reference
from portal.extensions import db
from portal.legal_aid.models import LegalAidApplication


def test_a_reference_is_read_with_its_own_type_only(make_application):
    """The outer join of every type's table took PostgreSQL 4-5 ms to plan on each tracking
    and detail page. Red with the every-type statement (it names mediation_case)."""
    reference = make_application().reference
    db.session.expire_all()
    with counted_statements(db.engine) as sent:
        found = load_by_reference(reference.lower().replace("-", " "))
        assert found.applicant_name and found.matter_type is not None  # its type's own columns, loaded
    assert isinstance(found, LegalAidApplication) and found.reference == reference
    assert len(sent) == 1, sent
    assert "legal_aid_application" in sent[0] and "mediation_case" not in sent[0]


def test_a_reference_whose_prefix_is_not_its_type_is_still_found(make_application):
    """A reference typed by hand or imported under another prefix: looked for under every
    type after its prefix's type answered nothing."""
    application = make_application()
    application.reference = "CB-2026-424242"  # a consultation's prefix on a legal aid request
    db.session.commit()
    db.session.expire_all()
    found = load_by_reference("CB-2026-424242")
    assert isinstance(found, LegalAidApplication) and found.id == application.id
    assert load_by_reference("XX-2026-000001") is None and load_by_reference("") is None


def test_made_up_references_leave_no_cache_behind(app):
    """The reference comes from the address typed (/track/<reference>): nothing kept per
    reference or prefix may grow with made-up ones (a memory leak a visitor could drive).
    Red with the prefix's type lookup cached by `functools.cache`."""
    import portal.core.lookup as lookup

    for n in range(200):
        assert load_by_reference(f"Z{n}X-2026-{n:06d}") is None
    caches = [f for f in vars(lookup).values() if hasattr(f, "cache_info")]
    assert caches  # the statements are built once
    for cached in caches:
        assert cached.cache_info().currsize <= 10, cached
