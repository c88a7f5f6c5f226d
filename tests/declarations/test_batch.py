"""POST ./declarations/batch: up to 1,000 declarations, all or none, one checkpoint."""

from __future__ import annotations

import base64
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select

from services.common.transparency.checkpoint import open_checkpoint
from services.common.transparency.merkle import verify_inclusion
from services.common.transparency.note import parse_verifier_key
from services.declarations.models import checkpoints
from tests.declarations.support import Callers, declaration, destruction, weapon
from tests.support.responses import assert_status

URL = "/declarations/v1/declarations"
BATCH = f"{URL}/batch"
LOG = "/declarations/v1/log"


def _batch(count: int, country: str = "SEN", start: int = 0) -> dict[str, Any]:
    return {
        "declarations": [
            declaration(country, items=[weapon(f"B-{start + n}-{i}") for i in range(3)])
            for n in range(count)
        ]
    }


def _checkpoint_rows(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(
                connection.execute(select(func.count()).select_from(checkpoints)).scalar_one()
            )
    finally:
        engine.dispose()


def test_a_batch_is_stored_in_order_under_one_signed_checkpoint(
    client: TestClient, callers: Callers, declarations_url: str
) -> None:
    response = client.post(BATCH, json=_batch(5), headers=callers.state("SEN"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert [d["log_index"] for d in body["items"]] == [0, 1, 2, 3, 4]
    assert body["tree_size"] == 5
    assert _checkpoint_rows(declarations_url) == 1
    key = parse_verifier_key(client.get(f"{LOG}/public-key").text)
    signed = open_checkpoint(client.get(f"{LOG}/checkpoint").text, [key], origin=key.name)
    assert signed.size == 5
    for created in body["items"]:
        view = client.get(f"{URL}/{created['id']}", headers=callers.state("SEN")).json()
        assert view["record_sha256"] == created["record_sha256"]
        assert f'"{view["record_sha256"]}"' == created["etag"]
        proof = client.get(
            f"{LOG}/proof/inclusion", params={"index": created["log_index"], "tree_size": 5}
        ).json()
        verify_inclusion(
            created["log_index"],
            5,
            base64.b64decode(proof["leaf_hash"]),
            [base64.b64decode(h) for h in proof["hashes"]],
            signed.root_hash,
        )


def test_every_schema_problem_is_located_in_the_batch(client: TestClient, callers: Callers) -> None:
    body = _batch(5)
    del body["declarations"][3]["items"][2]["serial_number"]
    body["declarations"][1]["location"]["lat"] = 95
    response = client.post(BATCH, json=body, headers=callers.state("SEN"))
    assert response.status_code == 422
    locs = {e["loc"] for e in response.json()["errors"]}
    assert locs == {
        "declarations[3].items[2].weapon.serial_number",
        "declarations[1].location.lat",
    }


def test_every_rule_problem_is_listed_and_nothing_is_stored(
    client: TestClient, callers: Callers
) -> None:
    body = _batch(5)
    body["declarations"][0]["event_date"] = (date.today() + timedelta(days=3)).isoformat()
    body["declarations"][2]["mission"] = "NOSUCH"
    body["declarations"][4]["items"][1] = weapon("b 4 0")  # the same weapon as items[0]
    response = client.post(BATCH, json=body, headers=callers.state("SEN"))
    assert response.status_code == 422, response.text
    assert [e["loc"] for e in response.json()["errors"]] == [
        "declarations[0].event_date",
        "declarations[2].mission",
        "declarations[4].items[1]",
    ]
    assert client.get(URL, headers=callers.state("SEN")).json()["items"] == []
    assert client.get(f"{LOG}/checkpoint").text.split("\n")[1] == "0"


def test_destroying_an_item_twice_is_refused_across_and_within_batches(
    client: TestClient, callers: Callers
) -> None:
    seized = assert_status(client.post(BATCH, json=_batch(1), headers=callers.state("SEN")))
    reference = seized["items"][0]["id"]
    first = destruction([reference], [weapon("B-0-0")])
    again = destruction([reference], [weapon("b 0 0"), weapon("B-0-1")])
    within = client.post(BATCH, json={"declarations": [first, again]}, headers=callers.state("SEN"))
    assert within.status_code == 409, within.text
    assert [e["loc"] for e in within.json()["errors"]] == ["declarations[1].items[0]"]
    stored = client.post(BATCH, json={"declarations": [first]}, headers=callers.state("SEN"))
    assert stored.status_code == 201, stored.text
    later = client.post(
        BATCH, json={"declarations": [declaration(), again]}, headers=callers.state("SEN")
    )
    assert later.status_code == 409
    assert later.json()["code"] == "already_destroyed"
    assert [e["loc"] for e in later.json()["errors"]] == ["declarations[1].items[0]"]


def test_a_declaration_for_another_country_makes_the_batch_403(
    client: TestClient, callers: Callers
) -> None:
    body = _batch(3)
    body["declarations"][2]["declaring_country"] = "CIV"
    response = client.post(BATCH, json=body, headers=callers.state("SEN"))
    assert response.status_code == 403
    assert response.json()["code"] == "outside_tenancy"
    assert [e["loc"] for e in response.json()["errors"]] == ["declarations[2].declaring_country"]
    assert client.post(BATCH, json=_batch(1), headers=callers.secretariat()).status_code == 403


def test_a_batch_retry_with_the_same_idempotency_key_returns_the_first_response(
    client: TestClient, callers: Callers
) -> None:
    headers = callers.state("SEN") | {"Idempotency-Key": "batch-1"}
    first = client.post(BATCH, json=_batch(2), headers=headers)
    again = client.post(BATCH, json=_batch(2), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    reused = client.post(BATCH, json=_batch(3), headers=headers)
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"
    assert client.get(f"{LOG}/checkpoint").text.split("\n")[1] == "2"


def test_a_batch_is_bounded_to_1000_declarations(client: TestClient, callers: Callers) -> None:
    body = {"declarations": [declaration(items=[weapon(f"X{n}")]) for n in range(1001)]}
    response = client.post(BATCH, json=body, headers=callers.state("SEN"))
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["errors"]] == ["declarations"]
    empty = client.post(BATCH, json={"declarations": []}, headers=callers.state("SEN"))
    assert empty.status_code == 422


def test_a_full_batch_of_1000_is_stored_in_bulk_and_the_log_stays_sound(
    client: TestClient, callers: Callers, declarations_settings: Any
) -> None:
    from services.common.database import make_engine, write_session
    from services.declarations.log.fixity import check_fixity
    from services.declarations.log.keys import load_signer
    from services.declarations.log.service import LogContext

    assert_status(client.post(URL, json=declaration(), headers=callers.state("SEN")))
    response = client.post(BATCH, json=_batch(1000), headers=callers.state("SEN"))
    assert response.status_code == 201, response.text[:500]
    assert response.json()["tree_size"] == 1001
    assert len({d["id"] for d in response.json()["items"]}) == 1000
    after = client.post(URL, json=declaration(), headers=callers.state("SEN"))
    assert after.json()["log_index"] == 1001
    listed = client.get(URL, params={"limit": 1000}, headers=callers.state("SEN")).json()
    assert len(listed["items"]) == 1000
    context = LogContext(
        signer=load_signer(declarations_settings), origin=declarations_settings.log_origin
    )
    engine = make_engine(declarations_settings.resolved_database_url())
    try:
        with write_session(engine) as session:
            result = check_fixity(session, log=context)
    finally:
        engine.dispose()
    assert result.ok, result.problems
    assert result.tree_size == 1002
