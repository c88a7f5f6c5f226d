"""What the trace and alert pages' tests share: an ECOWAS analyst signed in to the console,
SEN's contingent's rifle seized by Niger (a diversion alert)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from services.embedded import EmbeddedSettings
from tests.auth.people_support import Enrolled, invite_and_enrol
from tests.console.support import register_console, sign_in
from tests.registry.factories import INDEX, MANIFESTS, declared_weapon, delivery, manifest, weapon
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status


def analyst(
    client: TestClient,
    auth_api: AuthApi,
    settings: EmbeddedSettings,
    *,
    start: str = "/console/",
    org: str = "ECOWAS",
    org_type: str = "secretariat",
    role: str = "analyst",
) -> tuple[Enrolled, str]:
    """A person of ``org`` signed in to the console; the page ``start`` they landed on."""
    register_console(settings)
    person = invite_and_enrol(
        client, auth_api, org=org, org_type=org_type, role=role, email=f"{role}@{org.lower()}.test"
    )
    return person, sign_in(client, person, start=start)


def diversion(client: TestClient, auth_api: AuthApi) -> tuple[str, str]:
    """SENBATT brings two rifles into MINUSMA; Niger seizes one, noted "56 OOOO123".
    Returns the manifest's id and the diversion alert's id."""
    sen = auth_api.member_state_headers("SEN")
    body = manifest(
        [weapon("56-0000123"), weapon("56-0000128")], mission="MINUSMA", crossing_date="2023-02-01"
    )
    manifest_id = str(assert_status(client.post(MANIFESTS, json=body, headers=sen))["id"])
    relay = auth_api.operator_headers(("index:write",))
    seized = delivery([declared_weapon(0, "56 OOOO123")], declaration_id="decl-menaka")
    assert assert_status(client.post(INDEX, json=seized, headers=relay), 200)["alerts"] == 1
    ecowas = auth_api.secretariat_headers("ECOWAS")
    found = assert_status(
        client.get("/registry/v1/alerts", params={"kind": "diversion"}, headers=ecowas), 200
    )
    return manifest_id, str(found["items"][-1]["id"])


def linkage_flood(client: TestClient, auth_api: AuthApi, declarations: int) -> list[str]:
    """Niger declares the same unmarked rifle again and again: one linkage alert a pair."""
    relay = auth_api.operator_headers(("index:write",))
    rifle = {"year_of_manufacture": 2015, "manufacturer": "Izhmash"}
    for n in range(declarations):
        body = delivery(
            [declared_weapon(0, None, **rifle)],
            declaration_id=f"flood-{n}",
            event_date=f"2024-0{1 + n}-1{n}",
        )
        assert_status(client.post(INDEX, json=body, headers=relay), 200)
    ecowas = auth_api.secretariat_headers("ECOWAS")
    found = assert_status(
        client.get("/registry/v1/alerts", params={"kind": "linkage"}, headers=ecowas), 200
    )
    return [str(a["id"]) for a in found["items"]]


def csrf(page: str) -> str:
    """The CSRF token of the page's forms."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None, page
    return found.group(1)


def etag(page: str) -> str:
    """The ETag the alert page's forms carry (as the HTML writes it)."""
    found = re.search(r'name="etag" value="([^"]+)"', page)
    assert found is not None, page
    return found.group(1).replace("&#34;", '"')
