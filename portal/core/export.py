"""CSV and Excel downloads of a filtered list, safe against formula injection.

The Excel side is `portal.core.documents` (one sheet, header frozen, widths fitted).
"""

import csv
import io
from collections.abc import Iterable, Sequence

from flask import Response, stream_with_context

from portal.core import documents
from portal.core.documents import FORMULA_PREFIXES, neutralise

__all__ = ["FORMULA_PREFIXES", "csv_response", "neutralise", "xlsx_response"]


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


def xlsx_response(
    filename: str, sheet_title: str, headers: Sequence[str], rows: Iterable[Sequence]
) -> Response:
    """One sheet of a list as an Excel download (written row by row: memory stays flat)."""
    return documents.xlsx_response(filename, [documents.Sheet(sheet_title, headers, rows)])
