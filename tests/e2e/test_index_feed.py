"""Declarations reach the registry's weapon index through the log-backed outbox.

The whole chain, real parts only: a contingent's manifest in the registry, a
seizure declared in the declarations service, the relay delivering the log
entry with its own index:write client, and the diversion alert and trace in
the registry.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.embedded import EmbeddedSettings
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

DELIVER = "/declarations/v1/index-feed/deliveries"
FEED = "/declarations/v1/index-feed"


def rifle(serial: str) -> dict[str, Any]:
    return {
        "kind": "weapon",
        "category": "assault_rifle",
        "manufacturer": "Kalashnikov Concern",
        "model": "AK-103",
        "calibre": "7.62x39mm",
        "serial_number": serial,
    }


def senbatt_in(client: TestClient, auth_api: AuthApi) -> None:
    body = {
        "direction": "in",
        "mission": "MINUSMA",
        "contributing_country": "SEN",
        "unit": "SENBATT 4",
        "crossing_date": "2023-02-01",
        "items": [rifle("56-0000123"), rifle("56-0000124")],
    }
    response = client.post(
        "/registry/v1/manifests", json=body, headers=auth_api.member_state_headers("SEN")
    )
    assert response.status_code == 201, response.text


def seizure_by_niger(serial: str, manufacturer: str = "Izhmash") -> dict[str, Any]:
    return {
        "type": "seizure",
        "declaring_country": "NER",
        "mission": "MINUSMA",
        "event_date": (date.today() - timedelta(days=3)).isoformat(),
        "location": {"country": "MLI", "place": "Ménaka", "lat": 15.92, "lon": 2.4},
        "circumstances": "recovered after an attack on a patrol",
        "items": [rifle(serial) | {"manufacturer": manufacturer}],
    }


def give_relay_a_client(auth_api: AuthApi, settings: EmbeddedSettings) -> None:
    """What bootstrap does on first start: the relay's own index:write client, saved 0600."""
    client_id, secret = auth_api.create_operator_client(("index:write",))
    path = settings.declarations.resolved_index_credentials_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"client_id": client_id, "client_secret": secret}))


def test_seizure_reaches_the_index_and_raises_a_diversion_alert_once(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    senbatt_in(client, auth_api)
    niger = auth_api.member_state_headers("NER", ("declarations:write", "register:read"))
    declared = client.post(
        "/declarations/v1/declarations", json=seizure_by_niger("56 OOOO123"), headers=niger
    )
    assert declared.status_code == 201, declared.text
    admin = auth_api.admin_headers()
    assert client.get(FEED, headers=admin).json()["pending"] == 1

    give_relay_a_client(auth_api, register_settings)
    first = client.post(DELIVER, headers=admin)
    assert first.status_code == 200, first.text
    assert first.json()["delivered"] == 1
    assert client.get(FEED, headers=admin).json()["pending"] == 0
    again = assert_status(client.post(DELIVER, headers=admin), 200)
    assert again["delivered"] == 0

    sen_alerts = client.get(
        "/registry/v1/alerts",
        params={"kind": "diversion"},
        headers=auth_api.member_state_headers("SEN"),
    ).json()["items"]
    assert len(sen_alerts) == 1
    assert sen_alerts[0]["evidence"]["match"] == "normalized"
    ecowas = client.get("/registry/v1/alerts", headers=auth_api.secretariat_headers("ECOWAS"))
    assert [a["kind"] for a in ecowas.json()["items"]] == ["diversion"]
    ghana = client.get("/registry/v1/alerts", headers=auth_api.member_state_headers("GHA"))
    assert ghana.json()["items"] == []

    def traced(headers: dict[str, str]) -> list[tuple[str, str]]:
        response = client.get(
            "/registry/v1/trace", params={"serial_number": "56-0000123"}, headers=headers
        )
        assert response.status_code == 200, response.text
        return sorted((r["record"], r["match"]) for r in response.json()["items"])

    # 56-0000124, one digit away, is shown as possible (never an alert by itself).
    everything = traced(auth_api.operator_headers(("register:read",)))
    assert everything == [
        ("manifest_in", "exact"),
        ("manifest_in", "possible"),
        ("seizure", "normalized"),
    ]
    # Niger left ECOWAS on 2025-01-29: the secretariat sees the alert about
    # Senegal's rifle, but not Niger's 2026 seizure record itself.
    assert traced(auth_api.secretariat_headers("ECOWAS")) == everything[:2]


def test_an_amendment_replaces_the_indexed_items(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    senbatt_in(client, auth_api)
    niger = auth_api.member_state_headers("NER", ("declarations:write", "register:read"))
    created = client.post(
        "/declarations/v1/declarations", json=seizure_by_niger("77-9999999"), headers=niger
    )
    assert created.status_code == 201, created.text
    amended = client.post(
        f"/declarations/v1/declarations/{created.json()['id']}/amendments",
        json={
            "reason": "serial misread at the scene; re-read at the depot",
            "changes": {"items": [rifle("56-0000124") | {"manufacturer": "Izhmash"}]},
        },
        headers=niger | {"If-Match": created.headers["etag"]},
    )
    assert amended.status_code in (200, 201), amended.text
    give_relay_a_client(auth_api, register_settings)
    delivered = assert_status(client.post(DELIVER, headers=auth_api.admin_headers()), 200)
    assert delivered["delivered"] == 2
    assert delivered["failed"] == 0

    sen_alerts = client.get(
        "/registry/v1/alerts",
        params={"kind": "diversion"},
        headers=auth_api.member_state_headers("SEN"),
    ).json()["items"]
    assert len(sen_alerts) == 1
    assert sen_alerts[0]["evidence"]["manifests"][0]["recorded"] == "56-0000124"


def longest_seizure() -> dict[str, Any]:
    """A seizure with every text field at the longest the declarations service accepts
    (Text: 200 characters, LongText: 4,000), in Cyrillic and Latin alike."""

    def text(seed: str, length: int) -> str:
        return (seed * length)[:length]

    return {
        "type": "seizure",
        "declaring_country": "NER",
        "mission": "MINUSMA",
        "event_date": (date.today() - timedelta(days=3)).isoformat(),
        "location": {"country": "MLI", "place": text("Ménaka ", 200), "lat": 15.92, "lon": 2.4},
        "circumstances": text("recovered after an attack on a patrol; ", 4000),
        "presumed_user": text("Группа ", 200),
        "legal_basis": text("Ordonnance 2024-15 ", 200),
        "items": [
            {
                "kind": "weapon",
                "category": "assault_rifle",
                "manufacturer": text("Kalashnikov Concern ", 200),
                "model": text("AK-103 ", 200),
                "calibre": text("7.62x39mm ", 200),
                "serial_number": text("56-ЖЖ00123", 200),
                "country_of_manufacture": "RUS",
                "markings": text("proof marks on the receiver; ", 4000),
            },
            {
                "kind": "ammunition",
                "calibre": text("7.62x39mm ", 200),
                "ammunition_type": text("ball ", 200),
                "manufacturer": text("Tula Cartridge Works ", 200),
                "lot_number": text("LOT-538-", 200),
                "quantity": 1200,
            },
            {
                "kind": "part",
                "description": text("receiver and bolt carrier, filed ", 4000),
                "quantity": 2,
                "serial_number": text("P-77-", 200),
            },
        ],
    }


def test_a_declaration_with_the_longest_fields_reaches_the_index(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    niger = auth_api.member_state_headers("NER", ("declarations:write", "register:read"))
    declared = client.post("/declarations/v1/declarations", json=longest_seizure(), headers=niger)
    assert declared.status_code == 201, declared.text
    give_relay_a_client(auth_api, register_settings)
    admin = auth_api.admin_headers()
    delivered = assert_status(client.post(DELIVER, headers=admin), 200)
    assert (delivered["delivered"], delivered["rejected"], delivered["failed"]) == (1, 0, 0), (
        delivered["errors"]
    )
    status = client.get(FEED, headers=admin).json()
    assert (status["pending"], status["rejected"]) == (0, 0)


def test_without_relay_credentials_nothing_is_lost(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    niger = auth_api.member_state_headers("NER", ("declarations:write", "register:read"))
    assert_status(
        client.post(
            "/declarations/v1/declarations", json=seizure_by_niger("1234567"), headers=niger
        )
    )
    admin = auth_api.admin_headers()
    failed = assert_status(client.post(DELIVER, headers=admin), 200)
    assert failed["delivered"] == 0
    assert failed["failed"] == 1
    status = client.get(FEED, headers=admin).json()
    assert status["pending"] == 1
    assert status["relay_configured"] is False
    assert "index:write" in status["last_error"]["error"]

    give_relay_a_client(auth_api, register_settings)
    # The failed entry waits out its backoff (1 s after one failure) before the next try.
    import time

    time.sleep(1.1)
    assert assert_status(client.post(DELIVER, headers=admin), 200)["delivered"] == 1
    assert client.get(FEED, headers=admin).json()["pending"] == 0


def test_the_feed_is_for_the_operator_only(client: TestClient, auth_api: AuthApi) -> None:
    niger = auth_api.member_state_headers("NER", ("declarations:write", "register:read"))
    assert client.get(FEED, headers=niger).status_code == 403
    assert client.post(DELIVER, headers=niger).status_code == 403


def test_regctl_index_status_reports_pending_entries(
    client: TestClient,
    auth_api: AuthApi,
    register_settings: EmbeddedSettings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from services.cli.main import main

    niger = auth_api.member_state_headers("NER", ("declarations:write", "register:read"))
    for serial in ("1000001", "1000002"):
        declared = client.post(
            "/declarations/v1/declarations", json=seizure_by_niger(serial), headers=niger
        )
        assert declared.status_code == 201, declared.text
    monkeypatch.setenv(
        "DECLARATIONS_DATABASE_URL", register_settings.declarations.resolved_database_url()
    )
    monkeypatch.setenv("DECLARATIONS_VAR_DIR", str(register_settings.declarations.var_dir))
    assert main(["index", "status"]) == 0
    printed = capsys.readouterr().out
    assert "pending: 2" in printed
    assert "relay client configured: no" in printed
