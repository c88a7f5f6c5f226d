"""A CSV or XLSX manifest saved as a draft (issue 15, item 5): the import's reader turns
the file into the draft's body, its problems are listed, and approval creates the
manifest; nothing else is stored, and an unreadable file stores no draft."""

from __future__ import annotations

from fastapi.testclient import TestClient

from services.embedded import EmbeddedSettings
from tests.registry.factories import MANIFESTS
from tests.support.auth_fixtures import AuthApi
from tests.support.draft_people import person_headers
from tests.support.responses import assert_status

IMPORT = "/registry/v1/manifest-drafts/import"
FORM = {
    "mission": "MINUSCA",
    "contributing_country": "SEN",
    "direction": "in",
    "unit": "SENBATT 7",
    "crossing_date": "2024-03-01",
}
FRENCH_CSV = (
    "type;catégorie;fabricant;modèle;calibre;numéro de série\n"
    "arme;assault_rifle;Kalashnikov Concern;AK-103;7.62x39mm;KC-1\n"
    "arme;assault_rifle;Kalashnikov Concern;AK-103;7.62x39mm;\n"
).encode()


def test_a_french_csv_becomes_a_draft_with_its_problems_and_then_a_manifest(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    editor = person_headers(client, auth_api, register_settings, org="SEN", role="editor")
    admin = person_headers(client, auth_api, register_settings, org="SEN", role="admin")
    files = {"file": ("rotation.csv", FRENCH_CSV, "text/csv")}
    created = client.post(
        IMPORT, data=FORM, files=files, headers={**editor, "Idempotency-Key": "d-1"}
    )
    draft = assert_status(created, 201)
    assert draft["status"] == "draft"
    assert draft["title"] == "rotation.csv"
    assert draft["body"]["unit"] == "SENBATT 7"
    assert [i.get("serial_number") for i in draft["body"]["items"]] == ["KC-1", None]
    assert {p["loc"] for p in draft["problems"]} == {"items[1].serial_number"}
    replay = client.post(
        IMPORT, data=FORM, files=files, headers={**editor, "Idempotency-Key": "d-1"}
    )
    assert assert_status(replay, 201)["id"] == draft["id"]
    assert assert_status(client.get(MANIFESTS, headers=editor), 200)["items"] == []

    fixed = FRENCH_CSV.replace(b"7.62x39mm;\n", b"7.62x39mm;KC-2\n")
    second = client.post(
        IMPORT, data=FORM, files={"file": ("rotation.csv", fixed, "text/csv")}, headers=editor
    )
    good = assert_status(second, 201)
    assert good["problems"] == []
    draft_url = f"/registry/v1/manifest-drafts/{good['id']}"
    assert_status(client.post(f"{draft_url}/submit", headers=editor), 200)
    approved = assert_status(client.post(f"{draft_url}/approve", headers=admin), 200)
    stored = client.get(f"{MANIFESTS}/{approved['record_id']}", headers=editor)
    assert assert_status(stored, 200)["item_count"] == 2


def test_an_unreadable_file_or_a_reader_stores_no_draft(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    editor = person_headers(client, auth_api, register_settings, org="SEN", role="editor")
    empty = client.post(
        IMPORT, data=FORM, files={"file": ("x.csv", b"", "text/csv")}, headers=editor
    )
    assert assert_status(empty, 422)["errors"]
    no_kind = client.post(
        IMPORT, data=FORM, files={"file": ("x.csv", b"model\nAK\n", "text/csv")}, headers=editor
    )
    assert_status(no_kind, 422)
    reader = person_headers(client, auth_api, register_settings, org="SEN", role="reader")
    files = {"file": ("rotation.csv", FRENCH_CSV, "text/csv")}
    assert_status(client.post(IMPORT, data=FORM, files=files, headers=reader), 403)
    listed = client.get("/registry/v1/manifest-drafts", headers=editor)
    assert assert_status(listed, 200)["items"] == []


def test_a_planned_end_of_rotation_column_becomes_the_draft_s_and_its_problem_is_listed(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    editor = person_headers(client, auth_api, register_settings, org="SEN", role="editor")
    csv = (
        "type;numéro de série;catégorie;fabricant;modèle;calibre;fin de rotation\n"
        "arme;KC-1;assault_rifle;Kalashnikov Concern;AK-103;7.62x39mm;2024-02-01\n"
    ).encode()
    created = client.post(IMPORT, data=FORM, files={"file": ("r.csv", csv)}, headers=editor)
    draft = assert_status(created, 201)
    assert draft["body"]["rotation_end_date"] == "2024-02-01"
    assert [p["loc"] for p in draft["problems"]] == ["rotation_end_date"]  # before 2024-03-01
