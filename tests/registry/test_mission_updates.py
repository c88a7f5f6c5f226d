"""PATCH /registry/v1/missions/{code}: a mission's name and end date change after it starts."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.registry.factories import MANIFESTS, manifest, weapon
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

MISSIONS = "/registry/v1/missions"


def test_the_operator_sets_the_end_date_of_a_running_mission(
    client: TestClient, auth_api: AuthApi, sen: dict[str, str]
) -> None:
    assert client.get(f"{MISSIONS}/MINUSCA", headers=sen).json()["end_date"] is None
    admin = auth_api.admin_headers()
    changed = client.patch(f"{MISSIONS}/minusca", json={"end_date": "2026-06-30"}, headers=admin)
    assert changed.status_code == 200, changed.text
    assert changed.json()["end_date"] == "2026-06-30"
    read = client.get(f"{MISSIONS}/MINUSCA", headers=sen).json()
    assert (read["end_date"], read["name"]) == ("2026-06-30", changed.json()["name"])


def test_the_name_changes_and_members_left_out_stay(client: TestClient, auth_api: AuthApi) -> None:
    admin = auth_api.admin_headers()
    assert_status(
        client.patch(f"{MISSIONS}/MINUSCA", json={"end_date": "2026-06-30"}, headers=admin), 200
    )
    renamed = client.patch(
        f"{MISSIONS}/MINUSCA",
        json={"name": "  MINUSCA (renamed)  "},
        headers={**admin, "Content-Type": "application/merge-patch+json"},
    )
    assert renamed.status_code == 200, renamed.text
    assert (renamed.json()["name"], renamed.json()["end_date"]) == (
        "MINUSCA (renamed)",
        "2026-06-30",
    )
    unchanged = client.patch(f"{MISSIONS}/MINUSCA", json={}, headers=admin)
    assert unchanged.json() == renamed.json()
    reopened = client.patch(f"{MISSIONS}/MINUSCA", json={"end_date": None}, headers=admin)
    assert reopened.json()["end_date"] is None


def test_member_states_may_not_change_a_mission(client: TestClient, sen: dict[str, str]) -> None:
    refused = client.patch(f"{MISSIONS}/MINUSCA", json={"end_date": "2026-06-30"}, headers=sen)
    assert refused.status_code == 403
    assert client.get(f"{MISSIONS}/MINUSCA", headers=sen).json()["end_date"] is None


def test_bad_changes_are_refused(client: TestClient, auth_api: AuthApi) -> None:
    admin = auth_api.admin_headers()
    unknown = client.patch(f"{MISSIONS}/NOPE", json={"end_date": "2026-06-30"}, headers=admin)
    assert unknown.status_code == 404
    before_start = client.patch(
        f"{MISSIONS}/MINUSCA", json={"end_date": "2010-01-01"}, headers=admin
    )
    assert before_start.status_code == 422
    assert before_start.json()["errors"][0]["loc"] == "end_date"
    for body in ({"name": None}, {"name": ""}, {"code": "OTHER"}, {"start_date": "2020-01-01"}):
        response = client.patch(f"{MISSIONS}/MINUSCA", json=body, headers=admin)
        assert response.status_code == 422, body


def test_a_mission_cannot_end_before_a_crossing_it_records(
    client: TestClient, auth_api: AuthApi, sen: dict[str, str]
) -> None:
    crossed = client.post(
        MANIFESTS, json=manifest([weapon("E-1")], crossing_date="2024-05-01"), headers=sen
    )
    assert crossed.status_code == 201, crossed.text
    admin = auth_api.admin_headers()
    early = client.patch(f"{MISSIONS}/MINUSCA", json={"end_date": "2024-04-30"}, headers=admin)
    assert early.status_code == 422
    assert "2024-05-01" in early.json()["errors"][0]["msg"]
    assert client.get(f"{MISSIONS}/MINUSCA", headers=sen).json()["end_date"] is None
    on_time = client.patch(f"{MISSIONS}/MINUSCA", json={"end_date": "2024-05-01"}, headers=admin)
    assert on_time.status_code == 200, on_time.text
