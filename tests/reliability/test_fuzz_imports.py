"""Fuzzing the CSV/XLSX manifest importer and serial lookups: hostile input is a 4xx, never a 5xx.

Hypothesis drives the parser directly (fast, many examples) and the real HTTP route
(``POST /registry/v1/manifests/import``, multipart, fewer examples). Examples are
bounded in number and size so the whole file stays well under a minute.
"""

from __future__ import annotations

import io
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from services.common.errors import FieldProblem, ValidationFailed
from services.registry.manifests.imports import HEADER_ALIASES, parse_sheet
from services.registry.manifests.schemas import MAX_MANIFEST_ITEMS
from services.registry.manifests.uploads import read_upload
from tests.support.auth_fixtures import AuthApi

IMPORT = "/registry/v1/manifests/import"
FORM = {
    "direction": "in",
    "mission": "MINUSCA",
    "contributing_country": "SEN",
    "unit": "SENBATT 7",
    "crossing_date": "2024-03-01",
}
HEADERS = ["kind", "category", "manufacturer", "model", "calibre", "serial_number", "quantity"]
ALL_HEADERS = [alias for aliases in HEADER_ALIASES.values() for alias in aliases]

# Shared by every hypothesis test here: bounded, no per-example deadline (CI machines
# vary), fixtures reused across examples (each example is an independent request).
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HTTP = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

cells = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["weapon", "arme", "ammunition", "part", "assault_rifle", "KC-1", ""]),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)
header_rows = st.lists(st.one_of(st.sampled_from(ALL_HEADERS), st.text(max_size=12)), max_size=8)
delimiters = st.sampled_from([",", ";", "\t"])
encodings = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])


@st.composite
def csv_documents(draw: st.DrawFn) -> bytes:
    """CSV-ish text: real or junk headers, random cells, quotes and line breaks, any encoding."""
    delimiter = draw(delimiters)
    header = draw(st.one_of(st.just(HEADERS), header_rows))
    rows = draw(st.lists(st.lists(cells, max_size=len(header) + 2), max_size=12))
    lines = [delimiter.join(header), *(delimiter.join(row) for row in rows)]
    text = draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)
    return text.encode(draw(encodings), errors="replace")


@st.composite
def xlsx_documents(draw: st.DrawFn) -> bytes:
    """A real workbook with random header and cells (text, numbers, dates, booleans, blanks)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    values = st.one_of(
        st.none(),
        cells.map(lambda s: "".join(c for c in s if c.isprintable())),
        st.floats(allow_nan=True, allow_infinity=False, width=32),
        st.booleans(),
        st.dates(),
    )
    # openpyxl cannot write control characters: a workbook never holds them.
    header = draw(st.one_of(st.just(HEADERS), header_rows))
    sheet.append(["".join(c for c in h if c.isprintable()) for h in header])
    for row in draw(st.lists(st.lists(values, max_size=9), max_size=8)):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@st.composite
def damaged_xlsx(draw: st.DrawFn) -> bytes:
    """A valid workbook with some bytes overwritten or the end cut off."""
    data = bytearray(draw(xlsx_documents()))
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        position = draw(st.integers(min_value=0, max_value=len(data) - 1))
        data[position] = draw(st.integers(min_value=0, max_value=255))
    cut = draw(st.integers(min_value=4, max_value=len(data)))
    return bytes(data[:cut])


any_upload = st.one_of(st.binary(max_size=2048), csv_documents(), xlsx_documents(), damaged_xlsx())


def _read(data: bytes, filename: str | None) -> None:
    """The importer's whole reading step: either a valid upload or a 422 listing problems."""
    try:
        read_upload(form=FORM, data=data, filename=filename)
    except ValidationFailed as exc:
        refusal = exc
    else:
        return
    assert refusal.status == 422
    problems: Any = refusal.extra["errors"]
    assert problems, "a refusal must name at least one problem"
    assert all(p["loc"] and p["msg"] for p in problems)


@FAST
@given(data=st.binary(max_size=4096), filename=st.sampled_from(["m.csv", "m.xlsx", None, "x"]))
def test_arbitrary_bytes_are_read_or_refused_with_named_problems(
    data: bytes, filename: str | None
) -> None:
    _read(data, filename)


@FAST
@given(data=csv_documents())
def test_csv_of_any_encoding_and_shape_is_read_or_refused_with_named_problems(data: bytes) -> None:
    _read(data, "manifest.csv")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(xlsx_documents(), damaged_xlsx()))
def test_xlsx_intact_or_damaged_is_read_or_refused_with_named_problems(data: bytes) -> None:
    _read(data, "manifest.xlsx")


@HTTP
@given(data=any_upload, name=st.sampled_from(["m.csv", "m.xlsx", "données.csv"]))
def test_import_route_answers_4xx_or_201_never_5xx(
    client: TestClient, auth_api: AuthApi, data: bytes, name: str
) -> None:
    headers = _sen(auth_api)
    response = client.post(IMPORT, data=FORM, files={"file": (name, data)}, headers=headers)
    assert response.status_code in (201, 400, 413, 415, 422), response.text
    if response.status_code != 201:
        assert response.headers["content-type"] == "application/problem+json"


@HTTP
@given(serial=st.text(min_size=1, max_size=140), manufacturer=st.none() | st.text(max_size=40))
def test_trace_answers_any_serial_without_a_server_error(
    client: TestClient, auth_api: AuthApi, serial: str, manufacturer: str | None
) -> None:
    params = {"serial_number": serial}
    if manufacturer is not None:
        params["manufacturer"] = manufacturer
    response = client.get("/registry/v1/trace", params=params, headers=_sen(auth_api))
    assert response.status_code in (200, 400, 422), response.text


_TOKENS: dict[int, dict[str, str]] = {}


def _sen(auth_api: AuthApi) -> dict[str, str]:
    """One SEN token per test (hypothesis reuses the function's fixtures across examples)."""
    key = id(auth_api)
    if key not in _TOKENS:
        _TOKENS.clear()
        _TOKENS[key] = auth_api.member_state_headers("SEN")
    return _TOKENS[key]


def _csv(rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(row) for row in [HEADERS, *rows]).encode()


def _weapon_row(serial: str) -> list[str]:
    return ["weapon", "assault_rifle", "Izhmash", "AK-103", "7.62x39", serial, ""]


def test_a_huge_cell_is_refused_naming_its_row_and_column(
    client: TestClient, auth_api: AuthApi
) -> None:
    data = _csv([_weapon_row("KC-1"), _weapon_row("K" * 20_000)])
    response = client.post(
        IMPORT, data=FORM, files={"file": ("m.csv", data)}, headers=_sen(auth_api)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == "row 3, column F (serial_number)"


def test_a_line_beyond_the_line_cap_is_413_naming_the_file_and_the_cap(
    client: TestClient, auth_api: AuthApi
) -> None:
    data = _csv([_weapon_row("K" * 200_000)])
    response = client.post(
        IMPORT, data=FORM, files={"file": ("m.csv", data)}, headers=_sen(auth_api)
    )
    assert response.status_code == 413
    assert response.json()["code"] == "upload_too_large"
    assert response.json()["detail"].startswith("m.csv: ")
    assert response.json()["errors"] == [
        {"loc": "row 2", "msg": "a line longer than 65536 characters"}
    ]


def test_more_rows_than_a_manifest_may_hold_are_refused_at_the_first_extra_row() -> None:
    data = _csv([_weapon_row(f"KC-{n}") for n in range(MAX_MANIFEST_ITEMS + 1)])
    sheet = parse_sheet(data, "m.csv")
    assert sheet.errors == [
        FieldProblem(
            loc=f"row {MAX_MANIFEST_ITEMS + 2}", msg="more than 100000 items; split the manifest"
        )
    ]


def test_an_upload_over_the_bulk_body_limit_is_413_before_parsing(
    register_settings: Any, auth_api: AuthApi, client: TestClient
) -> None:
    limit = register_settings.registry.bulk_max_body_bytes
    response = client.post(
        IMPORT,
        data=FORM,
        files={"file": ("m.csv", b"kind\n" + b"weapon\n" * (limit // 7 + 1))},
        headers=_sen(auth_api),
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
