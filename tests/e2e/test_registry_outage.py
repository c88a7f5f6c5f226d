"""Nothing is lost when the registry is down: declare, restart it, the item arrives once.

Each service runs as its own uvicorn process on 127.0.0.1, as in production,
and talks to the others over real HTTP.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.live_server import free_port, live_register
from tests.e2e.test_index_feed import rifle, seizure_by_niger

pytestmark = pytest.mark.slow


def token(auth: str, client_id: str, secret: str) -> dict[str, str]:
    response = httpx.post(
        f"{auth}/auth/v1/token",
        data={"grant_type": "client_credentials"},
        auth=(client_id, secret),
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def member_state(auth: str, admin: dict[str, str], code: str, scopes: list[str]) -> dict[str, str]:
    created = httpx.post(
        f"{auth}/auth/v1/organisations",
        json={"type": "member_state", "code": code, "name": code},
        headers=admin,
        timeout=10,
    )
    assert created.status_code in (201, 409), created.text
    client = httpx.post(
        f"{auth}/auth/v1/clients",
        json={"organisation": code, "name": f"{code} ministry", "scopes": scopes},
        headers=admin,
        timeout=10,
    ).json()
    return token(auth, client["client_id"], client["client_secret"])


def wait_for(predicate: Any, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_declaration_made_while_registry_is_down_arrives_exactly_once(
    database_urls: dict[str, str], tmp_path: Path
) -> None:
    var_dir = tmp_path / "var"
    var_dir.mkdir(exist_ok=True)
    registry_port = free_port()
    with live_register(database_urls, var_dir, service="auth") as auth:
        saved = json.loads((var_dir / "credentials.json").read_text())
        admin = token(auth, saved["client_id"], saved["client_secret"])
        assert (var_dir / "declarations-index-client.json").exists()
        to_auth = {"REGISTRY_AUTH_BASE_URL": auth, "DECLARATIONS_AUTH_BASE_URL": auth}
        declarations_env = to_auth | {
            "DECLARATIONS_REGISTRY_BASE_URL": f"http://127.0.0.1:{registry_port}",
            "DECLARATIONS_INDEX_RELAY_INTERVAL_SECONDS": "0.3",
        }
        with live_register(
            database_urls, var_dir, service="declarations", extra_env=declarations_env
        ) as declarations:
            # As an operator does: the registry trusts the log's published verifier key.
            public_key = httpx.get(f"{declarations}/declarations/v1/log/public-key", timeout=10)
            assert public_key.status_code == 200, public_key.text
            registry_env = to_auth | {"REGISTRY_DECLARATIONS_LOG_KEY": public_key.text.strip()}
            sen = member_state(auth, admin, "SEN", ["manifests:write", "register:read"])
            niger = member_state(auth, admin, "NER", ["declarations:write", "register:read"])
            with live_register(
                database_urls,
                var_dir,
                service="registry",
                port=registry_port,
                extra_env=registry_env,
            ) as registry:
                manifest = {
                    "direction": "in",
                    "mission": "MINUSMA",
                    "contributing_country": "SEN",
                    "unit": "SENBATT 4",
                    "crossing_date": "2023-02-01",
                    "items": [rifle("56-0000123")],
                }
                posted = httpx.post(
                    f"{registry}/registry/v1/manifests", json=manifest, headers=sen, timeout=10
                )
                assert posted.status_code == 201, posted.text
                # A first declaration while the registry is up confirms the mission.
                warm = httpx.post(
                    f"{declarations}/declarations/v1/declarations",
                    json=seizure_by_niger("11-1111111"),
                    headers=niger,
                    timeout=10,
                )
                assert warm.status_code == 201, warm.text
            # The registry is down now.
            declared = httpx.post(
                f"{declarations}/declarations/v1/declarations",
                json=seizure_by_niger("56 OOOO123"),
                headers=niger,
                timeout=10,
            )
            assert declared.status_code == 201, declared.text

            def feed() -> dict[str, Any]:
                return dict(
                    httpx.get(f"{declarations}/declarations/v1/index-feed", headers=admin).json()
                )

            assert wait_for(lambda: feed().get("last_error") is not None)
            assert feed()["pending"] >= 1

            with live_register(
                database_urls,
                var_dir,
                service="registry",
                port=registry_port,
                extra_env=registry_env,
            ) as registry:
                assert wait_for(lambda: feed()["pending"] == 0, seconds=60)
                alerts = httpx.get(
                    f"{registry}/registry/v1/alerts",
                    params={"kind": "diversion"},
                    headers=sen,
                    timeout=10,
                ).json()["items"]
                assert len(alerts) == 1
                operator_reader = httpx.post(
                    f"{auth}/auth/v1/clients",
                    json={
                        "organisation": "OPERATOR",
                        "name": "reader",
                        "scopes": ["register:read"],
                    },
                    headers=admin,
                    timeout=10,
                )
                assert operator_reader.status_code == 201, operator_reader.text
                reader = token(
                    auth,
                    operator_reader.json()["client_id"],
                    operator_reader.json()["client_secret"],
                )
                traced = httpx.get(
                    f"{registry}/registry/v1/trace",
                    params={"serial_number": "56-0000123"},
                    headers=reader,
                    timeout=10,
                ).json()["items"]
                seizures = [r for r in traced if r["record"] == "seizure"]
                assert len(seizures) == 1
                assert seizures[0]["serial_number"] == "56 OOOO123"
