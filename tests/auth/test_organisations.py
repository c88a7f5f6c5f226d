"""Organisations: validated codes, operator-only administration."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.support.auth_fixtures import AuthApi

ORGS = "/auth/v1/organisations"


def test_member_state_is_created_with_its_alpha3_code(
    client: TestClient, auth_api: AuthApi
) -> None:
    body = {"type": "member_state", "code": "sen", "name": "Ministère des Forces armées"}
    response = client.post(ORGS, json=body, headers=auth_api.admin_headers())
    assert response.status_code == 201
    assert response.json()["code"] == "SEN"
    assert response.headers["location"] == "/auth/v1/organisations/SEN"


@pytest.mark.parametrize(
    ("org_type", "code"),
    [("member_state", "XYZ"), ("member_state", "SN"), ("secretariat", "SADC"), ("operator", "a")],
)
def test_invalid_codes_are_422(
    client: TestClient, auth_api: AuthApi, org_type: str, code: str
) -> None:
    body = {"type": org_type, "code": code, "name": "x"}
    response = client.post(ORGS, json=body, headers=auth_api.admin_headers())
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == "code"


def test_unknown_type_is_422(client: TestClient, auth_api: AuthApi) -> None:
    body = {"type": "ngo", "code": "ABC", "name": "x"}
    assert client.post(ORGS, json=body, headers=auth_api.admin_headers()).status_code == 422


def test_duplicate_code_is_409(client: TestClient, auth_api: AuthApi) -> None:
    body = {"type": "member_state", "code": "SEN", "name": "x"}
    assert client.post(ORGS, json=body, headers=auth_api.admin_headers()).status_code == 201
    again = client.post(ORGS, json=body, headers=auth_api.admin_headers())
    assert again.status_code == 409
    assert again.json()["code"] == "organisation_exists"


def test_member_state_sees_its_own_organisation_only(client: TestClient, auth_api: AuthApi) -> None:
    auth_api.ensure_organisation("member_state", "CIV")
    assert client.get(f"{ORGS}/CIV", headers=auth_api.admin_headers()).status_code == 200
    headers = auth_api.member_state_headers("SEN")
    assert client.get(f"{ORGS}/SEN", headers=headers).status_code == 200
    assert client.get(f"{ORGS}/CIV", headers=headers).status_code == 404
    assert client.get(ORGS, headers=headers).status_code == 403
    body = {"type": "member_state", "code": "GHA", "name": "x"}
    assert client.post(ORGS, json=body, headers=headers).status_code == 403


def test_list_filters_by_type(client: TestClient, auth_api: AuthApi) -> None:
    auth_api.ensure_organisation("member_state", "SEN")
    auth_api.ensure_organisation("secretariat", "ECCAS")
    listed = client.get(f"{ORGS}?type=secretariat", headers=auth_api.admin_headers()).json()
    assert [o["code"] for o in listed["items"]] == ["ECCAS"]
