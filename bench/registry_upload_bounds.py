"""Registry bench: what the nastiest manifest upload under the import caps costs.

Part 1 (in process): builds uploads that push against each cap of
``REGISTRY_IMPORT_*`` (default values) and prints, for each, the time and the peak
of Python memory (tracemalloc) of reading it, and the answer (items or the refusal).
Files that pass the caps are built up to ``BENCH_UPLOAD_MIB`` (default 4) of unpacked
XML or CSV; the cost grows linearly with it up to the caps (128 MiB unpacked, the
128 MiB body limit), so the figures also print the per-MiB cost to extrapolate.

Part 2 (SQLite, ``regctl serve all`` in a subprocess): posts the slowest upload
of part 1 and, once it is in flight, a 1-item JSON manifest; prints how long the
manifest took alone and while the upload was being read, and whether it was
answered before the upload (the goal: it never waits behind a parse).

Figures only, no assertions. ``BENCH_UPLOAD_MIB=128`` gives the true worst case.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import threading
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import httpx
from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from registry_manifest import SERVICES, body, member_token, server, weapons

from services.registry.manifests.imports import parse_sheet
from services.registry.manifests.sheet_readers import ImportLimits

MIB = 1024 * 1024
SIZE = int(float(os.environ.get("BENCH_UPLOAD_MIB", "4")) * MIB)
LIMITS = ImportLimits()
HEADER = ("kind", "category", "manufacturer", "model", "calibre", "serial_number")
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
FORM = {
    "direction": "in",
    "mission": "MINUSCA",
    "contributing_country": "SEN",
    "unit": "SENBATT 7",
    "crossing_date": "2024-03-01",
}


def workbook(sheet_xml: str, shared_strings: str | None = None) -> bytes:
    """A real openpyxl workbook whose sheet (and shared strings) are replaced."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    saved = io.BytesIO()
    book.save(saved)
    out = io.BytesIO()
    with zipfile.ZipFile(saved) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for member in src.infolist():
            data = src.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml.encode()
            if member.filename == "[Content_Types].xml" and shared_strings is not None:
                data = data.replace(b"</Types>", SHARED_STRINGS_TYPE + b"</Types>")
            dst.writestr(member.filename, data)
        if shared_strings is not None:
            dst.writestr("xl/sharedStrings.xml", shared_strings)
    return out.getvalue()


def header_row() -> str:
    cells = "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in HEADER)
    return f'<row r="1">{cells}</row>'


def sheet(rows: str) -> str:
    head = f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>'
    return f"{head}{rows}</sheetData></worksheet>"


def empty_rows_xlsx() -> bytes:
    """Every row the cap allows, all empty, no dimension record."""
    rows = "".join(f'<row r="{n}"/>' for n in range(2, LIMITS.max_rows + 1))
    return workbook(sheet(header_row() + rows))


def wide_rows_xlsx() -> bytes:
    """Rows of max_columns cells holding as much text as a row may, up to SIZE."""
    text = "A" * (LIMITS.max_line_chars // LIMITS.max_columns - 64)
    row = "".join(f'<c t="inlineStr"><is><t>{text}</t></is></c>' for _ in range(LIMITS.max_columns))
    count = max(1, min(SIZE // len(row), LIMITS.max_rows - 1))
    return workbook(sheet(header_row() + "".join(f"<row>{row}</row>" for _ in range(count))))


def dense_cells_xlsx() -> bytes:
    """Rows of max_columns tiny numeric cells, up to SIZE: the most cells per byte."""
    row = "<c><v>1</v></c>" * LIMITS.max_columns
    count = max(1, min(SIZE // (len(row) + 11), LIMITS.max_rows - 1))
    return workbook(sheet(header_row() + "".join(f"<row>{row}</row>" for _ in range(count))))


def shared_strings_xlsx() -> bytes:
    """A shared-strings table of one-character strings up to SIZE (openpyxl keeps it all)."""
    count = SIZE // 17
    strings = "<si><t>a</t></si>" * count
    table = f'<?xml version="1.0"?><sst xmlns="{MAIN}" count="{count}">{strings}</sst>'
    return workbook(sheet(header_row()), shared_strings=table)


def wide_lines_csv() -> bytes:
    """CSV records of max_columns fields at the line cap, up to SIZE."""
    field = "A" * (LIMITS.max_line_chars // LIMITS.max_columns - 2)
    line = ",".join([field] * LIMITS.max_columns) + "\n"
    count = max(1, min(SIZE // len(line), LIMITS.max_rows - 1))
    return (",".join(HEADER) + "\n" + line * count).encode()


def issue_xlsx_five_million_empty_rows() -> bytes:
    """The issue's 742 KB workbook: 5 million empty rows and no dimension record."""
    rows = "".join(f'<row r="{n}"/>' for n in range(2, 5_000_001))
    return workbook(sheet(header_row() + rows))


def issue_csv_long_header_line() -> bytes:
    """The issue's CSV whose header line is one huge line (SIZE here, 100 MB there)."""
    return b"kind," + b"x" * SIZE + b"\n"


UPLOADS: dict[str, tuple[str, Callable[[], bytes]]] = {
    "xlsx, every allowed row empty, no dimension": ("m.xlsx", empty_rows_xlsx),
    "xlsx, rows of 64 cells at the text cap": ("m.xlsx", wide_rows_xlsx),
    "xlsx, rows of 64 tiny cells": ("m.xlsx", dense_cells_xlsx),
    "xlsx, shared strings at the size": ("m.xlsx", shared_strings_xlsx),
    "csv, 64 fields at the line cap": ("m.csv", wide_lines_csv),
    "issue: xlsx with 5 million empty rows": ("m.xlsx", issue_xlsx_five_million_empty_rows),
    "issue: csv with one huge header line": ("m.csv", issue_csv_long_header_line),
}


def measure(filename: str, data: bytes) -> tuple[float, float, str]:
    """Seconds (a plain run), peak Python memory (a second run under tracemalloc), answer."""
    started = time.perf_counter()
    parsed = parse_sheet(data, filename)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    parse_sheet(data, filename)
    peak = tracemalloc.get_traced_memory()[1] / MIB
    tracemalloc.stop()
    if parsed.too_large:
        answer = f"413 {parsed.errors[0].loc}: {parsed.errors[0].msg}"
    elif parsed.errors:
        answer = f"422 {parsed.errors[0].loc}: {parsed.errors[0].msg[:60]}"
    else:
        answer = f"{len(parsed.items)} items"
    return seconds, peak, answer


def parse_costs() -> tuple[str, bytes]:
    print(f"== reading cost, files up to {SIZE // MIB} MiB (BENCH_UPLOAD_MIB), default caps")
    slowest: tuple[float, str, bytes] = (-1.0, "", b"")
    for label, (filename, build) in UPLOADS.items():
        data = build()
        unpacked = _unpacked(filename, data)
        seconds, peak, answer = measure(filename, data)
        per_mib = seconds / max(unpacked / MIB, 1 / 1024)
        print(
            f"{label:44s} upload {len(data) / 1024:9.0f} KiB  unpacked {unpacked / MIB:7.1f} MiB"
            f"  {seconds:6.2f} s ({per_mib:5.2f} s/MiB)  peak {peak:7.1f} MiB  -> {answer}"
        )
        if seconds > slowest[0] and not answer.startswith("413"):
            slowest = (seconds, filename, data)
    return slowest[1], slowest[2]


def _unpacked(filename: str, data: bytes) -> int:
    if not filename.endswith(".xlsx"):
        return len(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(m.file_size for m in archive.infolist())


def wait_behind(filename: str, data: bytes) -> None:
    print("== a 1-item manifest posted while the slowest upload is read (SQLite)")
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as tmp:
        workdir = Path(tmp)
        urls = {s: f"sqlite:///{workdir / 'var' / (s + '.db')}" for s in SERVICES}
        with server(workdir, urls) as base, httpx.Client(base_url=base, timeout=600) as http:
            headers = {"Authorization": f"Bearer {member_token(http, workdir)}"}
            json_headers = {**headers, "Content-Type": "application/json"}
            alone = []
            for n in range(5):
                started = time.perf_counter()
                http.post(
                    "/registry/v1/manifests",
                    content=body(weapons(1, f"ALONE{n}"), "MINUSCA"),
                    headers=json_headers,
                )
                alone.append(time.perf_counter() - started)
            finished: dict[str, float] = {}

            def upload() -> None:
                with httpx.Client(base_url=base, timeout=600) as own:
                    response = own.post(
                        "/registry/v1/manifests/import",
                        data=FORM,
                        files={"file": (filename, data)},
                        headers=headers,
                    )
                finished["upload"] = time.perf_counter()
                finished["upload_status"] = response.status_code

            started_upload = time.perf_counter()
            thread = threading.Thread(target=upload)
            thread.start()
            time.sleep(0.5)  # the upload is sent and being read
            started = time.perf_counter()
            answer = http.post(
                "/registry/v1/manifests",
                content=body(weapons(1, "DURING"), "MINUSCA"),
                headers=json_headers,
            )
            during = time.perf_counter() - started
            answered = time.perf_counter()
            thread.join()
            print(f"1-item manifest alone (median of 5): {sorted(alone)[2] * 1000:8.1f} ms")
            print(
                f"1-item manifest during the upload:   {during * 1000:8.1f} ms"
                f" ({answer.status_code}); the upload took"
                f" {finished['upload'] - started_upload:6.2f} s"
                f" ({int(finished['upload_status'])}); manifest answered first:"
                f" {answered < finished['upload']}"
            )


def main() -> None:
    filename, data = parse_costs()
    wait_behind(filename, data)


if __name__ == "__main__":
    main()
