"""Property tests: generated proofs against the RFC 9162 definitions."""

import hashlib
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.common.transparency.merkle import (
    EMPTY_ROOT,
    MemoryTree,
    ProofError,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)

PROPERTY_SETTINGS = settings(max_examples=50, deadline=None)


def _leaves(seed: int, size: int) -> list[bytes]:
    # Derived rather than drawn: drawing 1,000 byte strings per example
    # would spend the time budget in hypothesis instead of in the tree.
    return [leaf_hash(hashlib.sha256(b"%d/%d" % (seed, i)).digest()) for i in range(size)]


def _split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves: Sequence[bytes]) -> bytes:
    """MTH of RFC 9162 2.1.1, written out recursively as the oracle."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def path(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 2.1.3.1."""
    if len(leaves) <= 1:
        return []
    k = _split(len(leaves))
    if m < k:
        return [*path(m, leaves[:k]), mth(leaves[k:])]
    return [*path(m - k, leaves[k:]), mth(leaves[:k])]


def subproof(m: int, leaves: Sequence[bytes], whole: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) of RFC 9162 2.1.4.1."""
    if m == len(leaves):
        return [] if whole else [mth(leaves)]
    k = _split(len(leaves))
    if m <= k:
        return [*subproof(m, leaves[:k], whole), mth(leaves[k:])]
    return [*subproof(m - k, leaves[k:], False), mth(leaves[:k])]


def _flip(value: bytes, bit: int) -> bytes:
    flipped = bytearray(value)
    flipped[bit // 8] ^= 1 << (bit % 8)
    return bytes(flipped)


@st.composite
def logs(draw: st.DrawFn, min_size: int = 1) -> tuple[MemoryTree, list[bytes]]:
    leaves = _leaves(draw(st.integers(0, 2**32)), draw(st.integers(min_size, 1000)))
    return MemoryTree(leaves), leaves


@PROPERTY_SETTINGS
@given(logs(min_size=0), st.data())
def test_memory_tree_roots_equal_the_recursive_definition(
    log: tuple[MemoryTree, list[bytes]], data: st.DataObject
) -> None:
    tree, leaves = log
    assert tree.root() == mth(leaves) == root_from_leaf_hashes(leaves)
    size = data.draw(st.integers(0, len(leaves)), label="prefix size")
    assert tree.root(size) == mth(leaves[:size])


@PROPERTY_SETTINGS
@given(logs(), st.data())
def test_every_inclusion_proof_verifies(
    log: tuple[MemoryTree, list[bytes]], data: st.DataObject
) -> None:
    tree, leaves = log
    size = data.draw(st.integers(1, len(leaves)), label="tree size")
    root = tree.root(size)
    for index in range(size):
        verify_inclusion(index, size, leaves[index], tree.inclusion_proof(index, size), root)


@PROPERTY_SETTINGS
@given(logs(), st.data())
def test_inclusion_proofs_equal_the_recursive_definition(
    log: tuple[MemoryTree, list[bytes]], data: st.DataObject
) -> None:
    tree, leaves = log
    size = data.draw(st.integers(1, len(leaves)), label="tree size")
    index = data.draw(st.integers(0, size - 1), label="leaf index")
    assert tree.inclusion_proof(index, size) == path(index, leaves[:size])


@PROPERTY_SETTINGS
@given(logs(), st.data())
def test_consistency_proofs_verify_and_equal_the_recursive_definition(
    log: tuple[MemoryTree, list[bytes]], data: st.DataObject
) -> None:
    tree, leaves = log
    sizes = st.tuples(st.integers(1, len(leaves)), st.integers(1, len(leaves)))
    for a, b in data.draw(st.lists(sizes, min_size=1, max_size=20), label="sizes"):
        size1, size2 = min(a, b), max(a, b)
        proof = tree.consistency_proof(size1, size2)
        verify_consistency(size1, size2, tree.root(size1), tree.root(size2), proof)
        expected = [] if size1 == size2 else subproof(size1, leaves[:size2], True)
        assert proof == expected


def test_all_proofs_of_small_trees_verify() -> None:
    leaves = _leaves(7, 40)
    tree = MemoryTree(leaves)
    for size2 in range(1, len(leaves) + 1):
        root2 = tree.root(size2)
        for index in range(size2):
            proof = tree.inclusion_proof(index, size2)
            verify_inclusion(index, size2, leaves[index], proof, root2)
        for size1 in range(1, size2 + 1):
            proof = tree.consistency_proof(size1, size2)
            verify_consistency(size1, size2, tree.root(size1), root2, proof)


@PROPERTY_SETTINGS
@given(logs(), st.data())
def test_flipping_any_bit_breaks_inclusion(
    log: tuple[MemoryTree, list[bytes]], data: st.DataObject
) -> None:
    tree, leaves = log
    size = data.draw(st.integers(1, len(leaves)), label="tree size")
    index = data.draw(st.integers(0, size - 1), label="leaf index")
    proof, root, leaf = tree.inclusion_proof(index, size), tree.root(size), leaves[index]
    targets = ["root", "leaf"] + (["proof"] if proof else [])
    target = data.draw(st.sampled_from(targets), label="target")
    bit = data.draw(st.integers(0, 255), label="bit")
    if target == "root":
        root = _flip(root, bit)
    elif target == "leaf":
        leaf = _flip(leaf, bit)
    else:
        element = data.draw(st.integers(0, len(proof) - 1), label="element")
        proof[element] = _flip(proof[element], bit)
    with pytest.raises(ProofError):
        verify_inclusion(index, size, leaf, proof, root)


@PROPERTY_SETTINGS
@given(logs(min_size=2), st.data())
def test_flipping_any_bit_breaks_consistency(
    log: tuple[MemoryTree, list[bytes]], data: st.DataObject
) -> None:
    tree, leaves = log
    size2 = data.draw(st.integers(2, len(leaves)), label="second size")
    size1 = data.draw(st.integers(1, size2 - 1), label="first size")
    proof = tree.consistency_proof(size1, size2)
    roots = [tree.root(size1), tree.root(size2)]
    target = data.draw(st.sampled_from(["root1", "root2", "proof"]), label="target")
    bit = data.draw(st.integers(0, 255), label="bit")
    if target == "proof":
        element = data.draw(st.integers(0, len(proof) - 1), label="element")
        proof[element] = _flip(proof[element], bit)
    else:
        which = 0 if target == "root1" else 1
        roots[which] = _flip(roots[which], bit)
    with pytest.raises(ProofError):
        verify_consistency(size1, size2, roots[0], roots[1], proof)
