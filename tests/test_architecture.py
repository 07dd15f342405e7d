"""The code a newcomer can live in (issue #38): modules with one job, no hidden hooks from a
capability, and a core that imports nothing above it (the import contracts: `make lint`)."""

import subprocess
import sys
from pathlib import Path

PORTAL = Path(__file__).resolve().parents[1] / "portal"
#: The check fails above this; STYLE asks for about 300 lines.
MODULE_LINE_LIMIT = 400


def test_no_capability_adds_an_app_wide_context_processor(app):
    """Only the core's site furniture is given to every page; a capability's labels reach
    its own blueprints and the shared pages that include its partials (the declared
    `template_context`). Mutant seen red: `@bp.app_context_processor` put back on
    legal aid's labels."""
    app_wide = app.template_context_processors[None]
    foreign = [f"{f.__module__}.{f.__qualname__}" for f in app_wide if f.__module__.startswith("portal.")]
    assert all(name.startswith("portal.templating.") for name in foreign), foreign


def test_a_capability_s_labels_reach_its_pages_and_the_shared_pages_only(app):
    """Its own blueprint's pages and the shared tracking and detail pages get them (through
    the declaration); no other page does."""
    from portal.core.registry import capabilities

    legal_aid = next(c for c in capabilities() if c.name == "legal_aid")
    assert legal_aid.template_context is not None and "la_labels" in legal_aid.template_context()
    for blueprint in legal_aid.blueprints:
        assert legal_aid.template_context in app.template_context_processors[blueprint.name]
    others = {
        name
        for name, processors in app.template_context_processors.items()
        if name and legal_aid.template_context in processors
    }
    assert others == {b.name for b in legal_aid.blueprints}


def test_no_module_of_the_portal_is_over_the_limit():
    """Mutant seen red: accounts/views.py before the split (535 lines)."""
    long = {
        str(path.relative_to(PORTAL)): n
        for path in PORTAL.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_LINE_LIMIT
    }
    assert not long, f"split by job (STYLE: ~300 lines): {long}"


def test_the_core_depends_on_nothing_above_it():
    """The import contracts of pyproject.toml (also run by `make lint`)."""
    lint = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run([str(lint)], cwd=PORTAL.parent, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]


def test_no_listener_on_sqlalchemy_s_session_class():
    """The report's month tracking listens on the portal's own session (registered by the
    app), never on the Session class of the whole process. Mutant seen red: the listeners
    of portal/reports/changes.py decorated with `@event.listens_for(Session, ...)` again."""
    import re

    pattern = re.compile(r"(listens_for|event\.listen)\(\s*Session\b")
    found = [
        str(p.relative_to(PORTAL))
        for p in PORTAL.rglob("*.py")
        if pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert not found, found


def test_the_report_months_are_tracked_on_the_portal_s_session_only(app):
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from portal.extensions import db
    from portal.reports.changes import _note_changed_months

    assert event.contains(db.session, "before_flush", _note_changed_months)
    assert not event.contains(Session, "before_flush", _note_changed_months)


def test_kind_names_only_a_request_kind(app):
    """Issue #38: "kind" is a request kind; no table has a column called kind (or
    *_kind), and no enumeration is named *Kind but RequestKind."""
    import enum

    import portal.models  # noqa: F401  (every installed model)
    from portal.extensions import db

    columns = [
        f"{table.name}.{column.name}"
        for table in db.metadata.tables.values()
        for column in table.columns
        if column.name == "kind" or column.name.endswith("_kind")
    ]
    assert columns == []
    enums = [
        f"{module.__name__}.{name}"
        for module in list(sys.modules.values())
        if getattr(module, "__name__", "").startswith("portal.")
        for name, value in vars(module).items()
        if isinstance(value, type) and issubclass(value, enum.Enum) and name.endswith("Kind")
    ]
    assert enums == []


def test_no_capability_or_feature_package_adds_an_app_wide_template_global(app):
    """Every page's template names are the site furniture's (portal.templating, with the
    core's clock and registry look-ups and the field cache); a feature's, and the staff
    pages' own, reach their pages by being passed (the rating panel: by the tracking view;
    the outbox's labels and a request's undelivered messages: by the outbox page and the
    detail view). Mutants seen red: `@bp.app_template_global()` put back on ratings'
    rating_panel, and on the outbox's undelivered_messages."""
    foreign = {
        name: value.__module__
        for name, value in app.jinja_env.globals.items()
        if callable(value)
        and getattr(value, "__module__", "").startswith("portal.")
        and not value.__module__.startswith(
            ("portal.templating", "portal.field_html", "portal.core.", "portal.i18n")
        )
    }
    assert not foreign, foreign
