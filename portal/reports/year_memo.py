"""The dashboard's year-to-date figures, remembered per app while no month changes.

Why: the reports home is opened many times a day and showed the same sums each time,
read afresh from the monthly summary (hundreds of rows turned into Decimals) or counted,
with a label and a queue link built for each.

A kind's numbers of a period are a function of its requests alone, whichever of its
months the summary holds (portal.reports.summary: a month is used stored only while it
is stored as it is). Every write that could change a figure bumps its month's `version`
when it commits (a month's first change makes its row), so a kind's months' row count
and sum of versions change with every such write; a run of `refresh-reports` that
stores a month changes its counted version and time. Each page reads those marks of
every kind in one small statement (`summary.kind_marks`), and then:
- `dashboard_sections` reuses each section's figures (label, number, link) made for the
  same marks of its kinds, period, language and root URL, if none is a figure of "now";
- else `remembered_numbers` reuses each kind's numbers remembered under the same marks
  and figure keys, and counts the other kinds as the annual report counts them (one
  statement for every kind's stored months, the rest live), then remembers them.

Never stale: the marks are read before the numbers, and a write commits its bump with
its rows, so numbers read after the marks are at least as new as the marks they are
remembered under; a later write changes the marks, and the next page counts again.
Figures of "now" (what is overdue, open follow-ups), the ratings and each section's own
list (not a request queue: adviser services, consultations by channel, archive use) are
not remembered: they are counted on every page. Nothing of a person is kept: sums per
kind and figure, their labels and queue links (which name no one). A database restored
under a running app should be followed by a restart, as for any other cache.
"""

from functools import partial
from threading import Lock

from flask import current_app, request

from portal.i18n import current_language
from portal.reports import summary
from portal.reports.compute import declared_parts, declared_sections, with_own_list
from portal.reports.measures import KindNumbers, Measure, numbers_with_totals
from portal.reports.period import Period
from portal.reports.results import SectionResult

#: The app's memo: (kind code, period) -> (the marks and keys counted at, the numbers).
#: One per app, as the database is (tests make an app per test on an emptied database).
MEMO_KEY = "portal.reports.year_memo"
#: The app's memo of the dashboard's sections:
#: {(period, language, root, section, its figures, its kinds' marks): the section's part}.
VIEWS_KEY = "portal.reports.year_memo.sections"
#: More periods than a dashboard asks for (one a day) are forgotten at once.
_MOST = 64
_LOCK = Lock()


def dashboard_sections(period: Period) -> list[SectionResult]:
    """The declared sections' figures of the period (no tables), as `compute_sections`
    counts them: each section's figures of the kinds' queues remembered with the numbers
    they show (in the page's language and under its root URL) while the marks of its own
    kinds stand, so a write makes only its kind's sections count again; each section's own
    list (not a request queue) counted now, as any figure of "now"."""
    sections = declared_sections()
    marks = summary.kind_marks(period.start, period.end)
    page = (period, current_language(), request.script_root)
    keys = [
        (
            *page,
            section.key,
            tuple(f.key for f in section.figures),
            tuple((code, marks.get(code)) for code in sorted({f.kind for f in section.figures})),
        )
        for section in sections
    ]
    remembered_of = current_app.extensions.setdefault(VIEWS_KEY, {})
    parts = [remembered_of.get(key) for key in keys]
    missing = [n for n, part in enumerate(parts) if part is None]
    if missing:
        counted = declared_parts(
            [sections[n] for n in missing], period, False, partial(remembered_numbers, marks=marks)
        )
        with _LOCK:
            if len(remembered_of) > _MOST:
                remembered_of.clear()
            for n, (part, live) in zip(missing, counted, strict=True):
                parts[n] = part
                if not live:  # a figure of "now" is counted on every page
                    remembered_of[keys[n]] = part
    return [
        with_own_list(part, section, period, False) for part, section in zip(parts, sections, strict=True)
    ]


def remembered_numbers(
    period: Period, measures_by_kind: dict[str, list[Measure]], marks: dict | None = None
) -> dict[str, KindNumbers]:
    """`numbers_with_totals`, from memory for each kind whose months did not change
    (`marks`: `summary.kind_marks` of the period, when read already)."""
    remembered_of = current_app.extensions.setdefault(MEMO_KEY, {})
    marks = summary.kind_marks(period.start, period.end) if marks is None else marks
    found: dict[str, KindNumbers] = {}
    missing: dict[str, list[Measure]] = {}
    signatures = {}
    for code, measures in measures_by_kind.items():
        keys = frozenset(key for m in measures for key in m.required_keys())
        signature = signatures[code] = (keys, marks.get(code))
        remembered = remembered_of.get((code, period))
        if remembered is not None and remembered[0] == signature:
            found[code] = remembered[1]
        else:
            missing[code] = measures
    if missing:
        counted = numbers_with_totals(period, missing)
        with _LOCK:
            if len(remembered_of) > _MOST:
                remembered_of.clear()
            for code, numbers in counted.items():
                remembered_of[(code, period)] = (signatures[code], numbers)
        found.update(counted)
    return found
