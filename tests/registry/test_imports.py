"""CSV and XLSX imports: encodings, separators, French headers, row-and-column problems."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from openpyxl import Workbook

from tests.registry.factories import MANIFESTS

IMPORT = f"{MANIFESTS}/import"
FORM = {
    "direction": "in",
    "mission": "MINUSCA",
    "contributing_country": "SEN",
    "unit": "SENBATT 7",
    "crossing_date": "2024-03-01",
}
FRENCH = (
    "TYPE ; Catégorie;FABRICANT;modele;calibre;Numéro de série;Quantité;Marquages\n"
    "arme;assault_rifle;Kalashnikov Concern;AK-103;7.62x39mm;KC-1;;Propriété de l'État\n"
    "pièce;;;;;;4;Canon de rechange\n"
)


def _post(
    client: TestClient,
    headers: dict[str, str],
    data: bytes,
    name: str = "m.csv",
    form: dict[str, str] | None = None,
):  # type: ignore[no-untyped-def]
    return client.post(IMPORT, data=form or FORM, files={"file": (name, data)}, headers=headers)


def _first_item(client: TestClient, headers: dict[str, str], manifest_id: str) -> dict:  # type: ignore[type-arg]
    return client.get(f"{MANIFESTS}/{manifest_id}/items", headers=headers).json()["items"][0]


def test_semicolon_csv_with_bom_and_french_headers(client: TestClient, sen: dict[str, str]) -> None:
    response = _post(
        client,
        sen,
        b"\xef\xbb\xbf"
        + FRENCH.replace("Canon de rechange", "Canon")
        .replace(";Marquages", ";Description")
        .encode(),
    )
    assert response.status_code == 201, response.text
    assert response.json()["item_count"] == 2


def test_latin1_csv_keeps_accents(client: TestClient, sen: dict[str, str]) -> None:
    response = _post(client, sen, FRENCH.encode("latin-1"))
    assert response.status_code == 422  # the part row has no description column
    text = FRENCH.replace("Marquages", "Description").replace("Propriété de l'État", "")
    text = text.replace("arme;", "arme;", 1)
    ok = _post(
        client,
        sen,
        (
            text.split("\n")[0] + "\n" + "arme;assault_rifle;Kalashnikov "
            "Concern;AK-103;7.62x39mm;KC-2;;Crosse abîmée\n"
        ).encode("latin-1"),
    )
    assert ok.status_code == 201, ok.text
    assert _first_item(client, sen, ok.json()["id"])["description"] == "Crosse abîmée"


def test_bad_cells_are_named_by_row_and_column(client: TestClient, sen: dict[str, str]) -> None:
    csv = (
        b"kind,category,manufacturer,model,calibre,serial_number,quantity\n"
        b"weapon,assault_rifle,Kalashnikov Concern,AK-103,7.62x39mm,KC-1,\n"
        b"weapon,flamethrower,Kalashnikov Concern,AK-103,7.62x39mm,KC-2,\n"
        b"ammunition,,,,7.62x39mm,,lots\n"
    )
    response = _post(client, sen, csv)
    assert response.status_code == 422
    locs = {e["loc"] for e in response.json()["errors"]}
    assert "row 3, column B (category)" in locs
    assert "row 4, column G (quantity)" in locs
    assert "row 4, column lot_number (absent from the file)" in locs


def test_bad_cells_and_balance_problems_are_named_together(
    client: TestClient, sen: dict[str, str]
) -> None:
    first = b"kind,category,manufacturer,model,calibre,serial_number\n" + (
        b"weapon,assault_rifle,Kalashnikov Concern,AK-103,7.62x39mm,KC-1\n"
    )
    assert _post(client, sen, first).status_code == 201
    again = first + b"weapon,flamethrower,Kalashnikov Concern,AK-103,7.62x39mm,KC-2\n"
    response = _post(client, sen, again)
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["errors"]] == [
        "row 3, column B (category)",
        "row 2, column F (serial_number)",
    ]
    assert "already in MINUSCA" in response.json()["errors"][1]["msg"]


def test_unknown_header_is_named(client: TestClient, sen: dict[str, str]) -> None:
    response = _post(client, sen, b"kind,colour\nweapon,red\n")
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == "row 1, column B (colour)"


def test_form_and_file_problems_are_reported_together(
    client: TestClient, sen: dict[str, str]
) -> None:
    form = {**FORM, "crossing_date": "yesterday", "direction": "sideways"}
    response = _post(client, sen, b"kind,colour\n", form=form)
    locs = {e["loc"] for e in response.json()["errors"]}
    assert {"crossing_date", "direction", "row 1, column B (colour)"} <= locs


def test_xlsx_with_french_headers(client: TestClient, sen: dict[str, str]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "Type",
            "Catégorie",
            "Fabricant",
            "Modèle",
            "Calibre",
            "Numéro de série",
            "Année de fabrication",
        ]
    )
    sheet.append(["arme", "rifle_carbine", "FN Herstal", "FAL", "7.62x51mm", 123456, 1979])
    sheet.append(["arme", "rifle_carbine", "FN Herstal", "FAL", "7.62x51mm", None, 1979])
    buffer = io.BytesIO()
    book.save(buffer)
    bad = _post(client, sen, buffer.getvalue(), name="m.xlsx")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == "row 3, column F (Numéro de série)"
    sheet.delete_rows(3)
    buffer = io.BytesIO()
    book.save(buffer)
    good = _post(client, sen, buffer.getvalue(), name="m.xlsx")
    assert good.status_code == 201, good.text
    assert _first_item(client, sen, good.json()["id"])["serial_number"] == "123456"


def test_corrupt_xlsx_is_a_422(client: TestClient, sen: dict[str, str]) -> None:
    response = _post(client, sen, b"PK\x03\x04 not really a zip", name="m.xlsx")
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == "file"


def test_template_imports_as_is(client: TestClient, sen: dict[str, str]) -> None:
    template = client.get(f"{MANIFESTS}/template.csv", headers=sen)
    assert template.status_code == 200
    assert template.headers["content-type"].startswith("text/csv")
    response = _post(client, sen, template.content)
    assert response.status_code == 201, response.text
    assert response.json()["item_count"] == 7
