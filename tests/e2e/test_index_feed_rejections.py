"""The feed keeps flowing past entries that fail.

Real parts only, as in test_index_feed: the embedded register on real databases,
the relay delivering through the registry's real endpoint. The relay fetches two
entries a pass, so two stuck entries would stop everything. The relay's clock is
set by the test, so backoff never depends on how fast the machine is.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.declarations.index_feed.relay import IndexRelay
from services.embedded import EmbeddedRegister, EmbeddedSettings
from tests.e2e.test_index_feed import give_relay_a_client, seizure_by_niger
from tests.support.auth_fixtures import AuthApi

DECLARATIONS = "/declarations/v1/declarations"
DELIVER = "/declarations/v1/index-feed/deliveries"
FEED = "/declarations/v1/index-feed"


class ManualClock:
    """The relay's clock: still unless the test moves it."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def register_settings(register_settings: EmbeddedSettings) -> EmbeddedSettings:
    return EmbeddedSettings(
        auth=register_settings.auth,
        registry=register_settings.registry,
        declarations=register_settings.declarations.model_copy(update={"index_relay_batch": 2}),
    )


@pytest.fixture
def relay_clock(register: EmbeddedRegister, client: TestClient) -> ManualClock:
    clock = ManualClock()
    relay: IndexRelay = register.declarations.state.index_relay
    relay.clock = clock
    return clock


def declare(client: TestClient, auth_api: AuthApi, body: dict[str, Any]) -> int:
    niger = auth_api.member_state_headers("NER", ("declarations:write", "register:read"))
    response = client.post(DECLARATIONS, json=body, headers=niger)
    assert response.status_code == 201, response.text
    return int(response.json()["log_index"])


def deliver(client: TestClient, auth_api: AuthApi) -> dict[str, Any]:
    response = client.post(DELIVER, headers=auth_api.admin_headers())
    assert response.status_code == 200, response.text
    return dict(response.json())


def feed(client: TestClient, auth_api: AuthApi) -> dict[str, Any]:
    response = client.get(FEED, headers=auth_api.admin_headers())
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_entries_in_backoff_do_not_starve_the_entries_behind_them(
    client: TestClient,
    auth_api: AuthApi,
    register_settings: EmbeddedSettings,
    relay_clock: ManualClock,
) -> None:
    for serial in ("1000001", "1000002", "1000003"):
        declare(client, auth_api, seizure_by_niger(serial))
    # No relay client yet: the two oldest fail and back off for a second.
    failed = deliver(client, auth_api)
    assert (failed["delivered"], failed["failed"]) == (0, 2)

    give_relay_a_client(auth_api, register_settings)
    behind = deliver(client, auth_api)
    assert (behind["delivered"], behind["failed"], behind["waiting"]) == (1, 0, 2)
    assert feed(client, auth_api)["pending"] == 2

    relay_clock.advance(1)
    retried = deliver(client, auth_api)
    assert (retried["delivered"], retried["waiting"]) == (2, 0)
    assert feed(client, auth_api)["pending"] == 0
