"""A date in a request body is ISO 8601 text, as documented: a number is a 422.

Pydantic's lax mode read ``"joined": 0`` as 1970-01-01 (seconds since the epoch), so
a wrong type was stored as a date nobody wrote; schemathesis found it on PATCH
memberships. Checked on one body of each service.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.declarations.support import declaration
from tests.registry.factories import MANIFESTS, manifest, weapon
from tests.support.auth_fixtures import AuthApi


def _locations(response_json: dict[str, object]) -> list[object]:
    errors = response_json["errors"]
    assert isinstance(errors, list)
    return [e["loc"] for e in errors]


def test_a_number_for_a_date_is_refused_in_every_service(
    client: TestClient, auth_api: AuthApi
) -> None:
    sen = auth_api.member_state_headers("SEN")
    body = manifest([weapon("D-1")])
    refused = client.post(MANIFESTS, json={**body, "crossing_date": 0}, headers=sen)
    assert refused.status_code == 422, refused.text
    assert _locations(refused.json()) == ["crossing_date"]
    accepted = client.post(MANIFESTS, json=body, headers=sen)
    assert accepted.status_code == 201, accepted.text

    seizure = {**declaration(), "event_date": 1700000000}
    declared = client.post("/declarations/v1/declarations", json=seizure, headers=sen)
    assert declared.status_code == 422, declared.text
    assert "event_date" in _locations(declared.json())

    admin = auth_api.admin_headers()
    community = client.get("/auth/v1/communities/ECOWAS", headers=admin).json()
    member = community["memberships"][0]
    patched = client.patch(
        f"/auth/v1/communities/ECOWAS/memberships/{member['id']}",
        json={"joined": 0.0},
        headers=admin,
    )
    assert patched.status_code == 422, patched.text
    assert _locations(patched.json()) == ["joined"]
