"""Reconciliation arithmetic against a plain Python model, on random event sequences."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.registry.factories import MANIFESTS, ammunition, manifest, weapon

SERIALS = ("A", "B", "C")
weapon_events = st.tuples(st.sampled_from(("in", "out", "loss")), st.sampled_from(SERIALS))
lot_events = st.tuples(st.sampled_from(("in", "out", "loss")), st.integers(1, 500))
events = st.lists(st.one_of(weapon_events, lot_events), min_size=1, max_size=12)


def _loss(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "mission": "MINUSCA",
        "contributing_country": "SEN",
        "loss_type": "stolen",
        "loss_date": "2024-05-01",
        "place": "Bria",
        "circumstances": "ambush",
        "items": items,
    }


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=events)
def test_balances_match_a_python_model(
    client: TestClient, sen: dict[str, str], sequence: list[tuple[str, Any]]
) -> None:
    run = uuid.uuid4().hex[:8].upper()
    lot = f"LOT{run}"
    held = dict.fromkeys(SERIALS, 0)
    ever_in: set[str] = set()
    rounds = 0
    lot_in = False
    lot_moved = False  # any accepted movement of the lot gives it a reconciliation line
    for movement, what in sequence:
        if isinstance(what, str):
            serial = f"{run}-{what}"
            if movement == "loss":
                ok = what in ever_in and held[what] >= 1
                response = client.post(
                    "/registry/v1/loss-reports",
                    json=_loss([{"kind": "weapon", "serial_number": serial}]),
                    headers=sen,
                )
            else:
                ok = held[what] <= 0 if movement == "in" else held[what] >= 1
                response = client.post(
                    MANIFESTS, json=manifest([weapon(serial)], direction=movement), headers=sen
                )
            assert (response.status_code == 201) == ok, (movement, what, response.text)
            if ok:
                held[what] += 1 if movement == "in" else -1
                ever_in |= {what} if movement == "in" else set()
        else:
            if movement == "loss":
                ok = lot_in and rounds - what >= 0
                response = client.post(
                    "/registry/v1/loss-reports",
                    json=_loss(
                        [
                            {
                                "kind": "ammunition",
                                "calibre": "7.62x39mm",
                                "lot_number": lot,
                                "quantity": what,
                            }
                        ]
                    ),
                    headers=sen,
                )
            else:
                ok = True  # ammunition is counted, not policed: a negative lot is reported
                response = client.post(
                    MANIFESTS,
                    json=manifest([ammunition(lot, what)], direction=movement),
                    headers=sen,
                )
            assert (response.status_code == 201) == ok, (movement, what, response.text)
            if ok:
                rounds += what if movement == "in" else -what
                lot_in = lot_in or movement == "in"
                lot_moved = True

    lines = client.get(
        "/registry/v1/reconciliation", params={"mission": "MINUSCA", "limit": 1000}, headers=sen
    ).json()["items"]
    mine = [
        x for x in lines if (x["serial_number"] or x["lot_number"] or "").startswith((run, lot))
    ]
    balances = {x["serial_number"] or x["lot_number"]: x["balance"] for x in mine}
    # Every weapon ever brought in has its line, and nothing else has one: a missing
    # line fails here instead of being left out of the comparison.
    expected = {f"{run}-{s}": held[s] for s in ever_in}
    if lot_moved:
        expected[lot] = rounds
    assert balances == expected
    for line in mine:
        assert line["balance"] == (
            line["quantity_in"]
            - line["quantity_out"]
            - line["quantity_lost"]
            - line["quantity_destroyed"]
        )
    holdings = client.get(
        "/registry/v1/holdings", params={"mission": "MINUSCA", "limit": 1000}, headers=sen
    ).json()
    held_now = {h["serial_number"] for h in holdings["items"] if h["kind"] == "weapon"}
    assert {s for s in held_now if s.startswith(run)} == {
        f"{run}-{s}" for s, n in held.items() if n > 0
    }
