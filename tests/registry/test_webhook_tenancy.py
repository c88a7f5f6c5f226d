"""Who is told what (issue 17): a matrix of event x organisation proves that nothing
reaches an organisation that could not read it through the API, and that the declaring
state of a diversion gets a notice that names neither the owner nor its materiel."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.common.tables import utcnow
from services.embedded import EmbeddedRegister, EmbeddedSettings
from tests.registry.factories import INDEX, MANIFESTS, declared_weapon, delivery, manifest, weapon
from tests.registry.webhook_receiver import Receiver
from tests.registry.webhook_support import (
    check_rotations,
    receiver,
    register_endpoint,
    run_pass,
    webhook_settings,
)
from tests.support.auth_fixtures import AuthApi

__all__ = ["receiver"]  # the fixture
ORGS = ("SEN", "NER", "GHA", "ECOWAS", "ECCAS", "operator")


@pytest.fixture
def register_settings(register_settings: EmbeddedSettings) -> EmbeddedSettings:
    return webhook_settings(register_settings)


def _headers(auth_api: AuthApi, org: str) -> dict[str, str]:
    if org in ("ECOWAS", "ECCAS"):
        return auth_api.secretariat_headers(org)
    if org == "operator":
        return auth_api.operator_headers()
    return auth_api.member_state_headers(org)


def _scenario(client: TestClient, auth_api: AuthApi) -> dict[str, Any]:
    """SEN declares two rifles in to MINUSMA; NER seizes one (diversion) and amends its
    seizure; SEN reports the other captured; ECOWAS acknowledges the alert."""
    sen = auth_api.member_state_headers("SEN")
    body = manifest(
        [weapon("56-0000123"), weapon("56-0000777")],
        mission="MINUSMA",
        crossing_date="2023-02-01",
        unit="SENBATT 4",
    )
    posted = client.post(MANIFESTS, json=body, headers=sen)
    assert posted.status_code == 201, posted.text
    relay = auth_api.operator_headers(("index:write",))
    seizure = delivery([declared_weapon(0, "56 OOOO123")])
    indexed = client.post(INDEX, json=seizure, headers=relay)
    assert indexed.json()["alerts"] == 1, indexed.text
    amended = delivery([declared_weapon(0, "56 OOOO123")], version=2, place="Ménaka town")
    assert client.post(INDEX, json=amended, headers=relay).json()["status"] == "indexed"
    loss = {
        "mission": "MINUSMA",
        "contributing_country": "SEN",
        "loss_type": "captured_in_attack",
        "loss_date": "2024-06-01",
        "place": "Ménaka",
        "circumstances": "Convoy ambushed",
        "items": [{"kind": "weapon", "serial_number": "56-0000777"}],
    }
    reported = client.post("/registry/v1/loss-reports", json=loss, headers=sen)
    assert reported.status_code == 201, reported.text
    ecowas = auth_api.secretariat_headers("ECOWAS")
    [alert] = client.get("/registry/v1/alerts", headers=ecowas).json()["items"]
    etag = client.get(f"/registry/v1/alerts/{alert['id']}", headers=ecowas).headers["ETag"]
    acked = client.post(
        f"/registry/v1/alerts/{alert['id']}/acknowledge",
        json={"note": "asked SEN"},
        headers={**ecowas, "If-Match": etag},
    )
    assert acked.status_code == 200, acked.text
    return {"manifest": posted.json(), "alert": alert, "loss": reported.json()}


def _rotation_ending(client: TestClient, auth_api: AuthApi) -> None:
    """A mission of ECOWAS ends in ten days; SEN's unit declared two rifles into it in
    2024 and still holds them: the periodic check writes ``rotation.ending``."""
    mission = {
        "code": "ENDSOON",
        "name": "A mission ending soon",
        "authority": "ECOWAS",
        "host_countries": ["GNB"],
        "start_date": "2020-01-01",
        "end_date": (utcnow().date() + timedelta(days=10)).isoformat(),
    }
    made = client.post("/registry/v1/missions", json=mission, headers=auth_api.operator_headers())
    assert made.status_code == 201, made.text
    body = manifest(
        [weapon("56-0000901"), weapon("56-0000902")],
        mission="ENDSOON",
        crossing_date="2024-01-10",
        unit="SENBATT 9",
    )
    posted = client.post(MANIFESTS, json=body, headers=auth_api.member_state_headers("SEN"))
    assert posted.status_code == 201, posted.text


def _readable(client: TestClient, headers: dict[str, str], payload: dict[str, Any]) -> bool:
    """May the organisation read, through the API, what this full event is about?"""
    data, kind = payload["data"], payload["type"]
    if kind.startswith("alert."):
        path = f"/registry/v1/alerts/{data['id']}"
    elif kind == "manifest.accepted":
        path = f"/registry/v1/manifests/{data['id']}"
    elif kind == "loss_report.accepted":
        path = f"/registry/v1/loss-reports/{data['id']}"
    elif kind == "trace_request.updated":
        path = f"/registry/v1/trace-requests/{data['id']}"
    elif kind == "rotation.ending":  # the contingent's manifests into that mission
        listed = client.get(
            "/registry/v1/manifests",
            params={"mission": data["mission"], "country": data["contributing_country"]},
            headers=headers,
        )
        return listed.status_code == 200 and any(
            m["unit"] == data["unit"] for m in listed.json()["items"]
        )
    else:  # declaration.*: the indexed declaration, as trace shows it
        traced = client.get(
            "/registry/v1/trace", params={"serial_number": "56 OOOO123"}, headers=headers
        ).json()["items"]
        return any(r["record_id"] == data["declaration_id"] for r in traced)
    return client.get(path, headers=headers).status_code == 200


def test_each_organisation_receives_only_what_it_may_read(
    client: TestClient, auth_api: AuthApi, register: EmbeddedRegister, receiver: Receiver
) -> None:
    for org in ORGS:
        register_endpoint(client, _headers(auth_api, org), receiver.url(f"/{org}"))
    scenario = _scenario(client, auth_api)
    _rotation_ending(client, auth_api)
    assert check_rotations(register, rotation_ending_days=30) == 1
    run_pass(register)

    got = {org: [(r.payload["type"], r) for r in receiver.on(f"/{org}")] for org in ORGS}
    told = {org: sorted({t for t, _ in got[org]}) for org in ORGS}
    assert told == {
        "SEN": [
            "alert.raised",
            "alert.updated",
            "loss_report.accepted",
            "manifest.accepted",
            "rotation.ending",
        ],
        "NER": ["alert.raised", "declaration.accepted", "declaration.amended"],
        "GHA": [],
        "ECOWAS": [
            "alert.raised",
            "alert.updated",
            "declaration.accepted",
            "declaration.amended",
            "loss_report.accepted",
            "manifest.accepted",
            "rotation.ending",
        ],
        "ECCAS": [],
        "operator": told_everything(),
    }
    # Every full payload is about a record the organisation reads through the API.
    for org in ORGS:
        headers = _headers(auth_api, org)
        for kind, request in got[org]:
            if "message" in request.payload["data"]:  # the redacted notice
                continue
            assert _readable(client, headers, request.payload), (org, kind)

    # NER, whose seizure matched SEN's rifle, learns that it matched, not whose it is.
    [(_, notice)] = [(t, r) for t, r in got["NER"] if t == "alert.raised"]
    assert notice.payload["data"] == {
        "kind": "diversion",
        "declaration_id": "decl-1",
        "item_index": 0,
        "message": "A seizure you declared may match materiel declared by another state;"
        " the secretariat has the details.",
    }
    alert = scenario["alert"]
    for secret in ("SEN", "SENBATT", "56-0000123", alert["id"], scenario["manifest"]["id"]):
        assert secret not in notice.body
    assert (
        client.get(
            f"/registry/v1/alerts/{alert['id']}", headers=_headers(auth_api, "NER")
        ).status_code
        == 404
    )
    # SEN gets the details of its materiel.
    [(_, details)] = [(t, r) for t, r in got["SEN"] if t == "alert.raised"]
    assert details.payload["data"]["evidence"]["declaration"]["declaring_country"] == "NER"
    # SEN's unit still holds two rifles as its mission ends: SEN, ECOWAS (SEN's community
    # when they crossed) and the operator are told, once each; NER, GHA and ECCAS are not.
    for org in ("SEN", "ECOWAS", "operator"):
        [rotation] = [r.payload["data"] for t, r in got[org] if t == "rotation.ending"]
        assert (rotation["mission"], rotation["unit"], rotation["weapons_held"]) == (
            "ENDSOON",
            "SENBATT 9",
            2,
        )


def told_everything() -> list[str]:
    return [
        "alert.raised",
        "alert.updated",
        "declaration.accepted",
        "declaration.amended",
        "loss_report.accepted",
        "manifest.accepted",
        "rotation.ending",
    ]


def test_a_secretariat_that_sees_only_one_side_of_a_diversion_is_not_given_its_details(
    client: TestClient, auth_api: AuthApi, register: EmbeddedRegister, receiver: Receiver
) -> None:
    # Cameroon (ECCAS, not ECOWAS) declares in; Niger (ECOWAS) seizes: ECOWAS reads
    # only the seizure, ECCAS only the manifest: neither is told the alert's details.
    cmr = auth_api.member_state_headers("CMR")
    for org in ("ECOWAS", "ECCAS", "CMR", "NER"):
        register_endpoint(
            client, _headers(auth_api, org), receiver.url(f"/{org}"), ["alert.raised"]
        )
    body = manifest(
        [weapon("CM-9001")], mission="MINUSCA", country="CMR", crossing_date="2023-02-01"
    )
    assert client.post(MANIFESTS, json=body, headers=cmr).status_code == 201
    seizure = delivery([declared_weapon(0, "CM-9001")], mission="MINUSCA", location_country="CAF")
    relay = auth_api.operator_headers(("index:write",))
    assert client.post(INDEX, json=seizure, headers=relay).json()["alerts"] == 1
    run_pass(register)
    assert [r.payload["data"]["kind"] for r in receiver.on("/CMR")] == ["diversion"]
    assert "evidence" in receiver.on("/CMR")[0].payload["data"]
    assert [r.payload["data"].get("message") is not None for r in receiver.on("/NER")] == [True]
    assert receiver.on("/ECOWAS") == []
    assert receiver.on("/ECCAS") == []


def test_a_trace_request_is_told_to_its_case_owner_and_the_states_it_is_shared_with(
    client: TestClient, auth_api: AuthApi, register: EmbeddedRegister, receiver: Receiver
) -> None:
    # ECOWAS opens a case from the diversion, shares it with SEN and sends a trace request
    # to SEN: ECOWAS and SEN are told of each change; NER (whose seizure it is), GHA, ECCAS
    # and the operator, none of whom read the case, are not.
    for org in ORGS:
        register_endpoint(
            client, _headers(auth_api, org), receiver.url(f"/{org}"), ["trace_request.updated"]
        )
    scenario = _scenario(client, auth_api)
    ecowas = auth_api.secretariat_headers("ECOWAS")
    opened = client.post(
        "/registry/v1/cases",
        json={"title": "Seized rifle", "summary": "s", "from_alert": scenario["alert"]["id"]},
        headers=ecowas,
    )
    assert opened.status_code == 201, opened.text
    case = opened.json()
    shared = client.post(
        f"/registry/v1/cases/{case['id']}/shares", json={"organisation": "SEN"}, headers=ecowas
    )
    assert shared.status_code == 201, shared.text
    rifle = client.post(
        f"/registry/v1/cases/{case['id']}/items",
        json={"kind": "declared_item", "declaration_id": "decl-1", "item_index": 0},
        headers=ecowas,
    )
    assert rifle.status_code == 201, rifle.text
    prepared = client.post(
        f"/registry/v1/cases/{case['id']}/trace-requests",
        json={
            "case_item_id": rifle.json()["id"],
            "recipient_country": "SEN",
            "recipient_role": "contributing_state",
            "marking": "56-0000123",
            "recovery_context": "Seized at Ménaka",
            "request_text": "Where did it come from?",
        },
        headers=ecowas,
    )
    assert prepared.status_code == 201, prepared.text
    request_id = prepared.json()["id"]
    sent = client.post(f"/registry/v1/trace-requests/{request_id}/send", json={}, headers=ecowas)
    assert sent.status_code == 200, sent.text
    run_pass(register)

    for org in ("ECOWAS", "SEN"):
        [told] = [r.payload for r in receiver.on(f"/{org}")]
        assert told["type"] == "trace_request.updated"
        assert told["data"]["id"] == request_id
        assert told["data"]["status"] == "sent"
    for org in ("NER", "GHA", "ECCAS", "operator"):
        assert receiver.on(f"/{org}") == [], org
    # Told exactly the organisations that read the trace request through the API.
    for org in ORGS:
        payload = {"type": "trace_request.updated", "data": {"id": request_id}}
        assert _readable(client, _headers(auth_api, org), payload) == (org in ("ECOWAS", "SEN"))
