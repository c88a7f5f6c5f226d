"""Fixity recomputes every stored subtree node and every stored checkpoint from the entries."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from services.common.database import make_engine, write_session
from services.common.transparency.merkle import ProofError, verify_inclusion
from services.declarations.log.fixity import check_fixity
from services.declarations.log.keys import load_signer
from services.declarations.log.schemas import FixityResult
from services.declarations.log.service import LogContext
from services.declarations.settings import DeclarationsSettings
from tests.declarations.support import Callers, declaration
from tests.declarations.test_log_verify_and_fixity import tamper

URL = "/declarations/v1/declarations"
LOG = "/declarations/v1/log"


Fixity = Callable[[], FixityResult]


@pytest.fixture
def fixity(declarations_settings: DeclarationsSettings, declarations_url: str) -> Iterator[Fixity]:
    context = LogContext(
        signer=load_signer(declarations_settings), origin=declarations_settings.log_origin
    )
    engine = make_engine(declarations_url)

    def check() -> FixityResult:
        with write_session(engine) as session:
            return check_fixity(session, log=context)

    yield check
    engine.dispose()


def _declare(client: TestClient, callers: Callers, count: int) -> None:
    for _ in range(count):
        assert client.post(URL, json=declaration(), headers=callers.state("SEN")).status_code == 201


def _served_proof_verifies(client: TestClient, callers: Callers, index: int, size: int) -> bool:
    entry = client.get(
        f"{LOG}/entries", params={"start": index, "end": index + 1}, headers=callers.state("SEN")
    ).json()["entries"][0]
    proof = client.get(f"{LOG}/proof/inclusion", params={"index": index, "tree_size": size}).json()
    root = base64.b64decode(client.get(f"{LOG}/checkpoint").text.split("\n")[2])
    try:
        verify_inclusion(
            index,
            size,
            base64.b64decode(entry["leaf_hash"]),
            [base64.b64decode(h) for h in proof["hashes"]],
            root,
        )
    except ProofError:
        return False
    return True


def test_an_honest_log_passes_fixity(client: TestClient, callers: Callers, fixity: Fixity) -> None:
    _declare(client, callers, 8)
    result = fixity()
    assert result.ok, result.problems
    assert result.tree_size == 8


def test_a_corrupted_interior_node_fails_fixity(
    client: TestClient, callers: Callers, fixity: Fixity, declarations_url: str
) -> None:
    _declare(client, callers, 8)
    tamper(
        declarations_url,
        'UPDATE log_nodes SET hash = :forged WHERE level = 1 AND "index" = 0',
        {"forged": b"\x07" * 32},
    )
    # The root (node 3, 0) is intact, but the proofs served for entries 2..7 read node (1, 0).
    assert not _served_proof_verifies(client, callers, 2, 8)
    result = fixity()
    assert not result.ok
    assert any("node (1, 0)" in p for p in result.problems), result.problems


def test_a_missing_and_a_stray_stored_node_fail_fixity(
    client: TestClient, callers: Callers, fixity: Fixity, declarations_url: str
) -> None:
    _declare(client, callers, 6)
    tamper(declarations_url, 'DELETE FROM log_nodes WHERE level = 1 AND "index" = 1', {})
    tamper(
        declarations_url,
        'INSERT INTO log_nodes (level, "index", hash) VALUES (3, 0, :forged)',
        {"forged": b"\x07" * 32},
    )
    problems = fixity().problems
    assert any("node (1, 1)" in p and "missing" in p for p in problems), problems
    assert any("node (3, 0)" in p for p in problems), problems


def test_a_stored_checkpoint_whose_root_is_not_the_logs_fails_fixity(
    client: TestClient, callers: Callers, fixity: Fixity, declarations_url: str
) -> None:
    _declare(client, callers, 5)
    tamper(
        declarations_url,
        "UPDATE checkpoints SET root_hash = :forged WHERE tree_size = 3",
        {"forged": b"\x07" * 32},
    )
    result = fixity()
    assert not result.ok
    assert any("checkpoint of 3 entries" in p for p in result.problems), result.problems
