"""RFC 9162 (RFC 6962) section 2 Merkle tree: hashing, proofs, verification.

Storage model for a database: a table of perfect-subtree hashes keyed by
(level, index), level 0 holding the leaf hashes. On append, store the nodes
of `append_leaves` (or `completed_subtrees` for one leaf); roots and proofs
are then folds of O(log n) stored nodes (`root_hash`, `inclusion_proof`,
`consistency_proof`, or the `*_plan` functions plus `plan_nodes` to fetch
them in one query and `PrefetchedSubtrees` to resolve).
"""

from services.common.transparency._hashing import (
    EMPTY_ROOT,
    HASH_SIZE,
    fold_subtrees,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
)
from services.common.transparency._memory import MemoryTree
from services.common.transparency._subtrees import (
    AppendResult,
    NodeId,
    PrefetchedSubtrees,
    ProofPlan,
    StoredNode,
    SubtreeHashes,
    append_leaves,
    completed_subtrees,
    consistency_plan,
    consistency_proof,
    decompose,
    frontier,
    inclusion_plan,
    inclusion_proof,
    plan_nodes,
    resolve_plan,
    root_hash,
)
from services.common.transparency._verify import (
    ProofError,
    verify_consistency,
    verify_inclusion,
)

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "AppendResult",
    "MemoryTree",
    "NodeId",
    "PrefetchedSubtrees",
    "ProofError",
    "ProofPlan",
    "StoredNode",
    "SubtreeHashes",
    "append_leaves",
    "completed_subtrees",
    "consistency_plan",
    "consistency_proof",
    "decompose",
    "fold_subtrees",
    "frontier",
    "inclusion_plan",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "plan_nodes",
    "resolve_plan",
    "root_from_leaf_hashes",
    "root_hash",
    "verify_consistency",
    "verify_inclusion",
]
