"""Webhook endpoints in the console: an admin registers one (secret shown once), reads
its delivery log, sends a delivery again and disables it after confirming."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from services.embedded import EmbeddedRegister, EmbeddedSettings
from tests.auth.people_support import invite_and_enrol
from tests.console.support import register_console, sign_in
from tests.registry.factories import manifest, weapon
from tests.registry.webhook_receiver import Receiver
from tests.registry.webhook_support import receiver, run_pass, webhook_settings
from tests.support.auth_fixtures import AuthApi

__all__ = ["receiver"]  # the fixture


@pytest.fixture
def register_settings(register_settings: EmbeddedSettings) -> EmbeddedSettings:
    return webhook_settings(register_settings)


def _admin_page(client: TestClient, auth_api: AuthApi, settings: EmbeddedSettings) -> str:
    register_console(settings)
    admin = invite_and_enrol(
        client, auth_api, org="SEN", org_type="member_state", role="admin", email="a@sn.test"
    )
    return sign_in(client, admin, start="/console/admin/webhooks")


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_an_admin_registers_an_endpoint_reads_its_log_redelivers_and_disables_it(
    client: TestClient,
    auth_api: AuthApi,
    register_settings: EmbeddedSettings,
    register: EmbeddedRegister,
    receiver: Receiver,
) -> None:
    page = _admin_page(client, auth_api, register_settings)
    csrf = _csrf(page)
    shown = client.post(
        "/console/admin/webhooks",
        data={"csrf_token": csrf, "url": receiver.url(), "events": ["manifest.accepted"]},
    )
    assert shown.status_code == 200, shown.text
    assert re.search(r'id="secret" readonly value="whsec_', shown.text)
    endpoint = re.search(r'href="/console/admin/webhooks/([^"]+)"', shown.text)
    assert endpoint is not None
    body = manifest([weapon("SN-WH-1")], crossing_date="2024-03-01")
    posted = client.post(
        "/registry/v1/manifests", json=body, headers=auth_api.member_state_headers("SEN")
    )
    assert posted.status_code == 201, posted.text
    run_pass(register)
    log = client.get(f"/console/admin/webhooks/{endpoint.group(1)}")
    assert log.status_code == 200
    assert "A manifest is accepted" in log.text
    assert "whsec_" not in log.text
    again = re.search(r'action="(/console/admin/webhooks/[^"]+/redeliver)"', log.text)
    assert again is not None
    redelivered = client.post(again.group(1), data={"csrf_token": csrf})
    assert "The delivery will be sent again." in redelivered.text
    confirm = client.get(f"/console/admin/webhooks/{endpoint.group(1)}/disable")
    assert "Disable this endpoint?" in confirm.text
    disabled = client.post(
        f"/console/admin/webhooks/{endpoint.group(1)}/disable", data={"csrf_token": csrf}
    )
    assert "The endpoint is disabled." in disabled.text


def test_a_refused_endpoint_names_the_address_and_the_events(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    page = _admin_page(client, auth_api, register_settings)
    refused = client.post(
        "/console/admin/webhooks", data={"csrf_token": _csrf(page), "url": "ftp://x"}
    )
    assert refused.status_code == 422, refused.text
    summary = refused.text.split('class="error-summary__list"')[1].split("</ul>")[0]
    assert 'href="#url"' in summary
    assert 'href="#events"' in summary


def test_another_organisations_endpoint_is_a_404_page(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings, receiver: Receiver
) -> None:
    created = client.post(
        "/registry/v1/webhooks",
        json={"url": receiver.url(), "events": ["manifest.accepted"]},
        headers=auth_api.member_state_headers("NGA"),
    )
    assert created.status_code == 201, created.text
    _admin_page(client, auth_api, register_settings)
    assert client.get(f"/console/admin/webhooks/{created.json()['id']}").status_code == 404
