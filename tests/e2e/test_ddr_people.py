"""DDR as the Secretary-General asks (issue 14, item 5; S/2017/1025 para. 31): a DDR
collection records how many people handed in materiel, by sex and age group; the figures
reach the registry index through the log-backed feed and statistics sum them within
the tenancy of statistics."""

from __future__ import annotations

import base64
import json
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient

from services.embedded import EmbeddedSettings
from tests.e2e.test_index_feed import DELIVER, give_relay_a_client
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

DECLARATIONS = "/declarations/v1/declarations"
STATS = "/registry/v1/statistics"
RIFLE = {
    "kind": "weapon",
    "category": "assault_rifle",
    "manufacturer": "Kalashnikov Concern",
    "model": "AKM",
    "calibre": "7.62x39mm",
    "serial_number": "DDR-0001",
}
PEOPLE = {
    "female_under_18": 2,
    "female_18_and_over": 9,
    "male_under_18": 4,
    "male_18_and_over": 31,
}


def ddr_collection(
    people: dict[str, int] | None, *, serial: str = "DDR-0001", days_ago: int = 3
) -> dict[str, Any]:
    collection: dict[str, Any] = {"ddr": True, "programme": "PNDDRR Central African Republic"}
    if people is not None:
        collection["people"] = people
    return {
        "type": "collection",
        "declaring_country": "CAF",
        "mission": "MINUSCA",
        "event_date": (date.today() - timedelta(days=days_ago)).isoformat(),
        "location": {"country": "CAF", "place": "Bria", "lat": 6.54, "lon": 21.99},
        "collection": collection,
        "items": [RIFLE | {"serial_number": serial}],
    }


def central_africa(auth_api: AuthApi) -> dict[str, str]:
    return auth_api.member_state_headers("CAF", ("declarations:write", "register:read"))


def deliver(client: TestClient, auth_api: AuthApi, settings: EmbeddedSettings) -> int:
    give_relay_a_client(auth_api, settings)
    delivered = assert_status(client.post(DELIVER, headers=auth_api.admin_headers()), 200)
    return int(delivered["delivered"])


def people(client: TestClient, headers: dict[str, str], group_by: str) -> list[dict[str, Any]]:
    body = assert_status(client.get(STATS, params={"group_by": group_by}, headers=headers), 200)
    rows: list[dict[str, Any]] = body["ddr_people"]
    return rows


def test_ddr_figures_are_summed_in_statistics_per_country_mission_and_year(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    caf = central_africa(auth_api)
    assert_status(client.post(DECLARATIONS, json=ddr_collection(PEOPLE), headers=caf), 201)
    second = ddr_collection(
        {"female_18_and_over": 1, "male_18_and_over": 5, "sex_or_age_unknown": 3},
        serial="DDR-0002",
    )
    assert_status(client.post(DECLARATIONS, json=second, headers=caf), 201)
    # A DDR collection without figures is a collection still, but gives no people.
    assert_status(
        client.post(DECLARATIONS, json=ddr_collection(None, serial="DDR-0003"), headers=caf), 201
    )
    assert deliver(client, auth_api, register_settings) == 3

    (by_country,) = people(client, caf, "country")
    assert by_country == {
        "key": "CAF",
        "collections": 2,
        "female_under_18": 2,
        "female_18_and_over": 10,
        "male_under_18": 4,
        "male_18_and_over": 36,
        "sex_or_age_unknown": 3,
        "female": 12,
        "male": 40,
        "under_18": 6,
        "total": 55,
    }
    assert [(r["key"], r["total"]) for r in people(client, caf, "mission")] == [("MINUSCA", 55)]
    year = str((date.today() - timedelta(days=3)).year)
    assert [(r["key"], r["total"]) for r in people(client, caf, "year")] == [(year, 55)]
    assert [(r["key"], r["total"]) for r in people(client, caf, "type")] == [("collection", 55)]
    # People are counted per collection, not per item: no figures by category.
    assert people(client, caf, "category") == []
    # Tenancy as for statistics: another state sees none; ECCAS's secretariat does.
    assert people(client, auth_api.member_state_headers("GHA"), "country") == []
    eccas = people(client, auth_api.secretariat_headers("ECCAS"), "country")
    assert [(r["key"], r["total"]) for r in eccas] == [("CAF", 55)]


def test_people_figures_are_for_ddr_collections_only_and_never_negative(
    client: TestClient, auth_api: AuthApi
) -> None:
    caf = central_africa(auth_api)
    negative = client.post(
        DECLARATIONS, json=ddr_collection(PEOPLE | {"male_under_18": -1}), headers=caf
    )
    assert negative.status_code == 422, negative.text
    assert [e["loc"] for e in negative.json()["errors"]] == ["collection.people.male_under_18"]

    seizure = ddr_collection(PEOPLE) | {"type": "seizure"}
    refused = client.post(DECLARATIONS, json=seizure, headers=caf)
    assert refused.status_code == 422, refused.text
    problems = {e["loc"]: e["msg"] for e in refused.json()["errors"]}
    assert set(problems) == {"collection", "collection.people"}
    assert problems["collection.people"] == (
        "only a DDR collection records the people who handed materiel in; this is a seizure"
    )

    outside_ddr = ddr_collection(PEOPLE)
    outside_ddr["collection"] = {"ddr": False, "people": PEOPLE}
    refused = client.post(DECLARATIONS, json=outside_ddr, headers=caf)
    assert refused.status_code == 422, refused.text
    assert [e["loc"] for e in refused.json()["errors"]] == ["collection.people"]
    assert "set collection.ddr" in refused.json()["errors"][0]["msg"]

    empty = client.post(DECLARATIONS, json=ddr_collection({}), headers=caf)
    assert empty.status_code == 422, empty.text
    assert [e["loc"] for e in empty.json()["errors"]] == ["collection.people"]
    listed = client.get(DECLARATIONS, headers=caf).json()["items"]
    assert listed == []


def _logged_entry(client: TestClient, headers: dict[str, str], index: int) -> bytes:
    page = assert_status(
        client.get(
            "/declarations/v1/log/entries",
            params={"start": index, "end": index + 1},
            headers=headers,
        ),
        200,
    )
    (entry,) = page["entries"]
    return base64.b64decode(entry["leaf_input"])


def test_figures_added_by_amendment_are_a_new_version_and_the_first_is_untouched(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    caf = central_africa(auth_api)
    created = assert_status(client.post(DECLARATIONS, json=ddr_collection(None), headers=caf), 201)
    first = assert_status(client.get(f"{DECLARATIONS}/{created['id']}", headers=caf), 200)
    assert "people" not in first["record"]["collection"]
    entry_before = _logged_entry(client, caf, created["log_index"])
    assert deliver(client, auth_api, register_settings) == 1
    assert people(client, caf, "country") == []

    amended = client.post(
        f"{DECLARATIONS}/{created['id']}/amendments",
        json={
            "reason": "DDR figures from the camp register",
            "changes": {"collection": {"people": PEOPLE}},
        },
        headers=caf | {"If-Match": created["etag"]},
    )
    assert amended.status_code == 201, amended.text
    assert deliver(client, auth_api, register_settings) == 1
    assert [r["total"] for r in people(client, caf, "country")] == [46]

    versions = assert_status(
        client.get(f"{DECLARATIONS}/{created['id']}/versions", headers=caf), 200
    )["items"]
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[0]["record_sha256"] == created["record_sha256"]
    assert "people" not in versions[0]["record"]["collection"]
    assert versions[1]["record"]["collection"]["people"] == PEOPLE
    assert _logged_entry(client, caf, created["log_index"]) == entry_before
    assert json.loads(entry_before)["record_sha256"] == created["record_sha256"]
