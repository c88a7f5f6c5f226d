"""Proof generation on top of stored perfect-subtree hashes.

A log never rewrites a leaf, so the hash of a perfect subtree (2**level
leaves starting at leaf index * 2**level) never changes once its last leaf is
in. Storing those hashes, keyed by (level, index), is all a database needs:
any subtree hash RFC 9162 asks for is a right fold of at most log2(n) of
them, and an inclusion or consistency proof needs at most about 2*log2(n)
lookups in total.

Proof generation is split into a plan (which (level, index) nodes to read,
and how to fold them into each proof element) and its resolution against a
store, so that a database layer can fetch every node of a plan in one query
(see `plan_nodes` and `PrefetchedSubtrees`).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from services.common.transparency._hashing import (
    EMPTY_ROOT,
    HASH_SIZE,
    fold_subtrees,
    largest_power_of_two_below,
    node_hash,
)

NodeId = tuple[int, int]
"""(level, index) of a perfect subtree: 2**level leaves from index * 2**level."""

ProofPlan = list[list[NodeId]]
"""One list of perfect subtrees per proof element, to be folded in order."""


@dataclass(frozen=True, slots=True)
class StoredNode:
    """A perfect-subtree hash to store under (level, index)."""

    level: int
    index: int
    hash: bytes


class SubtreeHashes(Protocol):
    """Read access to stored perfect-subtree hashes (level 0: leaf hashes)."""

    def perfect_subtree(self, level: int, index: int) -> bytes:
        """Return the stored hash; raise LookupError if it is not stored."""
        ...


class PrefetchedSubtrees:
    """A `SubtreeHashes` over a mapping, e.g. the rows of one bulk query."""

    def __init__(self, hashes: Mapping[NodeId, bytes]) -> None:
        self._hashes = hashes

    def perfect_subtree(self, level: int, index: int) -> bytes:
        """Return the hash of node (level, index); KeyError if absent."""
        return self._hashes[(level, index)]


def _require_leaf_hash(leaf_hash: bytes) -> None:
    # A stored node of the wrong length would poison every root above it.
    if len(leaf_hash) != HASH_SIZE:
        raise ValueError(f"a leaf hash is {HASH_SIZE} bytes, not {len(leaf_hash)}")


def decompose(start: int, end: int) -> list[NodeId]:
    """Return the perfect subtrees covering leaves [start, end), largest first.

    `start` must be a multiple of the largest of them, which holds for every
    subtree of the RFC 9162 tree and for whole trees (start 0).
    """
    if not 0 <= start < end:
        raise ValueError(f"empty or negative leaf range [{start}, {end})")
    top = (end - start).bit_length() - 1
    if start % (1 << top):
        raise ValueError(f"leaf range [{start}, {end}) is not a subtree of the log")
    nodes: list[NodeId] = []
    position = start
    for level in range(top, -1, -1):
        if (end - start) >> level & 1:
            nodes.append((level, position >> level))
            position += 1 << level
    return nodes


def frontier(size: int) -> list[NodeId]:
    """Return the perfect subtrees whose fold is the root of a tree of `size`.

    They are also exactly the nodes that appending to that tree may need.
    """
    return decompose(0, size) if size else []


def inclusion_plan(index: int, size: int) -> ProofPlan:
    """Plan the RFC 9162 2.1.3.1 audit path of leaf `index` in a tree of `size`."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")
    plan: ProofPlan = []
    start, end = 0, size
    # Walk down from the root: the sibling of each step is one proof element,
    # and the path lists them from the leaf up, so the plan is reversed at the
    # end. Only the first right sibling can be an incomplete subtree: after a
    # step to the left the remaining range is perfect.
    while end - start > 1:
        split = start + largest_power_of_two_below(end - start)
        if index < split:
            plan.append(decompose(split, end))
            end = split
        else:
            plan.append(decompose(start, split))
            start = split
    plan.reverse()
    return plan


def consistency_plan(size1: int, size2: int) -> ProofPlan:
    """Plan the RFC 9162 2.1.4.1 consistency proof from `size1` to `size2`.

    Equal sizes need an empty proof. A proof from the empty tree is refused
    (ValueError), as no verifier accepts one.
    """
    if not 0 <= size1 <= size2:
        raise ValueError(f"sizes {size1} and {size2} are not 0 <= size1 <= size2")
    if size1 == size2:
        return []
    if size1 == 0:
        raise ValueError("a consistency proof from the empty tree is meaningless")
    plan: ProofPlan = []
    start, end = 0, size2
    # `whole` is RFC 9162's flag b: true while the current range starts at
    # leaf 0, where the verifier already knows the old root it would add.
    whole = True
    while size1 != end:
        split = start + largest_power_of_two_below(end - start)
        if size1 <= split:
            plan.append(decompose(split, end))
            end = split
        else:
            plan.append(decompose(start, split))
            start = split
            whole = False
    if not whole:
        plan.append(decompose(start, end))
    plan.reverse()
    return plan


def plan_nodes(plan: ProofPlan) -> set[NodeId]:
    """Return every node a plan reads, e.g. to fetch them in one query."""
    return {node for element in plan for node in element}


def resolve_plan(plan: ProofPlan, store: SubtreeHashes) -> list[bytes]:
    """Turn a plan into proof hashes by reading and folding stored nodes."""
    return [
        fold_subtrees([store.perfect_subtree(level, index) for level, index in element])
        for element in plan
    ]


def inclusion_proof(index: int, size: int, store: SubtreeHashes) -> list[bytes]:
    """Return the audit path of leaf `index` in the tree of `size` leaves."""
    return resolve_plan(inclusion_plan(index, size), store)


def consistency_proof(size1: int, size2: int, store: SubtreeHashes) -> list[bytes]:
    """Return the consistency proof from the tree of `size1` to `size2`."""
    return resolve_plan(consistency_plan(size1, size2), store)


def root_hash(size: int, store: SubtreeHashes) -> bytes:
    """Return the root of the tree of the first `size` leaves (O(log n) reads)."""
    if size == 0:
        return EMPTY_ROOT
    return fold_subtrees([store.perfect_subtree(level, index) for level, index in frontier(size)])


def completed_subtrees(index: int, leaf_hash: bytes, store: SubtreeHashes) -> list[StoredNode]:
    """Return the nodes to store when leaf `index` (= the old size) is appended.

    That is the leaf itself plus one node per trailing 1 bit of `index`: each
    completes a perfect subtree whose left half is read from `store`.
    """
    if index < 0:
        raise ValueError(f"negative leaf index {index}")
    _require_leaf_hash(leaf_hash)
    node = StoredNode(0, index, leaf_hash)
    created = [node]
    while node.index & 1:
        left = store.perfect_subtree(node.level, node.index - 1)
        node = StoredNode(node.level + 1, node.index >> 1, node_hash(left, node.hash))
        created.append(node)
    return created


@dataclass(frozen=True)
class AppendResult:
    """What appending a batch of leaves produced."""

    nodes: list[StoredNode]
    """Every newly completed perfect subtree, leaves included, in creation order."""
    size: int
    """Tree size after the batch."""
    root: bytes
    """Root hash of the tree after the batch."""


def append_leaves(start: int, leaf_hashes: Iterable[bytes], store: SubtreeHashes) -> AppendResult:
    """Compute the nodes completed by appending `leaf_hashes` at leaf `start`.

    Reads only the `frontier(start)` nodes from `store` (one bulk query with
    `PrefetchedSubtrees`), whatever the batch length; everything else is
    computed in memory. The caller stores `nodes` and may sign `root`.
    """
    if start < 0:
        raise ValueError(f"negative tree size {start}")
    # The frontier works as a binary counter: appending a leaf carries, and
    # each carry merges two equal perfect subtrees into the next level.
    stack = [
        StoredNode(level, index, store.perfect_subtree(level, index))
        for level, index in frontier(start)
    ]
    created: list[StoredNode] = []
    size = start
    for leaf in leaf_hashes:
        _require_leaf_hash(leaf)
        node = StoredNode(0, size, leaf)
        created.append(node)
        while stack and stack[-1].level == node.level:
            left = stack.pop()
            node = StoredNode(node.level + 1, left.index >> 1, node_hash(left.hash, node.hash))
            created.append(node)
        stack.append(node)
        size += 1
    root = fold_subtrees([node.hash for node in stack]) if stack else EMPTY_ROOT
    return AppendResult(nodes=created, size=size, root=root)
