"""Linkage, embargo and unreturned alerts; the alert lifecycle and its audit trail."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from fastapi.testclient import TestClient

from services.cli.main import main as regctl
from services.embedded import EmbeddedSettings
from tests.registry.factories import INDEX, MANIFESTS, declared_weapon, delivery, manifest, weapon
from tests.support.auth_fixtures import AuthApi
from tests.support.declarations_log import proven
from tests.support.responses import assert_status

ALERTS = "/registry/v1/alerts"


def _deliver(client: TestClient, auth_api: AuthApi, body: dict[str, object]) -> int:
    response = client.post(INDEX, json=body, headers=auth_api.operator_headers(("index:write",)))
    assert response.status_code == 200, response.text
    return int(response.json()["alerts"])


def _alerts(client: TestClient, headers: dict[str, str], **params: str) -> list[dict[str, object]]:
    response = client.get(ALERTS, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def test_recoveries_of_one_model_maker_and_year_are_linked(
    client: TestClient, auth_api: AuthApi
) -> None:
    rifle = {"year_of_manufacture": 2015, "manufacturer": "Izhmash"}
    assert _deliver(client, auth_api, delivery([declared_weapon(0, None, **rifle)])) == 0
    second = delivery(
        [declared_weapon(0, None, **{**rifle, "manufacturer": "Kalashnikov"})],
        declaration_id="decl-2",
        country="MLI",
        event_date="2024-08-01",
    )
    assert _deliver(client, auth_api, second) == 1
    linked = _alerts(client, auth_api.member_state_headers("MLI"), kind="linkage")
    assert len(linked) == 1
    evidence = linked[0]["evidence"]
    assert isinstance(evidence, dict)
    assert {d["declaration_id"] for d in evidence["declarations"]} == {"decl-1", "decl-2"}
    assert _alerts(client, auth_api.member_state_headers("NER"), kind="linkage") == linked
    assert _alerts(client, auth_api.member_state_headers("GHA")) == []


def test_ammunition_of_one_lot_links_recoveries_but_another_year_does_not(
    client: TestClient, auth_api: AuthApi
) -> None:
    lot = {
        "item_index": 0,
        "kind": "ammunition",
        "calibre": "7,62 x 39",
        "manufacturer": "Norinco",
        "year_of_manufacture": 2011,
        "lot_number": "L-311",
        "quantity": 900,
    }
    _deliver(client, auth_api, delivery([lot]))
    other_year = delivery([{**lot, "year_of_manufacture": 2012}], declaration_id="decl-2")
    assert _deliver(client, auth_api, other_year) == 0
    same = delivery([{**lot, "calibre": "7.62x39mm"}], declaration_id="decl-3")
    assert _deliver(client, auth_api, same) == 1


def test_materiel_made_after_an_embargo_raises_an_embargo_alert(
    client: TestClient, auth_api: AuthApi
) -> None:
    items = [
        declared_weapon(0, "E-1001", year_of_manufacture=2008),
        declared_weapon(1, "E-1002", year_of_manufacture=2003),
    ]
    body = delivery(
        items, country="CIV", mission=None, location_country="CIV", event_date="2010-06-01"
    )
    assert _deliver(client, auth_api, body) == 1
    found = _alerts(client, auth_api.member_state_headers("CIV"), kind="embargo")
    assert len(found) == 1
    evidence = found[0]["evidence"]
    assert isinstance(evidence, dict)
    assert evidence["item_count"] == 1
    assert evidence["embargo"]["reference"] == "UNSC res. 1572 (2004)"


def test_an_embargo_configured_by_a_secretariat_screens_indexed_and_later_declarations(
    client: TestClient, auth_api: AuthApi
) -> None:
    ecowas = auth_api.secretariat_headers("ECOWAS")
    ner = auth_api.member_state_headers("NER")
    found_before = delivery(
        [
            declared_weapon(0, "N-1", year_of_manufacture=2022),
            declared_weapon(1, "N-2", year_of_manufacture=2019),
        ],
        declaration_id="decl-before",
        location_country="NER",
        event_date="2023-05-02",
    )
    assert _deliver(client, auth_api, found_before) == 0
    created = client.post(
        "/registry/v1/embargoes",
        json={
            "country": "NER",
            "starts_on": "2020-01-01",
            "authority": "ECOWAS",
            "reference": "test embargo",
        },
        headers=ecowas,
    )
    assert created.status_code == 201, created.text
    refused = client.post(
        "/registry/v1/embargoes",
        json={"country": "NER", "starts_on": "2020-01-01", "authority": "X", "reference": "x"},
        headers=auth_api.member_state_headers("NER"),
    )
    assert refused.status_code == 403
    # The declaration indexed before the embargo existed was screened when it was configured.
    (screened,) = _alerts(client, ner, kind="embargo")
    assert screened["declaration_id"] == "decl-before"
    evidence = screened["evidence"]
    assert isinstance(evidence, dict)
    assert evidence["embargo"]["id"] == created.json()["id"]
    assert evidence["item_count"] == 1
    assert [i["serial_number"] for i in evidence["items"]] == ["N-1"]
    assert evidence["declaration"]["declaration_id"] == "decl-before"
    # Later declarations are screened as they are indexed; re-indexing raises nothing twice.
    later = delivery(
        [declared_weapon(0, "N-5", year_of_manufacture=2023)],
        location_country="NER",
        event_date="2024-01-10",
    )
    assert _deliver(client, auth_api, later) == 1
    again = proven({**found_before, "event_id": "again", "version": 2})
    assert _deliver(client, auth_api, again) == 0
    assert len(_alerts(client, ner, kind="embargo")) == 2
    listed = client.get("/registry/v1/embargoes", params={"country": "CIV"}, headers=ecowas)
    assert [e["country"] for e in listed.json()["items"]] == ["CIV"]


def test_a_rotation_closed_with_weapons_still_held_raises_unreturned(
    client: TestClient, auth_api: AuthApi
) -> None:
    sen = auth_api.member_state_headers("SEN")
    assert_status(
        client.post(
            MANIFESTS, json=manifest([weapon("U-1"), weapon("U-2"), weapon("U-3")]), headers=sen
        )
    )
    out = manifest(
        [weapon("U-1")], direction="out", crossing_date="2024-09-01", closes_rotation=True
    )
    assert client.post(MANIFESTS, json=out, headers=sen).status_code == 201
    found = _alerts(client, sen, kind="unreturned")
    assert len(found) == 1
    evidence = found[0]["evidence"]
    assert isinstance(evidence, dict)
    assert sorted(w["serial_number"] for w in evidence["weapons"]) == ["U-2", "U-3"]
    assert _alerts(client, auth_api.member_state_headers("CIV")) == []


def test_alerts_scan_raises_unreturned_once_for_an_ended_mission(
    client: TestClient,
    auth_api: AuthApi,
    register_settings: EmbeddedSettings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sen = auth_api.member_state_headers("SEN")
    body = manifest([weapon("M-1")], mission="MINUSMA", crossing_date="2023-02-01")
    assert client.post(MANIFESTS, json=body, headers=sen).status_code == 201
    monkeypatch.setenv("REGISTRY_DATABASE_URL", register_settings.registry.resolved_database_url())
    assert regctl(["alerts", "scan", "--today", date(2024, 6, 1).isoformat()]) == 0
    assert regctl(["alerts", "scan", "--today", date(2024, 6, 2).isoformat()]) == 0
    assert "0 unreturned" in capsys.readouterr().out.splitlines()[-1]
    found = _alerts(client, sen, kind="unreturned", mission="MINUSMA")
    assert len(found) == 1


def test_alert_lifecycle_is_audited_and_never_moves_backwards(
    client: TestClient, auth_api: AuthApi
) -> None:
    sen = auth_api.member_state_headers("SEN")
    assert_status(
        client.post(
            MANIFESTS,
            json=manifest([weapon("56-0000123")], mission="MINUSMA", crossing_date="2023-02-01"),
            headers=sen,
        )
    )
    _deliver(client, auth_api, delivery([declared_weapon(0, "56 OOOO123")]))
    ecowas = auth_api.secretariat_headers("ECOWAS")
    (alert,) = _alerts(client, ecowas)
    url = f"{ALERTS}/{alert['id']}"
    etag = client.get(url, headers=ecowas).headers["ETag"]
    # SEN's own materiel, but SEN's client here only reads: it may not acknowledge.
    sen_reader = auth_api.member_state_headers("SEN", ("register:read",))
    refused = client.post(f"{url}/acknowledge", json={}, headers={**sen_reader, "If-Match": etag})
    assert refused.status_code == 403
    acked = client.post(
        f"{url}/acknowledge", json={"note": "asked SEN"}, headers={**ecowas, "If-Match": etag}
    )
    assert acked.status_code == 200, acked.text
    assert acked.json()["status"] == "acknowledged"
    etag = acked.headers["ETag"]
    with_etag = {**ecowas, "If-Match": etag}
    assert client.post(f"{url}/close", json={}, headers=with_etag).status_code == 422
    closed = client.post(
        f"{url}/close",
        json={"outcome": "confirmed_diversion", "note": "confirmed diverted"},
        headers=with_etag,
    )
    assert closed.json()["status"] == "closed"
    again = client.post(
        f"{url}/acknowledge", json={}, headers={**ecowas, "If-Match": closed.headers["ETag"]}
    )
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"
    events = client.get(url, headers=sen).json()["events"]
    assert [(e["from_status"], e["to_status"]) for e in events] == [
        (None, "open"),
        ("open", "acknowledged"),
        ("acknowledged", "closed"),
    ]
    assert events[2]["note"] == "confirmed diverted"
    # RFC 3339 date-times with an offset on both databases (SQLite hands them back naive).
    detail = client.get(url, headers=sen).json()
    moments = [detail["created_at"], detail["updated_at"], *(e["at"] for e in events)]
    assert all(datetime.fromisoformat(m).utcoffset() is not None for m in moments), moments
    assert _alerts(client, ecowas, status="open") == []
    assert len(_alerts(client, ecowas, status="closed")) == 1


def test_alert_lists_page_with_a_cursor(client: TestClient, auth_api: AuthApi) -> None:
    sen = auth_api.member_state_headers("SEN")
    serials = [f"P-{i:04d}" for i in range(3)]
    assert_status(
        client.post(
            MANIFESTS,
            json=manifest(
                [weapon(s) for s in serials], mission="MINUSMA", crossing_date="2023-02-01"
            ),
            headers=sen,
        )
    )
    _deliver(client, auth_api, delivery([declared_weapon(i, s) for i, s in enumerate(serials)]))
    first = client.get(ALERTS, params={"limit": 2}, headers=sen).json()
    second = client.get(
        ALERTS, params={"limit": 2, "cursor": first["next_cursor"]}, headers=sen
    ).json()
    ids = [a["id"] for a in first["items"] + second["items"]]
    assert len(ids) == len(set(ids)) == 3
    assert second["next_cursor"] is None
    bad = client.get(ALERTS, params={"cursor": "nonsense"}, headers=sen)
    assert bad.status_code == 400
