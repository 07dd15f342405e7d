"""The states of a adviser contact request: one name each, used by the workflow, queries, templates and CLI."""

from enum import StrEnum


class ContactState(StrEnum):
    SUBMITTED = "submitted"
    ASSIGNED = "assigned"
    ANSWERED = "answered"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
