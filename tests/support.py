"""Shared test data: importable as `support` from any test module."""

import re

from portal.extensions import db

PASSWORD = "correct-horse-battery"
VALID_ID = "430121199001011237"


def application_form(**overrides) -> dict:
    """Form data of a complete, valid legal aid application."""
    from portal.core.models import Township

    township = db.session.scalars(db.select(Township).order_by(Township.sort_order)).first()
    data = {
        "applicant_name": "周建国",
        "id_number": VALID_ID,
        "mobile": "139 0000 0011",
        "address": "长沙县星沙街道某小区 1 栋",
        "township": str(township.id),
        "applying_for": "self",
        "relation": "",
        "represented_name": "",
        "represented_id_number": "",
        "matter_type": "labour",
        "stage": "arbitration",
        "handling_authority": "arbitration",
        "case_place": "here",
        "case_place_name": "",
        "opposing_party": "某建筑公司",
        "facts": "在工地务工八个月，包工头拖欠工资共计三万六千元，多次讨要未果。",
        "counsel_retained": "no",
        "claim_exemption": "none",
        "means_waiver": "none",
        "household_size": "3",
        "monthly_income": "2400",
        "pledge": "y",
        "consent": "y",
    }
    data.update(overrides)
    if "matter_kind" not in overrides:  # the kind of matter asked before it (issue #30)
        from portal.legal_aid.matters import ADMINISTRATIVE_MATTERS, CRIMINAL_MATTERS

        matter = data.get("matter_type")
        data["matter_kind"] = (
            "criminal"
            if matter in CRIMINAL_MATTERS
            else "administrative"
            if matter in ADMINISTRATIVE_MATTERS
            else "civil"
        )
    # A stage and a handler that fit the kind, unless the test says which.
    fitting = {"administrative": ("pre_litigation", "none"), "criminal": ("investigation", "police")}
    if data["matter_kind"] in fitting:
        stage, handler = fitting[data["matter_kind"]]
        if "stage" not in overrides:
            data["stage"] = stage
        if "handling_authority" not in overrides:
            data["handling_authority"] = handler
    return {k: v for k, v in data.items() if v is not None}


def open_for_booking(start, hours_ahead: float = 24):
    """Make the local day of a test slot's start (naive UTC) one the booking pages offer,
    whatever today is: a statutory or official day off becomes a working day entered by
    staff (the bureau opens that day). Returns `start`. A start meant to be too near to
    book (under 2 hours ahead) is left alone."""
    from sqlalchemy import select

    from portal.consultations.slots import MIN_HOURS_AHEAD
    from portal.core.clock import to_local
    from portal.core.deadlines import WorkCalendar
    from portal.core.models import Holiday

    day = to_local(start).date()
    if hours_ahead >= MIN_HOURS_AHEAD and day in WorkCalendar.load(day, day).days_off:
        row = db.session.scalar(select(Holiday).where(Holiday.day == day))
        if row is None:
            db.session.add(Holiday(day=day, name="开放日 open day", is_workday=True, source="staff"))
        else:
            row.is_workday, row.source = True, "staff"
        db.session.flush()
    return start


def every_apply_page(client, applying_for: str = "guardian") -> str:
    """The HTML of every question page of the legal aid application, in order (someone
    applying for another person, so that the pages about that person are asked too)."""
    from portal.legal_aid.apply_pages import PAGES

    html = client.get("/legal-aid/apply").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    client.post("/legal-aid/apply/who", data={"applying_for": applying_for, "csrf_token": token})
    pages = [client.get(f"/legal-aid/apply/{page.name}") for page in PAGES.pages]
    return "\n".join(page.get_data(as_text=True) for page in pages)
