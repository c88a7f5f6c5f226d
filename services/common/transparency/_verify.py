"""Proof verification, following RFC 9162 sections 2.1.3.2 and 2.1.4.2."""

from collections.abc import Sequence

from services.common.transparency._hashing import EMPTY_ROOT, HASH_SIZE, node_hash


class ProofError(ValueError):
    """An inclusion or consistency proof does not verify."""


def _require_hash(value: bytes, what: str) -> None:
    # A short or long value can never be a tree hash; rejecting it early also
    # stops an empty "leaf" from matching an empty "root" in a one-leaf tree.
    if len(value) != HASH_SIZE:
        raise ProofError(f"{what} is {len(value)} bytes, expected {HASH_SIZE}")


def _shift_to_set_bit(fn: int, sn: int) -> tuple[int, int]:
    """Right-shift fn and sn until fn's lowest bit is set or fn is 0."""
    while fn and not fn & 1:
        fn >>= 1
        sn >>= 1
    return fn, sn


def verify_inclusion(
    leaf_index: int,
    tree_size: int,
    leaf_hash: bytes,
    proof: Sequence[bytes],
    root: bytes,
) -> None:
    """Check that `leaf_hash` sits at `leaf_index` in the tree of `tree_size`
    leaves whose root hash is `root`; raise ProofError otherwise.
    """
    if not 0 <= leaf_index < tree_size:
        raise ProofError(f"leaf index {leaf_index} is outside a tree of size {tree_size}")
    _require_hash(leaf_hash, "leaf hash")
    _require_hash(root, "root hash")
    for position, element in enumerate(proof):
        _require_hash(element, f"proof element {position}")
    fn, sn = leaf_index, tree_size - 1
    result = leaf_hash
    for element in proof:
        if sn == 0:
            raise ProofError("inclusion proof has too many elements")
        if fn & 1 or fn == sn:
            result = node_hash(element, result)
            if not fn & 1:
                fn, sn = _shift_to_set_bit(fn, sn)
        else:
            result = node_hash(result, element)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("inclusion proof has too few elements")
    if result != root:
        raise ProofError("inclusion proof does not lead to the root hash")


def verify_consistency(
    size1: int, size2: int, root1: bytes, root2: bytes, proof: Sequence[bytes]
) -> None:
    """Check that the tree of `size2` leaves with `root2` extends the tree of
    `size1` leaves with `root1`; raise ProofError otherwise.

    Equal sizes are consistent exactly when the roots are equal and the proof
    is empty (for size 0 both roots must be the empty-tree hash). A proof from
    the empty tree to a larger one carries no information and is refused, as
    RFC 9162 requires 0 < size1 < size2 for a proof.
    """
    if not 0 <= size1 <= size2:
        raise ProofError(f"sizes {size1} and {size2} are not 0 <= size1 <= size2")
    if size1 == size2:
        if proof:
            raise ProofError("consistency proof between equal sizes must be empty")
        if size1 == 0 and (root1 != EMPTY_ROOT or root2 != EMPTY_ROOT):
            raise ProofError("the root of the empty tree is the hash of nothing")
        if root1 != root2:
            raise ProofError("trees of equal size have different roots")
        return
    if size1 == 0:
        raise ProofError("a consistency proof from the empty tree is meaningless")
    if not proof:
        raise ProofError("consistency proof is empty")
    _require_hash(root1, "first root hash")
    _require_hash(root2, "second root hash")
    for position, element in enumerate(proof):
        _require_hash(element, f"proof element {position}")
    _walk_consistency(size1, size2, root1, root2, proof)


def _walk_consistency(
    size1: int, size2: int, root1: bytes, root2: bytes, proof: Sequence[bytes]
) -> None:
    """Steps 2 to 7 of RFC 9162 2.1.4.2, for 0 < size1 < size2."""
    path = list(proof)
    if size1 & (size1 - 1) == 0:
        # The old tree is one perfect subtree of the new one, so the proof
        # leaves out its hash: the verifier already holds it as root1.
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    first = second = path[0]
    for element in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof has too many elements")
        if fn & 1 or fn == sn:
            first = node_hash(element, first)
            second = node_hash(element, second)
            if not fn & 1:
                fn, sn = _shift_to_set_bit(fn, sn)
        else:
            second = node_hash(second, element)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("consistency proof has too few elements")
    if first != root1:
        raise ProofError("consistency proof does not lead to the first root hash")
    if second != root2:
        raise ProofError("consistency proof does not lead to the second root hash")
