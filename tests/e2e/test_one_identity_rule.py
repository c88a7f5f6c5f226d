"""One identity rule across both registers, over real HTTP.

A new user seizes a rifle as "Izhmash" and declares its destruction as "Kalashnikov
Concern" (the maker's successor, one maker in the shared alias table). The
declarations service matches the destruction to the seizure and refuses a second
destruction under the other spelling, and the registry's trace shows that weapon
destroyed once: both registers key makers with ``common.identifiers``.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient

from services.embedded import EmbeddedSettings
from tests.e2e.live_server import live_register
from tests.e2e.test_index_feed import give_relay_a_client
from tests.support.auth_fixtures import AuthApi

DECLARATIONS = "/declarations/v1/declarations"
SERIAL = "56-7001"


def _rifle(manufacturer: str) -> dict[str, Any]:
    return {
        "kind": "weapon",
        "category": "assault_rifle",
        "manufacturer": manufacturer,
        "model": "AKM",
        "calibre": "7,62 × 39",
        "serial_number": SERIAL,
    }


def _declared(kind: str, manufacturer: str, **fields: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "declaring_country": "NER",
        "mission": "MINUSMA",
        "event_date": (date.today() - timedelta(days=2)).isoformat(),
        "location": {"country": "MLI", "place": "Ménaka"},
        "items": [_rifle(manufacturer)],
        **fields,
    }


def _destroyed(seizure_id: str, manufacturer: str) -> dict[str, Any]:
    return _declared(
        "destruction",
        manufacturer,
        references=[seizure_id],
        destruction={"method": "cutting", "witnesses": ["UNMAS officer"]},
    )


def test_seized_as_one_alias_destroyed_as_another_and_never_destroyed_twice(
    client: TestClient,
    auth_api: AuthApi,
    register_settings: EmbeddedSettings,
    database_urls: dict[str, str],
    tmp_path: Path,
) -> None:
    niger = auth_api.member_state_headers("NER", ("declarations:write", "register:read"))
    reader = auth_api.operator_headers(("register:read",))
    admin = auth_api.admin_headers()
    give_relay_a_client(auth_api, register_settings)
    relay_off = {"DECLARATIONS_INDEX_RELAY_ENABLED": "false"}
    with (
        live_register(database_urls, tmp_path / "var", extra_env=relay_off) as base,
        httpx.Client(base_url=base, timeout=30) as http,
    ):
        seized = http.post(DECLARATIONS, json=_declared("seizure", "Izhmash"), headers=niger)
        assert seized.status_code == 201, seized.text
        seizure_id = seized.json()["id"]

        destroyed = http.post(
            DECLARATIONS, json=_destroyed(seizure_id, "Kalashnikov Concern"), headers=niger
        )
        assert destroyed.status_code == 201, destroyed.text

        again = http.post(DECLARATIONS, json=_destroyed(seizure_id, "IZHMASH JSC"), headers=niger)
        assert again.status_code == 409, again.text
        assert again.json()["code"] == "already_destroyed"
        assert again.json()["errors"] == [
            {"loc": "items[0]", "msg": f"destroyed by {destroyed.json()['id']}"}
        ]

        delivered = http.post("/declarations/v1/index-feed/deliveries", headers=admin)
        assert delivered.status_code == 200, delivered.text
        assert delivered.json()["delivered"] == 2

        for spelling in ("Izhmash", "Kalashnikov Concern", "Концерн Калашников"):
            traced = http.get(
                "/registry/v1/trace",
                params={"serial_number": SERIAL, "manufacturer": spelling},
                headers=reader,
            )
            assert traced.status_code == 200, traced.text
            records = sorted(r["record"] for r in traced.json()["items"])
            assert records == ["destruction", "seizure"], spelling
