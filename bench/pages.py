"""The pages the benchmark loads, found from the running deployment's capabilities.

    python bench/pages.py        # with DATABASE_URL etc. set: prints the pages as JSON

Run by bench/run.py in a subprocess (the portal's environment, not the benchmark's), and
imported by bench/profile.py. Public pages: home, the directory search in characters and
in pinyin, each capability's public request form (its home card's start page), the
booking slot page of the first service point, the tracking page of a demo request. Staff
pages: each request type's queue, page 1, and a request detail. The deep queue page is
added by run.py from the filled table.
"""

import json
import sys
from dataclasses import asdict, dataclass
from datetime import timedelta
from urllib.parse import quote

#: Who loads the page: a visitor, the signed-in officer, or a visitor who has found a
#: request on /track (its session remembers the request).
PUBLIC, STAFF, TRACKER = "public", "staff", "tracker"


@dataclass
class Page:
    label: str
    path: str
    audience: str
    #: Text the page must contain (proves it is the real page, not an error or a sign-in).
    marker: str = ""
    #: For the tracking page: the reference and mobile that /track takes.
    track: tuple[str, str] | None = None


def discover() -> list[Page]:
    """Inside an app context: the pages of this deployment, from its registry."""
    from flask import url_for
    from sqlalchemy import select

    from portal.core.clock import local_today
    from portal.core.models import ServiceRequest
    from portal.core.registry import all_kinds, capabilities
    from portal.extensions import db

    pages = [
        Page("home /", "/", PUBLIC, "12348"),
        Page("directory search 星沙", "/advisers/?q=" + quote("星沙"), PUBLIC, "星沙"),
        Page("directory search xingsha", "/advisers/?q=xingsha", PUBLIC, "星沙"),
    ]
    for capability in capabilities():
        card = capability.home_card
        if card and card.start_endpoint:
            pages.append(Page(f"form {capability.name}", url_for(card.start_endpoint), PUBLIC, "<form"))
    if any(c.name == "consultations" for c in capabilities()):
        from portal.consultations.models import ServicePoint

        point = db.session.scalars(select(ServicePoint.id).order_by(ServicePoint.id)).first()
        if point is not None:
            day = local_today() + timedelta(days=1)
            pages.append(
                Page("booking slots", f"/consultations/book?point={point}&date={day}", PUBLIC, "<form")
            )
    tracked = db.session.execute(
        select(ServiceRequest.reference, ServiceRequest.applicant_mobile)
        .where(ServiceRequest.applicant_mobile.is_not(None), ServiceRequest.request_type == "LA")
        .order_by(ServiceRequest.id)
        .limit(1)
    ).first()
    if tracked is not None:
        pages.append(
            Page(
                "tracking result",
                f"/track/{tracked.reference}",
                TRACKER,
                tracked.reference,
                track=(tracked.reference, tracked.applicant_mobile),
            )
        )
    for kind in all_kinds():
        pages.append(Page(f"queue {kind.slug} page 1", f"/staff/queue/{kind.slug}?tab=open", STAFF, ""))
    return pages


def main() -> int:
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))
    from portal import create_app

    app = create_app()
    with app.test_request_context("/"):
        print(json.dumps([asdict(p) for p in discover()], ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
