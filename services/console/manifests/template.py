"""The manifest template as a workbook: the registry's example CSV (header row and
example rows), cell for cell, on one sheet, for people who fill it in a spreadsheet.

The registry owns the template's columns and examples; the console only changes the
file's format, so the two downloads never differ in what they say."""

from __future__ import annotations

import csv
import io
from typing import Final

from openpyxl import Workbook

XLSX_MEDIA_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_of_csv(content: bytes, sheet_name: str) -> bytes:
    """The CSV's rows (UTF-8, with or without a BOM) as an XLSX workbook, every cell text
    as the CSV has it (the import reads cells as text)."""
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig")))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
