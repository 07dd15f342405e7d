"""The states of a legal aid: one name each, used by the workflow, queries, templates and CLI."""

from enum import StrEnum


class LegalAidState(StrEnum):
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    NEEDS_MATERIALS = "needs_materials"
    APPROVED = "approved"
    ASSIGNED = "assigned"
    #: The lawyer submitted the closing report (结案); the officer reviews it.
    CLOSING = "closing"
    CLOSED = "closed"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    #: Closed by staff as merged into another application of the same person and matter.
    MERGED = "merged"
    #: Art. 48: aid ended by the centre.
    TERMINATED = "terminated"
    #: Art. 49: the applicant objected to a refusal or termination; the bureau reviews it.
    OBJECTION = "objection"
