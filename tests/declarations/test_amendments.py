"""Amendments: merge patch, If-Match (428 without, 412 stale), every version kept."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.declarations.support import declaration, state

URL = "/declarations/v1/declarations"


def _create(api: TestClient) -> dict[str, Any]:
    response = api.post(URL, json=declaration(), headers=state("SEN"))
    assert response.status_code == 201
    return dict(response.json())


def _amend(api: TestClient, created: dict[str, Any], body: dict[str, Any], etag: str | None) -> Any:
    headers = state("SEN") | ({"If-Match": etag} if etag else {})
    return api.post(f"{URL}/{created['id']}/amendments", json=body, headers=headers)


def test_an_amendment_appends_a_version_and_keeps_the_first(api: TestClient) -> None:
    created = _create(api)
    patch = {"reason": "place corrected", "changes": {"location": {"place": "Ansongo"}}}
    response = _amend(api, created, patch, created["etag"])
    assert response.status_code == 201, response.text
    assert response.json()["version"] == 2
    assert response.json()["log_index"] == 1
    versions = api.get(f"{URL}/{created['id']}/versions", headers=state("SEN")).json()["items"]
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[0]["record"]["location"]["place"] == "Gao"
    assert versions[1]["record"]["location"] == {
        "country": "MLI",
        "place": "Ansongo",
        "lat": 16.27,
        "lon": -0.04,
    }
    assert versions[1]["reason"] == "place corrected"


def test_null_in_the_patch_removes_a_member(api: TestClient) -> None:
    created = _create(api)
    patch = {"reason": "unknown user", "changes": {"presumed_user": None}}
    assert _amend(api, created, patch, created["etag"]).status_code == 201
    record = api.get(f"{URL}/{created['id']}", headers=state("SEN")).json()["record"]
    assert "presumed_user" not in record


def test_an_amendment_without_if_match_is_428(api: TestClient) -> None:
    created = _create(api)
    response = _amend(api, created, {"reason": "x", "changes": {"circumstances": "y"}}, None)
    assert response.status_code == 428


def test_a_stale_if_match_is_412(api: TestClient) -> None:
    created = _create(api)
    first = _amend(
        api, created, {"reason": "a", "changes": {"circumstances": "b"}}, created["etag"]
    )
    assert first.status_code == 201
    stale = _amend(
        api, created, {"reason": "c", "changes": {"circumstances": "d"}}, created["etag"]
    )
    assert stale.status_code == 412
    fresh = _amend(
        api, created, {"reason": "c", "changes": {"circumstances": "d"}}, first.headers["etag"]
    )
    assert fresh.status_code == 201


def test_an_amendment_is_validated_like_a_declaration(api: TestClient) -> None:
    created = _create(api)
    patch = {"reason": "r", "changes": {"type": "collection", "location": {"lat": 500}}}
    response = _amend(api, created, patch, created["etag"])
    assert response.status_code == 422
    locs = {e["loc"] for e in response.json()["errors"]}
    assert {"changes.type", "location.lat"} <= locs


def test_another_state_cannot_amend(api: TestClient) -> None:
    created = _create(api)
    response = api.post(
        f"{URL}/{created['id']}/amendments",
        json={"reason": "r", "changes": {"circumstances": "x"}},
        headers=state("CIV") | {"If-Match": created["etag"]},
    )
    assert response.status_code == 404
