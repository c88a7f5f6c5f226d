"""The seed's Katibat Massina case (briefing paper, central Mali): "ammunition used in
various attacks ... calibre 7.62 x 39 mm, produced in 2015 ... collected at specific
attack sites allowed MINUSMA to tie it directly to Katibat Massina, an
al-Qaeda-affiliated armed group" (issue 14, items 1, 3 and 6).

Real parts only: incidents and declarations in the declarations service, the relay
delivering the logged records (and the incidents they name) to the registry's index
over the embedded transport, alerts read back from the registry.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from services.embedded import EmbeddedSettings
from tests.e2e.test_index_feed import DELIVER, give_relay_a_client, rifle
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

INCIDENTS = "/declarations/v1/incidents"
DECLARATIONS = "/declarations/v1/declarations"
ALERTS = "/registry/v1/alerts"


def fired_cases(headstamp: str, quantity: int = 40) -> dict[str, Any]:
    """Cartridge cases picked up at an attack site: a headstamp, never a lot."""
    return {
        "kind": "ammunition",
        "calibre": "7.62 × 39 mm",
        "headstamp": headstamp,
        "condition": "fired",
        "quantity": quantity,
    }


def attack(client: TestClient, headers: dict[str, str], *, place: str, on: str, kind: str) -> str:
    body = {
        "type": kind,
        "date": on,
        "location": {"country": "MLI", "place": place, "lat": 14.35, "lon": -4.2},
        "presumed_user": "Katibat Macina",
    }
    return str(assert_status(client.post(INCIDENTS, json=body, headers=headers), 201)["id"])


def recovery(
    country: str, incident_id: str, on: str, place: str, items: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "type": "seizure",
        "declaring_country": country,
        "mission": "MINUSMA",
        "event_date": on,
        "location": {"country": "MLI", "place": place},
        "incident_id": incident_id,
        "items": items,
    }


def declare(client: TestClient, headers: dict[str, str], body: dict[str, Any]) -> str:
    return str(assert_status(client.post(DECLARATIONS, json=body, headers=headers), 201)["id"])


def deliver(client: TestClient, auth_api: AuthApi) -> None:
    assert_status(client.post(DELIVER, headers=auth_api.admin_headers()), 200)


def alerts(client: TestClient, headers: dict[str, str], kind: str) -> list[dict[str, Any]]:
    response = client.get(ALERTS, params={"kind": kind}, headers=headers)
    return list(assert_status(response, 200)["items"])


def test_three_attacks_with_cases_of_one_maker_and_year_raise_one_linkage_alert_naming_all(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    give_relay_a_client(auth_api, register_settings)
    mali = auth_api.member_state_headers("MLI")
    niger = auth_api.member_state_headers("NER")
    senegal = auth_api.member_state_headers("SEN")
    sites = [
        (mali, "MLI", "Dioura", "2019-01-27", "attack_on_national_forces"),
        (niger, "NER", "Mopti road", "2019-03-10", "attack_on_mission"),
        (senegal, "SEN", "Boni", "2019-05-02", "attack_on_mission"),
    ]
    incidents = [attack(client, h, place=p, on=d, kind=k) for h, _, p, d, k in sites]
    # Two attacks first: the group's alert is raised naming both.
    ids = [
        declare(client, h, recovery(c, i, d, p, [fired_cases("711 15")]))
        for (h, c, p, d, _), i in zip(sites[:2], incidents[:2], strict=True)
    ]
    deliver(client, auth_api)
    (raised,) = alerts(client, auth_api.secretariat_headers("ECOWAS"), "linkage")
    assert {d["declaration_id"] for d in raised["evidence"]["declarations"]} == set(ids)

    # The third attack joins that alert; cases of 2016 at the same site join nothing.
    h, c, p, d, _ = sites[2]
    ids.append(declare(client, h, recovery(c, incidents[2], d, p, [fired_cases("711 15")])))
    other_year = declare(client, h, recovery(c, incidents[2], d, p, [fired_cases("711 16")]))
    deliver(client, auth_api)

    linked = alerts(client, auth_api.secretariat_headers("ECOWAS"), "linkage")
    assert [a["id"] for a in linked] == [raised["id"]]
    evidence = linked[0]["evidence"]
    assert [d["declaration_id"] for d in evidence["declarations"]] == ids
    assert other_year not in {d["declaration_id"] for d in evidence["declarations"]}
    assert evidence["incidents"] == 3
    assert evidence["signature"]["year_of_manufacture"] == 2015
    assert evidence["signature"]["lot_key"] is None
    first = evidence["declarations"][0]
    assert first["headstamp"] == "711 15"
    assert first["headstamp_maker"] == "Klimovsk Specialized Ammunition Plant"
    assert first["condition"] == "fired"
    assert first["presumed_user"] is None  # declared on the incident, not the declaration
    assert {d["armed_group"] for d in evidence["declarations"]} == {"KATIBAT_MACINA"}
    assert {d["incident_id"] for d in evidence["declarations"]} == set(incidents)
    # Each declaring state sees the one alert; a state outside it sees none.
    for state in ("MLI", "NER", "SEN"):
        seen = alerts(client, auth_api.member_state_headers(state), "linkage")
        assert [a["id"] for a in seen] == [raised["id"]]
    assert alerts(client, auth_api.member_state_headers("GHA"), "linkage") == []
    detail = assert_status(
        client.get(f"{ALERTS}/{raised['id']}", headers=auth_api.secretariat_headers("ECOWAS")),
        200,
    )
    assert [e["to_status"] for e in detail["events"]] == ["open", "open"]
    assert ids[2] in detail["events"][1]["note"]


def test_cases_found_twice_within_one_incident_raise_no_linkage(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    give_relay_a_client(auth_api, register_settings)
    mali = auth_api.member_state_headers("MLI")
    niger = auth_api.member_state_headers("NER")
    incident = attack(client, mali, place="Dioura", on="2019-01-27", kind="cache")
    for headers, country in ((mali, "MLI"), (niger, "NER")):
        body = recovery(country, incident, "2019-01-28", "Dioura", [fired_cases("539 12")])
        declare(client, headers, body)
    deliver(client, auth_api)
    assert alerts(client, auth_api.secretariat_headers("ECOWAS"), "linkage") == []


def test_an_item_recovered_from_a_jnim_attack_raises_an_embargo_alert_under_the_isil_al_qaida_entry(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    give_relay_a_client(auth_api, register_settings)
    niger = auth_api.member_state_headers("NER")
    jnim = assert_status(
        client.post(
            INCIDENTS,
            json={
                "type": "attack_on_mission",
                "date": "2021-04-02",
                "location": {"country": "MLI", "place": "Aguelhok"},
                "presumed_user": "GSIM",
            },
            headers=niger,
        ),
        201,
    )["id"]
    bandits = assert_status(
        client.post(
            INCIDENTS,
            json={
                "type": "banditry",
                "date": "2021-04-03",
                "location": {"country": "MLI", "place": "Gao"},
                "presumed_user": "road bandits",
            },
            headers=niger,
        ),
        201,
    )["id"]
    made_2019 = rifle("JN-1") | {"year_of_manufacture": 2019}
    listed = declare(client, niger, recovery("NER", jnim, "2021-04-02", "Aguelhok", [made_2019]))
    declare(
        client,
        niger,
        recovery(
            "NER", bandits, "2021-04-03", "Gao", [rifle("BD-1") | {"year_of_manufacture": 2019}]
        ),
    )
    deliver(client, auth_api)

    (alert,) = alerts(client, niger, "embargo")
    assert alert["declaration_id"] == listed
    assert alert["evidence"]["embargo"]["id"] == "seed-isil-aq-2002"
    assert alert["evidence"]["embargo"]["scope"] == "listed_entities"
    assert alert["evidence"]["armed_group"] == "JNIM"
