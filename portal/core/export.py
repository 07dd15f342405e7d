"""CSV and Excel downloads of a filtered list, safe against formula injection."""

import csv
import io
from collections.abc import Iterable, Sequence

from flask import Response, stream_with_context
from openpyxl import Workbook

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> object:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence]) -> Response:
    """Stream a UTF-8 CSV (with BOM, so Excel opens Chinese correctly)."""

    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")
        writer.writerow([neutralise(h) for h in headers])
        for row in rows:
            writer.writerow(["" if v is None else neutralise(v) for v in row])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate(0)
        yield buffer.getvalue()

    return Response(
        stream_with_context(generate()),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
    )


def xlsx_response(filename: str, sheet_title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> Response:
    """Build an Excel workbook in memory (write-only mode keeps memory flat)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.append([neutralise(h) for h in headers])
    for row in rows:
        sheet.append([neutralise(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return Response(
        out.getvalue(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{filename}.xlsx"'},
    )
