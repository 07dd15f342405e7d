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
    WITHDRAWN = "withdrawn"
