"""RFC 9162 section 2.1 hashing: leaf and interior node hashes, tree heads."""

import hashlib
from collections.abc import Sequence

HASH_SIZE = 32
"""Length in bytes of every hash in the tree (SHA-256)."""

EMPTY_ROOT = hashlib.sha256(b"").digest()
"""Root hash of the empty tree: SHA-256 of nothing (RFC 9162 2.1.1)."""

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    """Return the leaf hash SHA-256(0x00 || data) of one log entry."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the interior node hash SHA-256(0x01 || left || right)."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def largest_power_of_two_below(n: int) -> int:
    """Return the largest power of two strictly smaller than n (n >= 2).

    This is the split point k of RFC 9162: MTH(D[n]) hashes D[0:k] and D[k:n].
    """
    if n < 2:
        raise ValueError(f"no power of two splits a tree of size {n}")
    return 1 << ((n - 1).bit_length() - 1)


def fold_subtrees(hashes: Sequence[bytes]) -> bytes:
    """Hash perfect subtrees, given left to right in decreasing size, into one.

    A range whose size is not a power of two is, in the RFC 9162 tree, its
    largest perfect subtree joined with the hash of the rest, so the hashes
    fold from the right.
    """
    if not hashes:
        raise ValueError("nothing to fold")
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def root_from_leaf_hashes(leaf_hashes: Sequence[bytes]) -> bytes:
    """Return MTH of a whole list of leaf hashes in O(n) time.

    Pairs neighbours level by level and carries an unpaired last node up
    unchanged; this builds exactly the RFC 9162 tree, whose left subtrees are
    always perfect, without the recursion.
    """
    if not leaf_hashes:
        return EMPTY_ROOT
    level = list(leaf_hashes)
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]
