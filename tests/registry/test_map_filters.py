"""The map's filters (issue 16, item 4): kind of record, mission and presumed user, on
the points and on the time slider's years, within tenancy; the declarations naming one
incident are one point listing them."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.registry.factories import INDEX, MANIFESTS, declared_weapon, delivery, manifest, weapon
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

MAP = "/registry/v1/statistics/locations.geojson"
AMBUSH = "0b3c1d7e-8a4f-4c21-9d8e-5f6a7b8c9d01"


def _declare(client: TestClient, auth_api: AuthApi, declaration_id: str, **fields: Any) -> None:
    body = delivery(
        [declared_weapon(0, f"S-{declaration_id}")], declaration_id=declaration_id, **fields
    )
    relay = auth_api.operator_headers(("index:write",))
    assert_status(client.post(INDEX, json=body, headers=relay), 200)


def _ambush(day: str) -> dict[str, Any]:
    return {
        "id": AMBUSH,
        "type": "attack_on_mission",
        "date": day,
        "country": "MLI",
        "presumed_user": "Katiba Massina",  # an alias of KATIBAT_MACINA (listed)
    }


@pytest.fixture
def places(client: TestClient, auth_api: AuthApi, sen: dict[str, str]) -> None:
    """Niger's seizure of 2021 (MINUSMA, Katiba Massina), Niger's collection of 2022
    (MINUSCA, government forces), Mali's destruction of 2022 (MINUSMA, no presumed user),
    the ambush of 2023 declared by Niger then Mali (MINUSMA), Senegal's loss of 2024
    (MINUSCA)."""
    _declare(
        client,
        auth_api,
        "decl-seizure",
        event_date="2021-04-01",
        presumed_user="Katiba Massina",
        presumed_user_kind="non_state_armed_group",
    )
    _declare(
        client,
        auth_api,
        "decl-collection",
        type_="collection",
        mission="MINUSCA",
        event_date="2022-02-01",
        presumed_user="FACA",
        presumed_user_kind="government_forces",
    )
    _declare(
        client,
        auth_api,
        "decl-destruction",
        type_="destruction",
        country="MLI",
        event_date="2022-09-01",
    )
    for declaration_id, country, day in (
        ("decl-ambush-ner", "NER", "2023-06-02"),
        ("decl-ambush-mli", "MLI", "2023-06-05"),
    ):
        _declare(
            client,
            auth_api,
            declaration_id,
            country=country,
            event_date=day,
            incident_id=AMBUSH,
            incident=_ambush("2023-06-01"),
            location={
                "country": "MLI",
                "place": "Tessit",
                "lat": 15.0 if country == "NER" else 15.1,
                "lon": 0.9,
            },
        )
    assert_status(client.post(MANIFESTS, json=manifest([weapon("AK-1")]), headers=sen))
    loss = {
        "mission": "MINUSCA",
        "contributing_country": "SEN",
        "loss_type": "captured_in_attack",
        "loss_date": "2024-05-01",
        "place": "Bambari",
        "circumstance": "ambush",
        "coordinates": {"lat": 5.76, "lon": 20.67},
        "circumstances": "Convoy ambushed",
        "items": [{"kind": "weapon", "serial_number": "AK-1"}],
    }
    assert_status(client.post("/registry/v1/loss-reports", json=loss, headers=sen), 201)


def _ids(answer: dict[str, Any]) -> list[str]:
    """Each feature's record: ``loss``, ``ambush`` (the incident) or its declaration."""
    found = []
    for feature in answer["features"]:
        p = feature["properties"]
        if p["record"] == "loss":
            found.append("loss")
        elif p["record"] == "incident":
            found.append("ambush")
        else:
            found.append(p["declaration_id"])
    return found


def _map(client: TestClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    return assert_status(client.get(MAP, params=params, headers=headers), 200)


@pytest.mark.usefixtures("places")
def test_the_kind_of_record_filters_the_points_and_the_years(
    client: TestClient, auth_api: AuthApi
) -> None:
    ecowas = auth_api.secretariat_headers("ECOWAS")
    every = _map(client, ecowas)
    assert _ids(every) == ["decl-seizure", "decl-collection", "decl-destruction", "ambush", "loss"]
    assert every["years"] == [2021, 2022, 2023, 2024]
    destruction = _map(client, ecowas, type="destruction")
    assert _ids(destruction) == ["decl-destruction"]
    assert destruction["years"] == [2022]
    losses = _map(client, ecowas, type="loss")
    assert _ids(losses) == ["loss"]
    assert losses["years"] == [2024]


@pytest.mark.usefixtures("places")
def test_a_mission_keeps_its_declarations_and_losses_and_their_years(
    client: TestClient, auth_api: AuthApi
) -> None:
    ecowas = auth_api.secretariat_headers("ECOWAS")
    minusca = _map(client, ecowas, mission="minusca")  # as typed: codes are upper-case
    assert _ids(minusca) == ["decl-collection", "loss"]
    assert minusca["years"] == [2022, 2024]
    minusma = _map(client, ecowas, mission="MINUSMA", year=2022)
    assert _ids(minusma) == ["decl-destruction"]
    assert minusma["years"] == [2021, 2022, 2023]
    assert _map(client, ecowas, mission="MINUSMAH") == {
        "type": "FeatureCollection",
        "features": [],
        "truncated": False,
        "years": [],
    }


@pytest.mark.usefixtures("places")
def test_a_presumed_user_is_the_armed_group_else_the_kind_and_leaves_losses_out(
    client: TestClient, auth_api: AuthApi
) -> None:
    ecowas = auth_api.secretariat_headers("ECOWAS")
    group = _map(client, ecowas, presumed_user="katibat_macina")
    # The seizure's own presumed user and the ambush's resolve to the group.
    assert _ids(group) == ["decl-seizure", "ambush"]
    assert group["years"] == [2021, 2023]
    government = _map(client, ecowas, presumed_user="government_forces")
    assert _ids(government) == ["decl-collection"]
    assert government["years"] == [2022]
    # The seizure's kind is non_state_armed_group, but its group is named: it is the group's.
    assert _map(client, ecowas, presumed_user="non_state_armed_group")["features"] == []
    assert _map(client, ecowas, presumed_user="JNIM", type="loss") == {
        "type": "FeatureCollection",
        "features": [],
        "truncated": False,
        "years": [],
    }


@pytest.mark.usefixtures("places")
def test_the_filters_stay_within_what_the_caller_may_read(
    client: TestClient, auth_api: AuthApi
) -> None:
    niger = auth_api.member_state_headers("NER")
    minusma = _map(client, niger, mission="MINUSMA")
    # Niger's seizure and its own declaration of the ambush, not Mali's.
    assert _ids(minusma) == ["decl-seizure", "ambush"]
    (ambush,) = [f for f in minusma["features"] if f["properties"]["record"] == "incident"]
    assert [d["declaration_id"] for d in ambush["properties"]["declarations"]] == [
        "decl-ambush-ner"
    ]
    assert minusma["years"] == [2021, 2023]
    senegal = auth_api.member_state_headers("SEN")
    assert _ids(_map(client, senegal, mission="MINUSCA")) == ["loss"]
    assert _map(client, senegal, presumed_user="government_forces")["years"] == []
    ghana = auth_api.member_state_headers("GHA")
    assert _map(client, ghana, mission="MINUSMA", type="seizure")["years"] == []


@pytest.mark.usefixtures("places")
def test_the_declarations_of_one_incident_are_one_point_listing_them(
    client: TestClient, auth_api: AuthApi
) -> None:
    ecowas = auth_api.secretariat_headers("ECOWAS")
    (ambush,) = [f for f in _map(client, ecowas)["features"] if f["properties"].get("incident_id")]
    assert ambush["geometry"] == {"type": "Point", "coordinates": [0.9, 15.0]}  # the oldest's
    properties = ambush["properties"]
    assert (properties["record"], properties["incident_id"]) == ("incident", AMBUSH)
    assert properties["item_count"] == 2
    assert [
        (d["declaration_id"], d["declaring_country"], d["event_date"])
        for d in properties["declarations"]
    ] == [("decl-ambush-ner", "NER", "2023-06-02"), ("decl-ambush-mli", "MLI", "2023-06-05")]
    # One feature counts once against the limit.
    cut = _map(client, ecowas, **{"from": "2023-01-01", "limit": 1})
    assert _ids(cut) == ["ambush"]
    assert cut["truncated"] is True  # the loss of 2024 is past it


def test_bad_filters_are_each_named(client: TestClient, auth_api: AuthApi) -> None:
    ecowas = auth_api.secretariat_headers("ECOWAS")
    refused = client.get(
        MAP,
        params={"type": "theft", "mission": "MINUSMA; drop", "presumed_user": "x"},
        headers=ecowas,
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    named = {e["loc"] for e in refused.json()["errors"]}
    assert named == {"query.type", "query.mission", "query.presumed_user"}
    unlisted = client.get(
        MAP,
        params={"presumed_user": "NO_SUCH_GROUP", "from": "2024-02-01", "to": "2024-01-01"},
        headers=ecowas,
    )
    assert unlisted.status_code == 422
    assert {e["loc"] for e in unlisted.json()["errors"]} == {"query.to", "query.presumed_user"}
