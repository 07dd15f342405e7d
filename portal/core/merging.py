"""Closing a request as merged into another of the same kind (issue #27): staff's answer to
a probable duplicate. Its own closed state with a public reason, told to the applicant;
withdrawing stays the applicant's act. A kind adds `merged_state()` to its states,
`merge_transition(...)` to its transitions and `on_merge` as the effect of "merge"."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.core.forms import ActionForm
from portal.core.services import EVENT_COMMENT, load_by_reference
from portal.core.workflow import GuardFailed, State, Transition

MERGED = "merged"
MERGE = "merge"


class MergeForm(ActionForm):
    into = StringField(
        _l("Reference of the request it is merged into"),
        validators=[DataRequired(message=_l("Enter the reference of the other request.")), Length(max=40)],
    )
    reason = TextAreaField(
        _l("Reason, shown to the applicant"),
        validators=[
            DataRequired(message=_l("Say why, in words the applicant understands.")),
            Length(max=1000),
        ],
    )


def merged_state() -> State:
    return State(
        MERGED,
        _l("Merged into another request"),
        is_open=False,
        public_hint=_l("It is handled together with another request of yours: see the message."),
    )


def merge_transition(sources: frozenset[str], roles: frozenset[str]) -> Transition:
    return Transition(
        MERGE,
        sources,
        MERGED,
        _l("Close as merged into another request"),
        roles=roles,
        form=MergeForm,
        style="danger",
        notice=_l("%(reference)s is closed: it is handled together with %(into)s. %(reason)s"),
        done_message=_l("Closed as merged."),
    )


def on_merge(service_request, data, now) -> dict:
    """Check the other request (same kind, open, not this one) and name it."""
    into = (data.get("into") or "").strip().upper()
    other = load_by_reference(into) if into else None
    if (
        other is None
        or other.id == service_request.id
        or other.request_type != service_request.request_type
        or not other.is_open
    ):
        raise GuardFailed(_l("Merge only into another open request of the same kind: check the reference."))
    reason = data["reason"].strip()
    return {"into": other.reference, "reason": reason, EVENT_COMMENT: f"→ {other.reference}: {reason}"}
