"""The states of a written question (SPEC §14)."""

from enum import StrEnum


class QuestionState(StrEnum):
    SUBMITTED = "submitted"
    ANSWERED = "answered"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
