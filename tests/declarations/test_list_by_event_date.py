"""``GET /declarations?event_from=&event_to=``: declarations by the day of their event."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.declarations.support import declaration
from tests.support.auth_fixtures import AuthApi

URL = "/declarations/v1/declarations"


def test_event_dates_bound_the_list_inclusively_and_a_bad_date_is_named(
    client: TestClient, auth_api: AuthApi
) -> None:
    sen = auth_api.member_state_headers("SEN")
    ids = {}
    for day in ("2024-01-10", "2025-01-01", "2025-06-01", "2026-01-02"):
        created = client.post(URL, json=declaration(event_date=day), headers=sen)
        assert created.status_code == 201, created.text
        ids[day] = created.json()["id"]
    listed = client.get(
        URL, params={"event_from": "2025-01-01", "event_to": "2025-06-01"}, headers=sen
    )
    assert listed.status_code == 200, listed.text
    assert {d["id"] for d in listed.json()["items"]} == {ids["2025-01-01"], ids["2025-06-01"]}
    bad = client.get(URL, params={"event_from": "2025-13-01", "event_to": "soon"}, headers=sen)
    assert bad.status_code == 422
    assert {e["loc"] for e in bad.json()["errors"]} == {"query.event_from", "query.event_to"}
