"""Cases opened from a declared item or a trace result, and the trace request PDF's log
proof, verifiable offline (issue 16, items 1 and 3), through the HTTP API."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import create_engine, text

from services.common.transparency.checkpoint import open_checkpoint
from services.common.transparency.merkle import verify_inclusion
from services.common.transparency.note import parse_verifier_key
from tests.registry.factories import INDEX, declared_weapon, delivery
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

CASES = "/registry/v1/cases"
REQUESTS = "/registry/v1/trace-requests"


def _seizure(client: TestClient, auth_api: AuthApi, declaration_id: str = "decl-1") -> None:
    relay = auth_api.operator_headers(("index:write",))
    seized = delivery([declared_weapon(0, "56 OOOO123")], declaration_id=declaration_id)
    assert_status(client.post(INDEX, json=seized, headers=relay), 200)


def _opened_from(
    client: TestClient, headers: dict[str, str], item: dict[str, Any]
) -> dict[str, Any]:
    body = {"title": "Fusil saisi à Ménaka", "summary": "s", "from_item": item}
    return dict(assert_status(client.post(CASES, json=body, headers=headers)))


def _pdf(client: TestClient, headers: dict[str, str], case: dict[str, Any]) -> PdfReader:
    body = {
        "case_item_id": case["items"][0]["id"],
        "recipient_country": "SEN",
        "recipient_role": "contributing_state",
        "language": "en",
        "recovery_context": "Seized at Ménaka.",
        "request_text": "Where did it come from?",
    }
    draft = assert_status(
        client.post(f"{CASES}/{case['id']}/trace-requests", json=body, headers=headers)
    )
    response = client.get(f"{REQUESTS}/{draft['id']}/pdf", headers=headers)
    assert response.status_code == 200
    return PdfReader(io.BytesIO(response.content))


def test_a_case_opened_from_a_declared_item_holds_that_item_first(
    client: TestClient, auth_api: AuthApi
) -> None:
    _seizure(client, auth_api)
    ecowas = auth_api.secretariat_headers("ECOWAS")
    case = _opened_from(
        client,
        ecowas,
        {"kind": "declared_item", "declaration_id": "decl-1", "item_index": 0, "note": "vu"},
    )
    assert [(i["kind"], i["reference"], i["item_index"]) for i in case["items"]] == [
        ("declared_item", "decl-1", 0)
    ]
    first = case["items"][0]
    assert first["serial_number"] == "56 OOOO123"
    assert first["manufacturer"] == "Kalashnikov Concern"
    assert first["note"] == "vu"
    assert first["log_index"] is not None
    assert client.get(f"{CASES}/{case['id']}", headers=ecowas).json()["items"] == case["items"]


def test_a_case_opened_from_a_trace_result_holds_the_serial_as_typed(
    client: TestClient, auth_api: AuthApi
) -> None:
    sen = auth_api.member_state_headers("SEN")
    case = _opened_from(
        client,
        sen,
        {
            "kind": "trace_result",
            "serial_number": "56-OOOO123",
            "manufacturer": "Kalashnikov Concern",
            "model": "AK-103",
            "country": "NER",
        },
    )
    assert case["owner"] == "SEN"
    [first] = case["items"]
    assert (first["kind"], first["serial_number"], first["model"], first["country"]) == (
        "trace_result",
        "56-OOOO123",
        "AK-103",
        "NER",
    )


def test_a_declared_item_the_caller_may_not_read_is_refused_and_no_case_opened(
    client: TestClient, auth_api: AuthApi
) -> None:
    _seizure(client, auth_api)  # Niger's seizure: Ghana does not read it
    ghana = auth_api.member_state_headers("GHA")
    body = {
        "title": "t",
        "summary": "s",
        "from_item": {"kind": "declared_item", "declaration_id": "decl-1", "item_index": 0},
    }
    refused = client.post(CASES, json=body, headers=ghana)
    assert refused.status_code == 422
    assert [e["loc"] for e in refused.json()["errors"]] == ["from_item.item_index"]
    assert client.get(CASES, headers=ghana).json()["items"] == []


def test_every_problem_of_the_alert_and_the_item_is_named(
    client: TestClient, auth_api: AuthApi
) -> None:
    ecowas = auth_api.secretariat_headers("ECOWAS")
    body = {
        "title": "t",
        "summary": "s",
        "from_alert": "no-such-alert",
        "from_item": {"kind": "declared_item", "alert_id": "x"},
    }
    refused = client.post(CASES, json=body, headers=ecowas)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert {e["loc"] for e in refused.json()["errors"]} == {
        "from_alert",
        "from_item.declaration_id",
        "from_item.item_index",
        "from_item.alert_id",
    }
    schema = client.post(
        CASES, json={"title": "t", "summary": "s", "from_item": {"kind": "x"}}, headers=ecowas
    )
    assert schema.status_code == 422
    assert any("from_item" in e["loc"] for e in schema.json()["errors"])
    assert client.get(CASES, headers=ecowas).json()["items"] == []


def test_the_pdf_carries_the_inclusion_proof_and_signed_checkpoint_verifiable_offline(
    client: TestClient, auth_api: AuthApi
) -> None:
    _seizure(client, auth_api, "decl-0")  # an earlier entry: the audit path is not empty
    _seizure(client, auth_api)
    ecowas = auth_api.secretariat_headers("ECOWAS")
    case = _opened_from(
        client, ecowas, {"kind": "declared_item", "declaration_id": "decl-1", "item_index": 0}
    )
    reader = _pdf(client, ecowas, case)
    proof = json.loads(reader.attachments["log-proof.json"][0])
    item = case["items"][0]
    assert proof["index"] == item["log_index"]
    assert proof["leaf_hash"] == item["log_leaf_hash"]
    assert proof["hashes"]
    # Offline: the signature under the printed key, then the audit path up to its root.
    verifier = parse_verifier_key(proof["verifier_key"])
    checkpoint = open_checkpoint(proof["checkpoint"], [verifier], origin=verifier.name)
    assert checkpoint.size == proof["tree_size"]
    verify_inclusion(
        proof["index"],
        checkpoint.size,
        bytes.fromhex(proof["leaf_hash"]),
        [base64.b64decode(h) for h in proof["hashes"]],
        checkpoint.root_hash,
    )
    printed = "\n".join(page.extract_text() for page in reader.pages)
    assert "Audit path" in printed
    assert "Signed checkpoint" in printed
    for line in (*proof["hashes"], proof["checkpoint"].splitlines()[2]):
        assert line in printed.replace("\n", "")


def test_a_record_indexed_before_proofs_were_kept_is_said_so_in_the_pdf(
    client: TestClient, auth_api: AuthApi, database_urls: dict[str, str]
) -> None:
    _seizure(client, auth_api)
    engine = create_engine(database_urls["registry"])
    try:
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE indexed_declarations SET log_checkpoint = NULL, log_inclusion = NULL")
            )
    finally:
        engine.dispose()
    ecowas = auth_api.secretariat_headers("ECOWAS")
    case = _opened_from(
        client, ecowas, {"kind": "declared_item", "declaration_id": "decl-1", "item_index": 0}
    )
    reader = _pdf(client, ecowas, case)
    printed = "\n".join(page.extract_text() for page in reader.pages)
    assert "before the register kept proofs" in printed
    assert "/declarations/v1/log/proof/inclusion" in printed
    assert "log-proof.json" not in reader.attachments
