"""The transparency log over HTTP, checked with the project's pure verifier."""

from __future__ import annotations

import base64
import hashlib

from fastapi.testclient import TestClient

from services.common.transparency.canonical import canonical_json
from services.common.transparency.checkpoint import Checkpoint, open_checkpoint
from services.common.transparency.merkle import verify_consistency, verify_inclusion
from services.common.transparency.note import parse_verifier_key
from tests.declarations.support import Callers, declaration
from tests.support.responses import assert_status

URL = "/declarations/v1/declarations"
LOG = "/declarations/v1/log"


def _checkpoint(client: TestClient) -> Checkpoint:
    key = parse_verifier_key(client.get(f"{LOG}/public-key").text)
    response = client.get(f"{LOG}/checkpoint")
    assert response.headers["content-type"].startswith("text/plain")
    return open_checkpoint(response.text, [key], origin="salw-register.local/declarations")


def _declare(client: TestClient, callers: Callers, count: int, country: str = "SEN") -> list[str]:
    return [
        assert_status(client.post(URL, json=declaration(country), headers=callers.state(country)))[
            "id"
        ]
        for _ in range(count)
    ]


def test_the_empty_log_has_a_signed_checkpoint_of_the_empty_root(
    client: TestClient, callers: Callers
) -> None:
    checkpoint = _checkpoint(client)
    assert checkpoint.size == 0
    assert checkpoint.root_hash == hashlib.sha256(b"").digest()


def test_every_inclusion_proof_verifies_against_the_signed_checkpoint(
    client: TestClient, callers: Callers
) -> None:
    _declare(client, callers, 7)
    checkpoint = _checkpoint(client)
    assert checkpoint.size == 7
    entries = client.get(
        f"{LOG}/entries", params={"start": 0, "end": 7}, headers=callers.state("SEN")
    )
    for entry in entries.json()["entries"]:
        leaf = base64.b64decode(entry["leaf_input"])
        assert base64.b64decode(entry["leaf_hash"]) == hashlib.sha256(b"\0" + leaf).digest()
        proof = client.get(
            f"{LOG}/proof/inclusion", params={"index": entry["index"], "tree_size": 7}
        ).json()
        verify_inclusion(
            entry["index"],
            7,
            base64.b64decode(proof["leaf_hash"]),
            [base64.b64decode(h) for h in proof["hashes"]],
            checkpoint.root_hash,
        )


def test_entries_carry_the_sha256_of_the_canonical_record(
    client: TestClient, callers: Callers
) -> None:
    (declaration_id,) = _declare(client, callers, 1)
    entry = client.get(
        f"{LOG}/entries", params={"start": 0, "end": 1}, headers=callers.state("SEN")
    ).json()
    record = entry["entries"][0]["record"]
    assert record["id"] == declaration_id
    digest = hashlib.sha256(canonical_json(record)).hexdigest()
    assert entry["entries"][0]["entry"]["record_sha256"] == digest
    leaf_input = base64.b64decode(entry["entries"][0]["leaf_input"])
    assert leaf_input == canonical_json(entry["entries"][0]["entry"])


def test_consistency_proofs_link_every_pair_of_checkpoints(
    client: TestClient, callers: Callers
) -> None:
    roots = {}
    for size in range(1, 9):
        _declare(client, callers, 1)
        roots[size] = _checkpoint(client).root_hash
    for first in range(1, 9):
        for second in range(first, 9):
            proof = client.get(
                f"{LOG}/proof/consistency", params={"first": first, "second": second}
            ).json()
            hashes = [base64.b64decode(h) for h in proof["hashes"]]
            verify_consistency(first, second, roots[first], roots[second], hashes)


def test_proofs_and_checkpoint_need_no_token_but_entries_do(
    client: TestClient, callers: Callers
) -> None:
    _declare(client, callers, 2)
    assert client.get(f"{LOG}/checkpoint").status_code == 200
    assert client.get(f"{LOG}/public-key").status_code == 200
    assert (
        client.get(f"{LOG}/proof/inclusion", params={"index": 0, "tree_size": 2}).status_code == 200
    )
    assert (
        client.get(f"{LOG}/proof/consistency", params={"first": 1, "second": 2}).status_code == 200
    )
    assert client.get(f"{LOG}/entries", params={"start": 0, "end": 1}).status_code == 401


def test_out_of_range_parameters_are_400(client: TestClient, callers: Callers) -> None:
    _declare(client, callers, 3)
    bad = [
        ("inclusion", {"index": 3, "tree_size": 3}),
        ("inclusion", {"index": 0, "tree_size": 4}),
        ("inclusion", {"index": -1}),
        ("consistency", {"first": 2, "second": 1}),
        ("consistency", {"first": 1, "second": 4}),
        ("consistency", {"first": 0, "second": 2}),
    ]
    for kind, params in bad:
        response = client.get(f"{LOG}/proof/{kind}", params=params)
        assert response.status_code == 400, (kind, params, response.text)
    for params in ({"start": 2, "end": 5}, {"start": 2, "end": 2}, {"start": -1, "end": 1}):
        response = client.get(f"{LOG}/entries", params=params, headers=callers.state("SEN"))
        assert response.status_code == 400


def test_entries_of_unreadable_records_show_hashes_only(
    client: TestClient, callers: Callers
) -> None:
    _declare(client, callers, 1, "SEN")
    _declare(client, callers, 1, "CIV")
    entries = client.get(
        f"{LOG}/entries", params={"start": 0, "end": 2}, headers=callers.state("CIV")
    ).json()["entries"]
    assert entries[0]["leaf_input"] is None
    assert entries[0]["record"] is None
    assert entries[0]["leaf_hash"]
    assert entries[1]["leaf_input"] is not None
