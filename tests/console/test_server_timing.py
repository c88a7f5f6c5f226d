"""``Server-Timing`` on the console's pages: present only with CONSOLE_TIMING_HEADER=true."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from services.embedded import EmbeddedSettings
from tests.auth.people_support import invite_and_enrol
from tests.console.support import register_console, sign_in
from tests.support.auth_fixtures import AuthApi

TIMING = re.compile(r'^api;dur=([0-9.]+);desc="(\d+) calls", total;dur=([0-9.]+)$')


@pytest.fixture
def timing_on() -> bool:
    """The setting as it ships: off (a test parametrizes it to turn it on)."""
    return False


@pytest.fixture
def register_settings(register_settings: EmbeddedSettings, timing_on: bool) -> EmbeddedSettings:
    assert register_settings.console is not None
    console = register_settings.console.model_copy(update={"timing_header": timing_on})
    return EmbeddedSettings(
        auth=register_settings.auth,
        registry=register_settings.registry,
        declarations=register_settings.declarations,
        console=console,
    )


def _signed_in(client: TestClient, auth_api: AuthApi, settings: EmbeddedSettings) -> None:
    register_console(settings)
    person = invite_and_enrol(
        client, auth_api, org="SEN", org_type="member_state", role="editor", email="awa@sn.test"
    )
    sign_in(client, person)


@pytest.mark.parametrize("timing_on", [True])
def test_with_the_setting_on_a_page_says_its_api_time_and_total_time(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    _signed_in(client, auth_api, register_settings)
    listed = client.get("/console/manifests")
    assert listed.status_code == 200
    found = TIMING.match(listed.headers["server-timing"])
    assert found is not None, listed.headers["server-timing"]
    api_ms, calls, total_ms = float(found[1]), int(found[2]), float(found[3])
    assert calls == 1  # the registry's list of manifests
    assert 0 < api_ms <= total_ms
    # A page calling no API (the upload form) says so.
    form = client.get("/console/manifests/upload")
    found = TIMING.match(form.headers["server-timing"])
    assert found is not None, form.headers["server-timing"]
    assert (found[2], float(found[1])) == ("0", 0.0)


def test_by_default_no_page_carries_server_timing(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    _signed_in(client, auth_api, register_settings)
    for path in ("/console/", "/console/manifests", "/console/manifests/upload"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "server-timing" not in page.headers, path
