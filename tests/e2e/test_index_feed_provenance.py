"""The registry's weapon index accepts only what the declarations log proves.

Issue 12, item 8: any holder of an ``index:write`` token could post an invented
seizure to ``POST /registry/v1/index/declarations`` and raise a real diversion
alert against a state. Each test here is that attacker, holding a valid
``index:write`` token and everything the log publishes (checkpoint, proofs,
entries, records), against the whole register embedded: real declarations log,
real relay, real registry.
"""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.common.transparency.canonical import canonical_json, canonical_sha256_hex
from services.common.transparency.checkpoint import Checkpoint, sign_checkpoint
from services.common.transparency.merkle import MemoryTree
from services.common.transparency.note import generate_signer
from services.embedded import EmbeddedRegister, EmbeddedSettings, create_embedded_app
from tests.declarations.support import MovableClock
from tests.e2e.test_index_feed import (
    DELIVER,
    give_relay_a_client,
    rifle,
    seizure_by_niger,
    senbatt_in,
)
from tests.support.auth_fixtures import AuthApi
from tests.support.responses import assert_status

INDEX = "/registry/v1/index/declarations"
LOG = "/declarations/v1/log"
SEN_RIFLE = "56-0000123"  # in SENBATT's manifest: seizing it elsewhere is a diversion
ITEM_FIELDS = (
    "kind",
    "category",
    "manufacturer",
    "model",
    "calibre",
    "serial_number",
    "lot_number",
    "year_of_manufacture",
    "quantity",
    "description",
)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def event_of(record: dict[str, Any], proof: dict[str, Any]) -> dict[str, Any]:
    """A delivery stating what ``record`` says, as the relay builds it."""
    return {
        "event_id": str(uuid.uuid4()),
        "declaration_id": record["id"],
        "version": record["version"],
        "action": "upsert",
        "type": record["type"],
        "declaring_country": record["declaring_country"],
        "mission": record.get("mission"),
        "event_date": record["event_date"],
        "location": record["location"],
        "presumed_user": record.get("presumed_user"),
        "undeclared": False,
        "references": record.get("references", []),
        "items": [
            {"item_index": position, **{name: item.get(name) for name in ITEM_FIELDS}}
            | {"quantity": item.get("quantity") or 1}
            for position, item in enumerate(record["items"])
        ],
        "record": record,
        "proof": proof,
    }


def declared_by_niger(client: TestClient, auth_api: AuthApi, serial: str) -> str:
    niger = auth_api.member_state_headers("NER", ("declarations:write", "register:read"))
    declared = client.post(
        "/declarations/v1/declarations", json=seizure_by_niger(serial), headers=niger
    )
    assert declared.status_code == 201, declared.text
    return str(declared.json()["id"])


def published(client: TestClient, auth_api: AuthApi, declaration_id: str) -> dict[str, Any]:
    """The entry's record and proof, from what the log publishes to a register:read caller."""
    checkpoint = client.get(f"{LOG}/checkpoint")
    assert checkpoint.status_code == 200, checkpoint.text
    size = int(checkpoint.text.split("\n")[1])
    reader = auth_api.operator_headers(("register:read",))
    entries = assert_status(
        client.get(f"{LOG}/entries", params={"start": 0, "end": size}, headers=reader), 200
    )["entries"]
    entry = next(e for e in entries if e["entry"]["declaration_id"] == declaration_id)
    inclusion = assert_status(
        client.get(f"{LOG}/proof/inclusion", params={"index": entry["index"], "tree_size": size}),
        200,
    )
    proof = {
        "log_index": entry["index"],
        "leaf_input": entry["leaf_input"],
        "checkpoint": checkpoint.text,
        "inclusion": inclusion["hashes"],
    }
    return {"record": entry["record"], "proof": proof}


def diversion_alerts_against_senegal(client: TestClient, auth_api: AuthApi) -> list[Any]:
    response = client.get(
        "/registry/v1/alerts",
        params={"kind": "diversion"},
        headers=auth_api.member_state_headers("SEN"),
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def own_log_proof(entry: dict[str, Any], origin: str) -> dict[str, Any]:
    """The attacker's own log holding ``entry``, signed with a key of the same name."""
    signer = generate_signer(origin)
    tree = MemoryTree()
    leaf = canonical_json(entry)
    index = tree.append_data(leaf)
    return {
        "log_index": index,
        "leaf_input": b64(leaf),
        "checkpoint": sign_checkpoint(Checkpoint(origin, tree.size, tree.root()), signer),
        "inclusion": [b64(node) for node in tree.inclusion_proof(index)],
    }


def test_an_invented_seizure_with_a_valid_index_write_token_is_refused(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    senbatt_in(client, auth_api)
    attacker = auth_api.operator_headers(("index:write",))
    real = published(client, auth_api, declared_by_niger(client, auth_api, "99-0000001"))
    invented_record = {
        "id": str(uuid.uuid4()),
        "version": 1,
        **seizure_by_niger(SEN_RIFLE),
    }
    invented_entry = {
        "type": "declaration_version",
        "timestamp": "2026-12-05T10:00:00.000000Z",
        "declaration_id": invented_record["id"],
        "version": 1,
        "record_sha256": canonical_sha256_hex(invented_record),
    }
    origin = register_settings.declarations.log_origin

    unproven = event_of(invented_record, real["proof"])
    del unproven["proof"]
    refused = client.post(INDEX, json=unproven, headers=attacker)
    assert refused.status_code == 422, refused.text
    assert "proof" in {e["loc"] for e in refused.json()["errors"]}

    # A real entry's proof (of another declaration) under a real checkpoint.
    borrowed = client.post(INDEX, json=event_of(invented_record, real["proof"]), headers=attacker)
    assert borrowed.status_code == 422, borrowed.text
    assert borrowed.json()["code"] == "not_what_the_log_says"
    assert {e["loc"] for e in borrowed.json()["errors"]} == {"declaration_id"}

    # The invented entry in a log of the attacker's own, whose key bears the log's name.
    forged = event_of(invented_record, own_log_proof(invented_entry, origin))
    untrusted = client.post(INDEX, json=forged, headers=attacker)
    assert untrusted.status_code == 403, untrusted.text
    assert untrusted.json()["code"] == "untrusted_checkpoint"

    assert diversion_alerts_against_senegal(client, auth_api) == []
    # The real declaration still reaches the index through the relay.
    give_relay_a_client(auth_api, register_settings)
    delivered = assert_status(client.post(DELIVER, headers=auth_api.admin_headers()), 200)
    assert (delivered["delivered"], delivered["rejected"]) == (1, 0), delivered["errors"]


def test_a_tampered_record_is_refused_before_anything_is_stored(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    senbatt_in(client, auth_api)
    attacker = auth_api.operator_headers(("index:write",))
    declaration_id = declared_by_niger(client, auth_api, "99-0000002")
    real = published(client, auth_api, declaration_id)

    edited_record = real["record"] | {"items": [rifle(SEN_RIFLE)]}
    tampered = client.post(INDEX, json=event_of(edited_record, real["proof"]), headers=attacker)
    assert tampered.status_code == 422, tampered.text
    assert tampered.json()["code"] == "not_what_the_log_says"
    assert [e["loc"] for e in tampered.json()["errors"]] == ["record"]

    # The logged record, but the delivered items say otherwise.
    edited_items = event_of(real["record"], real["proof"])
    edited_items["items"][0]["serial_number"] = SEN_RIFLE
    edited_items["location"] = {"country": "SEN", "place": "Dakar"}
    contradicted = client.post(INDEX, json=edited_items, headers=attacker)
    assert contradicted.status_code == 422, contradicted.text
    assert {e["loc"] for e in contradicted.json()["errors"]} == {
        "location",
        "items[0].serial_number",
    }

    assert diversion_alerts_against_senegal(client, auth_api) == []
    # Nothing was stored: the untouched delivery is the first the index sees.
    untouched = assert_status(
        client.post(INDEX, json=event_of(real["record"], real["proof"]), headers=attacker), 200
    )
    assert (untouched["status"], untouched["version"]) == ("indexed", 1)


def test_a_proof_against_a_checkpoint_signed_by_another_key_is_refused(
    client: TestClient, auth_api: AuthApi, register_settings: EmbeddedSettings
) -> None:
    attacker = auth_api.operator_headers(("index:write",))
    real = published(client, auth_api, declared_by_niger(client, auth_api, "99-0000003"))
    origin = register_settings.declarations.log_origin
    entry = json.loads(base64.b64decode(real["proof"]["leaf_input"]))

    # The real entry and record, in a tree signed by another key.
    resigned = event_of(real["record"], own_log_proof(entry, origin))
    refused = client.post(INDEX, json=resigned, headers=attacker)
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "untrusted_checkpoint"

    # The real checkpoint's body under another key's signature line.
    body, _, _ = real["proof"]["checkpoint"].partition("\n\n")
    other = sign_checkpoint(
        Checkpoint(origin, int(body.split("\n")[1]), base64.b64decode(body.split("\n")[2])),
        generate_signer(origin),
    )
    swapped = event_of(real["record"], real["proof"] | {"checkpoint": other})
    assert client.post(INDEX, json=swapped, headers=attacker).status_code == 403

    # And a proof whose path does not lead to the signed root.
    bent = real["proof"] | {"inclusion": [b64(bytes(32))] * max(1, len(real["proof"]["inclusion"]))}
    not_in_log = client.post(INDEX, json=event_of(real["record"], bent), headers=attacker)
    assert not_in_log.status_code == 422, not_in_log.text
    assert not_in_log.json()["code"] == "not_in_log"


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def register(register_settings: EmbeddedSettings, clock: MovableClock) -> EmbeddedRegister:
    """The whole register, declarations on a clock that can go back 31 years."""
    return create_embedded_app(register_settings, declarations_options={"clock": clock})


def test_a_disposal_reaches_the_index_proven_by_its_own_log_entry(
    client: TestClient,
    auth_api: AuthApi,
    register_settings: EmbeddedSettings,
    clock: MovableClock,
) -> None:
    clock.rewind(years=31)
    niger = auth_api.member_state_headers("NER", ("declarations:write", "register:read"))
    declared = client.post(
        "/declarations/v1/declarations",
        json=seizure_by_niger("99-0000004") | {"event_date": clock.today().isoformat()},
        headers=niger,
    )
    assert declared.status_code == 201, declared.text
    clock.reset()
    declaration_id = declared.json()["id"]
    admin = auth_api.admin_headers()
    disposed = client.delete(f"/declarations/v1/declarations/{declaration_id}", headers=admin)
    assert_status(disposed, 200)
    attacker = auth_api.operator_headers(("index:write",))
    # The version's proof cannot stand for a disposal: only the disposal entry can.
    real = published(client, auth_api, declaration_id)
    dispose = {**event_of(seizure_by_niger("x") | {"id": declaration_id, "version": 1}, {})}
    dispose |= {"action": "dispose", "location": None, "items": [], "record": None}
    refused = client.post(INDEX, json=dispose | {"proof": real["proof"]}, headers=attacker)
    assert refused.status_code == 422, refused.text
    assert {e["loc"] for e in refused.json()["errors"]} == {"action"}

    give_relay_a_client(auth_api, register_settings)
    delivered = assert_status(client.post(DELIVER, headers=admin), 200)
    assert (delivered["delivered"], delivered["rejected"], delivered["failed"]) == (2, 0, 0), (
        delivered["errors"]
    )
