"""Receiving a dispute: the case and its other party, from typed values."""

from dataclasses import dataclass, field

from portal.core.clock import utcnow
from portal.core.models import RequestParty
from portal.core.services import submit
from portal.mediation.models import MediationCase


@dataclass(frozen=True)
class Dispute:
    """What an applicant (or staff at the counter) gives to ask for mediation."""

    applicant_name: str
    mobile: str | None  # normalised, 11 digits; None when staff registered someone without one
    township_id: int
    other_name: str
    dispute_type: str
    facts: str
    claims: str
    in_court: bool
    other_mobile: str | None = None
    other_address: str | None = None
    applicant_address: str | None = None
    preferred_mediator_id: int | None = None
    channel: str = "online"
    #: A referred case's body, document, court case number and deadline (channels.py).
    referral: dict = field(default_factory=dict)
    #: The applicant read the rights and duties, and chose non-public (True) or public.
    rights_read: bool = False
    applicant_private: bool | None = None


def receive(dispute: Dispute, *, user=None, entered_by=None, locale: str = "zh_Hans") -> MediationCase:
    """Record the case with the other party (told nothing until the committee accepts)."""
    case = MediationCase(
        **dispute.referral,
        applicant_rights_read_at=utcnow() if dispute.rights_read else None,
        applicant_private=dispute.applicant_private,
        applicant_name=dispute.applicant_name,
        applicant_mobile=dispute.mobile,
        applicant_address=dispute.applicant_address,
        township_id=dispute.township_id,
        dispute_type=dispute.dispute_type,
        facts=dispute.facts,
        claims=dispute.claims,
        in_court=dispute.in_court,
        preferred_mediator_id=dispute.preferred_mediator_id,
        channel=dispute.channel,
        entered_by_id=getattr(entered_by, "id", None),
    )
    # The other party reads messages in the applicant's language until they choose their own.
    case.parties.append(
        RequestParty(
            name=dispute.other_name, mobile=dispute.other_mobile, address=dispute.other_address, locale=locale
        )
    )
    return submit(case, user=user, locale=locale)
