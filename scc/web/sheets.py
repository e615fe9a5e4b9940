"""CSV answers for spreadsheets: Python's csv module (RFC 4180 quoting), UTF-8 with a header
row, as an attachment; a cell that a spreadsheet would run as a formula is neutralised: at its
start, and after any separator inside it, since a spreadsheet splitting on `;` or a tab (Excel
does in many locales) makes a new cell there (OWASP, CSV Injection:
https://owasp.org/www-community/attacks/CSV_Injection)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

from flask import Response

# OWASP, CSV injection: a leading =, +, -, @, tab or carriage return starts a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A separator some spreadsheet splits on, then (after blanks) a formula's start.
INNER_FORMULA = re.compile(r"([,;\t|][ ]*)([=+\-@])")


def neutralise(cell: object) -> str:
    """A cell as text, with ' before a formula's start: at its beginning, and after a separator
    inside it (where a spreadsheet splitting on that separator starts a cell)."""
    text = INNER_FORMULA.sub(r"\1'\2", "" if cell is None else str(cell))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(
    header: Sequence[str], rows: Iterable[Sequence[object]], filename: str
) -> Response:
    """The rows (after the header) as a CSV attachment named `filename`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    attachment = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(buffer.getvalue(), mimetype="text/csv", headers=attachment)  # charset=utf-8
