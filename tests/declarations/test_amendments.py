"""Amendments: merge patch, If-Match (428 without, 412 stale), every version kept."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.declarations.support import Callers, declaration

URL = "/declarations/v1/declarations"


def _create(client: TestClient, callers: Callers) -> dict[str, Any]:
    response = client.post(URL, json=declaration(), headers=callers.state("SEN"))
    assert response.status_code == 201
    return dict(response.json())


def _amend(
    client: TestClient,
    callers: Callers,
    created: dict[str, Any],
    body: dict[str, Any],
    etag: str | None,
) -> Any:
    headers = callers.state("SEN") | ({"If-Match": etag} if etag else {})
    return client.post(f"{URL}/{created['id']}/amendments", json=body, headers=headers)


def test_an_amendment_appends_a_version_and_keeps_the_first(
    client: TestClient, callers: Callers
) -> None:
    created = _create(client, callers)
    patch = {"reason": "place corrected", "changes": {"location": {"place": "Ansongo"}}}
    response = _amend(client, callers, created, patch, created["etag"])
    assert response.status_code == 201, response.text
    assert response.json()["version"] == 2
    assert response.json()["log_index"] == 1
    versions = client.get(f"{URL}/{created['id']}/versions", headers=callers.state("SEN")).json()[
        "items"
    ]
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[0]["record"]["location"]["place"] == "Gao"
    assert versions[1]["record"]["location"] == {
        "country": "MLI",
        "place": "Ansongo",
        "lat": 16.27,
        "lon": -0.04,
    }
    assert versions[1]["reason"] == "place corrected"


def test_null_in_the_patch_removes_a_member(client: TestClient, callers: Callers) -> None:
    created = _create(client, callers)
    patch = {"reason": "unknown user", "changes": {"presumed_user": None}}
    assert _amend(client, callers, created, patch, created["etag"]).status_code == 201
    record = client.get(f"{URL}/{created['id']}", headers=callers.state("SEN")).json()["record"]
    assert "presumed_user" not in record


def test_an_amendment_without_if_match_is_428(client: TestClient, callers: Callers) -> None:
    created = _create(client, callers)
    response = _amend(
        client, callers, created, {"reason": "x", "changes": {"circumstances": "y"}}, None
    )
    assert response.status_code == 428
    assert response.json()["code"] == "if_match_required"


def test_a_stale_if_match_is_412(client: TestClient, callers: Callers) -> None:
    created = _create(client, callers)
    first = _amend(
        client,
        callers,
        created,
        {"reason": "a", "changes": {"circumstances": "b"}},
        created["etag"],
    )
    assert first.status_code == 201
    stale = _amend(
        client,
        callers,
        created,
        {"reason": "c", "changes": {"circumstances": "d"}},
        created["etag"],
    )
    assert stale.status_code == 412
    assert stale.json()["code"] == "stale_version"
    fresh = _amend(
        client,
        callers,
        created,
        {"reason": "c", "changes": {"circumstances": "d"}},
        first.headers["etag"],
    )
    assert fresh.status_code == 201


def test_an_amendment_is_validated_like_a_declaration(client: TestClient, callers: Callers) -> None:
    created = _create(client, callers)
    patch = {"reason": "r", "changes": {"type": "collection", "location": {"lat": 500}}}
    response = _amend(client, callers, created, patch, created["etag"])
    assert response.status_code == 422
    locs = {e["loc"] for e in response.json()["errors"]}
    assert {"changes.type", "location.lat"} <= locs


def test_another_state_cannot_amend(client: TestClient, callers: Callers) -> None:
    created = _create(client, callers)
    patch = {"reason": "r", "changes": {"circumstances": "x"}}
    response = client.post(
        f"{URL}/{created['id']}/amendments",
        json=patch,
        headers=callers.state("CIV") | {"If-Match": created["etag"]},
    )
    assert response.status_code == 404
    # The record exists and the refusal changed nothing: its owner amends it with the same ETag.
    owners = _amend(client, callers, created, patch, created["etag"])
    assert owners.status_code == 201, owners.text


def test_a_weak_etag_in_if_match_never_matches(client: TestClient, callers: Callers) -> None:
    # RFC 9110 13.1.1: If-Match uses the strong comparison; a weak tag matches nothing.
    created = _create(client, callers)
    patch = {"reason": "r", "changes": {"circumstances": "x"}}
    weak = _amend(client, callers, created, patch, f"W/{created['etag']}")
    assert weak.status_code == 412, weak.text
    assert weak.json()["code"] == "stale_version"
    listed = _amend(client, callers, created, patch, f"W/{created['etag']}, {created['etag']}")
    assert listed.status_code == 201, listed.text
