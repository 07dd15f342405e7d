"""Documents people download: PDFs of printable pages, and Excel workbooks.

**PDF.** A PDF is the printable page itself: `pdf_response(template, filename, **context)`
renders the same Jinja template the page uses and hands the HTML to WeasyPrint, which
lays it out for print media (so `static/css/print.css` hides the header, navigation,
forms and `.no-print` parts) with `static/css/document.css` on top (A4 pages, page
numbers, and a font family that covers CJK Extension A, e.g. 㮾 of 㮾梨街道). Images and
stylesheets under `/static/` are read from the static folder on disk by
`StaticFileFetcher`; any other URL (another path of the site, another host, `file:`) is
refused: rendering never makes an HTTP request, not even to the portal itself.

A printable page that wants the browser's print to look like the PDF adds
`<link rel="stylesheet" href="{{ url_for('static', filename='css/document.css') }}" media="print">`
in its `head` block; the template sees `document_format == "pdf"` when it is rendered
for a PDF.

**Excel.** `xlsx_response(filename, [Sheet(title, headers, rows), ...])` writes one sheet
per section: a bold, frozen header row, column widths fitted to the content (a Chinese
character counts as two), real dates, times and numbers (never text), and text that a
spreadsheet would run as a formula neutralised. `portal.core.export` (the queue and
roster downloads) writes its Excel files with it.
"""

import io
import logging
import mimetypes
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from itertools import chain, islice
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from flask import Response, current_app, has_request_context, render_template, request, send_file
from markupsafe import escape
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from portal.core.clock import LOCAL_TZ

#: The stylesheet every PDF gets (relative to the static folder).
DOCUMENT_STYLESHEET = "css/document.css"
#: The base URL of a document rendered outside a request (a command, a job).
OFFLINE_BASE_URL = "http://localhost/"

PDF_MIMETYPE = "application/pdf"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Text a spreadsheet would run as a formula starts with one of these.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# --- PDF --------------------------------------------------------------------------------


class DocumentResourceRefused(ValueError):
    """A document asked for a resource that is not a static file of the portal."""


def _weasyprint():
    """WeasyPrint, imported on first use (it loads Pango; most requests never need it)."""
    import weasyprint
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    logger = logging.getLogger("weasyprint")
    if logger.level == logging.NOTSET:
        # Screen-only CSS of portal.css (sticky, media queries) it ignores is no news;
        # a refused or missing resource is an error and still logged.
        logger.setLevel(logging.ERROR)
    return weasyprint, URLFetcher, URLFetcherResponse


def static_file_for(url: str, static_url: str, static_folder: str | Path) -> Path | None:
    """The file under `static_folder` that `url` names, when it is under `static_url`.

    `static_url` is the absolute URL of the static folder (".../static/"). Anything else,
    a path that leaves the folder (`..`, encoded or not) or a file that does not exist,
    gives None.
    """
    wanted, base = urlsplit(url), urlsplit(static_url)
    if (wanted.scheme.lower(), wanted.netloc.lower()) != (base.scheme.lower(), base.netloc.lower()):
        return None
    path = unquote(wanted.path)
    if not path.startswith(base.path) or "\x00" in path:
        return None
    folder = Path(static_folder).resolve()
    candidate = (folder / path[len(base.path) :]).resolve()
    if not candidate.is_relative_to(folder) or not candidate.is_file():
        return None
    return candidate


def static_file_fetcher(static_url: str, static_folder: str | Path):
    """A WeasyPrint URL fetcher that reads `/static/...` from disk and refuses the rest.

    `data:` URLs (inline images) are decoded in memory; every other URL raises
    DocumentResourceRefused, which WeasyPrint logs and skips.
    """
    _weasy, URLFetcher, URLFetcherResponse = _weasyprint()

    class StaticFileFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url[:5].lower() == "data:":
                return super().fetch(url, headers)  # urllib's data handler: no I/O at all
            path = static_file_for(url, static_url, static_folder)
            if path is None:
                raise DocumentResourceRefused(f"not a static file of the portal: {url[:200]}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

    return StaticFileFetcher()


def document_base_url() -> str:
    """The base URL documents are rendered against (relative links in the PDF point there).

    The configured public address (`PUBLIC_BASE_URL`, SPEC §11) when there is one, else
    the request's root, else OFFLINE_BASE_URL. Only static files under it are ever read,
    from disk: whatever the Host header says, rendering fetches nothing.
    """
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return configured.rstrip("/") + "/"
    return request.url_root if has_request_context() else OFFLINE_BASE_URL


def render_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """Lay out an HTML page for print (A4, document.css) and return the PDF's bytes.

    Needs an app context (the static folder); `base_url` defaults to document_base_url().
    """
    weasyprint, _fetcher, _response = _weasyprint()
    base_url = base_url or document_base_url()
    static_url = urljoin(base_url, current_app.static_url_path.lstrip("/") + "/")
    fetcher = static_file_fetcher(static_url, current_app.static_folder)
    html = with_document_stylesheet(html, urljoin(static_url, DOCUMENT_STYLESHEET))
    return weasyprint.HTML(
        string=html, base_url=base_url, url_fetcher=fetcher, media_type="print"
    ).write_pdf()


def with_document_stylesheet(html: str, href: str) -> str:
    """The page with document.css linked last in its head, unless the page links it already.

    A link in the page makes it an author stylesheet that comes after portal.css and
    print.css; WeasyPrint's `stylesheets=` argument would rank below both.
    """
    if DOCUMENT_STYLESHEET in html:
        return html
    link = f'<link rel="stylesheet" href="{escape(href)}">'
    head_end = re.search(r"</head\s*>", html, re.IGNORECASE)
    if head_end is None:
        return link + html
    return html[: head_end.start()] + link + html[head_end.start() :]


def render_document_pdf(template_name: str, **context) -> bytes:
    """The PDF of a printable page: its own template, rendered with `document_format="pdf"`."""
    return render_pdf(render_template(template_name, document_format="pdf", **context))


def pdf_response(template_name: str, filename: str, *, inline: bool = False, **context) -> Response:
    """Serve a printable page's template as a PDF download (`filename`, .pdf added)."""
    return _download(
        render_document_pdf(template_name, **context), filename, ".pdf", PDF_MIMETYPE, inline=inline
    )


def _download(data: bytes, filename: str, suffix: str, mimetype: str, *, inline: bool = False) -> Response:
    # Chinese names are kept (Werkzeug writes filename* per RFC 6266); path and header characters are not.
    name = re.sub(r'[\\/\r\n"\x00-\x1f]', "_", filename).strip(". ") or "document"
    if not name.lower().endswith(suffix):
        name += suffix
    return send_file(
        io.BytesIO(data),
        mimetype=mimetype,
        as_attachment=not inline,
        download_name=name,
        max_age=0,
        etag=False,
    )


# --- Excel ------------------------------------------------------------------------------


@dataclass
class Sheet:
    """One section of a workbook: a title, the column headers and the rows.

    Cells may be text, numbers (int, float, Decimal), dates, datetimes, times, booleans
    or None. Naive datetimes are stored UTC moments (the database's convention, see
    `portal.core.clock`) and are written in Changsha time; aware ones are converted.
    """

    title: str
    headers: Sequence
    rows: Iterable[Sequence]


class Percent(float):
    """A share (0.25 for 25 %): written as a number with a percentage format."""


PERCENT_FORMAT = "0.0%"
#: Rows looked at to fit the column widths (the rest are written as they come).
WIDTH_SAMPLE_ROWS = 1000
MIN_WIDTH, MAX_WIDTH = 6, 60
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TIME_FORMAT = "hh:mm"
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def neutralise(value) -> object:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def text_width(text: str) -> int:
    """Display width in Excel's character units: wide (CJK) characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def cell_value(value) -> object:
    """What a spreadsheet cell holds for a Python value: numbers, dates and text as such."""
    if value is None or isinstance(value, (bool, int, float, Decimal, date, time)):
        if isinstance(value, datetime):
            moment = value if value.tzinfo else value.replace(tzinfo=UTC)
            return moment.astimezone(LOCAL_TZ).replace(tzinfo=None)
        return value
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))  # lazy strings, enums, ...


def _display_width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, Percent):
        return len("100.0%")
    if isinstance(value, datetime):
        return len("2026-01-01 00:00")
    if isinstance(value, date):
        return len("2026-01-01")
    if isinstance(value, time):
        return len("00:00")
    return max((text_width(line) for line in str(value).splitlines()), default=0)


def _number_format(value) -> str | None:
    if isinstance(value, Percent):
        return PERCENT_FORMAT
    if isinstance(value, datetime):
        return DATETIME_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    if isinstance(value, time):
        return TIME_FORMAT
    return None


def _sheet_titles(titles: Iterable[str]) -> list[str]:
    """Titles Excel accepts: no []:*?/\\, at most 31 characters, unique in the workbook."""
    seen: set[str] = set()
    result = []
    for number, title in enumerate(titles, 1):
        clean = SHEET_TITLE_FORBIDDEN.sub(" ", ILLEGAL_CHARACTERS_RE.sub("", str(title))).strip(" '")[:31]
        clean = clean or f"Sheet{number}"
        candidate, n = clean, 2
        while candidate.lower() in seen:
            candidate = f"{clean[: 31 - len(str(n)) - 1]} {n}"
            n += 1
        seen.add(candidate.lower())
        result.append(candidate)
    return result


def xlsx_workbook(sheets: Iterable[Sheet]) -> Workbook:
    """A write-only workbook with one sheet per section, ready to be saved once.

    Each sheet has a bold header row frozen at the top and column widths fitted to the
    headers and the first WIDTH_SAMPLE_ROWS rows; rows are streamed, so memory stays flat.
    """
    sheets = list(sheets)
    workbook = Workbook(write_only=True)
    for section, title in zip(sheets, _sheet_titles(s.title for s in sheets), strict=True):
        sheet = workbook.create_sheet(title=title)
        headers = [cell_value(h) for h in section.headers]
        rows = iter(section.rows)
        sample = [[cell_value(v) for v in row] for row in islice(rows, WIDTH_SAMPLE_ROWS)]
        columns = max([len(headers), *(len(row) for row in sample)], default=0)
        for index in range(columns):
            widest = max(
                (_display_width(row[index]) for row in chain([headers], sample) if index < len(row)),
                default=0,
            )
            sheet.column_dimensions[get_column_letter(index + 1)].width = min(
                max(widest + 2, MIN_WIDTH), MAX_WIDTH
            )
        sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        sheet.append([_cell(sheet, value, font=bold) for value in headers])
        for row in chain(sample, ([cell_value(v) for v in row] for row in rows)):
            sheet.append([_cell(sheet, value) for value in row])
    return workbook


def _cell(sheet, value, font: Font | None = None):
    """A plain value, or a styled write-only cell for dates, times and headers."""
    number_format = _number_format(value)
    if number_format is None and font is None:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if number_format:
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    return cell


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    """The .xlsx file of `xlsx_workbook(sheets)`."""
    out = io.BytesIO()
    xlsx_workbook(sheets).save(out)
    return out.getvalue()


def xlsx_response(filename: str, sheets: Iterable[Sheet]) -> Response:
    """Serve a workbook as a download (`filename`, .xlsx added)."""
    return _download(xlsx_bytes(sheets), filename, ".xlsx", XLSX_MIMETYPE)
