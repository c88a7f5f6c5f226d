"""An upload costs bounded work to read, whatever the workbook claims."""

from __future__ import annotations

import io
import zipfile

import pytest

from services.common.errors import FieldProblem
from services.registry.manifests import imports
from services.registry.manifests.imports import parse_sheet


def test_blank_rows_count_against_the_row_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports, "MAX_SHEET_ROWS", 50)
    header = "kind;category;manufacturer;model;calibre;serial_number\n"
    one = "weapon;assault_rifle;Kalashnikov Concern;AK-103;7.62x39mm;KC-1\n"
    csv = (header + one + ";;;;;\n" * 200).encode()
    sheet = parse_sheet(csv, "manifest.csv")
    assert sheet.errors == [
        FieldProblem(loc="row 51", msg="more than 50 rows (blank ones count too)")
    ]


def test_a_workbook_that_unpacks_too_large_is_refused_before_parsing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(imports, "MAX_XLSX_UNPACKED", 1000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<x/>" + " " * 5000)
    sheet = parse_sheet(buffer.getvalue(), "manifest.xlsx")
    assert len(sheet.errors) == 1
    assert sheet.errors[0].loc == "file"
    assert "over the 0 MiB limit" in sheet.errors[0].msg
