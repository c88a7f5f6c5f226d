"""RFC 6962 / RFC 9162 golden vectors from transparency-dev/merkle.

The vectors are copied into testdata/rfc6962 beside this file, with their
Apache 2.0 licence and a README naming the upstream commit: every
happy-path.json must verify, and every file is rejected exactly when its
wantErr is true.
"""

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from services.common.transparency.merkle import (
    MemoryTree,
    ProofError,
    leaf_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)

VECTORS = Path(__file__).resolve().parent / "testdata" / "rfc6962"

# The eight leaves and the root given in the vectors' README.
LEAF_DATA = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
ROOT_OF_EIGHT = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"


def _vector_files(kind: str) -> list[Any]:
    files = sorted((VECTORS / kind).rglob("*.json"))
    return [pytest.param(path, id=str(path.relative_to(VECTORS))) for path in files]


def _load(path: Path) -> dict[str, Any]:
    vector: dict[str, Any] = json.loads(path.read_text())
    return vector


def _hashes(encoded: list[str] | None) -> list[bytes]:
    return [base64.b64decode(item) for item in encoded or []]


def test_vector_folder_holds_both_kinds_of_vectors() -> None:
    # Guards the parametrised tests below against silently running on nothing.
    assert len(_vector_files("inclusion")) > 50
    assert len(_vector_files("consistency")) > 50


def _verify_inclusion_vector(vector: dict[str, Any]) -> None:
    verify_inclusion(
        vector["leafIdx"],
        vector["treeSize"],
        base64.b64decode(vector["leafHash"]),
        _hashes(vector["proof"]),
        base64.b64decode(vector["root"]),
    )


def _verify_consistency_vector(vector: dict[str, Any]) -> None:
    verify_consistency(
        vector["size1"],
        vector["size2"],
        base64.b64decode(vector["root1"]),
        base64.b64decode(vector["root2"]),
        _hashes(vector["proof"]),
    )


@pytest.mark.parametrize("path", _vector_files("inclusion"))
def test_inclusion_vector(path: Path) -> None:
    vector = _load(path)
    if vector["wantErr"]:
        with pytest.raises(ProofError):
            _verify_inclusion_vector(vector)
    else:
        _verify_inclusion_vector(vector)


@pytest.mark.parametrize("path", _vector_files("consistency"))
def test_consistency_vector(path: Path) -> None:
    vector = _load(path)
    if vector["wantErr"]:
        with pytest.raises(ProofError):
            _verify_consistency_vector(vector)
    else:
        _verify_consistency_vector(vector)


def _eight_leaf_tree() -> MemoryTree:
    tree = MemoryTree()
    for data in LEAF_DATA:
        tree.append_data(data)
    return tree


def test_eight_leaf_root_matches_the_readme() -> None:
    assert _eight_leaf_tree().root().hex() == ROOT_OF_EIGHT
    leaves = [leaf_hash(data) for data in LEAF_DATA]
    assert root_from_leaf_hashes(leaves).hex() == ROOT_OF_EIGHT


def _happy_paths(kind: str) -> list[Any]:
    files = sorted((VECTORS / kind).glob("*/happy-path.json"))
    return [pytest.param(path, id=str(path.relative_to(VECTORS))) for path in files]


@pytest.mark.parametrize("path", _happy_paths("inclusion"))
def test_generated_inclusion_proof_equals_happy_path(path: Path) -> None:
    vector = _load(path)
    tree = _eight_leaf_tree()
    index, size = vector["leafIdx"], vector["treeSize"]
    assert tree.root(size) == base64.b64decode(vector["root"])
    assert leaf_hash(LEAF_DATA[index]) == base64.b64decode(vector["leafHash"])
    assert tree.inclusion_proof(index, size) == _hashes(vector["proof"])


@pytest.mark.parametrize("path", _happy_paths("consistency"))
def test_generated_consistency_proof_equals_happy_path(path: Path) -> None:
    vector = _load(path)
    tree = _eight_leaf_tree()
    size1, size2 = vector["size1"], vector["size2"]
    assert tree.root(size1) == base64.b64decode(vector["root1"])
    assert tree.root(size2) == base64.b64decode(vector["root2"])
    assert tree.consistency_proof(size1, size2) == _hashes(vector["proof"])
