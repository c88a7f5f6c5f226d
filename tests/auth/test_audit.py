"""The audit trail: tokens issued and refused, administrative changes, readable by the operator."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

AUDIT = "/auth/v1/audit"


def test_tokens_issued_and_refused_are_recorded_with_the_address(
    client: TestClient, auth_api: AuthApi
) -> None:
    client_id, secret = auth_api.create_member_state("SEN")
    auth_api.token(client_id, secret)
    client.post(
        "/auth/v1/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": "s3cr3t-guess",
        },
    )
    admin = auth_api.admin_headers()
    issued = client.get(f"{AUDIT}?event=token.issued&subject={client_id}", headers=admin).json()
    refused = client.get(f"{AUDIT}?event=token.refused&subject={client_id}", headers=admin).json()
    assert len(issued["items"]) == 1
    assert issued["items"][0]["address"] == "testclient"
    assert issued["items"][0]["actor_org"] == "SEN"
    assert refused["items"][0]["details"]["error"] == "invalid_client"
    assert "s3cr3t-guess" not in str(refused["items"][0])


def test_client_changes_name_who_made_them(client: TestClient, auth_api: AuthApi) -> None:
    client_id, _ = auth_api.create_member_state("SEN")
    assert_status(
        client.post(f"/auth/v1/clients/{client_id}/disable", headers=auth_api.admin_headers()), 200
    )
    events = client.get(f"{AUDIT}?subject={client_id}", headers=auth_api.admin_headers()).json()
    kinds = [e["event"] for e in events["items"]]
    assert kinds == ["client.created", "client.disabled"]
    assert {e["actor"] for e in events["items"]} == {auth_api.operator.client_id}
    created_org = client.get(
        f"{AUDIT}?event=organisation.created&subject=SEN", headers=auth_api.admin_headers()
    ).json()
    assert created_org["items"][0]["occurred_at"]


def test_audit_pages_follow_the_cursor(client: TestClient, auth_api: AuthApi) -> None:
    for code in ("SEN", "CIV", "GHA"):
        auth_api.create_member_state(code)
    admin = auth_api.admin_headers()
    seen: list[int] = []
    url = f"{AUDIT}?limit=2"
    while url:
        page = client.get(url, headers=admin).json()
        seen += [e["id"] for e in page["items"]]
        url = f"{AUDIT}?limit=2&cursor={page['next_cursor']}" if page["next_cursor"] else ""
    assert seen == sorted(seen)
    assert len(seen) == len(set(seen)) >= 7


def test_only_the_operator_reads_the_audit_trail(client: TestClient, auth_api: AuthApi) -> None:
    response = client.get(AUDIT, headers=auth_api.secretariat_headers("ECOWAS"))
    assert response.status_code == 403


OPERATOR_ADDRESS = "198.51.100.7"


def _from_address(client: TestClient, address: str) -> TestClient:
    """Another HTTP client of the same running register, calling from ``address``."""
    other = TestClient(client.app, base_url=str(client.base_url), client=(address, 50000))
    other.portal = client.portal  # the running register's event loop, lifespan already run
    other.app_state.update(client.app_state)
    return other


def _events(client: TestClient, auth_api: AuthApi, event: str, subject: str) -> list[Any]:
    response = client.get(
        AUDIT, params={"event": event, "subject": subject}, headers=auth_api.admin_headers()
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def _by_the_operator_from_its_address(auth_api: AuthApi, events: list[Any]) -> bool:
    return bool(events) and all(
        (e["actor"], e["address"]) == (auth_api.operator.client_id, OPERATOR_ADDRESS)
        for e in events
    )


def test_membership_changes_are_recorded_with_actor_and_address(
    client: TestClient, auth_api: AuthApi
) -> None:
    operator = _from_address(client, OPERATOR_ADDRESS)
    admin = auth_api.admin_headers()
    memberships = "/auth/v1/communities/ECCAS/memberships"
    period = {"country": "SEN", "joined": "2020-01-01"}
    added = assert_status(operator.post(memberships, json=period, headers=admin))
    changed = {"left": "2021-01-01"}
    assert_status(operator.patch(f"{memberships}/{added['id']}", json=changed, headers=admin), 200)
    assert operator.delete(f"{memberships}/{added['id']}", headers=admin).status_code == 204
    for event in ("membership.added", "membership.changed", "membership.deleted"):
        events = _events(client, auth_api, event, "ECCAS")
        assert len(events) == 1, (event, events)
        assert _by_the_operator_from_its_address(auth_api, events), events
        assert "SEN" in str(events[0]["details"])


def test_a_secret_rotation_is_recorded_with_actor_and_address(
    client: TestClient, auth_api: AuthApi
) -> None:
    client_id, _ = auth_api.create_member_state("SEN")
    operator = _from_address(client, OPERATOR_ADDRESS)
    rotated = operator.post(
        f"/auth/v1/clients/{client_id}/secret", headers=auth_api.admin_headers()
    )
    new_secret = assert_status(rotated, 200)["client_secret"]
    events = _events(client, auth_api, "client.secret_rotated", client_id)
    assert len(events) == 1
    assert _by_the_operator_from_its_address(auth_api, events), events
    assert new_secret not in str(events[0])


def test_disabling_and_enabling_a_client_are_recorded_with_actor_and_address(
    client: TestClient, auth_api: AuthApi
) -> None:
    client_id, _ = auth_api.create_member_state("SEN")
    operator = _from_address(client, OPERATOR_ADDRESS)
    admin = auth_api.admin_headers()
    assert_status(operator.post(f"/auth/v1/clients/{client_id}/disable", headers=admin), 200)
    assert_status(operator.post(f"/auth/v1/clients/{client_id}/enable", headers=admin), 200)
    for event in ("client.disabled", "client.enabled"):
        events = _events(client, auth_api, event, client_id)
        assert len(events) == 1, (event, events)
        assert _by_the_operator_from_its_address(auth_api, events), events
