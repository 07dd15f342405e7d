"""The states of a mediation case (SPEC §12)."""

from enum import StrEnum


class MediationState(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    MEDIATING = "mediating"
    AGREEMENT = "agreement"
    FAILED = "failed"
    CLOSED = "closed"
    DECLINED = "declined"
    #: Accepted, but the other party refused or never agreed: mediation did not start
    #: (not "declined", which reads as "not accepted" after "accepted").
    NOT_AGREED = "not_agreed"
    WITHDRAWN = "withdrawn"
