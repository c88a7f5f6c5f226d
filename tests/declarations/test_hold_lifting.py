"""Who may lift a legal hold: the organisation that placed it, or the operator; and which."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.declarations.support import Callers, declaration
from tests.support.responses import assert_status

URL = "/declarations/v1/declarations"
LIFT = {"reason": "inquiry closed"}


def _declared(client: TestClient, callers: Callers) -> str:
    created = assert_status(client.post(URL, json=declaration(), headers=callers.state("SEN")))
    return str(created["id"])


def _hold(client: TestClient, declaration_id: str, headers: dict[str, str]) -> str:
    placed = client.post(f"{URL}/{declaration_id}/holds", json={"reason": "r"}, headers=headers)
    return str(assert_status(placed)["id"])


def _active(client: TestClient, callers: Callers, declaration_id: str) -> list[str]:
    listed = client.get(f"{URL}/{declaration_id}/holds", headers=callers.state("SEN"))
    return [h["id"] for h in assert_status(listed, 200)["items"] if h["lifted_at"] is None]


def _lift(
    client: TestClient, path: str, headers: dict[str, str], body: dict[str, Any] | None = None
) -> Any:
    return client.request("DELETE", path, json=body or LIFT, headers=headers)


def test_a_secretariat_cannot_lift_the_operators_hold_on_a_record_it_sees(
    client: TestClient, callers: Callers
) -> None:
    declaration_id = _declared(client, callers)
    ecowas = callers.secretariat("ECOWAS")
    assert client.get(f"{URL}/{declaration_id}", headers=ecowas).status_code == 200
    hold_id = _hold(client, declaration_id, callers.operator(("admin", "register:read")))
    for path in (f"{URL}/{declaration_id}/holds/{hold_id}", f"{URL}/{declaration_id}/holds"):
        refused = _lift(client, path, ecowas)
        assert refused.status_code == 403, refused.text
        assert refused.json()["code"] == "hold_placed_by_another"
    assert _active(client, callers, declaration_id) == [hold_id]


def test_the_placing_secretariat_and_the_operator_may_lift_a_hold(
    client: TestClient, callers: Callers
) -> None:
    declaration_id = _declared(client, callers)
    ecowas, operator = callers.secretariat("ECOWAS"), callers.operator(("admin", "register:read"))
    own = _hold(client, declaration_id, ecowas)
    lifted = _lift(client, f"{URL}/{declaration_id}/holds/{own}", ecowas)
    assert assert_status(lifted, 200)["lift_reason"] == "inquiry closed"
    theirs = _hold(client, declaration_id, ecowas)
    assert_status(_lift(client, f"{URL}/{declaration_id}/holds/{theirs}", operator), 200)
    assert _active(client, callers, declaration_id) == []


def test_with_several_holds_standing_a_lift_must_name_its_hold(
    client: TestClient, callers: Callers
) -> None:
    declaration_id = _declared(client, callers)
    operator = callers.operator(("admin", "register:read"))
    first, second = (_hold(client, declaration_id, operator) for _ in range(2))
    refused = _lift(client, f"{URL}/{declaration_id}/holds", operator)
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "hold_id_required"
    assert sorted(refused.json()["hold_ids"]) == sorted([first, second])
    assert sorted(_active(client, callers, declaration_id)) == sorted([first, second])
    named = _lift(client, f"{URL}/{declaration_id}/holds", operator, LIFT | {"hold_id": first})
    assert [h["id"] for h in assert_status(named, 200)["items"]] == [first]
    # One hold left: the old form lifts it.
    alone = assert_status(_lift(client, f"{URL}/{declaration_id}/holds", operator), 200)
    assert [h["id"] for h in alone["items"]] == [second]


def test_a_lift_of_a_hold_of_another_declaration_is_404(
    client: TestClient, callers: Callers
) -> None:
    operator = callers.operator(("admin", "register:read"))
    held, other = _declared(client, callers), _declared(client, callers)
    hold_id = _hold(client, held, operator)
    refused = _lift(client, f"{URL}/{other}/holds/{hold_id}", operator)
    assert refused.status_code == 404
    assert refused.json()["code"] == "hold_not_found"
    assert _active(client, callers, held) == [hold_id]


def test_the_operator_without_register_read_learns_nothing_about_holds(
    client: TestClient, callers: Callers
) -> None:
    declaration_id = _declared(client, callers)
    hold_id = _hold(client, declaration_id, callers.secretariat("ECOWAS"))
    admin = callers.operator()
    holds = f"{URL}/{declaration_id}/holds"
    for response in (
        client.get(holds, headers=admin),
        client.post(holds, json={"reason": "r"}, headers=admin),
        _lift(client, holds, admin),
        _lift(client, f"{holds}/{hold_id}", admin),
    ):
        assert response.status_code == 404, response.text
        assert response.json()["code"] == "declaration_not_found"
    assert _active(client, callers, declaration_id) == [hold_id]
