"""A NUL character (U+0000) anywhere a client can put one is a 4xx, never a 500.

PostgreSQL cannot store U+0000 in text and psycopg refuses to send it: before the
edge check, ``?mission=%00`` or ``/missions/A%00B`` reached the database and ended
as a 500 on PostgreSQL. These run on both databases (``make test``).
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import BACKEND
from tests.registry.factories import MANIFESTS, manifest, weapon
from tests.support.auth_fixtures import AuthApi

TARGETS = [
    "/registry/v1/manifests?mission=%00",
    "/registry/v1/holdings?mission=A%00B",
    "/registry/v1/alerts?mission=%00",
    "/registry/v1/loss-reports?mission=%00",
    "/registry/v1/missions?authority=%00",
    "/registry/v1/missions/A%00B",
    "/registry/v1/manifests/abc%00",
    "/registry/v1/trace?serial_number=56%000123",
    "/declarations/v1/declarations?mission=%00",
    "/declarations/v1/declarations/abc%00",
    "/auth/v1/clients?organisation=%00",
]


@pytest.mark.parametrize("target", TARGETS)
def test_a_nul_in_the_path_or_query_is_a_422_naming_where(
    client: TestClient, auth_api: AuthApi, target: str
) -> None:
    headers = (
        auth_api.operator_headers()
        if target.startswith("/auth/")
        else auth_api.secretariat_headers("ECOWAS")
    )
    response = client.get(target, headers=headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "validation_failed"
    where = "path" if "?" not in target else "query"
    assert [e["loc"] for e in problem["errors"]] == [where]


def test_a_nul_in_a_body_string_is_stored_or_refused_but_never_a_500(
    client: TestClient, auth_api: AuthApi
) -> None:
    body = manifest([weapon("KC-000101", markings="SEN\x00FAR")], unit="SENBATT\x00 7")
    response = client.post(MANIFESTS, json=body, headers=auth_api.member_state_headers("SEN"))
    if BACKEND == "postgresql":
        # The database refuses the text; nothing was stored and the client is told why.
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["type"] == "value_refused"
        listed = client.get(MANIFESTS, headers=auth_api.member_state_headers("SEN"))
        assert listed.json()["items"] == []
    else:
        # SQLite keeps exactly what was declared.
        assert response.status_code == 201, response.text
        assert response.json()["unit"] == "SENBATT\x00 7"
