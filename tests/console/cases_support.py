"""An ECOWAS analyst in the console and a diversion alert to open a case from."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from services.embedded import EmbeddedSettings
from tests.auth.people_support import Enrolled, invite_and_enrol
from tests.console.support import register_console
from tests.registry.factories import INDEX, MANIFESTS, declared_weapon, delivery, manifest, weapon
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status


def analyst(client: TestClient, auth_api: AuthApi, settings: EmbeddedSettings) -> Enrolled:
    """An analyst of the ECOWAS secretariat who can sign in to the console."""
    register_console(settings)
    return invite_and_enrol(
        client,
        auth_api,
        org="ECOWAS",
        org_type="secretariat",
        role="analyst",
        email="analyst@ecowas.test",
    )


def diversion(client: TestClient, auth_api: AuthApi) -> dict[str, Any]:
    """SEN's rifle 56-0000123 in MINUSMA, seized by NER as "56 OOOO123": the alert."""
    sen = auth_api.member_state_headers("SEN")
    body = manifest([weapon("56-0000123")], mission="MINUSMA", crossing_date="2023-02-01")
    assert_status(client.post(MANIFESTS, json=body, headers=sen))
    relay = auth_api.operator_headers(("index:write",))
    seized = delivery([declared_weapon(0, "56 OOOO123")])
    assert_status(client.post(INDEX, json=seized, headers=relay), 200)
    alerts = assert_status(
        client.get("/registry/v1/alerts", headers=auth_api.secretariat_headers("ECOWAS")), 200
    )["items"]
    return dict(alerts[0])


def hidden(page: str, name: str) -> str:
    """A hidden field's value in a page's form."""
    found = re.search(rf'name="{name}"[^>]*? value="([^"]*)"', page)
    assert found is not None, page
    return found.group(1)


def error_summary(page: str) -> list[str]:
    """The texts of the error summary's links."""
    block = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    assert block is not None, page
    return re.findall(r"<li><a [^>]*>([^<]*)</a></li>", block.group(0))
