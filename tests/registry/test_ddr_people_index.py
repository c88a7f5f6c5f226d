"""The index keeps a DDR collection's people figures only as its logged record states
them, and forgets them with the record's content."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.registry.factories import INDEX, declared_weapon, delivery
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

STATS = "/registry/v1/statistics"
PEOPLE = {"female_18_and_over": 3, "male_18_and_over": 12, "male_under_18": 1}


def _totals(client: TestClient, auth_api: AuthApi) -> list[tuple[str, int, int]]:
    body = assert_status(
        client.get(
            STATS,
            params={"group_by": "country"},
            headers=auth_api.operator_headers(("register:read",)),
        ),
        200,
    )
    return [(r["key"], r["collections"], r["total"]) for r in body["ddr_people"]]


def test_figures_that_the_record_does_not_state_are_refused(
    client: TestClient, auth_api: AuthApi
) -> None:
    relay = auth_api.operator_headers(("index:write",))
    honest = delivery([declared_weapon(0, "C-1")], type_="collection", ddr_people=PEOPLE)
    inflated = honest | {"ddr_people": PEOPLE | {"male_18_and_over": 500}}
    refused = client.post(INDEX, json=inflated, headers=relay)
    assert refused.status_code == 422, refused.text
    assert [e["loc"] for e in refused.json()["errors"]] == ["ddr_people"]
    assert _totals(client, auth_api) == []
    assert_status(client.post(INDEX, json=honest, headers=relay), 200)
    assert _totals(client, auth_api) == [("NER", 1, 16)]


def test_a_disposed_collection_leaves_the_figures(client: TestClient, auth_api: AuthApi) -> None:
    relay = auth_api.operator_headers(("index:write",))
    body = delivery([declared_weapon(0, "C-1")], type_="collection", ddr_people=PEOPLE)
    assert_status(client.post(INDEX, json=body, headers=relay), 200)
    assert _totals(client, auth_api) == [("NER", 1, 16)]
    disposal = delivery([], type_="collection", action="dispose", version=1, location=None)
    assert_status(client.post(INDEX, json=disposal, headers=relay), 200)
    assert _totals(client, auth_api) == []
