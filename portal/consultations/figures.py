"""Consultation bookings in the reports (SPEC §7): counted by appointment date, each figure
a selection of the bookings queue (its states and its point and topic filters)."""

from flask_babel import lazy_gettext as _l

from portal.consultations.states import BookingState as S
from portal.core.contract import Breakdown, Figure, ReportSection


def report_sections() -> tuple[ReportSection, ...]:
    return (
        ReportSection(
            "consultations",
            _l("Consultations"),
            figures=(
                Figure("booked", _l("Consultations booked"), "CB"),
                Figure("attended", _l("Attended"), "CB", status=S.COMPLETED, share_of="booked"),
                Figure("no_show", _l("Missed (no-show)"), "CB", status=S.NO_SHOW, share_of="booked"),
                Figure("cancelled", _l("Cancelled"), "CB", status=S.CANCELLED, share_of="booked"),
                # Neither cancelled nor missed: the office closed their time (and they have not
                # chosen another yet).
                Figure(
                    "office_closed",
                    _l("Closed by the office"),
                    "CB",
                    status=S.OFFICE_CLOSED,
                    share_of="booked",
                ),
                # ... and those who chose none within the days allowed (closed for good).
                Figure(
                    "office_closed_lapsed",
                    _l("Closed by the office, no new time chosen"),
                    "CB",
                    status=S.OFFICE_CLOSED_LAPSED,
                    share_of="booked",
                ),
            ),
            breakdowns=(
                Breakdown("topics", _l("Consultations by topic"), "CB", "topic"),
                Breakdown("points", _l("Consultations by service point"), "CB", "point"),
            ),
            trend_kind="CB",
        ),
    )
