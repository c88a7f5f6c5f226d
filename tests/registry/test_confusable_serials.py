"""Issue 12: a contingent writes "ꓗꓚ-777001" (Lisu letters) for its rifle "KC-777001".

Before UTS #39 folding the two spellings had different match keys, so the seizure of
the rifle raised no diversion alert and a trace for either spelling missed the other.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.registry.factories import INDEX, MANIFESTS, declared_weapon, delivery, manifest, weapon
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

ALERTS = "/registry/v1/alerts"
TRACE = "/registry/v1/trace"


def test_a_serial_written_in_lisu_letters_still_raises_the_diversion_alert(
    client: TestClient, auth_api: AuthApi
) -> None:
    sen = auth_api.member_state_headers("SEN")
    assert_status(client.post(MANIFESTS, json=manifest([weapon("ꓗꓚ-777001")]), headers=sen))
    relay = auth_api.operator_headers(("index:write",))
    seized = client.post(INDEX, json=delivery([declared_weapon(0, "KC-777001")]), headers=relay)
    assert_status(seized, 200)
    assert seized.json()["alerts"] == 1
    alerts = client.get(ALERTS, params={"kind": "diversion"}, headers=sen).json()["items"]
    assert [a["evidence"]["manifests"][0]["recorded"] for a in alerts] == ["ꓗꓚ-777001"]


def test_trace_finds_a_serial_written_with_cherokee_and_small_capitals(
    client: TestClient, auth_api: AuthApi
) -> None:
    sen = auth_api.member_state_headers("SEN")
    assert_status(client.post(MANIFESTS, json=manifest([weapon("ᏦᏟ-777001")]), headers=sen))
    for query in ("KC-777001", "Kᴄ-777001", "kc 777001"):
        response = client.get(TRACE, params={"serial_number": query}, headers=sen)
        assert_status(response, 200)
        found = [(r["serial_number"], r["match"]) for r in response.json()["items"]]
        assert found == [("ᏦᏟ-777001", "normalized")], query
