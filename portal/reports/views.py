"""The supervisor's dashboard, the annual report and its Excel file (supervisors, admins)."""

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext, pgettext

from portal.core.clock import local_today, utcnow
from portal.core.documents import Percent, Sheet, xlsx_response
from portal.ratings.report import ratings_section
from portal.reports.compute import compute_sections, declared_sections, without_jit
from portal.reports.now import overdue_now, workload_now
from portal.reports.period import Period, period_form
from portal.reports.results import section_words
from portal.reports.year_memo import dashboard_sections

#: Supervisors and admins only: the staff guard reads CORE_STAFF_AREAS["reports"].
bp = Blueprint("reports", __name__, url_prefix="/staff/reports")


def full_report(period: Period) -> list:
    """Every section: each capability's declared figures, then ratings, overdue and workload."""
    without_jit()
    return [
        *compute_sections(declared_sections(), period),
        ratings_section(period),
        overdue_now(period),
        workload_now(period),
    ]


@bp.get("/")
def dashboard():
    """This year so far at a glance: each service's main figures, what is overdue, follow-ups."""
    period = Period.year_to_date()
    without_jit()
    sections = dashboard_sections(period)
    return render_template(
        "reports/dashboard.html",
        period=period,
        sections=sections,
        ratings=ratings_section(period),
        overdue=overdue_now(period, cap=current_app.config["QUEUE_COUNT_CAP"]),
        last_year=local_today().year - 1,
        words=section_words(),
    )


@bp.get("/annual")
def annual():
    """The report for any month range (up to 5 years) and township."""
    form = period_form()
    if not form.validate():
        return render_template("reports/annual.html", form=form, sections=None, period=None), 400
    period = form.period()
    return render_template(
        "reports/annual.html",
        form=form,
        period=period,
        sections=full_report(period),
        words=section_words(),
        export_args={k: v for k, v in request.args.items() if k in ("start", "end", "township")},
    )


@bp.get("/annual.xlsx")
def annual_xlsx():
    """The same report as an Excel workbook: one sheet per section, real numbers and shares."""
    form = period_form()
    if not form.validate():
        return render_template("reports/annual.html", form=form, sections=None, period=None), 400
    period = form.period()
    township = next((str(c.label) for c in form.township.choices if c.value == period.township), "")
    about = Sheet(
        pgettext("annual report", "Report"),
        [gettext("Item"), gettext("Value")],
        [
            [gettext("From"), period.start],
            [gettext("To"), period.end],
            [gettext("Township"), township],
            [gettext("Made at"), utcnow()],
        ],
    )
    sheets = [about, *(_sheet(section) for section in full_report(period))]
    name = f"report-{period.start:%Y%m}-{period.end:%Y%m}" + (
        f"-{period.township}" if period.township else ""
    )
    return xlsx_response(name, sheets)


def _sheet(section) -> Sheet:
    """A section as rows: its figures, then each table under a line with the table's title."""
    headers = [gettext("Figure"), gettext("Number"), gettext("Share"), gettext("Amount")]
    rows = [
        [c.label, c.value, Percent(c.share) if c.share is not None else None, c.total]
        for c in section.figures
    ]
    for table in section.tables:
        rows.append([])
        rows.append(
            [table.title, table.value_label or gettext("Number"), table.share_label or gettext("Share")]
        )
        rows += [[c.label, c.value, Percent(c.share) if c.share is not None else None] for c in table.rows]
    return Sheet(section.title, headers, rows)
