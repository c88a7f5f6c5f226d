"""Proof generation over stored perfect subtrees: batching, lookups, scale."""

import hashlib
import math
from functools import cache

import pytest

from services.common.transparency.merkle import (
    EMPTY_ROOT,
    MemoryTree,
    PrefetchedSubtrees,
    StoredNode,
    append_leaves,
    completed_subtrees,
    consistency_plan,
    consistency_proof,
    decompose,
    frontier,
    inclusion_plan,
    inclusion_proof,
    leaf_hash,
    node_hash,
    plan_nodes,
    root_hash,
    verify_consistency,
    verify_inclusion,
)


def _leaves(size: int) -> list[bytes]:
    return [leaf_hash(b"entry %d" % i) for i in range(size)]


class CountingStore:
    """Wraps a store and records every node read, as a database would see."""

    def __init__(self, tree: MemoryTree) -> None:
        self.tree = tree
        self.reads: list[tuple[int, int]] = []

    def perfect_subtree(self, level: int, index: int) -> bytes:
        self.reads.append((level, index))
        return self.tree.perfect_subtree(level, index)


class UniformTree:
    """A virtual log of `size` identical leaves, O(1) per node at any size.

    Every perfect subtree of one level has the same hash, so a million-leaf
    log needs no memory; proofs still have to get every length and every
    incomplete-subtree fold right to verify.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.reads = 0

    @staticmethod
    @cache
    def level_hash(level: int) -> bytes:
        if level == 0:
            return leaf_hash(b"same")
        below = UniformTree.level_hash(level - 1)
        return node_hash(below, below)

    def perfect_subtree(self, level: int, index: int) -> bytes:
        if (index + 1) << level > self.size:
            raise KeyError((level, index))
        self.reads += 1
        return self.level_hash(level)


def test_decompose_splits_a_range_into_perfect_subtrees_largest_first() -> None:
    assert decompose(0, 13) == [(3, 0), (2, 2), (0, 12)]
    assert decompose(8, 13) == [(2, 2), (0, 12)]
    assert decompose(4, 8) == [(2, 1)]


def test_decompose_refuses_ranges_that_are_not_log_subtrees() -> None:
    with pytest.raises(ValueError, match="not a subtree"):
        decompose(2, 6)
    with pytest.raises(ValueError, match="empty"):
        decompose(5, 5)


def test_frontier_of_the_empty_tree_is_empty_and_its_root_is_the_empty_hash() -> None:
    assert frontier(0) == []
    assert root_hash(0, PrefetchedSubtrees({})) == EMPTY_ROOT


def test_batches_store_the_same_nodes_as_one_leaf_at_a_time() -> None:
    leaves = _leaves(300)
    one_by_one = MemoryTree()
    singles: list[StoredNode] = []
    for index, leaf in enumerate(leaves):
        created = completed_subtrees(index, leaf, one_by_one)
        singles.extend(created)
        one_by_one.append(leaf)
    batched: list[StoredNode] = []
    tree = MemoryTree()
    for start in range(0, 300, 37):
        result = append_leaves(start, leaves[start : start + 37], tree)
        tree.extend(leaves[start : start + 37])
        assert result.size == tree.size
        assert result.root == tree.root()
        batched.extend(result.nodes)
    assert batched == singles
    # Level L of a log of n leaves holds floor(n / 2**L) complete subtrees.
    assert len(singles) == sum(300 >> level for level in range(9))


def test_a_batch_reads_only_the_frontier_of_the_old_tree() -> None:
    tree = MemoryTree(_leaves(1000))
    store = CountingStore(tree)
    append_leaves(1000, _leaves(5000)[1000:], store)
    assert store.reads == frontier(1000)


def test_prefetched_plan_nodes_give_the_same_proofs_as_direct_reads() -> None:
    tree = MemoryTree(_leaves(777))

    def prefetch(nodes: set[tuple[int, int]]) -> PrefetchedSubtrees:
        return PrefetchedSubtrees({node: tree.perfect_subtree(*node) for node in nodes})

    included = prefetch(plan_nodes(inclusion_plan(300, 777)))
    assert inclusion_proof(300, 777, included) == tree.inclusion_proof(300, 777)
    consistent = prefetch(plan_nodes(consistency_plan(300, 777)))
    assert consistency_proof(300, 777, consistent) == tree.consistency_proof(300, 777)


@pytest.mark.parametrize("size", [1, 2, 3, 1000, 1_000_000, 1_048_575, 1_048_577])
def test_proofs_of_large_logs_verify_with_logarithmic_reads(size: int) -> None:
    store = UniformTree(size)
    root = root_hash(size, store)
    bound = 2 * max(1, math.ceil(math.log2(size))) + 1
    for index in {0, size // 3, size // 2, size - 1}:
        store.reads = 0
        proof = inclusion_proof(index, size, store)
        assert store.reads <= bound
        verify_inclusion(index, size, store.level_hash(0), proof, root)
    for size1 in {1, size // 3, size // 2, size - 1} - {0}:
        store.reads = 0
        proof = consistency_proof(size1, size, store)
        assert store.reads <= bound
        verify_consistency(size1, size, root_hash(size1, store), root, proof)


def test_generation_refuses_out_of_range_arguments() -> None:
    with pytest.raises(ValueError, match="outside"):
        inclusion_plan(5, 5)
    with pytest.raises(ValueError, match="outside"):
        inclusion_plan(-1, 5)
    with pytest.raises(ValueError, match="size1 <= size2"):
        consistency_plan(6, 5)
    with pytest.raises(ValueError, match="empty tree"):
        consistency_plan(0, 5)
    assert consistency_plan(0, 0) == consistency_plan(5, 5) == []


def test_memory_tree_refuses_sizes_beyond_its_leaves() -> None:
    tree = MemoryTree(_leaves(4))
    with pytest.raises(ValueError, match="outside"):
        tree.root(5)
    with pytest.raises(ValueError, match="outside"):
        tree.inclusion_proof(0, 5)
    with pytest.raises(KeyError):
        tree.perfect_subtree(2, 1)


def test_appending_a_leaf_hash_of_the_wrong_length_is_refused() -> None:
    tree = MemoryTree()
    with pytest.raises(ValueError, match="32 bytes"):
        tree.append(hashlib.sha256(b"x").digest()[:31])
    with pytest.raises(ValueError, match="32 bytes"):
        completed_subtrees(0, b"", tree)
    assert tree.size == 0
