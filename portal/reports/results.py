"""What a report shows: figures (`Count`), tables drawn as charts (`Table`) and a section's
result; made by portal.reports.compute and by capabilities' own report sections."""

from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext


@dataclass
class Count:
    """One figure of the report: its label, value, the queue link, and optional share/total."""

    label: str
    #: A count, or a median (None when there was nothing to take it of).
    value: int | float | None
    url: str | None = None
    share: float | None = None
    total: Decimal | None = None
    total_label: str | None = None
    #: For a median: how many requests it was taken over (what its link lists).
    of: int | None = None
    #: Counting stopped at `value` (shown "1000+", as a queue's tab).
    capped: bool = False


@dataclass
class Table:
    """Rows drawn as a chart beside their table: "bars" (shares) or "columns" (a trend)."""

    key: str
    title: str
    rows: list[Count]
    chart: str = "bars"
    #: Column headings of the value and the share (e.g. "Ratings", "Satisfaction rate").
    value_label: str = ""
    share_label: str = ""


@dataclass
class SectionResult:
    key: str
    title: str
    figures: list[Count] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def section_words() -> dict[str, str]:
    """The headings and the empty-table line of every section (templates/reports/_section.html),
    translated once per page, not once per section."""
    return {
        "figure": gettext("Figure"),
        "number": gettext("Number"),
        "share": gettext("Share"),
        "item": gettext("Item"),
        "nothing": gettext("Nothing to count in this period."),
    }
