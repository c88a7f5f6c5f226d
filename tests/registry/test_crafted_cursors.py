"""A cursor no list produced is a 400 on every list, never a 500 (issue 12)."""

from __future__ import annotations

import base64
import json

import pytest
from fastapi.testclient import TestClient

from tests.support.auth_fixtures import AuthApi


def _cursor(raw: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(raw).encode()).decode().rstrip("=")


CRAFTED = [
    [{"x": "y"}],  # an object of no known tag
    [[1]],  # a nested list
    [2**80],  # an integer past 64 bits
    [{"d": 20260101}],  # a tag with a value of the wrong type
    [{"u": "not-a-uuid"}],
    [None],
    [1.5e308],
]


LISTS = [
    "/registry/v1/missions",
    "/registry/v1/manifests",
    "/registry/v1/loss-reports",
    "/registry/v1/alerts",
    "/registry/v1/reference/changes",
    "/declarations/v1/declarations",
    "/auth/v1/organisations",
    "/auth/v1/clients",
]


@pytest.mark.parametrize("raw", CRAFTED, ids=repr)
@pytest.mark.parametrize("path", LISTS)
def test_a_crafted_cursor_is_400_on_every_list(
    client: TestClient, auth_api: AuthApi, sen: dict[str, str], path: str, raw: object
) -> None:
    operator_reads = path.startswith("/auth/") or path == "/registry/v1/reference/changes"
    headers = auth_api.admin_headers() if operator_reads else sen
    assert client.get(path, headers=headers).status_code == 200
    response = client.get(path, params={"cursor": _cursor(raw)}, headers=headers)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "invalid_cursor"
