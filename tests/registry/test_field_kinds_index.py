"""The index keeps a weapon's serial status as the logged record says (issue 14, item 2):
a delivery that drops or changes it is refused, so a partly legible serial can never be
indexed as a whole one (which trace and diversion alerts would match as a serial)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.registry.factories import INDEX, declared_weapon, delivery
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status


def test_a_partial_serial_delivered_as_a_whole_one_is_refused(
    client: TestClient, auth_api: AuthApi
) -> None:
    body = delivery([declared_weapon(0, "4471", serial_status="partial")])
    body["items"][0]["serial_status"] = None  # not what the logged record says
    refused = assert_status(
        client.post(INDEX, json=body, headers=auth_api.operator_headers(("index:write",))), 422
    )
    assert refused["code"] == "not_what_the_log_says"
    assert [error["loc"] for error in refused["errors"]] == ["items[0].serial_status"]


def test_a_partial_serial_is_indexed_as_a_pattern_not_a_serial(
    client: TestClient, auth_api: AuthApi
) -> None:
    relay = auth_api.operator_headers(("index:write",))
    body = delivery([declared_weapon(0, "4471", serial_status="partial")])
    assert assert_status(client.post(INDEX, json=body, headers=relay), 200)["status"] == "indexed"
    reader = auth_api.operator_headers(("register:read",))
    exact = assert_status(
        client.get("/registry/v1/trace", params={"serial_number": "4471"}, headers=reader), 200
    )
    # The fragment matches itself only as a pattern: never "exact" as a serial.
    assert [(r["match"], r["serial_status"]) for r in exact["items"]] == [("possible", "partial")]
