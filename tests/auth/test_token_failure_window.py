"""Failed token requests count over a sliding window: once it has passed, they no longer do.

The window is shortened to two seconds (``AUTH_TOKEN_FAILURE_WINDOW_SECONDS``) and
the limit to three failures, so the test waits seconds rather than five minutes;
the limiter runs on the real clock, as in production.
"""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from services.embedded import EmbeddedSettings
from tests.support.auth_fixtures import AuthApi

TOKEN = "/auth/v1/token"
LIMIT = 3
WINDOW_SECONDS = 2


@pytest.fixture
def register_settings(register_settings: EmbeddedSettings) -> EmbeddedSettings:
    auth = register_settings.auth.model_copy(
        update={
            "token_failures_per_client": LIMIT,
            "token_failure_window_seconds": WINDOW_SECONDS,
        }
    )
    return EmbeddedSettings(
        auth=auth,
        registry=register_settings.registry,
        declarations=register_settings.declarations,
    )


def _form(client_id: str, secret: str) -> dict[str, str]:
    return {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}


def test_token_failures_age_out_of_their_window(client: TestClient, auth_api: AuthApi) -> None:
    client_id, secret = auth_api.create_member_state("SEN")
    started = time.monotonic()
    for _ in range(LIMIT):
        assert client.post(TOKEN, data=_form(client_id, "guess")).status_code == 401
    limited = client.post(TOKEN, data=_form(client_id, secret))
    if time.monotonic() - started >= WINDOW_SECONDS:
        pytest.skip("the machine took longer than the window to send the failures")
    assert limited.status_code == 429, limited.text
    retry_after = int(limited.headers["retry-after"])
    assert 1 <= retry_after <= WINDOW_SECONDS

    time.sleep(retry_after + 0.1)
    response = client.post(TOKEN, data=_form(client_id, secret))
    assert response.status_code == 200, response.text
    assert response.json()["access_token"]
