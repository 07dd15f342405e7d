"""Declarative status machines: each request type lists its states and transitions once."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import LazyString


class WorkflowError(Exception):
    """Base of the errors a transition can raise; views turn them into HTTP answers."""

    status_code = 400


class IllegalTransition(WorkflowError):
    """The action is not allowed from the request's current state (HTTP 409)."""

    status_code = 409


class NotPermitted(WorkflowError):
    """The actor may not take this action on this request (HTTP 403)."""

    status_code = 403


class ConcurrentChange(WorkflowError):
    """Someone else changed the request first (HTTP 409)."""

    status_code = 409


class GuardFailed(WorkflowError):
    """The transition is declared but a rule forbids it now (e.g. too late to cancel)."""

    status_code = 409

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class State:
    """One state of a request type; closed states leave the open queues."""

    name: str
    label: LazyString
    is_open: bool = True
    #: What the applicant reads about this state on the tracking page.
    public_hint: LazyString | None = None


#: Who may take a transition: staff, the applicant, another party of the request, the system.
STAFF, APPLICANT, PARTY, SYSTEM = "staff", "applicant", "party", "system"
#: Whom an event is addressed to (AuditEvent.audience): APPLICANT, PARTY, both sides, or STAFF only.
BOTH = "both"


@dataclass(frozen=True)
class Transition:
    """An allowed move from one of `sources` to `target`, taken by `actor`."""

    action: str
    sources: frozenset[str]
    target: str
    label: LazyString
    actor: str = STAFF
    #: Staff roles that may take it (supervisors may always act on staff transitions).
    roles: frozenset[str] = frozenset()
    #: Staff must be the request's handler (supervisors excepted).
    handler_only: bool = True
    #: Participants (e.g. the assigned lawyer) may take it too.
    participant_may: bool = False
    #: A public transition appears in the applicant's timeline and inbox (and in the other
    #: party's, when it has a `party_notice`: see `audience`).
    public: bool = True
    #: Message to the applicant; %(reference)s and the effect's variables are filled in.
    notice: LazyString | None = None
    #: Message to the request's other parties (each in their language), when it concerns them.
    party_notice: LazyString | None = None
    #: () -> how long the notice waits before it is texted (an undo window, e.g. a no-show
    #: recorded by mistake); the undo's effect withdraws it (notifications.withdraw).
    notice_delay: Callable[[], Any] | None = None
    #: What staff must know before taking it (e.g. a rule of law), shown above its form.
    staff_hint: LazyString | None = None
    #: Staff read the exact message the applicant will get before sending it: the form's
    #: button shows it first (services.preview_notice), a second press sends.
    preview: bool = False
    #: A WTForms form class with the extra input the action needs, or None.
    form: type | None = None
    #: "danger" renders the button as a warning (refuse, withdraw).
    style: str = "primary"
    #: (request, now) -> a message why the transition is not possible now, or None.
    guard: Callable[..., Any] | None = None
    #: An applicant's (or party's) action that cannot be undone is asked for once more on
    #: a page of its own (a GET that changes nothing, then the POST), so one tap never
    #: destroys. None: ask when the action is styled "danger" (withdraw, cancel, end).
    confirm: bool | None = None
    #: The confirmation page's question, e.g. "Cancel your booking?" (None: a generic one).
    confirm_question: LazyString | None = None
    #: What the confirmation page says will happen, in plain words.
    confirm_hint: LazyString | None = None
    #: The message once done, in plain words ("Your booking has been cancelled.").
    done_message: LazyString | None = None

    @property
    def needs_confirmation(self) -> bool:
        """True when the applicant or party confirms on a page of its own first."""
        if self.actor not in (APPLICANT, PARTY):
            return False
        return self.style == "danger" if self.confirm is None else self.confirm

    @property
    def audience(self) -> str:
        """Whom its event is addressed to: staff only when it is not public; both sides
        when it concerns the other party (it tells them); else the applicant."""
        if not self.public:
            return STAFF
        return BOTH if self.party_notice else APPLICANT


@dataclass
class Workflow:
    """The states and transitions of one request type.

    `effects` maps an action to a function (request, form_data, context) that applies
    the type's own consequences (deadlines, lawyer, reasons) and returns extra variables
    for the notice text.
    """

    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    initial: str
    #: Action taken automatically when staff claim a request in one of its source states.
    on_claim: str | None = None
    #: Message to the applicant when the request is received.
    submitted_notice: LazyString | None = None
    effects: dict[str, Callable[..., dict[str, Any] | None]] = field(default_factory=dict)
    #: The usual way through, shown to the applicant as progress steps. Undeclared: the
    #: states declared before the first closed one, and that one.
    main_path: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self._states = {s.name: s for s in self.states}
        self._transitions = {t.action: t for t in self.transitions}
        if self.initial not in self._states:
            raise ValueError(f"initial state {self.initial!r} is not declared")
        for t in self.transitions:
            undeclared = (set(t.sources) | {t.target}) - set(self._states)
            if undeclared:
                raise ValueError(f"transition {t.action!r} names undeclared states {undeclared}")
        if self.on_claim and self.on_claim not in self._transitions:
            raise ValueError(f"on_claim names unknown action {self.on_claim!r}")
        if set(self.main_path) - set(self._states):
            raise ValueError(f"main_path names undeclared states {set(self.main_path) - set(self._states)}")
        if not self.main_path:
            first_closed = next(i for i, s in enumerate(self.states) if not s.is_open)
            self.main_path = tuple(s.name for s in self.states[: first_closed + 1])

    def state(self, name: str) -> State:
        return self._states[name]

    def has_state(self, name: str) -> bool:
        return name in self._states

    def transition(self, action: str) -> Transition | None:
        return self._transitions.get(action)

    def from_state(self, status: str, actor: str | None = None) -> list[Transition]:
        """Transitions allowed from a state, optionally only those of one kind of actor."""
        return [t for t in self.transitions if status in t.sources and (actor is None or t.actor == actor)]

    @property
    def open_states(self) -> list[str]:
        return [s.name for s in self.states if s.is_open]

    @property
    def closed_states(self) -> list[str]:
        return [s.name for s in self.states if not s.is_open]
