"""An upload costs bounded work to read, whatever the file claims, and is read before
any database lock is taken."""

from __future__ import annotations

import io
import threading
import zipfile
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from services.common.errors import FieldProblem
from services.common.sheets import ImportLimits
from services.registry.manifests import uploads
from services.registry.manifests.imports import parse_sheet
from tests.registry.factories import MANIFESTS, manifest, weapon

IMPORT = f"{MANIFESTS}/import"
FORM = {
    "direction": "in",
    "mission": "MINUSCA",
    "contributing_country": "SEN",
    "unit": "SENBATT 7",
    "crossing_date": "2024-03-01",
}
HEADER = ("kind", "category", "manufacturer", "model", "calibre", "serial_number")
ONE = ("weapon", "assault_rifle", "Kalashnikov Concern", "AK-103", "7.62x39mm", "KC-1")
SHEET = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _workbook(sheet_xml: str | None = None, extra: dict[str, str] | None = None) -> bytes:
    """A real workbook (header and one weapon); ``sheet_xml`` replaces its sheet part,
    ``extra`` parts are added."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(ONE)
    saved = io.BytesIO()
    book.save(saved)
    if sheet_xml is None and extra is None:
        return saved.getvalue()
    rebuilt = io.BytesIO()
    with (
        zipfile.ZipFile(saved) as source,
        zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            data = source.read(member)
            if member.filename == SHEET and sheet_xml is not None:
                data = sheet_xml.encode()
            target.writestr(member.filename, data)
        for name, text in (extra or {}).items():
            target.writestr(name, text)
    return rebuilt.getvalue()


def _inline_row(number: int, values: tuple[str, ...]) -> str:
    cells = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values)
    return f'<row r="{number}">{cells}</row>'


def _sheet(body: str, prologue: str = "") -> str:
    """A sheet part with no dimension record (openpyxl would scan it all for its size)."""
    return f'<?xml version="1.0"?>{prologue}<worksheet xmlns="{MAIN}"><sheetData>{body}'


def test_blank_rows_count_against_the_row_cap() -> None:
    header = "kind;category;manufacturer;model;calibre;serial_number\n"
    one = "weapon;assault_rifle;Kalashnikov Concern;AK-103;7.62x39mm;KC-1\n"
    csv = (header + one + ";;;;;\n" * 200).encode()
    sheet = parse_sheet(csv, "manifest.csv", ImportLimits(max_rows=50))
    assert sheet.too_large
    assert sheet.errors == [
        FieldProblem(loc="row 51", msg="more than 50 rows (blank ones count too)")
    ]


def test_a_workbook_that_unpacks_too_large_is_refused_before_parsing() -> None:
    sheet = parse_sheet(_workbook(), "manifest.xlsx", ImportLimits(max_unpacked_bytes=1024))
    assert sheet.too_large
    assert len(sheet.errors) == 1
    assert sheet.errors[0].loc == "file"
    assert "over the 0 MiB limit" in sheet.errors[0].msg


def test_a_sheet_is_not_read_past_the_row_cap() -> None:
    # Millions of empty rows with no dimension record: openpyxl scans the whole sheet
    # for its size when it opens the workbook. The check stops at the cap while
    # streaming: the broken tail after it is never reached.
    empty_rows = "".join(f'<row r="{n}"/>' for n in range(3, 2_000))
    xml = _sheet(_inline_row(1, HEADER) + _inline_row(2, ONE) + empty_rows + "<row><c>&undefined;")
    sheet = parse_sheet(_workbook(xml), "manifest.xlsx", ImportLimits(max_rows=1_000))
    assert sheet.errors == [
        FieldProblem(loc="row 1001", msg="more than 1000 rows (blank ones count too)")
    ]


def test_a_row_numbered_past_the_cap_is_refused_without_filling_the_gap() -> None:
    xml = _sheet(_inline_row(1, HEADER) + _inline_row(2, ONE) + '<row r="5000000"/>')
    sheet = parse_sheet(_workbook(xml + "</sheetData></worksheet>"), "manifest.xlsx")
    assert sheet.errors == [
        FieldProblem(loc="row 5000000", msg="more than 110000 rows (blank ones count too)")
    ]


def test_a_workbook_row_with_too_many_cells_is_refused() -> None:
    wide = _inline_row(2, ONE + ("x",) * 100)
    xml = _sheet(_inline_row(1, HEADER) + wide + "</sheetData></worksheet>")
    sheet = parse_sheet(_workbook(xml), "manifest.xlsx")
    assert sheet.too_large
    assert sheet.errors == [FieldProblem(loc="row 2", msg="more than 64 columns")]


def test_a_shared_strings_table_larger_than_a_sheet_could_use_is_refused() -> None:
    strings = "<si><t>a</t></si>" * 200
    table = f'<?xml version="1.0"?><sst xmlns="{MAIN}">{strings}</sst>'
    data = _workbook(extra={"xl/sharedStrings.xml": table})
    sheet = parse_sheet(data, "manifest.xlsx", ImportLimits(max_rows=10))
    assert sheet.too_large
    assert sheet.errors == [FieldProblem(loc="file", msg="more than 170 shared strings")]


def test_a_csv_record_with_too_many_columns_is_refused() -> None:
    csv = (",".join(HEADER) + "\n" + ",".join(ONE) + "," * 100 + "\n").encode()
    sheet = parse_sheet(csv, "manifest.csv")
    assert sheet.too_large
    assert sheet.errors == [FieldProblem(loc="row 2", msg="more than 64 columns")]


def test_a_quoted_field_spanning_lines_counts_against_the_line_cap() -> None:
    text = ",".join(HEADER) + "\n" + ",".join(ONE[:-1]) + ',"' + "K\n" * 200 + '"\n'
    sheet = parse_sheet(text.encode(), "manifest.csv", ImportLimits(max_line_chars=256))
    assert sheet.errors == [FieldProblem(loc="row 2", msg="a line longer than 256 characters")]


def test_reading_stops_at_the_time_cap() -> None:
    sheet = parse_sheet(_workbook(), "manifest.xlsx", ImportLimits(max_seconds=1e-9))
    assert sheet.too_large
    assert sheet.errors == [
        FieldProblem(loc="file", msg="reading took longer than the 1e-09 s limit")
    ]


def test_a_bounded_workbook_is_still_read() -> None:
    sheet = parse_sheet(_workbook(), "manifest.xlsx")
    assert sheet.errors == []
    assert sheet.items == [dict(zip(HEADER, ONE, strict=True))]


@pytest.mark.parametrize(
    ("xml", "fault"),
    [
        (_sheet(_inline_row(1, HEADER) + _inline_row(2, ONE)), "no element found"),
        (_sheet(_inline_row(1, HEADER) + "<row><c><v>&undefined;"), "undefined entity"),
        (
            _sheet(
                _inline_row(1, HEADER) + "<row><c><v>&a;</v></c></row></sheetData></worksheet>",
                prologue='<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>',
            ),
            "document type declaration",
        ),
    ],
    ids=["truncated", "undefined-entity", "entity-declaration"],
)
def test_broken_workbook_xml_is_422_naming_the_file(
    client: TestClient, sen: dict[str, str], xml: str, fault: str
) -> None:
    response = client.post(
        IMPORT, data=FORM, files={"file": ("convoy.xlsx", _workbook(xml))}, headers=sen
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["detail"].startswith("convoy.xlsx: ")
    assert body["errors"][0]["loc"] == "file"
    assert SHEET in body["errors"][0]["msg"]
    assert fault in body["errors"][0]["msg"]


def test_an_upload_over_a_cap_is_413_naming_the_file_and_the_cap(
    client: TestClient, sen: dict[str, str]
) -> None:
    xml = _sheet(_inline_row(1, HEADER) + '<row r="5000000"/></sheetData></worksheet>')
    response = client.post(
        IMPORT, data=FORM, files={"file": ("convoy.xlsx", _workbook(xml))}, headers=sen
    )
    assert response.status_code == 413, response.text
    body = response.json()
    assert body["code"] == "upload_too_large"
    assert body["detail"].startswith("convoy.xlsx: ")
    assert body["errors"] == [
        {"loc": "row 5000000", "msg": "more than 110000 rows (blank ones count too)"}
    ]


def test_a_manifest_is_stored_while_an_upload_is_still_being_read(
    client: TestClient, sen: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The upload's reading is held open (the real reader, paused at its start) until
    # the manifest posted meanwhile has been answered: no write waits behind a parse.
    reading = threading.Event()
    release = threading.Event()
    real_parse = uploads.parse_sheet

    def held_parse(*args: Any, **kwargs: Any) -> Any:
        reading.set()
        release.wait(timeout=60)
        return real_parse(*args, **kwargs)

    monkeypatch.setattr(uploads, "parse_sheet", held_parse)
    answers: dict[str, int] = {}

    def upload() -> None:
        csv = (",".join(HEADER) + "\n" + ",".join(ONE) + "\n").encode()
        answers["upload"] = client.post(
            IMPORT, data=FORM, files={"file": ("m.csv", csv)}, headers=sen
        ).status_code

    def post_manifest() -> None:
        body = manifest([weapon("KC-2")])
        answers["manifest"] = client.post(MANIFESTS, json=body, headers=sen).status_code

    uploader = threading.Thread(target=upload)
    poster = threading.Thread(target=post_manifest)
    uploader.start()
    try:
        assert reading.wait(timeout=60)
        poster.start()
        poster.join(timeout=30)
        answered_first = "manifest" in answers and "upload" not in answers
    finally:
        release.set()
        uploader.join()
        if poster.ident is not None:
            poster.join()
    assert answered_first, answers
    assert answers == {"manifest": 201, "upload": 201}
