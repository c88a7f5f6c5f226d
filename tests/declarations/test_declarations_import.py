"""POST /declarations/v1/declarations/import: declarations from a CSV or XLSX file, all or
none, every problem named by row and column in the header's language."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook

from services.common.sheets import header_key
from services.declarations.imports.columns import ALL_COLUMNS, COLUMNS, DECLARATION_HEADERS
from services.embedded import EmbeddedSettings
from tests.declarations.support import Callers

URL = "/declarations/v1/declarations"
IMPORT = f"{URL}/import"
TEMPLATE = f"{IMPORT}/template"
LOG = "/declarations/v1/log"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FRENCH_HEADER = [
    "référence de la déclaration",
    "type de déclaration",
    "pays déclarant",
    "date de l'événement",
    "pays",
    "lieu",
    "nature",
    "catégorie",
    "fabricant",
    "modèle",
    "calibre",
    "numéro de série",
    "numéro de lot",
    "quantité",
]


ROW_LIMIT = 50


@pytest.fixture
def register_settings(register_settings: EmbeddedSettings) -> EmbeddedSettings:
    """The register with a small DECLARATIONS_IMPORT_MAX_ROWS, so the cap is reached."""
    register_settings.declarations.import_max_rows = ROW_LIMIT
    return register_settings


def _csv(rows: list[list[str]], delimiter: str = ";") -> bytes:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows(rows)
    return text.getvalue().encode()


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _declared(client: TestClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get(URL, headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _tree_size(client: TestClient) -> int:
    return int(client.get(f"{LOG}/checkpoint").text.splitlines()[1])


def test_a_french_csv_with_one_bad_row_stores_nothing_and_names_that_row_and_column(
    client: TestClient, callers: Callers
) -> None:
    sen = callers.state("SEN")
    seizure = ["SEN-24-1", "saisie", "SEN", "2024-03-02", "MLI", "Ménaka"]
    rows = [
        FRENCH_HEADER,
        [*seizure, "arme", "assault_rifle", "Kalashnikov", "AK-47", "7.62x39mm", "A-1", "", ""],
        [*seizure, "arme", "assault_rifle", "Kalashnikov", "AK-47", "7.62x39mm", "", "", ""],
        [*seizure, "munition", "", "", "", "7.62x39mm", "", "L-9", "240"],
    ]
    response = client.post(
        IMPORT, files={"file": ("saisies.csv", _csv(rows), "text/csv")}, headers=sen
    )

    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "validation_failed"
    assert "nothing was stored" in problem["detail"]
    assert [(e["loc"], e["type"]) for e in problem["errors"]] == [
        ("row 3, column L (numéro de série)", "missing")
    ]
    assert _declared(client, sen) == []
    assert _tree_size(client) == 0


def test_a_column_missing_from_a_french_file_is_named_in_french(
    client: TestClient, callers: Callers
) -> None:
    header = [h for h in FRENCH_HEADER if h != "date de l'événement"]
    row = ["R", "collecte", "SEN", "SEN", "Dakar", "pièce", "", "", "", "", "", "", "2"]
    row[8] = "culasse"  # the model column holds it; a part needs a description
    response = client.post(
        IMPORT, files={"file": ("c.csv", _csv([header, row]))}, headers=callers.state("SEN")
    )
    assert response.status_code == 422
    assert {(e["loc"], e["msg"]) for e in response.json()["errors"]} == {
        ("row 2, column date de l'événement (absent from the file)", "Field required"),
        ("row 2, column description (absent from the file)", "Field required"),
        ("row 2, column I (modèle)", "not a field of 'part' items: leave it blank on this row"),
    }


def test_an_english_xlsx_of_two_seizures_is_stored_as_two_declarations_with_their_log_entries(
    client: TestClient, callers: Callers
) -> None:
    sen = callers.state("SEN")
    header = [
        "declaration_ref",
        "declaration_type",
        "declaring_country",
        "mission",
        "event_date",
        "country",
        "place",
        "kind",
        "category",
        "manufacturer",
        "model",
        "calibre",
        "serial_number",
        "serial_status",
        "lot_number",
        "quantity",
        "ordnance_type",
    ]
    first = ["ATT-1", "seizure", "SEN", "MINUSMA", "2024-02-01", "MLI", "Tessit"]
    # A date cell (as Excel stores dates) reads as its ISO date.
    third = ["ATT-2", "seizure", "SEN", "MINUSMA", date(2024, 2, 9), "MLI", "Ber"]
    second = ["ATT-2", "", "", "", "", "", ""]  # blank: row 5 gave them
    rows: list[list[Any]] = [
        header,
        [*first, "weapon", "assault_rifle", "Kalashnikov", "AK-47", "7.62x39mm", "X-1"],
        [*first, "weapon", "shotgun", "Beretta", "1301", "12 gauge", "", "obliterated"],
        [*first, "ordnance", "", "", "", "81 mm", "", "", "", 6, "mortar_bomb"],
        [*third, "weapon", "assault_rifle", "Kalashnikov", "AK-47", "7.62x39mm", "X-2"],
        [*second, "ammunition", "", "", "", "7.62x39mm", "", "", "L-15", 1200],
    ]

    response = client.post(
        IMPORT, files={"file": ("seizures.xlsx", _xlsx(rows), XLSX)}, headers=sen
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert [(d["declaration_ref"], d["rows"]) for d in body["items"]] == [
        ("ATT-1", [2, 3, 4]),
        ("ATT-2", [5, 6]),
    ]
    assert [d["log_index"] for d in body["items"]] == [0, 1]
    assert body["tree_size"] == _tree_size(client) == 2
    records = [client.get(f"{URL}/{d['id']}", headers=sen).json()["record"] for d in body["items"]]
    assert [r["location"]["place"] for r in records] == ["Tessit", "Ber"]
    assert [r["event_date"] for r in records] == ["2024-02-01", "2024-02-09"]
    assert [[i["kind"] for i in r["items"]] for r in records] == [
        ["weapon", "weapon", "ordnance"],
        ["weapon", "ammunition"],
    ]
    assert records[0]["items"][1]["serial_status"] == "obliterated"
    assert records[1]["items"][1]["quantity"] == 1200
    entries = client.get(f"{LOG}/entries", params={"start": 0, "end": 2}, headers=sen).json()
    assert [
        (e["entry"]["declaration_id"], e["entry"]["record_sha256"]) for e in entries["entries"]
    ] == [(d["id"], d["record_sha256"]) for d in body["items"]]


def test_the_filled_template_imports_cleanly_in_either_language_and_format(
    client: TestClient, callers: Callers
) -> None:
    mli = callers.state("MLI")
    stored = 0
    for file_format, lang in (("csv", "fr"), ("xlsx", "en")):
        response = client.get(TEMPLATE, params={"format": file_format, "lang": lang}, headers=mli)
        assert response.status_code == 200, response.text
        data = response.content
        if file_format == "xlsx":
            assert response.headers["content-type"] == XLSX
            header = next(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))
        else:
            header = tuple(next(csv.reader(io.StringIO(data.decode("utf-8-sig")))))
        assert list(header) == [c.header(lang == "fr") for c in COLUMNS]
        # Serials and references must be new for the second file: make them so.
        if stored:
            data = _renamed(data)
        response = client.post(
            IMPORT, files={"file": (f"template.{file_format}", data)}, headers=mli
        )
        assert response.status_code == 201, response.text
        kinds = {
            item["kind"]
            for created in response.json()["items"]
            for item in client.get(f"{URL}/{created['id']}", headers=mli).json()["record"]["items"]
        }
        assert kinds == {"weapon", "ammunition", "part", "ordnance", "explosive"}
        stored += len(response.json()["items"])
    assert stored == 6
    assert len(_declared(client, mli)) == 6


def _renamed(xlsx: bytes) -> bytes:
    book = load_workbook(io.BytesIO(xlsx))
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value in ("KC-0001234", "F-33170"):
                cell.value = cell.value + "-B"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_every_field_of_every_kind_has_a_column_and_the_template_has_them_all() -> None:
    from services.declarations.declarations.schemas import (
        WEAPON_KINDS,
        Ammunition,
        Collection,
        DeclarationDocument,
        Destruction,
        Explosive,
        Location,
        Ordnance,
        Part,
    )

    targets = {c.target for c in COLUMNS}
    item_fields = {
        (name,)
        for model in (*WEAPON_KINDS, Ammunition, Part, Ordnance, Explosive)
        for name in model.model_fields
    }
    document_fields = {(n,) for n in DeclarationDocument.model_fields} - {
        ("items",),
        ("location",),
        ("collection",),
        ("destruction",),
    }
    nested = {
        (parent, n)
        for parent, model in (
            ("location", Location),
            ("collection", Collection),
            ("destruction", Destruction),
        )
        for n in model.model_fields
    } - {("collection", "people")}
    from services.declarations.declarations.people import PeopleHandingIn

    people = {("collection", "people", n) for n in PeopleHandingIn.model_fields}
    assert item_fields | document_fields | nested | people <= targets
    # Every spelling of every column (those waiting for their field too) names that
    # column and no other.
    owner: dict[str, str] = {}
    for column in ALL_COLUMNS:
        for spelling in {column.name, column.french, *column.aliases}:
            assert owner.setdefault(header_key(spelling), column.name) == column.name, spelling
            if column in COLUMNS:
                assert DECLARATION_HEADERS.field_of(spelling) == column.name


def test_a_file_over_the_import_byte_limit_is_413(
    client: TestClient, callers: Callers, register_settings: EmbeddedSettings
) -> None:
    limit = register_settings.declarations.import_max_bytes
    data = b"declaration_ref,kind\n" + b"R-1,weapon\n" * (limit // 11 + 1)
    response = client.post(
        IMPORT, files={"file": ("huge.csv", data, "text/csv")}, headers=callers.state("SEN")
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_a_file_over_the_row_limit_is_413_naming_the_limit(
    client: TestClient, callers: Callers
) -> None:
    limit = ROW_LIMIT
    data = b"declaration_ref,kind\n" + b"R-1,weapon\n" * (limit + 1)
    response = client.post(
        IMPORT, files={"file": ("long.csv", data, "text/csv")}, headers=callers.state("SEN")
    )
    assert response.status_code == 413, response.text
    problem = response.json()
    assert problem["code"] == "upload_too_large"
    assert problem["errors"][0]["msg"].startswith(f"more than {limit} rows")


def test_a_pdf_is_415_saying_what_the_import_reads(client: TestClient, callers: Callers) -> None:
    response = client.post(
        IMPORT,
        files={"file": ("saisies.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "application/pdf")},
        headers=callers.state("SEN"),
    )
    assert response.status_code == 415
    problem = response.json()
    assert problem["code"] == "unsupported_file_type"
    assert "a PDF document" in problem["detail"]
    assert "XLSX" in problem["detail"]


def test_a_broken_workbook_and_a_json_body_are_422_saying_why(
    client: TestClient, callers: Callers
) -> None:
    sen = callers.state("SEN")
    broken = client.post(
        IMPORT, files={"file": ("s.xlsx", b"PK\x03\x04 not really a zip")}, headers=sen
    )
    assert broken.status_code == 422
    assert broken.json()["errors"][0]["msg"].startswith("not a readable XLSX workbook")
    no_file = client.post(IMPORT, json={"declarations": []}, headers=sen)
    assert no_file.status_code == 422
    assert any("file" in e["loc"] for e in no_file.json()["errors"])


def test_unknown_columns_and_a_missing_reference_column_are_named(
    client: TestClient, callers: Callers
) -> None:
    data = _csv([["nature", "numéro de série", "couleur"], ["arme", "A-1", "noir"]])
    response = client.post(
        IMPORT, files={"file": ("s.csv", data, "text/csv")}, headers=callers.state("SEN")
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[0]["loc"] == "row 1, column C (couleur)"
    assert "import/template" in errors[0]["msg"]


def test_rows_of_one_declaration_that_disagree_are_named_at_the_later_row(
    client: TestClient, callers: Callers
) -> None:
    header = ["declaration_ref", "declaration_type", "declaring_country", "event_date"]
    header += ["country", "kind", "description", "quantity"]
    rows = [
        header,
        ["R", "collection", "SEN", "2024-01-02", "SEN", "part", "bolt", "1"],
        ["R", "collection", "SEN", "2024-01-03", "SEN", "part", "barrel", "1"],
    ]
    response = client.post(
        IMPORT, files={"file": ("c.csv", _csv(rows, ","), "text/csv")}, headers=callers.state("SEN")
    )
    assert response.status_code == 422
    (problem,) = response.json()["errors"]
    assert problem["loc"] == "row 3, column D (event_date)"
    assert "differs from row 2" in problem["msg"]


def test_the_service_rules_and_tenancy_are_named_by_row_and_column(
    client: TestClient, callers: Callers
) -> None:
    sen = callers.state("SEN")
    header = ["declaration_ref", "declaration_type", "declaring_country", "mission"]
    header += ["event_date", "country", "kind", "description", "quantity"]
    rows = [
        header,
        ["A", "collection", "SEN", "NOSUCH", "2024-01-02", "SEN", "part", "bolt", "1"],
        ["B", "collection", "SEN", "", "2999-01-02", "SEN", "part", "bolt", "1"],
    ]
    response = client.post(IMPORT, files={"file": ("c.csv", _csv(rows, ","))}, headers=sen)
    assert response.status_code == 422, response.text
    assert {e["loc"] for e in response.json()["errors"]} == {
        "row 2, column D (mission)",
        "row 3, column E (event_date)",
    }
    rows[2][2] = "MLI"
    rows[2][4] = "2024-01-02"
    rows[1][3] = ""
    response = client.post(IMPORT, files={"file": ("c.csv", _csv(rows, ","))}, headers=sen)
    assert response.status_code == 403
    assert [e["loc"] for e in response.json()["errors"]] == ["row 3, column C (declaring_country)"]
    assert _declared(client, sen) == []


def test_a_retry_with_the_same_idempotency_key_stores_once(
    client: TestClient, callers: Callers
) -> None:
    headers = {**callers.state("SEN"), "Idempotency-Key": "import-1"}
    header = ["declaration_ref", "declaration_type", "declaring_country", "event_date"]
    header += ["country", "kind", "description", "quantity"]
    data = _csv([header, ["R", "collection", "SEN", "2024-01-02", "SEN", "part", "bolt", "1"]])
    first = client.post(IMPORT, files={"file": ("c.csv", data)}, headers=headers)
    again = client.post(IMPORT, files={"file": ("c.csv", data)}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert len(_declared(client, headers)) == 1
    other = client.post(
        IMPORT, files={"file": ("c.csv", data.replace(b"bolt", b"barrel"))}, headers=headers
    )
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"


def test_the_same_weapon_twice_in_one_declaration_names_both_rows(
    client: TestClient, callers: Callers
) -> None:
    header = ["declaration_ref", "declaration_type", "declaring_country", "event_date", "country"]
    header += ["kind", "category", "manufacturer", "model", "calibre", "serial_number"]
    seizure = ["R", "seizure", "SEN", "2024-01-02", "MLI"]
    weapon = ["weapon", "assault_rifle", "Kalashnikov", "AK-47", "7.62x39mm", "W-1"]
    other = ["weapon", "assault_rifle", "Kalashnikov", "AK-47", "7.62x39mm", "W-2"]
    rows = [header, [*seizure, *weapon], [*seizure, *other], [*seizure, *weapon]]
    response = client.post(
        IMPORT, files={"file": ("s.csv", _csv(rows, ","))}, headers=callers.state("SEN")
    )
    assert response.status_code == 422, response.text
    assert [(e["loc"], e["msg"]) for e in response.json()["errors"]] == [
        ("row 4", "the same item as row 2")
    ]


def test_a_french_ddr_collection_carries_its_people_figures(
    client: TestClient, callers: Callers
) -> None:
    header = [
        "référence de la déclaration",
        "type de déclaration",
        "pays déclarant",
        "date de l'événement",
        "pays",
        "lieu",
        "ddr",
        "programme",
        "ddr femmes de 18 ans et plus",
        "ddr hommes de moins de 18 ans",
        "nature",
        "catégorie",
        "fabricant",
        "modèle",
        "calibre",
        "numéro de série",
    ]
    row = ["DDR-1", "collecte", "MLI", "2024-03-02", "MLI", "Mopti", "oui", "PNDDR"]
    rows = [
        header,
        [*row, "9", "4", "arme", "assault_rifle", "Izhmash", "AKM", "7.62x39mm", "KM-1"],
        [*row, "", "", "arme", "assault_rifle", "Izhmash", "AKM", "7.62x39mm", "KM-2"],
    ]
    response = client.post(
        IMPORT,
        files={"file": ("ddr.csv", _csv(rows), "text/csv")},
        headers=callers.state("MLI"),
    )
    assert response.status_code == 201, response.text
    stored = _declared(client, callers.state("MLI"))
    assert len(stored) == 1
    detail = client.get(f"{URL}/{stored[0]['id']}", headers=callers.state("MLI")).json()
    assert detail["record"]["collection"]["people"] == {
        "female_18_and_over": 9,
        "male_under_18": 4,
    }


def _incident(client: TestClient, headers: dict[str, str], kind: str, place: str) -> str:
    body = {
        "type": kind,
        "date": "2024-03-01",
        "location": {"country": "MLI", "place": place, "lat": 15.9, "lon": 2.4},
        "presumed_user": "Katibat Macina",
    }
    response = client.post("/declarations/v1/incidents", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


INCIDENT_HEADER = [*FRENCH_HEADER[:4], "incident", *FRENCH_HEADER[4:]]


def _recovery(ref: str, incident: str, serial: str) -> list[str]:
    # Three weapons found after one ambush or in one cache, each its own declaration.
    weapon = ["arme", "assault_rifle", "Kalashnikov", "AK-47", "7.62x39mm", serial, "", ""]
    return [ref, "saisie", "SEN", "2024-03-02", incident, "MLI", "Ménaka", *weapon]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_one_file_carries_the_recoveries_of_several_incidents_each_declaration_linked(
    client: TestClient, callers: Callers, file_format: str
) -> None:
    sen = callers.state("SEN")
    ambush = _incident(client, sen, "attack_on_mission", "Tessit")
    cache = _incident(client, sen, "cache", "Ber")
    rows = [
        INCIDENT_HEADER,
        _recovery("AMB-1", ambush, "K-1"),
        _recovery("AMB-2", ambush, "K-2"),
        _recovery("CACHE-1", cache, "K-3"),
    ]
    upload = (
        ("recoveries.csv", _csv(rows), "text/csv")
        if file_format == "csv"
        else ("recoveries.xlsx", _xlsx(rows), XLSX)
    )

    response = client.post(IMPORT, files={"file": upload}, headers=sen)

    assert response.status_code == 201, response.text
    stored = response.json()["items"]
    records = {
        d["declaration_ref"]: client.get(f"{URL}/{d['id']}", headers=sen).json()["record"]
        for d in stored
    }
    assert {ref: r["incident_id"] for ref, r in records.items()} == {
        "AMB-1": ambush,
        "AMB-2": ambush,
        "CACHE-1": cache,
    }
    # The incidents are there to be read, each as recorded.
    for incident_id, kind in ((ambush, "attack_on_mission"), (cache, "cache")):
        read = client.get(f"/declarations/v1/incidents/{incident_id}", headers=sen)
        assert (read.status_code, read.json()["type"]) == (200, kind)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_unknown_or_malformed_incident_is_named_by_row_and_column_and_nothing_is_stored(
    client: TestClient, callers: Callers, file_format: str
) -> None:
    sen = callers.state("SEN")
    ambush = _incident(client, sen, "attack_on_mission", "Tessit")
    unknown = "00000000-0000-4000-8000-000000000000"
    rows = [
        INCIDENT_HEADER,
        _recovery("AMB-1", ambush, "K-1"),
        _recovery("AMB-2", "embuscade de Tessit", "K-2"),
        _recovery("CACHE-1", unknown, "K-3"),
    ]

    def refused(rows: list[list[str]]) -> dict[str, Any]:
        upload = (
            ("recoveries.csv", _csv(rows), "text/csv")
            if file_format == "csv"
            else ("recoveries.xlsx", _xlsx(rows), XLSX)
        )
        response = client.post(IMPORT, files={"file": upload}, headers=sen)
        assert response.status_code == 422, response.text
        problem: dict[str, Any] = response.json()
        assert "nothing was stored" in problem["detail"]
        return problem

    # Not an incident id at all: named as the file is read.
    malformed = refused(rows)["errors"]
    assert [e["loc"] for e in malformed] == ["row 3, column E (incident)"]
    # A well-formed id of no incident: named when the declarations are checked.
    rows[2] = _recovery("AMB-2", ambush, "K-2")
    unknown_problems = refused(rows)["errors"]
    assert [(e["loc"], e["msg"]) for e in unknown_problems] == [
        ("row 4, column E (incident)", f"no incident {unknown}")
    ]
    assert _declared(client, sen) == []
    assert _tree_size(client) == 0
