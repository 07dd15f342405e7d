"""The health check report as a document: a summary by area and level, a PDF made from the
printable page's own template, and an Excel workbook with one sheet per section."""

from collections import Counter
from datetime import date

from flask_babel import gettext, pgettext

from portal.core import documents
from portal.health_checks.models import HealthCheck, Report
from portal.health_checks.vocabulary import AREAS, RISK_LEVELS


def summary(report: Report) -> list[dict]:
    """Per area: how many findings at each risk level (areas with findings, in the list's order)."""
    counts = Counter((f["area"], f["risk"]) for f in report.findings)
    areas = [a for a in AREAS if any(area == a for area, _risk in counts)]
    return [
        {"area": a, "label": AREAS[a], **{risk: counts.get((a, risk), 0) for risk in RISK_LEVELS}}
        for a in areas
    ]


def _filename(check: HealthCheck, report: Report) -> str:
    """The download's name; the documents facility adds the extension."""
    return f"{check.reference}-v{report.version}"


def report_pdf(check: HealthCheck, report: Report):
    """The printable report page itself, rendered to PDF (print styles hide its forms)."""
    return documents.pdf_response(
        "health_checks/report.html",
        _filename(check, report),
        check=check,
        report=report,
        summary=summary(report),
        member_view=False,
    )


def report_xlsx(check: HealthCheck, report: Report):
    """The summary by area and level, every finding with real dates, and who looked at what."""
    levels = list(RISK_LEVELS)
    summary_rows = [
        [str(row["label"]), *[row[level] for level in levels], sum(row[level] for level in levels)]
        for row in summary(report)
    ]
    finding_rows = [
        [
            str(AREAS.get(f["area"], f["area"])),
            str(RISK_LEVELS.get(f["risk"], f["risk"])),
            f["finding"],
            f["legal_basis"],
            f["recommendation"],
            date.fromisoformat(f["fix_by"]) if f["fix_by"] else None,
        ]
        for f in report.findings
    ]
    sheets = [
        documents.Sheet(
            gettext("Summary"),
            [gettext("Area"), *[str(RISK_LEVELS[level]) for level in levels], gettext("Total")],
            summary_rows,
        ),
        documents.Sheet(
            gettext("Findings"),
            [
                gettext("Area"),
                gettext("Risk level"),
                gettext("Finding"),
                gettext("Legal basis (law and article)"),
                gettext("Recommendation"),
                gettext("Fix by"),
            ],
            finding_rows,
        ),
    ]
    facts = report.facts
    if facts:
        sheets.append(
            documents.Sheet(
                gettext("About the check"),
                [gettext("Item"), pgettext("health check report", "Details")],
                [
                    [gettext("Organised by"), "、".join([facts["organiser"], *facts["partners"]])],
                    [
                        gettext("Lawyer team"),
                        "；".join(f"{m['name']} {m['firm']}".strip() for m in facts["team"]),
                    ],
                    [
                        pgettext("health check report", "Visit date"),
                        "、".join(facts["visit_dates"]),
                    ],
                    [gettext("Areas examined"), "、".join(facts["areas"])],
                    [gettext("Documents seen"), facts["documents_seen"]],
                    [gettext("Limits of the check"), facts["limits"]],
                ],
            )
        )
    return documents.xlsx_response(_filename(check, report), sheets)
