"""Embargoes with their real scope (issue 14, item 6): to whom an embargo applies, its
exemptions, withdrawn entries, and the alerts they no longer raise."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.registry.factories import INDEX, declared_weapon, delivery
from tests.support.auth_fixtures import AuthApi
from tests.support.declarations_log import proven
from tests.support.responses import assert_status

ALERTS = "/registry/v1/alerts"
EMBARGOES = "/registry/v1/embargoes"
CHANGES = "/registry/v1/reference/changes"


def _deliver(client: TestClient, auth_api: AuthApi, body: dict[str, Any]) -> int:
    response = client.post(INDEX, json=body, headers=auth_api.operator_headers(("index:write",)))
    assert response.status_code == 200, response.text
    return int(response.json()["alerts"])


def _embargo_alerts(client: TestClient, auth_api: AuthApi, country: str) -> list[dict[str, Any]]:
    headers = auth_api.member_state_headers(country)
    response = client.get(ALERTS, params={"kind": "embargo"}, headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def _rifle_found(
    *, declaration_id: str, where: str, on: str, made: int, user: str | None
) -> dict[str, Any]:
    return delivery(
        # A maker of its own, so that no linkage alert joins the count.
        [
            declared_weapon(
                0, f"{declaration_id}-R1", year_of_manufacture=made, manufacturer=declaration_id
            )
        ],
        declaration_id=declaration_id,
        country="SEN",
        mission=None,
        location_country=where,
        event_date=on,
        presumed_user_kind=user,
    )


def test_a_rifle_made_in_2019_seized_in_mali_in_2020_raises_no_embargo_alert(
    client: TestClient, auth_api: AuthApi
) -> None:
    for user in (None, "non_state_armed_group"):
        body = _rifle_found(
            declaration_id=f"mli-{user}", where="MLI", on="2020-03-01", made=2019, user=user
        )
        assert _deliver(client, auth_api, body) == 0
    assert _embargo_alerts(client, auth_api, "SEN") == []


def test_in_car_in_2024_a_rifle_from_an_armed_group_raises_an_embargo_alert(
    client: TestClient, auth_api: AuthApi
) -> None:
    body = _rifle_found(
        declaration_id="caf-armed-group",
        where="CAF",
        on="2024-04-02",
        made=2019,
        user="non_state_armed_group",
    )
    assert _deliver(client, auth_api, body) == 1
    (alert,) = _embargo_alerts(client, auth_api, "SEN")
    assert alert["declaration_id"] == "caf-armed-group"
    embargo = alert["evidence"]["embargo"]
    assert (embargo["id"], embargo["reference"]) == ("seed-caf-2013", "UNSC res. 2127 (2013)")


def test_in_car_in_2024_a_rifle_from_the_national_army_raises_none(
    client: TestClient, auth_api: AuthApi
) -> None:
    body = _rifle_found(
        declaration_id="caf-army", where="CAF", on="2024-04-02", made=2019, user="government_forces"
    )
    assert _deliver(client, auth_api, body) == 0
    assert _embargo_alerts(client, auth_api, "SEN") == []


def test_the_car_exemption_starts_on_27_july_2023(client: TestClient, auth_api: AuthApi) -> None:
    before = _rifle_found(
        declaration_id="caf-army-2022",
        where="CAF",
        on="2023-07-26",
        made=2019,
        user="government_forces",
    )
    assert _deliver(client, auth_api, before) == 1


def test_an_unknown_presumed_user_stays_covered(client: TestClient, auth_api: AuthApi) -> None:
    for user in (None, "unknown"):
        body = _rifle_found(
            declaration_id=f"caf-{user}", where="CAF", on="2024-04-02", made=2019, user=user
        )
        assert _deliver(client, auth_api, body) == 1


def test_a_non_state_embargo_leaves_out_government_forces(
    client: TestClient, auth_api: AuthApi
) -> None:
    army = _rifle_found(
        declaration_id="cod-army", where="COD", on="2024-04-02", made=2019, user="government_forces"
    )
    group = _rifle_found(
        declaration_id="cod-group",
        where="COD",
        on="2024-04-02",
        made=2019,
        user="non_state_armed_group",
    )
    assert _deliver(client, auth_api, army) == 0
    assert _deliver(client, auth_api, group) == 1


def test_the_seeded_embargoes_carry_scope_source_and_the_withdrawn_mali_entry(
    client: TestClient, auth_api: AuthApi
) -> None:
    headers = auth_api.secretariat_headers("ECOWAS")
    listed = assert_status(client.get(EMBARGOES, params={"limit": 100}, headers=headers), 200)
    by_id = {e["id"]: e for e in listed["items"]}
    mali = by_id["seed-mli-2017"]
    assert mali["withdrawn_at"] is not None
    assert "travel ban and asset freeze" in mali["withdrawal_reason"]
    caf = by_id["seed-caf-2013"]
    assert caf["exemptions"] == [
        {
            "party": "government_forces",
            "starts_on": "2023-07-27",
            "ends_on": None,
            "reference": "UNSC res. 2693 (2023)",
            "note": caf["exemptions"][0]["note"],
        }
    ]
    assert by_id["seed-cod-2003"]["scope"] == "non_state"
    assert {"seed-sle-1997", "seed-ssd-2018", "seed-som-1992"} <= set(by_id)
    assert all(e["paragraph"] for e in listed["items"] if e["withdrawn_at"] is None)


def _create_embargo(client: TestClient, auth_api: AuthApi, **fields: Any) -> dict[str, Any]:
    body = {"country": "NER", "starts_on": "2020-01-01", "authority": "ECOWAS", "reference": "test"}
    response = client.post(
        EMBARGOES, json=body | fields, headers=auth_api.secretariat_headers("ECOWAS")
    )
    return dict(assert_status(response, 201))


def test_withdrawing_an_embargo_closes_its_alerts_with_the_reason_and_deletes_nothing(
    client: TestClient, auth_api: AuthApi
) -> None:
    found = _rifle_found(declaration_id="ner-1", where="NER", on="2023-05-02", made=2022, user=None)
    assert _deliver(client, auth_api, found) == 0
    embargo = _create_embargo(client, auth_api)
    (alert,) = _embargo_alerts(client, auth_api, "SEN")
    admin = auth_api.admin_headers()
    withdrawn = assert_status(
        client.post(
            f"{EMBARGOES}/{embargo['id']}/withdrawal",
            json={"reason": "a travel ban, not an arms embargo"},
            headers=admin,
        ),
        200,
    )
    assert withdrawn["withdrawn_at"] is not None
    (closed,) = _embargo_alerts(client, auth_api, "SEN")
    assert (closed["id"], closed["status"]) == (alert["id"], "closed")
    detail = assert_status(
        client.get(f"{ALERTS}/{alert['id']}", headers=auth_api.member_state_headers("SEN")), 200
    )
    last = detail["events"][-1]
    assert (last["from_status"], last["to_status"]) == ("open", "closed")
    assert "a travel ban, not an arms embargo" in last["note"]
    # Kept, listed, no longer screened; withdrawing twice is a conflict.
    listed = assert_status(client.get(EMBARGOES, params={"country": "NER"}, headers=admin), 200)
    assert [e["id"] for e in listed["items"]] == [embargo["id"]]
    later = _rifle_found(declaration_id="ner-2", where="NER", on="2024-05-02", made=2023, user=None)
    assert _deliver(client, auth_api, later) == 0
    again = client.post(
        f"{EMBARGOES}/{embargo['id']}/withdrawal", json={"reason": "again"}, headers=admin
    )
    assert again.status_code == 409
    assert again.json()["code"] == "embargo_withdrawn"
    trail = assert_status(
        client.get(CHANGES, params={"entity": "embargo", "key": embargo["id"]}, headers=admin),
        200,
    )["items"]
    assert [c["action"] for c in trail] == ["create", "update"]
    assert trail[1]["before"]["withdrawn_at"] is None
    assert trail[1]["after"]["withdrawal_reason"] == "a travel ban, not an arms embargo"


def test_an_exemption_closes_only_the_alerts_of_its_party_from_its_date(
    client: TestClient, auth_api: AuthApi
) -> None:
    embargo = _create_embargo(client, auth_api)
    cases = {
        "army-after": ("2023-05-02", "government_forces"),
        "army-before": ("2021-05-02", "government_forces"),
        "group-after": ("2023-05-02", "non_state_armed_group"),
    }
    for declaration_id, (on, user) in cases.items():
        body = _rifle_found(declaration_id=declaration_id, where="NER", on=on, made=2021, user=user)
        assert _deliver(client, auth_api, body) == 1
    narrowed = assert_status(
        client.post(
            f"{EMBARGOES}/{embargo['id']}/exemptions",
            json={"party": "government_forces", "starts_on": "2022-01-01", "reference": "res. X"},
            headers=auth_api.admin_headers(),
        ),
        200,
    )
    assert [e["party"] for e in narrowed["exemptions"]] == ["government_forces"]
    retried = client.post(
        f"{EMBARGOES}/{embargo['id']}/exemptions",
        json={"party": "government_forces", "starts_on": "2022-01-01", "reference": "res. X"},
        headers=auth_api.admin_headers(),
    )
    assert assert_status(retried, 200)["exemptions"] == narrowed["exemptions"]
    status = {a["declaration_id"]: a["status"] for a in _embargo_alerts(client, auth_api, "SEN")}
    assert status == {"army-after": "closed", "army-before": "open", "group-after": "open"}


def test_an_embargo_created_with_an_exemption_screens_by_presumed_user(
    client: TestClient, auth_api: AuthApi
) -> None:
    for declaration_id, user in (("army", "government_forces"), ("group", "non_state_armed_group")):
        body = _rifle_found(
            declaration_id=declaration_id, where="NER", on="2023-05-02", made=2021, user=user
        )
        assert _deliver(client, auth_api, body) == 0
    _create_embargo(client, auth_api, scope="non_state")
    assert [a["declaration_id"] for a in _embargo_alerts(client, auth_api, "SEN")] == ["group"]


def test_members_may_not_narrow_or_withdraw_and_unknown_embargoes_are_404(
    client: TestClient, auth_api: AuthApi
) -> None:
    embargo = _create_embargo(client, auth_api)
    sen = auth_api.member_state_headers("SEN")
    exemption = {"party": "government_forces", "starts_on": "2022-01-01", "reference": "r"}
    for path, body in (("exemptions", exemption), ("withdrawal", {"reason": "r"})):
        refused = client.post(f"{EMBARGOES}/{embargo['id']}/{path}", json=body, headers=sen)
        assert refused.status_code == 403
        unknown = client.post(
            f"{EMBARGOES}/nope/{path}", json=body, headers=auth_api.admin_headers()
        )
        assert unknown.status_code == 404
        assert unknown.json()["code"] == "embargo_not_found"


def test_bad_scopes_and_exemptions_are_422_naming_every_problem(
    client: TestClient, auth_api: AuthApi
) -> None:
    response = client.post(
        EMBARGOES,
        json={
            "country": "NER",
            "starts_on": "2020-01-01",
            "authority": "UN",
            "reference": "r",
            "scope": "everyone",
            "exemptions": [
                {"party": "police", "starts_on": "2022-01-01", "reference": "r"},
                {"party": "government_forces", "starts_on": "2022-01-01"},
            ],
        },
        headers=auth_api.admin_headers(),
    )
    assert response.status_code == 422
    locs = {e["loc"] for e in response.json()["errors"]}
    assert {"scope", "exemptions[0].party", "exemptions[1].reference"} <= locs


def test_a_delivery_cannot_claim_government_forces_the_logged_record_does_not(
    client: TestClient, auth_api: AuthApi
) -> None:
    body = _rifle_found(
        declaration_id="caf-forged",
        where="CAF",
        on="2024-04-02",
        made=2019,
        user="non_state_armed_group",
    )
    forged = body | {"presumed_user_kind": "government_forces"}
    response = client.post(INDEX, json=forged, headers=auth_api.operator_headers(("index:write",)))
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["errors"]] == ["presumed_user_kind"]
    assert _deliver(client, auth_api, body) == 1


def test_screening_looks_where_the_incident_was_not_where_the_materiel_was_declared(
    client: TestClient, auth_api: AuthApi
) -> None:
    # Rifles of an attack in the Central African Republic, declared as found in Cameroon
    # (where they were handed over): CAR's embargo screens them, through the incident.
    body = _rifle_found(
        declaration_id="cmr-from-caf",
        where="CMR",
        on="2024-04-02",
        made=2019,
        user="non_state_armed_group",
    )
    body = proven(
        body
        | {
            "incident_id": "inc-caf-1",
            "incident": {
                "id": "inc-caf-1",
                "type": "attack_on_mission",
                "date": "2024-04-01",
                "country": "CAF",
                "presumed_user": None,
            },
        }
    )
    assert _deliver(client, auth_api, body) == 1
    (alert,) = _embargo_alerts(client, auth_api, "SEN")
    assert alert["evidence"]["embargo"]["id"] == "seed-caf-2013"
    # The same rifles found in Cameroon with no incident: no embargo there.
    alone = _rifle_found(
        declaration_id="cmr-alone", where="CMR", on="2024-04-02", made=2019, user=None
    )
    assert _deliver(client, auth_api, alone) == 0


def test_an_embargo_configured_later_screens_by_the_incident_s_country_too(
    client: TestClient, auth_api: AuthApi
) -> None:
    body = _rifle_found(
        declaration_id="gha-from-tcd", where="GHA", on="2025-02-01", made=2024, user=None
    )
    incident = {"id": "inc-tcd-1", "type": "cache", "date": "2025-01-30", "country": "TCD"}
    assert (
        _deliver(
            client, auth_api, proven(body | {"incident_id": "inc-tcd-1", "incident": incident})
        )
        == 0
    )
    created = client.post(
        EMBARGOES,
        json={
            "country": "TCD",
            "starts_on": "2023-01-01",
            "authority": "UN",
            "reference": "Test resolution (2025)",
            "scope": "territory",
        },
        headers=auth_api.operator_headers(),
    )
    assert created.status_code == 201, created.text
    (alert,) = _embargo_alerts(client, auth_api, "SEN")
    assert alert["declaration_id"] == "gha-from-tcd"
