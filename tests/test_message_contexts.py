"""A word that means different things on different pages carries a context (SPEC §12):
every message id used in two or more files of the code and templates either has a
context (`pgettext`, `lazy_pgettext`, `{{ pgettext('ctx', 'msg') }}`) or is on the
reviewed allow-list below, of words that mean the same thing wherever they appear.

A new shared message id fails this test: give it a context where its meaning differs
(`"What happened"` is a dispute's account on a mediation form, and a breach of the
lawyers' pledge on a health-check report: "纠纷经过" there was wrong), or add it to
the list once you have checked that every use means the same thing.
"""

from collections import defaultdict

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

from portal.config import PROJECT_ROOT

KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_pgettext": ((1, "c"), 2)}
METHODS = [("portal/**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"trimmed": "true"}}


def shared_message_ids() -> dict[str, set[str]]:
    """{msgid: files} of the message ids without a context used in two or more files."""
    places: dict[str, set[str]] = defaultdict(set)
    for filename, _line, message, _comments, context in extract_from_dir(
        str(PROJECT_ROOT), METHODS, OPTIONS, KEYWORDS
    ):
        if context is None:
            msgid = message[0] if isinstance(message, tuple) else message
            if msgid:
                places[msgid].add(filename)
    return {msgid: files for msgid, files in places.items() if len(files) > 1}


#: Reviewed: each means the same thing in every file that uses it.
SAME_EVERYWHERE = frozenset()


#: Words whose meaning differs by page: they must only ever be used with a context.
AMBIGUOUS = ("What happened",)


def test_every_shared_message_id_has_a_context_or_is_reviewed():
    """Mutant caught: the breach box's label back to a bare `_l("What happened")` (seen red)."""
    shared = shared_message_ids()
    unreviewed = sorted(set(shared) - SAME_EVERYWHERE)
    assert not unreviewed, "shared without a context: " + "; ".join(
        f"{m!r} in {sorted(shared[m])}" for m in unreviewed[:10]
    )
    assert not [m for m in AMBIGUOUS if m in shared]
