"""The states of an enterprise legal health check (SPEC §5)."""

from enum import StrEnum


class HealthCheckState(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    TEAM_ASSIGNED = "team_assigned"
    SCHEDULED = "scheduled"
    IN_REVIEW = "in_review"
    REPORT_PUBLISHED = "report_published"
    FOLLOW_UP_REQUESTED = "follow_up_requested"
    FOLLOW_UP_SCHEDULED = "follow_up_scheduled"
    CLOSED = "closed"
    DECLINED = "declined"
    CANCELLED = "cancelled"
